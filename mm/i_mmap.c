/*
 * i_mmap: every VMA that maps a file, per address_space, so the file side
 * can reach the page tables mapping its pages: truncation and hole
 * punching unmap them (unmap_mapping_range), so a later access beyond the
 * new end faults and gets SIGBUS instead of seeing the old page.
 *
 * The tree is an interval tree over file page offsets: an augmented
 * red-black tree (lib/rbtree.c) keyed by vm_pgoff whose nodes also keep
 * the largest last page offset in their subtree (shared.subtree_last),
 * so a walk skips every subtree that ends before the range asked for.
 *
 * Locking: mapping->i_mmap_rwsem, write to insert or remove a VMA or to
 * change the range of one that is in the tree, read to walk it. A VMA's
 * vm_start/vm_end/vm_pgoff change only under both its mm's mmap_lock
 * (write) and this lock (write), so a walker holding only this lock
 * (truncation does not take any mm's lock) sees them consistent. Lock
 * order: docs/locking.md, "Lock order".
 */
#include <kestrel/fs.h>
#include <kestrel/mm.h>
#include <kestrel/pagemap.h>
#include <kestrel/vm.h>

static unsigned long vma_last_pgoff(const struct vm_area_struct *v)
{
	return v->vm_pgoff + ((v->vm_end - v->vm_start) >> PAGE_SHIFT) - 1;
}

static struct vm_area_struct *i_mmap_vma(struct rb_node *n)
{
	return rb_entry(n, struct vm_area_struct, shared.rb);
}

static void i_mmap_augment(struct rb_node *n)
{
	struct vm_area_struct *v = i_mmap_vma(n);
	unsigned long last = vma_last_pgoff(v);

	if (n->rb_left && i_mmap_vma(n->rb_left)->shared.subtree_last > last)
		last = i_mmap_vma(n->rb_left)->shared.subtree_last;
	if (n->rb_right && i_mmap_vma(n->rb_right)->shared.subtree_last > last)
		last = i_mmap_vma(n->rb_right)->shared.subtree_last;
	v->shared.subtree_last = last;
}

void __vma_i_mmap_insert(struct address_space *mapping, struct vm_area_struct *vma)
{
	struct rb_node **link = &mapping->i_mmap.rb_node, *parent = NULL;

	lockdep_assert_held_write(&mapping->i_mmap_rwsem);
	while (*link) {
		parent = *link;
		if (vma->vm_pgoff < i_mmap_vma(parent)->vm_pgoff)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	vma->shared.subtree_last = vma_last_pgoff(vma);
	rb_link_node(&vma->shared.rb, parent, link);
	rb_insert_augmented(&vma->shared.rb, &mapping->i_mmap, i_mmap_augment);
}

void __vma_i_mmap_remove(struct address_space *mapping, struct vm_area_struct *vma)
{
	lockdep_assert_held_write(&mapping->i_mmap_rwsem);
	rb_erase_augmented(&vma->shared.rb, &mapping->i_mmap, i_mmap_augment);
}

struct unmap_range {
	unsigned long first, last;	/* file pages */
	bool even_cows;
};

/* Zap the part of v that maps file pages [first, last]. */
static void zap_file_range(struct vm_area_struct *v, const struct unmap_range *r)
{
	unsigned long from = r->first > v->vm_pgoff ? r->first : v->vm_pgoff;
	unsigned long to = r->last < vma_last_pgoff(v) ? r->last : vma_last_pgoff(v);

	zap_page_range_cows(v, v->vm_start + ((from - v->vm_pgoff) << PAGE_SHIFT),
			    v->vm_start + ((to + 1 - v->vm_pgoff) << PAGE_SHIFT), r->even_cows);
}

/* Zap in every VMA of the subtree at n that overlaps [first, last]. */
static void walk(struct rb_node *n, const struct unmap_range *r)
{
	while (n) {
		struct vm_area_struct *v = i_mmap_vma(n);

		if (v->shared.subtree_last < r->first)
			return;	/* everything below ends too early */
		walk(n->rb_left, r);
		if (v->vm_pgoff > r->last)
			return;	/* this and everything to the right start too late */
		if (vma_last_pgoff(v) >= r->first)
			zap_file_range(v, r);
		n = n->rb_right;
	}
}

void unmap_mapping_range(struct address_space *mapping, loff_t holebegin, loff_t holelen,
			 int even_cows)
{
	struct unmap_range r = {
		.first = (unsigned long)holebegin >> PAGE_SHIFT,
		.last = holelen ? (unsigned long)(holebegin + holelen - 1) >> PAGE_SHIFT : ~0UL,
		/* Truncation passes 1: a private mapping beyond EOF gets SIGBUS too. */
		.even_cows = even_cows,
	};

	might_sleep();
	down_read(&mapping->i_mmap_rwsem);
	walk(mapping->i_mmap.rb_node, &r);
	up_read(&mapping->i_mmap_rwsem);
}

bool mapping_mapped(struct address_space *mapping)
{
	return !RB_EMPTY_ROOT(&mapping->i_mmap);
}

/*
 * Truncation, hole punching and invalidation call this with the folio
 * locked, right before it leaves the cache (Linux's unmap_mapping_folio,
 * from truncate_cleanup_folio): their first unmap_mapping_range pass ran
 * without the folio lock, and a fault or ->map_pages may have mapped the
 * folio since. Every path that installs a PTE for a page-cache folio
 * holds its lock while it checks folio->mapping and sets the entry, so
 * once we hold the lock every entry that will ever point at this folio
 * exists, and this pass takes it. Private copies stay (even_cows 0).
 */
void unmap_mapping_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;

	WARN_ON(!folio_test_locked(folio));
	if (!mapping || !mapping_mapped(mapping))
		return;
	unmap_mapping_range(mapping, (loff_t)folio->index << PAGE_SHIFT, PAGE_SIZE, 0);
}

