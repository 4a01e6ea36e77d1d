/*
 * VMAs: the tree of an mm's mapped ranges, and the calls that change it:
 * mmap, munmap, brk, the exec helpers (vm_mmap, vm_brk, setup_stack_vma,
 * the randomized layout) and the teardown of a dying mm.
 *
 * The tree (lib/rbtree.c) is keyed by vm_start; VMAs never overlap, so an
 * in-order walk is an address-order walk. Everything here runs with
 * mm->mmap_lock held for write, except lookups (read is enough).
 *
 * A new mapping gets its address from get_unmapped_area: the hint if the
 * range is free, else the highest free gap below mm->mmap_base (top-down,
 * as Linux's default layout), keeping STACK_GUARD_GAP free below any
 * VM_GROWSDOWN mapping so a stack can never grow into its neighbour.
 */
#include <kestrel/contract/file.h>
#include <kestrel/contract/vm.h>
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/fdtable.h>
#include <kestrel/mm.h>
#include <kestrel/mman.h>
#include <kestrel/mount.h>
#include <kestrel/oom.h>
#include <kestrel/pagemap.h>
#include <kestrel/printk.h>
#include <kestrel/random.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/vm.h>
#include <kestrel/shmem_fs.h>

static struct kmem_cache *vm_area_cachep;

void vm_init(void)
{
	vm_area_cachep = kmem_cache_create("vm_area_struct", sizeof(struct vm_area_struct), 0, 0);
	mm_struct_init();
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = kmem_cache_alloc(vm_area_cachep, GFP_KERNEL);

	if (!vma)
		return NULL;
	memset(vma, 0, sizeof(*vma));
	vma->vm_mm = mm;
	return vma;
}

/* A copy of orig, not in any tree; holds its own reference to the file. */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = kmem_cache_alloc(vm_area_cachep, GFP_KERNEL);

	if (!vma)
		return NULL;
	*vma = *orig;
	memset(&vma->vm_rb, 0, sizeof(vma->vm_rb));
	memset(&vma->shared, 0, sizeof(vma->shared));
	if (vma->vm_file)
		get_file(vma->vm_file);
	return vma;
}

void vm_area_free(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		fput(vma->vm_file);
	kmem_cache_free(vm_area_cachep, vma);
}

/* ---- the tree ---- */

static struct vm_area_struct *rb_vma(struct rb_node *n)
{
	return n ? rb_entry(n, struct vm_area_struct, vm_rb) : NULL;
}

struct vm_area_struct *vma_first(struct mm_struct *mm)
{
	return rb_vma(rb_first(&mm->mm_rb));
}

struct vm_area_struct *vma_next(struct vm_area_struct *vma)
{
	return rb_vma(rb_next(&vma->vm_rb));
}

struct vm_area_struct *vma_prev(struct vm_area_struct *vma)
{
	return rb_vma(rb_prev(&vma->vm_rb));
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *n = mm->mm_rb.rb_node;
	struct vm_area_struct *best = NULL;

