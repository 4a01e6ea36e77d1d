/*
 * ktests of user address spaces (suite vm): the test thread takes a fresh
 * mm (kthread_use_mm), maps memory with vm_mmap/vm_brk/setup_stack_vma,
 * and reaches it only through copy_to_user/copy_from_user, so every
 * access goes through the page-fault handler exactly as a system call's
 * would: demand-zero pages, copy-on-write after dup_mm, stack growth,
 * short copies on unmapped memory. Free-page counts are compared before
 * and after, so a leaked page table, page or VMA fails the test.
 */
#include <kestrel/atomic.h>
#include <kestrel/errno.h>
#include <kestrel/fb.h>
#include <kestrel/fs.h>
#include <kestrel/ktest.h>
#include <kestrel/kthread.h>
#include <kestrel/mm.h>
#include <kestrel/mman.h>
#include <kestrel/pagemap.h>
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/timer.h>
#include <kestrel/uaccess.h>
#include <kestrel/vm.h>

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

/* A fresh mm the test thread runs in; NULL on no memory. */
static struct mm_struct *enter_new_mm(void)
{
	struct mm_struct *mm = mm_alloc();

	if (mm)
		kthread_use_mm(mm);
	return mm;
}

static void leave_mm(struct mm_struct *mm)
{
	kthread_unuse_mm(mm);
	mmput(mm);
}

/* The PTE of addr in mm, 0 if none. */
static pte_t pte_of(struct mm_struct *mm, unsigned long addr)
{
	pte_t *pte = upte_lookup(mm, addr);

	return pte ? ptep_get(pte) : __pte(0);
}

static unsigned long map_count(struct mm_struct *mm)
{
	return mm->map_count;
}

/* Free pages once RCU-deferred frees (inodes, dentries, files) have run. */
static unsigned long settled_free_pages(void)
{
	rcu_barrier();
	return nr_free_pages();
}

/* One warm-up cycle creates the slab caches' first slabs, so counts compare exactly after. */
static void warm_up(void)
{
	struct mm_struct *mm = enter_new_mm();
	unsigned long a;
	char c = 1;

	if (!mm)
		return;
	a = vm_mmap(NULL, 0, PAGE_SIZE, RW, ANON, 0);
	if (!IS_ERR_VALUE(a) && copy_to_user((void __user *)a, &c, 1))
		pr_err("vm test: warm-up copy failed\n");
	leave_mm(mm);
}

KTEST(vm, demand_zero_and_short_copies)
{
	struct mm_struct *mm;
	unsigned long free0, a;
	char buf[64], zero[64] = { 0 };

	warm_up();
	free0 = settled_free_pages();
	mm = enter_new_mm();
	KASSERT(mm != NULL);
	a = vm_mmap(NULL, 0, 16 * PAGE_SIZE, RW, ANON, 0);
	KASSERT(!IS_ERR_VALUE(a));
	KEXPECT(IS_ALIGNED(a, PAGE_SIZE));
	KEXPECT(a >= MMAP_MIN_ADDR && a + 16 * PAGE_SIZE <= mm->mmap_base);
	/* Mapped but never touched: no PTE yet; the first read brings zeros. */
	KEXPECT(pte_none(pte_of(mm, a + 5 * PAGE_SIZE)));
	memset(buf, 0x55, sizeof(buf));
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + 5 * PAGE_SIZE), sizeof(buf)), 0);
	KEXPECT(!memcmp(buf, zero, sizeof(buf)));
	KEXPECT(pte_present(pte_of(mm, a + 5 * PAGE_SIZE)));
	KEXPECT(pte_flags(pte_of(mm, a + 5 * PAGE_SIZE)) & _PAGE_USER);
	/* Write across a page boundary and read it back. */
	memset(buf, 'x', sizeof(buf));
	KEXPECT_EQ(copy_to_user((void __user *)(a + 2 * PAGE_SIZE - 10), buf, sizeof(buf)), 0);
	memset(buf, 0, sizeof(buf));
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + 2 * PAGE_SIZE - 10), sizeof(buf)), 0);
	KEXPECT_EQ(buf[0], 'x');
	KEXPECT_EQ(buf[63], 'x');
	/* A copy running off the end of the mapping stops there: 20 bytes not copied. */
	KEXPECT_EQ(copy_to_user((void __user *)(a + 16 * PAGE_SIZE - 44), buf, sizeof(buf)), 20);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + 16 * PAGE_SIZE - 44), sizeof(buf)), 20);
	/* Nothing mapped at all: nothing copied; get_user/put_user say -EFAULT. */
	KEXPECT_EQ(copy_to_user((void __user *)(a + 16 * PAGE_SIZE), buf, 8), 8);
	KEXPECT_EQ(put_user(1, (int __user *)0x1000), -EFAULT);
	leave_mm(mm);
	KEXPECT_EQ(settled_free_pages(), free0);
}

KTEST(vm, munmap_splits_and_unmaps)
{
	struct mm_struct *mm;
	unsigned long free0, a;
	char c = 'q';

	warm_up();
	free0 = settled_free_pages();
	mm = enter_new_mm();
	KASSERT(mm != NULL);
	a = vm_mmap(NULL, 0, 10 * PAGE_SIZE, RW, ANON, 0);
	KASSERT(!IS_ERR_VALUE(a));
	for (int i = 0; i < 10; i++)
		KEXPECT_EQ(copy_to_user((void __user *)(a + i * PAGE_SIZE), &c, 1), 0);
	KEXPECT_EQ(map_count(mm), 1);
	KEXPECT_EQ(vm_munmap(a + 4 * PAGE_SIZE, 2 * PAGE_SIZE), 0);
	KEXPECT_EQ(map_count(mm), 2);
	KEXPECT(pte_none(pte_of(mm, a + 4 * PAGE_SIZE)));
	KEXPECT_EQ(copy_to_user((void __user *)(a + 5 * PAGE_SIZE), &c, 1), 1);
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + 6 * PAGE_SIZE), 1), 0);
	KEXPECT_EQ(c, 'q');
	KEXPECT_EQ(vm_munmap(a + 1, PAGE_SIZE), -EINVAL);
	/* Unmapping a range with holes in it is fine; it takes the rest. */
	KEXPECT_EQ(vm_munmap(a, 10 * PAGE_SIZE), 0);
	KEXPECT_EQ(map_count(mm), 0);
	leave_mm(mm);
	KEXPECT_EQ(settled_free_pages(), free0);
}

KTEST(vm, fixed_and_noreplace)
{
	struct mm_struct *mm = enter_new_mm();
	unsigned long a, b;
	char c = 7;

	KASSERT(mm != NULL);
	a = vm_mmap(NULL, 0x40000000, 4 * PAGE_SIZE, RW, ANON, 0);
	KEXPECT_EQ(a, 0x40000000);	/* a free hint is honoured */
	KEXPECT_EQ(copy_to_user((void __user *)(a + PAGE_SIZE), &c, 1), 0);
	b = vm_mmap(NULL, a + PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED_NOREPLACE, 0);
	KEXPECT_EQ((long)b, -EEXIST);
	b = vm_mmap(NULL, a + PAGE_SIZE, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED, 0);
	KEXPECT_EQ(b, a + PAGE_SIZE);
	KEXPECT_EQ(map_count(mm), 3);	/* split in three by the different rights */
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + PAGE_SIZE), 1), 0);
	KEXPECT_EQ(c, 0);	/* a new zero page, the old one is gone */
	KEXPECT_EQ(copy_to_user((void __user *)(a + PAGE_SIZE), &c, 1), 1);	/* read-only */
	KEXPECT_EQ((long)vm_mmap(NULL, a + 1, PAGE_SIZE, RW, ANON | MAP_FIXED, 0), -EINVAL);
	KEXPECT_EQ((long)vm_mmap(NULL, 0, 0, RW, ANON, 0), -EINVAL);
	KEXPECT_EQ((long)vm_mmap(NULL, 0, PAGE_SIZE, RW, MAP_ANONYMOUS, 0), -EINVAL);
	leave_mm(mm);
}

