/*
 * ktests of the partition table readers (block/partitions/).
 *
 * On the scratch virtio disk (/dev/vda, 32 MiB): MBR tables written with
 * bios, read back by a rescan (BLKRRPART's path), the partitions as Linux
 * names and sizes them; then damaged and random tables: never a fault,
 * bad entries cut or refused, the whole disk still usable.
 *
 * On disks held in memory: a small blk-mq driver here answers each
 * request with a copy from or to a buffer, so a test builds a table
 * image, puts it in the buffer and rescans, hundreds of times a second.
 * GPT as sfdisk and the UEFI specification lay it out (512- and
 * 4096-byte logical blocks), its damaged copies (primary or backup), and
 * fuzzing: valid MBR and GPT images corrupted at random, from fixed
 * seeds, each round rescanned; every result must keep partitions inside
 * the disk, apart from each other and within the minors, and the whole
 * disk readable.
 */
#include <kestrel/blk-mq.h>
#include <kestrel/blkdev.h>
#include <kestrel/crc32.h>
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/printk.h>
#include <kestrel/random.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/vmalloc.h>

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

/* ================================================================ disks in memory */

#define MEMDISK_BYTES (2u << 20)
#define MEMDISK_MINORS 16
#define FUZZ_ROUNDS 400

/* ---------------------------------------------------------------- a disk in memory */

struct memdisk {
	struct blk_mq_tag_set set;
	struct gendisk *disk;
	struct block_device *bdev;	/* the whole disk, open while the test runs */
	u8 *data;			/* MEMDISK_BYTES */
	int major;
};

static blk_status_t memdisk_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	struct memdisk *md = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	u64 pos = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
	struct req_iterator iter;
	struct bio_vec bv;

	blk_mq_start_request(rq);
	if (req_op(rq) == REQ_OP_READ || req_op(rq) == REQ_OP_WRITE) {
		rq_for_each_segment(bv, rq, iter) {
			u8 *mem = (u8 *)page_address(bv.bv_page) + bv.bv_offset;

			if (pos + bv.bv_len > MEMDISK_BYTES)
				break;
			if (req_op(rq) == REQ_OP_READ)
				memcpy(mem, md->data + pos, bv.bv_len);
			else
				memcpy(md->data + pos, mem, bv.bv_len);
			pos += bv.bv_len;
		}
	}
	blk_mq_complete_request(rq);
	return BLK_STS_OK;
}

static void memdisk_complete(struct request *rq)
{
	blk_mq_end_request(rq, BLK_STS_OK);
}

static const struct blk_mq_ops memdisk_mq_ops = {
	.queue_rq = memdisk_queue_rq,
	.complete = memdisk_complete,
};

static const struct block_device_operations memdisk_fops;	/* no ->open, ->ioctl ... */

static void memdisk_destroy(struct memdisk *md)
{
	if (md->bdev)
		blkdev_put(md->bdev, FMODE_READ | FMODE_WRITE, NULL);
	if (md->disk) {
		del_gendisk(md->disk);
		put_disk(md->disk);
	}
	blk_mq_free_tag_set(&md->set);
	if (md->major > 0)
		unregister_blkdev(md->major, "ktest-mem");
	vfree(md->data);
	kfree(md);
}

/* A MEMDISK_BYTES disk "ktmem0" of zeros with logical block size lbs, opened. */
static struct memdisk *memdisk_create(unsigned int lbs)
{
	struct memdisk *md = kzalloc(sizeof(*md), GFP_KERNEL);

