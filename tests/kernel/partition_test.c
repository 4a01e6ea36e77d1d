/*
 * ktests of the MBR partition table reader (block/partitions/) on the
 * scratch virtio disk (/dev/vda, 32 MiB): a table written with bios,
 * read back by a rescan (BLKRRPART's path), the partitions as Linux names
 * and sizes them; then damaged and random tables: never a fault, bad
 * entries cut or refused, the whole disk still usable.
 */
#include <kestrel/blkdev.h>
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/random.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>

#define MB_SECTORS 2048		/* sectors in 1 MiB */

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

static int write_sector(struct block_device *bdev, sector_t s, const u8 *data)
{
	u8 *buf = kmalloc(SECTOR_SIZE, GFP_KERNEL);
	struct bio *bio = bio_alloc(bdev, 1, REQ_OP_WRITE, GFP_KERNEL);
	int err = -ENOMEM;

	if (buf && bio) {
		memcpy(buf, data, SECTOR_SIZE);
		bio->bi_iter.bi_sector = s;
		bio_add_kernel_buffer(bio, buf, SECTOR_SIZE);
		err = submit_bio_wait(bio);
	}
	if (bio)
		bio_put(bio);
	kfree(buf);
	return err;
}

static void put_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Entry i of the table in sector: type, start, size. */
static void mbr_entry(u8 *sector, int i, u8 type, u32 start, u32 size)
{
	u8 *e = sector + 446 + 16 * i;

	memset(e, 0, 16);
	e[4] = type;
	put_le32(e + 8, start);
	put_le32(e + 12, size);
}

static void mbr_init(u8 *sector)
{
	memset(sector, 0, SECTOR_SIZE);
	sector[510] = 0x55;
	sector[511] = 0xaa;
}

static int rescan(struct block_device *whole)
{
	int err;

	mutex_lock(&whole->bd_disk->open_mutex);
	err = disk_scan_partitions(whole->bd_disk);
	mutex_unlock(&whole->bd_disk->open_mutex);
	return err;
}

static sector_t part_size(struct block_device *whole, int n)
{
	struct block_device *p = whole->bd_disk->part_tbl[n];

	return p ? bdev_nr_sectors(p) : 0;
}

static sector_t part_start(struct block_device *whole, int n)
{
	struct block_device *p = whole->bd_disk->part_tbl[n];

	return p ? p->bd_start_sect : 0;
}

/* Two primaries, an extended with two logicals: vda1 vda2 vda3 (1 KiB) vda5 vda6. */
KTEST(partition, mbr_primary_extended_logical)
{
	struct block_device *bdev = open_vda(t);
	u8 mbr[SECTOR_SIZE], ebr[SECTOR_SIZE];
	struct block_device *part;
	dev_t dev;

	if (!bdev)
		return;
	mbr_init(mbr);
	mbr_entry(mbr, 0, 0x83, 1 * MB_SECTORS, 4 * MB_SECTORS);
	mbr_entry(mbr, 1, 0x83, 5 * MB_SECTORS, 3 * MB_SECTORS);
	mbr_entry(mbr, 2, 0x05, 8 * MB_SECTORS, 16 * MB_SECTORS);	/* extended */
	KASSERT_EQ(write_sector(bdev, 0, mbr), 0);
	/* First EBR: logical at +2048 of 4 MiB, next EBR at 8 MiB into the extended. */
	mbr_init(ebr);
	mbr_entry(ebr, 0, 0x83, MB_SECTORS, 4 * MB_SECTORS);
	mbr_entry(ebr, 1, 0x05, 8 * MB_SECTORS, 4 * MB_SECTORS);
	KASSERT_EQ(write_sector(bdev, 8 * MB_SECTORS, ebr), 0);
	mbr_init(ebr);
	mbr_entry(ebr, 0, 0x83, MB_SECTORS, 2 * MB_SECTORS);
	KASSERT_EQ(write_sector(bdev, 16 * MB_SECTORS, ebr), 0);

	KEXPECT_EQ(rescan(bdev), 0);
	KEXPECT_EQ(part_start(bdev, 1), (sector_t)1 * MB_SECTORS);
	KEXPECT_EQ(part_size(bdev, 1), (sector_t)4 * MB_SECTORS);
	KEXPECT_EQ(part_size(bdev, 2), (sector_t)3 * MB_SECTORS);
	KEXPECT_EQ(part_size(bdev, 3), 2ULL);	/* the extended partition shows as 1 KiB */
	KEXPECT_EQ(part_start(bdev, 5), (sector_t)9 * MB_SECTORS);
	KEXPECT_EQ(part_size(bdev, 5), (sector_t)4 * MB_SECTORS);
	KEXPECT_EQ(part_start(bdev, 6), (sector_t)17 * MB_SECTORS);
	KEXPECT_EQ(part_size(bdev, 6), (sector_t)2 * MB_SECTORS);
	KEXPECT_EQ(part_size(bdev, 4), 0ULL);
	/* /dev/vda5 is a device of its own: 254:5 in Linux's numbering. */
	KEXPECT_EQ(lookup_bdev("/dev/vda5", &dev), 0);
	KEXPECT_EQ(MINOR(dev), 5u);
	part = blkdev_get_by_dev(dev, FMODE_READ, NULL);
	KASSERT(!IS_ERR(part));
	KEXPECT_EQ(bdev_nr_bytes(part), (loff_t)4 << 20);
	KEXPECT_EQ(bdev->bd_disk->open_partitions, 1u);
	KEXPECT_EQ(rescan(bdev), -EBUSY);	/* a partition is open */
	blkdev_put(part, FMODE_READ, NULL);

	/* The table wiped: a rescan leaves no partitions, and their nodes go. */
	memset(mbr, 0, sizeof(mbr));
	KASSERT_EQ(write_sector(bdev, 0, mbr), 0);
	KEXPECT_EQ(rescan(bdev), 0);
	KEXPECT_EQ(part_size(bdev, 1), 0ULL);
	KEXPECT_EQ(lookup_bdev("/dev/vda1", &dev), -ENOENT);
	blkdev_put(bdev, FMODE_READ | FMODE_WRITE, NULL);
}

