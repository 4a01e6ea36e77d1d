/*
 * Error handling of ATA ports (Linux's drivers/ata/libata-eh.c, in small).
 *
 * Two things start it: an error interrupt (the device reported ERR in
 * its status, or the host adapter saw a bus, link or protocol error),
 * which freezes the port and schedules ap->eh_work; or a request that
 * overran its timeout, whose ->timeout handler calls ata_port_eh itself.
 * Either way, under ap->eh_mutex and with the request queue quiesced:
 *
 *  1. freeze the port (no issue, no completion interrupt) and take the
 *     commands off it: those the device had finished end normally;
 *  2. find the culprit. A non-NCQ command is alone on the device, so an
 *     error is its own. An NCQ error aborts every queued command and
 *     (without the device's NCQ error log) does not say which one failed,
 *     so each of them is sent again alone, without NCQ: the one that
 *     fails then is the culprit. A timed-out request is the culprit of
 *     its timeout;
 *  3. reset the port (COMRESET) and check with IDENTIFY that the same
 *     disk answers;
 *  4. fail the culprit with EIO (the block layer logs one line naming its
 *     sector), requeue the others, thaw the port and run the queue.
 *
 * A request is issued at most ATA_EH_MAX_TRIES times. If the disk does
 * not come back after the reset the port is marked dead: every request
 * fails from then on, nothing waits.
 */
#include <kestrel/errno.h>
#include <kestrel/libata.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/timer.h>

void ata_port_schedule_eh(struct ata_port *ap, u32 irq_stat)
{
	ap->eh_irq_stat |= irq_stat;
	if (!(ap->pflags & ATA_PFLAG_FROZEN)) {
		ap->pflags |= ATA_PFLAG_FROZEN;
		ap->ops->freeze(ap);
	}
	schedule_work(&ap->eh_work);
}

void ata_eh_work(struct work_struct *work)
{
	ata_port_eh(container_of(work, struct ata_port, eh_work), NULL);
}

static struct ata_queued_cmd *ata_qc_of_tag(struct ata_port *ap, unsigned int tag)
{
	return blk_mq_rq_to_pdu(blk_mq_tag_to_rq(ap->dev->tag_set.tags[0], tag));
}

/* Why error handling runs, in a word for its log line. */
static const char *eh_cause(const struct ata_eh_info *ehi, bool timeout)
{
	if (timeout)
		return "timeout";
	if (ehi->causes & ATA_EH_HOST_ERR)
		return "host bus error";
	if (ehi->causes & ATA_EH_DEV_ERR)
		return "device error";
	if (ehi->causes & ATA_EH_LINK_CHANGE)
		return "link change";
	return "unknown";
}

static void eh_print_failed(struct ata_device *dev, struct ata_queued_cmd *qc,
			    const struct ata_eh_info *ehi)
{
	char st[48], er[48];

	pr_err("%s: failed command: %s tag %u%s\n", dev->name, ata_get_cmd_name(qc->tf.command),
	       qc->tag, qc->err_mask & AC_ERR_TIMEOUT ? " (timeout)" : "");
	if (qc->err_mask & AC_ERR_TIMEOUT)
		return;
	ata_status_desc(ehi->status, st, sizeof(st));
	ata_error_desc(ehi->error, er, sizeof(er));
	pr_err("%s: status: 0x%02x %s error: 0x%02x %s\n", dev->name, ehi->status, st,
	       ehi->error, er);
}

/*
 * What happened to qc, one of the commands taken off the device. Sets
 * qc->err_mask; returns true if it is to be sent again.
 */
static bool eh_classify(struct ata_port *ap, struct ata_queued_cmd *qc,
			const struct ata_eh_info *ehi, struct request *timed_out)
{
	struct request *rq = blk_mq_rq_from_pdu(qc);

	if (rq == timed_out) {
		qc->err_mask = AC_ERR_TIMEOUT;
		return false;
	}
	if (ap->pflags & ATA_PFLAG_DEAD) {
		qc->err_mask = AC_ERR_SYSTEM;
		return false;
	}
	if ((ehi->causes & ATA_EH_DEV_ERR) && !(ehi->causes & ATA_EH_HOST_ERR) && !ehi->ncq) {
		/* Alone on the device: the error is its own. A CRC error on the link is worth a retry. */
		qc->err_mask = ehi->error & ATA_ICRC ? AC_ERR_ATA_BUS : AC_ERR_DEV;
		if (qc->err_mask == AC_ERR_DEV)
			return false;
	} else if (ehi->causes & ATA_EH_HOST_ERR) {
		qc->err_mask = AC_ERR_HOST_BUS;
	} else {
		qc->err_mask = AC_ERR_OTHER;	/* another command's error, or a link change */
	}
	return --qc->tries > 0;
}

/*
 * Reset the link and check that the same disk is there. 0, or -ENODEV:
 * it is gone. Nothing is allocated here: memory reclaim could wait for
 * writeback to this very disk, whose queue is quiesced.
 */