	if (!md)
		return NULL;
	md->data = vzalloc(MEMDISK_BYTES);
	md->major = register_blkdev(0, "ktest-mem");
	md->set.ops = &memdisk_mq_ops;
	md->set.nr_hw_queues = 1;
	md->set.queue_depth = 16;
	if (!md->data || md->major <= 0 || blk_mq_alloc_tag_set(&md->set)) {
		md->set.ops = NULL;
		goto fail;
	}
	md->disk = blk_mq_alloc_disk(&md->set, md);
	if (IS_ERR(md->disk)) {
		md->disk = NULL;
		goto fail;
	}
	md->disk->major = md->major;
	md->disk->first_minor = 0;
	md->disk->minors = MEMDISK_MINORS;
	md->disk->fops = &memdisk_fops;
	md->disk->private_data = md;
	strlcpy(md->disk->disk_name, "ktmem0", DISK_NAME_LEN);
	blk_queue_logical_block_size(md->disk->queue, lbs);
	set_capacity(md->disk, MEMDISK_BYTES >> SECTOR_SHIFT);
	if (add_disk(md->disk)) {
		put_disk(md->disk);
		md->disk = NULL;
		goto fail;
	}
	md->bdev = blkdev_get_by_dev(MKDEV(md->major, 0), FMODE_READ | FMODE_WRITE, NULL);
	if (IS_ERR(md->bdev)) {
		md->bdev = NULL;
		goto fail;
	}
	return md;
fail:
	memdisk_destroy(md);
	return NULL;
}

static int memdisk_rescan(struct memdisk *md)
{
	int err;

	mutex_lock(&md->disk->open_mutex);
	err = disk_scan_partitions(md->disk);
	mutex_unlock(&md->disk->open_mutex);
	return err;
}

static sector_t md_part_start(struct memdisk *md, int n)
{
	struct block_device *p = md->disk->part_tbl[n];

	return p ? p->bd_start_sect : 0;
}

static sector_t md_part_size(struct memdisk *md, int n)
{
	struct block_device *p = md->disk->part_tbl[n];

	return p ? bdev_nr_sectors(p) : 0;
}

static int md_nr_parts(struct memdisk *md)
{
	int nr = 0;

	for (int n = 1; n < md->disk->minors; n++)
		nr += md_part_size(md, n) != 0;
	return nr;
}

/*
 * What every scan, however bad the table, must leave: partitions inside
 * the disk, none overlapping another, and the disk's first and last
 * sectors readable through a bio. Returns false (after saying why) otherwise.
 */
static bool partitions_sane(struct ktest_ctx *t, struct memdisk *md, u32 seed)
{
	sector_t cap = get_capacity(md->disk);
	unsigned int lbs = bdev_logical_block_size(md->bdev);
	u8 *buf = kmalloc(lbs, GFP_KERNEL);
	bool ok = buf != NULL;

	for (int a = 1; ok && a < md->disk->minors; a++) {
		sector_t as = md_part_start(md, a), asz = md_part_size(md, a);

		if (!asz)
			continue;
		if (as >= cap || asz > cap - as) {
			ktest_fail(t, __FILE__, __LINE__, "seed %u: partition %d [%llu,+%llu) leaves the disk",
				   seed, a, (unsigned long long)as, (unsigned long long)asz);
			ok = false;
		}
		for (int b = a + 1; ok && b < md->disk->minors; b++) {
			sector_t bs = md_part_start(md, b), bsz = md_part_size(md, b);

			if (bsz && as < bs + bsz && bs < as + asz) {
				ktest_fail(t, __FILE__, __LINE__, "seed %u: partitions %d and %d overlap",
					   seed, a, b);
				ok = false;
			}
		}
	}
	for (int i = 0; ok && i < 2; i++) {
		struct bio *bio = bio_alloc(md->bdev, 1, REQ_OP_READ, GFP_KERNEL);

		bio->bi_iter.bi_sector = i ? cap - lbs / SECTOR_SIZE : 0;
		bio_add_kernel_buffer(bio, buf, lbs);
		if (submit_bio_wait(bio)) {
			ktest_fail(t, __FILE__, __LINE__, "seed %u: the whole disk is not readable", seed);
			ok = false;
		}
		bio_put(bio);
	}
	kfree(buf);
	return ok;
}

/* ---------------------------------------------------------------- log lines */

/* Log records since seq containing needle. */
static int log_lines_since(u64 seq, const char *needle)
{
	char *text = kmalloc(512, GFP_KERNEL);
	struct printk_record_info info;
	int found = 0;

	if (!text)
		return -1;
	for (; seq < printk_next_seq(); seq = info.seq + 1) {
		int len = printk_get_record(seq, &info, text, 511);

		if (len < 0)
			break;
		text[len] = '\0';
		if (strstr(text, needle))
			found++;
	}
	kfree(text);
	return found;
}