KTEST(vm, nx_follows_prot_exec)
{
	struct mm_struct *mm = enter_new_mm();
	unsigned long a, b;
	char c = 0;

	KASSERT(mm != NULL);
	a = vm_mmap(NULL, 0, PAGE_SIZE, RW, ANON, 0);
	b = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_EXEC, ANON, 0);
	KASSERT(!IS_ERR_VALUE(a) && !IS_ERR_VALUE(b));
	KEXPECT_EQ(copy_from_user(&c, (void __user *)a, 1), 0);
	KEXPECT_EQ(copy_from_user(&c, (void __user *)b, 1), 0);
	if (cpu_has_nx) {
		KEXPECT(!pte_exec(pte_of(mm, a)));
		KEXPECT(pte_exec(pte_of(mm, b)));
	}
	KEXPECT(!pte_write(pte_of(mm, b)));
	leave_mm(mm);
}

KTEST(vm, cow_after_dup_mm)
{
	struct mm_struct *mm, *child;
	unsigned long free0, a, pfn_parent, pfn_child;
	char buf[16];

	warm_up();
	free0 = settled_free_pages();
	mm = enter_new_mm();
	KASSERT(mm != NULL);
	a = vm_mmap(NULL, 0, 4 * PAGE_SIZE, RW, ANON, 0);
	KASSERT(!IS_ERR_VALUE(a));
	KEXPECT_EQ(copy_to_user((void __user *)a, "parent", 7), 0);
	KEXPECT_EQ(copy_to_user((void __user *)(a + PAGE_SIZE), "second", 7), 0);
	pfn_parent = pte_pfn(pte_of(mm, a));

	child = dup_mm(mm);
	KASSERT(child != NULL);
	/* Both map the same page, read-only now. */
	KEXPECT_EQ(pte_pfn(pte_of(child, a)), pfn_parent);
	KEXPECT(!pte_write(pte_of(mm, a)));
	KEXPECT(!pte_write(pte_of(child, a)));
	KEXPECT_EQ(page_count(pfn_to_page(pfn_parent)), 2);
	kthread_unuse_mm(mm);

	kthread_use_mm(child);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)a, 7), 0);
	KEXPECT(!memcmp(buf, "parent", 7));
	KEXPECT_EQ(copy_to_user((void __user *)a, "child", 6), 0);	/* copies the page */
	pfn_child = pte_pfn(pte_of(child, a));
	KEXPECT_NE(pfn_child, pfn_parent);
	KEXPECT(pte_write(pte_of(child, a)));
	KEXPECT_EQ(page_count(pfn_to_page(pfn_parent)), 1);
	kthread_unuse_mm(child);

	kthread_use_mm(mm);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)a, 7), 0);
	KEXPECT(!memcmp(buf, "parent", 7));	/* the child's write is not seen */
	/* The parent's page has one reference left: a write reuses it, no copy. */
	KEXPECT_EQ(copy_to_user((void __user *)a, "again", 6), 0);
	KEXPECT_EQ(pte_pfn(pte_of(mm, a)), pfn_parent);
	kthread_unuse_mm(mm);
	mmput(child);	/* the child's pages go; the parent still reads its second page */
	kthread_use_mm(mm);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + PAGE_SIZE), 7), 0);
	KEXPECT(!memcmp(buf, "second", 7));
	leave_mm(mm);
	KEXPECT_EQ(settled_free_pages(), free0);
}

KTEST(vm, brk_grows_and_shrinks)
{
	struct mm_struct *mm = enter_new_mm();
	unsigned long base = 0x600000, ret;
	char c = 3;

	KASSERT(mm != NULL);
	mm->start_brk = mm->brk = base;
	KEXPECT_EQ((unsigned long)ksys_brk(0), base);	/* query */
	ret = (unsigned long)ksys_brk(base + 3 * PAGE_SIZE + 5);
	KEXPECT_EQ(ret, base + 3 * PAGE_SIZE + 5);
	KEXPECT_EQ(copy_to_user((void __user *)(base + 3 * PAGE_SIZE + 100), &c, 1), 0);
	KEXPECT_EQ(copy_to_user((void __user *)(base + 4 * PAGE_SIZE), &c, 1), 1);
	ret = (unsigned long)ksys_brk(base + 6 * PAGE_SIZE);
	KEXPECT_EQ(ret, base + 6 * PAGE_SIZE);
	KEXPECT_EQ(map_count(mm), 1);	/* the heap grew in place */
	ret = (unsigned long)ksys_brk(base + PAGE_SIZE);
	KEXPECT_EQ(ret, base + PAGE_SIZE);
	KEXPECT_EQ(copy_to_user((void __user *)(base + 2 * PAGE_SIZE), &c, 1), 1);
	KEXPECT_EQ((unsigned long)ksys_brk(base - PAGE_SIZE), base + PAGE_SIZE);	/* below start: refused */
	/* A mapping in the way stops the heap. */
	KEXPECT(!IS_ERR_VALUE(vm_mmap(NULL, base + 8 * PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED, 0)));
	KEXPECT_EQ((unsigned long)ksys_brk(base + 10 * PAGE_SIZE), base + PAGE_SIZE);
	leave_mm(mm);
}

KTEST(vm, stack_grows_down_to_its_limit)
{
	struct mm_struct *mm = enter_new_mm();
	unsigned long top = 0x7ff000000000UL, a;
	char c = 9;

	KASSERT(mm != NULL);
	KEXPECT_EQ(setup_stack_vma(top, 4 * PAGE_SIZE), 0);
	KEXPECT_EQ(map_count(mm), 1);
	/* 100 pages below: the stack grows to cover it. */
	KEXPECT_EQ(copy_to_user((void __user *)(top - 100 * PAGE_SIZE), &c, 1), 0);
	KEXPECT_EQ(find_vma(mm, top - 1)->vm_start, top - 100 * PAGE_SIZE);
	/* Beyond RLIMIT_STACK: no. */
	KEXPECT_EQ(copy_to_user((void __user *)(top - stack_limit() - PAGE_SIZE), &c, 1), 1);
	/* A mapping right below: the guard gap keeps the stack from reaching it. */
	a = vm_mmap(NULL, top - 300 * PAGE_SIZE - STACK_GUARD_GAP, PAGE_SIZE, RW, ANON | MAP_FIXED, 0);
	KEXPECT(!IS_ERR_VALUE(a));
	KEXPECT_EQ(copy_to_user((void __user *)(top - 300 * PAGE_SIZE + 10), &c, 1), 1);
	KEXPECT_EQ(copy_to_user((void __user *)(top - 299 * PAGE_SIZE), &c, 1), 0);
	/* mmap never places a mapping inside a stack's guard gap. */
	for (int i = 0; i < 8; i++) {
		a = vm_mmap(NULL, top - 299 * PAGE_SIZE - 2 * PAGE_SIZE, PAGE_SIZE, RW, ANON, 0);
		KEXPECT(IS_ERR_VALUE(a) || a + PAGE_SIZE + STACK_GUARD_GAP <= top - 299 * PAGE_SIZE ||
			a >= top);
	}
	leave_mm(mm);
}

