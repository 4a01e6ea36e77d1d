/*
 * ktests of the block layer (block/, fs/buffer.c) on a real device: the
 * scratch virtio-blk disk tools/run-tests gives every ktest machine
 * (/dev/vda, 32 MiB of zeros, 4 queues: see KTEST_MACHINES). The tests
 * write where they like on it.
 *
 * Also a test driver of our own (a blk-mq disk that keeps requests until
 * told), for what a real device will not do on demand: never answer.
 */
#include <kestrel/blk-mq.h>
#include <kestrel/buffer_head.h>
#include <kestrel/completion.h>
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/pagemap.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>

#define TEST_DISK "/dev/vda"
#define MiB (1024 * 1024)

static struct block_device *open_test_disk(struct ktest_ctx *t)
{
	struct block_device *bdev;
	dev_t dev;
	int err = lookup_bdev(TEST_DISK, &dev);

	if (err) {
		ktest_fail(t, __FILE__, __LINE__, "no %s (error %d): these tests need the scratch "
			   "virtio disk tools/run-tests attaches", TEST_DISK, err);
		return NULL;
	}
	bdev = blkdev_get_by_dev(dev, FMODE_READ | FMODE_WRITE, NULL);
	if (IS_ERR(bdev)) {
		ktest_fail(t, __FILE__, __LINE__, "open %s: error %ld", TEST_DISK, PTR_ERR(bdev));
		return NULL;
	}
	return bdev;
}

static void close_test_disk(struct block_device *bdev)
{
	blkdev_put(bdev, FMODE_READ | FMODE_WRITE, NULL);
}

/* Read or write len bytes at sector with one bio (split by the block layer if it must). */
static int bio_rw(struct block_device *bdev, blk_opf_t opf, sector_t sector, void *buf,
		  unsigned int len)
{
	struct bio *bio = bio_alloc(bdev, min(DIV_ROUND_UP(len, PAGE_SIZE) + 1, (unsigned long)BIO_MAX_VECS), opf,
				    GFP_KERNEL);
	int err;

	if (!bio)
		return -ENOMEM;
	bio->bi_iter.bi_sector = sector;
	if (bio_add_kernel_buffer(bio, buf, len) != (int)len) {
		bio_put(bio);
		return -E2BIG;
	}
	err = submit_bio_wait(bio);
	bio_put(bio);
	return err;
}

static void fill_pattern(u8 *buf, size_t len, u32 seed)
{
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = seed >> 16;
	}
}

static struct disk_stats stats_of(struct block_device *bdev)
{
	struct disk_stats st;
	unsigned long flags;

	spin_lock_irqsave(&bdev->bd_stats_lock, flags);
	st = bdev->bd_stats;
	spin_unlock_irqrestore(&bdev->bd_stats_lock, flags);
	return st;
}

KTEST(block, disk_registered_as_linux_names_it)
{
	struct block_device *bdev = open_test_disk(t);

	if (!bdev)
		return;
	KEXPECT(!strcmp(bdev->bd_disk->disk_name, "vda"));
	KEXPECT_EQ(MINOR(bdev->bd_dev), 0u);
	KEXPECT(MAJOR(bdev->bd_dev) >= 234 && MAJOR(bdev->bd_dev) <= 254);	/* dynamic */
	KEXPECT_EQ(bdev->bd_disk->minors, 16);
	KEXPECT_EQ(bdev_nr_bytes(bdev), (loff_t)32 * MiB);
	KEXPECT_EQ(bdev_logical_block_size(bdev), 512u);
	KEXPECT(bdev_write_cache(bdev));	/* QEMU's default: writeback cache, FLUSH offered */
	close_test_disk(bdev);
}

