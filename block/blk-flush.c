/*
 * Flush and FUA on a device with a volatile write cache.
 *
 * A write with REQ_PREFLUSH must reach the device after everything that
 * completed before it was made durable; one with REQ_FUA must be durable
 * itself when it completes. A device that does FUA writes natively
 * (QUEUE_FLAG_FUA) gets the FUA flag; otherwise the write is followed by
 * a cache flush. So a bio may become up to three steps, each started
 * when the previous one completed:
 *
 *	PREFLUSH (REQ_OP_FLUSH)  ->  the data  ->  POSTFLUSH (REQ_OP_FLUSH)
 *
 * The data step is a clone of the bio (sharing its memory); the bio
 * itself ends after the last step, with the first error met (a failed
 * step ends the sequence). Steps complete in interrupt context; the next
 * one is submitted from kblockd (submitting may wait for a tag).
 *
 * (submit_bio already stripped both flags when the device has no write
 * cache: nothing to flush.)
 */
#include <kestrel/blk-mq.h>
#include <kestrel/slab.h>
#include "blk.h"

enum flush_step { STEP_PREFLUSH, STEP_DATA, STEP_POSTFLUSH, STEP_DONE };

struct flush_seq {
	struct bio *orig;		/* the bio the caller submitted */
	unsigned int steps;		/* 1 << enum flush_step, still to do */
	blk_status_t status;		/* the first failure */
	struct work_struct work;	/* submits the next step */
};

bool blk_bio_needs_flush_seq(struct request_queue *q, struct bio *bio)
{
	if (bio_op(bio) != REQ_OP_WRITE || !bio->bi_iter.bi_size)
		return false;
	if (bio->bi_opf & REQ_PREFLUSH)
		return true;
	return (bio->bi_opf & REQ_FUA) && !blk_queue_flag(q, QUEUE_FLAG_FUA);
}

static void flush_seq_next(struct flush_seq *seq);

static void flush_seq_step_end(struct bio *bio)
{
	struct flush_seq *seq = bio->bi_private;

	if (bio->bi_status && !seq->status)
		seq->status = bio->bi_status;
	bio_put(bio);
	queue_work(kblockd_workqueue, &seq->work);
}

static void flush_seq_work(struct work_struct *w)
{
	flush_seq_next(container_of(w, struct flush_seq, work));
}

static struct bio *flush_bio(struct flush_seq *seq)
{
	struct bio *bio = bio_alloc(seq->orig->bi_bdev, 0, REQ_OP_FLUSH | REQ_SYNC, GFP_KERNEL);

	if (bio)
		bio_set_flag(bio, BIO_REMAPPED);
	return bio;
}

/* A clone of the data, without the flags this sequence carries out itself. */
static struct bio *data_bio(struct flush_seq *seq)
{
	struct bio *orig = seq->orig, *clone;
	blk_opf_t opf = orig->bi_opf & ~REQ_PREFLUSH;

	if (!blk_queue_flag(orig->bi_bdev->bd_queue, QUEUE_FLAG_FUA))
		opf &= ~REQ_FUA;
	clone = bio_alloc(orig->bi_bdev, 0, opf, GFP_KERNEL);
	if (!clone)
		return NULL;
	clone->bi_io_vec = orig->bi_io_vec;
	clone->bi_vcnt = orig->bi_vcnt;
	clone->bi_iter = orig->bi_iter;
	bio_set_flag(clone, BIO_CLONED);
	bio_set_flag(clone, BIO_REMAPPED);
	if (bio_flagged(orig, BIO_QUIET))
		bio_set_flag(clone, BIO_QUIET);
	return clone;
}

static void flush_seq_next(struct flush_seq *seq)
{
	struct bio *bio = NULL;
	enum flush_step step;

	for (step = STEP_PREFLUSH; step < STEP_DONE && !(seq->steps & (1U << step)); step++)
		;
	if (seq->status)
		step = STEP_DONE;
	if (step == STEP_DONE) {
		seq->orig->bi_status = seq->status;
		bio_endio(seq->orig);
		kfree(seq);
		return;
	}
	seq->steps &= ~(1U << step);
	bio = step == STEP_DATA ? data_bio(seq) : flush_bio(seq);
	if (!bio) {
		seq->status = BLK_STS_RESOURCE;
		flush_seq_next(seq);
		return;
	}
	bio->bi_end_io = flush_seq_step_end;
	bio->bi_private = seq;
	blk_mq_submit_bio(bio);
}

void blk_insert_flush(struct bio *bio)
{
	struct request_queue *q = bio->bi_bdev->bd_queue;
	struct flush_seq *seq = kzalloc(sizeof(*seq), GFP_KERNEL);

	if (!seq) {
		bio->bi_status = BLK_STS_RESOURCE;
		bio_endio(bio);
		return;
	}
	seq->orig = bio;
	INIT_WORK(&seq->work, flush_seq_work);
	seq->steps = 1U << STEP_DATA;
	if (bio->bi_opf & REQ_PREFLUSH)
		seq->steps |= 1U << STEP_PREFLUSH;
	if ((bio->bi_opf & REQ_FUA) && !blk_queue_flag(q, QUEUE_FLAG_FUA))
		seq->steps |= 1U << STEP_POSTFLUSH;
	flush_seq_next(seq);
}