KTEST(vm, many_vmas_in_the_tree)
{
	struct mm_struct *mm = enter_new_mm();
	unsigned long base = 0x10000000, free0;
	char c;

	KASSERT(mm != NULL);
	free0 = settled_free_pages();
	/* Alternate rights so neighbours cannot merge: 300 VMAs. */
	for (int i = 0; i < 300; i++) {
		unsigned long prot = (i & 1) ? PROT_READ : RW;

		KEXPECT_EQ(vm_mmap(NULL, base + i * 2 * PAGE_SIZE, PAGE_SIZE, prot, ANON | MAP_FIXED, 0),
			   base + i * 2 * PAGE_SIZE);
	}
	KEXPECT_EQ(map_count(mm), 300);
	for (int i = 0; i < 300; i += 7) {
		struct vm_area_struct *v = find_vma(mm, base + i * 2 * PAGE_SIZE + PAGE_SIZE);

		KEXPECT(v && v->vm_start == base + (i + 1) * 2 * PAGE_SIZE);
		KEXPECT_EQ(copy_from_user(&c, (void __user *)(base + i * 2 * PAGE_SIZE + 1), 1), 0);
		KEXPECT_EQ(copy_from_user(&c, (void __user *)(base + i * 2 * PAGE_SIZE + PAGE_SIZE), 1), 1);
	}
	KEXPECT_EQ(vm_munmap(base, 600 * PAGE_SIZE), 0);
	KEXPECT_EQ(map_count(mm), 0);
	leave_mm(mm);
	(void)free0;
}

KTEST(vm, populate_and_remote_access)
{
	struct mm_struct *mm = enter_new_mm(), *other;
	unsigned long a;
	char buf[8];

	KASSERT(mm != NULL);
	a = vm_mmap(NULL, 0, 3 * PAGE_SIZE, RW, ANON | MAP_POPULATE, 0);
	KASSERT(!IS_ERR_VALUE(a));
	for (int i = 0; i < 3; i++)
		KEXPECT(pte_present(pte_of(mm, a + i * PAGE_SIZE)));
	KEXPECT_EQ(copy_to_user((void __user *)(a + PAGE_SIZE - 2), "remote", 7), 0);
	kthread_unuse_mm(mm);

	/* From another mm: access_remote_vm reads and writes through mm's pages. */
	other = enter_new_mm();
	KASSERT(other != NULL);
	KEXPECT_EQ(access_remote_vm(mm, a + PAGE_SIZE - 2, buf, 7, false), 7);
	KEXPECT(!memcmp(buf, "remote", 7));
	KEXPECT_EQ(access_remote_vm(mm, a + 2 * PAGE_SIZE, "WRITE", 6, true), 6);
	KEXPECT_EQ(access_remote_vm(mm, a + 3 * PAGE_SIZE - 2, buf, 8, false), 2);	/* ends at the VMA */
	leave_mm(other);

	kthread_use_mm(mm);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + 2 * PAGE_SIZE), 6), 0);
	KEXPECT(!memcmp(buf, "WRITE", 6));
	leave_mm(mm);
}

KTEST(vm, free_memory_returns_after_many_mms)
{
	unsigned long free0;

	warm_up();
	free0 = settled_free_pages();
	for (int round = 0; round < 60; round++) {
		struct mm_struct *mm = enter_new_mm(), *child;
		unsigned long a;
		char c = (char)round;

		KASSERT(mm != NULL);
		a = vm_mmap(NULL, 0, 8 * PAGE_SIZE, RW, ANON, 0);
		KASSERT(!IS_ERR_VALUE(a));
		for (int i = 0; i < 8; i += 2)
			copy_to_user((void __user *)(a + i * PAGE_SIZE), &c, 1);
		KEXPECT_EQ(setup_stack_vma(0x7f0000000000UL, 2 * PAGE_SIZE), 0);
		copy_to_user((void __user *)(0x7f0000000000UL - 20 * PAGE_SIZE), &c, 1);
		child = dup_mm(mm);
		KASSERT(child != NULL);
		copy_to_user((void __user *)a, &c, 1);	/* one COW copy */
		leave_mm(mm);
		mmput(child);
	}
	KEXPECT_EQ(settled_free_pages(), free0);
}

KTEST(vm, layout_is_randomized)
{
	struct mm_struct *a = mm_alloc(), *b = mm_alloc();
	unsigned long top = 0x7ffffffff000UL;

	KASSERT(a && b);
	arch_pick_mmap_layout(a, top);
	arch_pick_mmap_layout(b, top);
	KEXPECT(a->mmap_base < top - (128UL << 20));
	KEXPECT(IS_ALIGNED(a->mmap_base, PAGE_SIZE));
	/* 28 random bits: two equal bases would be a one-in-268-million event. */
	KEXPECT_NE(a->mmap_base, b->mmap_base);
	KEXPECT_NE(randomize_stack_top(top), randomize_stack_top(top));
	KEXPECT(randomize_brk(0x400000) >= 0x400000);
	mmput(a);
	mmput(b);
}

/* ---- file mappings ---- */

/* A new regular tmpfs file (the root is tmpfs) of size bytes with a pattern; NULL on failure. */
static struct file *make_file(const char *path, unsigned long size, bool fill)
{
	struct file *f = filp_open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	static char page[PAGE_SIZE];

	if (IS_ERR(f))
		return NULL;
	for (unsigned long off = 0; fill && off < size; off += PAGE_SIZE) {
		loff_t pos = off;

		for (int i = 0; i < (int)PAGE_SIZE; i++)
			page[i] = (char)('a' + (off / PAGE_SIZE + i) % 26);
		if (kernel_write(f, page, PAGE_SIZE, &pos) != PAGE_SIZE) {
			fput(f);
			return NULL;
		}
	}
	if (!fill && vfs_truncate(&f->f_path, size)) {
		fput(f);
		return NULL;
	}
	return f;
}

static void drop_file(struct file *f, const char *path)
{
	fput(f);
	ksys_unlink(path);
}

static char file_byte(unsigned long off)
{
	return (char)('a' + (off / PAGE_SIZE + off % PAGE_SIZE) % 26);
}

KTEST(vm, file_shared_mapping_agrees_with_read_write)
{
	const char *path = "/vm_shared";
	struct file *f = make_file(path, 3 * PAGE_SIZE, true);
	struct mm_struct *mm = enter_new_mm();
	struct folio *folio;
	unsigned long a;
	char buf[8];
	loff_t pos;

	KASSERT(f && mm);
	a = vm_mmap(f, 0, 3 * PAGE_SIZE, RW, MAP_SHARED, 0);
	KASSERT(!IS_ERR_VALUE(a));
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + PAGE_SIZE + 7), 1), 0);
	KEXPECT_EQ(buf[0], file_byte(PAGE_SIZE + 7));
	/* The PTE maps the page cache's own folio. */
	folio = filemap_get_folio(f->f_mapping, 1);
	KASSERT(!IS_ERR(folio));
	KEXPECT_EQ(pte_pfn(pte_of(mm, a + PAGE_SIZE)), page_to_pfn(folio_page(folio, 0)));
	folio_put(folio);
	/* Through the mapping, then read(). */
	KEXPECT_EQ(copy_to_user((void __user *)(a + 5000), "HELLO", 5), 0);
	pos = 5000;
	KEXPECT_EQ(kernel_read(f, buf, 5, &pos), 5);
	KEXPECT(!memcmp(buf, "HELLO", 5));
	/* write(), then through the mapping. */
	pos = 100;
	KEXPECT_EQ(kernel_write(f, "WORLD", 5, &pos), 5);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + 100), 5), 0);
	KEXPECT(!memcmp(buf, "WORLD", 5));
	/* The file closed and unlinked: the mapping keeps it. */
	drop_file(f, path);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + 5000), 5), 0);
	KEXPECT(!memcmp(buf, "HELLO", 5));
	leave_mm(mm);
}