/* Entries past the end are cut or dropped, overlaps refused, a looping chain ends. */
KTEST(partition, damaged_mbr_is_cut_not_trusted)
{
	struct block_device *bdev = open_vda(t);
	u8 mbr[SECTOR_SIZE], ebr[SECTOR_SIZE];
	sector_t cap;

	if (!bdev)
		return;
	cap = bdev_nr_sectors(bdev);
	mbr_init(mbr);
	mbr_entry(mbr, 0, 0x83, 2048, cap);			/* runs past the end: cut */
	mbr_entry(mbr, 1, 0x83, cap + 100, 1000);		/* starts past the end: dropped */
	mbr_entry(mbr, 2, 0x83, 4096, 1000);			/* overlaps 1: refused */
	mbr_entry(mbr, 3, 0x0f, 20 * MB_SECTORS, 4 * MB_SECTORS);	/* extended */
	KASSERT_EQ(write_sector(bdev, 0, mbr), 0);
	/* An EBR pointing back at itself: the chain must end, not loop. */
	mbr_init(ebr);
	mbr_entry(ebr, 0, 0x83, 1, 100);
	mbr_entry(ebr, 1, 0x05, 0, 4 * MB_SECTORS);
	KASSERT_EQ(write_sector(bdev, 20 * MB_SECTORS, ebr), 0);
	KEXPECT_EQ(rescan(bdev), 0);
	KEXPECT_EQ(part_size(bdev, 1), cap - 2048);
	KEXPECT_EQ(part_size(bdev, 2), 0ULL);
	KEXPECT_EQ(part_size(bdev, 3), 0ULL);
	KEXPECT_EQ(part_size(bdev, 5), 0ULL);	/* overlaps vda1, which now covers the disk */
	KEXPECT_EQ(part_size(bdev, 6), 0ULL);
	memset(mbr, 0, sizeof(mbr));
	KASSERT_EQ(write_sector(bdev, 0, mbr), 0);
	KEXPECT_EQ(rescan(bdev), 0);
	blkdev_put(bdev, FMODE_READ | FMODE_WRITE, NULL);
}

/* Random tables (with the magic, so they are parsed): no fault, nothing outside the disk. */
KTEST(partition, fuzzed_mbr)
{
	struct block_device *bdev = open_vda(t);
	u8 mbr[SECTOR_SIZE];
	sector_t cap;

	if (!bdev)
		return;
	cap = bdev_nr_sectors(bdev);
	for (int round = 0; round < 32; round++) {
		get_random_bytes(mbr, sizeof(mbr));
		mbr[510] = 0x55;
		mbr[511] = 0xaa;
		for (int i = 0; i < 4; i++) {
			u8 *e = mbr + 446 + 16 * i;

			e[0] = (round & 1) ? 0 : e[0];	/* half the time a valid boot flag */
			if (round % 3 == 0)
				e[4] = (i == 3) ? 0x05 : 0x83;	/* extended chains too */
			if (round % 4 == 0) {
				u32 r[2];

				get_random_bytes(r, sizeof(r));
				put_le32(e + 8, r[0] % cap);
				put_le32(e + 12, r[1] % cap);
			}
		}
		KASSERT_EQ(write_sector(bdev, 0, mbr), 0);
		KEXPECT_EQ(rescan(bdev), 0);
		for (int n = 1; n < bdev->bd_disk->minors; n++)
			if (part_size(bdev, n))
				KEXPECT(part_start(bdev, n) + part_size(bdev, n) <= cap);
	}
	memset(mbr, 0, sizeof(mbr));
	KASSERT_EQ(write_sector(bdev, 0, mbr), 0);
	KEXPECT_EQ(rescan(bdev), 0);
	blkdev_put(bdev, FMODE_READ | FMODE_WRITE, NULL);
}
