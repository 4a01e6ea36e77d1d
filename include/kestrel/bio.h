/*
 * Building, submitting and ending bios (block/bio.c, block/blk-core.c):
 *
 *	struct bio *bio = bio_alloc(bdev, 1, REQ_OP_READ, GFP_KERNEL);
 *	bio->bi_iter.bi_sector = sector;		// 512-byte units
 *	bio_add_page(bio, page, PAGE_SIZE, 0);
 *	bio->bi_end_io = my_end_io;			// runs in interrupt context
 *	bio->bi_private = me;
 *	submit_bio(bio);
 *	...
 *	static void my_end_io(struct bio *bio)
 *	{
 *		int err = blk_status_to_errno(bio->bi_status);
 *		...
 *		bio_put(bio);
 *	}
 *
 * or synchronously: err = submit_bio_wait(bio); bio_put(bio);
 */
#ifndef KESTREL_BIO_H
#define KESTREL_BIO_H

#include <kestrel/blk_types.h>
#include <kestrel/gfp.h>
#include <kestrel/mm.h>

struct folio;

/* ---- walking a bio's memory ---- */

/* The piece of memory iter stands at, cut to the current bio_vec (never crosses a page). */
static inline struct bio_vec bvec_iter_bvec(const struct bio_vec *table, struct bvec_iter iter)
{
	const struct bio_vec *bv = &table[iter.bi_idx];
	unsigned int len = bv->bv_len - iter.bi_bvec_done;

	return (struct bio_vec){
		.bv_page = bv->bv_page,
		.bv_len = len < iter.bi_size ? len : iter.bi_size,
		.bv_offset = bv->bv_offset + iter.bi_bvec_done,
	};
}

/* Move iter bytes forward through table. */
static inline void bvec_iter_advance(const struct bio_vec *table, struct bvec_iter *iter,
				     unsigned int bytes)
{
	iter->bi_sector += bytes >> SECTOR_SHIFT;
	iter->bi_size -= bytes;
	bytes += iter->bi_bvec_done;
	while (bytes && bytes >= table[iter->bi_idx].bv_len) {
		bytes -= table[iter->bi_idx].bv_len;
		iter->bi_idx++;
	}
	iter->bi_bvec_done = bytes;
}

static inline void bio_advance_iter(const struct bio *bio, struct bvec_iter *iter,
				    unsigned int bytes)
{
	bvec_iter_advance(bio->bi_io_vec, iter, bytes);
}

/* Every piece of the part of the bio bi_iter stands for. */
#define __bio_for_each_segment(bvl, bio, iter, start)                                  \
	for (iter = (start);                                                           \
	     (iter).bi_size && ((bvl = bvec_iter_bvec((bio)->bi_io_vec, (iter))), 1);  \
	     bio_advance_iter((bio), &(iter), (bvl).bv_len))
#define bio_for_each_segment(bvl, bio, iter) __bio_for_each_segment(bvl, bio, iter, (bio)->bi_iter)

/* Every bio_vec the bio's owner added (not for clones, whose table is borrowed). */
#define bio_for_each_bvec_all(bvl, bio, i) \
	for (i = 0; i < (bio)->bi_vcnt && ((bvl) = &(bio)->bi_io_vec[i], 1); i++)

static inline unsigned int bio_sectors(const struct bio *bio) { return bio->bi_iter.bi_size >> SECTOR_SHIFT; }
static inline sector_t bio_end_sector(const struct bio *bio) { return bio->bi_iter.bi_sector + bio_sectors(bio); }
static inline bool bio_has_data(const struct bio *bio)
{
	return bio->bi_iter.bi_size && bio_op(bio) != REQ_OP_DISCARD &&
	       bio_op(bio) != REQ_OP_WRITE_ZEROES;
}

/* ---- life of a bio (block/bio.c) ---- */

/* A bio with room for nr_vecs pieces (at most BIO_MAX_VECS), one reference; NULL on failure. */
struct bio *bio_alloc(struct block_device *bdev, unsigned short nr_vecs, blk_opf_t opf, gfp_t gfp);
/* Set up a bio the caller allocated (on the stack, in its own struct) with table as its bio_vecs. */
void bio_init(struct bio *bio, struct block_device *bdev, struct bio_vec *table,
	      unsigned short max_vecs, blk_opf_t opf);
/* Back to the state bio_init left (same table, no pieces), to submit it again. */
void bio_reset(struct bio *bio, struct block_device *bdev, blk_opf_t opf);
static inline void bio_get(struct bio *bio) { atomic_inc(&bio->__bi_cnt); }
/* Drop a reference; the last one frees a bio_alloc'd bio (bio_init'd ones are the caller's). */
void bio_put(struct bio *bio);

/*
 * Append len bytes of page at off. Returns len, or 0 if the bio is full
 * (the caller submits it and starts another). Adjacent bytes of the same
 * page extend the last piece.
 */
int bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int off);
bool bio_add_folio(struct bio *bio, struct folio *folio, size_t len, size_t off);
/* The bytes at [buf, buf + len) of kernel memory (direct-mapped: kmalloc, pages), page by page. */
int bio_add_kernel_buffer(struct bio *bio, void *buf, unsigned int len);

/*
 * End the bio: bi_status is its result. Calls bi_end_io (a chained bio
 * first waits for its children). Any context, interrupts included.
 */
void bio_endio(struct bio *bio);
static inline void bio_io_error(struct bio *bio)
{
	bio->bi_status = BLK_STS_IOERR;
	bio_endio(bio);
}
/* bio's completion becomes part of parent's: parent ends after both (first error wins). */
void bio_chain(struct bio *bio, struct bio *parent);
/*
 * Split off the first sectors of bio as a new bio sharing its table, and
 * advance bio past them. The caller chains or ends the split itself.
 */
struct bio *bio_split(struct bio *bio, unsigned int sectors, gfp_t gfp);
/* Move bio forward by bytes (after a partial completion, or to skip a head). */
static inline void bio_advance(struct bio *bio, unsigned int bytes) { bio_advance_iter(bio, &bio->bi_iter, bytes); }

/* ---- submitting (block/blk-core.c) ---- */

/*
 * Hand the bio to its device. May sleep (waiting for a free request tag)
 * unless REQ_NOWAIT. Errors (beyond the end of the device, a write to a
 * read-only one, an operation the device lacks) end the bio at once.
 */
void submit_bio(struct bio *bio);
/* submit_bio, wait for the end, return its errno (0 on success). Task context. */
int submit_bio_wait(struct bio *bio);

#endif