KTEST(vm, file_private_mapping_copies_on_write)
{
	const char *path = "/vm_private";
	struct file *f = make_file(path, 2 * PAGE_SIZE, true);
	struct mm_struct *mm = enter_new_mm();
	unsigned long a;
	char buf[8];
	loff_t pos;

	KASSERT(f && mm);
	a = vm_mmap(f, 0, 2 * PAGE_SIZE, RW, MAP_PRIVATE, 0);
	KASSERT(!IS_ERR_VALUE(a));
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + 3), 1), 0);
	KEXPECT_EQ(buf[0], file_byte(3));
	KEXPECT(!pte_write(pte_of(mm, a)));	/* the cache's page, read-only */
	KEXPECT_EQ(copy_to_user((void __user *)(a + 3), "private", 7), 0);
	KEXPECT(pte_write(pte_of(mm, a)));	/* our copy now */
	pos = 3;
	KEXPECT_EQ(kernel_read(f, buf, 7, &pos), 7);
	KEXPECT_EQ(buf[0], file_byte(3));	/* the file did not change */
	/* A write() to the file shows in the page we did not copy, not in the copy. */
	pos = PAGE_SIZE + 10;
	KEXPECT_EQ(kernel_write(f, "fresh", 5, &pos), 5);
	pos = 3;
	KEXPECT_EQ(kernel_write(f, "stale", 5, &pos), 5);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + PAGE_SIZE + 10), 5), 0);
	KEXPECT(!memcmp(buf, "fresh", 5));
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + 3), 7), 0);
	KEXPECT(!memcmp(buf, "private", 7));
	leave_mm(mm);
	drop_file(f, path);
}

KTEST(vm, file_truncate_unmaps_and_faults_sigbus)
{
	const char *path = "/vm_trunc";
	struct file *f = make_file(path, 4 * PAGE_SIZE, true);
	struct mm_struct *mm = enter_new_mm();
	struct vm_area_struct *vma;
	unsigned long a, p;
	vm_fault_t ret;
	char c;

	KASSERT(f && mm);
	a = vm_mmap(f, 0, 4 * PAGE_SIZE, RW, MAP_SHARED, 0);
	p = vm_mmap(f, 0, 4 * PAGE_SIZE, RW, MAP_PRIVATE, 0);
	KASSERT(!IS_ERR_VALUE(a) && !IS_ERR_VALUE(p));
	for (int i = 0; i < 4; i++) {
		KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + i * PAGE_SIZE), 1), 0);
		KEXPECT_EQ(copy_to_user((void __user *)(p + i * PAGE_SIZE), &c, 1), 0);	/* COW copies */
	}
	KEXPECT_EQ(vfs_truncate(&f->f_path, PAGE_SIZE + 1), 0);
	/* Pages wholly beyond the new end left both mappings, private copies included. */
	KEXPECT(pte_present(pte_of(mm, a + PAGE_SIZE)));
	KEXPECT(pte_none(pte_of(mm, a + 2 * PAGE_SIZE)));
	KEXPECT(pte_none(pte_of(mm, a + 3 * PAGE_SIZE)));
	KEXPECT(pte_none(pte_of(mm, p + 3 * PAGE_SIZE)));
	/* An access there now: the fault says SIGBUS; a user copy comes back short. */
	down_read(&mm->mmap_lock);
	vma = find_vma(mm, a + 2 * PAGE_SIZE);
	ret = handle_mm_fault(vma, a + 2 * PAGE_SIZE, 0);
	up_read(&mm->mmap_lock);
	KEXPECT(ret & VM_FAULT_SIGBUS);
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + 2 * PAGE_SIZE), 1), 1);
	KEXPECT_EQ(copy_to_user((void __user *)(p + 3 * PAGE_SIZE), &c, 1), 1);
	/* The tail of the last page reads as zeros, inside the mapping too. */
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + PAGE_SIZE + 100), 1), 0);
	KEXPECT_EQ(c, 0);
	/* Growing the file again makes the pages reachable (zero-filled). */
	KEXPECT_EQ(vfs_truncate(&f->f_path, 4 * PAGE_SIZE), 0);
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + 3 * PAGE_SIZE), 1), 0);
	KEXPECT_EQ(c, 0);
	leave_mm(mm);
	drop_file(f, path);
}

KTEST(vm, file_fault_around_maps_cached_pages_without_blocking)
{
	const char *path = "/vm_around";
	struct file *f = make_file(path, 40 * PAGE_SIZE, true);
	struct mm_struct *mm = enter_new_mm();
	struct folio *locked;
	unsigned long a;
	char c;

	KASSERT(f && mm);
	a = 0x50000000;	/* aligned to the 16-page fault-around window */
	KASSERT(vm_mmap(f, a, 32 * PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED, 0) == a);
	/* Somebody holds folio 5 locked: fault-around must skip it, not wait. */
	locked = __filemap_get_folio(f->f_mapping, 5, FGP_LOCK, 0);
	KASSERT(!IS_ERR(locked));
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + 2 * PAGE_SIZE), 1), 0);
	KEXPECT_EQ(c, file_byte(2 * PAGE_SIZE));
	for (int i = 0; i < 16; i++) {
		if (i == 5)
			KEXPECT(pte_none(pte_of(mm, a + i * PAGE_SIZE)));
		else
			KEXPECT(pte_present(pte_of(mm, a + i * PAGE_SIZE)));
	}
	KEXPECT(pte_none(pte_of(mm, a + 16 * PAGE_SIZE)));	/* outside the window */
	folio_unlock(locked);
	folio_put(locked);
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + 5 * PAGE_SIZE), 1), 0);
	KEXPECT_EQ(c, file_byte(5 * PAGE_SIZE));
	leave_mm(mm);
	drop_file(f, path);
}

KTEST(vm, file_first_write_calls_page_mkwrite_and_dirties)
{
	const char *path = "/vm_mkwrite";
	struct file *f = make_file(path, 2 * PAGE_SIZE, false);	/* a hole: no folios yet */
	struct mm_struct *mm = enter_new_mm();
	struct folio *folio;
	unsigned long a;
	char c;

	KASSERT(f && mm);
	a = vm_mmap(f, 0, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);
	KASSERT(!IS_ERR_VALUE(a));
	KEXPECT_EQ(copy_from_user(&c, (void __user *)a, 1), 0);	/* read: the page comes in clean */
	folio = filemap_get_folio(f->f_mapping, 0);
	KASSERT(!IS_ERR(folio));
	KEXPECT(!folio_test_dirty(folio));
	KEXPECT(!pte_write(pte_of(mm, a)));
	KEXPECT_EQ(copy_to_user((void __user *)a, "x", 1), 0);	/* the first write: ->page_mkwrite */
	KEXPECT(folio_test_dirty(folio));
	KEXPECT(pte_write(pte_of(mm, a)));
	folio_put(folio);
	/* A first access that writes gets the page writable at once, dirty too. */
	KEXPECT_EQ(copy_to_user((void __user *)(a + PAGE_SIZE), "y", 1), 0);
	folio = filemap_get_folio(f->f_mapping, 1);
	KASSERT(!IS_ERR(folio));
	KEXPECT(folio_test_dirty(folio));
	folio_put(folio);
	leave_mm(mm);
	drop_file(f, path);
}

