/*
 * The block layer's basic types (Linux's include/linux/blk_types.h and
 * bvec.h): sectors, operations and flags, status codes, struct bio_vec,
 * struct bvec_iter and struct bio. docs/block.md tells a bio's story.
 */
#ifndef KESTREL_BLK_TYPES_H
#define KESTREL_BLK_TYPES_H

#include <kestrel/atomic.h>
#include <kestrel/bitops.h>
#include <kestrel/compiler.h>
#include <kestrel/types.h>

struct bio;
struct block_device;
struct page;

typedef u64 sector_t;			/* a 512-byte unit, whatever the device's block size */
#define SECTOR_SHIFT 9
#define SECTOR_SIZE (1 << SECTOR_SHIFT)

/* ---- completion status (blk_status_to_errno maps them) ---- */
typedef u8 blk_status_t;
#define BLK_STS_OK 0
#define BLK_STS_NOTSUPP 1		/* -EOPNOTSUPP: the device cannot do this op */
#define BLK_STS_TIMEOUT 2		/* -ETIMEDOUT */
#define BLK_STS_NOSPC 3			/* -ENOSPC */
#define BLK_STS_TRANSPORT 4		/* -ENOLINK */
#define BLK_STS_TARGET 5		/* -EREMOTEIO */
#define BLK_STS_MEDIUM 7		/* -ENODATA: unreadable medium */
#define BLK_STS_PROTECTION 8		/* -EILSEQ */
#define BLK_STS_RESOURCE 9		/* -ENOMEM; from ->queue_rq: busy, retry later */
#define BLK_STS_IOERR 10		/* -EIO */
#define BLK_STS_AGAIN 12		/* -EAGAIN */
#define BLK_STS_DEV_RESOURCE 13		/* ->queue_rq: device busy, its completion reruns the queue */

int blk_status_to_errno(blk_status_t status);
blk_status_t errno_to_blk_status(int errno);
const char *blk_status_name(blk_status_t status);

/* ---- operations and flags: bio->bi_opf and request->cmd_flags ---- */
typedef u32 blk_opf_t;

enum req_op {
	REQ_OP_READ = 0,
	REQ_OP_WRITE = 1,
	REQ_OP_FLUSH = 2,		/* write the device's volatile cache to the medium */
	REQ_OP_DISCARD = 3,
	REQ_OP_WRITE_ZEROES = 9,
	REQ_OP_DRV_IN = 34,		/* driver-private command, data from the device */
	REQ_OP_DRV_OUT = 35,		/* driver-private command, data to the device */
};
#define REQ_OP_BITS 8
#define REQ_OP_MASK ((1U << REQ_OP_BITS) - 1)

#define REQ_FAILFAST_DEV (1U << 8)
#define REQ_SYNC (1U << 11)		/* a task waits for it */
#define REQ_META (1U << 12)		/* file-system metadata */
#define REQ_PRIO (1U << 13)
#define REQ_NOMERGE (1U << 14)		/* never merge it with another */
#define REQ_IDLE (1U << 15)
#define REQ_FUA (1U << 17)		/* forced unit access: on the medium when it completes */
#define REQ_PREFLUSH (1U << 18)		/* flush the volatile cache before the data */
#define REQ_RAHEAD (1U << 19)		/* readahead: may fail quietly */
#define REQ_BACKGROUND (1U << 20)	/* writeback */
#define REQ_NOWAIT (1U << 21)		/* fail with BLK_STS_AGAIN instead of waiting for a tag */

static inline enum req_op op_of(blk_opf_t opf) { return (enum req_op)(opf & REQ_OP_MASK); }
/* Odd operations write. */
static inline bool op_is_write(blk_opf_t op) { return op & 1; }
static inline bool op_is_flush(blk_opf_t op) { return op & (REQ_FUA | REQ_PREFLUSH); }
static inline bool op_is_sync(blk_opf_t op)
{
	return op_of(op) == REQ_OP_READ || (op & (REQ_SYNC | REQ_FUA | REQ_PREFLUSH));
}
/* "READ", "WRITE", "FLUSH", ... for log lines. */
const char *blk_op_str(enum req_op op);

/* ---- one piece of a bio's memory ---- */
/*
 * A bio_vec never crosses a page: bv_offset + bv_len <= PAGE_SIZE. The
 * DMA mapping (blk_rq_map_sg) joins physically contiguous pieces.
 */
struct bio_vec {
	struct page *bv_page;
	unsigned int bv_len;
	unsigned int bv_offset;
};

/*
 * Where a walk over a bio stands: the device sector it has reached, the
 * bytes left, and the bio_vec index and offset into it. A bio's bi_iter
 * is the part of its bio_vec table it still stands for (a split moves it).
 */
struct bvec_iter {
	sector_t bi_sector;
	unsigned int bi_size;		/* bytes left */
	unsigned int bi_idx;		/* current index into bi_io_vec */
	unsigned int bi_bvec_done;	/* bytes done in the current bio_vec */
};

typedef void(bio_end_io_t)(struct bio *);

/* bio->bi_flags bits */
enum {
	BIO_CLONED,		/* shares another bio's bio_vec table (a split) */
	BIO_CHAIN,		/* __bi_remaining counts chained children */
	BIO_QUIET,		/* do not log its failure */
	BIO_REMAPPED,		/* bi_sector is already relative to the whole disk */
};

/*
 * An I/O in flight: which device, where (bi_iter.bi_sector, 512-byte
 * units), how much, and which memory (the bio_vec table). The submitter
 * fills it, submit_bio() hands it down, the driver's completion ends it
 * with bio_endio(), which calls bi_end_io, from interrupt context.
 *
 * Locks used to protect struct members:
 *	[a] atomic
 *	[c] constant after bio_init/bio_alloc
 *	[w] the bio's owner, one at a time: the submitter until submit_bio,
 *	    then the block layer and the driver, then bi_end_io
 */
struct bio {
	struct bio *bi_next;		/* [w] next bio of the same request */
	struct block_device *bi_bdev;	/* [w] the device (maybe a partition) it was submitted to */
	blk_opf_t bi_opf;		/* [w] REQ_OP_* | REQ_* flags */
	unsigned long bi_flags;		/* [a] BIO_* bits, atomic bitops */
	blk_status_t bi_status;		/* [a] set before bi_end_io runs (chained children: cmpxchg) */
	atomic_t __bi_remaining;	/* [a] 1 + chained children not yet ended */
	struct bvec_iter bi_iter;	/* [w] */
	bio_end_io_t *bi_end_io;	/* [w] */
	void *bi_private;		/* [w] */
	unsigned short bi_vcnt;		/* [w] bio_vecs in use */
	unsigned short bi_max_vecs;	/* [c] room in bi_io_vec */
	atomic_t __bi_cnt;		/* [a] references: bio_get/bio_put */
	struct bio_vec *bi_io_vec;	/* [c] the table (bi_inline_vecs, or a clone's parent's) */
	struct bio_vec bi_inline_vecs[];	/* [w] */
};

#define BIO_MAX_VECS 256

static inline bool bio_flagged(const struct bio *bio, unsigned int bit)
{
	return test_bit(bit, &bio->bi_flags);
}
static inline void bio_set_flag(struct bio *bio, unsigned int bit)
{
	set_bit(bit, &bio->bi_flags);
}
static inline void bio_clear_flag(struct bio *bio, unsigned int bit)
{
	clear_bit(bit, &bio->bi_flags);
}

static inline enum req_op bio_op(const struct bio *bio) { return op_of(bio->bi_opf); }
static inline bool bio_data_dir_write(const struct bio *bio) { return op_is_write(bio->bi_opf); }

#endif
