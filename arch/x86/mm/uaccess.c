/*
 * User copies (include/kestrel/uaccess.h).
 *
 * Each copy is one `rep movsb` (or stosb) inside stac/clac. If it faults
 * on a user page the page-fault handler first tries to make the page
 * present; if it cannot, the exception-table entry resumes right after
 * the instruction, with rcx still holding the bytes left: that is the
 * "not copied" count the callers return.
 *
 * With page faults disabled (pagefault_disable) the handler goes straight
 * to the fixup: the copy stops at the first page that is not present
 * with the needed right, and nothing sleeps.
 */
#include <kestrel/lockdep.h>
#include <kestrel/might_sleep.h>
#include <kestrel/mm_types.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <kestrel/uaccess.h>
#include <asm/extable.h>
#include <asm/page.h>
#include <asm/smap.h>

static unsigned long raw_copy(void *to, const void *from, unsigned long n)
{
	stac();
	asm volatile("1:	rep movsb\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : "+c"(n), "+D"(to), "+S"(from)
		     :
		     : "memory");
	clac();
	return n;
}

void pagefault_disable(void)
{
	current->pagefault_disabled++;
	barrier();	/* the counter is set before any access it covers */
}

void pagefault_enable(void)
{
	barrier();
	current->pagefault_disabled--;
}

bool pagefault_disabled(void)
{
	return current->pagefault_disabled != 0;
}

void might_fault(void)
{
	struct mm_struct *mm = current->mm;

	if (pagefault_disabled())
		return;
	might_sleep();
	if (mm)
		might_lock_read(&mm->mmap_lock);
}

unsigned long __copy_to_user_inatomic(void __user *to, const void *from, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	return raw_copy((void __force_kernel *)to, from, n);
}

unsigned long __copy_from_user_inatomic(void *to, const void __user *from, unsigned long n)
{
	if (!access_ok(from, n))
		return n;
	return raw_copy(to, (const void __force_kernel *)from, n);
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	might_fault();
	return __copy_to_user_inatomic(to, from, n);
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	unsigned long left;

	might_fault();
	left = __copy_from_user_inatomic(to, from, n);
	if (left)
		memset((char *)to + (n - left), 0, left);
	return left;
}

size_t fault_in_readable(const char __user *uaddr, size_t size)
{
	unsigned long start = (unsigned long)uaddr, end, p;
	char c;

	if (!size)
		return 0;
	if (!access_ok(uaddr, size))
		return size;
	end = start + size;
	/* One byte of each page: the first, then every page start after it. */
	for (p = start; p < end; p = (p & PAGE_MASK) + PAGE_SIZE) {
		if (copy_from_user(&c, (const char __user *)p, 1))
			return end - p;
	}
	return 0;
}

unsigned long clear_user(void __user *to, unsigned long n)
{
	void *dst = (void __force_kernel *)to;

	might_fault();
	if (!access_ok(to, n))
		return n;
	stac();
	asm volatile("1:	rep stosb\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : "+c"(n), "+D"(dst)
		     : "a"(0)
		     : "memory");
	clac();
	return n;
}

/*
 * Bytes from addr up to the end of its page, at most max. The string
 * calls copy a page piece at a time: a page is readable whole or not at
 * all, so a fault means the string really runs into an unreadable page,
 * and one rep movsb per piece replaces a copy call per byte (getname()
 * runs this on every path-taking syscall).
 */
static long piece_in_page(const void __user *addr, long max)
{
	long to_end = PAGE_SIZE - ((unsigned long)addr & (PAGE_SIZE - 1));

	return to_end < max ? to_end : max;
}

long strncpy_from_user(char *dst, const char __user *src, long count)
{
	long done = 0;

	while (done < count) {
		long n = piece_in_page(src + done, count - done);
		const char *nul;

		if (copy_from_user(dst + done, src + done, n))
			return -EFAULT;
		nul = memchr(dst + done, 0, n);
		if (nul)
			return nul - dst;
		done += n;
	}
	return count;
}

long strnlen_user(const char __user *s, long n)
{
	char buf[256];
	long done = 0;

	while (done < n) {
		long piece = piece_in_page(s + done, n - done);
		const char *nul;

		if (piece > (long)sizeof(buf))
			piece = sizeof(buf);
		if (copy_from_user(buf, s + done, piece))
			return 0;
		nul = memchr(buf, 0, piece);
		if (nul)
			return done + (nul - buf) + 1;
		done += piece;
	}
	return n + 1;
}

bool is_uaccess_insn(unsigned long ip)
{
	return search_exception_tables(ip) != NULL;
}