KTEST(vm, shared_anonymous_memory_survives_dup_mm)
{
	struct mm_struct *mm = enter_new_mm(), *child;
	unsigned long a, free0;
	char buf[8];

	KASSERT(mm != NULL);
	a = vm_mmap(NULL, 0, 2 * PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS, 0);
	KASSERT(!IS_ERR_VALUE(a));
	KEXPECT(find_vma(mm, a)->vm_file != NULL);	/* backed by an unlinked tmpfs file */
	KEXPECT_EQ(copy_from_user(buf, (void __user *)a, 4), 0);
	KEXPECT_EQ(buf[0], 0);
	child = dup_mm(mm);
	KASSERT(child != NULL);
	kthread_unuse_mm(mm);
	kthread_use_mm(child);
	KEXPECT_EQ(copy_to_user((void __user *)(a + PAGE_SIZE), "kid", 4), 0);
	kthread_unuse_mm(child);
	mmput(child);
	kthread_use_mm(mm);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + PAGE_SIZE), 4), 0);
	KEXPECT(!memcmp(buf, "kid", 4));	/* the child's write is the parent's page */
	leave_mm(mm);

	/* Nothing stays behind: the tmpfs file and its pages go with the last mapping. */
	free0 = settled_free_pages();
	mm = enter_new_mm();
	KASSERT(mm != NULL);
	a = vm_mmap(NULL, 0, 8 * PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS, 0);
	for (int i = 0; i < 8; i++)
		copy_to_user((void __user *)(a + i * PAGE_SIZE), "z", 1);
	leave_mm(mm);
	KEXPECT_EQ(settled_free_pages(), free0);
}

KTEST(vm, file_mmap_permission_checks)
{
	const char *path = "/vm_perm";
	struct file *rw = make_file(path, PAGE_SIZE, true), *ro, *wo;
	struct mm_struct *mm = enter_new_mm();

	KASSERT(rw && mm);
	ro = filp_open(path, O_RDONLY, 0);
	wo = filp_open(path, O_WRONLY, 0);
	KASSERT(!IS_ERR(ro) && !IS_ERR(wo));
	KEXPECT_EQ((long)vm_mmap(ro, 0, PAGE_SIZE, RW, MAP_SHARED, 0), -EACCES);
	KEXPECT(!IS_ERR_VALUE(vm_mmap(ro, 0, PAGE_SIZE, RW, MAP_PRIVATE, 0)));
	KEXPECT(!IS_ERR_VALUE(vm_mmap(ro, 0, PAGE_SIZE, PROT_READ, MAP_SHARED, 0)));
	KEXPECT_EQ((long)vm_mmap(wo, 0, PAGE_SIZE, PROT_READ, MAP_SHARED, 0), -EACCES);
	KEXPECT_EQ((long)vm_mmap(rw, 0, PAGE_SIZE, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, 0),
		   -EOPNOTSUPP);
	fput(ro);
	fput(wo);
	leave_mm(mm);
	drop_file(rw, path);
}

/* A file whose vm_ops count ->open and ->close (and fault through the cache). */
static atomic_t test_vm_opens, test_vm_closes;

static void test_vm_open(struct vm_area_struct *vma)
{
	(void)vma;
	atomic_inc(&test_vm_opens);
}

static void test_vm_close(struct vm_area_struct *vma)
{
	(void)vma;
	atomic_inc(&test_vm_closes);
}

static const struct vm_operations_struct test_vm_ops = {
	.open = test_vm_open,
	.close = test_vm_close,
	.fault = filemap_fault,
};

static int test_mmap(struct file *file, struct vm_area_struct *vma)
{
	(void)file;
	vma->vm_ops = &test_vm_ops;
	return 0;
}

KTEST(vm, vm_ops_open_and_close_follow_the_vmas)
{
	const char *path = "/vm_ops";
	struct file *f = make_file(path, 8 * PAGE_SIZE, true);
	struct mm_struct *mm = enter_new_mm(), *child;
	const struct file_operations *orig;
	struct file_operations fops;
	unsigned long a;
	char c;

	KASSERT(f && mm);
	orig = f->f_op;
	fops = *f->f_op;
	fops.mmap = test_mmap;
	f->f_op = &fops;	/* this test's private file object only */
	atomic_set(&test_vm_opens, 0);
	atomic_set(&test_vm_closes, 0);
	a = vm_mmap(f, 0, 8 * PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	KASSERT(!IS_ERR_VALUE(a));
	KEXPECT_EQ(atomic_read(&test_vm_opens), 0);	/* ->mmap, not ->open, starts a mapping */
	/* Two splits (each new piece is ->open'ed, as Linux), the middle piece ->close'd. */
	KEXPECT_EQ(vm_munmap(a + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	KEXPECT_EQ(atomic_read(&test_vm_opens), 2);
	KEXPECT_EQ(atomic_read(&test_vm_closes), 1);
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + 4 * PAGE_SIZE), 1), 0);
	KEXPECT_EQ(c, file_byte(4 * PAGE_SIZE));
	child = dup_mm(mm);
	KASSERT(child != NULL);
	KEXPECT_EQ(atomic_read(&test_vm_opens), 4);	/* both pieces copied */
	mmput(child);
	KEXPECT_EQ(atomic_read(&test_vm_closes), 3);
	leave_mm(mm);
	KEXPECT_EQ(atomic_read(&test_vm_closes), 5);
	f->f_op = orig;
	drop_file(f, path);
}

/* ---- mprotect, mremap, madvise, mincore, msync ---- */

KTEST(vm, mprotect_changes_rights_and_merges_back)
{
	struct mm_struct *mm = enter_new_mm();
	unsigned long a = 0x20000000, pfn;
	char c = 'm';

	KASSERT(mm != NULL);
	KASSERT(vm_mmap(NULL, a, 4 * PAGE_SIZE, RW, ANON | MAP_FIXED, 0) == a);
	for (int i = 0; i < 4; i++)
		KEXPECT_EQ(copy_to_user((void __user *)(a + i * PAGE_SIZE), &c, 1), 0);
	KEXPECT_EQ(do_mprotect(a + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0);
	KEXPECT_EQ(map_count(mm), 3);
	KEXPECT(!pte_write(pte_of(mm, a + PAGE_SIZE)));
	KEXPECT_EQ(copy_to_user((void __user *)(a + PAGE_SIZE), &c, 1), 1);	/* read-only now */
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + PAGE_SIZE), 1), 0);
	KEXPECT_EQ(copy_to_user((void __user *)a, &c, 1), 0);	/* outside: unchanged */
	/* PROT_NONE keeps the page, the CPU just cannot reach it. */
	pfn = pte_pfn(pte_of(mm, a + 2 * PAGE_SIZE));
	KEXPECT_EQ(do_mprotect(a + 2 * PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0);
	KEXPECT(pte_protnone(pte_of(mm, a + 2 * PAGE_SIZE)));
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + 2 * PAGE_SIZE), 1), 1);
	KEXPECT_EQ(do_mprotect(a, 4 * PAGE_SIZE, RW), 0);
	KEXPECT_EQ(map_count(mm), 1);	/* equal neighbours merged again */
	KEXPECT_EQ(pte_pfn(pte_of(mm, a + 2 * PAGE_SIZE)), pfn);
	c = 0;
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(a + 2 * PAGE_SIZE), 1), 0);
	KEXPECT_EQ(c, 'm');
	KEXPECT_EQ(copy_to_user((void __user *)(a + PAGE_SIZE), &c, 1), 0);	/* writable again */
	/* Errors as Linux. */
	KEXPECT_EQ(do_mprotect(a + 1, PAGE_SIZE, PROT_READ), -EINVAL);
	KEXPECT_EQ(do_mprotect(a, 8 * PAGE_SIZE, PROT_READ), -ENOMEM);	/* runs past the mapping */
	KEXPECT_EQ(do_mprotect(a, PAGE_SIZE, 0x80), -EINVAL);
	leave_mm(mm);
}

