/*
 * The request queue (include/kestrel/blk-mq.h says the driver's side;
 * docs/block.md follows a bio through it).
 *
 * blk_mq_submit_bio:
 *   1. cut the bio to the queue's limits (bio_split + bio_chain);
 *   2. merge it into a request that is not yet on the device: one in
 *      the task's plug, or one waiting on the hardware queue's dispatch
 *      list (adjacent sectors, same operation, limits kept);
 *   3. otherwise take a tag on the submitting CPU's hardware queue (the
 *      only place the submitter may sleep: all tags busy), make a request
 *      of the bio, and put it in the plug or on the dispatch list and run
 *      the queue: ->queue_rq for every waiting request, under hctx->lock.
 * The driver completes requests (blk_mq_complete_request -> ->complete ->
 * blk_mq_end_request), usually from its interrupt handler: the bios end
 * there, the tag is freed (waking a submitter waiting for one) and the
 * queue runs again for what waited.
 *
 * A request's life: IDLE (allocated, maybe plugged or waiting), IN_FLIGHT
 * (blk_mq_start_request: the device has it, the timeout clock runs),
 * COMPLETE (blk_mq_complete_request won the race against a reset or
 * timeout), then freed. rq->ref keeps a request from being reused while
 * the timeout handler or a tag-set walk looks at it.
 */
#include <kestrel/blk-mq.h>
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include "blk.h"

struct blk_mq_tags {
	spinlock_t lock;		/* bitmap, nr_busy; irq-safe (freed from completions) */
	unsigned int nr_tags;		/* [c] */
	unsigned long *bitmap;		/* [lock] busy tags */
	unsigned int nr_busy;		/* [lock] */
	struct request **rqs;		/* [c] the request of each tag */
	atomic_t *refs;			/* [a] per tag: 0 free, 1 allocated, more while looked at */
	wait_queue_head_t wait;		/* submitters waiting for a free tag */
};

struct workqueue_struct *kblockd_workqueue;

static size_t rq_size(const struct blk_mq_tag_set *set)
{
	return ALIGN(sizeof(struct request) + set->cmd_size, 16);
}

/* ---------------------------------------------------------------- tag sets */

static void free_tags(struct blk_mq_tag_set *set, struct blk_mq_tags *tags)
{
	if (!tags)
		return;
	if (tags->rqs)
		for (unsigned int i = 0; i < tags->nr_tags; i++)
			kfree(tags->rqs[i]);
	kfree(tags->rqs);
	kfree(tags->refs);
	kfree(tags->bitmap);
	kfree(tags);
}

static struct blk_mq_tags *alloc_tags(struct blk_mq_tag_set *set, unsigned int hctx_idx)
{
	struct blk_mq_tags *tags = kzalloc(sizeof(*tags), GFP_KERNEL);
	unsigned int n = set->queue_depth;

	if (!tags)
		return NULL;
	spin_lock_init(&tags->lock);
	init_waitqueue_head(&tags->wait);
	tags->nr_tags = n;
	tags->bitmap = kcalloc(DIV_ROUND_UP(n, 64), sizeof(unsigned long), GFP_KERNEL);
	tags->rqs = kcalloc(n, sizeof(struct request *), GFP_KERNEL);
	tags->refs = kcalloc(n, sizeof(atomic_t), GFP_KERNEL);
	if (!tags->bitmap || !tags->rqs || !tags->refs)
		goto fail;
	for (unsigned int i = 0; i < n; i++) {
		struct request *rq = kzalloc(rq_size(set), GFP_KERNEL);

		if (!rq)
			goto fail;
		tags->rqs[i] = rq;
		rq->tag = i;
		INIT_LIST_HEAD(&rq->queuelist);
		if (set->ops->init_request && set->ops->init_request(set, rq, hctx_idx, 0))
			goto fail;
	}
	return tags;
fail:
	free_tags(set, tags);
	return NULL;
}