	while (n) {
		struct vm_area_struct *vma = rb_vma(n);

		if (addr < vma->vm_end) {
			best = vma;	/* a candidate; a lower one may also end above addr */
			if (addr >= vma->vm_start)
				break;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

const char *vma_special_name(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	if (vma->vm_ops && vma->vm_ops->name) {
		const char *name = vma->vm_ops->name(vma);

		if (name)
			return name;
	}
	if (vma->vm_file)
		return NULL;	/* /proc shows the file's path */
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk && mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

bool range_is_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return !vma || vma->vm_start >= end;
}

/* The file side: the mapping's i_mmap lock, NULL for anonymous memory. */
static struct address_space *vma_mapping(struct vm_area_struct *vma)
{
	return vma->vm_file ? vma->vm_file->f_mapping : NULL;
}

static void i_mmap_lock_write(struct address_space *mapping)
{
	if (mapping)
		down_write(&mapping->i_mmap_rwsem);
}

static void i_mmap_unlock_write(struct address_space *mapping)
{
	if (mapping)
		up_write(&mapping->i_mmap_rwsem);
}

/* ->open: the mapping gained a VMA (fork, split). */
void vma_call_open(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->open)
		vfs_call_vm_open(vma);
}

static void vma_call_close(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->close)
		vfs_call_vm_close(vma);
}

/* ---- accounting and the limits on it ---- */

static bool is_stack_mapping(unsigned long flags)
{
	return flags & VM_GROWSDOWN;
}

/* Linux's data mapping: private, writable, not a stack. */
static bool is_data_mapping(unsigned long flags)
{
	return (flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE;
}

void vm_stat_account(struct mm_struct *mm, unsigned long flags, long npages)
{
	mm->total_vm += npages;
	if (is_stack_mapping(flags))
		mm->stack_vm += npages;
	else if (is_data_mapping(flags))
		mm->data_vm += npages;
	if (flags & VM_LOCKED)
		mm->locked_vm += npages;
}

/*
 * May mm grow by npages of a mapping with flags? RLIMIT_AS bounds every
 * mapping, RLIMIT_DATA the data ones (Linux's may_expand_vm, with its
 * exception for a soft limit of 0 below the hard one, which Valgrind
 * sets). Checked where the address space grows: mmap, brk, mremap, a
 * stack's growth, mprotect making memory writable.
 */
bool may_expand_vm(struct mm_struct *mm, unsigned long flags, unsigned long npages)
{
	static bool warned;
	unsigned long data_limit = rlimit(RLIMIT_DATA);

	if (mm->total_vm + npages > rlimit(RLIMIT_AS) >> PAGE_SHIFT)
		return false;
	if (!is_data_mapping(flags) || mm->data_vm + npages <= data_limit >> PAGE_SHIFT)
		return true;
	if (data_limit == 0 && mm->data_vm + npages <= rlimit_max(RLIMIT_DATA) >> PAGE_SHIFT)
		return true;
	if (!warned) {
		warned = true;
		pr_warn("%s (%d): VmData %lu exceed data ulimit %lu. Update limits.\n", current->comm,
			current->tgid, (mm->data_vm + npages) << PAGE_SHIFT, data_limit);
	}
	return false;
}

/* Pages of [start, end) already mapped (what MAP_FIXED would replace). */
static unsigned long count_vma_pages_range(struct mm_struct *mm, unsigned long start,
					   unsigned long end)
{
	unsigned long n = 0;

	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma_next(vma))
		n += (min(end, vma->vm_end) - max(start, vma->vm_start)) >> PAGE_SHIFT;
	return n;
}

/*
 * RLIMIT_MEMLOCK for npages more of locked memory (Linux's
 * mlock_future_ok): always for CAP_IPC_LOCK.
 */
bool mlock_future_ok(struct mm_struct *mm, unsigned long flags, unsigned long npages)
{
	if (!(flags & VM_LOCKED) || capable(CAP_IPC_LOCK))
		return true;
	return mm->locked_vm + npages <= rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
}

static void __vma_link_mm(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **link = &mm->mm_rb.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (vma->vm_start < rb_vma(parent)->vm_start)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&vma->vm_rb, parent, link);
	rb_insert_color(&vma->vm_rb, &mm->mm_rb);
	mm->map_count++;
	vm_stat_account(mm, vma->vm_flags, (vma->vm_end - vma->vm_start) >> PAGE_SHIFT);
}

int vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct address_space *mapping = vma_mapping(vma);

	i_mmap_lock_write(mapping);
	if (mapping)
		__vma_i_mmap_insert(mapping, vma);
	__vma_link_mm(mm, vma);
	i_mmap_unlock_write(mapping);
	return 0;
}

void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct address_space *mapping = vma_mapping(vma);

	i_mmap_lock_write(mapping);
	if (mapping)
		__vma_i_mmap_remove(mapping, vma);
	rb_erase(&vma->vm_rb, &mm->mm_rb);
	mm->map_count--;
	vm_stat_account(mm, vma->vm_flags, -(long)((vma->vm_end - vma->vm_start) >> PAGE_SHIFT));
	i_mmap_unlock_write(mapping);
}

/*
 * Change a linked vma's range. vm_start is the tree's key, but a change
 * that keeps the VMAs disjoint keeps their order, so the node stays where
 * it is; the i_mmap interval tree is keyed by pgoff and is redone. The
 * caller holds the mapping's i_mmap lock (write) if it has one.
 */