KTEST(vm, mprotect_keeps_copy_on_write)
{
	struct mm_struct *mm = enter_new_mm(), *child;
	unsigned long a;
	char buf[4];

	KASSERT(mm != NULL);
	a = vm_mmap(NULL, 0, PAGE_SIZE, RW, ANON, 0);
	KEXPECT_EQ(copy_to_user((void __user *)a, "abc", 4), 0);
	child = dup_mm(mm);
	KASSERT(child != NULL);
	KEXPECT_EQ(do_mprotect(a, PAGE_SIZE, PROT_READ), 0);
	KEXPECT_EQ(do_mprotect(a, PAGE_SIZE, RW), 0);
	KEXPECT(!pte_write(pte_of(mm, a)));	/* still shared with the child */
	KEXPECT_EQ(copy_to_user((void __user *)a, "xyz", 4), 0);
	KEXPECT_NE(pte_pfn(pte_of(mm, a)), pte_pfn(pte_of(child, a)));
	kthread_unuse_mm(mm);
	kthread_use_mm(child);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)a, 4), 0);
	KEXPECT(!memcmp(buf, "abc", 4));
	kthread_unuse_mm(child);
	mmput(child);
	kthread_use_mm(mm);
	leave_mm(mm);
}

KTEST(vm, mprotect_respects_the_file_mode)
{
	const char *path = "/vm_mprot";
	struct file *rw = make_file(path, PAGE_SIZE, true), *ro;
	struct mm_struct *mm = enter_new_mm();
	unsigned long a, p;

	KASSERT(rw && mm);
	ro = filp_open(path, O_RDONLY, 0);
	KASSERT(!IS_ERR(ro));
	a = vm_mmap(ro, 0, PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	p = vm_mmap(ro, 0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 0);
	KASSERT(!IS_ERR_VALUE(a) && !IS_ERR_VALUE(p));
	KEXPECT_EQ(do_mprotect(a, PAGE_SIZE, RW), -EACCES);	/* never writable through this fd */
	KEXPECT_EQ(do_mprotect(p, PAGE_SIZE, RW), 0);	/* a private copy may be */
	KEXPECT_EQ(copy_to_user((void __user *)p, "q", 1), 0);
	fput(ro);
	leave_mm(mm);
	drop_file(rw, path);
}

KTEST(vm, mremap_grows_shrinks_and_moves)
{
	struct mm_struct *mm;
	unsigned long a = 0x30000000, b, free0, pfn;
	char buf[8];

	warm_up();
	free0 = settled_free_pages();
	mm = enter_new_mm();
	KASSERT(mm != NULL);
	KASSERT(vm_mmap(NULL, a, 2 * PAGE_SIZE, RW, ANON | MAP_FIXED, 0) == a);
	KEXPECT_EQ(copy_to_user((void __user *)(a + PAGE_SIZE), "moved", 6), 0);
	pfn = pte_pfn(pte_of(mm, a + PAGE_SIZE));
	/* Room after it: grows in place. */
	KEXPECT_EQ(do_mremap(a, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, 0), a);
	KEXPECT_EQ(copy_to_user((void __user *)(a + 3 * PAGE_SIZE), "x", 1), 0);
	/* Something in the way: ENOMEM without MAYMOVE, a move with it. */
	KASSERT(vm_mmap(NULL, a + 4 * PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED, 0) ==
		a + 4 * PAGE_SIZE);
	KEXPECT_EQ((long)do_mremap(a, 4 * PAGE_SIZE, 8 * PAGE_SIZE, 0, 0), -ENOMEM);
	b = do_mremap(a, 4 * PAGE_SIZE, 8 * PAGE_SIZE, MREMAP_MAYMOVE, 0);
	KASSERT(!IS_ERR_VALUE(b));
	KEXPECT_NE(b, a);
	KEXPECT_EQ(pte_pfn(pte_of(mm, b + PAGE_SIZE)), pfn);	/* the page itself moved */
	KEXPECT(pte_none(pte_of(mm, a + PAGE_SIZE)));
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(b + PAGE_SIZE), 6), 0);
	KEXPECT(!memcmp(buf, "moved", 6));
	KEXPECT_EQ(copy_from_user(buf, (void __user *)a, 1), 1);	/* the old place is gone */
	/* MREMAP_FIXED to a chosen place, replacing what was there. */
	KEXPECT_EQ(do_mremap(b, 8 * PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
			     a + 4 * PAGE_SIZE), a + 4 * PAGE_SIZE);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + 5 * PAGE_SIZE), 6), 0);
	KEXPECT(!memcmp(buf, "moved", 6));
	/* Shrinking unmaps the tail. */
	KEXPECT_EQ(do_mremap(a + 4 * PAGE_SIZE, 2 * PAGE_SIZE, PAGE_SIZE, 0, 0), a + 4 * PAGE_SIZE);
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + 5 * PAGE_SIZE), 1), 1);
	/* Errors. */
	KEXPECT_EQ((long)do_mremap(a + 1, PAGE_SIZE, PAGE_SIZE, 0, 0), -EINVAL);
	KEXPECT_EQ((long)do_mremap(a, PAGE_SIZE, PAGE_SIZE, MREMAP_FIXED, a), -EINVAL);
	KEXPECT_EQ((long)do_mremap(0x70000000, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE, 0), -EFAULT);
	leave_mm(mm);
	KEXPECT_EQ(settled_free_pages(), free0);
}

KTEST(vm, madvise_dontneed_and_fork_advice)
{
	const char *path = "/vm_madv";
	struct file *f = make_file(path, 2 * PAGE_SIZE, true);
	struct mm_struct *mm = enter_new_mm(), *child;
	unsigned long a, p, s, k;
	char c;

	KASSERT(f && mm);
	a = vm_mmap(NULL, 0, 2 * PAGE_SIZE, RW, ANON, 0);
	p = vm_mmap(f, 0, PAGE_SIZE, RW, MAP_PRIVATE, 0);
	s = vm_mmap(f, 0, PAGE_SIZE, RW, MAP_SHARED, PAGE_SIZE >> PAGE_SHIFT);
	KASSERT(!IS_ERR_VALUE(a) && !IS_ERR_VALUE(p) && !IS_ERR_VALUE(s));
	KEXPECT_EQ(copy_to_user((void __user *)a, "A", 1), 0);
	KEXPECT_EQ(copy_to_user((void __user *)p, "P", 1), 0);
	KEXPECT_EQ(copy_to_user((void __user *)s, "S", 1), 0);
	KEXPECT_EQ(do_madvise(a, 2 * PAGE_SIZE, MADV_DONTNEED), 0);
	KEXPECT_EQ(do_madvise(p, PAGE_SIZE, MADV_DONTNEED), 0);
	KEXPECT_EQ(do_madvise(s, PAGE_SIZE, MADV_DONTNEED), 0);
	KEXPECT(pte_none(pte_of(mm, a)));
	KEXPECT_EQ(copy_from_user(&c, (void __user *)a, 1), 0);
	KEXPECT_EQ(c, 0);	/* anonymous: zeros again */
	KEXPECT_EQ(copy_from_user(&c, (void __user *)p, 1), 0);
	KEXPECT_EQ(c, file_byte(0));	/* private file: the file again */
	KEXPECT_EQ(copy_from_user(&c, (void __user *)s, 1), 0);
	KEXPECT_EQ(c, 'S');	/* shared file: the data is the file's */
	/* Hints are accepted; nonsense is not; holes are ENOMEM. */
	KEXPECT_EQ(do_madvise(a, PAGE_SIZE, MADV_WILLNEED), 0);
	KEXPECT_EQ(do_madvise(a, PAGE_SIZE, MADV_SEQUENTIAL), 0);
	KEXPECT_EQ(do_madvise(a, PAGE_SIZE, 12345), -EINVAL);
	KEXPECT_EQ(do_madvise(a + 1, PAGE_SIZE, MADV_NORMAL), -EINVAL);
	KEXPECT_EQ(do_madvise(0x70000000, PAGE_SIZE, MADV_NORMAL), -ENOMEM);
	KEXPECT_EQ(do_madvise(s, PAGE_SIZE, MADV_FREE), -EINVAL);
	KEXPECT_EQ(do_madvise(a, PAGE_SIZE, MADV_REMOVE), -EINVAL);	/* no file */
	KEXPECT_EQ(do_madvise(p, PAGE_SIZE, MADV_REMOVE), -EACCES);	/* private */
	/* Fork advice: DONTFORK leaves the range out, WIPEONFORK gives the child zeros. */
	k = vm_mmap(NULL, 0, 2 * PAGE_SIZE, RW, ANON, 0);
	KEXPECT_EQ(copy_to_user((void __user *)k, "K", 1), 0);
	KEXPECT_EQ(copy_to_user((void __user *)(k + PAGE_SIZE), "W", 1), 0);
	KEXPECT_EQ(do_madvise(k, PAGE_SIZE, MADV_DONTFORK), 0);
	KEXPECT_EQ(do_madvise(k + PAGE_SIZE, PAGE_SIZE, MADV_WIPEONFORK), 0);
	child = dup_mm(mm);
	KASSERT(child != NULL);
	kthread_unuse_mm(mm);
	kthread_use_mm(child);
	KEXPECT_EQ(copy_from_user(&c, (void __user *)k, 1), 1);
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(k + PAGE_SIZE), 1), 0);
	KEXPECT_EQ(c, 0);
	kthread_unuse_mm(child);
	mmput(child);
	kthread_use_mm(mm);
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(k + PAGE_SIZE), 1), 0);
	KEXPECT_EQ(c, 'W');
	leave_mm(mm);
	drop_file(f, path);
}

