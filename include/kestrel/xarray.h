/*
 * The page cache's index: a tree mapping page offsets to folios, with
 * per-entry marks (dirty, writeback) so writeback finds dirty folios
 * without visiting clean ones.
 *
 * Only the root is declared here (address_space embeds it); the tree, its
 * marks and the API (xa_load, xa_store, xa_erase, xa_set_mark, ...) are
 * the page-cache helper's (lib/xarray.c), who may add fields. Readers walk
 * the tree under RCU; writers hold xa_lock.
 */
#ifndef KESTREL_XARRAY_H
#define KESTREL_XARRAY_H

#include <kestrel/spinlock.h>

struct xarray {
	spinlock_t xa_lock;	/* protects the tree and its marks for writers */
	unsigned int xa_flags;
	void *xa_head;		/* root node or single entry; NULL: empty */
};

#endif