static void __vma_adjust(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			 unsigned long pgoff)
{
	struct mm_struct *mm = vma->vm_mm;
	struct address_space *mapping = vma_mapping(vma);

	if (mapping)
		__vma_i_mmap_remove(mapping, vma);
	vm_stat_account(mm, vma->vm_flags, -(long)((vma->vm_end - vma->vm_start) >> PAGE_SHIFT));
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	vm_stat_account(mm, vma->vm_flags, (end - start) >> PAGE_SHIFT);
	if (mapping)
		__vma_i_mmap_insert(mapping, vma);
}

void vma_adjust(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		unsigned long pgoff)
{
	struct address_space *mapping = vma_mapping(vma);

	i_mmap_lock_write(mapping);
	__vma_adjust(vma, start, end, pgoff);
	i_mmap_unlock_write(mapping);
}

/*
 * Both halves change under one hold of the i_mmap lock: truncation
 * walking the tree meanwhile must find every page of the file mapped by
 * one of them.
 */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	struct address_space *mapping = vma_mapping(vma);
	struct vm_area_struct *new;

	if (addr <= vma->vm_start || addr >= vma->vm_end)
		return 0;
	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;
	new->vm_start = addr;
	new->vm_pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	i_mmap_lock_write(mapping);
	__vma_adjust(vma, vma->vm_start, addr, vma->vm_pgoff);
	if (mapping)
		__vma_i_mmap_insert(mapping, new);
	__vma_link_mm(mm, new);
	i_mmap_unlock_write(mapping);
	vma_call_open(new);	/* the file side sees one more VMA */
	return 0;
}

/* ---- finding room ---- */

/* Room to keep free below vma (a stack grows into it). */
static unsigned long gap_below(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_GROWSDOWN) ? STACK_GUARD_GAP : 0;
}

/* Is [addr, addr+len) free and away from any stack's guard gap? */
static bool fits(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *next;

	if (addr < MMAP_MIN_ADDR || addr > TASK_SIZE_LIMIT - len)
		return false;
	next = find_vma(mm, addr);
	return !next || (next->vm_start >= addr + len && next->vm_start - (addr + len) >= gap_below(next));
}

/* The highest free gap of len bytes below mm->mmap_base; -ENOMEM if none. */
static unsigned long unmapped_area_topdown(struct mm_struct *mm, unsigned long len)
{
	unsigned long end = PAGE_ALIGN_DOWN(mm->mmap_base);
	struct vm_area_struct *vma = rb_vma(rb_last(&mm->mm_rb));

	for (;;) {
		unsigned long low = vma ? vma->vm_end : MMAP_MIN_ADDR;

		if (vma && vma->vm_end > end) {
			/* Above or across the window's top: the window ends below it. */
			if (vma->vm_start < end + gap_below(vma))
				end = vma->vm_start > gap_below(vma) ? vma->vm_start - gap_below(vma) : 0;
		} else if (end >= len && end - len >= low) {
			return end - len;
		} else if (vma) {
			end = vma->vm_start > gap_below(vma) ? vma->vm_start - gap_below(vma) : 0;
		}
		if (!vma)
			return -ENOMEM;
		vma = vma_prev(vma);
	}
}

unsigned long get_unmapped_area(struct file *file, unsigned long addr, unsigned long len,
				unsigned long pgoff, unsigned long flags)
{
	struct mm_struct *mm = current->mm;

	(void)file;
	(void)pgoff;
	if (len > TASK_SIZE_LIMIT - MMAP_MIN_ADDR)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		if (addr > TASK_SIZE_LIMIT - len)
			return -ENOMEM;
		return addr;
	}
	if (addr) {
		addr = PAGE_ALIGN(addr);
		if (fits(mm, addr, len))
			return addr;
	}
	return unmapped_area_topdown(mm, len);
}

/* ---- munmap ---- */