static int eh_reset_and_revalidate(struct ata_port *ap)
{
	struct ata_device *dev = ap->dev;
	enum ata_dev_class class = ATA_DEV_NONE;
	u16 *id = dev->eh_id;
	int err;

	pr_info("%s: hard resetting link\n", ap->name);
	ap->stats.resets++;
	err = ap->ops->hardreset(ap, &class);
	ap->class = class;
	if (err || class != ATA_DEV_ATA) {
		pr_err("%s: the disk did not come back after a reset: disabled\n", dev->name);
		return -ENODEV;
	}
	err = ata_dev_read_id(ap, false, id);
	if (!err && (memcmp(id + ATA_ID_SERNO, dev->id + ATA_ID_SERNO, ATA_ID_SERNO_LEN) ||
		     ata_id_n_sectors(id) != dev->n_sectors)) {
		pr_err("%s: another disk answered after the reset: disabled\n", dev->name);
		err = -ENODEV;
	}
	if (err)
		return -ENODEV;
	memcpy(dev->id, id, ATA_ID_WORDS * 2);
	pr_info("%s: configured for %s\n", dev->name, ata_id_xfer_mode_name(id));
	return 0;
}

/*
 * Whether timed_out still stands as it did when it timed out: on the
 * device (error handling may have requeued it) with its deadline passed
 * (it may have been sent again since). ap->lock held.
 */
static bool eh_still_timed_out(struct ata_port *ap, struct request *timed_out)
{
	return (ap->qc_active & (1U << timed_out->tag)) &&
	       time_after_eq64(get_jiffies_64(), timed_out->deadline);
}

void ata_port_eh(struct ata_port *ap, struct request *timed_out)
{
	struct ata_device *dev = ap->dev;
	struct request_queue *q = dev->disk->queue;
	struct ata_eh_info ehi = { 0 };
	u32 all, done, failed, retry = 0, fail = 0;
	unsigned int nr_retry = 0;

	mutex_lock(&ap->eh_mutex);
	blk_mq_quiesce_queue(q);		/* no ->queue_rq from here on */
	spin_lock_irq(&ap->lock);
	if (timed_out && !eh_still_timed_out(ap, timed_out)) {
		spin_unlock_irq(&ap->lock);
		goto out;
	}
	if (!(ap->pflags & ATA_PFLAG_FROZEN)) {
		ap->pflags |= ATA_PFLAG_FROZEN;
		ap->ops->freeze(ap);
	}
	ehi.irq_stat = ap->eh_irq_stat;
	ap->eh_irq_stat = 0;
	ehi.ncq = ap->ncq_active;
	ap->ops->error_info(ap, &ehi);
	all = ap->qc_active;
	if (!ehi.ncq && (ehi.causes & (ATA_EH_DEV_ERR | ATA_EH_HOST_ERR)))
		done = 0;	/* the one command's slot is clear, but it failed */
	else
		done = all & ~ap->ops->qc_active(ap);
	if (timed_out)
		done &= ~(1U << timed_out->tag);	/* its slot may look clear: it still failed */
	failed = all & ~done;
	ap->qc_active = 0;
	ap->test_lost = 0;
	spin_unlock_irq(&ap->lock);
	if (done)
		ata_qc_complete_mask(ap, done);
	if (!failed && !timed_out && !ehi.causes) {
		/* Nothing went wrong after all (a second run for one error): just thaw. */
		goto thaw;
	}

	ap->stats.eh_runs++;
	pr_err("%s: exception (%s) SAct 0x%x SErr 0x%x IS 0x%x: port frozen\n", dev->name,
	       eh_cause(&ehi, timed_out), ehi.ncq ? failed : 0, ehi.serror, ehi.irq_stat);
	for (u32 m = failed; m; m &= m - 1) {
		struct ata_queued_cmd *qc = ata_qc_of_tag(ap, __builtin_ctz(m));

		if (eh_classify(ap, qc, &ehi, timed_out)) {
			retry |= 1U << qc->tag;
			nr_retry++;
		} else {
			fail |= 1U << qc->tag;
			eh_print_failed(dev, qc, &ehi);
		}
	}
	if (nr_retry)
		pr_warn("%s: %u command%s sent again, one at a time without NCQ\n", dev->name,
			nr_retry, nr_retry > 1 ? "s" : "");
	if (eh_reset_and_revalidate(ap)) {
		spin_lock_irq(&ap->lock);
		ap->pflags |= ATA_PFLAG_DEAD;
		spin_unlock_irq(&ap->lock);
		fail |= retry;
		retry = 0;
	}

	/* The culprits fail (EIO), the others go back to the queue. */
	for (u32 m = fail; m; m &= m - 1) {
		struct ata_queued_cmd *qc = ata_qc_of_tag(ap, __builtin_ctz(m));

		if (!qc->err_mask)
			qc->err_mask = AC_ERR_SYSTEM;
		ap->stats.failed++;
		blk_mq_complete_request(blk_mq_rq_from_pdu(qc));
	}
	for (u32 m = retry; m; m &= m - 1) {
		struct ata_queued_cmd *qc = ata_qc_of_tag(ap, __builtin_ctz(m));

		qc->err_mask = 0;
		qc->flags |= ATA_QCFLAG_RETRY | ATA_QCFLAG_ALONE;
		ap->stats.retried++;
		blk_mq_requeue_request(blk_mq_rq_from_pdu(qc), false);
	}
thaw:
	spin_lock_irq(&ap->lock);
	if (!(ap->pflags & ATA_PFLAG_DEAD)) {
		ap->pflags &= ~ATA_PFLAG_FROZEN;
		ap->ops->thaw(ap);
	}
	spin_unlock_irq(&ap->lock);
out:
	blk_mq_unquiesce_queue(q);
	blk_mq_kick_requeue_list(q);
	mutex_unlock(&ap->eh_mutex);
}