/* What a bio writes, a bio reads back; across many pages (split to the queue's limits). */
KTEST(block, bio_write_read_back_large)
{
	struct block_device *bdev = open_test_disk(t);
	unsigned int len = 1 * MiB;
	u8 *out = NULL, *in = NULL;

	if (!bdev)
		return;
	out = kmalloc(len, GFP_KERNEL);
	in = kmalloc(len, GFP_KERNEL);
	KASSERT(out && in);
	fill_pattern(out, len, 1);
	memset(in, 0, len);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_WRITE, 2048, out, len), 0);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, 2048, in, len), 0);
	KEXPECT(!memcmp(in, out, len));
	kfree(out);
	kfree(in);
	close_test_disk(bdev);
}

/* Bios past the end fail with EIO (one log line), misaligned ones too; the next good one works. */
KTEST(block, bio_checks)
{
	struct block_device *bdev = open_test_disk(t);
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	sector_t end;

	if (!bdev)
		return;
	KASSERT(buf);
	end = bdev_nr_sectors(bdev);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, end - 4, buf, PAGE_SIZE), -EIO);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, end - 8, buf, PAGE_SIZE), 0);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, 0, buf, 100), -EIO);	/* not whole sectors */
	kfree(buf);
	close_test_disk(bdev);
}

static void bio_done(struct bio *bio)
{
	complete(bio->bi_private);
}

/* A plug holds adjacent bios back and merges them into one request. */
KTEST(block, plug_merges_adjacent_bios)
{
	struct block_device *bdev = open_test_disk(t);
	struct disk_stats before, after;
	struct completion done[8];
	struct bio *bios[8];
	struct blk_plug plug;
	u8 *buf = kmalloc(8 * PAGE_SIZE, GFP_KERNEL);

	if (!bdev)
		return;
	KASSERT(buf);
	before = stats_of(bdev);
	blk_start_plug(&plug);
	for (int i = 0; i < 8; i++) {
		init_completion(&done[i]);
		bios[i] = bio_alloc(bdev, 1, REQ_OP_READ, GFP_KERNEL);
		KASSERT(bios[i]);
		bios[i]->bi_iter.bi_sector = 4096 + i * (PAGE_SIZE >> SECTOR_SHIFT);
		bio_add_kernel_buffer(bios[i], buf + i * PAGE_SIZE, PAGE_SIZE);
		bios[i]->bi_private = &done[i];
		bios[i]->bi_end_io = bio_done;
	}
	for (int i = 0; i < 8; i++)
		submit_bio(bios[i]);
	blk_finish_plug(&plug);
	for (int i = 0; i < 8; i++) {
		wait_for_completion(&done[i]);
		KEXPECT_EQ(bios[i]->bi_status, BLK_STS_OK);
		bio_put(bios[i]);
	}
	after = stats_of(bdev);
	KEXPECT_EQ(after.ios[STAT_READ] - before.ios[STAT_READ], 1UL);
	KEXPECT_EQ(after.merges[STAT_READ] - before.merges[STAT_READ], 7UL);
	KEXPECT_EQ(after.sectors[STAT_READ] - before.sectors[STAT_READ], 64UL);
	KEXPECT_EQ(after.in_flight, 0UL);
	kfree(buf);
	close_test_disk(bdev);
}

/* Flush and FUA on a writeback-cache device: the FUA write is followed by a flush. */
KTEST(block, flush_and_fua)
{
	struct block_device *bdev = open_test_disk(t);
	struct disk_stats before, after;
	u8 *out = kmalloc(PAGE_SIZE, GFP_KERNEL), *in = kmalloc(PAGE_SIZE, GFP_KERNEL);

	if (!bdev)
		return;
	KASSERT(out && in);
	before = stats_of(bdev);
	KEXPECT_EQ(blkdev_issue_flush(bdev), 0);
	after = stats_of(bdev);
	KEXPECT_EQ(after.ios[STAT_FLUSH] - before.ios[STAT_FLUSH], 1UL);

	fill_pattern(out, PAGE_SIZE, 2);
	before = after;
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_WRITE | REQ_FUA, 8192, out, PAGE_SIZE), 0);
	after = stats_of(bdev);
	KEXPECT_EQ(after.ios[STAT_FLUSH] - before.ios[STAT_FLUSH], 1UL);	/* the post-flush */
	KEXPECT_EQ(after.ios[STAT_WRITE] - before.ios[STAT_WRITE], 1UL);

	before = after;
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA, 8200, out, PAGE_SIZE), 0);
	after = stats_of(bdev);
	KEXPECT_EQ(after.ios[STAT_FLUSH] - before.ios[STAT_FLUSH], 2UL);	/* pre and post */
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, 8200, in, PAGE_SIZE), 0);
	KEXPECT(!memcmp(in, out, PAGE_SIZE));
	kfree(out);
	kfree(in);
	close_test_disk(bdev);
}