/* Take vma out of the mm and free it (its pages are already zapped). */
static void remove_vma(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma_unlink(mm, vma);
	vma_call_close(vma);
	vm_area_free(vma);
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long end;
	struct vm_area_struct *vma, *next;
	int err;

	if (!IS_ALIGNED(start, PAGE_SIZE) || start > TASK_SIZE_LIMIT || len > TASK_SIZE_LIMIT - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	end = start + len;
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return 0;
	/* Cut the VMAs that stick out at either end; the pieces inside go. */
	if (vma->vm_start < start) {
		err = split_vma(mm, vma, start);
		if (err)
			return err;
		vma = vma_next(vma);
	}
	for (; vma && vma->vm_start < end; vma = next) {
		if (vma->vm_end > end) {
			err = split_vma(mm, vma, end);
			if (err)
				return err;
		}
		next = vma_next(vma);
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		remove_vma(mm, vma);
	}
	return 0;
}

/* ---- mmap ---- */

static unsigned long calc_vm_flags(unsigned long prot, unsigned long flags)
{
	unsigned long vm_flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	if (prot & PROT_READ)
		vm_flags |= VM_READ;
	if (prot & PROT_WRITE)
		vm_flags |= VM_WRITE;
	if (prot & PROT_EXEC)
		vm_flags |= VM_EXEC;
	if (flags & MAP_GROWSDOWN)
		vm_flags |= VM_GROWSDOWN;
	if (flags & MAP_LOCKED)
		vm_flags |= VM_LOCKED;
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;
	return vm_flags;
}

/*
 * An anonymous private mapping right after prev with the same rights just
 * makes prev longer (brk's heap grows this way, and many small mmaps do
 * not use up VMAs).
 */
static bool can_extend(struct vm_area_struct *prev, unsigned long addr, unsigned long vm_flags)
{
	return prev && prev->vm_end == addr && !prev->vm_file && !prev->vm_ops &&
	       prev->vm_flags == vm_flags && !(vm_flags & (VM_SHARED | VM_GROWSDOWN));
}

static int map_anon_range(struct mm_struct *mm, unsigned long addr, unsigned long len,
			  unsigned long vm_flags)
{
	struct vm_area_struct *next = find_vma(mm, addr), *prev, *vma;

	prev = next ? vma_prev(next) : rb_vma(rb_last(&mm->mm_rb));
	if (can_extend(prev, addr, vm_flags)) {
		vma_adjust(prev, prev->vm_start, addr + len, prev->vm_pgoff);
		return 0;
	}
	vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vma->vm_pgoff = addr >> PAGE_SHIFT;
	return vma_link(mm, vma);
}

/* The flags mmap always knew; MAP_SHARED_VALIDATE refuses any other (EOPNOTSUPP). */
#define LEGACY_MAP_MASK (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | \
			 MAP_EXECUTABLE | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | \
			 MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT | \
			 MAP_FIXED_NOREPLACE)

/* May this open file be mapped so? Adjusts vm_flags as Linux does. */
static int mmap_file_checks(struct file *file, unsigned long prot, unsigned long type,
			    unsigned long *vm_flags)
{
	struct inode *inode = file_inode(file);

	if (!file->f_op || !file->f_op->mmap)
		return -ENODEV;
	if (!(file->f_mode & FMODE_READ))
		return -EACCES;
	if (type != MAP_PRIVATE) {
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		if ((inode->i_flags & S_APPEND) && (file->f_mode & FMODE_WRITE))
			return -EACCES;	/* an append-only file cannot be written in place */
		if (!(file->f_mode & FMODE_WRITE))
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);	/* can never write: no write-back */
	}
	if (file->f_path.mnt && (file->f_path.mnt->mnt_flags & MNT_NOEXEC)) {
		if (prot & PROT_EXEC)
			return -EPERM;
		*vm_flags &= ~VM_MAYEXEC;
	}
	return 0;
}

/*
 * A VMA backed by a file: the file's ->mmap sets vm_ops (and may change
 * the flags). MAP_SHARED|MAP_ANONYMOUS memory is a new unlinked tmpfs
 * file (as Linux's shmem_zero_setup), so it is shared across fork, with
 * page-cache pages that have stable identities (futex keys).
 */
static int map_file_range(struct mm_struct *mm, struct file *file, unsigned long addr,
			  unsigned long len, unsigned long vm_flags, unsigned long pgoff)
{
	struct vm_area_struct *vma;
	int err;

	if (file) {
		get_file(file);
	} else {
		file = shmem_file_setup("dev/zero", len);
		if (IS_ERR(file))
			return PTR_ERR(file);
		pgoff = 0;
	}
	vma = vm_area_alloc(mm);
	if (!vma) {
		fput(file);
		return -ENOMEM;
	}
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vma->vm_pgoff = pgoff;
	vma->vm_file = file;	/* our reference moves to the VMA */
	err = vfs_call_mmap(file, vma);
	if (err) {
		/* Nothing mapped yet except what a VM_PFNMAP ->mmap may have installed. */
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		vm_area_free(vma);
		return err;
	}
	return vma_link(mm, vma);
}

unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff,
		      unsigned long *populate)
{
	struct mm_struct *mm = current->mm;
	unsigned long vm_flags, type = flags & MAP_TYPE;
	int err;

	lockdep_assert_held_write(&mm->mmap_lock);
	*populate = 0;
	if (!len)
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if ((flags & MAP_FIXED) && !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || len > TASK_SIZE_LIMIT)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	vm_flags = calc_vm_flags(prot, flags) | mm->def_flags;
	if (type != MAP_PRIVATE)
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	if (!mlock_future_ok(mm, vm_flags, len >> PAGE_SHIFT))
		return -EAGAIN;

	if (file) {
		err = mmap_file_checks(file, prot, type, &vm_flags);
		if (err)
			return err;
	}
	if (type == MAP_SHARED_VALIDATE && (flags & ~LEGACY_MAP_MASK))
		return -EOPNOTSUPP;

	addr = get_unmapped_area(file, addr, len, pgoff, flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	/* RLIMIT_AS / RLIMIT_DATA; MAP_FIXED gives back what it replaces. */
	if (!may_expand_vm(mm, vm_flags, len >> PAGE_SHIFT) &&
	    !may_expand_vm(mm, vm_flags, (len >> PAGE_SHIFT) - count_vma_pages_range(mm, addr, addr + len)))
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		if (!range_is_free(mm, addr, addr + len)) {
			if (flags & MAP_FIXED_NOREPLACE)
				return -EEXIST;
			err = do_munmap(mm, addr, len);
			if (err)
				return err;
		}
	}

	if (file || (vm_flags & VM_SHARED))
		err = map_file_range(mm, file, addr, len, vm_flags, pgoff);
	else
		err = map_anon_range(mm, addr, len, vm_flags);
	if (err)
		return err;
	if ((flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE ||
	    (vm_flags & (VM_LOCKED | VM_LOCKONFAULT)) == VM_LOCKED)
		*populate = len;
	return addr;
}

int install_special_mapping(struct mm_struct *mm, unsigned long addr, unsigned long len,
			    unsigned long vm_flags, const struct vm_operations_struct *ops,
			    unsigned long pfn)
{
	struct vm_area_struct *vma;
	int err;

	lockdep_assert_held_write(&mm->mmap_lock);
	if (!range_is_free(mm, addr, addr + len))
		return -EEXIST;
	vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags | VM_PFNMAP | VM_DONTEXPAND;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_ops = ops;
	vma->vm_pgoff = pfn;
	vma_link(mm, vma);
	err = remap_pfn_range(vma, addr, pfn, len, vma->vm_page_prot);
	if (err)
		do_munmap(mm, addr, len);
	return err;
}

unsigned long vm_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff)
{
	struct mm_struct *mm = current->mm;
	unsigned long ret, populate;

	if (!mm)
		return -EINVAL;
	down_write(&mm->mmap_lock);
	ret = do_mmap(file, addr, len, prot, flags, pgoff, &populate);
	if (!IS_ERR_VALUE(ret) && populate) {
		downgrade_write(&mm->mmap_lock);
		populate_range(mm, ret, ret + populate);
		up_read(&mm->mmap_lock);
		return ret;
	}
	up_write(&mm->mmap_lock);
	return ret;
}

void populate_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned int flags = 0;

		if (!vma || vma->vm_start > addr)
			continue;
		if (!(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
			continue;
		/* A private writable page is populated writable (its own copy), as Linux does. */
		if ((vma->vm_flags & VM_WRITE) && !(vma->vm_flags & VM_SHARED))
			flags |= FAULT_FLAG_WRITE;
		if (handle_mm_fault(vma, addr, flags) & VM_FAULT_ERROR)
			break;
	}
}

int vm_munmap(unsigned long addr, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	int err;

	if (!mm)
		return -EINVAL;
	down_write(&mm->mmap_lock);
	err = do_munmap(mm, addr, len);
	up_write(&mm->mmap_lock);
	return err;
}

/* ---- brk ---- */

static int do_brk(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	unsigned long vm_flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	if (!len)
		return 0;
	if (addr < MMAP_MIN_ADDR || addr > TASK_SIZE_LIMIT - len)
		return -ENOMEM;
	vm_flags |= mm->def_flags;
	if (!may_expand_vm(mm, vm_flags, len >> PAGE_SHIFT))
		return -ENOMEM;
	if (!mlock_future_ok(mm, vm_flags, len >> PAGE_SHIFT))
		return -EAGAIN;
	return map_anon_range(mm, addr, len, vm_flags);
}

