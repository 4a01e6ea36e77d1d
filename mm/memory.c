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
 *   VM_PFNMAP   _PAGE_SPECIAL entries: device frames, no reference.
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

static struct page *alloc_anon_page(void)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	if (page)
		page->folio = NULL;
	return page;
}

static pteval_t mk_pte(struct page *page, unsigned long prot)
{
	return page_to_phys(page) | prot;
}

/* Install entry at an empty slot; false if someone else filled it meanwhile. */
static bool set_pte_if_none(struct mm_struct *mm, pteval_t *pte, pteval_t entry)
{
	bool ok;

	spin_lock(&mm->page_table_lock);
	ok = !READ_ONCE(*pte);
	if (ok)
		WRITE_ONCE(*pte, entry);
	spin_unlock(&mm->page_table_lock);
	return ok;
}

/* A missing page of an anonymous mapping: a new zeroed one. */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf, pteval_t *pte)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = alloc_anon_page();
	pteval_t entry;

	if (!page)
		return VM_FAULT_OOM;
	entry = mk_pte(page, vma->vm_page_prot);
	/* Ours alone: writable at once if the VMA allows writing. */
	if (vma->vm_flags & VM_WRITE)
		entry |= _PAGE_RW | _PAGE_DIRTY;
	if (!set_pte_if_none(vma->vm_mm, pte, entry))
		put_page(page);	/* another thread faulted it in first */
	return 0;
}

/*
 * Make a private page writable: copy it into a new anonymous page, or
 * keep it if this PTE holds the only reference to an anonymous page.
 */
static vm_fault_t wp_private(struct vm_fault *vmf, pteval_t *pte, pteval_t orig)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *old = pfn_to_page(upte_pfn(orig)), *new;
	pteval_t entry;

	spin_lock(&mm->page_table_lock);
	if (READ_ONCE(*pte) != orig) {
		spin_unlock(&mm->page_table_lock);
		return 0;	/* changed meanwhile: let the access retry */
	}
	if (!page_folio(old) && page_count(old) == 1) {
		WRITE_ONCE(*pte, orig | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED);
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
	entry = mk_pte(new, vma->vm_page_prot) | _PAGE_RW | _PAGE_DIRTY;

	spin_lock(&mm->page_table_lock);
	if (READ_ONCE(*pte) != orig) {
		spin_unlock(&mm->page_table_lock);
		put_page(new);
		put_user_page(old);
		return 0;
	}
	/* Other threads may cache the old read-only entry: gone before the new one appears. */
	WRITE_ONCE(*pte, 0);
	flush_tlb_mm_range(mm, vmf->address, vmf->address + PAGE_SIZE);
	WRITE_ONCE(*pte, entry);
	spin_unlock(&mm->page_table_lock);
	put_user_page(old);	/* the PTE's reference */
	put_user_page(old);	/* ours */
	return 0;
}

/* A write to a present read-only page. */
static vm_fault_t do_wp_page(struct vm_fault *vmf, pteval_t *pte, pteval_t orig)
{
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
	pteval_t *pte, entry;

	lockdep_assert_held(&mm->mmap_lock);
	might_sleep();
	pte = upte_alloc(mm, vmf.address);
	if (!pte)
		return VM_FAULT_OOM;
	vmf.pte = pte;
	entry = READ_ONCE(*pte);
	if (!upte_mapped(entry))
		return do_anonymous_page(&vmf, pte);
	if (!(entry & _PAGE_PRESENT))
		return VM_FAULT_SIGSEGV;	/* PROT_NONE entry: the VMA check should have refused */
	if ((flags & FAULT_FLAG_WRITE) && !(entry & _PAGE_RW)) {
		vmf.flags |= FAULT_FLAG_MKWRITE;
		return do_wp_page(&vmf, pte, entry);
	}
	/* Present with the right already: another CPU fixed it, or a stale TLB entry here. */
	invlpg(vmf.address);
	return 0;
}

/* ---- unmapping ---- */

#define GATHER_MAX 64

/* Pages taken out of PTEs, freed only after the TLB flush (mmu_gather in Linux). */
struct mmu_gather {
	struct mm_struct *mm;
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
static bool zap_pte(struct mmu_gather *tlb, struct vm_area_struct *vma, pteval_t *pte,
		    unsigned long addr)
{
	pteval_t e = READ_ONCE(*pte);
	struct page *page;

	if (!e)
		return false;
	WRITE_ONCE(*pte, 0);
	if (!tlb->end)
		tlb->start = addr;
	tlb->end = addr + PAGE_SIZE;
	if (!upte_mapped(e) || (e & _PAGE_SPECIAL))
		return false;
	page = pfn_to_page(upte_pfn(e));
	tlb->pages[tlb->nr++] = page;
	return tlb->nr == GATHER_MAX;
}

void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct mmu_gather tlb = { .mm = mm };
	unsigned long addr = start;

	while (addr < end) {
		pteval_t *pte = upte_lookup(mm, addr);
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

/* ---- fork ---- */

int copy_page_range(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma)
{
	bool cow = !(vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE);

	for (unsigned long addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		pteval_t *spte = upte_lookup(src, addr), *dpte, e;

		if (!spte) {
			/* Skip to the next page table. */
			addr = ((addr | (PMD_SIZE - 1)) + 1) - PAGE_SIZE;
			continue;
		}
		if (!READ_ONCE(*spte))
			continue;
		/* The child's tables: nobody else knows the new mm, no lock needed to fill them. */
		dpte = upte_alloc(dst, addr);
		if (!dpte)
			return -ENOMEM;
		spin_lock(&src->page_table_lock);
		e = READ_ONCE(*spte);
		if (upte_mapped(e)) {
			if (!(e & _PAGE_SPECIAL))
				get_user_page_ref(pfn_to_page(upte_pfn(e)));
			if (cow && (e & _PAGE_RW)) {
				e &= ~_PAGE_RW;
				WRITE_ONCE(*spte, e);	/* the caller flushes src's TLB once */
			}
			WRITE_ONCE(*dpte, e);
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
		pteval_t *pte = upte_lookup(mm, addr), e;
		struct page *page = NULL;

		if (pte) {
			spin_lock(&mm->page_table_lock);
			e = READ_ONCE(*pte);
			if ((e & _PAGE_PRESENT) && !(e & _PAGE_SPECIAL) && (!write || (e & _PAGE_RW))) {
				page = pfn_to_page(upte_pfn(e));
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
		if (!(vma->vm_flags & need) || (vma->vm_flags & (VM_IO | VM_PFNMAP)))
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