int blk_mq_alloc_tag_set(struct blk_mq_tag_set *set)
{
	if (!set->ops || !set->ops->queue_rq || !set->nr_hw_queues || !set->queue_depth)
		return -EINVAL;
	if (set->nr_hw_queues > NR_CPUS)
		set->nr_hw_queues = NR_CPUS;
	set->tags = kcalloc(set->nr_hw_queues, sizeof(*set->tags), GFP_KERNEL);
	if (!set->tags)
		return -ENOMEM;
	for (unsigned int i = 0; i < set->nr_hw_queues; i++) {
		set->tags[i] = alloc_tags(set, i);
		if (!set->tags[i]) {
			blk_mq_free_tag_set(set);
			return -ENOMEM;
		}
	}
	return 0;
}

void blk_mq_free_tag_set(struct blk_mq_tag_set *set)
{
	if (!set->tags)
		return;
	for (unsigned int i = 0; i < set->nr_hw_queues; i++)
		free_tags(set, set->tags[i]);
	kfree(set->tags);
	set->tags = NULL;
}

struct request *blk_mq_tag_to_rq(struct blk_mq_tags *tags, unsigned int tag)
{
	return tag < tags->nr_tags ? tags->rqs[tag] : NULL;
}

/* A free tag of tags, or -1. */
static int get_tag(struct blk_mq_tags *tags)
{
	unsigned long flags;
	int tag = -1;

	spin_lock_irqsave(&tags->lock, flags);
	for (unsigned int w = 0; w < DIV_ROUND_UP(tags->nr_tags, 64) && tag < 0; w++) {
		unsigned long free = ~tags->bitmap[w];
		unsigned int bit;

		if (!free)
			continue;
		bit = __builtin_ctzl(free);
		if (w * 64 + bit >= tags->nr_tags)
			break;
		tags->bitmap[w] |= 1UL << bit;
		tags->nr_busy++;
		tag = w * 64 + bit;
	}
	spin_unlock_irqrestore(&tags->lock, flags);
	return tag;
}

static bool tags_has_free(struct blk_mq_tags *tags)
{
	return READ_ONCE(tags->nr_busy) < tags->nr_tags;
}

static void put_tag(struct blk_mq_tags *tags, unsigned int tag)
{
	unsigned long flags;

	spin_lock_irqsave(&tags->lock, flags);
	tags->bitmap[tag / 64] &= ~(1UL << (tag % 64));
	tags->nr_busy--;
	spin_unlock_irqrestore(&tags->lock, flags);
	wake_up(&tags->wait);
}

/* ---------------------------------------------------------------- queues */

struct blk_mq_hw_ctx *blk_mq_map_queue(struct request_queue *q, unsigned int cpu)
{
	return q->queue_hw_ctx[cpu % q->nr_hw_queues];
}

static void blk_mq_timeout_timer(struct timer_list *t);
static void blk_mq_timeout_work(struct work_struct *w);
static void blk_mq_requeue_work(struct work_struct *w);

struct request_queue *blk_mq_alloc_queue(struct blk_mq_tag_set *set, void *queuedata)
{
	struct request_queue *q = kzalloc(sizeof(*q), GFP_KERNEL);

	if (!q)
		return NULL;
	blk_set_default_limits(&q->limits);
	q->mq_ops = set->ops;
	q->tag_set = set;
	q->queuedata = queuedata;
	q->nr_hw_queues = set->nr_hw_queues;
	q->rq_timeout = set->timeout ? set->timeout : BLK_DEFAULT_TIMEOUT;
	spin_lock_init(&q->timeout_lock);
	timer_setup(&q->timeout, blk_mq_timeout_timer, 0);
	INIT_WORK(&q->timeout_work, blk_mq_timeout_work);
	INIT_LIST_HEAD(&q->requeue_list);
	INIT_WORK(&q->requeue_work, blk_mq_requeue_work);
	if (set->flags & BLK_MQ_F_SHOULD_MERGE)
		;	/* merging is the default */
	else
		blk_queue_flag_set(QUEUE_FLAG_NOMERGES, q);
	q->queue_hw_ctx = kcalloc(q->nr_hw_queues, sizeof(*q->queue_hw_ctx), GFP_KERNEL);
	if (!q->queue_hw_ctx)
		goto fail;
	for (unsigned int i = 0; i < q->nr_hw_queues; i++) {
		struct blk_mq_hw_ctx *hctx = kzalloc(sizeof(*hctx), GFP_KERNEL);

		if (!hctx)
			goto fail;
		q->queue_hw_ctx[i] = hctx;
		spin_lock_init(&hctx->lock);
		INIT_LIST_HEAD(&hctx->dispatch);
		hctx->queue = q;
		hctx->tags = set->tags[i];
		hctx->queue_num = i;
		for (unsigned int t = 0; t < hctx->tags->nr_tags; t++) {
			hctx->tags->rqs[t]->q = q;
			hctx->tags->rqs[t]->mq_hctx = hctx;
		}
		if (set->ops->init_hctx && set->ops->init_hctx(hctx, set->driver_data, i))
			goto fail;
	}
	return q;
fail:
	blk_mq_free_queue(q);
	return NULL;
}

