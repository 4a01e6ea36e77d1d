/*
 * ktests of virtio (drivers/virtio/) and virtio-blk
 * (drivers/block/virtio_blk.c) on the scratch disk tools/run-tests
 * attaches (/dev/vda: virtio-blk-pci with num-queues=4).
 */
#include <kestrel/blk-mq.h>
#include <kestrel/completion.h>
#include <kestrel/errno.h>
#include <kestrel/irq.h>
#include <kestrel/ktest.h>
#include <kestrel/kthread.h>
#include <kestrel/pci.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/virtio_blk.h>

static struct block_device *open_vda(struct ktest_ctx *t)
{
	struct block_device *bdev;
	dev_t dev;

	if (lookup_bdev("/dev/vda", &dev)) {
		ktest_fail(t, __FILE__, __LINE__, "no /dev/vda: these tests need the scratch virtio disk");
		return NULL;
	}
	bdev = blkdev_get_by_dev(dev, FMODE_READ | FMODE_WRITE, NULL);
	return IS_ERR(bdev) ? NULL : bdev;
}

/* The virtio-blk PCI function (the scratch disk is the only one). */
static struct pci_dev *virtio_blk_pci(void)
{
	struct pci_dev *dev = NULL;

	while ((dev = pci_get_device(PCI_VENDOR_ID_REDHAT_QUMRANET, PCI_ANY_ID, dev)))
		if (dev->class >> 8 == PCI_CLASS_STORAGE_SCSI && dev->driver)
			return dev;
	return NULL;
}

/* One hardware queue per CPU (the device offers 4), each with an MSI-X vector on its own CPU. */
KTEST(virtio, queue_and_vector_per_cpu)
{
	struct block_device *bdev = open_vda(t);
	struct pci_dev *pdev = virtio_blk_pci();
	unsigned int nq, cpus_seen = 0;

	if (!bdev)
		return;
	KASSERT(pdev != NULL);
	nq = bdev->bd_queue->nr_hw_queues;
	KEXPECT_EQ(nq, min(num_online_cpus(), 4u));
	KEXPECT(pdev->msix_enabled);
	KEXPECT(pdev->is_busmaster);
	for (unsigned int i = 0; i < nq; i++) {
		int irq = pci_irq_vector(pdev, i + 1);	/* vector 0: configuration changes */

		KASSERT(irq >= 0);
		KEXPECT(irq >= NR_GSI_IRQS);	/* message-signalled, not a shared line */
		cpus_seen |= 1U << irq_get_cpu(irq);
	}
	KEXPECT_EQ(cpus_seen, (1U << nq) - 1);	/* queue i on CPU i */
	blkdev_put(bdev, FMODE_READ | FMODE_WRITE, NULL);
}

/* I/O submitted on a CPU completes through that CPU's queue and vector. */
struct cpu_io {
	struct block_device *bdev;
	unsigned int cpu;
	int err;
	struct completion done;
};

static int cpu_io_fn(void *arg)
{
	struct cpu_io *c = arg;
	void *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	struct bio *bio = bio_alloc(c->bdev, 1, REQ_OP_READ, GFP_KERNEL);

	if (!buf || !bio) {
		c->err = -ENOMEM;
	} else {
		bio->bi_iter.bi_sector = 1000 * 8;
		bio_add_kernel_buffer(bio, buf, PAGE_SIZE);
		c->err = submit_bio_wait(bio);
	}
	if (bio)
		bio_put(bio);
	kfree(buf);
	complete(&c->done);
	return 0;
}

