/*
 * Pages behind user addresses: the fault handler's core (demand-zero
 * anonymous pages, copy-on-write), unmapping a range, copying page tables
 * at fork, and access to another mm's memory.
 *
 * A user PTE refers to a page in one of two ways:
 *   anonymous   page->folio == NULL; each PTE mapping it holds one page
 *               reference (get_page/put_page). After fork a private page
 *               is mapped read-only in both mms; the first write copies it,
 *               unless the writer holds the only reference (then it simply
 *               becomes writable again: nobody else can see it).
 *   page cache  page->folio is the file's folio; each PTE holds a folio
 *               reference (folio_get/folio_put). A private mapping maps it
 *               read-only and copies it on the first write.
 *   VM_PFNMAP   special entries (pte_special): device frames, no reference.
 *
 * Every entry that gains a page adds one to the mm's RSS counter of its
 * kind (anonymous, file, or tmpfs: mm_counter), every entry that loses
 * one takes it away, both under page_table_lock with the entry.
 *
 * Locking: the caller holds mm->mmap_lock (read for faults, write for
 * changes of the layout). mm->page_table_lock is held while a PTE is read
 * and changed, so two CPUs faulting on one address agree: the second
 * finds the entry changed and backs off. Sleeping work (allocation,
 * copying, the file's ops) is done with it dropped, and the entry is
 * checked again afterwards. The TLB is flushed (flush_tlb_mm_range)
 * whenever a present entry loses a right or its page, before that page
 * can be freed or reused.
 */
#include <kestrel/contract/vm.h>
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/mm.h>
#include <kestrel/pagemap.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <kestrel/vm.h>

void put_user_page(struct page *page)
{
	struct folio *folio = page_folio(page);

	if (folio)
		folio_put(folio);
	else
		put_page(page);
}

static void get_user_page_ref(struct page *page)
{
	get_page(page);	/* a folio's references are its page's (folio_get) */
}

/* The RSS counter a mapped page counts in (Linux's mm_counter). */
static int mm_counter(struct page *page)
{
	struct folio *folio = page_folio(page);

	if (!folio)
		return MM_ANONPAGES;
	return folio_test_swapbacked(folio) ? MM_SHMEMPAGES : MM_FILEPAGES;
}

static struct page *alloc_anon_page(void)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	if (page)
		page->folio = NULL;
	return page;
}

/* Install entry at an empty slot; false if someone else filled it meanwhile. */
static bool set_pte_if_none(struct mm_struct *mm, pte_t *pte, pte_t entry)
{
	bool ok;

	spin_lock(&mm->page_table_lock);
	ok = pte_none(ptep_get(pte));
	if (ok)
		set_pte(pte, entry);
	spin_unlock(&mm->page_table_lock);
	return ok;
}

/* A missing page of an anonymous mapping: a new zeroed one. */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf, pte_t *pte)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = alloc_anon_page();
	pte_t entry;

	if (!page)
		return VM_FAULT_OOM;
	entry = mk_pte(page, vma->vm_page_prot);
	/* Ours alone: writable at once if the VMA allows writing. */
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkdirty(pte_mkwrite(entry));
	if (!set_pte_if_none(vma->vm_mm, pte, entry))
		put_page(page);	/* another thread faulted it in first */
	else
		inc_mm_counter(vma->vm_mm, MM_ANONPAGES);
	return 0;
}

/*
 * Make a private page writable: copy it into a new anonymous page, or
 * keep it if this PTE holds the only reference to an anonymous page.
 */
static vm_fault_t wp_private(struct vm_fault *vmf, pte_t *pte, pte_t orig)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *old, *new;
	pte_t entry;

	if (pte_special(orig))
		return VM_FAULT_SIGSEGV;	/* no page to copy: VM_PFNMAP mappings are shared only */
	old = pfn_to_page(pte_pfn(orig));
	spin_lock(&mm->page_table_lock);
	if (!pte_same(ptep_get(pte), orig)) {
		spin_unlock(&mm->page_table_lock);
		return 0;	/* changed meanwhile: let the access retry */
	}
	if (!page_folio(old) && page_count(old) == 1) {
		set_pte(pte, pte_mkyoung(pte_mkdirty(pte_mkwrite(orig))));
		spin_unlock(&mm->page_table_lock);
		/* Adding a right needs no shootdown: a stale read-only entry just faults again. */
		return 0;
	}
	get_user_page_ref(old);	/* keep it while we copy without the lock */
	spin_unlock(&mm->page_table_lock);

	new = alloc_anon_page();
	if (!new) {
		put_user_page(old);
		return VM_FAULT_OOM;
	}
	memcpy(page_address(new), page_address(old), PAGE_SIZE);
	entry = pte_mkdirty(pte_mkwrite(mk_pte(new, vma->vm_page_prot)));

	spin_lock(&mm->page_table_lock);
	if (!pte_same(ptep_get(pte), orig)) {
		spin_unlock(&mm->page_table_lock);
		put_page(new);
		put_user_page(old);
		return 0;
	}
	/* Other threads may cache the old read-only entry: gone before the new one appears. */
	pte_clear(mm, vmf->address, pte);
	flush_tlb_mm_range(mm, vmf->address, vmf->address + PAGE_SIZE);
	set_pte(pte, entry);
	dec_mm_counter(mm, mm_counter(old));
	inc_mm_counter(mm, MM_ANONPAGES);
	spin_unlock(&mm->page_table_lock);
	put_user_page(old);	/* the PTE's reference */
	put_user_page(old);	/* ours */
	return 0;
}