void blk_mq_free_queue(struct request_queue *q)
{
	del_timer_sync(&q->timeout);
	cancel_work_sync(&q->timeout_work);
	cancel_work_sync(&q->requeue_work);
	if (q->queue_hw_ctx)
		for (unsigned int i = 0; i < q->nr_hw_queues; i++)
			kfree(q->queue_hw_ctx[i]);
	kfree(q->queue_hw_ctx);
	kfree(q);
}

struct gendisk *blk_mq_alloc_disk(struct blk_mq_tag_set *set, void *queuedata)
{
	struct request_queue *q = blk_mq_alloc_queue(set, queuedata);
	struct gendisk *disk;

	if (!q)
		return ERR_PTR(-ENOMEM);
	disk = blk_alloc_disk_for_queue(q);
	if (IS_ERR(disk))
		blk_mq_free_queue(q);
	return disk;
}

/* ---------------------------------------------------------------- requests */

/* Take a reference on an allocated request (false: it is free). */
static bool rq_tryget_ref(struct request *rq)
{
	return atomic_inc_not_zero(&rq->mq_hctx->tags->refs[rq->tag]);
}

static void __blk_mq_free_request(struct request *rq)
{
	struct blk_mq_hw_ctx *hctx = rq->mq_hctx;

	rq->bio = rq->biotail = NULL;
	rq->end_io = NULL;
	rq->end_io_data = NULL;
	rq->rq_flags = 0;
	smp_store_release(&rq->state, MQ_RQ_IDLE);
	put_tag(hctx->tags, rq->tag);
}

/* Drop a reference; the last one frees the tag. */
static void rq_put_ref(struct request *rq)
{
	if (atomic_dec_and_test(&rq->mq_hctx->tags->refs[rq->tag]))
		__blk_mq_free_request(rq);
}

/*
 * A free request on the hardware queue of this CPU, or NULL when every
 * tag is busy and nowait. Sleeping here sends the task's plug first
 * (schedule() does it): plugged requests hold tags too.
 */
static struct request *blk_mq_get_request(struct request_queue *q, bool nowait)
{
	for (;;) {
		struct blk_mq_hw_ctx *hctx = blk_mq_map_queue(q, smp_processor_id());
		int tag = get_tag(hctx->tags);

		if (tag >= 0) {
			struct request *rq = hctx->tags->rqs[tag];

			atomic_set(&hctx->tags->refs[tag], 1);
			return rq;
		}
		if (nowait)
			return NULL;
		wait_event(hctx->tags->wait, tags_has_free(hctx->tags));
	}
}

static void blk_rq_init_from_bio(struct request *rq, struct bio *bio)
{
	rq->cmd_flags = bio->bi_opf;
	rq->rq_flags = 0;
	if (bio_flagged(bio, BIO_QUIET) || (bio->bi_opf & REQ_RAHEAD))
		rq->rq_flags |= RQF_QUIET;
	rq->__sector = bio->bi_iter.bi_sector;
	rq->__data_len = bio->bi_iter.bi_size;
	rq->bio = rq->biotail = bio;
	bio->bi_next = NULL;
	rq->part = bio->bi_bdev;
	rq->nr_phys_segments = bio_nr_segments(bio);
	rq->start_time_ns = ktime_get_ns();
	rq->end_io = NULL;
	rq->end_io_data = NULL;
	INIT_LIST_HEAD(&rq->queuelist);
}

/* ---------------------------------------------------------------- dispatch */