/* The kernel's own alarms since seq: anything the dirty-log rule would catch. */
static int alarms_since(u64 seq)
{
	static const char *const alarms[] = { "WARNING:", "BUG:", "lockdep", "Oops", "Kernel panic" };
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(alarms); i++)
		n += log_lines_since(seq, alarms[i]);
	return n;
}

/* ---------------------------------------------------------------- building tables */

static void put_le16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}


static void put_le64(u8 *p, u64 v)
{
	put_le32(p, v);
	put_le32(p + 4, v >> 32);
}


static void mbr_magic(u8 *sector)
{
	sector[510] = 0x55;
	sector[511] = 0xaa;
}

static u32 crc32(const void *p, size_t len)
{
	return crc32_le(~0u, p, len) ^ ~0u;
}

#define GPT_ENTRIES 128
#define GPT_ARRAY_BYTES (GPT_ENTRIES * 128)

struct gpt_part {
	int index;		/* entry index: the partition is number index + 1 */
	u64 first, last;	/* LBAs, inclusive */
};

/* Header at LBA my (the other at alt) describing the array at entry_lba. */
static void gpt_header(u8 *img, unsigned int lbs, u64 my, u64 alt, u64 entry_lba, u64 last_lba)
{
	u8 *h = img + my * lbs;
	u64 array_lbas = GPT_ARRAY_BYTES / lbs;

	memset(h, 0, lbs);
	memcpy(h, "EFI PART", 8);
	put_le32(h + 8, 0x00010000);
	put_le32(h + 12, 92);
	put_le64(h + 24, my);
	put_le64(h + 32, alt);
	put_le64(h + 40, 2 + array_lbas);
	put_le64(h + 48, last_lba - array_lbas - 1);
	memset(h + 56, 0x5a, 16);
	put_le64(h + 72, entry_lba);
	put_le32(h + 80, GPT_ENTRIES);
	put_le32(h + 84, 128);
	put_le32(h + 88, crc32(img + entry_lba * lbs, GPT_ARRAY_BYTES));
	put_le32(h + 16, crc32(h, 92));
}

/* Recompute a header's CRCs after a test changed it (so the other checks are what refuse it). */
static void gpt_fix_crcs(u8 *img, unsigned int lbs, u64 lba, u64 nr_lbas)
{
	u8 *h = img + lba * lbs;
	u64 entry_lba = h[72] | (u64)h[73] << 8 | (u64)h[74] << 16 | (u64)h[75] << 24;
	u32 n = h[80] | h[81] << 8 | h[82] << 16 | (u32)h[83] << 24;
	u32 hsize = h[12] | h[13] << 8;

	if (n <= GPT_ENTRIES && entry_lba < nr_lbas && (entry_lba * lbs + (u64)n * 128) <= MEMDISK_BYTES)
		put_le32(h + 88, crc32(img + entry_lba * lbs, (size_t)n * 128));
	put_le32(h + 16, 0);
	if (hsize >= 92 && hsize <= lbs)
		put_le32(h + 16, crc32(h, hsize));
}

/* A whole GPT disk image: protective MBR, primary and backup headers and arrays, parts. */
static void gpt_build(u8 *img, unsigned int lbs, const struct gpt_part *parts, int nr)
{
	u64 nr_lbas = MEMDISK_BYTES / lbs, last = nr_lbas - 1;
	u64 array_lbas = GPT_ARRAY_BYTES / lbs;
	u8 *array = img + 2 * lbs;

	memset(img, 0, MEMDISK_BYTES);
	mbr_entry(img, 0, 0xee, 1, (u32)min(last, (u64)0xffffffff));
	mbr_magic(img);
	for (int i = 0; i < nr; i++) {
		u8 *e = array + parts[i].index * 128;

		memset(e, 0xaf, 16);		/* some type GUID: not all zero */
		memset(e + 16, 0x11 + i, 16);
		put_le64(e + 32, parts[i].first);
		put_le64(e + 40, parts[i].last);
		put_le16(e + 56, 'k');
	}
	memcpy(img + (last - array_lbas) * lbs, array, GPT_ARRAY_BYTES);
	gpt_header(img, lbs, 1, last, 2, last);
	gpt_header(img, lbs, last, 1, last - array_lbas, last);
}

