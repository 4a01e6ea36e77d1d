/*
 * ATA disks as block devices: what Linux's libata-scsi.c and sd.c do
 * together, without SCSI in between. Each disk is a gendisk named as sd
 * names them (sda, sdb, ... sdz, sdaa; major 8, 16 minors per disk) with
 * one blk-mq hardware queue. Its tags are the host's command slots, so a
 * request's tag is also its AHCI slot and its NCQ tag.
 *
 * ->queue_rq (hctx->lock held) turns the request into an ATA command:
 * READ/WRITE FPDMA QUEUED when NCQ is on (up to ncq_depth at once), else
 * READ/WRITE DMA EXT, one at a time; FLUSH CACHE EXT for a flush. NCQ and
 * non-NCQ commands never share the device (ATA forbids it): a command
 * that cannot go yet is deferred (BLK_STS_DEV_RESOURCE) and offered again
 * after the next completion. The interrupt handler ends what the device
 * finished (ata_qc_complete_mask); a request that overruns its timeout
 * goes to error handling (libata-eh.c).
 */
#include <kestrel/errno.h>
#include <kestrel/libata.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/string_helpers.h>

#define SCSI_DISK0_MAJOR 8
#define SD_MINORS 16
#define SD_MAX_DISKS (256 / SD_MINORS)	/* major 8's minors (Linux goes on with majors 65-71) */

static DEFINE_MUTEX(sd_index_lock);
static int sd_next_index;		/* [sd_index_lock] disks are never removed */
static bool sd_major_registered;	/* [sd_index_lock] */

/* sda..sdz, sdaa..sdzz, ...: bijective base 26, as Linux's sd_format_disk_name. */
static void sd_format_disk_name(const char *prefix, int index, char *buf, size_t size)
{
	char tmp[8];
	size_t len;
	int n = 0;

	do {
		tmp[n++] = 'a' + index % 26;
		index = index / 26 - 1;
	} while (index >= 0 && n < (int)sizeof(tmp));
	len = strlcpy(buf, prefix, size);
	while (n > 0 && len + 1 < size) {
		buf[len++] = tmp[--n];
		buf[len] = '\0';
	}
}

/* ---------------------------------------------------------------- commands */

/* The request as an ATA command in qc: task file and DMA segments. */
static int ata_qc_setup(struct ata_queued_cmd *qc, struct request *rq)
{
	struct ata_device *dev = qc->dev;
	unsigned int shift = blksize_bits(dev->sector_size) - SECTOR_SHIFT;
	bool write = req_op(rq) == REQ_OP_WRITE;
	bool ncq, fua;

	qc->n_elem = 0;
	qc->nbytes = 0;
	switch (req_op(rq)) {
	case REQ_OP_FLUSH:
		memset(&qc->tf, 0, sizeof(qc->tf));
		qc->tf.protocol = ATA_PROT_NODATA;
		qc->tf.command = dev->flags & ATA_DFLAG_FLUSH_EXT ? ATA_CMD_FLUSH_EXT : ATA_CMD_FLUSH;
		qc->tf.device = ATA_LBA;
		return 0;
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		break;
	default:
		return -EOPNOTSUPP;
	}
	/* The block layer keeps requests to whole logical blocks; check rather than corrupt. */
	if ((blk_rq_pos(rq) & ((1U << shift) - 1)) || (blk_rq_bytes(rq) & (dev->sector_size - 1)))
		return -EINVAL;
	ncq = dev->ncq_enabled && !(qc->flags & ATA_QCFLAG_ALONE);
	fua = write && (rq->cmd_flags & REQ_FUA) && (dev->flags & ATA_DFLAG_FUA);
	if (ata_build_rw_tf(&qc->tf, blk_rq_pos(rq) >> shift, blk_rq_bytes(rq) / dev->sector_size,
			    write, fua, dev->flags & ATA_DFLAG_LBA48, ncq, qc->tag))
		return -EINVAL;
	qc->n_elem = blk_rq_map_sg(rq->q, rq, qc->sg);
	qc->nbytes = blk_rq_bytes(rq);
	return 0;
}

/* Whether qc must wait: NCQ commands share the device with each other and nothing else. */
static bool ata_qc_defer(struct ata_port *ap, struct ata_queued_cmd *qc)
{
	if (WARN_ON(ap->qc_active & (1U << qc->tag)))
		return true;
	if (!ap->qc_active)
		return false;
	return !(qc->tf.protocol == ATA_PROT_NCQ && ap->ncq_active);
}