/*
 * Offer every waiting request of hctx to ->queue_rq, under hctx->lock.
 * A request the device cannot take now goes back to the head and waits
 * for the next completion; one it refuses for good is ended afterwards,
 * outside the lock (ending runs the queue).
 *
 * Whoever wants the queue run sets BLK_MQ_S_RUN and tries the lock; if
 * someone holds it (another CPU dispatching, or this very dispatch: a
 * driver may complete a request from inside ->queue_rq), the holder sees
 * the bit when it is done and dispatches again. So a completion never
 * waits for the lock, and never takes it twice.
 */
static void blk_mq_run_hw_queue(struct blk_mq_hw_ctx *hctx)
{
	struct request_queue *q = hctx->queue;
	unsigned long flags;

	set_bit(BLK_MQ_S_RUN, &hctx->state);
	smp_mb__after_atomic();	/* the bit before the trylock: a holder that fails us sees it */
	while (test_bit_acquire(BLK_MQ_S_RUN, &hctx->state)) {
		LIST_HEAD(failed);
		struct request *rq, *n;
		bool need_commit = false;

		if (!spin_trylock_irqsave(&hctx->lock, flags))
			return;	/* the holder runs it again: it checks the bit after unlocking */
		clear_bit(BLK_MQ_S_RUN, &hctx->state);
		while (!list_empty(&hctx->dispatch) &&
		       !test_bit_acquire(BLK_MQ_S_STOPPED, &hctx->state) &&
		       !blk_queue_flag(q, QUEUE_FLAG_QUIESCED)) {
			struct blk_mq_queue_data bd;
			blk_status_t ret;

			rq = list_first_entry(&hctx->dispatch, struct request, queuelist);
			list_del_init(&rq->queuelist);
			bd.rq = rq;
			bd.last = list_empty(&hctx->dispatch);
			ret = q->mq_ops->queue_rq(hctx, &bd);
			if (ret == BLK_STS_OK) {
				hctx->queued++;
				need_commit = !bd.last;
				continue;
			}
			if (ret == BLK_STS_RESOURCE || ret == BLK_STS_DEV_RESOURCE) {
				/* Not on the device after all: it waits, unstarted, for a completion. */
				smp_store_release(&rq->state, MQ_RQ_IDLE);
				rq->rq_flags &= ~RQF_STARTED;
				list_add(&rq->queuelist, &hctx->dispatch);
				need_commit = true;
				break;
			}
			list_add_tail(&rq->queuelist, &failed);
		}
		if (need_commit && q->mq_ops->commit_rqs)
			q->mq_ops->commit_rqs(hctx);
		spin_unlock_irqrestore(&hctx->lock, flags);
		/* The unlock before the bit test: a runner whose trylock failed set it before. */
		smp_mb();
		list_for_each_entry_safe(rq, n, &failed, queuelist) {
			list_del_init(&rq->queuelist);
			blk_mq_end_request(rq, BLK_STS_IOERR);
		}
	}
}

void blk_mq_run_hw_queues(struct request_queue *q, bool async)
{
	for (unsigned int i = 0; i < q->nr_hw_queues; i++)
		blk_mq_run_hw_queue(q->queue_hw_ctx[i]);
}

static void blk_mq_insert_request(struct request *rq, bool at_head)
{
	struct blk_mq_hw_ctx *hctx = rq->mq_hctx;
	unsigned long flags;

	spin_lock_irqsave(&hctx->lock, flags);
	if (at_head)
		list_add(&rq->queuelist, &hctx->dispatch);
	else
		list_add_tail(&rq->queuelist, &hctx->dispatch);
	spin_unlock_irqrestore(&hctx->lock, flags);
}

void blk_mq_flush_plug_list(struct blk_plug *plug, bool from_schedule)
{
	struct blk_mq_hw_ctx *run[8];
	unsigned int nr_run = 0;
	LIST_HEAD(list);
	struct request *rq, *n;

	list_splice_init(&plug->mq_list, &list);
	plug->rq_count = 0;
	list_for_each_entry_safe(rq, n, &list, queuelist) {
		struct blk_mq_hw_ctx *hctx = rq->mq_hctx;
		unsigned int i;

		list_del_init(&rq->queuelist);
		blk_mq_insert_request(rq, false);
		for (i = 0; i < nr_run && run[i] != hctx; i++)
			;
		if (i == nr_run) {
			if (nr_run == ARRAY_SIZE(run))
				blk_mq_run_hw_queue(run[--nr_run]);
			run[nr_run++] = hctx;
		}
	}
	for (unsigned int i = 0; i < nr_run; i++)
		blk_mq_run_hw_queue(run[i]);
}