struct mkclean {
	struct folio *folio;
	bool dirty;		/* some PTE had recorded a write */
};

/* Write-protect and clean v's PTE of the folio, if it maps it. */
static void mkclean_one(struct vm_area_struct *v, struct mkclean *mc)
{
	unsigned long addr = v->vm_start + ((mc->folio->index - v->vm_pgoff) << PAGE_SHIFT);
	unsigned long pfn = page_to_pfn(folio_page(mc->folio, 0));
	struct mm_struct *mm = v->vm_mm;
	pte_t *pte, e;
	bool changed = false;

	if (!(v->vm_flags & VM_SHARED))
		return;	/* private mappings map the cache's pages read-only anyway */
	pte = upte_lookup(mm, addr);
	if (!pte)
		return;
	spin_lock(&mm->page_table_lock);
	e = ptep_get(pte);
	if (pte_present(e) && !pte_protnone(e) && pte_pfn(e) == pfn &&
	    (pte_write(e) || pte_dirty(e))) {
		mc->dirty |= pte_dirty(e);
		set_pte(pte, pte_mkclean(pte_wrprotect(e)));
		changed = true;
	}
	spin_unlock(&mm->page_table_lock);
	if (changed)
		flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);
}

static void mkclean_walk(struct rb_node *n, struct mkclean *mc)
{
	unsigned long index = mc->folio->index;

	while (n) {
		struct vm_area_struct *v = i_mmap_vma(n);

		if (v->shared.subtree_last < index)
			return;
		mkclean_walk(n->rb_left, mc);
		if (v->vm_pgoff > index)
			return;
		if (vma_last_pgoff(v) >= index)
			mkclean_one(v, mc);
		n = n->rb_right;
	}
}

/*
 * Writeback is about to write the locked folio: every shared mapping of it
 * loses write access (so the next write through it goes through
 * ->page_mkwrite and dirties the folio again), and a write a PTE recorded
 * meanwhile is reported (true) so the caller keeps the folio dirty. Linux's
 * folio_mkclean, found through i_mmap instead of a reverse map.
 */
bool folio_mkclean(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	struct mkclean mc = { .folio = folio };

	if (!mapping || !mapping_mapped(mapping))
		return false;
	down_read(&mapping->i_mmap_rwsem);
	mkclean_walk(mapping->i_mmap.rb_node, &mc);
	up_read(&mapping->i_mmap_rwsem);
	return mc.dirty;
}