static void memdisk_load(struct memdisk *md, const u8 *img)
{
	memcpy(md->data, img, MEMDISK_BYTES);
}

/* Three partitions at entries 0, 1 and 5 (numbers 1, 2, 6), in LBAs of lbs bytes. */
static int gpt_three_parts(struct gpt_part *p, unsigned int lbs)
{
	u64 per_mib = (1u << 20) / lbs;

	p[0] = (struct gpt_part){ 0, per_mib / 8, per_mib / 4 - 1 };		/* 128 KiB */
	p[1] = (struct gpt_part){ 1, per_mib / 4, per_mib - 1 };		/* 768 KiB */
	p[2] = (struct gpt_part){ 5, per_mib, per_mib + per_mib / 2 - 1 };	/* 512 KiB */
	return 3;
}

static void expect_three_parts(struct ktest_ctx *t, struct memdisk *md)
{
	KEXPECT_EQ(md_part_start(md, 1), 256ULL);
	KEXPECT_EQ(md_part_size(md, 1), 256ULL);
	KEXPECT_EQ(md_part_start(md, 2), 512ULL);
	KEXPECT_EQ(md_part_size(md, 2), 1536ULL);
	KEXPECT_EQ(md_part_start(md, 6), 2048ULL);
	KEXPECT_EQ(md_part_size(md, 6), 1024ULL);
	KEXPECT_EQ(md_nr_parts(md), 3);
}

/* ---------------------------------------------------------------- GPT */

/* A valid GPT, 512-byte and 4096-byte blocks: the partitions as Linux numbers and sizes them. */
KTEST(partition, gpt_read_in_both_block_sizes)
{
	static const unsigned int sizes[] = { 512, 4096 };
	u8 *img = vmalloc(MEMDISK_BYTES);

	KASSERT(img != NULL);
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		struct memdisk *md = memdisk_create(sizes[s]);
		struct gpt_part parts[3];
		u64 seq = printk_next_seq();
		int nr = gpt_three_parts(parts, sizes[s]);
		dev_t dev;

		KASSERT(md != NULL);
		gpt_build(img, sizes[s], parts, nr);
		memdisk_load(md, img);
		KEXPECT_EQ(memdisk_rescan(md), 0);
		expect_three_parts(t, md);
		KEXPECT_EQ(log_lines_since(seq, "GPT:"), 0);	/* a good table: no complaint */
		KEXPECT_EQ(log_lines_since(seq, " ktmem0: ktmem0p1 ktmem0p2 ktmem0p6"), 1);
		KEXPECT_EQ(lookup_bdev("/dev/ktmem0p6", &dev), 0);
		KEXPECT_EQ(MINOR(dev), 6u);
		memdisk_destroy(md);
	}
	vfree(img);
}

/*
 * A damaged primary (its header, or its entry array) gives way to the
 * backup, a damaged backup to the primary, each with one log line; with
 * both damaged there are no partitions and the disk stays usable.
 */
