/*
 * bios: allocation, adding memory, chaining, splitting and ending
 * (include/kestrel/bio.h).
 *
 * A bio_alloc'd bio and its bio_vec table are one allocation from
 * bio_cachep (the common small bios) or kmalloc (big ones). A split
 * (bio_split) is a clone: its own bvec_iter over its parent's table,
 * which it borrows, so the parent must outlive it; bio_chain makes sure
 * of that by ending the parent only after the clone.
 */
#include <kestrel/atomic.h>
#include <kestrel/bio.h>
#include <kestrel/blkdev.h>
#include <kestrel/completion.h>
#include <kestrel/errno.h>
#include <kestrel/pagemap.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include "blk.h"

#define BIO_INLINE_VECS 4	/* bios this small come from bio_cachep */

static struct kmem_cache *bio_cachep;

void bio_init(struct bio *bio, struct block_device *bdev, struct bio_vec *table,
	      unsigned short max_vecs, blk_opf_t opf)
{
	memset(bio, 0, sizeof(*bio));
	bio->bi_bdev = bdev;
	bio->bi_opf = opf;
	atomic_set(&bio->__bi_remaining, 1);
	atomic_set(&bio->__bi_cnt, 1);
	bio->bi_io_vec = table;
	bio->bi_max_vecs = max_vecs;
}

void bio_reset(struct bio *bio, struct block_device *bdev, blk_opf_t opf)
{
	bio_init(bio, bdev, bio->bi_io_vec, bio->bi_max_vecs, opf);
}

/* Where a bio_alloc'd bio came from: flags high bit, kept across bio_reset by bi_max_vecs. */
static size_t bio_alloc_size(unsigned short nr_vecs)
{
	return sizeof(struct bio) + nr_vecs * sizeof(struct bio_vec);
}

struct bio *bio_alloc(struct block_device *bdev, unsigned short nr_vecs, blk_opf_t opf, gfp_t gfp)
{
	struct bio *bio;

	if (nr_vecs > BIO_MAX_VECS)
		return NULL;
	if (nr_vecs <= BIO_INLINE_VECS) {
		bio = kmem_cache_alloc(bio_cachep, gfp);
		nr_vecs = BIO_INLINE_VECS;
	} else {
		bio = kmalloc(bio_alloc_size(nr_vecs), gfp);
	}
	if (!bio)
		return NULL;
	bio_init(bio, bdev, bio->bi_inline_vecs, nr_vecs, opf);
	return bio;
}

static void bio_free(struct bio *bio)
{
	if (bio->bi_io_vec != bio->bi_inline_vecs && !bio_flagged(bio, BIO_CLONED)) {
		WARN_ON(1);	/* a bio_init'd bio with its own table: not ours to free */
		return;
	}
	if (bio->bi_max_vecs <= BIO_INLINE_VECS)
		kmem_cache_free(bio_cachep, bio);
	else
		kfree(bio);
}

void bio_put(struct bio *bio)
{
	if (!atomic_dec_and_test(&bio->__bi_cnt))
		return;
	/* bio_init'd bios (on the stack, embedded) have a table outside and are the owner's. */
	if (bio->bi_io_vec == bio->bi_inline_vecs || bio_flagged(bio, BIO_CLONED))
		bio_free(bio);
}

int bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int off)
{
	struct bio_vec *bv;

	if (WARN_ON(bio_flagged(bio, BIO_CLONED)) || !len || off + len > PAGE_SIZE)
		return 0;
	if (bio->bi_iter.bi_size > UINT32_MAX - len)
		return 0;
	if (bio->bi_vcnt) {
		bv = &bio->bi_io_vec[bio->bi_vcnt - 1];
		if (bv->bv_page == page && bv->bv_offset + bv->bv_len == off) {
			bv->bv_len += len;
			bio->bi_iter.bi_size += len;
			return len;
		}
	}
	if (bio->bi_vcnt >= bio->bi_max_vecs)
		return 0;
	bv = &bio->bi_io_vec[bio->bi_vcnt++];
	bv->bv_page = page;
	bv->bv_len = len;
	bv->bv_offset = off;
	bio->bi_iter.bi_size += len;
	return len;
}