/* ---------------------------------------------------------------- through /dev/vda */

static long open_disk_file(int flags)
{
	return ksys_open(TEST_DISK, flags, 0);
}

/* Written through the page cache, fsync'd, read back past the cache (O_DIRECT). */
KTEST(block, buffered_write_fsync_direct_read)
{
	u8 *out = kmalloc(3 * PAGE_SIZE, GFP_KERNEL), *in = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	long fd, dfd;

	KASSERT(out && in);
	fd = open_disk_file(O_RDWR);
	KASSERT(fd >= 0);
	fill_pattern(out, 3 * PAGE_SIZE, 3);
	/* An unaligned write in the middle: read-modify-write of the pages around it. */
	KEXPECT_EQ(ksys_pwrite64(fd, (char *)out + 100, 3 * PAGE_SIZE - 200, 5 * MiB + 100),
		   3 * (long)PAGE_SIZE - 200);
	KEXPECT_EQ(ksys_fsync(fd), 0);
	dfd = open_disk_file(O_RDONLY | O_DIRECT);
	KASSERT(dfd >= 0);
	memset(in, 0xee, 3 * PAGE_SIZE);
	KEXPECT_EQ(ksys_pread64(dfd, (char *)in, 3 * PAGE_SIZE, 5 * MiB), 3 * (long)PAGE_SIZE);
	KEXPECT(!memcmp(in + 100, out + 100, 3 * PAGE_SIZE - 200));
	/* Unaligned O_DIRECT is refused, as Linux: EINVAL. */
	KEXPECT_EQ(ksys_pread64(dfd, (char *)in, 512, 5 * MiB + 100), -EINVAL);
	KEXPECT_EQ(ksys_pread64(dfd, (char *)in, 100, 5 * MiB), -EINVAL);
	KEXPECT_EQ(ksys_pread64(dfd, (char *)in + 1, 512, 5 * MiB), -EINVAL);
	ksys_close(dfd);
	ksys_close(fd);
	kfree(out);
	kfree(in);
}

/* O_DIRECT writes reach the device at once, and a cached copy does not outlive them. */
KTEST(block, direct_write_invalidates_cache)
{
	u8 *a = kmalloc(PAGE_SIZE, GFP_KERNEL), *b = kmalloc(PAGE_SIZE, GFP_KERNEL);
	u8 *in = kmalloc(PAGE_SIZE, GFP_KERNEL);
	long fd, dfd;

	KASSERT(a && b && in);
	fill_pattern(a, PAGE_SIZE, 4);
	fill_pattern(b, PAGE_SIZE, 5);
	fd = open_disk_file(O_RDWR);
	dfd = open_disk_file(O_RDWR | O_DIRECT);
	KASSERT(fd >= 0 && dfd >= 0);
	KEXPECT_EQ(ksys_pwrite64(fd, (char *)a, PAGE_SIZE, 6 * MiB), (long)PAGE_SIZE);	/* cached */
	KEXPECT_EQ(ksys_pwrite64(dfd, (char *)b, PAGE_SIZE, 6 * MiB), (long)PAGE_SIZE);	/* direct */
	KEXPECT_EQ(ksys_pread64(fd, (char *)in, PAGE_SIZE, 6 * MiB), (long)PAGE_SIZE);
	KEXPECT(!memcmp(in, b, PAGE_SIZE));	/* the cache did not keep a */
	KEXPECT_EQ(ksys_pread64(dfd, (char *)in, PAGE_SIZE, 6 * MiB), (long)PAGE_SIZE);
	KEXPECT(!memcmp(in, b, PAGE_SIZE));	/* nor did its writeback overwrite b */
	ksys_close(dfd);
	ksys_close(fd);
	kfree(a);
	kfree(b);
	kfree(in);
}

