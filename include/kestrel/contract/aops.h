/*
 * The checked calls of address_space_operations: the page cache's calls
 * into a file system (mm/filemap.c, mm/readahead.c, mm/truncate.c,
 * mm/page-writeback.c, mm/vmscan.c). How a rule is checked, and the
 * CONTRACT lines: include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_AOPS_H
#define KESTREL_CONTRACT_AOPS_H

#include <kestrel/contract.h>
#include <kestrel/fs.h>
#include <kestrel/pagemap.h>

/*
 * CONTRACT address_space_operations.writepage | folio locked: yes, unlocks | yes | vfs_call_writepage
 * "The filesystem should unlock the page synchronously, before returning
 * to the caller, unless ->writepage() returns WRITEPAGE_ACTIVATE".
 */
static inline int vfs_call_writepage(struct address_space *mapping, struct folio *folio,
				     struct writeback_control *wbc)
{
	int ret;

	contract_assert_folio_locked("address_space_operations.writepage", folio);
	might_sleep();
	ret = mapping->a_ops->writepage(folio->page, wbc);
	if (ret != WRITEPAGE_ACTIVATE)
		contract_check_unlocked("address_space_operations.writepage", folio);
	return ret;
}

/* CONTRACT address_space_operations.read_folio | folio locked: yes, unlocks; invalidate_lock: shared | yes | vfs_call_read_folio */
static inline int vfs_call_read_folio(struct address_space *mapping, struct file *file,
				      struct folio *folio)
{
	contract_assert_folio_locked("address_space_operations.read_folio", folio);
	lockdep_assert_held_read(&mapping->invalidate_lock);
	might_sleep();
	return mapping->a_ops->read_folio(file, folio);
}

/* CONTRACT address_space_operations.writepages | none | yes | vfs_call_writepages */
static inline int vfs_call_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	might_sleep();
	return mapping->a_ops->writepages(mapping, wbc);
}

/* CONTRACT address_space_operations.dirty_folio | folio locked: maybe | no | vfs_call_dirty_folio */
static inline bool vfs_call_dirty_folio(struct address_space *mapping, struct folio *folio)
{
	return VFS_NOSLEEP(mapping->a_ops->dirty_folio(mapping, folio));
}

/* CONTRACT address_space_operations.readahead | folios locked: yes, unlocks; invalidate_lock: shared | yes | vfs_call_readahead */
static inline void vfs_call_readahead(struct readahead_control *rac)
{
	lockdep_assert_held_read(&rac->mapping->invalidate_lock);
	might_sleep();
	rac->mapping->a_ops->readahead(rac);
}

/* CONTRACT address_space_operations.write_begin | folio: the op locks it; i_rwsem: exclusive | yes | vfs_call_write_begin */
static inline int vfs_call_write_begin(struct file *file, struct address_space *mapping,
				       loff_t pos, unsigned len, struct folio **foliop,
				       void **fsdata)
{
	int ret;

	lockdep_assert_held_write(&mapping->host->i_rwsem);
	might_sleep();
	ret = mapping->a_ops->write_begin(file, mapping, pos, len, foliop, fsdata);
	if (!ret)
		contract_check_returned_locked("address_space_operations.write_begin", *foliop);
	return ret;
}

/*
 * CONTRACT address_space_operations.write_end | folio locked: yes, unlocks; i_rwsem: exclusive | yes | vfs_call_write_end
 * The op also drops write_begin's reference; the cache's keeps the folio
 * alive for the check after it (truncation needs the i_rwsem held here).
 */
static inline int vfs_call_write_end(struct file *file, struct address_space *mapping,
				     loff_t pos, unsigned len, unsigned copied,
				     struct folio *folio, void *fsdata)
{
	int ret;

	contract_assert_folio_locked("address_space_operations.write_end", folio);
	lockdep_assert_held_write(&mapping->host->i_rwsem);
	might_sleep();
	ret = mapping->a_ops->write_end(file, mapping, pos, len, copied, folio, fsdata);
	contract_check_unlocked("address_space_operations.write_end", folio);
	return ret;
}

/* CONTRACT address_space_operations.invalidate_folio | folio locked: yes; invalidate_lock: exclusive | yes | vfs_call_invalidate_folio */
static inline void vfs_call_invalidate_folio(struct address_space *mapping, struct folio *folio,
					     size_t offset, size_t len)
{
	contract_assert_folio_locked("address_space_operations.invalidate_folio", folio);
	lockdep_assert_held_write(&mapping->invalidate_lock);
	might_sleep();
	mapping->a_ops->invalidate_folio(folio, offset, len);
}

/* CONTRACT address_space_operations.release_folio | folio locked: yes | yes | vfs_call_release_folio */
static inline bool vfs_call_release_folio(struct address_space *mapping, struct folio *folio,
					  gfp_t gfp)
{
	bool ret;

	contract_assert_folio_locked("address_space_operations.release_folio", folio);
	/* The spec's text: "The folio is locked and not under writeback." */
	if (folio_test_writeback(folio))
		vfs_contract_violation("address_space_operations.release_folio",
				       "called on a folio under writeback");
	might_sleep();
	ret = mapping->a_ops->release_folio(folio, gfp);
	contract_check_returned_locked("address_space_operations.release_folio", folio);
	return ret;
}

/* CONTRACT address_space_operations.free_folio | folio locked: yes | no | vfs_call_free_folio */
static inline void vfs_call_free_folio(const struct address_space_operations *a_ops,
				       struct folio *folio)
{
	contract_assert_folio_locked("address_space_operations.free_folio", folio);
	VFS_NOSLEEP_VOID(a_ops->free_folio(folio));
}

/* CONTRACT address_space_operations.launder_folio | folio locked: yes | yes | vfs_call_launder_folio */
static inline int vfs_call_launder_folio(struct address_space *mapping, struct folio *folio)
{
	contract_assert_folio_locked("address_space_operations.launder_folio", folio);
	might_sleep();
	return mapping->a_ops->launder_folio(folio);
}

/* CONTRACT address_space_operations.is_partially_uptodate | folio locked: yes | yes | vfs_call_is_partially_uptodate */
static inline bool vfs_call_is_partially_uptodate(struct address_space *mapping,
						  struct folio *folio, size_t from, size_t count)
{
	contract_assert_folio_locked("address_space_operations.is_partially_uptodate", folio);
	might_sleep();
	return mapping->a_ops->is_partially_uptodate(folio, from, count);
}

#endif
