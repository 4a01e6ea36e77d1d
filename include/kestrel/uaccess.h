/*
 * Copying between the kernel and user space (arch/x86/mm/uaccess.c).
 *
 * A user pointer (__user) is never dereferenced directly: these functions
 * check it lies below TASK_SIZE_MAX (access_ok), open user access with
 * stac (SMAP) for the copy only, and reach a fault through the exception
 * table. A fault on a user address first goes to the page-fault handler
 * (demand paging, copy-on-write: the copy may sleep, so never call these
 * with a spinlock held or interrupts off); only if the address cannot be
 * made present does the fixup stop the copy and the call report -EFAULT.
 */
#ifndef KESTREL_UACCESS_H
#define KESTREL_UACCESS_H

#include <kestrel/compiler.h>
#include <kestrel/errno.h>
#include <kestrel/types.h>

/* One past the highest user address: the top of the lower canonical half, less a guard page. */
#define TASK_SIZE_MAX ((1UL << 47) - 4096)

static inline bool access_ok(const void __user *addr, unsigned long size)
{
	unsigned long a = (unsigned long)addr;

	return size <= TASK_SIZE_MAX && a <= TASK_SIZE_MAX - size;
}

/*
 * Return the number of bytes NOT copied: 0 on success. The tail of a short
 * copy_from_user is zeroed. Each may fault and so sleep and take the
 * caller's mmap_lock: might_fault() tells might_sleep() and the lock
 * validator so at every call, whether or not a fault happens this time.
 */
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long clear_user(void __user *to, unsigned long n);

/*
 * Page faults on user memory can be switched off (per task, nesting)
 * around a copy made where a fault must not be handled: with a folio
 * locked, a fault on a user buffer that maps that very folio would wait
 * for the lock forever (generic_perform_write). A fault then ends the copy
 * at once through its fixup, as if the page were absent: the copy comes
 * back short and the caller faults the pages in (fault_in_readable) with
 * its lock dropped, and tries again. The __*_inatomic copies are for
 * these sections (no might_fault(): they cannot sleep).
 */
void pagefault_disable(void);
void pagefault_enable(void);
bool pagefault_disabled(void);
unsigned long __copy_from_user_inatomic(void *to, const void __user *from, unsigned long n);
unsigned long __copy_to_user_inatomic(void __user *to, const void *from, unsigned long n);

/*
 * Make [uaddr, uaddr + size) present for reading by touching a byte of
 * each page (the fault handler does the rest). Returns the bytes NOT
 * faulted in (0: all of them), as Linux's fault_in_readable.
 */
size_t fault_in_readable(const char __user *uaddr, size_t size);

/* The caller may fault on user memory here: may sleep, may take mmap_lock (read). */
void might_fault(void);

/*
 * Copy a NUL-terminated string of at most count bytes (NUL included if it
 * fits). Returns its length (== count: not terminated within count) or -EFAULT.
 */
long strncpy_from_user(char *dst, const char __user *src, long count);
/* Length of the user string including its NUL, 0 on a fault, > n if longer than n. */
long strnlen_user(const char __user *s, long n);

/* x = *ptr / *ptr = x for one scalar; 0 or -EFAULT (x is zeroed on a fault). */
#define get_user(x, ptr)                                                          \
	({                                                                        \
		__typeof__(*(ptr)) __gu_val;                                      \
		int __gu_err = copy_from_user(&__gu_val, (ptr), sizeof(__gu_val)) \
				       ? -EFAULT : 0;                             \
		(x) = __gu_val;                                                   \
		__gu_err;                                                         \
	})

#define put_user(x, ptr)                                                    \
	({                                                                  \
		__typeof__(*(ptr)) __pu_val = (x);                          \
		copy_to_user((ptr), &__pu_val, sizeof(__pu_val)) ? -EFAULT : 0; \
	})

/*
 * Is the faulting kernel instruction at ip one of the user-copy
 * instructions? The page-fault handler uses it to tell a user-copy fault
 * (handle it as a user access: demand-page, or fix up to -EFAULT) from a
 * kernel bug touching user memory (oops).
 */
bool is_uaccess_insn(unsigned long ip);

#endif
