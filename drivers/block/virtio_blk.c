/*
 * virtio-blk (virtio 1.2, 5.2): QEMU's paravirtual disk, as /dev/vda...
 *
 * A request is one chain of buffers on a virtqueue: a header the device
 * reads ({ type: IN/OUT/FLUSH, sector }), the data (read or written by
 * the device), and one status byte the device writes (OK, IOERR, UNSUPP).
 * The device serves each queue independently, so with VIRTIO_BLK_F_MQ
 * the driver uses one queue per CPU (up to what the device offers), each
 * a blk-mq hardware queue with its own MSI-X vector aimed at that CPU:
 * a CPU submits on its queue and gets the completions back itself.
 *
 * Submission (->queue_rq, hctx->lock held): the request's memory becomes
 * scatterlist entries (blk_rq_map_sg), header + data + status go on the
 * ring under the queue's lock, and the device is notified at the end of
 * a batch (and only if it asked, with VIRTIO_RING_F_EVENT_IDX).
 * Completion (virtblk_done, the queue's interrupt): under the queue's
 * lock take every returned request off the ring, then, without it, end
 * them (blk_mq_complete_request -> blk_mq_end_request: the bios end
 * right there, in interrupt context).
 *
 * A request not answered within the queue's timeout (30 s) resets the
 * device: every request it held is taken back, the late one fails with
 * a timeout error, the others are sent again once the device is back.
 * A device that reports VIRTIO_CONFIG_S_NEEDS_RESET is reset the same way.
 *
 * Names and numbers as Linux: a dynamic major ("virtblk"), 16 minors per
 * disk, vda, vdb, ... vdz, vdaa, ...
 */
#include <kestrel/blk-mq.h>
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/virtio.h>
#include <kestrel/virtio_blk.h>

#define PART_BITS 4
#define VIRTBLK_MINORS (1 << PART_BITS)
#define VIRTBLK_MAX_DISKS ((1 << 20) / VIRTBLK_MINORS)	/* the minors of one major */
#define VIRTBLK_MAX_SEGS 128		/* data segments per request */
#define VIRTBLK_QUEUE_DEPTH 64		/* requests in flight per queue */

/* Feature bits (5.2.3) */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_MQ 12

/* Request types and statuses (5.2.6) */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTBLK_S_TIMEOUT 0xff		/* ours: the device never answered */

struct virtio_blk_geometry {
	u16 cylinders;
	u8 heads;
	u8 sectors;
} __packed;

/* The device's configuration (5.2.4), little endian as x86. */
struct virtio_blk_config {
	u64 capacity;			/* in 512-byte sectors */
	u32 size_max;
	u32 seg_max;
	struct virtio_blk_geometry geometry;
	u32 blk_size;
	u8 physical_block_exp;
	u8 alignment_offset;
	u16 min_io_size;
	u32 opt_io_size;
	u8 wce;
	u8 unused;
	u16 num_queues;
} __packed;

struct virtio_blk_outhdr {
	u32 type;
	u32 ioprio;
	u64 sector;			/* 512-byte units, whatever blk_size is */
};

/* One hardware queue's virtqueue; lock: the ring (nests inside hctx->lock). */
struct virtio_blk_vq {
	struct virtqueue *vq;
	spinlock_t lock;
	char name[16];
} __aligned(64);

struct virtio_blk {
	struct virtio_device *vdev;
	struct gendisk *disk;
	struct blk_mq_tag_set tag_set;
	int index;			/* vda = 0 */
	unsigned int num_vqs;
	struct virtio_blk_vq *vqs;
	unsigned int sg_elems;		/* data segments per request */
	struct mutex reset_lock;	/* one reset at a time */
	struct work_struct reset_work;	/* a reset the device asked for */
	struct work_struct config_work;	/* a capacity change */
	unsigned long resets;		/* [reset_lock] for tests and logs */
	unsigned long taken_back;	/* [reset_lock] requests resets took back from the device */
	bool hold_notify;		/* tests: add to the rings without telling the device */
};

/* The blk-mq pdu of each request. */
struct virtblk_req {
	struct virtio_blk_outhdr out_hdr;
	u8 status;
	struct scatterlist sg[];	/* header, data..., status */
};

