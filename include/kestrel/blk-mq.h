/*
 * The driver interface of the request queue (block/blk-mq.c), Linux's
 * blk-mq in small:
 *
 *  - A driver describes its hardware queues in a blk_mq_tag_set: how many
 *    (nr_hw_queues: one per CPU when the device has several, so each CPU
 *    submits on its own queue), how deep (queue_depth: requests in flight
 *    per queue, each with a tag 0..queue_depth-1 the driver may use as its
 *    command slot, e.g. an NCQ tag), and how many bytes of its own it wants
 *    after each request (cmd_size: blk_mq_rq_to_pdu).
 *  - blk_mq_alloc_disk() makes the gendisk and its request queue.
 *  - Bios become requests (adjacent bios merge into one); the block layer
 *    calls ->queue_rq(hctx, bd) for each, in task context or from a
 *    completion, with the hardware queue's lock held and interrupts off:
 *    it must not sleep. It may complete the request at once (an error). It starts the request (blk_mq_start_request),
 *    hands it to the device and returns BLK_STS_OK, or BLK_STS_RESOURCE /
 *    BLK_STS_DEV_RESOURCE when the device is full: the request is kept and
 *    offered again after the next completion on that queue.
 *  - When the device finishes, the driver (usually its interrupt handler)
 *    calls blk_mq_complete_request(rq), which calls ->complete(rq), which
 *    calls blk_mq_end_request(rq, status): every bio of the request ends
 *    (bio_endio) right there, in interrupt context. A request completes
 *    once: blk_mq_complete_request returns false if it was already
 *    completed (by a reset, a timeout).
 *  - A request in flight longer than q->rq_timeout gets ->timeout(rq)
 *    (task context): the driver resets the device and completes or
 *    requeues what it had (BLK_EH_DONE), or asks for more time
 *    (BLK_EH_RESET_TIMER).
 *
 * Locks: hctx->lock (irq-safe spinlock) protects the hardware queue's
 * dispatch list and is held across ->queue_rq; tags->lock its tags. A
 * driver's own lock (its ring's) nests inside hctx->lock, so a completion
 * must drop its ring lock before ending requests (which may dispatch
 * more). Order: hctx->lock > the driver's locks > tags->lock.
 *
 * Locks used to protect struct members in this file:
 *	[c] constant after the tag set's or the queue's allocation
 *	[a] atomic
 *	[S] a lock itself
 *	[h] hctx->lock
 *	[w] the request's owner, one at a time: the submitter, the plug's
 *	    task, the dispatch list (under [h]), the driver once started,
 *	    the completion once blk_mq_complete_request won
 *	[x] the driver's own rule
 */
#ifndef KESTREL_BLK_MQ_H
#define KESTREL_BLK_MQ_H

#include <kestrel/blkdev.h>
#include <kestrel/wait.h>

struct blk_mq_tags;

typedef u32 req_flags_t;
#define RQF_STARTED (1U << 1)		/* blk_mq_start_request ran */
#define RQF_QUIET (1U << 11)		/* do not log its failure */
#define RQF_FLUSH_SEQ (1U << 4)		/* part of a flush sequence (block/blk-flush.c) */
#define RQF_TIMED_OUT (1U << 21)	/* ->timeout ran for it */

enum mq_rq_state {
	MQ_RQ_IDLE = 0,			/* free, or prepared and not yet started */
	MQ_RQ_IN_FLIGHT = 1,		/* started: the device has it */
	MQ_RQ_COMPLETE = 2,		/* completed, being ended */
};

typedef void(rq_end_io_fn)(struct request *rq, blk_status_t status);