int vm_brk(unsigned long addr, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	unsigned long start = PAGE_ALIGN_DOWN(addr), end;
	int err;

	if (!mm)
		return -EINVAL;
	if (len > TASK_SIZE_LIMIT || addr > TASK_SIZE_LIMIT - len)
		return -ENOMEM;
	end = PAGE_ALIGN(addr + len);
	if (end == start)
		return 0;
	down_write(&mm->mmap_lock);
	/* As MAP_FIXED: whatever was there goes (exec's loader asks only for free room). */
	err = do_munmap(mm, start, end - start);
	if (!err)
		err = do_brk(mm, start, end - start);
	up_write(&mm->mmap_lock);
	return err;
}

long ksys_brk(unsigned long brk)
{
	struct mm_struct *mm = current->mm;
	unsigned long newbrk, oldbrk, ret;
	struct vm_area_struct *next;

	down_write(&mm->mmap_lock);
	ret = mm->brk;
	if (brk < mm->start_brk)
		goto out;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (newbrk == oldbrk) {
		mm->brk = brk;
		ret = brk;
		goto out;
	}
	if (brk <= mm->brk) {
		/* Shrinking: give the pages back. */
		if (!do_munmap(mm, newbrk, oldbrk - newbrk)) {
			mm->brk = brk;
			ret = brk;
		}
		goto out;
	}
	/* RLIMIT_DATA counts the heap and the data segment together (Linux's check_data_rlimit). */
	if (rlimit(RLIMIT_DATA) != RLIM_INFINITY &&
	    (brk - mm->start_brk) + (mm->end_data - mm->start_data) > rlimit(RLIMIT_DATA))
		goto out;
	/* Growing: only into free room that keeps a stack's guard gap. */
	next = find_vma(mm, oldbrk);
	if (next && next->vm_start < newbrk + gap_below(next))
		goto out;
	if (do_brk(mm, oldbrk, newbrk - oldbrk))
		goto out;
	mm->brk = brk;
	ret = brk;
	if ((mm->def_flags & (VM_LOCKED | VM_LOCKONFAULT)) == VM_LOCKED)
		populate_range(mm, oldbrk, newbrk);	/* mlockall(MCL_FUTURE): resident at once */
out:
	up_write(&mm->mmap_lock);
	return ret;
}

/* ---- exec's layout ---- */

unsigned long stack_limit(void)
{
	struct signal_struct *sig = current->signal;
	unsigned long lim = sig ? sig->rlim[RLIMIT_STACK].rlim_cur : DEFAULT_STACK_LIMIT;

	/* RLIM_INFINITY or silly values: keep the stack below a quarter of the address space. */
	if (lim > TASK_SIZE_LIMIT / 4)
		lim = TASK_SIZE_LIMIT / 4;
	return lim;
}

int setup_stack_vma(unsigned long stack_top, unsigned long size)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long top = PAGE_ALIGN(stack_top), bottom;
	int err = -ENOMEM;

	size = PAGE_ALIGN(size);
	if (!mm || !size || size > top || top > TASK_SIZE_LIMIT || size > stack_limit())
		return -ENOMEM;
	bottom = top - size;
	down_write(&mm->mmap_lock);
	if (!range_is_free(mm, bottom > STACK_GUARD_GAP ? bottom - STACK_GUARD_GAP : 0, top))
		goto out;
	vma = vm_area_alloc(mm);
	if (!vma)
		goto out;
	vma->vm_start = bottom;
	vma->vm_end = top;
	vma->vm_flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_GROWSDOWN;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_pgoff = bottom >> PAGE_SHIFT;
	err = vma_link(mm, vma);
	if (!err)
		mm->start_stack = stack_top;
out:
	up_write(&mm->mmap_lock);
	return err;
}

/*
 * Stack growth: a fault below a VM_GROWSDOWN vma extends it, if the new
 * size stays within RLIMIT_STACK and STACK_GUARD_GAP stays free below it.
 */
