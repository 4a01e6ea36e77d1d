/*
 * The life of an address space: mm_alloc, the two reference counts, fork's
 * dup_mm, exec's exec_mm_install, exit_mm, and kernel threads borrowing an
 * mm (kthread_use_mm). Page tables and the context switch are in
 * arch/x86/mm; the VMAs in mm/mmap.c.
 *
 * Two counts, as in Linux:
 *   mm_users  tasks (threads) using the mappings. The last mmput tears
 *             them down (exit_mmap: VMAs, pages, page tables) and drops
 *             the mm_count reference all users share.
 *   mm_count  references to the struct and its PML4 (which a CPU may
 *             still have loaded lazily): the last mmdrop frees them.
 * Both are atomics; no lock.
 */
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/mm.h>
#include <kestrel/mm_types.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/vm.h>
#include <asm/processor.h>

static struct kmem_cache *mm_cachep;

void mm_struct_init(void)
{
	mm_cachep = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 0, 0);
}

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kmem_cache_alloc(mm_cachep, GFP_KERNEL);

	if (!mm)
		return NULL;
	memset(mm, 0, sizeof(*mm));
	if (pgd_alloc(mm)) {
		kmem_cache_free(mm_cachep, mm);
		return NULL;
	}
	atomic_set(&mm->mm_users, 1);
	atomic_set(&mm->mm_count, 1);	/* shared by all users, dropped by the last mmput */
	init_rwsem(&mm->mmap_lock);
	spin_lock_init(&mm->page_table_lock);
	mm->mm_rb = RB_ROOT;
	mm->mmap_base = PAGE_ALIGN_DOWN(TASK_SIZE_LIMIT / 3 * 2);	/* exec picks the real one */
	return mm;
}

void mmgrab(struct mm_struct *mm)
{
	atomic_inc(&mm->mm_count);
}

void mmdrop(struct mm_struct *mm)
{
	if (!atomic_dec_and_test(&mm->mm_count))
		return;
	/* Nobody can have these tables loaded: a CPU running on them holds a reference. */
	WARN_ON(mm->cpu_vm_mask.bits);
	pgd_free(mm);
	kmem_cache_free(mm_cachep, mm);
}

void mmget(struct mm_struct *mm)
{
	atomic_inc(&mm->mm_users);
}

/* An mm_users reference unless the last one is gone already (Linux's mmget_not_zero). */
bool mmget_not_zero(struct mm_struct *mm)
{
	int users = atomic_read(&mm->mm_users);

	while (users > 0)
		if (atomic_try_cmpxchg(&mm->mm_users, &users, users + 1))
			return true;
	return false;
}

struct mm_struct *get_task_mm(struct task_struct *p)
{
	struct mm_struct *mm;

	task_lock(p);
	mm = p->mm;
	if (mm && (p->flags & PF_KTHREAD))
		mm = NULL;	/* a kernel thread's borrowed mm is not its own */
	if (mm && !mmget_not_zero(mm))
		mm = NULL;
	task_unlock(p);
	return mm;
}

void mmput(struct mm_struct *mm)
{
	might_sleep();
	if (!atomic_dec_and_test(&mm->mm_users))
		return;
	exit_mmap(mm);
	if (mm->exe_file)
		fput(mm->exe_file);
	mm->exe_file = NULL;
	mmdrop(mm);
}

void exit_mm(void)
{
	struct task_struct *tsk = current;
	struct mm_struct *mm = tsk->mm;
	unsigned long flags;

	if (!mm)
		return;
	/* Keep the struct and the loaded tables as a lazily borrowed active_mm. */
	mmgrab(mm);
	task_lock(tsk);
	flags = local_irq_save();
	tsk->mm = NULL;
	local_irq_restore(flags);
	task_unlock(tsk);
	mmput(mm);
}

void exec_mm_install(struct mm_struct *mm)
{
	struct task_struct *tsk = current;
	struct mm_struct *old_mm = tsk->mm, *active = tsk->active_mm;
	unsigned long flags;

	task_lock(tsk);
	flags = local_irq_save();
	tsk->mm = mm;
	tsk->active_mm = mm;
	switch_mm(active, mm, tsk);
	local_irq_restore(flags);
	task_unlock(tsk);
	if (old_mm)
		mmput(old_mm);
	else if (active)
		mmdrop(active);	/* a kernel thread's borrowed mm */
}

void kthread_use_mm(struct mm_struct *mm)
{
	struct task_struct *tsk = current;
	struct mm_struct *active;
	unsigned long flags;

	WARN_ON(tsk->mm);
	mmgrab(mm);	/* active_mm's reference while we use it */
	task_lock(tsk);
	flags = local_irq_save();
	active = tsk->active_mm;
	tsk->mm = mm;
	tsk->active_mm = mm;
	switch_mm(active, mm, tsk);
	local_irq_restore(flags);
	task_unlock(tsk);
	if (active)
		mmdrop(active);
}

void kthread_unuse_mm(struct mm_struct *mm)
{
	struct task_struct *tsk = current;
	unsigned long flags;

	WARN_ON(tsk->mm != mm);
	task_lock(tsk);
	flags = local_irq_save();
	tsk->mm = NULL;
	tsk->active_mm = NULL;
	switch_to_kernel_pgd();
	local_irq_restore(flags);
	task_unlock(tsk);
	mmdrop(mm);
}

/*
 * fork: a new mm with a copy of every VMA of oldmm (but VM_DONTCOPY ones)
 * and of its page tables: shared pages stay shared, private writable ones
 * become read-only in both, so the first write to one copies it
 * (mm/memory.c: do_wp_page).
 */
struct mm_struct *dup_mm(struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *vma, *new;
	int err = 0;

	if (!mm)
		return NULL;
	down_write(&oldmm->mmap_lock);
	/* Nobody else knows the new mm; its lock is taken for the vm_ops' assertions. */
	down_write_nested(&mm->mmap_lock, 1);
	mm->mmap_base = oldmm->mmap_base;
	mm->start_code = oldmm->start_code;
	mm->end_code = oldmm->end_code;
	mm->start_data = oldmm->start_data;
	mm->end_data = oldmm->end_data;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->arg_start = oldmm->arg_start;
	mm->arg_end = oldmm->arg_end;
	mm->env_start = oldmm->env_start;
	mm->env_end = oldmm->env_end;
	memcpy(mm->saved_auxv, oldmm->saved_auxv, sizeof(mm->saved_auxv));
	if (oldmm->exe_file) {
		get_file(oldmm->exe_file);
		mm->exe_file = oldmm->exe_file;
	}
	for (vma = vma_first(oldmm); vma; vma = vma_next(vma)) {
		if (vma->vm_flags & VM_DONTCOPY)
			continue;
		new = vm_area_dup(vma);
		if (!new) {
			err = -ENOMEM;
			break;
		}
		new->vm_mm = mm;
		new->vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);	/* locks are not inherited */
		err = vma_link(mm, new);
		if (err) {
			vm_area_free(new);
			break;
		}
		vma_call_open(new);
		if (vma->vm_flags & VM_WIPEONFORK)
			continue;	/* the child starts with demand-zero pages */
		err = copy_page_range(mm, oldmm, vma);
		if (err)
			break;
	}
	/* The parent's private pages lost RW: no CPU may keep a writable entry. */
	flush_tlb_mm(oldmm);
	up_write(&mm->mmap_lock);
	up_write(&oldmm->mmap_lock);
	if (err) {
		mmput(mm);
		return NULL;
	}
	return mm;
}
