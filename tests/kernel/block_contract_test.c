/*
 * ktests of the block layer's checked calls (include/kestrel/contract/
 * blkdev.h and buffer_head.h), in the block_contract suite: the
 * block layer calls a driver's ->open, ->release, ->ioctl and ->getgeo
 * with the disk's open_mutex as the spec says (a test driver checks what
 * it is given), and a broken rule is reported: ->open called without the
 * mutex, ->ioctl called with it, a ->b_end_io that sleeps. The expected
 * reports are captured (lockdep_expect_report), so the log stays clean.
 */
#include <kestrel/blk-mq.h>
#include <kestrel/buffer_head.h>
#include <kestrel/contract/blkdev.h>
#include <kestrel/contract/buffer_head.h>
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/lockdep.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>

#ifdef CONFIG_LOCKDEP

struct spec_disk {
	struct blk_mq_tag_set set;
	struct gendisk *disk;
	int major;
	atomic_t opens, releases, ioctls, getgeos;
	atomic_t broken;	/* an op saw open_mutex wrong */
};

static blk_status_t spec_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	blk_mq_start_request(bd->rq);
	blk_mq_complete_request(bd->rq);	/* a device that reads zeros instantly */
	return BLK_STS_OK;
}

static void spec_complete(struct request *rq)
{
	blk_mq_end_request(rq, BLK_STS_OK);
}

static const struct blk_mq_ops spec_mq_ops = {
	.queue_rq = spec_queue_rq,
	.complete = spec_complete,
};

static int spec_open(struct block_device *bdev, fmode_t mode)
{
	struct spec_disk *sd = bdev->bd_disk->private_data;

	atomic_inc(&sd->opens);
	if (!mutex_is_locked(&bdev->bd_disk->open_mutex))
		atomic_inc(&sd->broken);
	return 0;
}

static void spec_release(struct gendisk *disk, fmode_t mode)
{
	struct spec_disk *sd = disk->private_data;

	atomic_inc(&sd->releases);
	if (!mutex_is_locked(&disk->open_mutex))
		atomic_inc(&sd->broken);
}

#define SPEC_IOCTL 0x1234

static int spec_ioctl(struct block_device *bdev, fmode_t mode, unsigned int cmd, unsigned long arg)
{
	struct spec_disk *sd = bdev->bd_disk->private_data;

	atomic_inc(&sd->ioctls);
	if (mutex_is_locked(&bdev->bd_disk->open_mutex))
		atomic_inc(&sd->broken);
	msleep(1);	/* it may block */
	return cmd == SPEC_IOCTL ? 42 : -ENOTTY;
}

static int spec_getgeo(struct block_device *bdev, struct hd_geometry *geo)
{
	struct spec_disk *sd = bdev->bd_disk->private_data;

	atomic_inc(&sd->getgeos);
	geo->heads = 4;
	geo->sectors = 16;
	geo->cylinders = get_capacity(bdev->bd_disk) / 64;
	return 0;
}

static const struct block_device_operations spec_fops = {
	.open = spec_open,
	.release = spec_release,
	.ioctl = spec_ioctl,
	.getgeo = spec_getgeo,
};

static struct spec_disk *spec_disk_create(void)
{
	struct spec_disk *sd = kzalloc(sizeof(*sd), GFP_KERNEL);

	if (!sd)
		return NULL;
	sd->major = register_blkdev(0, "ktest-spec");
	sd->set.ops = &spec_mq_ops;
	sd->set.nr_hw_queues = 1;
	sd->set.queue_depth = 4;
	if (sd->major < 0 || blk_mq_alloc_tag_set(&sd->set))
		goto fail;
	sd->disk = blk_mq_alloc_disk(&sd->set, sd);
	if (IS_ERR(sd->disk))
		goto fail_set;
	sd->disk->major = sd->major;
	sd->disk->minors = 1;
	sd->disk->fops = &spec_fops;
	sd->disk->private_data = sd;
	strlcpy(sd->disk->disk_name, "spec0", DISK_NAME_LEN);
	set_capacity(sd->disk, 4096);
	if (add_disk(sd->disk))
		goto fail_disk;
	return sd;
fail_disk:
	put_disk(sd->disk);
fail_set:
	blk_mq_free_tag_set(&sd->set);
fail:
	if (sd->major > 0)
		unregister_blkdev(sd->major, "ktest-spec");
	kfree(sd);
	return NULL;
}

