/*
 * User address spaces: struct mm_struct and struct vm_area_struct
 * (mm/mmap.c, mm/memory.c, docs/address-spaces.md).
 *
 * An mm_struct is one process's user address space: its page tables
 * (pgd; the kernel half is shared by every mm) and its VMAs, each a
 * range [vm_start, vm_end) with one set of permissions and one backing
 * (anonymous memory or a file at vm_pgoff). Threads share an mm.
 *
 * mmap_lock (an rw-semaphore) guards the VMA tree and every VMA's
 * fields: read to look up or fault, write to change the layout (mmap,
 * munmap, mprotect, brk, ...). page_table_lock guards the page tables'
 * contents (installing or clearing entries). A file VMA's range also
 * changes under its mapping's i_mmap_rwsem (mm/i_mmap.c), so truncation,
 * which walks the file's VMAs without any mm's lock, sees it consistent.
 *
 * Locks used to protect struct members in this file (the order in which
 * they nest: docs/locking.md, "Lock order"):
 *	[c] constant after creation: set before the mm or VMA is visible
 *	[a] atomic
 *	[S] a lock itself
 *	[x] the owner's (the driver's or file system's ->mmap) own rule
 *	[m] mm->mmap_lock, held for write to change, for read to read
 *	[M] vm_file->f_mapping->i_mmap_rwsem, held for write to change (file
 *	    VMAs only); truncation reads under it alone
 *	[E] exec: set by the task itself after the point of no return, while
 *	    it is the mm's only user; /proc reads these words without a lock
 *	    (a stale value at worst)
 *
 * This header is the contract between mm/ and the rest (exec, fork,
 * /proc); mm/ adds its private fields below the marked line.
 */
#ifndef KESTREL_MM_TYPES_H
#define KESTREL_MM_TYPES_H

#include <kestrel/atomic.h>
#include <kestrel/cpumask.h>
#include <kestrel/rbtree.h>
#include <kestrel/rwsem.h>
#include <kestrel/spinlock.h>
#include <kestrel/types.h>
#include <asm/pgtable_types.h>

struct file;
struct task_struct;

/* Resident pages of an mm by kind (Linux's rss_stat). */
enum {
	MM_FILEPAGES,		/* page-cache pages of files */
	MM_ANONPAGES,		/* anonymous pages (and private copies) */
	MM_SHMEMPAGES,		/* tmpfs pages (shared anonymous memory too) */
	NR_MM_COUNTERS
};

/* mm->flags bits (atomic bit operations). */
#define MMF_OOM_VICTIM 0	/* the OOM killer killed its owner; cleared when exit_mmap is done */
#define MMF_OOM_SKIP 1		/* an OOM victim that took too long: not chosen again */

struct mm_struct {
	atomic_t mm_users;		/* [a] tasks using the address space (mmget/mmput) */
	atomic_t mm_count;		/* [a] references to the struct itself (mmgrab/mmdrop) */
	unsigned long *pgd;		/* [c] top page table (direct-map address) */

	struct rw_semaphore mmap_lock;	/* [S] the VMA tree and VMA fields; see above */
	spinlock_t page_table_lock;	/* [S] page-table entries */

	/* Layout, set by exec (fs/binfmt_elf.c) and brk(). */
	unsigned long mmap_base;	/* [E] top of the mmap area (randomized), grows down */
	unsigned long start_code, end_code, start_data, end_data; /* [E] */
	/* [m] heap: [start_brk, brk); exec sets both first ([E]), then brk() moves brk */
	unsigned long start_brk, brk;
	unsigned long start_stack;	/* [E] initial user stack pointer's page */
	unsigned long arg_start, arg_end, env_start, env_end;	/* [E] argv/envp strings */
	unsigned long saved_auxv[2 * 24];	/* [E] auxv of the exec, for /proc/<pid>/auxv */
	struct file *exe_file;		/* [E] the executable (/proc/<pid>/exe); a reference */

	/*
	 * Resident pages by kind and the bytes of user page tables, as
	 * atomics: changed where an entry gains or loses a page
	 * (mm/memory.c) or a table is added (arch/x86/mm/user_pgtable.c).
	 * What the OOM killer weighs (mm/oom_kill.c) and /proc reports.
	 */
	atomic_long_t rss_stat[NR_MM_COUNTERS];	/* [a] */
	atomic_long_t pgtables_bytes;	/* [a] */
	unsigned long flags;		/* [a] MMF_* (atomic bit operations) */

	/* ---- mm/ private below ---- */
	struct rb_root mm_rb;		/* [m] VMAs by vm_start (mm/mmap.c) */
	unsigned long map_count;	/* [m] VMAs */
	unsigned long total_vm;		/* [m] pages mapped (/proc peeks with READ_ONCE) */
	unsigned long data_vm;		/* [m] of which private writable, not stack (RLIMIT_DATA) */
	unsigned long stack_vm;		/* [m] of which stack (VM_GROWSDOWN) */
	unsigned long locked_vm;	/* [m] of which VM_LOCKED (RLIMIT_MEMLOCK) */
	unsigned long def_flags;	/* [m] added to every new VMA: VM_LOCKED after mlockall(MCL_FUTURE) */
	/*
	 * CPUs that may hold TLB entries of this mm: set by switch_mm before
	 * the CPU loads the tables, cleared when it loads others (atomic bit
	 * operations on .bits; arch/x86/mm/mmu_context.c).
	 */
	cpumask_t cpu_vm_mask;		/* [a] */
};