/* Merge into a request still waiting on the queue (not yet on the device). */
static bool blk_mq_dispatch_merge(struct request_queue *q, struct bio *bio)
{
	struct blk_mq_hw_ctx *hctx = blk_mq_map_queue(q, smp_processor_id());
	struct request *rq;
	unsigned long flags;
	bool merged = false;

	spin_lock_irqsave(&hctx->lock, flags);
	list_for_each_entry_reverse(rq, &hctx->dispatch, queuelist) {
		if (blk_attempt_bio_merge(rq, bio)) {
			merged = true;
			break;
		}
	}
	spin_unlock_irqrestore(&hctx->lock, flags);
	return merged;
}

static bool blk_mq_plug_merge(struct blk_plug *plug, struct request_queue *q, struct bio *bio)
{
	struct request *rq;

	list_for_each_entry_reverse(rq, &plug->mq_list, queuelist)
		if (rq->q == q && blk_attempt_bio_merge(rq, bio))
			return true;
	return false;
}

/* One bio that fits the limits: merge it, or make it a request. */
static void blk_mq_submit_one(struct request_queue *q, struct bio *bio)
{
	struct blk_plug *plug = current->plug;
	bool mergeable = !blk_queue_flag(q, QUEUE_FLAG_NOMERGES) && bio_has_data(bio);
	struct request *rq;

	if (mergeable && plug && blk_mq_plug_merge(plug, q, bio))
		return;
	if (mergeable && blk_mq_dispatch_merge(q, bio))
		return;
	rq = blk_mq_get_request(q, bio->bi_opf & REQ_NOWAIT);
	if (!rq) {
		bio->bi_status = BLK_STS_AGAIN;
		bio_endio(bio);
		return;
	}
	blk_rq_init_from_bio(rq, bio);
	blk_account_io_start(rq);
	if (plug && current->plug == plug) {
		list_add_tail(&rq->queuelist, &plug->mq_list);
		if (++plug->rq_count >= BLK_MAX_REQUEST_COUNT)
			blk_flush_plug(plug, false);
		return;
	}
	blk_mq_insert_request(rq, false);
	blk_mq_run_hw_queue(rq->mq_hctx);
}

void blk_mq_submit_bio(struct bio *bio)
{
	struct request_queue *q = bio->bi_bdev->bd_queue;
	unsigned int sectors;

	/* Linux's empty flush: a write with REQ_PREFLUSH and no data. */
	if (bio_op(bio) == REQ_OP_WRITE && !bio->bi_iter.bi_size && (bio->bi_opf & REQ_PREFLUSH))
		bio->bi_opf = (bio->bi_opf & ~(REQ_OP_MASK | REQ_PREFLUSH | REQ_FUA)) | REQ_OP_FLUSH;
	if (blk_bio_needs_flush_seq(q, bio)) {
		blk_insert_flush(bio);
		return;
	}
	while ((sectors = bio_split_sectors(q, bio)) != 0) {
		struct bio *split = bio_split(bio, sectors, GFP_KERNEL);

		if (!split) {
			bio->bi_status = BLK_STS_RESOURCE;
			bio_endio(bio);
			return;
		}
		bio_chain(split, bio);
		blk_mq_submit_one(q, split);
	}
	blk_mq_submit_one(q, bio);
}

/* ---------------------------------------------------------------- the driver's calls */

void blk_mq_start_request(struct request *rq)
{
	struct request_queue *q = rq->q;
	unsigned long flags;

	rq->deadline = jiffies + q->rq_timeout;
	rq->rq_flags |= RQF_STARTED;
	rq->rq_flags &= ~RQF_TIMED_OUT;
	smp_store_release(&rq->state, MQ_RQ_IN_FLIGHT);
	spin_lock_irqsave(&q->timeout_lock, flags);
	if (!timer_pending(&q->timeout))
		mod_timer(&q->timeout, rq->deadline + 1);
	spin_unlock_irqrestore(&q->timeout_lock, flags);
}