static blk_status_t ata_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	struct ata_device *dev = hctx->queue->queuedata;
	struct ata_port *ap = dev->ap;
	struct request *rq = bd->rq;
	struct ata_queued_cmd *qc = blk_mq_rq_to_pdu(rq);
	blk_status_t ret = BLK_STS_OK;
	int err;

	if (!(qc->flags & ATA_QCFLAG_RETRY)) {
		qc->flags = 0;			/* a new request */
		qc->tries = ATA_EH_MAX_TRIES;
	}
	qc->err_mask = 0;
	err = ata_qc_setup(qc, rq);
	if (!err)
		err = ap->ops->qc_prep(qc);
	if (err) {
		if (err != -EOPNOTSUPP)
			pr_err("%s: cannot build %s for tag %u (error %d)\n", dev->name,
			       ata_get_cmd_name(qc->tf.command), qc->tag, err);
		qc->flags = 0;		/* ended by the block layer, not by ->complete */
		return err == -EOPNOTSUPP ? BLK_STS_NOTSUPP : BLK_STS_IOERR;
	}

	spin_lock(&ap->lock);			/* interrupts are off: hctx->lock */
	if (ap->pflags & ATA_PFLAG_DEAD) {
		qc->flags = 0;
		ret = BLK_STS_IOERR;
	} else if ((ap->pflags & ATA_PFLAG_FROZEN) || ata_qc_defer(ap, qc)) {
		/* Error handling runs the queue when it is done; a completion does otherwise. */
		ret = BLK_STS_DEV_RESOURCE;
	} else {
		blk_mq_start_request(rq);
		ap->qc_active |= 1U << qc->tag;
		ap->ncq_active = qc->tf.protocol == ATA_PROT_NCQ;
		ap->ops->qc_issue(qc);
	}
	spin_unlock(&ap->lock);
	return ret;
}

/* ->complete: every way a request ends comes here (success, EIO from error handling). */
static void ata_complete_rq(struct request *rq)
{
	struct ata_queued_cmd *qc = blk_mq_rq_to_pdu(rq);
	blk_status_t status = qc->err_mask ? BLK_STS_IOERR : BLK_STS_OK;

	qc->flags = 0;
	blk_mq_end_request(rq, status);
}

static enum blk_eh_timer_return ata_timeout(struct request *rq)
{
	struct ata_device *dev = rq->q->queuedata;

	ata_port_eh(dev->ap, rq);
	return BLK_EH_DONE;
}

static int ata_init_request(struct blk_mq_tag_set *set, struct request *rq, unsigned int hctx_idx,
			    unsigned int numa_node)
{
	struct ata_queued_cmd *qc = blk_mq_rq_to_pdu(rq);

	qc->dev = set->driver_data;
	qc->tag = rq->tag;
	return 0;
}

const struct blk_mq_ops ata_mq_ops = {
	.queue_rq = ata_queue_rq,
	.complete = ata_complete_rq,
	.timeout = ata_timeout,
	.init_request = ata_init_request,
};

void ata_qc_complete_mask(struct ata_port *ap, u32 done)
{
	struct blk_mq_tags *tags = ap->dev->tag_set.tags[0];

	while (done) {
		unsigned int tag = __builtin_ctz(done);
		struct request *rq = blk_mq_tag_to_rq(tags, tag);

		done &= done - 1;
		((struct ata_queued_cmd *)blk_mq_rq_to_pdu(rq))->err_mask = 0;
		blk_mq_complete_request(rq);
	}
}

/* ---------------------------------------------------------------- the disk */

/* Linux's scsicam fallback geometry: 64 heads and 32 sectors, or 255 and 63 past 1 GiB. */
static int sd_getgeo(struct block_device *bdev, struct hd_geometry *geo)
{
	sector_t cap = get_capacity(bdev->bd_disk);

	if (cap < 64 * 32 * 1024) {
		geo->heads = 64;
		geo->sectors = 32;
	} else {
		geo->heads = 255;
		geo->sectors = 63;
	}
	geo->cylinders = min(cap / (geo->heads * geo->sectors), (sector_t)65535);
	return 0;
}

static const struct block_device_operations sd_fops = {
	.getgeo = sd_getgeo,
};

struct ata_device *ata_dev_of_disk(struct gendisk *disk)
{
	return disk && disk->fops == &sd_fops ? disk->private_data : NULL;
}

static int sd_alloc_index(void)
{
	int index = -ENOSPC;

	mutex_lock(&sd_index_lock);
	if (!sd_major_registered) {
		int err = register_blkdev(SCSI_DISK0_MAJOR, "sd");

		if (err) {
			mutex_unlock(&sd_index_lock);
			return err;
		}
		sd_major_registered = true;
	}
	if (sd_next_index < SD_MAX_DISKS)
		index = sd_next_index++;
	mutex_unlock(&sd_index_lock);
	return index;
}