/* vm_flags: permissions (VM_READ..VM_EXEC mirror PROT_*), what may be changed, and kind. */
#define VM_READ 0x00000001UL
#define VM_WRITE 0x00000002UL
#define VM_EXEC 0x00000004UL
#define VM_SHARED 0x00000008UL		/* MAP_SHARED: writes reach the file / other mappers */
#define VM_MAYREAD 0x00000010UL		/* mprotect may add VM_READ ... */
#define VM_MAYWRITE 0x00000020UL
#define VM_MAYEXEC 0x00000040UL
#define VM_MAYSHARE 0x00000080UL
#define VM_GROWSDOWN 0x00000100UL	/* the stack: grows down on a fault below it */
#define VM_PFNMAP 0x00000400UL		/* page-less frames (framebuffer): no struct page use */
#define VM_LOCKED 0x00002000UL
#define VM_IO 0x00004000UL
#define VM_DONTCOPY 0x00020000UL	/* not inherited by fork (MADV_DONTFORK) */
#define VM_DONTEXPAND 0x00040000UL	/* mremap may not grow it */
#define VM_LOCKONFAULT 0x00080000UL	/* VM_LOCKED, pages faulted in on use (mm/mlock.c) */
#define VM_NORESERVE 0x00200000UL
#define VM_WIPEONFORK 0x02000000UL	/* fork gives the child zeros here (MADV_WIPEONFORK) */
#define VM_MIXEDMAP 0x10000000UL

struct vm_operations_struct;

/*
 * One mapped range of an mm. vm_rb and shared link it into the mm's tree
 * and its file's i_mmap tree; the tags say which lock guards each field.
 */
struct vm_area_struct {
	unsigned long vm_start, vm_end;	/* [m,M] [vm_start, vm_end), page aligned */
	struct mm_struct *vm_mm;	/* [c] */
	/* [m] VM_*; VM_SHARED never changes: the i_mmap walk reads it under [M] */
	unsigned long vm_flags;
	pgprot_t vm_page_prot;	/* [m] page-table bits for present pages */
	unsigned long vm_pgoff;		/* [m,M] file offset of vm_start, in pages */
	struct file *vm_file;		/* [c] a reference; NULL for anonymous memory */
	const struct vm_operations_struct *vm_ops;	/* [c] set by the file's ->mmap */
	void *vm_private_data;		/* [x] */

	/* ---- mm/ private below (tree links, anon data, i_mmap links) ---- */
	struct rb_node vm_rb;		/* [m] in vm_mm->mm_rb, by vm_start */
	struct {
		struct rb_node rb;	/* [M] in vm_file's mapping->i_mmap */
		unsigned long subtree_last;	/* [M] largest last pgoff below (interval tree) */
	} shared;
};

typedef unsigned int vm_fault_t;

/* vm_fault_t bits (Linux's meanings). */
#define VM_FAULT_OOM 0x000001
#define VM_FAULT_SIGBUS 0x000002
#define VM_FAULT_MAJOR 0x000004
#define VM_FAULT_HWPOISON 0x000010
#define VM_FAULT_SIGSEGV 0x000040
#define VM_FAULT_NOPAGE 0x000100	/* ->fault installed the pte itself, or retry */
#define VM_FAULT_LOCKED 0x000200	/* ->fault returned vmf->page locked */
#define VM_FAULT_RETRY 0x000400		/* dropped mmap_lock: redo the fault */
#define VM_FAULT_DONE_COW 0x001000
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON)

/* vmf->flags */
#define FAULT_FLAG_WRITE 0x01		/* a write access */
#define FAULT_FLAG_MKWRITE 0x02		/* a write to a present read-only pte */
#define FAULT_FLAG_ALLOW_RETRY 0x04
#define FAULT_FLAG_USER 0x40		/* from user mode */
#define FAULT_FLAG_REMOTE 0x80		/* not current->mm (access_remote_vm) */
#define FAULT_FLAG_INSTRUCTION 0x100	/* an instruction fetch */

struct page;

/* One fault, as the ->fault, ->map_pages, ->page_mkwrite and ->pfn_mkwrite ops see it. */
struct vm_fault {
	struct vm_area_struct *vma;
	unsigned int flags;		/* FAULT_FLAG_* */
	unsigned long address;		/* faulting address, page aligned */
	unsigned long real_address;	/* faulting address as the CPU gave it */
	unsigned long pgoff;		/* file page of address */
	struct page *page;		/* ->fault's result (locked if VM_FAULT_LOCKED) */
	struct page *cow_page;		/* private mapping: the copy to install */
	pte_t *pte;			/* ->map_pages: entry of vmf->address (direct-map address) */
};