static void spec_disk_destroy(struct spec_disk *sd)
{
	del_gendisk(sd->disk);
	put_disk(sd->disk);
	blk_mq_free_tag_set(&sd->set);
	unregister_blkdev(sd->major, "ktest-spec");
	kfree(sd);
}

static bool has(const char *r, const char *s)
{
	return r && strstr(r, s);
}

/* Open, I/O, ioctl, getgeo, release as a user does them: every rule held, no report. */
KTEST(block_contract, block_ops_called_as_specified)
{
	struct spec_disk *sd = spec_disk_create();
	struct block_device *bdev;
	struct hd_geometry geo = { 0 };
	void *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	struct bio *bio;

	KASSERT(sd && buf);
	lockdep_expect_report();
	bdev = blkdev_get_by_dev(MKDEV(sd->major, 0), FMODE_READ, NULL);
	KASSERT(!IS_ERR(bdev));
	bio = bio_alloc(bdev, 1, REQ_OP_READ, GFP_KERNEL);
	KASSERT(bio);
	bio_add_kernel_buffer(bio, buf, PAGE_SIZE);
	KEXPECT_EQ(submit_bio_wait(bio), 0);	/* a completion inside ->queue_rq */
	bio_put(bio);
	KEXPECT_EQ(vfs_call_bd_getgeo(bdev, &geo), 0);
	KEXPECT_EQ(vfs_call_bd_ioctl(bdev, FMODE_READ, SPEC_IOCTL, 0), 42);
	blkdev_put(bdev, FMODE_READ, NULL);
	KEXPECT(lockdep_expect_end() == NULL);
	KEXPECT_EQ(atomic_read(&sd->opens), 1);	/* one minor: add_disk reads no table */
	KEXPECT_EQ(atomic_read(&sd->releases), 1);
	KEXPECT_EQ(atomic_read(&sd->ioctls), 1);
	KEXPECT_EQ(geo.heads, 4);
	KEXPECT_EQ(atomic_read(&sd->broken), 0);
	spec_disk_destroy(sd);
	kfree(buf);
}

KTEST(block_contract, bd_open_without_open_mutex_reported)
{
	struct spec_disk *sd = spec_disk_create();
	const char *r;

	KASSERT(sd);
	lockdep_expect_report();
	vfs_call_bd_open(sd->disk->part0, FMODE_READ);	/* the caller forgot open_mutex */
	r = lockdep_expect_end();
	KEXPECT(has(r, "open_mutex"));
	KEXPECT(has(r, "must be held"));
	/* The op ran (the wrapper reports, it does not refuse): undo it as the release would. */
	mutex_lock(&sd->disk->open_mutex);
	vfs_call_bd_release(sd->disk, FMODE_READ);
	mutex_unlock(&sd->disk->open_mutex);
	spec_disk_destroy(sd);
}

KTEST(block_contract, bd_ioctl_under_open_mutex_reported)
{
	struct spec_disk *sd = spec_disk_create();
	const char *r;

	KASSERT(sd);
	mutex_lock(&sd->disk->open_mutex);
	lockdep_expect_report();
	vfs_call_bd_ioctl(sd->disk->part0, FMODE_READ, 0, 0);	/* the spec: open_mutex not held */
	r = lockdep_expect_end();
	mutex_unlock(&sd->disk->open_mutex);
	KEXPECT(has(r, "open_mutex"));
	spec_disk_destroy(sd);
}

static void sleepy_end_io(struct buffer_head *bh, int uptodate)
{
	msleep(1);	/* not allowed: b_end_io runs from interrupts */
	unlock_buffer(bh);
}

KTEST(block_contract, b_end_io_that_sleeps_reported)
{
	struct buffer_head bh = { 0 };
	const char *r;

	spin_lock_init(&bh.b_uptodate_lock);
	lock_buffer(&bh);
	bh.b_end_io = sleepy_end_io;
	lockdep_expect_report();
	vfs_call_b_end_io(&bh, 1);
	r = lockdep_expect_end();
	KEXPECT(has(r, "sleeping function called from invalid context"));
	KEXPECT(has(r, "must-not-block: 1"));
	KEXPECT(!buffer_locked(&bh));
}

#endif /* CONFIG_LOCKDEP */