bool bio_add_folio(struct bio *bio, struct folio *folio, size_t len, size_t off)
{
	return bio_add_page(bio, folio_page(folio, 0), len, off) == (int)len;
}

int bio_add_kernel_buffer(struct bio *bio, void *buf, unsigned int len)
{
	unsigned int done = 0;

	while (done < len) {
		unsigned long addr = (unsigned long)buf + done;
		unsigned int off = addr & (PAGE_SIZE - 1);
		unsigned int n = min(len - done, (unsigned int)(PAGE_SIZE - off));

		if (bio_add_page(bio, virt_to_page((void *)addr), n, off) != (int)n)
			break;
		done += n;
	}
	return done;
}

/* ---------------------------------------------------------------- ending */

static void bio_chain_endio(struct bio *bio)
{
	/* Never called: bio_endio recognises it and walks up to the parent itself. */
	WARN_ON(1);
}

/* The chain's count of unfinished parts: true when bio may end now. */
static bool bio_remaining_done(struct bio *bio)
{
	if (!bio_flagged(bio, BIO_CHAIN))
		return true;
	if (atomic_dec_and_test(&bio->__bi_remaining)) {
		bio_clear_flag(bio, BIO_CHAIN);
		return true;
	}
	return false;
}

void bio_endio(struct bio *bio)
{
	for (;;) {
		struct bio *parent;

		if (!bio_remaining_done(bio))
			return;
		if (bio->bi_end_io != bio_chain_endio)
			break;
		/* A chained child: its result goes to the parent (first error wins), then the parent's turn. */
		parent = bio->bi_private;
		if (bio->bi_status)
			cmpxchg(&parent->bi_status, BLK_STS_OK, bio->bi_status);
		bio_put(bio);
		bio = parent;
	}
	if (bio->bi_end_io)
		bio->bi_end_io(bio);
}

void bio_chain(struct bio *bio, struct bio *parent)
{
	WARN_ON(bio->bi_private || bio->bi_end_io);
	bio->bi_private = parent;
	bio->bi_end_io = bio_chain_endio;
	bio_set_flag(parent, BIO_CHAIN);
	atomic_inc(&parent->__bi_remaining);
}

struct bio *bio_split(struct bio *bio, unsigned int sectors, gfp_t gfp)
{
	struct bio *split;

	if (WARN_ON(!sectors || sectors >= bio_sectors(bio)))
		return NULL;
	split = kmem_cache_alloc(bio_cachep, gfp);
	if (!split)
		return NULL;
	bio_init(split, bio->bi_bdev, bio->bi_io_vec, BIO_INLINE_VECS, bio->bi_opf);
	bio_set_flag(split, BIO_CLONED);
	if (bio_flagged(bio, BIO_REMAPPED))
		bio_set_flag(split, BIO_REMAPPED);
	if (bio_flagged(bio, BIO_QUIET))
		bio_set_flag(split, BIO_QUIET);
	split->bi_iter = bio->bi_iter;
	split->bi_iter.bi_size = sectors << SECTOR_SHIFT;
	split->bi_vcnt = bio->bi_vcnt;
	bio_advance(bio, sectors << SECTOR_SHIFT);
	/* A flush goes with the first part, FUA with the last: the data order is kept. */
	split->bi_opf &= ~REQ_FUA;
	bio->bi_opf &= ~REQ_PREFLUSH;
	return split;
}

/* ---------------------------------------------------------------- waiting */

static void submit_bio_wait_endio(struct bio *bio)
{
	complete(bio->bi_private);
}

int submit_bio_wait(struct bio *bio)
{
	struct completion done;

	init_completion(&done);
	bio->bi_private = &done;
	bio->bi_end_io = submit_bio_wait_endio;
	bio->bi_opf |= REQ_SYNC;
	submit_bio(bio);
	wait_for_completion(&done);
	return blk_status_to_errno(bio->bi_status);
}

void bio_init_cache(void)
{
	bio_cachep = kmem_cache_create("bio", bio_alloc_size(BIO_INLINE_VECS), 0, 0);
	if (!bio_cachep)
		panic("block: no bio cache");
}