static int virtblk_major;
static unsigned long virtblk_index_used[VIRTBLK_MAX_DISKS / 64];	/* [index_lock] */
static DEFINE_MUTEX(index_lock);

/* ---------------------------------------------------------------- names */

/* vda..vdz, vdaa..vdzz, ...: bijective base 26, as Linux's virtblk_name_format. */
static void virtblk_name_format(const char *prefix, int index, char *buf, size_t size)
{
	char tmp[8];
	int n = 0;

	do {
		tmp[n++] = 'a' + index % 26;
		index = index / 26 - 1;
	} while (index >= 0 && n < (int)sizeof(tmp));
	snprintf(buf, size, "%s", prefix);
	for (size_t len = strlen(buf); n > 0 && len + 1 < size; len++)
		buf[len] = tmp[--n], buf[len + 1] = 0;
}

static int virtblk_alloc_index(void)
{
	int index = -ENOSPC;

	mutex_lock(&index_lock);
	for (int i = 0; i < VIRTBLK_MAX_DISKS; i++) {
		if (!(virtblk_index_used[i / 64] & (1UL << (i % 64)))) {
			virtblk_index_used[i / 64] |= 1UL << (i % 64);
			index = i;
			break;
		}
	}
	mutex_unlock(&index_lock);
	return index;
}