/*
 * The spec's vm_operations_struct (../shared/seeds/001, docs/locking.md):
 * called only through the checking wrappers in <kestrel/contract/vm.h>.
 */
struct vm_operations_struct {
	void (*open)(struct vm_area_struct *);		/* mmap_lock write */
	void (*close)(struct vm_area_struct *);		/* mmap_lock read or write */
	vm_fault_t (*fault)(struct vm_fault *);		/* mmap_lock read; may return page locked */
	vm_fault_t (*huge_fault)(struct vm_fault *, unsigned int order);
	vm_fault_t (*map_pages)(struct vm_fault *, unsigned long start_pgoff, unsigned long end_pgoff);
	vm_fault_t (*page_mkwrite)(struct vm_area_struct *, struct vm_fault *);
	vm_fault_t (*pfn_mkwrite)(struct vm_area_struct *, struct vm_fault *);
	int (*access)(struct vm_area_struct *, unsigned long, void *, int, int);
	const char *(*name)(struct vm_area_struct *);	/* /proc/<pid>/maps label */
};

/* A new, empty address space (kernel half shared), mm_users = 1; NULL on no memory. */
struct mm_struct *mm_alloc(void);
/* mm_users: the last mmput tears down VMAs and page tables (exit_mmap) and drops mm_count. */
void mmget(struct mm_struct *mm);
void mmput(struct mm_struct *mm);
bool mmget_not_zero(struct mm_struct *mm);
/* p's own mm with an mm_users reference (mmput it), or NULL (exited, kernel thread). */
struct mm_struct *get_task_mm(struct task_struct *p);
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

/* ---- Further mm/ entry points (beyond the seam above) ---- */

/*
 * exit: the current task leaves its address space (current->mm = NULL; it
 * keeps the tables loaded lazily, as a kernel thread) and drops its
 * mm_users reference with mmput. kernel/exit.c calls this, never a bare
 * mmput of current->mm.
 */
void exit_mm(void);
/*
 * A kernel thread works in mm (ktests, future async I/O): current->mm and
 * active_mm become mm and its tables are loaded; unuse goes back to the
 * kernel's tables. The caller keeps an mm_users reference meanwhile.
 */
void kthread_use_mm(struct mm_struct *mm);
void kthread_unuse_mm(struct mm_struct *mm);

/*
 * The scheduler's hooks (kernel/sched/core.c, arch/x86/mm/mmu_context.c):
 * mm_context_switch before the stack switch (rq lock held, interrupts
 * off) loads next's tables or lets a kernel task borrow prev's;
 * mm_finish_switch_take, in the task switched to with interrupts still
 * off, returns a borrowed mm to mmdrop once they are on (or NULL).
 */
void mm_context_switch(struct task_struct *prev, struct task_struct *next);
struct mm_struct *mm_finish_switch_take(void);

/* The first VMA with addr < vm_end, or NULL (mmap_lock held). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/*
 * Walk an mm's VMAs in address order under its mmap_lock (read), e.g.
 * /proc/<pid>/maps: for (vma = vma_first(mm); vma; vma = vma_next(vma)).
 */
struct vm_area_struct *vma_first(struct mm_struct *mm);
struct vm_area_struct *vma_next(struct vm_area_struct *vma);
/* "[heap]", "[stack]", the ->name op's label, or NULL (anonymous or a file). */
const char *vma_special_name(struct vm_area_struct *vma);

/* Fault addr in vma (mmap_lock read held); FAULT_FLAG_*. Returns VM_FAULT_* bits. */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags);

/*
 * ->map_pages' helper (the spec's set_pte_range): map folio at addr for
 * vmf's fault, read-only unless write; the entry takes its own folio
 * reference. False if the slot was already filled.
 */
struct folio;
bool set_pte_range(struct vm_fault *vmf, struct folio *folio, unsigned long addr, bool write);

/* A device's ->mmap: page-less entries for frames pfn.. at addr of a VM_PFNMAP vma. */
int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		    unsigned long size, pgprot_t prot);

/* exec: a randomized stack top below top, and a randomized brk start after end. */
unsigned long randomize_stack_top(unsigned long top);
unsigned long randomize_brk(unsigned long end);

/* ---- the counters of an mm (Linux's names) ---- */

static inline unsigned long get_mm_counter(struct mm_struct *mm, int member)
{
	long v = atomic_long_read(&mm->rss_stat[member]);

	return v > 0 ? (unsigned long)v : 0;	/* a racing update may show a moment's negative */
}

static inline void add_mm_counter(struct mm_struct *mm, int member, long value)
{
	atomic_long_add(value, &mm->rss_stat[member]);
}

#define inc_mm_counter(mm, member) add_mm_counter(mm, member, 1)
#define dec_mm_counter(mm, member) add_mm_counter(mm, member, -1)

/* Resident pages of every kind. */
static inline unsigned long get_mm_rss(struct mm_struct *mm)
{
	return get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_ANONPAGES) +
	       get_mm_counter(mm, MM_SHMEMPAGES);
}

static inline unsigned long mm_pgtables_bytes(struct mm_struct *mm)
{
	return (unsigned long)atomic_long_read(&mm->pgtables_bytes);
}

#endif