KTEST(block, file_edges)
{
	char buf[512];
	long fd = open_disk_file(O_RDWR);

	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_lseek(fd, 0, SEEK_END), (long)32 * MiB);
	KEXPECT_EQ(ksys_pread64(fd, buf, sizeof(buf), 32 * MiB), 0);	/* EOF */
	KEXPECT_EQ(ksys_pwrite64(fd, buf, sizeof(buf), 32 * MiB), -ENOSPC);
	KEXPECT_EQ(ksys_pread64(fd, buf, sizeof(buf), 32 * MiB - 100), 100);	/* cut at the end */
	ksys_close(fd);
}

/* ---------------------------------------------------------------- buffer heads */

KTEST(block, buffer_heads_read_modify_sync)
{
	struct block_device *bdev = open_test_disk(t);
	u8 *in = kmalloc(1024, GFP_KERNEL), *pattern = kmalloc(1024, GFP_KERNEL);
	struct buffer_head *bh;

	if (!bdev)
		return;
	KASSERT(in && pattern);
	KASSERT_EQ(set_blocksize(bdev, 1024), 0);
	fill_pattern(pattern, 1024, 6);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_WRITE, 7 * 2048 + 6, pattern, 1024), 0);	/* block 7*1024+3 */
	bh = __bread(bdev, 7 * 1024 + 3, 1024);
	KASSERT(bh != NULL);
	KEXPECT(buffer_uptodate(bh) && buffer_mapped(bh));
	KEXPECT_EQ(bh->b_size, 1024UL);
	KEXPECT(!memcmp(bh->b_data, pattern, 1024));
	/* Change it, dirty it, write it now. */
	bh->b_data[10] ^= 0xff;
	mark_buffer_dirty(bh);
	KEXPECT(buffer_dirty(bh));
	KEXPECT_EQ(sync_dirty_buffer(bh), 0);
	KEXPECT(!buffer_dirty(bh));
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, 7 * 2048 + 6, in, 1024), 0);
	KEXPECT(!memcmp(in, bh->b_data, 1024));
	KEXPECT_EQ(in[10], (u8)(pattern[10] ^ 0xff));
	/* A second lookup finds the same buffer. */
	{
		struct buffer_head *again = __find_get_block(bdev, 7 * 1024 + 3, 1024);

		KEXPECT(again == bh);
		brelse(again);
	}
	brelse(bh);
	/* A block past the end is an error, not a buffer. */
	KEXPECT(__bread(bdev, 32 * 1024, 1024) == NULL);
	KEXPECT_EQ(set_blocksize(bdev, PAGE_SIZE), 0);
	kfree(in);
	kfree(pattern);
	close_test_disk(bdev);
}

/* mark_buffer_dirty alone: writeback (sync_blockdev) writes the buffer. */
KTEST(block, dirty_buffer_written_by_writeback)
{
	struct block_device *bdev = open_test_disk(t);
	u8 *in = kmalloc(PAGE_SIZE, GFP_KERNEL);
	struct buffer_head *bh;

	if (!bdev)
		return;
	KASSERT(in);
	bh = __getblk(bdev, 2000, PAGE_SIZE);
	KASSERT(bh != NULL);
	lock_buffer(bh);
	fill_pattern((u8 *)bh->b_data, PAGE_SIZE, 7);
	set_buffer_uptodate(bh);
	unlock_buffer(bh);
	mark_buffer_dirty(bh);
	KEXPECT_EQ(sync_blockdev(bdev), 0);
	KEXPECT(!buffer_dirty(bh));
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, 2000 * 8, in, PAGE_SIZE), 0);
	KEXPECT(!memcmp(in, bh->b_data, PAGE_SIZE));
	brelse(bh);
	kfree(in);
	close_test_disk(bdev);
}