KTEST(partition, gpt_damaged_copy_falls_back)
{
	struct memdisk *md = memdisk_create(512);
	u8 *img = vmalloc(MEMDISK_BYTES);
	u64 last = MEMDISK_BYTES / 512 - 1;
	struct gpt_part parts[3];
	int nr = gpt_three_parts(parts, 512);
	u64 seq;

	KASSERT(md != NULL && img != NULL);
	/* The primary header's CRC broken. */
	gpt_build(img, 512, parts, nr);
	img[512 + 16] ^= 1;
	memdisk_load(md, img);
	seq = printk_next_seq();
	KEXPECT_EQ(memdisk_rescan(md), 0);
	expect_three_parts(t, md);
	KEXPECT_EQ(log_lines_since(seq, "GPT: the primary header is invalid (it fails its CRC); using the backup"), 1);
	KEXPECT_EQ(log_lines_since(seq, "GPT:"), 1);

	/* The primary's entry array changed (a partition moved): its CRC refuses it. */
	gpt_build(img, 512, parts, nr);
	put_le64(img + 2 * 512 + 32, 40);
	memdisk_load(md, img);
	seq = printk_next_seq();
	KEXPECT_EQ(memdisk_rescan(md), 0);
	expect_three_parts(t, md);
	KEXPECT_EQ(log_lines_since(seq, "its partition entries fail their CRC); using the backup"), 1);

	/* The backup header wiped. */
	gpt_build(img, 512, parts, nr);
	memset(img + last * 512, 0, 512);
	memdisk_load(md, img);
	seq = printk_next_seq();
	KEXPECT_EQ(memdisk_rescan(md), 0);
	expect_three_parts(t, md);
	KEXPECT_EQ(log_lines_since(seq, "GPT: the backup header at LBA 4095 is invalid (it has no GPT signature); using the primary"), 1);
	KEXPECT_EQ(log_lines_since(seq, "GPT:"), 1);

	/* A primary claiming to be elsewhere (CRCs recomputed): refused, the backup used. */
	gpt_build(img, 512, parts, nr);
	put_le64(img + 512 + 24, 7);
	gpt_fix_crcs(img, 512, 1, last + 1);
	memdisk_load(md, img);
	seq = printk_next_seq();
	KEXPECT_EQ(memdisk_rescan(md), 0);
	expect_three_parts(t, md);
	KEXPECT_EQ(log_lines_since(seq, "(it names another LBA as its own); using the backup"), 1);

	/* Both damaged: no partitions, one line, the disk itself readable. */
	gpt_build(img, 512, parts, nr);
	img[512 + 16] ^= 1;
	img[last * 512 + 16] ^= 1;
	memdisk_load(md, img);
	seq = printk_next_seq();
	KEXPECT_EQ(memdisk_rescan(md), 0);
	KEXPECT_EQ(md_nr_parts(md), 0);
	KEXPECT_EQ(log_lines_since(seq, "GPT: both headers are invalid"), 1);
	KEXPECT_EQ(log_lines_since(seq, "GPT:"), 1);
	KEXPECT(partitions_sane(t, md, 0));
	memdisk_destroy(md);
	vfree(img);
}

/* Entries that are reversed or leave the disk are skipped; the good ones stay. */
KTEST(partition, gpt_bad_entries_skipped)
{
	struct memdisk *md = memdisk_create(512);
	u8 *img = vmalloc(MEMDISK_BYTES);
	u64 last = MEMDISK_BYTES / 512 - 1;
	struct gpt_part parts[] = {
		{ 0, 256, 511 },		/* good */
		{ 1, 900, 800 },		/* reversed */
		{ 2, 1000, last + 10 },		/* past the end */
		{ 3, 512, 767 },		/* good */
		{ 20, 1024, 1100 },		/* beyond 16 minors: not shown */
	};

	KASSERT(md != NULL && img != NULL);
	gpt_build(img, 512, parts, ARRAY_SIZE(parts));
	memdisk_load(md, img);
	KEXPECT_EQ(memdisk_rescan(md), 0);
	KEXPECT_EQ(md_part_size(md, 1), 256ULL);
	KEXPECT_EQ(md_part_size(md, 4), 256ULL);
	KEXPECT_EQ(md_nr_parts(md), 2);
	KEXPECT(partitions_sane(t, md, 0));
	memdisk_destroy(md);
	vfree(img);
}

/* ---------------------------------------------------------------- fuzzing */