/* ---- file pages ---- */

/*
 * Map a page-cache folio at addr, read-only (the first write faults again
 * for COW or ->page_mkwrite) unless write says the caller already did
 * what a write needs. The PTE takes its own folio reference. False if the
 * slot was filled meanwhile. The spec's set_pte_range, for ->map_pages.
 */
bool set_pte_range(struct vm_fault *vmf, struct folio *folio, unsigned long addr, bool write)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte = vmf->pte + (long)(addr - vmf->address) / (long)PAGE_SIZE;
	pte_t entry = mk_pte(folio_page(folio, 0), vma->vm_page_prot);
	bool ok;

	/*
	 * The caller holds the folio lock, so truncation, which unmaps under
	 * that lock before removing the folio (unmap_mapping_folio), either
	 * has not reached it yet and will take this entry, or has removed it
	 * already: folio->mapping is NULL then, checked here under the
	 * page-table lock, and no entry for a page the file no longer has
	 * is made.
	 */
	WARN_ON(!folio_test_locked(folio));
	if (write)
		entry = pte_mkdirty(pte_mkwrite(entry));
	folio_get(folio);
	spin_lock(&mm->page_table_lock);
	ok = pte_none(ptep_get(pte)) && READ_ONCE(folio->mapping);
	if (ok) {
		set_pte(pte, entry);
		inc_mm_counter(mm, mm_counter(folio_page(folio, 0)));
	}
	spin_unlock(&mm->page_table_lock);
	if (!ok)
		folio_put(folio);
	return ok;
}

/*
 * Fault-around: before a read fault asks the file for one page, map the
 * neighbours the cache already has (->map_pages, which must not block:
 * pages it cannot get at once are skipped). A window of FAULT_AROUND_PAGES
 * aligned pages, inside the VMA and inside the one page table that holds
 * vmf->pte (the op finds the other entries relative to it).
 */
#define FAULT_AROUND_PAGES 16

static void do_fault_around(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long addr = vmf->address, win = FAULT_AROUND_PAGES * PAGE_SIZE;
	unsigned long start = addr & ~(win - 1), end = start + win;
	unsigned long pmd_start = addr & ~(PMD_SIZE - 1), pmd_end = pmd_start + PMD_SIZE;

	if (start < vma->vm_start)
		start = vma->vm_start;
	if (start < pmd_start)
		start = pmd_start;
	if (end > vma->vm_end)
		end = vma->vm_end;
	if (end > pmd_end)
		end = pmd_end;
	vfs_call_map_pages(vmf, vmf->pgoff - ((addr - start) >> PAGE_SHIFT),
			   vmf->pgoff + ((end - addr) >> PAGE_SHIFT) - 1);
}

/* ->fault: the folio of vmf->pgoff, locked, in vmf->page (with a reference). */
static vm_fault_t __do_fault(struct vm_fault *vmf)
{
	vm_fault_t ret = vfs_call_fault(vmf);

	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	if (!(ret & VM_FAULT_LOCKED))
		folio_lock(page_folio(vmf->page));
	return ret | VM_FAULT_LOCKED;
}

/*
 * ->page_mkwrite: the file agrees to a write to the folio (and marks it
 * dirty). Returns with the folio locked, or VM_FAULT_NOPAGE if it was
 * truncated meanwhile (the access faults again and finds out), or an error.
 */