/* "67.1 MB" / "64.0 MiB": three significant digits, rounded, as Linux's string_get_size. */
static void size_string(u64 bytes, unsigned int base, char *buf, size_t size)
{
	static const char *const units10[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	static const char *const units2[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	const char *const *units = base == 1000 ? units10 : units2;
	u64 rem = 0, total;
	int i = 0;

	while (bytes >= base && i < 6) {
		rem = bytes % base;
		bytes /= base;
		i++;
	}
	total = bytes * 100 + (rem * 100 + base / 2) / base;	/* in hundredths */
	if (total >= 10000 || i == 0)
		snprintf(buf, size, "%llu %s", (unsigned long long)((total + 50) / 100), units[i]);
	else if (total >= 1000)
		snprintf(buf, size, "%llu.%llu %s", (unsigned long long)((total + 5) / 100),
			 (unsigned long long)((total + 5) / 10 % 10), units[i]);
	else
		snprintf(buf, size, "%llu.%02llu %s", (unsigned long long)(total / 100),
			 (unsigned long long)(total % 100), units[i]);
}

/* ---------------------------------------------------------------- requests */

static blk_status_t virtblk_result(u8 status)
{
	switch (status) {
	case VIRTIO_BLK_S_OK:
		return BLK_STS_OK;
	case VIRTIO_BLK_S_UNSUPP:
		return BLK_STS_NOTSUPP;
	case VIRTBLK_S_TIMEOUT:
		return BLK_STS_TIMEOUT;
	default:
		return BLK_STS_IOERR;
	}
}

static blk_status_t virtio_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	struct virtio_blk *vblk = hctx->queue->queuedata;
	struct virtio_blk_vq *vbq = &vblk->vqs[hctx->queue_num];
	struct request *req = bd->rq;
	struct virtblk_req *vbr = blk_mq_rq_to_pdu(req);
	bool write = false, notify = false;
	unsigned int num = 0;
	unsigned long flags;
	u32 type;
	int err;

	switch (req_op(req)) {
	case REQ_OP_READ:
		type = VIRTIO_BLK_T_IN;
		break;
	case REQ_OP_WRITE:
		type = VIRTIO_BLK_T_OUT;
		write = true;
		break;
	case REQ_OP_FLUSH:
		type = VIRTIO_BLK_T_FLUSH;
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	vbr->out_hdr.type = type;
	vbr->out_hdr.ioprio = 0;
	vbr->out_hdr.sector = type == VIRTIO_BLK_T_FLUSH ? 0 : blk_rq_pos(req);
	vbr->status = VIRTIO_BLK_S_IOERR;	/* what a request the device never wrote reads as */
	vbr->sg[0].dma_address = __pa(&vbr->out_hdr);
	vbr->sg[0].length = sizeof(vbr->out_hdr);
	if (blk_rq_bytes(req))
		num = blk_rq_map_sg(hctx->queue, req, &vbr->sg[1]);
	vbr->sg[num + 1].dma_address = __pa(&vbr->status);
	vbr->sg[num + 1].length = 1;

	blk_mq_start_request(req);
	spin_lock_irqsave(&vbq->lock, flags);
	/* Device-readable first (header, and data of a write), then device-writable. */
	err = virtqueue_add_sgs(vbq->vq, vbr->sg, write ? num + 1 : 1, write ? 1 : num + 1, vbr);
	if (err) {
		/* The ring is full: let the device know about what is there, retry after a completion. */
		notify = virtqueue_kick_prepare(vbq->vq);
		spin_unlock_irqrestore(&vbq->lock, flags);
		if (notify)
			virtqueue_notify(vbq->vq);
		return err == -ENOSPC ? BLK_STS_DEV_RESOURCE : BLK_STS_IOERR;
	}
	if (bd->last)
		notify = virtqueue_kick_prepare(vbq->vq);
	spin_unlock_irqrestore(&vbq->lock, flags);
	if (notify && !READ_ONCE(vblk->hold_notify))
		virtqueue_notify(vbq->vq);
	return BLK_STS_OK;
}

static void virtio_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct virtio_blk *vblk = hctx->queue->queuedata;
	struct virtio_blk_vq *vbq = &vblk->vqs[hctx->queue_num];
	unsigned long flags;
	bool notify;

	spin_lock_irqsave(&vbq->lock, flags);
	notify = virtqueue_kick_prepare(vbq->vq);
	spin_unlock_irqrestore(&vbq->lock, flags);
	if (notify && !READ_ONCE(vblk->hold_notify))
		virtqueue_notify(vbq->vq);
}

static void virtblk_request_done(struct request *req)
{
	struct virtblk_req *vbr = blk_mq_rq_to_pdu(req);

	blk_mq_end_request(req, virtblk_result(vbr->status));
}

/* A queue's interrupt: take what came back under the lock, end it without. */
static void virtblk_done(struct virtqueue *vq)
{
	struct virtio_blk *vblk = vq->vdev->priv;
	struct virtio_blk_vq *vbq = &vblk->vqs[vq->index];
	struct virtblk_req *vbr;
	struct request *req, *n;
	unsigned long flags;
	unsigned int len;
	LIST_HEAD(done);

	spin_lock_irqsave(&vbq->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((vbr = virtqueue_get_buf(vq, &len)) != NULL)
			list_add_tail(&blk_mq_rq_from_pdu(vbr)->queuelist, &done);
	} while (!virtqueue_enable_cb(vq));
	spin_unlock_irqrestore(&vbq->lock, flags);

	list_for_each_entry_safe(req, n, &done, queuelist) {
		list_del_init(&req->queuelist);
		blk_mq_complete_request(req);
	}
}

/* ---------------------------------------------------------------- reset */

/*
 * Reset the device and bring it back. Every request it held is taken
 * back: timed_out (if any) fails with a timeout error, the others go
 * back to the queue and are sent again.
 */
static void virtblk_reset(struct virtio_blk *vblk, struct request *timed_out, const char *why)
{
	struct request_queue *q = vblk->disk->queue;
	struct virtio_device *vdev = vblk->vdev;
	LIST_HEAD(taken);
	struct request *req, *n;
	unsigned long flags;

	mutex_lock(&vblk->reset_lock);
	blk_mq_quiesce_queue(q);
	/*
	 * The device stops writing the rings. A queue's interrupt may still
	 * run and take what the device finished before: those requests end
	 * normally. The rest we take back under each queue's lock.
	 */
	vdev->config->reset(vdev);
	for (unsigned int i = 0; i < vblk->num_vqs; i++) {
		struct virtio_blk_vq *vbq = &vblk->vqs[i];
		struct virtblk_req *vbr;

		spin_lock_irqsave(&vbq->lock, flags);
		while ((vbr = virtqueue_detach_unused_buf(vbq->vq)) != NULL) {
			list_add_tail(&blk_mq_rq_from_pdu(vbr)->queuelist, &taken);
			vblk->taken_back++;
		}
		virtqueue_reset_ring(vbq->vq);
		spin_unlock_irqrestore(&vbq->lock, flags);
	}
	vblk->resets++;
	dev_printk_virtio(KERN_WARNING, vdev, "[%s] device reset (%s); %s\n",
			  vblk->disk->disk_name, why,
			  list_empty(&taken) ? "no request was in flight" : "requests in flight sent again");

	virtio_restore(vdev);
	list_for_each_entry_safe(req, n, &taken, queuelist) {
		list_del_init(&req->queuelist);
		if (req == timed_out) {
			struct virtblk_req *vbr = blk_mq_rq_to_pdu(req);

			vbr->status = VIRTBLK_S_TIMEOUT;
			blk_mq_complete_request(req);
		} else {
			blk_mq_requeue_request(req, false);
		}
	}
	blk_mq_unquiesce_queue(q);
	blk_mq_kick_requeue_list(q);
	mutex_unlock(&vblk->reset_lock);
}

static enum blk_eh_timer_return virtio_timeout(struct request *req)
{
	struct virtio_blk *vblk = req->q->queuedata;

	virtblk_reset(vblk, req, "a request timed out");
	return BLK_EH_DONE;
}

static void virtblk_reset_work(struct work_struct *w)
{
	virtblk_reset(container_of(w, struct virtio_blk, reset_work), NULL, "the device needs one");
}

/* ---------------------------------------------------------------- configuration */

static void virtblk_update_capacity(struct virtio_blk *vblk, bool resize)
{
	unsigned int lbs = queue_logical_block_size(vblk->disk->queue);
	char cap10[16], cap2[16];
	u64 capacity;

	virtio_cread(vblk->vdev, struct virtio_blk_config, capacity, &capacity);
	size_string(capacity << SECTOR_SHIFT, 1000, cap10, sizeof(cap10));
	size_string(capacity << SECTOR_SHIFT, 1024, cap2, sizeof(cap2));
	dev_printk_virtio(KERN_NOTICE, vblk->vdev, "[%s] %s%s%llu %u-byte logical blocks (%s/%s)\n",
			  vblk->disk->disk_name, resize ? "new size: " : "",
			  get_disk_ro(vblk->disk) ? "readonly " : "",
			  (unsigned long long)(capacity / (lbs >> SECTOR_SHIFT)), lbs, cap10, cap2);
	set_capacity(vblk->disk, capacity);
}

static void virtblk_config_work(struct work_struct *w)
{
	virtblk_update_capacity(container_of(w, struct virtio_blk, config_work), true);
}

static void virtblk_config_changed(struct virtio_device *vdev)
{
	struct virtio_blk *vblk = vdev->priv;

	if (vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_NEEDS_RESET)
		schedule_work(&vblk->reset_work);
	else
		schedule_work(&vblk->config_work);
}

static int virtblk_getgeo(struct block_device *bdev, struct hd_geometry *geo)
{
	struct virtio_blk *vblk = bdev->bd_disk->private_data;
	struct virtio_blk_geometry g;

	if (virtio_has_feature(vblk->vdev, VIRTIO_BLK_F_GEOMETRY)) {
		virtio_cread(vblk->vdev, struct virtio_blk_config, geometry, &g);
		geo->cylinders = g.cylinders;
		geo->heads = g.heads;
		geo->sectors = g.sectors;
	} else {
		/* Linux's made-up geometry: 64 heads, 32 sectors per track. */
		geo->heads = 1 << 6;
		geo->sectors = 1 << 5;
		geo->cylinders = get_capacity(bdev->bd_disk) >> 11;
	}
	return 0;
}

static const struct block_device_operations virtblk_fops = {
	.getgeo = virtblk_getgeo,
};

static const struct blk_mq_ops virtio_mq_ops = {
	.queue_rq = virtio_queue_rq,
	.commit_rqs = virtio_commit_rqs,
	.complete = virtblk_request_done,
	.timeout = virtio_timeout,
};

/* ---------------------------------------------------------------- probe */

static int init_vq(struct virtio_blk *vblk)
{
	struct virtio_device *vdev = vblk->vdev;
	struct irq_affinity desc = { .pre_vectors = 1 };
	struct virtqueue **vqs = NULL;
	vq_callback_t **callbacks = NULL;
	const char **names = NULL;
	u16 num_vqs = 1;
	int err = -ENOMEM;

	if (virtio_cread_feature(vdev, VIRTIO_BLK_F_MQ, struct virtio_blk_config, num_queues,
				 &num_vqs) || !num_vqs)
		num_vqs = 1;
	num_vqs = min((unsigned int)num_vqs, num_online_cpus());
	vblk->vqs = kcalloc(num_vqs, sizeof(*vblk->vqs), GFP_KERNEL);
	vqs = kcalloc(num_vqs, sizeof(*vqs), GFP_KERNEL);
	callbacks = kcalloc(num_vqs, sizeof(*callbacks), GFP_KERNEL);
	names = kcalloc(num_vqs, sizeof(*names), GFP_KERNEL);
	if (!vblk->vqs || !vqs || !callbacks || !names)
		goto out;
	for (unsigned int i = 0; i < num_vqs; i++) {
		callbacks[i] = virtblk_done;
		snprintf(vblk->vqs[i].name, sizeof(vblk->vqs[i].name), "req.%u", i);
		names[i] = vblk->vqs[i].name;
	}
	err = vdev->config->find_vqs(vdev, num_vqs, vqs, callbacks, names, &desc);
	if (err)
		goto out;
	for (unsigned int i = 0; i < num_vqs; i++) {
		spin_lock_init(&vblk->vqs[i].lock);
		vblk->vqs[i].vq = vqs[i];
	}
	vblk->num_vqs = num_vqs;
out:
	kfree(vqs);
	kfree(callbacks);
	kfree(names);
	if (err) {
		kfree(vblk->vqs);
		vblk->vqs = NULL;
	}
	return err;
}

static void virtblk_set_limits(struct virtio_blk *vblk, struct request_queue *q)
{
	struct virtio_device *vdev = vblk->vdev;
	u32 v;
	u8 exp;

	blk_queue_max_segments(q, vblk->sg_elems);
	blk_queue_max_hw_sectors(q, UINT32_MAX);
	if (!virtio_cread_feature(vdev, VIRTIO_BLK_F_SIZE_MAX, struct virtio_blk_config, size_max,
				  &v) && v)
		blk_queue_max_segment_size(q, v);
	else
		blk_queue_max_segment_size(q, UINT32_MAX);
	if (!virtio_cread_feature(vdev, VIRTIO_BLK_F_BLK_SIZE, struct virtio_blk_config, blk_size,
				  &v)) {
		if (v >= SECTOR_SIZE && v <= PAGE_SIZE && !(v & (v - 1)))
			blk_queue_logical_block_size(q, v);
		else
			dev_printk_virtio(KERN_WARNING, vdev, "block size %u ignored\n", v);
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_TOPOLOGY)) {
		u16 min_io;

		virtio_cread(vdev, struct virtio_blk_config, physical_block_exp, &exp);
		if (exp < 4)
			blk_queue_physical_block_size(q, queue_logical_block_size(q) << exp);
		virtio_cread(vdev, struct virtio_blk_config, min_io_size, &min_io);
		if (min_io)
			blk_queue_io_min(q, queue_logical_block_size(q) * min_io);
		virtio_cread(vdev, struct virtio_blk_config, opt_io_size, &v);
		if (v)
			blk_queue_io_opt(q, queue_logical_block_size(q) * v);
	}
}