/* ---------------------------------------------------------------- concurrency */

struct rw_worker {
	struct block_device *bdev;
	int id;
	int errors;
	struct completion done;
};

static int rw_worker_fn(void *arg)
{
	struct rw_worker *w = arg;
	u8 *out = kmalloc(64 * 1024, GFP_KERNEL), *in = kmalloc(64 * 1024, GFP_KERNEL);
	sector_t base = (sector_t)(16 + w->id * 2) * 2048;	/* 2 MiB apart from 16 MiB on */

	if (!out || !in) {
		w->errors++;
		goto out;
	}
	for (int round = 0; round < 16; round++) {
		sector_t s = base + round * 128;

		fill_pattern(out, 64 * 1024, w->id * 100 + round);
		if (bio_rw(w->bdev, REQ_OP_WRITE, s, out, 64 * 1024) ||
		    bio_rw(w->bdev, REQ_OP_READ, s, in, 64 * 1024) || memcmp(in, out, 64 * 1024))
			w->errors++;
	}
out:
	kfree(out);
	kfree(in);
	complete(&w->done);
	return 0;
}

/* One writer per CPU (each on its own hardware queue), different regions, all data right. */
KTEST(block, writers_on_every_cpu)
{
	struct block_device *bdev = open_test_disk(t);
	struct rw_worker w[4];
	unsigned int cpus = min(num_online_cpus(), 4u);

	if (!bdev)
		return;
	for (unsigned int i = 0; i < cpus; i++) {
		struct task_struct *p;

		w[i] = (struct rw_worker){ .bdev = bdev, .id = i };
		init_completion(&w[i].done);
		p = kthread_create(rw_worker_fn, &w[i], "ktest-blk%u", i);
		KASSERT(!IS_ERR(p));
		set_cpus_allowed(p, cpumask_of(i));
		wake_up_process(p);
	}
	for (unsigned int i = 0; i < cpus; i++) {
		wait_for_completion(&w[i].done);
		KEXPECT_EQ(w[i].errors, 0);
	}
	KEXPECT_EQ(bdev->bd_queue->nr_hw_queues, cpus);	/* the disk offers 4 queues */
	close_test_disk(bdev);
}

/* ---------------------------------------------------------------- a device that never answers */

struct stuck_dev {
	struct blk_mq_tag_set set;
	struct gendisk *disk;
	atomic_t timeouts;
	atomic_t opens, releases;
	bool answer;			/* complete at once instead of holding the request */
};

static blk_status_t stuck_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	struct stuck_dev *sd = hctx->queue->queuedata;

	blk_mq_start_request(bd->rq);
	if (READ_ONCE(sd->answer))
		blk_mq_complete_request(bd->rq);
	return BLK_STS_OK;
}

static void stuck_complete(struct request *rq)
{
	blk_mq_end_request(rq, rq->rq_flags & RQF_TIMED_OUT ? BLK_STS_TIMEOUT : BLK_STS_OK);
}

static enum blk_eh_timer_return stuck_timeout(struct request *rq)
{
	struct stuck_dev *sd = rq->q->queuedata;

	atomic_inc(&sd->timeouts);
	blk_mq_complete_request(rq);	/* as a driver does after resetting its device */
	return BLK_EH_DONE;
}

static const struct blk_mq_ops stuck_mq_ops = {
	.queue_rq = stuck_queue_rq,
	.complete = stuck_complete,
	.timeout = stuck_timeout,
};

static int stuck_open(struct block_device *bdev, fmode_t mode)
{
	struct stuck_dev *sd = bdev->bd_disk->private_data;

	atomic_inc(&sd->opens);
	return mutex_is_locked(&bdev->bd_disk->open_mutex) ? 0 : -EDEADLK;
}

static void stuck_release(struct gendisk *disk, fmode_t mode)
{
	struct stuck_dev *sd = disk->private_data;

	atomic_inc(&sd->releases);
}

static const struct block_device_operations stuck_fops = {
	.open = stuck_open,
	.release = stuck_release,
};