static vm_fault_t do_page_mkwrite(struct vm_fault *vmf, struct folio *folio)
{
	vm_fault_t ret;

	vmf->flags |= FAULT_FLAG_MKWRITE;
	vmf->page = folio_page(folio, 0);
	ret = vfs_call_page_mkwrite(vmf->vma, vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		return ret;
	if (!(ret & VM_FAULT_LOCKED)) {
		folio_lock(folio);
		if (!folio->mapping) {
			folio_unlock(folio);
			return VM_FAULT_NOPAGE;
		}
	}
	return ret | VM_FAULT_LOCKED;
}

/* A read fault: map the file's page read-only (after fault-around). */
static vm_fault_t do_read_fault(struct vm_fault *vmf, pte_t *pte)
{
	struct folio *folio;
	vm_fault_t ret;

	if (vmf->vma->vm_ops->map_pages) {
		do_fault_around(vmf);
		if (!pte_none(ptep_get(pte)))
			return 0;
	}
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	folio = page_folio(vmf->page);
	set_pte_range(vmf, folio, vmf->address, false);
	folio_unlock(folio);
	folio_put(folio);
	return ret & VM_FAULT_MAJOR;
}

/* A write fault on a private file mapping: a private copy of the file's page. */
static vm_fault_t do_cow_fault(struct vm_fault *vmf, pte_t *pte)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *new = alloc_anon_page();
	struct folio *folio;
	vm_fault_t ret;

	if (!new)
		return VM_FAULT_OOM;
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) {
		put_page(new);
		return ret;
	}
	folio = page_folio(vmf->page);
	memcpy(page_address(new), folio_address(folio), PAGE_SIZE);
	folio_unlock(folio);
	folio_put(folio);
	if (!set_pte_if_none(vma->vm_mm, pte, pte_mkdirty(pte_mkwrite(mk_pte(new, vma->vm_page_prot)))))
		put_page(new);
	else
		inc_mm_counter(vma->vm_mm, MM_ANONPAGES);
	return ret & VM_FAULT_MAJOR;
}

/* A write fault on a shared file mapping: the file's page, writable after ->page_mkwrite. */
static vm_fault_t do_shared_fault(struct vm_fault *vmf, pte_t *pte)
{
	struct folio *folio;
	vm_fault_t ret, tmp;

	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	folio = page_folio(vmf->page);
	if (vmf->vma->vm_ops->page_mkwrite) {
		folio_unlock(folio);
		tmp = do_page_mkwrite(vmf, folio);
		if (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) {
			folio_put(folio);
			return tmp;
		}
	} else {
		folio_mark_dirty(folio);
	}
	set_pte_range(vmf, folio, vmf->address, true);
	folio_unlock(folio);
	folio_put(folio);
	return ret & VM_FAULT_MAJOR;
}

static vm_fault_t do_file_fault(struct vm_fault *vmf, pte_t *pte)
{
	if (!vmf->vma->vm_ops->fault)
		return VM_FAULT_SIGBUS;	/* a VM_PFNMAP mapping installs everything at mmap time */
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(vmf, pte);
	if (!(vmf->vma->vm_flags & VM_SHARED))
		return do_cow_fault(vmf, pte);
	return do_shared_fault(vmf, pte);
}

/*
 * A write to a present read-only page of a shared mapping: the file (or
 * the device, for a page-less VM_PFNMAP frame) is told first, then the
 * entry becomes writable.
 */
static vm_fault_t wp_shared(struct vm_fault *vmf, pte_t *pte, pte_t orig)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	const struct vm_operations_struct *ops = vma->vm_ops;
	struct folio *folio = NULL;
	vm_fault_t ret = 0;

	if (pte_special(orig)) {
		if (ops && ops->pfn_mkwrite) {
			ret = vfs_call_pfn_mkwrite(vma, vmf);
			if (ret & VM_FAULT_ERROR)
				return ret;
		}
	} else {
		/*
		 * orig was read without the page-table lock: a truncation may
		 * have cleared the entry and dropped the folio's last reference
		 * since. Only under the lock, with the entry unchanged, is the
		 * entry's reference still there to lean on (as wp_private).
		 */
		spin_lock(&mm->page_table_lock);
		if (!pte_same(ptep_get(pte), orig)) {
			spin_unlock(&mm->page_table_lock);
			return 0;	/* changed meanwhile: let the access retry */
		}
		folio = page_folio(pfn_to_page(pte_pfn(orig)));
		if (folio)
			folio_get(folio);
		spin_unlock(&mm->page_table_lock);
		if (!folio)
			return wp_private(vmf, pte, orig);	/* cannot happen: shared memory is a file */
		if (ops && ops->page_mkwrite) {
			ret = do_page_mkwrite(vmf, folio);
			if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) {
				folio_put(folio);
				return ret & ~VM_FAULT_NOPAGE;	/* NOPAGE: just retry the access */
			}
		} else {
			folio_mark_dirty(folio);
		}
	}
	spin_lock(&mm->page_table_lock);
	if (pte_same(ptep_get(pte), orig))
		set_pte(pte, pte_mkyoung(pte_mkdirty(pte_mkwrite(orig))));
	spin_unlock(&mm->page_table_lock);
	if (folio) {
		if (ret & VM_FAULT_LOCKED)
			folio_unlock(folio);
		folio_put(folio);
	}
	return 0;
}