/* Writeback cache: CONFIG_WCE says whether it is on; else FLUSH means there is one. */
static bool virtblk_write_cache(struct virtio_device *vdev)
{
	u8 wce;

	if (virtio_cread_feature(vdev, VIRTIO_BLK_F_CONFIG_WCE, struct virtio_blk_config, wce, &wce))
		return virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH);
	return wce != 0;
}

static int virtblk_probe(struct virtio_device *vdev)
{
	struct virtio_blk *vblk;
	struct request_queue *q;
	u32 seg_max = 0;
	int err, index;

	index = virtblk_alloc_index();
	if (index < 0)
		return index;
	vblk = kzalloc(sizeof(*vblk), GFP_KERNEL);
	if (!vblk)
		return -ENOMEM;
	vblk->vdev = vdev;
	vblk->index = index;
	vdev->priv = vblk;
	mutex_init(&vblk->reset_lock);
	INIT_WORK(&vblk->reset_work, virtblk_reset_work);
	INIT_WORK(&vblk->config_work, virtblk_config_work);

	if (virtio_cread_feature(vdev, VIRTIO_BLK_F_SEG_MAX, struct virtio_blk_config, seg_max,
				 &seg_max) || !seg_max)
		seg_max = 1;
	vblk->sg_elems = min(seg_max, (u32)VIRTBLK_MAX_SEGS);
	err = init_vq(vblk);
	if (err)
		goto fail;
	/* Without indirect descriptors a request takes sg_elems + 2 ring entries. */
	if (!virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC))
		vblk->sg_elems = min(vblk->sg_elems, virtqueue_get_vring_size(vblk->vqs[0].vq) - 2);

	vblk->tag_set.ops = &virtio_mq_ops;
	vblk->tag_set.nr_hw_queues = vblk->num_vqs;
	vblk->tag_set.queue_depth = min(virtqueue_get_vring_size(vblk->vqs[0].vq),
					(unsigned int)VIRTBLK_QUEUE_DEPTH);
	vblk->tag_set.cmd_size = sizeof(struct virtblk_req) +
				 sizeof(struct scatterlist) * (vblk->sg_elems + 2);
	vblk->tag_set.flags = BLK_MQ_F_SHOULD_MERGE;
	vblk->tag_set.driver_data = vblk;
	err = blk_mq_alloc_tag_set(&vblk->tag_set);
	if (err)
		goto fail_vqs;
	vblk->disk = blk_mq_alloc_disk(&vblk->tag_set, vblk);
	if (IS_ERR(vblk->disk)) {
		err = PTR_ERR(vblk->disk);
		goto fail_tags;
	}
	q = vblk->disk->queue;
	vblk->disk->major = virtblk_major;
	vblk->disk->first_minor = index * VIRTBLK_MINORS;
	vblk->disk->minors = VIRTBLK_MINORS;
	vblk->disk->private_data = vblk;
	vblk->disk->fops = &virtblk_fops;
	virtblk_name_format("vd", index, vblk->disk->disk_name, DISK_NAME_LEN);
	virtblk_set_limits(vblk, q);
	blk_queue_write_cache(q, virtblk_write_cache(vdev), false);
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_RO))
		set_disk_ro(vblk->disk, true);
	virtblk_update_capacity(vblk, false);
	dev_printk_virtio(KERN_INFO, vdev, "%u/0/0 default/read/poll queues\n", vblk->num_vqs);
	virtio_device_ready(vdev);
	err = add_disk(vblk->disk);
	if (err)
		goto fail_disk;
	return 0;