static struct stuck_dev *stuck_create(struct ktest_ctx *t, int major)
{
	struct stuck_dev *sd = kzalloc(sizeof(*sd), GFP_KERNEL);

	if (!sd)
		return NULL;
	sd->set.ops = &stuck_mq_ops;
	sd->set.nr_hw_queues = 1;
	sd->set.queue_depth = 4;
	sd->set.timeout = HZ / 5;
	if (blk_mq_alloc_tag_set(&sd->set)) {
		kfree(sd);
		return NULL;
	}
	sd->disk = blk_mq_alloc_disk(&sd->set, sd);
	if (IS_ERR(sd->disk)) {
		blk_mq_free_tag_set(&sd->set);
		kfree(sd);
		return NULL;
	}
	sd->disk->major = major;
	sd->disk->first_minor = 0;
	sd->disk->minors = 1;
	sd->disk->fops = &stuck_fops;
	sd->disk->private_data = sd;
	strlcpy(sd->disk->disk_name, "stuck0", DISK_NAME_LEN);
	set_capacity(sd->disk, 2048);
	if (add_disk(sd->disk)) {
		put_disk(sd->disk);
		blk_mq_free_tag_set(&sd->set);
		kfree(sd);
		return NULL;
	}
	return sd;
}

static void stuck_destroy(struct stuck_dev *sd)
{
	del_gendisk(sd->disk);
	put_disk(sd->disk);
	blk_mq_free_tag_set(&sd->set);
	kfree(sd);
}

/* A request nobody answers times out (->timeout once), fails, and nothing hangs. */
KTEST(block, timeout_ends_an_unanswered_request)
{
	int major = register_blkdev(0, "ktest-stuck");
	struct block_device *bdev;
	struct stuck_dev *sd;
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);

	KASSERT(major > 0 && buf);
	sd = stuck_create(t, major);
	KASSERT(sd != NULL);
	bdev = blkdev_get_by_dev(MKDEV(major, 0), FMODE_READ, NULL);
	KASSERT(!IS_ERR(bdev));
	KEXPECT_EQ(atomic_read(&sd->opens), 1);	/* ->open ran, under open_mutex */
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, 0, buf, PAGE_SIZE), -ETIMEDOUT);
	KEXPECT_EQ(atomic_read(&sd->timeouts), 1);
	WRITE_ONCE(sd->answer, true);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, 8, buf, PAGE_SIZE), 0);	/* the next one works */
	blkdev_put(bdev, FMODE_READ, NULL);
	KEXPECT_EQ(atomic_read(&sd->releases), 1);
	stuck_destroy(sd);
	unregister_blkdev(major, "ktest-stuck");
	kfree(buf);
}

/* Exclusive opens: a second holder is refused, the same one may nest. */
KTEST(block, exclusive_open)
{
	struct block_device *a, *b;
	dev_t dev;
	int holder1, holder2;

	if (lookup_bdev(TEST_DISK, &dev)) {
		ktest_fail(t, __FILE__, __LINE__, "no %s", TEST_DISK);
		return;
	}
	a = blkdev_get_by_dev(dev, FMODE_READ, &holder1);
	KASSERT(!IS_ERR(a));
	b = blkdev_get_by_dev(dev, FMODE_READ, &holder2);
	KEXPECT_EQ(PTR_ERR(b), -EBUSY);
	b = blkdev_get_by_dev(dev, FMODE_READ, &holder1);
	KEXPECT(b == a);
	if (!IS_ERR(b))
		blkdev_put(b, FMODE_READ, &holder1);
	b = blkdev_get_by_dev(dev, FMODE_READ, NULL);	/* a plain open is fine */
	KEXPECT(!IS_ERR(b));
	if (!IS_ERR(b))
		blkdev_put(b, FMODE_READ, NULL);
	blkdev_put(a, FMODE_READ, &holder1);
	KEXPECT(a->bd_holder == NULL);
	KEXPECT_EQ(PTR_ERR(blkdev_get_by_dev(MKDEV(1, 3), FMODE_READ, NULL)), -ENXIO);
}
