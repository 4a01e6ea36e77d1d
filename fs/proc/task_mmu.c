/*
 * /proc/<pid>/maps: one line per VMA, in Linux's format
 *
 *   start-end perms offset major:minor inode    name
 *   00400000-00401000 r-xp 00000000 00:0e 12     /tests/futex
 *
 * perms are r/w/x and p (private) or s (shared); the name (a file's path,
 * [heap], [stack], or what the VMA's ->name says: [vdso], [vvar]) starts at column 74 as on a 64-bit Linux, and a line
 * without one ends with the space after the inode number, as there. The walk holds the mm's mmap_lock for read (mm/'s VMA iterator,
 * include/kestrel/mm_types.h) and an mm_users reference.
 */
#include <kestrel/dcache.h>
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/mm_types.h>
#include <kestrel/rwsem.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/vm.h>
#include <asm/page.h>
#include "internal.h"

#define MAPS_NAME_COLUMN 73	/* 25 + sizeof(void *) * 6 - 1, Linux's seq_setwidth */

static void show_vma(struct seq_file *m, struct vm_area_struct *vma, char *pathbuf)
{
	unsigned long flags = vma->vm_flags;
	struct file *file = vma->vm_file;
	unsigned long long pgoff = 0;
	unsigned long ino = 0;
	unsigned int major = 0, minor = 0;
	const char *name = NULL;
	size_t line_start = m->count;

	if (file) {
		struct inode *inode = file_inode(file);

		major = MAJOR(inode->i_sb->s_dev);
		minor = MINOR(inode->i_sb->s_dev);
		ino = inode->i_ino;
		pgoff = (unsigned long long)vma->vm_pgoff << PAGE_SHIFT;
	}
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", vma->vm_start, vma->vm_end,
		   flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		   flags & VM_EXEC ? 'x' : '-', flags & (VM_SHARED | VM_MAYSHARE) ? 's' : 'p', pgoff, major,
		   minor, ino);
	name = vma_special_name(vma);
	if (!name && file) {
		name = d_path(&file->f_path, pathbuf, PAGE_SIZE);
		if (IS_ERR(name))
			name = NULL;
	}
	if (name) {
		size_t used = m->count - line_start;

		/* Linux's seq_pad: spaces up to the column, then one more. */
		if (used < MAPS_NAME_COLUMN)
			seq_printf(m, "%*s", (int)(MAPS_NAME_COLUMN - used), "");
		seq_putc(m, ' ');
		seq_puts(m, name);
		if (file && !vma_special_name(vma) && d_unlinked(file->f_path.dentry))
			seq_puts(m, " (deleted)");
	}
	seq_putc(m, '\n');
}

int proc_pid_maps_show(struct seq_file *m, void *v)
{
	struct proc_inode *pi = m->private;
	struct task_struct *p = proc_get_task(pi->pid);
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	char *pathbuf;

	if (!p)
		return -ESRCH;
	mm = proc_task_mm(p);
	put_task_struct(p);
	if (!mm)
		return 0;	/* a kernel thread: empty */
	pathbuf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!pathbuf) {
		mmput(mm);
		return -ENOMEM;
	}
	down_read(&mm->mmap_lock);
	for (vma = vma_first(mm); vma; vma = vma_next(vma))
		show_vma(m, vma, pathbuf);
	up_read(&mm->mmap_lock);
	kfree(pathbuf);
	mmput(mm);
	return 0;
}

/*
 * Resident pages of mm: the user PTEs that hold a page (present, or
 * PROT_NONE), page-less VM_PFNMAP ranges left out, as Linux's RSS. A walk
 * under mmap_lock (read), which keeps the page tables (freed only at
 * teardown); entries may change meanwhile, so it is a snapshot.
 */
unsigned long proc_mm_rss_pages(struct mm_struct *mm)
{
	const unsigned long pte_table_span = 512 * PAGE_SIZE;
	struct vm_area_struct *vma;
	unsigned long pages = 0;

	down_read(&mm->mmap_lock);
	for (vma = vma_first(mm); vma; vma = vma_next(vma)) {
		unsigned long addr = vma->vm_start;

		if (vma->vm_flags & VM_PFNMAP)
			continue;
		while (addr < vma->vm_end) {
			pte_t *pte = upte_lookup(mm, addr);

			if (!pte) {	/* no page table here: skip to the next one */
				addr = (addr | (pte_table_span - 1)) + 1;
				continue;
			}
			pages += pte_present(ptep_get(pte));
			addr += PAGE_SIZE;
		}
		cond_resched();
	}
	up_read(&mm->mmap_lock);
	return pages;
}
