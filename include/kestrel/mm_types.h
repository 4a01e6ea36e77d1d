/*
 * User address spaces: struct mm_struct and struct vm_area_struct
 * (mm/mmap.c, mm/memory.c, docs/mm.md).
 *
 * An mm_struct is one process's user address space: its page tables
 * (pgd; the kernel half is shared by every mm) and its VMAs, each a
 * range [vm_start, vm_end) with one set of permissions and one backing
 * (anonymous memory or a file at vm_pgoff). Threads share an mm.
 *
 * Locking: mmap_lock (an rw-semaphore) guards the VMA tree and every
 * VMA's fields: read to look up or fault, write to change the layout
 * (mmap, munmap, mprotect, brk, ...). page_table_lock guards the page
 * tables' contents (installing or clearing entries).
 *
 * This header is the contract between mm/ and the rest (exec, fork,
 * /proc); mm/ adds its private fields below the marked line.
 */
#ifndef KESTREL_MM_TYPES_H
#define KESTREL_MM_TYPES_H

#include <kestrel/atomic.h>
#include <kestrel/cpumask.h>
#include <kestrel/rwsem.h>
#include <kestrel/spinlock.h>
#include <kestrel/types.h>

struct file;
struct task_struct;

struct mm_struct {
	atomic_t mm_users;		/* tasks using the address space (mmget/mmput) */
	atomic_t mm_count;		/* references to the struct itself (mmgrab/mmdrop) */
	unsigned long *pgd;		/* top page table (direct-map address) */

	struct rw_semaphore mmap_lock;	/* the VMA tree and VMA fields; see above */
	spinlock_t page_table_lock;	/* page-table entries */

	/* Layout, set by exec (fs/binfmt_elf.c) and brk(); under mmap_lock. */
	unsigned long mmap_base;	/* top of the mmap area (randomized), grows down */
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk;	/* heap: [start_brk, brk) */
	unsigned long start_stack;	/* initial user stack pointer's page */
	unsigned long arg_start, arg_end, env_start, env_end;	/* argv/envp strings */
	unsigned long saved_auxv[2 * 24];	/* auxv of the exec, for /proc/<pid>/auxv */
	struct file *exe_file;		/* the executable (/proc/<pid>/exe); a reference */

	/* ---- mm/ private below ---- */
	void *mm_rb_root;		/* VMA tree root (mm/mmap.c) */
	unsigned long map_count;	/* VMAs */
	unsigned long total_vm;		/* pages mapped */
	cpumask_t cpu_vm_mask;		/* CPUs that may have this mm's TLB entries */
};

/* A new, empty address space (kernel half shared), mm_users = 1; NULL on no memory. */
struct mm_struct *mm_alloc(void);
/* mm_users: the last mmput tears down VMAs and page tables (exit_mmap) and drops mm_count. */
void mmget(struct mm_struct *mm);
void mmput(struct mm_struct *mm);
/* mm_count: keep the struct (not the mappings) alive, e.g. as a lazy active_mm. */
void mmgrab(struct mm_struct *mm);
void mmdrop(struct mm_struct *mm);

/*
 * fork(): a copy of oldmm. Private writable pages become copy-on-write in
 * both; shared mappings are shared; VMAs with VM_DONTCOPY are left out.
 * Takes oldmm's mmap_lock for write. NULL on no memory.
 */
struct mm_struct *dup_mm(struct mm_struct *oldmm);

/*
 * Context switch (called by the scheduler, interrupts off): load next's
 * page tables unless prev == next. next == NULL (kernel thread) keeps
 * prev's tables loaded (lazy TLB: the kernel half is the same in all).
 */
void switch_mm(struct mm_struct *prev, struct mm_struct *next, struct task_struct *tsk);

/*
 * exec: make mm the current task's address space (current->mm and
 * active_mm), load its page tables, and drop the old mm. Returns the old mm's
 * reference already dropped.
 */
void exec_mm_install(struct mm_struct *mm);

/*
 * mmap(2) for the kernel (exec's ELF loader uses it; current->mm, takes
 * mmap_lock for write): returns the address or a negative errno.
 */
unsigned long vm_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff);
int vm_munmap(unsigned long addr, unsigned long len);
/* brk-style anonymous zeroed memory at [addr, addr+len) in current->mm (ELF .bss). */
int vm_brk(unsigned long addr, unsigned long len);
/*
 * exec: create the stack VMA (VM_GROWSDOWN) of the current mm ending at
 * stack_top, at least size bytes (rlimit and guard gap handled by mm/).
 */
int setup_stack_vma(unsigned long stack_top, unsigned long size);
/* Pick mm->mmap_base (randomized below the stack) for a new exec. */
void arch_pick_mmap_layout(struct mm_struct *mm, unsigned long stack_top);

/*
 * Read or write len bytes at addr in another task's mm (/proc/<pid>/mem,
 * /proc/<pid>/cmdline, environ): goes through the VMAs' ->access or the
 * page cache. Returns bytes done (0 on nothing mapped).
 */
int access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, int len, bool write);

#endif