/* Linux's one line per failed request; the sector is the request's first, on the disk. */
static void blk_print_req_error(struct request *rq, blk_status_t status)
{
	pr_err("%s error, dev %s, sector %llu op 0x%x:(%s) flags 0x%x phys_seg %u prio class 0\n",
	       blk_status_name(status), rq->q->disk ? rq->q->disk->disk_name : "?",
	       (unsigned long long)blk_rq_pos(rq), req_op(rq), blk_op_str(req_op(rq)),
	       rq->cmd_flags & ~REQ_OP_MASK, rq->nr_phys_segments);
}

void blk_mq_end_request(struct request *rq, blk_status_t status)
{
	struct blk_mq_hw_ctx *hctx = rq->mq_hctx;
	struct bio *bio = rq->bio;

	if (status && !(rq->rq_flags & RQF_QUIET))
		blk_print_req_error(rq, status);
	if (rq->part)
		blk_account_io_done(rq, ktime_get_ns());
	if (rq->end_io) {
		rq->end_io(rq, status);
	} else {
		while (bio) {
			struct bio *next = bio->bi_next;

			bio->bi_next = NULL;
			if (status)
				bio->bi_status = status;
			bio_endio(bio);
			bio = next;
		}
	}
	rq->bio = rq->biotail = NULL;
	rq->part = NULL;
	rq_put_ref(rq);
	/*
	 * A request that waited for this slot on the device may go now. Under
	 * hctx->lock: a dispatcher that just found the device full puts its
	 * request back under that lock, so we see it.
	 */
	blk_mq_run_hw_queue(hctx);
}

bool blk_mq_complete_request(struct request *rq)
{
	/* Only one completion wins: the interrupt's, or the timeout's. */
	if (cmpxchg(&rq->state, MQ_RQ_IN_FLIGHT, MQ_RQ_COMPLETE) != MQ_RQ_IN_FLIGHT)
		return false;
	if (rq->q->mq_ops->complete)
		rq->q->mq_ops->complete(rq);
	else
		blk_mq_end_request(rq, BLK_STS_OK);
	return true;
}

void blk_mq_requeue_request(struct request *rq, bool kick_requeue_list)
{
	struct request_queue *q = rq->q;
	unsigned long flags;

	smp_store_release(&rq->state, MQ_RQ_IDLE);
	rq->rq_flags &= ~(RQF_STARTED | RQF_TIMED_OUT);
	spin_lock_irqsave(&q->timeout_lock, flags);
	list_add_tail(&rq->queuelist, &q->requeue_list);
	spin_unlock_irqrestore(&q->timeout_lock, flags);
	if (kick_requeue_list)
		blk_mq_kick_requeue_list(q);
}

void blk_mq_kick_requeue_list(struct request_queue *q)
{
	queue_work(kblockd_workqueue, &q->requeue_work);
}

static void blk_mq_requeue_work(struct work_struct *w)
{
	struct request_queue *q = container_of(w, struct request_queue, requeue_work);
	struct request *rq, *n;
	unsigned long flags;
	LIST_HEAD(list);

	spin_lock_irqsave(&q->timeout_lock, flags);
	list_splice_init(&q->requeue_list, &list);
	spin_unlock_irqrestore(&q->timeout_lock, flags);
	/* Back at the head, in their old order: they were on the device first. */
	list_for_each_entry_safe_reverse(rq, n, &list, queuelist) {
		list_del_init(&rq->queuelist);
		blk_mq_insert_request(rq, true);
	}
	blk_mq_run_hw_queues(q, false);
}

void blk_mq_stop_hw_queue(struct blk_mq_hw_ctx *hctx)
{
	set_bit(BLK_MQ_S_STOPPED, &hctx->state);
}

void blk_mq_start_stopped_hw_queues(struct request_queue *q, bool async)
{
	for (unsigned int i = 0; i < q->nr_hw_queues; i++) {
		struct blk_mq_hw_ctx *hctx = q->queue_hw_ctx[i];

		if (test_bit_acquire(BLK_MQ_S_STOPPED, &hctx->state)) {
			clear_bit(BLK_MQ_S_STOPPED, &hctx->state);
			blk_mq_run_hw_queue(hctx);
		}
	}
}