/* xorshift32: the same seed gives the same corruption, so a failure names its seed. */
static u32 next_rand(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A plausible value for a corrupted field: small, near the disk's size, or anything. */
static u64 fuzz_value(u32 *s, u64 nr_lbas)
{
	switch (next_rand(s) % 4) {
	case 0:
		return next_rand(s) % 64;
	case 1:
		return nr_lbas - 4 + next_rand(s) % 8;
	case 2:
		return next_rand(s) % (nr_lbas * 2);
	default:
		return (u64)next_rand(s) << 32 | next_rand(s);
	}
}

static void corrupt_gpt(u8 *img, unsigned int lbs, u32 *s)
{
	u64 nr_lbas = MEMDISK_BYTES / lbs, last = nr_lbas - 1;
	u64 header = next_rand(s) & 1 ? 1 : last;
	static const u8 fields[] = { 12, 24, 32, 40, 48, 72, 80, 84 };	/* header field offsets */

	for (int k = 1 + next_rand(s) % 4; k > 0; k--) {
		switch (next_rand(s) % 4) {
		case 0: {	/* a random byte anywhere in the tables' areas */
			u64 area = next_rand(s) % (34 * 512);
			u64 off = next_rand(s) & 1 ? area : MEMDISK_BYTES - 1 - area;

			img[off] = (u8)next_rand(s);
			break;
		}
		case 1: {	/* a header field */
			u8 *h = img + header * lbs + fields[next_rand(s) % ARRAY_SIZE(fields)];
			u64 v = fuzz_value(s, nr_lbas);

			if (h - (img + header * lbs) >= 80)
				put_le32(h, (u32)v);
			else if (h - (img + header * lbs) == 12)
				put_le32(h, (u32)(v % (lbs * 2)));
			else
				put_le64(h, v);
			break;
		}
		case 2: {	/* an entry's range */
			u8 *e = img + 2 * lbs + (next_rand(s) % 8) * 128;

			memset(e, (u8)next_rand(s), 16);
			put_le64(e + 32 + 8 * (next_rand(s) & 1), fuzz_value(s, nr_lbas));
			memcpy(img + (last - GPT_ARRAY_BYTES / lbs) * lbs, img + 2 * lbs, GPT_ARRAY_BYTES);
			break;
		}
		default:	/* the protective MBR */
			img[446 + next_rand(s) % 66] = (u8)next_rand(s);
			break;
		}
	}
	/* Most of the time make the CRCs right again, so the other checks are what is tested. */
	if (next_rand(s) % 4) {
		gpt_fix_crcs(img, lbs, 1, nr_lbas);
		gpt_fix_crcs(img, lbs, last, nr_lbas);
	}
}

static void fuzz_gpt(struct ktest_ctx *t, unsigned int lbs, u32 first_seed)
{
	struct memdisk *md = memdisk_create(lbs);
	u8 *good = vmalloc(MEMDISK_BYTES), *img = vmalloc(MEMDISK_BYTES);
	struct gpt_part parts[3];
	int nr = gpt_three_parts(parts, lbs), old_level = console_loglevel_get();
	u64 seq = printk_next_seq();

	KASSERT(md != NULL && good != NULL && img != NULL);
	gpt_build(good, lbs, parts, nr);
	console_loglevel_set(4);	/* hundreds of complaints: the log keeps them, the console not */
	for (u32 seed = first_seed; seed < first_seed + FUZZ_ROUNDS; seed++) {
		u32 s = seed;

		memcpy(img, good, MEMDISK_BYTES);
		corrupt_gpt(img, lbs, &s);
		memdisk_load(md, img);
		if (memdisk_rescan(md) != 0) {
			ktest_fail(t, __FILE__, __LINE__, "seed %u: the rescan failed", seed);
			break;
		}
		if (!partitions_sane(t, md, seed))
			break;
	}
	console_loglevel_set(old_level);
	KEXPECT_EQ(alarms_since(seq), 0);
	KEXPECT(log_lines_since(seq, "GPT:") > 0);	/* the corruption was seen */
	memdisk_destroy(md);
	vfree(img);
	vfree(good);
}

KTEST(partition, fuzzed_gpt_512)
{
	fuzz_gpt(t, 512, 1);
}

KTEST(partition, fuzzed_gpt_4096)
{
	fuzz_gpt(t, 4096, 100001);
}

/* Two primaries and an extended partition holding three logicals: the valid image fuzzing starts from. */
static void mbr_build(u8 *img)
{
	memset(img, 0, MEMDISK_BYTES);
	mbr_entry(img, 0, 0x83, 64, 448);
	mbr_entry(img, 1, 0x0c, 512, 512);
	mbr_entry(img, 2, 0x05, 1024, 3072);
	mbr_magic(img);
	for (int i = 0; i < 3; i++) {
		u8 *ebr = img + (1024 + 1024 * i) * 512;

		mbr_entry(ebr, 0, 0x83, 64, 512);
		if (i < 2)
			mbr_entry(ebr, 1, 0x05, 1024 * (i + 1), 1024);
		mbr_magic(ebr);
	}
}

KTEST(partition, mbr_image_read)
{
	struct memdisk *md = memdisk_create(512);
	u8 *img = vmalloc(MEMDISK_BYTES);

	KASSERT(md != NULL && img != NULL);
	mbr_build(img);
	memdisk_load(md, img);
	KEXPECT_EQ(memdisk_rescan(md), 0);
	KEXPECT_EQ(md_part_size(md, 1), 448ULL);
	KEXPECT_EQ(md_part_size(md, 2), 512ULL);
	KEXPECT_EQ(md_part_size(md, 3), 2ULL);
	KEXPECT_EQ(md_part_start(md, 5), 1088ULL);
	KEXPECT_EQ(md_part_start(md, 6), 2112ULL);
	KEXPECT_EQ(md_part_start(md, 7), 3136ULL);
	KEXPECT_EQ(md_part_size(md, 7), 512ULL);
	KEXPECT_EQ(md_nr_parts(md), 6);
	memdisk_destroy(md);
	vfree(img);
}

static void corrupt_mbr(u8 *img, u32 *s)
{
	static const u32 records[] = { 0, 1024, 2048, 3072 };	/* MBR and EBRs, in sectors */

	for (int k = 1 + next_rand(s) % 4; k > 0; k--) {
		u8 *rec = img + records[next_rand(s) % ARRAY_SIZE(records)] * 512;
		u8 *e = rec + 446 + 16 * (next_rand(s) % 4);

		switch (next_rand(s) % 4) {
		case 0:		/* a random byte of the table */
			rec[446 + next_rand(s) % 66] = (u8)next_rand(s);
			break;
		case 1:		/* a start or size */
			put_le32(e + 8 + 4 * (next_rand(s) & 1), (u32)fuzz_value(s, MEMDISK_BYTES / 512));
			break;
		case 2:		/* a type: extended, GPT-protective, empty or Linux */
			e[4] = (const u8[]){ 0x05, 0x0f, 0x85, 0xee, 0x00, 0x83 }[next_rand(s) % 6];
			break;
		default:	/* a boot flag */
			e[0] = next_rand(s) & 1 ? 0x80 : (u8)next_rand(s);
			break;
		}
	}
}

KTEST(partition, fuzzed_mbr_images)
{
	struct memdisk *md = memdisk_create(512);
	u8 *good = vmalloc(MEMDISK_BYTES), *img = vmalloc(MEMDISK_BYTES);
	int old_level = console_loglevel_get();
	u64 seq = printk_next_seq();

	KASSERT(md != NULL && good != NULL && img != NULL);
	mbr_build(good);
	console_loglevel_set(4);
	for (u32 seed = 200001; seed < 200001 + FUZZ_ROUNDS; seed++) {
		u32 s = seed;

		memcpy(img, good, MEMDISK_BYTES);
		corrupt_mbr(img, &s);
		memdisk_load(md, img);
		if (memdisk_rescan(md) != 0) {
			ktest_fail(t, __FILE__, __LINE__, "seed %u: the rescan failed", seed);
			break;
		}
		if (!partitions_sane(t, md, seed))
			break;
	}
	console_loglevel_set(old_level);
	KEXPECT_EQ(alarms_since(seq), 0);
	memdisk_destroy(md);
	vfree(img);
	vfree(good);
}