/* A write to a present read-only page. */
static vm_fault_t do_wp_page(struct vm_fault *vmf, pte_t *pte, pte_t orig)
{
	if (vmf->vma->vm_flags & VM_SHARED)
		return wp_shared(vmf, pte, orig);
	return wp_private(vmf, pte, orig);
}

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_fault vmf = {
		.vma = vma,
		.flags = flags,
		.address = PAGE_ALIGN_DOWN(addr),
		.real_address = addr,
		.pgoff = vma->vm_pgoff + ((PAGE_ALIGN_DOWN(addr) - vma->vm_start) >> PAGE_SHIFT),
	};
	pte_t *pte, entry;

	lockdep_assert_held(&mm->mmap_lock);
	might_sleep();
	pte = upte_alloc(mm, vmf.address);
	if (!pte)
		return VM_FAULT_OOM;
	vmf.pte = pte;
	entry = ptep_get(pte);
	if (!pte_present(entry)) {
		if (vma->vm_ops)
			return do_file_fault(&vmf, pte);
		return do_anonymous_page(&vmf, pte);
	}
	if (pte_protnone(entry))
		return VM_FAULT_SIGSEGV;	/* PROT_NONE entry: the VMA check should have refused */
	if ((flags & FAULT_FLAG_WRITE) && !pte_write(entry)) {
		vmf.flags |= FAULT_FLAG_MKWRITE;
		return do_wp_page(&vmf, pte, entry);
	}
	/* Present with the right already: another CPU fixed it, or a stale TLB entry here. */
	invlpg(vmf.address);
	return 0;
}

/*
 * Map frames [pfn, pfn + size/PAGE_SIZE) at addr in a VM_PFNMAP vma (a
 * device's ->mmap): page-less special entries (pte_mkspecial), with prot (read-only:
 * the first write of a shared mapping goes through ->pfn_mkwrite).
 */
int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		    unsigned long size, pgprot_t prot)
{
	struct mm_struct *mm = vma->vm_mm;

	lockdep_assert_held_write(&mm->mmap_lock);
	if (WARN_ON(!(vma->vm_flags & VM_PFNMAP)))
		return -EINVAL;
	for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
		pte_t *pte = upte_alloc(mm, addr + off);

		if (!pte)
			return -ENOMEM;
		if (!set_pte_if_none(mm, pte, pte_mkspecial(pfn_pte(pfn + (off >> PAGE_SHIFT), prot))))
			return -EBUSY;
	}
	return 0;
}

/* ---- unmapping ---- */

#define GATHER_MAX 64

/* Pages taken out of PTEs, freed only after the TLB flush (mmu_gather in Linux). */
struct mmu_gather {
	struct mm_struct *mm;
	bool keep_anon;			/* leave private copies (COWed pages) alone */
	unsigned long start, end;	/* range to flush */
	unsigned int nr;
	struct page *pages[GATHER_MAX];
};

static void tlb_flush_free(struct mmu_gather *tlb)
{
	if (tlb->end > tlb->start)
		flush_tlb_mm_range(tlb->mm, tlb->start, tlb->end);
	for (unsigned int i = 0; i < tlb->nr; i++)
		put_user_page(tlb->pages[i]);
	tlb->nr = 0;
	tlb->start = tlb->end = 0;
}

/* Clear one entry (page_table_lock held); true if the gather is full. */
static bool zap_pte(struct mmu_gather *tlb, struct vm_area_struct *vma, pte_t *pte,
		    unsigned long addr)
{
	pte_t e = ptep_get(pte);
	struct page *page;

	if (pte_none(e))
		return false;
	if (tlb->keep_anon && pte_present(e) && !pte_special(e) &&
	    !page_folio(pfn_to_page(pte_pfn(e))))
		return false;
	pte_clear(vma->vm_mm, addr, pte);
	if (!tlb->end)
		tlb->start = addr;
	tlb->end = addr + PAGE_SIZE;
	if (!pte_present(e) || pte_special(e))
		return false;
	page = pfn_to_page(pte_pfn(e));
	dec_mm_counter(tlb->mm, mm_counter(page));
	/* A write through a shared mapping the CPU recorded: the file must see the dirt. */
	if (pte_dirty(e) && (vma->vm_flags & VM_SHARED) && page_folio(page))
		folio_mark_dirty(page_folio(page));
	tlb->pages[tlb->nr++] = page;
	return tlb->nr == GATHER_MAX;
}