void blk_mq_quiesce_queue(struct request_queue *q)
{
	unsigned long flags;

	blk_queue_flag_set(QUEUE_FLAG_QUIESCED, q);
	/* ->queue_rq runs under hctx->lock: taking it waits out a running one. */
	for (unsigned int i = 0; i < q->nr_hw_queues; i++) {
		spin_lock_irqsave(&q->queue_hw_ctx[i]->lock, flags);
		spin_unlock_irqrestore(&q->queue_hw_ctx[i]->lock, flags);
	}
}

void blk_mq_unquiesce_queue(struct request_queue *q)
{
	blk_queue_flag_clear(QUEUE_FLAG_QUIESCED, q);
	blk_mq_run_hw_queues(q, false);
}

void blk_mq_tagset_busy_iter(struct blk_mq_tag_set *set,
			     bool (*fn)(struct request *rq, void *data), void *data)
{
	for (unsigned int i = 0; i < set->nr_hw_queues; i++) {
		struct blk_mq_tags *tags = set->tags[i];

		for (unsigned int t = 0; t < tags->nr_tags; t++) {
			struct request *rq = tags->rqs[t];
			bool go_on;

			if (!rq_tryget_ref(rq))
				continue;
			go_on = true;
			if (smp_load_acquire(&rq->state) == MQ_RQ_IN_FLIGHT)
				go_on = fn(rq, data);
			rq_put_ref(rq);
			if (!go_on)
				return;
		}
	}
}

/* ---------------------------------------------------------------- timeouts */

static void blk_mq_timeout_timer(struct timer_list *t)
{
	struct request_queue *q = from_timer(q, t, timeout);

	queue_work(kblockd_workqueue, &q->timeout_work);
}

static void blk_mq_timeout_work(struct work_struct *w)
{
	struct request_queue *q = container_of(w, struct request_queue, timeout_work);
	unsigned long next = 0, now = jiffies, flags;
	bool any = false;

	for (unsigned int i = 0; i < q->nr_hw_queues; i++) {
		struct blk_mq_tags *tags = q->queue_hw_ctx[i]->tags;

		for (unsigned int t = 0; t < tags->nr_tags; t++) {
			struct request *rq = tags->rqs[t];

			if (!rq_tryget_ref(rq))
				continue;
			if (smp_load_acquire(&rq->state) == MQ_RQ_IN_FLIGHT &&
			    !(rq->rq_flags & RQF_TIMED_OUT)) {
				if (time_after_eq64(now, rq->deadline)) {
					enum blk_eh_timer_return ret = BLK_EH_RESET_TIMER;

					rq->rq_flags |= RQF_TIMED_OUT;
					pr_warn("block %s: request tag %d (%s sector %llu) timed out "
						"after %lu ms\n", q->disk->disk_name, rq->tag,
						blk_op_str(req_op(rq)),
						(unsigned long long)blk_rq_pos(rq),
						jiffies_to_msecs(q->rq_timeout));
					if (q->mq_ops->timeout)
						ret = q->mq_ops->timeout(rq);
					if (ret == BLK_EH_RESET_TIMER) {
						rq->deadline = jiffies + q->rq_timeout;
						rq->rq_flags &= ~RQF_TIMED_OUT;
					}
				}
				if (smp_load_acquire(&rq->state) == MQ_RQ_IN_FLIGHT &&
				    !(rq->rq_flags & RQF_TIMED_OUT) &&
				    (!any || time_after64(next, rq->deadline))) {
					next = rq->deadline;
					any = true;
				}
			}
			rq_put_ref(rq);
		}
	}
	if (any) {
		spin_lock_irqsave(&q->timeout_lock, flags);
		mod_timer(&q->timeout, next + 1);
		spin_unlock_irqrestore(&q->timeout_lock, flags);
	}
}

void blk_mq_init(void)
{
	kblockd_workqueue = alloc_workqueue("kblockd", 0, 0);
	if (!kblockd_workqueue)
		panic("block: no kblockd workqueue");
}