static void ata_dev_set_limits(struct ata_device *dev, struct request_queue *q)
{
	unsigned int max_blocks = dev->flags & ATA_DFLAG_LBA48 ? ATA_MAX_SECTORS_LBA48 :
								  ATA_MAX_SECTORS;
	unsigned int shift = blksize_bits(dev->sector_size) - SECTOR_SHIFT;

	blk_queue_logical_block_size(q, dev->sector_size);
	blk_queue_physical_block_size(q, dev->sector_size * dev->phys_per_log);
	blk_queue_max_hw_sectors(q, max_blocks << shift);
	blk_queue_max_segments(q, dev->ap->max_prd);
	blk_queue_max_segment_size(q, 4 << 20);		/* one AHCI PRD entry */
	/* As Linux's libata: buffers aligned to the logical sector. */
	blk_queue_dma_alignment(q, dev->sector_size - 1);
	blk_queue_write_cache(q, dev->flags & ATA_DFLAG_WCACHE, dev->flags & ATA_DFLAG_FUA);
}

static void sd_print_capacity(struct ata_device *dev)
{
	char cap10[16], cap2[16];

	string_get_size(dev->n_sectors, dev->sector_size, STRING_UNITS_10, cap10, sizeof(cap10));
	string_get_size(dev->n_sectors, dev->sector_size, STRING_UNITS_2, cap2, sizeof(cap2));
	pr_notice("%s: [%s] %llu %u-byte logical blocks: (%s/%s)\n", dev->name,
		  dev->disk->disk_name, (unsigned long long)dev->n_sectors, dev->sector_size,
		  cap10, cap2);
	if (dev->phys_per_log > 1)
		pr_notice("%s: [%s] %u-byte physical blocks\n", dev->name, dev->disk->disk_name,
			  dev->sector_size * dev->phys_per_log);
	pr_notice("%s: [%s] Write cache: %s, %s\n", dev->name, dev->disk->disk_name,
		  dev->flags & ATA_DFLAG_WCACHE ? "enabled" : "disabled",
		  dev->flags & ATA_DFLAG_FUA ? "supports FUA" : "doesn't support FUA");
}

int ata_dev_add_disk(struct ata_device *dev)
{
	struct gendisk *disk;
	int err, index = sd_alloc_index();

	if (index < 0) {
		pr_err("%s: no sd name left (at most %d disks): not attached\n", dev->name,
		       SD_MAX_DISKS);
		return index;
	}
	dev->index = index;
	dev->tag_set.ops = &ata_mq_ops;
	dev->tag_set.nr_hw_queues = 1;
	dev->tag_set.queue_depth = dev->flags & ATA_DFLAG_NCQ ? dev->ncq_depth : 1;
	dev->tag_set.cmd_size = sizeof(struct ata_queued_cmd);
	dev->tag_set.flags = BLK_MQ_F_SHOULD_MERGE;
	dev->tag_set.driver_data = dev;
	err = blk_mq_alloc_tag_set(&dev->tag_set);
	if (err)
		return err;
	disk = blk_mq_alloc_disk(&dev->tag_set, dev);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto fail_tags;
	}
	dev->disk = disk;
	disk->major = SCSI_DISK0_MAJOR;
	disk->first_minor = index * SD_MINORS;
	disk->minors = SD_MINORS;
	disk->fops = &sd_fops;
	disk->private_data = dev;
	sd_format_disk_name("sd", index, disk->disk_name, DISK_NAME_LEN);
	ata_dev_set_limits(dev, disk->queue);
	set_capacity(disk, dev->n_sectors * (dev->sector_size >> SECTOR_SHIFT));
	sd_print_capacity(dev);
	err = add_disk(disk);
	if (err)
		goto fail_disk;
	return 0;

fail_disk:
	put_disk(disk);
	dev->disk = NULL;
fail_tags:
	blk_mq_free_tag_set(&dev->tag_set);
	return err;
}

int ata_dev_set_ncq(struct ata_device *dev, bool on)
{
	struct request_queue *q = dev->disk->queue;

	if (on && !(dev->flags & ATA_DFLAG_NCQ))
		return -EINVAL;
	/* Commands on the device finish on their own; ->queue_rq keeps the two kinds apart. */
	blk_mq_quiesce_queue(q);
	WRITE_ONCE(dev->ncq_enabled, on);
	blk_mq_unquiesce_queue(q);
	return 0;
}