void zap_page_range_cows(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			 bool even_cows)
{
	struct mm_struct *mm = vma->vm_mm;
	struct mmu_gather tlb = { .mm = mm, .keep_anon = !even_cows };
	unsigned long addr = start;

	while (addr < end) {
		pte_t *pte = upte_lookup(mm, addr);
		unsigned long table_end = (addr | (PMD_SIZE - 1)) + 1;

		if (table_end > end || table_end < addr)
			table_end = end;
		if (!pte) {
			addr = table_end;	/* no page table here */
			continue;
		}
		spin_lock(&mm->page_table_lock);
		for (; addr < table_end; addr += PAGE_SIZE, pte++) {
			if (zap_pte(&tlb, vma, pte, addr)) {
				addr += PAGE_SIZE;
				break;
			}
		}
		spin_unlock(&mm->page_table_lock);
		if (tlb.nr == GATHER_MAX)
			tlb_flush_free(&tlb);
	}
	tlb_flush_free(&tlb);
}

void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	zap_page_range_cows(vma, start, end, true);
}

/* ---- fork ---- */

int copy_page_range(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma)
{
	bool cow = !(vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE);

	for (unsigned long addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		pte_t *spte = upte_lookup(src, addr), *dpte, e;

		if (!spte) {
			/* Skip to the next page table. */
			addr = ((addr | (PMD_SIZE - 1)) + 1) - PAGE_SIZE;
			continue;
		}
		if (pte_none(ptep_get(spte)))
			continue;
		/* The child's tables: nobody else knows the new mm, no lock needed to fill them. */
		dpte = upte_alloc(dst, addr);
		if (!dpte)
			return -ENOMEM;
		spin_lock(&src->page_table_lock);
		e = ptep_get(spte);
		if (pte_present(e)) {
			if (!pte_special(e)) {
				get_user_page_ref(pfn_to_page(pte_pfn(e)));
				inc_mm_counter(dst, mm_counter(pfn_to_page(pte_pfn(e))));
			}
			if (cow && pte_write(e)) {
				e = pte_wrprotect(e);
				set_pte(spte, e);	/* the caller flushes src's TLB once */
			}
			set_pte(dpte, e);
		}
		spin_unlock(&src->page_table_lock);
	}
	return 0;
}

/* ---- another mm's memory ---- */

struct page *follow_page_ref(struct vm_area_struct *vma, unsigned long addr, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned int flags = FAULT_FLAG_REMOTE | (write ? FAULT_FLAG_WRITE : 0);

	for (int tries = 0; tries < 3; tries++) {
		pte_t *pte = upte_lookup(mm, addr), e;
		struct page *page = NULL;

		if (pte) {
			spin_lock(&mm->page_table_lock);
			e = ptep_get(pte);
			if (pte_present(e) && !pte_protnone(e) && !pte_special(e) &&
			    (!write || pte_write(e))) {
				page = pfn_to_page(pte_pfn(e));
				get_user_page_ref(page);
			}
			spin_unlock(&mm->page_table_lock);
			if (page)
				return page;
		}
		if (handle_mm_fault(vma, addr, flags) & VM_FAULT_ERROR)
			return NULL;
	}
	return NULL;
}

int access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, int len, bool write)
{
	int done = 0;

	might_sleep();
	down_read(&mm->mmap_lock);
	while (done < len) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned long offset = addr & (PAGE_SIZE - 1);
		int n = (int)(PAGE_SIZE - offset);
		unsigned long need = write ? VM_WRITE : VM_READ;
		struct page *page;

		if (n > len - done)
			n = len - done;
		if (!vma || vma->vm_start > addr)
			break;
		if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
			/* No struct page to reach: the mapping's own ->access, if it has one. */
			int ret = -EINVAL;

			if (vma->vm_ops && vma->vm_ops->access)
				ret = vfs_call_vm_access(vma, addr, (char *)buf + done, n, write);
			if (ret <= 0)
				break;
			done += ret;
			addr += ret;
			continue;
		}
		if (!(vma->vm_flags & need))
			break;
		page = follow_page_ref(vma, addr, write);
		if (!page)
			break;
		if (write) {
			memcpy((char *)page_address(page) + offset, (char *)buf + done, n);
		} else {
			memcpy((char *)buf + done, (char *)page_address(page) + offset, n);
		}
		put_user_page(page);
		done += n;
		addr += n;
	}
	up_read(&mm->mmap_lock);
	return done;
}