KTEST(vm, mincore_reports_resident_pages)
{
	const char *path = "/vm_mincore";
	struct file *f = make_file(path, 4 * PAGE_SIZE, true);
	struct mm_struct *mm = enter_new_mm();
	unsigned long a, m, v;
	unsigned char vec[4];

	KASSERT(f && mm);
	a = vm_mmap(NULL, 0, 4 * PAGE_SIZE, RW, ANON, 0);
	m = vm_mmap(f, 0, 4 * PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	v = vm_mmap(NULL, 0, PAGE_SIZE, RW, ANON, 0);	/* mincore writes its answer to user memory */
	KASSERT(!IS_ERR_VALUE(a) && !IS_ERR_VALUE(m) && !IS_ERR_VALUE(v));
	KEXPECT_EQ(copy_to_user((void __user *)a, "x", 1), 0);
	KEXPECT_EQ(copy_to_user((void __user *)(a + 2 * PAGE_SIZE), "x", 1), 0);
	KEXPECT_EQ(do_mincore(a, 4 * PAGE_SIZE, (unsigned char __user *)v), 0);
	KEXPECT_EQ(copy_from_user(vec, (void __user *)v, 4), 0);
	KEXPECT(vec[0] == 1 && vec[1] == 0 && vec[2] == 1 && vec[3] == 0);
	/* The file is in the cache: resident although never touched through the mapping. */
	KEXPECT_EQ(do_mincore(m, 3 * PAGE_SIZE + 1, (unsigned char __user *)v), 0);
	KEXPECT_EQ(copy_from_user(vec, (void __user *)v, 4), 0);
	KEXPECT(vec[0] == 1 && vec[1] == 1 && vec[2] == 1 && vec[3] == 1);
	KEXPECT_EQ(do_mincore(a + 1, PAGE_SIZE, (unsigned char __user *)v), -EINVAL);
	KEXPECT_EQ(do_mincore(0x70000000, PAGE_SIZE, (unsigned char __user *)v), -ENOMEM);
	KEXPECT_EQ(do_mincore(a, PAGE_SIZE, (unsigned char __user *)0x1000), -EFAULT);
	leave_mm(mm);
	drop_file(f, path);
}

/* A tmpfs file whose folios write back through this counting ->writepage. */
static atomic_t test_writepages;

static int test_writepage(struct page *page, struct writeback_control *wbc)
{
	(void)wbc;
	atomic_inc(&test_writepages);
	set_page_writeback(page);
	unlock_page(page);
	end_page_writeback(page);
	return 0;
}

KTEST(vm, msync_writes_back_what_the_mapping_dirtied)
{
	const char *path = "/vm_msync";
	struct file *f = make_file(path, 2 * PAGE_SIZE, false);
	struct mm_struct *mm = enter_new_mm();
	struct address_space *mapping;
	const struct address_space_operations *orig_aops;
	struct address_space_operations aops;
	const struct file_operations *orig_fops;
	struct file_operations fops;
	struct folio *folio;
	unsigned long a;
	char c;

	KASSERT(f && mm);
	mapping = f->f_mapping;
	orig_aops = mapping->a_ops;
	aops = *orig_aops;
	aops.writepage = test_writepage;
	aops.dirty_folio = filemap_dirty_folio;	/* tag dirty folios, so writeback finds them */
	mapping->a_ops = &aops;
	orig_fops = f->f_op;
	fops = *orig_fops;
	fops.fsync = generic_file_fsync;
	f->f_op = &fops;
	atomic_set(&test_writepages, 0);

	a = vm_mmap(f, 0, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);
	KASSERT(!IS_ERR_VALUE(a));
	KEXPECT_EQ(copy_from_user(&c, (void __user *)a, 1), 0);
	KEXPECT_EQ(do_msync(a, 2 * PAGE_SIZE, MS_SYNC), 0);
	KEXPECT_EQ(atomic_read(&test_writepages), 0);	/* nothing written yet: nothing to write */
	KEXPECT_EQ(copy_to_user((void __user *)a, "d", 1), 0);	/* page_mkwrite: dirty */
	KEXPECT_EQ(do_msync(a, 2 * PAGE_SIZE, MS_SYNC), 0);
	KEXPECT_EQ(atomic_read(&test_writepages), 1);
	folio = filemap_get_folio(mapping, 0);
	KASSERT(!IS_ERR(folio));
	KEXPECT(!folio_test_dirty(folio));
	KEXPECT(!pte_write(pte_of(mm, a)));	/* writeback write-protected it again */
	KEXPECT_EQ(copy_to_user((void __user *)a, "e", 1), 0);	/* so this write is seen */
	KEXPECT(folio_test_dirty(folio));
	folio_put(folio);
	KEXPECT_EQ(do_msync(a, PAGE_SIZE, MS_ASYNC), 0);
	KEXPECT_EQ(do_msync(a, PAGE_SIZE, MS_SYNC), 0);
	KEXPECT_EQ(atomic_read(&test_writepages), 2);
	KEXPECT_EQ(do_msync(a, PAGE_SIZE, MS_SYNC | MS_ASYNC), -EINVAL);
	KEXPECT_EQ(do_msync(a + 1, PAGE_SIZE, MS_SYNC), -EINVAL);
	KEXPECT_EQ(do_msync(a, 8 * PAGE_SIZE, MS_SYNC), -ENOMEM);
	KEXPECT_EQ(do_msync(a, PAGE_SIZE, MS_INVALIDATE), 0);
	leave_mm(mm);
	mapping->a_ops = orig_aops;
	f->f_op = orig_fops;
	drop_file(f, path);
}

KTEST(vm, vma_names_for_proc_maps)
{
	struct mm_struct *mm = enter_new_mm();
	unsigned long h;

	KASSERT(mm != NULL);
	mm->start_brk = mm->brk = 0x800000;
	KEXPECT_EQ((unsigned long)ksys_brk(0x800000 + 2 * PAGE_SIZE), 0x800000 + 2 * PAGE_SIZE);
	KEXPECT_EQ(setup_stack_vma(0x7ff000000000UL, PAGE_SIZE), 0);
	h = vm_mmap(NULL, 0, PAGE_SIZE, RW, ANON, 0);
	down_read(&mm->mmap_lock);
	KEXPECT_STREQ(vma_special_name(find_vma(mm, 0x800000)), "[heap]");
	KEXPECT_STREQ(vma_special_name(find_vma(mm, 0x7ff000000000UL - 1)), "[stack]");
	KEXPECT(vma_special_name(find_vma(mm, h)) == NULL);
	/* The iterator walks in address order. */
	{
		unsigned long last = 0;
		int n = 0;

		for (struct vm_area_struct *v = vma_first(mm); v; v = vma_next(v), n++) {
			KEXPECT(v->vm_start >= last);
			last = v->vm_end;
		}
		KEXPECT_EQ(n, 3);
	}
	up_read(&mm->mmap_lock);
	leave_mm(mm);
}

/* ---- /dev/fb0 ---- */

KTEST(vm, fb0_mmap_is_pfnmap_with_pfn_mkwrite)
{
	struct mm_struct *mm, *other;
	struct file *f;
	unsigned long a;
	long writes0;
	char buf[8];

	/* Without a screen (the ktest machine), a RAM buffer stands in for the framebuffer. */
	f = filp_open("/dev/fb0", O_RDWR, 0);
	if (IS_ERR(f)) {
		struct page *pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);

		KASSERT(pages != NULL);
		KASSERT(fbmem_setup(page_to_phys(pages), page_address(pages), 4 * PAGE_SIZE - 100) == 0);
		KASSERT(fbmem_init() == 0);
		f = filp_open("/dev/fb0", O_RDWR, 0);
	}
	KASSERT(!IS_ERR(f));
	mm = enter_new_mm();
	KASSERT(mm != NULL);
	KEXPECT_EQ((long)vm_mmap(f, 0, PAGE_SIZE, RW, MAP_PRIVATE, 0), -EINVAL);
	a = vm_mmap(f, 0, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);
	KASSERT(!IS_ERR_VALUE(a));
	KEXPECT(find_vma(mm, a)->vm_flags & VM_PFNMAP);
	/* Every entry is there from the start, page-less and read-only. */
	KEXPECT(pte_special(pte_of(mm, a + PAGE_SIZE)));
	KEXPECT(!pte_write(pte_of(mm, a + PAGE_SIZE)));
	writes0 = fbmem_mmap_writes();
	KEXPECT_EQ(copy_to_user((void __user *)(a + PAGE_SIZE + 8), "pixels", 7), 0);
	KEXPECT_EQ(fbmem_mmap_writes(), writes0 + 1);	/* ->pfn_mkwrite saw the first write */
	KEXPECT(pte_write(pte_of(mm, a + PAGE_SIZE)));
	KEXPECT_EQ(copy_to_user((void __user *)(a + PAGE_SIZE), "more", 4), 0);
	KEXPECT_EQ(fbmem_mmap_writes(), writes0 + 1);	/* only the first write of a page */
	KEXPECT_EQ(copy_from_user(buf, (void __user *)(a + PAGE_SIZE + 8), 7), 0);
	KEXPECT(!memcmp(buf, "pixels", 7));
	kthread_unuse_mm(mm);
	/* /proc/<pid>/mem's way in: ->access, since no struct page stands behind the PTE. */
	other = enter_new_mm();
	KASSERT(other != NULL);
	memset(buf, 0, sizeof(buf));
	KEXPECT_EQ(access_remote_vm(mm, a + PAGE_SIZE + 8, buf, 7, false), 7);
	KEXPECT(!memcmp(buf, "pixels", 7));
	leave_mm(other);
	kthread_use_mm(mm);
	KEXPECT_EQ((long)vm_mmap(f, 0, 8 * PAGE_SIZE, PROT_READ, MAP_SHARED, 0), -EINVAL);
	leave_mm(mm);
	fput(f);
}