/* One request: a run of adjacent sectors, one or more bios. */
struct request {
	struct request_queue *q;	/* [c] */
	struct blk_mq_hw_ctx *mq_hctx;	/* [c] */
	blk_opf_t cmd_flags;		/* [w] op and REQ_* flags */
	req_flags_t rq_flags;		/* [w] RQF_* */
	int tag;			/* [c] its slot, 0..queue_depth-1 */
	unsigned int __data_len;	/* [w] bytes */
	sector_t __sector;		/* [w] first sector, on the whole disk */
	struct bio *bio, *biotail;	/* [w] its bios, linked by bi_next */
	struct list_head queuelist;	/* [w] plug, dispatch or requeue list */
	struct block_device *part;	/* [w] where the bios were sent (statistics) */
	unsigned short nr_phys_segments; /* [w] pieces of memory (bio_vecs) */
	int state;			/* [a] enum mq_rq_state */
	u64 start_time_ns;		/* [w] when it was made (statistics) */
	unsigned long deadline;		/* [w] jiffies: ->timeout after this */
	rq_end_io_fn *end_io;		/* [w] requests without bios (flush sequences) */
	void *end_io_data;		/* [w] */
	/* The driver's cmd_size bytes follow (blk_mq_rq_to_pdu). */
};

static inline enum req_op req_op(const struct request *rq) { return op_of(rq->cmd_flags); }
static inline bool rq_data_dir_write(const struct request *rq) { return op_is_write(rq->cmd_flags); }
static inline sector_t blk_rq_pos(const struct request *rq) { return rq->__sector; }
static inline unsigned int blk_rq_bytes(const struct request *rq) { return rq->__data_len; }
static inline unsigned int blk_rq_sectors(const struct request *rq) { return rq->__data_len >> SECTOR_SHIFT; }
static inline unsigned short blk_rq_nr_phys_segments(const struct request *rq) { return rq->nr_phys_segments; }
static inline void *blk_mq_rq_to_pdu(struct request *rq) { return rq + 1; }
static inline struct request *blk_mq_rq_from_pdu(void *pdu) { return (struct request *)pdu - 1; }

/* Every piece of memory of every bio of the request. */
struct req_iterator {
	struct bvec_iter iter;
	struct bio *bio;
};
#define rq_for_each_segment(bvl, _rq, _iter)                             \
	for ((_iter).bio = (_rq)->bio; (_iter).bio; (_iter).bio = (_iter).bio->bi_next) \
		bio_for_each_segment(bvl, (_iter).bio, (_iter).iter)

/* A DMA segment: physically contiguous memory (no IOMMU: the bus address is the physical one). */
struct scatterlist {
	phys_addr_t dma_address;
	unsigned int length;
};
static inline phys_addr_t sg_dma_address(const struct scatterlist *sg) { return sg->dma_address; }
static inline unsigned int sg_dma_len(const struct scatterlist *sg) { return sg->length; }
/*
 * Fill sglist (room for blk_rq_nr_phys_segments(rq) entries) with the
 * request's memory, joining physically contiguous pieces within the
 * queue's segment limits. Returns the number of entries.
 */
int blk_rq_map_sg(struct request_queue *q, struct request *rq, struct scatterlist *sglist);

/* ---- hardware queues ---- */

/* hctx->state bits */
enum {
	BLK_MQ_S_STOPPED,	/* the driver stopped it (blk_mq_stop_hw_queue): no ->queue_rq */
	BLK_MQ_S_RUN,		/* someone asked for a dispatch (blk_mq_run_hw_queue) */
};

/* A hardware queue. */
struct blk_mq_hw_ctx {
	spinlock_t lock;		/* [S] dispatch, and held across ->queue_rq */
	struct list_head dispatch;	/* [h] requests waiting for the device */
	unsigned long state;		/* [a] BLK_MQ_S_* */
	struct request_queue *queue;	/* [c] */
	struct blk_mq_tags *tags;	/* [c] */
	unsigned int queue_num;		/* [c] index */
	void *driver_data;		/* [x] ->init_hctx's */
	unsigned long queued;		/* [h] requests given to ->queue_rq */
};

struct blk_mq_queue_data {
	struct request *rq;
	bool last;	/* the last of this batch: notify the device now (else ->commit_rqs will) */
};

enum blk_eh_timer_return {
	BLK_EH_DONE,		/* the driver dealt with it (completed or requeued it) */
	BLK_EH_RESET_TIMER,	/* give it another rq_timeout */
};