int expand_stack(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *prev = vma_prev(vma);
	unsigned long start = PAGE_ALIGN_DOWN(addr);

	lockdep_assert_held_write(&mm->mmap_lock);
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return -EFAULT;
	if (start >= vma->vm_start)
		return 0;
	if (start < MMAP_MIN_ADDR || vma->vm_end - start > stack_limit())
		return -ENOMEM;
	if (prev && prev->vm_end + STACK_GUARD_GAP > start)
		return -ENOMEM;
	if (!may_expand_vm(mm, vma->vm_flags, (vma->vm_start - start) >> PAGE_SHIFT) ||
	    !mlock_future_ok(mm, vma->vm_flags, (vma->vm_start - start) >> PAGE_SHIFT))
		return -ENOMEM;
	vma_adjust(vma, start, vma->vm_end, vma->vm_pgoff - ((vma->vm_start - start) >> PAGE_SHIFT));
	return 0;
}

/* Bits of randomness, as Linux's defaults on x86_64 (mmap 28, stack 22, brk 32 MiB range). */
#define MMAP_RND_BITS 28
#define STACK_RND_BITS 22
#define BRK_RND_RANGE (32UL << 20)

unsigned long randomize_stack_top(unsigned long top)
{
	unsigned long rnd = (get_random_u64() & ((1UL << STACK_RND_BITS) - 1)) << PAGE_SHIFT;

	return PAGE_ALIGN(top) - rnd;
}

unsigned long randomize_brk(unsigned long end)
{
	unsigned long start = PAGE_ALIGN(end);

	return start + ((get_random_u64() % (BRK_RND_RANGE >> PAGE_SHIFT)) << PAGE_SHIFT);
}

void arch_pick_mmap_layout(struct mm_struct *mm, unsigned long stack_top)
{
	unsigned long gap = stack_limit(), rnd;

	/* Linux's mmap_base(): room for the stack (at least 128 MiB) and its guard, then a random offset. */
	if (gap < (128UL << 20))
		gap = 128UL << 20;
	gap += STACK_GUARD_GAP;
	rnd = (get_random_u64() & ((1UL << MMAP_RND_BITS) - 1)) << PAGE_SHIFT;
	if (stack_top < gap + rnd + (1UL << 30))
		rnd = 0;	/* a small address space: no room to randomize */
	mm->mmap_base = PAGE_ALIGN_DOWN(stack_top - gap - rnd);
}

/* ---- teardown ---- */

/* Every page left with its entry: a counter not back to 0 is a bookkeeping bug (Linux's check_mm). */
static void check_mm(struct mm_struct *mm)
{
	for (int i = 0; i < NR_MM_COUNTERS; i++) {
		long v = atomic_long_read(&mm->rss_stat[i]);

		if (v)
			mm_report_error("Bad rss-counter state mm:%p type:%d val:%ld", mm, i, v);
	}
}

void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;

	down_write(&mm->mmap_lock);
	for (vma = vma_first(mm); vma; vma = vma_next(vma))
		zap_page_range(vma, vma->vm_start, vma->vm_end);
	for (vma = vma_first(mm); vma; vma = next) {
		next = vma_next(vma);
		remove_vma(mm, vma);
	}
	free_user_pgtables(mm);
	/* A CPU keeping the tables lazily may still cache walks through them. */
	flush_tlb_mm(mm);
	up_write(&mm->mmap_lock);
	check_mm(mm);
	oom_victim_freed(mm);	/* an OOM victim's memory is back: the killer may choose again */
}

/* ---- system calls ---- */

SYSCALL_DEFINE1(brk, unsigned long, brk)
{
	return ksys_brk(brk);
}

long ksys_mmap(unsigned long addr, unsigned long len, unsigned long prot,
	       unsigned long flags, unsigned long fd, unsigned long off)
{
	struct file *file = NULL;
	unsigned long ret;

	if (!IS_ALIGNED(off, PAGE_SIZE))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		file = fget((unsigned int)fd);
		if (!file)
			return -EBADF;
	}
	ret = vm_mmap(file, addr, len, prot, flags, off >> PAGE_SHIFT);
	if (file)
		fput(file);
	return (long)ret;
}

long ksys_munmap(unsigned long addr, unsigned long len)
{
	return vm_munmap(addr, len);
}

SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len, unsigned long, prot,
		unsigned long, flags, unsigned long, fd, unsigned long, off)
{
	return ksys_mmap(addr, len, prot, flags, fd, off);
}

SYSCALL_DEFINE2(munmap, unsigned long, addr, unsigned long, len)
{
	return ksys_munmap(addr, len);
}