KTEST(vm, madvise_remove_punches_a_hole_in_the_file)
{
	const char *path = "/vm_remove";
	struct file *f = make_file(path, 3 * PAGE_SIZE, true);
	struct mm_struct *mm = enter_new_mm();
	unsigned long s;
	char c, buf[4];
	loff_t pos;

	KASSERT(f && mm);
	s = vm_mmap(f, 0, 3 * PAGE_SIZE, RW, MAP_SHARED, 0);
	KASSERT(!IS_ERR_VALUE(s));
	for (int i = 0; i < 3; i++)
		KEXPECT_EQ(copy_to_user((void __user *)(s + i * PAGE_SIZE), "hole", 4), 0);
	KEXPECT_EQ(do_madvise(s + PAGE_SIZE, PAGE_SIZE, MADV_REMOVE), 0);
	KEXPECT(pte_none(pte_of(mm, s + PAGE_SIZE)));
	KEXPECT_EQ(copy_from_user(&c, (void __user *)(s + PAGE_SIZE), 1), 0);
	KEXPECT_EQ(c, 0);	/* the file's hole reads as zeros, through the mapping... */
	pos = PAGE_SIZE;
	KEXPECT_EQ(kernel_read(f, buf, 4, &pos), 4);
	KEXPECT_EQ(buf[0], 0);	/* ...and through read() */
	pos = 2 * PAGE_SIZE;
	KEXPECT_EQ(kernel_read(f, buf, 4, &pos), 4);
	KEXPECT(!memcmp(buf, "hole", 4));	/* the neighbours stay */
	KEXPECT_EQ(i_size_read(file_inode(f)), 3 * PAGE_SIZE);
	leave_mm(mm);
	drop_file(f, path);
}

/* ---- the end of an address space at exit ---- */

/* Like a process: its own mm (as exec installs one), a touched page, then exit_mm. */
static int exiting_process(void *data)
{
	struct mm_struct *mm = data;
	unsigned long a;

	exec_mm_install(mm);	/* mm == active_mm now, as after execve */
	a = vm_mmap(NULL, 0, 4 * PAGE_SIZE, RW, ANON, 0);
	if (!IS_ERR_VALUE(a))
		copy_to_user((void __user *)a, "bye", 4);
	exit_mm();	/* the last user: mappings go now; the tables stay loaded lazily */
	while (!kthread_should_stop())
		msleep(5);
	return current->mm == NULL ? 0 : -EINVAL;
}

/* Free pages once the reaper has freed exited threads too: the same count twice, 50 ms apart. */
static unsigned long stable_free_pages(void)
{
	unsigned long prev = settled_free_pages(), now;

	for (int i = 0; i < 40; i++) {
		msleep(50);
		now = settled_free_pages();
		if (now == prev)
			break;
		prev = now;
	}
	return prev;
}

KTEST(vm, exit_mm_then_switch_frees_the_address_space)
{
	unsigned long free0 = 0;

	warm_up();
	/* The first round warms up (kernel stack tables, slabs); the second is measured. */
	for (int round = 0; round < 2; round++) {
		struct task_struct *k;
		struct mm_struct *mm;

		if (round)
			free0 = stable_free_pages();
		mm = mm_alloc();
		KASSERT(mm != NULL);
		k = kthread_run(exiting_process, mm, "vm-exit");
		KASSERT(!IS_ERR(k));
		msleep(20);
		KEXPECT_EQ(kthread_stop(k), 0);
	}
	/*
	 * Its last switch gave the dead mm up (mm_context_switch loads the
	 * kernel's tables instead of lending a dead mm to the next task), and
	 * the reaper freed the thread. Give them a moment.
	 */
	for (int i = 0; i < 100 && settled_free_pages() != free0; i++)
		msleep(10);
	KEXPECT_EQ(settled_free_pages(), free0);
}