struct blk_mq_ops {
	/* Start rq on the device. hctx->lock held, interrupts off: must not sleep. */
	blk_status_t (*queue_rq)(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd);
	/* The batch ended without a request marked last: notify the device. */
	void (*commit_rqs)(struct blk_mq_hw_ctx *hctx);
	/* End rq (blk_mq_end_request) after blk_mq_complete_request. Any context. */
	void (*complete)(struct request *rq);
	/* rq overran its deadline. Task context; may sleep. */
	enum blk_eh_timer_return (*timeout)(struct request *rq);
	/* Once per hardware queue at allocation (driver_data: set->driver_data). */
	int (*init_hctx)(struct blk_mq_hw_ctx *hctx, void *driver_data, unsigned int hctx_idx);
	/* Once per request at allocation (to set up its pdu). */
	int (*init_request)(struct blk_mq_tag_set *set, struct request *rq, unsigned int hctx_idx,
			    unsigned int numa_node);
};

#define BLK_MQ_F_SHOULD_MERGE (1 << 0)	/* merge adjacent bios into one request */

/* Filled by the driver, then blk_mq_alloc_tag_set; read-only afterwards. */
struct blk_mq_tag_set {
	const struct blk_mq_ops *ops;	/* [c] */
	unsigned int nr_hw_queues;	/* [c] at least 1; CPU c submits on queue c % nr_hw_queues */
	unsigned int queue_depth;	/* [c] tags per hardware queue */
	unsigned int cmd_size;		/* [c] driver bytes after each request */
	int numa_node;			/* [c] */
	unsigned int timeout;		/* [c] jiffies; 0: BLK_DEFAULT_TIMEOUT */
	unsigned int flags;		/* [c] BLK_MQ_F_* */
	void *driver_data;		/* [x] */
	struct blk_mq_tags **tags;	/* [c] one per hardware queue (filled by blk_mq_alloc_tag_set) */
};

/* Allocate every hardware queue's tags and requests. 0 or -errno. */
int blk_mq_alloc_tag_set(struct blk_mq_tag_set *set);
void blk_mq_free_tag_set(struct blk_mq_tag_set *set);
/* A gendisk with a request queue on set (one reference: put_disk). ERR_PTR on failure. */
struct gendisk *blk_mq_alloc_disk(struct blk_mq_tag_set *set, void *queuedata);
/* The hardware queue CPU cpu submits on. */
struct blk_mq_hw_ctx *blk_mq_map_queue(struct request_queue *q, unsigned int cpu);

/* ---- the driver's calls ---- */
void blk_mq_start_request(struct request *rq);
/* End every bio of rq with status and free rq. Any context. */
void blk_mq_end_request(struct request *rq, blk_status_t status);
/* The device is done with rq: ->complete, once. false if rq was already completed. */
bool blk_mq_complete_request(struct request *rq);
/* The request by tag (for a completion that only knows the tag), or NULL. */
struct request *blk_mq_tag_to_rq(struct blk_mq_tags *tags, unsigned int tag);
/* Give a started request back: it is dispatched again later (after a reset). */
void blk_mq_requeue_request(struct request *rq, bool kick_requeue_list);
void blk_mq_kick_requeue_list(struct request_queue *q);
/* Stop and restart a hardware queue (a full device); start also runs it. */
void blk_mq_stop_hw_queue(struct blk_mq_hw_ctx *hctx);
void blk_mq_start_stopped_hw_queues(struct request_queue *q, bool async);
/* Dispatch what waits on every hardware queue. */
void blk_mq_run_hw_queues(struct request_queue *q, bool async);
/* No ->queue_rq until unquiesce (returns once none is running). */
void blk_mq_quiesce_queue(struct request_queue *q);
void blk_mq_unquiesce_queue(struct request_queue *q);
/*
 * Call fn(rq, data) for every started, not yet completed request of the
 * tag set (a reset cancelling what the device had). fn returns false to stop.
 */
void blk_mq_tagset_busy_iter(struct blk_mq_tag_set *set,
			     bool (*fn)(struct request *rq, void *data), void *data);

#endif