KTEST(virtio, completion_comes_back_on_the_submitting_cpu)
{
	struct block_device *bdev = open_vda(t);
	struct pci_dev *pdev = virtio_blk_pci();
	unsigned int nq;

	if (!bdev)
		return;
	KASSERT(pdev != NULL);
	nq = bdev->bd_queue->nr_hw_queues;
	for (unsigned int cpu = 0; cpu < nq; cpu++) {
		int irq = pci_irq_vector(pdev, cpu + 1);
		unsigned long before = irq_get_count(irq);
		struct cpu_io c = { .bdev = bdev, .cpu = cpu };
		struct task_struct *p;

		init_completion(&c.done);
		p = kthread_create(cpu_io_fn, &c, "ktest-vq%u", cpu);
		KASSERT(!IS_ERR(p));
		set_cpus_allowed(p, cpumask_of(cpu));
		wake_up_process(p);
		wait_for_completion(&c.done);
		KEXPECT_EQ(c.err, 0);
		KEXPECT(irq_get_count(irq) > before);
	}
	blkdev_put(bdev, FMODE_READ | FMODE_WRITE, NULL);
}

static void end_count(struct bio *bio)
{
	atomic_t *left = bio->bi_private;

	if (bio->bi_status)
		atomic_add(1000, left);	/* an error shows as a left count far above 0 */
	atomic_dec(left);
}

/*
 * A reset while requests are on the device: they are taken back, sent
 * again, and all complete successfully with the right data.
 */
KTEST(virtio, reset_with_requests_in_flight)
{
	struct block_device *bdev = open_vda(t);
	const int n = 48;
	struct bio *bios[48];
	u8 *buf = kmalloc(n * PAGE_SIZE, GFP_KERNEL), *check = kmalloc(n * PAGE_SIZE, GFP_KERNEL);
	unsigned long resets, taken0, taken1;
	atomic_t left;

	if (!bdev)
		return;
	KASSERT(buf && check);
	for (int i = 0; i < n * (int)PAGE_SIZE; i++)
		buf[i] = i * 7 + 3;
	resets = virtblk_resets(bdev->bd_disk, &taken0);
	atomic_set(&left, n);
	/* The device is not told: the requests stay on its rings until the reset. */
	KEXPECT_EQ(virtblk_test_hold_notify(bdev->bd_disk, true), 0);
	for (int i = 0; i < n; i++) {
		bios[i] = bio_alloc(bdev, 1, REQ_OP_WRITE, GFP_KERNEL);
		KASSERT(bios[i]);
		/* Scattered, so nothing merges: 48 requests. */
		bios[i]->bi_iter.bi_sector = 20000 + i * 64;
		bio_add_kernel_buffer(bios[i], buf + i * PAGE_SIZE, PAGE_SIZE);
		bios[i]->bi_end_io = end_count;
		bios[i]->bi_private = &left;
		submit_bio(bios[i]);
	}
	msleep(50);
	KEXPECT_EQ(atomic_read(&left), n);	/* none done: all on the device's rings */
	virtblk_test_hold_notify(bdev->bd_disk, false);
	KEXPECT_EQ(virtblk_test_reset(bdev->bd_disk), 0);
	for (int i = 0; i < 5000 && atomic_read(&left); i++)
		msleep(1);
	KEXPECT_EQ(atomic_read(&left), 0);
	KEXPECT_EQ(virtblk_resets(bdev->bd_disk, &taken1), resets + 1);
	KEXPECT_EQ(taken1 - taken0, (unsigned long)n);	/* every one taken back and sent again */
	for (int i = 0; i < n; i++) {
		struct bio *bio = bio_alloc(bdev, 1, REQ_OP_READ, GFP_KERNEL);

		bio_put(bios[i]);
		KASSERT(bio);
		bio->bi_iter.bi_sector = 20000 + i * 64;
		bio_add_kernel_buffer(bio, check + i * PAGE_SIZE, PAGE_SIZE);
		KEXPECT_EQ(submit_bio_wait(bio), 0);
		bio_put(bio);
	}
	KEXPECT(!memcmp(buf, check, n * PAGE_SIZE));
	/* And the device still works after: a flush, a read. */
	KEXPECT_EQ(blkdev_issue_flush(bdev), 0);
	kfree(buf);
	kfree(check);
	blkdev_put(bdev, FMODE_READ | FMODE_WRITE, NULL);
}

KTEST(virtio, not_a_virtio_disk_is_not_reset)
{
	KEXPECT_EQ(virtblk_test_reset(NULL), -ENODEV);
}
