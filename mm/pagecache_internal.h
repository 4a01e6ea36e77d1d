/*
 * Shared between the page-cache files of mm/ (filemap.c, readahead.c,
 * page-writeback.c, truncate.c, vmscan.c); not for file systems.
 */
#ifndef KESTREL_MM_PAGECACHE_INTERNAL_H
#define KESTREL_MM_PAGECACHE_INTERNAL_H

#include <kestrel/atomic.h>
#include <kestrel/pagemap.h>
#include <kestrel/printk.h>

/* A broken rule worth a report: the message, then a WARNING with the stack. */
#define pagecache_warn(fmt, ...)                                  \
	do {                                                      \
		pr_err("pagecache: " fmt, ##__VA_ARGS__);        \
		WARN_ON(1);                                       \
	} while (0)

/* Counters behind pagecache_get_stats(). */
extern atomic_long_t nr_file_pages;
extern atomic_long_t nr_dirty_pages;
extern atomic_long_t nr_writeback_pages;

/* filemap.c: wake everyone waiting for bit_nr of folio to clear. */
void folio_wake_bit(struct folio *folio, int bit_nr);
/* filemap.c: look up index and take a reference (xa_lock inside). */
struct folio *filemap_lookup_get(struct address_space *mapping, pgoff_t index);
/* filemap.c: next folio at an index in [*start, end] with tag (or XA_PRESENT), referenced. */
struct folio *filemap_find_get(struct address_space *mapping, pgoff_t *start, pgoff_t end,
			       xa_mark_t tag);

/* page-writeback.c: clear the dirty tag (and its count) with xa_lock held. */
void __folio_clear_dirty_tag(struct address_space *mapping, struct folio *folio);

/* readahead.c: read nr folios from index on (invalidate_lock taken inside). */
void page_cache_ra_unbounded(struct address_space *mapping, struct file *file,
			     struct file_ra_state *ra, pgoff_t index, unsigned long nr);

/* vmscan.c */
void folio_add_lru(struct folio *folio);
void folio_del_lru(struct folio *folio);
extern unsigned long nr_lru_pages;
extern atomic_long_t nr_reclaimed_pages;
void vmscan_init(void);

/* page-writeback.c */
void writeback_init(void);

#endif