fail_disk:
	put_disk(vblk->disk);
fail_tags:
	blk_mq_free_tag_set(&vblk->tag_set);
fail_vqs:
	vdev->config->del_vqs(vdev);
	kfree(vblk->vqs);
fail:
	kfree(vblk);
	vdev->priv = NULL;
	return err;
}

static const struct virtio_device_id id_table[] = {
	{ VIRTIO_ID_BLOCK, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static const unsigned int features[] = {
	VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_BLK_F_GEOMETRY, VIRTIO_BLK_F_RO,
	VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_TOPOLOGY, VIRTIO_BLK_F_CONFIG_WCE,
	VIRTIO_BLK_F_MQ,
};

static struct virtio_driver virtio_blk = {
	.name = "virtio_blk",
	.id_table = id_table,
	.feature_table = features,
	.feature_table_size = ARRAY_SIZE(features),
	.probe = virtblk_probe,
	.config_changed = virtblk_config_changed,
};

int virtio_blk_init(void)
{
	int major = register_blkdev(0, "virtblk");

	if (major < 0)
		return major;
	virtblk_major = major;
	return register_virtio_driver(&virtio_blk);
}

/* For tests: reset a virtio-blk disk as a timeout would (without one). 0 or -ENODEV. */
int virtblk_test_reset(struct gendisk *disk)
{
	if (!disk || disk->fops != &virtblk_fops)
		return -ENODEV;
	virtblk_reset(disk->private_data, NULL, "asked by a test");
	return 0;
}

unsigned long virtblk_resets(struct gendisk *disk, unsigned long *taken_back)
{
	struct virtio_blk *vblk;

	if (!disk || disk->fops != &virtblk_fops)
		return 0;
	vblk = disk->private_data;
	if (taken_back)
		*taken_back = vblk->taken_back;
	return vblk->resets;
}

int virtblk_test_hold_notify(struct gendisk *disk, bool hold)
{
	if (!disk || disk->fops != &virtblk_fops)
		return -ENODEV;
	WRITE_ONCE(((struct virtio_blk *)disk->private_data)->hold_notify, hold);
	return 0;
}
