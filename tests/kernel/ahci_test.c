/*
 * ktests of the AHCI driver and libata (drivers/ata/): the pure parts
 * (IDENTIFY parsing, task files, FIS, PRD tables) on made-up data, and
 * the driver on QEMU's real AHCI model: the scratch disk tools/run-tests
 * attaches to every ktest machine as /dev/sda (32 MiB of zeros, serial
 * KTEST-AHCI-0001, 4 KiB physical sectors; on -device ahci under pc, on
 * the built-in ICH9 controller under q35). QEMU's blkdebug sits under it
 * and fails every read touching sector 60000 and every write touching
 * sector 61000, for the error path; a timeout is injected by the
 * driver's own fault injection (ap->test_lose).
 */
#include <kestrel/ahci.h>
#include <kestrel/bio.h>
#include <kestrel/completion.h>
#include <kestrel/errno.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/libata.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/string_helpers.h>

#define AHCI_DISK "/dev/sda"
#define BAD_READ_SECTOR 60000		/* blkdebug: reads touching it fail */
#define BAD_WRITE_SECTOR 61000		/* blkdebug: writes touching it fail */

/* ---------------------------------------------------------------- made-up IDENTIFY data */

/* An ATA string as a device stores it: two characters a word, high byte first, space padded. */
static void put_id_string(u16 *id, unsigned int ofs, const char *s, unsigned int len)
{
	for (unsigned int i = 0; i < len; i += 2) {
		u8 hi = i < strlen(s) ? s[i] : ' ', lo = i + 1 < strlen(s) ? s[i + 1] : ' ';

		id[ofs + i / 2] = hi << 8 | lo;
	}
}

KTEST(ahci, id_strings)
{
	u16 *id = kzalloc(ATA_ID_WORDS * 2, GFP_KERNEL);
	char buf[ATA_ID_PROD_LEN + 1];

	KASSERT(id);
	put_id_string(id, ATA_ID_PROD, "QEMU HARDDISK", ATA_ID_PROD_LEN);
	KEXPECT_EQ(id[ATA_ID_PROD], (u16)('Q' << 8 | 'E'));	/* the first character is the high byte */
	ata_id_c_string(id, buf, ATA_ID_PROD, ATA_ID_PROD_LEN);
	KEXPECT_STREQ(buf, "QEMU HARDDISK");			/* padding cut, inner space kept */
	ata_id_string(id, buf, ATA_ID_PROD, 16);
	KEXPECT(!memcmp(buf, "QEMU HARDDISK   ", 16));		/* the raw form keeps it */

	put_id_string(id, ATA_ID_SERNO, "ABCDEFGHIJKLMNOPQRST", ATA_ID_SERNO_LEN);
	ata_id_c_string(id, buf, ATA_ID_SERNO, ATA_ID_SERNO_LEN);
	KEXPECT_STREQ(buf, "ABCDEFGHIJKLMNOPQRST");		/* all 20 used: nothing cut */

	put_id_string(id, ATA_ID_FW_REV, "2.5+", ATA_ID_FW_REV_LEN);
	id[ATA_ID_FW_REV + 3] = 0;				/* NUL padding, as some devices do */
	ata_id_c_string(id, buf, ATA_ID_FW_REV, ATA_ID_FW_REV_LEN);
	KEXPECT_STREQ(buf, "2.5+");

	memset(id + ATA_ID_SERNO, ' ', ATA_ID_SERNO_LEN);	/* all blank */
	ata_id_c_string(id, buf, ATA_ID_SERNO, ATA_ID_SERNO_LEN);
	KEXPECT_STREQ(buf, "");
	kfree(id);
}

/* Word 255: 0xA5 and a checksum byte making the 512 bytes sum to 0. */
static void seal_id(u16 *id)
{
	u8 sum = 0;

	id[ATA_ID_INTEGRITY] = 0xa5;
	for (int i = 0; i < ATA_ID_WORDS * 2; i++)
		sum += ((u8 *)id)[i];
	id[ATA_ID_INTEGRITY] |= (u16)(u8)-sum << 8;
}

KTEST(ahci, id_numbers)
{
	u16 *id = kzalloc(ATA_ID_WORDS * 2, GFP_KERNEL);

	KASSERT(id);
	KEXPECT_EQ(ata_id_n_sectors(id), 0ULL);			/* no LBA: no capacity we can use */
	id[ATA_ID_CAPABILITY] = 1 << 9 | 1 << 8;
	id[ATA_ID_LBA_CAPACITY] = 0x5678;
	id[ATA_ID_LBA_CAPACITY + 1] = 0x0123;
	KEXPECT_EQ(ata_id_n_sectors(id), 0x01235678ULL);	/* LBA28 */
	id[ATA_ID_LBA_CAPACITY_2] = 0x0001;
	id[ATA_ID_LBA_CAPACITY_2 + 1] = 0x0002;
	id[ATA_ID_LBA_CAPACITY_2 + 2] = 0x0003;
	id[ATA_ID_COMMAND_SET_2] = 0x4000 | 1 << 10 | 1 << 13;
	KEXPECT(!ata_id_has_lba48(id));				/* supported but not enabled (word 86) */
	id[ATA_ID_CFS_ENABLE_2] = 1 << 10;
	KEXPECT(ata_id_has_lba48(id) && ata_id_has_flush_ext(id));
	KEXPECT_EQ(ata_id_n_sectors(id), 0x000300020001ULL);
	id[ATA_ID_COMMAND_SET_2] = 0xffff;			/* word not valid: bits mean nothing */
	KEXPECT(!ata_id_has_lba48(id) && !ata_id_has_flush_ext(id));

	KEXPECT_EQ(ata_id_logical_sector_size(id), 512u);
	KEXPECT_EQ(ata_id_logical_per_physical_sectors(id), 1u);
	id[ATA_ID_SECTOR_SIZE] = 0x4000 | 1 << 13 | 3;		/* 8 logical per physical: 512e */
	KEXPECT_EQ(ata_id_logical_per_physical_sectors(id), 8u);
	KEXPECT_EQ(ata_id_logical_sector_size(id), 512u);
	id[ATA_ID_SECTOR_SIZE] = 0x4000 | 1 << 12;		/* 4Kn: 2048 words */
	id[ATA_ID_LOGICAL_SECTOR_SIZE] = 2048;
	KEXPECT_EQ(ata_id_logical_sector_size(id), 4096u);
	id[ATA_ID_LOGICAL_SECTOR_SIZE] = 100;			/* nonsense: keep 512 */
	KEXPECT_EQ(ata_id_logical_sector_size(id), 512u);
	id[ATA_ID_SECTOR_SIZE] = 0x8000 | 1 << 13 | 3;		/* word not valid */
	KEXPECT_EQ(ata_id_logical_per_physical_sectors(id), 1u);

	KEXPECT(!ata_id_has_ncq(id));
	id[ATA_ID_SATA_CAPABILITY] = 1 << 8 | 1 << 1;
	id[ATA_ID_QUEUE_DEPTH] = 31;
	KEXPECT(ata_id_has_ncq(id));
	KEXPECT_EQ(ata_id_queue_depth(id), 32u);
	id[ATA_ID_SATA_CAPABILITY] = 0xffff;			/* "not reported" */
	KEXPECT(!ata_id_has_ncq(id));

	id[ATA_ID_CFSSE] = 1 << 6;				/* FUA bit in a word not marked valid */
	KEXPECT(!ata_id_has_fua(id));
	id[ATA_ID_CFSSE] = 0x4000 | 1 << 6;
	KEXPECT(ata_id_has_fua(id));
	id[ATA_ID_CFS_ENABLE_1] = 1 << 5;
	KEXPECT(ata_id_wcache_enabled(id));

	id[ATA_ID_MAJOR_VER] = 0x00f0;				/* ATA-4 to ATA-7: QEMU's */
	KEXPECT_EQ(ata_id_major_version(id), 7u);
	id[ATA_ID_MAJOR_VER] = 0xffff;
	KEXPECT_EQ(ata_id_major_version(id), 0u);
	KEXPECT_STREQ(ata_id_xfer_mode_name(id), "PIO");
	id[ATA_ID_FIELD_VALID] = 1 << 2;
	id[ATA_ID_UDMA_MODES] = 0x003f;
	KEXPECT_STREQ(ata_id_xfer_mode_name(id), "UDMA/100");

	KEXPECT(ata_id_checksum_ok(id));			/* no 0xA5: no checksum to check */
	seal_id(id);
	KEXPECT(ata_id_checksum_ok(id));
	id[ATA_ID_PROD] ^= 0x0100;
	KEXPECT(!ata_id_checksum_ok(id));
	kfree(id);
}

KTEST(ahci, rw_taskfiles)
{
	struct ata_taskfile tf;

	/* NCQ read: count in the features, tag in the count register's bits 7:3. */
	KASSERT_EQ(ata_build_rw_tf(&tf, 0x123456789aULL, 0x0180, false, false, true, true, 5), 0);
	KEXPECT_EQ(tf.protocol, ATA_PROT_NCQ);
	KEXPECT_EQ(tf.command, ATA_CMD_FPDMA_READ);
	KEXPECT_EQ(tf.nsect, 5 << 3);
	KEXPECT_EQ(tf.feature, 0x80);
	KEXPECT_EQ(tf.hob_feature, 0x01);
	KEXPECT(tf.lbal == 0x9a && tf.lbam == 0x78 && tf.lbah == 0x56);
	KEXPECT(tf.hob_lbal == 0x34 && tf.hob_lbam == 0x12 && tf.hob_lbah == 0x00);
	KEXPECT_EQ(tf.device, ATA_LBA);
	/* NCQ FUA write: bit 7 of the device register. */
	KASSERT_EQ(ata_build_rw_tf(&tf, 8, 8, true, true, true, true, 31), 0);
	KEXPECT_EQ(tf.command, ATA_CMD_FPDMA_WRITE);
	KEXPECT_EQ(tf.device, ATA_LBA | ATA_NCQ_FUA);
	KEXPECT_EQ(tf.nsect, 31 << 3);
	/* DMA EXT: 65536 sectors is a count of 0. */
	KASSERT_EQ(ata_build_rw_tf(&tf, 0, 65536, false, false, true, false, 0), 0);
	KEXPECT_EQ(tf.protocol, ATA_PROT_DMA);
	KEXPECT_EQ(tf.command, ATA_CMD_READ_EXT);
	KEXPECT(tf.nsect == 0 && tf.hob_nsect == 0);
	KASSERT_EQ(ata_build_rw_tf(&tf, 100, 2, true, true, true, false, 0), 0);
	KEXPECT_EQ(tf.command, ATA_CMD_WRITE_FUA_EXT);
	KEXPECT(tf.flags & ATA_TFLAG_WRITE);
	/* LBA28: the top 4 address bits in the device register. */
	KASSERT_EQ(ata_build_rw_tf(&tf, 0x0abcdef1, 256, true, false, false, false, 0), 0);
	KEXPECT_EQ(tf.command, ATA_CMD_WRITE);
	KEXPECT_EQ(tf.device, ATA_LBA | 0x0a);
	KEXPECT(tf.lbah == 0xbc && tf.lbam == 0xde && tf.lbal == 0xf1 && tf.nsect == 0);
	/* What does not fit is refused. */
	KEXPECT_EQ(ata_build_rw_tf(&tf, 0, 0, false, false, true, false, 0), -ERANGE);
	KEXPECT_EQ(ata_build_rw_tf(&tf, 0, 65537, false, false, true, false, 0), -ERANGE);
	KEXPECT_EQ(ata_build_rw_tf(&tf, (1ULL << 48) - 1, 2, false, false, true, false, 0), -ERANGE);
	KEXPECT_EQ(ata_build_rw_tf(&tf, 0, 8, false, false, true, true, 32), -ERANGE);
	KEXPECT_EQ(ata_build_rw_tf(&tf, 0, 257, false, false, false, false, 0), -ERANGE);
	KEXPECT_EQ(ata_build_rw_tf(&tf, (1 << 28) - 1, 2, false, false, false, false, 0), -ERANGE);
	KEXPECT_EQ(ata_build_rw_tf(&tf, 0, 8, true, true, false, false, 0), -EINVAL);
}

KTEST(ahci, fis_layout)
{
	struct ata_taskfile tf;
	u8 fis[SATA_FIS_H2D_LEN];

	KASSERT_EQ(ata_build_rw_tf(&tf, 0x0605040302ULL, 0x0809, true, false, true, true, 7), 0);
	ata_tf_to_fis(&tf, 0, true, fis);
	KEXPECT_EQ(fis[0], SATA_FIS_REG_H2D);
	KEXPECT_EQ(fis[1], SATA_FIS_H2D_C);
	KEXPECT_EQ(fis[2], ATA_CMD_FPDMA_WRITE);
	KEXPECT_EQ(fis[3], 0x09);				/* count 7:0 in features 7:0 */
	KEXPECT(fis[4] == 0x02 && fis[5] == 0x03 && fis[6] == 0x04);
	KEXPECT_EQ(fis[7], ATA_LBA);
	KEXPECT(fis[8] == 0x05 && fis[9] == 0x06 && fis[10] == 0x00);
	KEXPECT_EQ(fis[11], 0x08);				/* count 15:8 */
	KEXPECT_EQ(fis[12], 7 << 3);				/* the tag */
	KEXPECT(fis[13] == 0 && fis[15] == 0 && fis[19] == 0);
}

static void sg_set(struct scatterlist *sg, phys_addr_t addr, unsigned int len)
{
	sg->dma_address = addr;
	sg->length = len;
}

/* PRD tables for layouts the block layer can hand over: each entry as AHCI wants it. */
KTEST(ahci, prd_odd_layouts)
{
	struct ahci_sg prd[8];
	struct scatterlist sg[9];

	/* One sector at a 2-byte aligned address: byte count stored minus one. */
	sg_set(&sg[0], 0x1002, 512);
	KASSERT_EQ(ahci_fill_prdt(prd, 8, sg, 1), 1);
	KEXPECT(prd[0].addr == 0x1002 && prd[0].addr_hi == 0 && prd[0].flags_size == 511);
	KEXPECT_EQ(prd[0].reserved, 0u);

	/* Pieces of different sizes, one across a page boundary, one above 4 GiB. */
	sg_set(&sg[0], 0x10000e00, 512);
	sg_set(&sg[1], 0x20000800, 6144);
	sg_set(&sg[2], 0x123456000ULL, 3 * 4096);
	KASSERT_EQ(ahci_fill_prdt(prd, 8, sg, 3), 3);
	KEXPECT(prd[0].addr == 0x10000e00 && prd[0].flags_size == 511);
	KEXPECT(prd[1].addr == 0x20000800 && prd[1].flags_size == 6143);
	KEXPECT(prd[2].addr == 0x23456000 && prd[2].addr_hi == 1 && prd[2].flags_size == 12287);
	for (int i = 0; i < 3; i++)
		KEXPECT(!(prd[i].flags_size & AHCI_PRD_IRQ));	/* completion comes from the FIS */

	/* A 9 MiB piece: entries of at most 4 MiB, back to back. */
	sg_set(&sg[0], 0x40000000, 9 << 20);
	KASSERT_EQ(ahci_fill_prdt(prd, 8, sg, 1), 3);
	KEXPECT(prd[0].addr == 0x40000000 && prd[0].flags_size == (4u << 20) - 1);
	KEXPECT(prd[1].addr == 0x40400000 && prd[1].flags_size == (4u << 20) - 1);
	KEXPECT(prd[2].addr == 0x40800000 && prd[2].flags_size == (1u << 20) - 1);

	/* AHCI moves words: odd addresses and lengths are refused, so is nothing. */
	sg_set(&sg[0], 0x1001, 512);
	KEXPECT_EQ(ahci_fill_prdt(prd, 8, sg, 1), -EINVAL);
	sg_set(&sg[0], 0x1000, 511);
	KEXPECT_EQ(ahci_fill_prdt(prd, 8, sg, 1), -EINVAL);
	sg_set(&sg[0], 0x1000, 0);
	KEXPECT_EQ(ahci_fill_prdt(prd, 8, sg, 1), -EINVAL);

	/* More entries than the table has room for. */
	for (int i = 0; i < 9; i++)
		sg_set(&sg[i], 0x100000 + i * 0x2000, 4096);
	KEXPECT_EQ(ahci_fill_prdt(prd, 8, sg, 9), -E2BIG);
	KEXPECT_EQ(ahci_fill_prdt(prd, 8, sg, 8), 8);
	sg_set(&sg[0], 0x40000000, 9 << 20);
	KEXPECT_EQ(ahci_fill_prdt(prd, 2, sg, 1), -E2BIG);
	KEXPECT_EQ(ahci_fill_prdt(prd, 8, sg, 0), 0);		/* no data: no entry */
}

KTEST(ahci, size_strings)
{
	char buf[16];

	string_get_size(131072, 512, STRING_UNITS_10, buf, sizeof(buf));
	KEXPECT_STREQ(buf, "67.1 MB");
	string_get_size(131072, 512, STRING_UNITS_2, buf, sizeof(buf));
	KEXPECT_STREQ(buf, "64.0 MiB");
	string_get_size(1, 512, STRING_UNITS_2, buf, sizeof(buf));
	KEXPECT_STREQ(buf, "512 B");
	string_get_size(976773168, 512, STRING_UNITS_10, buf, sizeof(buf));
	KEXPECT_STREQ(buf, "500 GB");
}

/* ---------------------------------------------------------------- the real disk */

static struct block_device *open_ahci_disk(struct ktest_ctx *t)
{
	struct block_device *bdev;
	dev_t dev;
	int err = lookup_bdev(AHCI_DISK, &dev);

	if (err) {
		ktest_fail(t, __FILE__, __LINE__, "no %s (error %d): these tests need the scratch "
			   "AHCI disk tools/run-tests attaches", AHCI_DISK, err);
		return NULL;
	}
	bdev = blkdev_get_by_dev(dev, FMODE_READ | FMODE_WRITE, NULL);
	if (IS_ERR(bdev)) {
		ktest_fail(t, __FILE__, __LINE__, "open %s: error %ld", AHCI_DISK, PTR_ERR(bdev));
		return NULL;
	}
	if (!ata_dev_of_disk(bdev->bd_disk)) {
		ktest_fail(t, __FILE__, __LINE__, "%s is not an ATA disk", AHCI_DISK);
		blkdev_put(bdev, FMODE_READ | FMODE_WRITE, NULL);
		return NULL;
	}
	return bdev;
}

static void close_ahci_disk(struct block_device *bdev)
{
	blkdev_put(bdev, FMODE_READ | FMODE_WRITE, NULL);
}

static struct ata_device *ata_of(struct block_device *bdev)
{
	return ata_dev_of_disk(bdev->bd_disk);
}

static int bio_rw(struct block_device *bdev, blk_opf_t opf, sector_t sector, void *buf,
		  unsigned int len)
{
	struct bio *bio = bio_alloc(bdev, min(DIV_ROUND_UP(len, PAGE_SIZE) + 1,
					      (unsigned long)BIO_MAX_VECS), opf, GFP_KERNEL);
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

KTEST(ahci, disk_identified)
{
	struct block_device *bdev = open_ahci_disk(t);
	struct ata_device *dev;

	if (!bdev)
		return;
	dev = ata_of(bdev);
	KEXPECT_STREQ(bdev->bd_disk->disk_name, "sda");
	KEXPECT_EQ(MAJOR(bdev->bd_dev), 8u);
	KEXPECT_EQ(MINOR(bdev->bd_dev), 0u);
	KEXPECT_EQ(bdev->bd_disk->minors, 16);
	KEXPECT_STREQ(dev->model, "Kestrel_ktest_disk");
	KEXPECT_STREQ(dev->serial, "KTEST-AHCI-0001");
	KEXPECT_EQ(dev->n_sectors, 65536ULL);
	KEXPECT_EQ(bdev_nr_bytes(bdev), (loff_t)32 << 20);
	KEXPECT_EQ(bdev_logical_block_size(bdev), 512u);
	KEXPECT_EQ(bdev_physical_block_size(bdev), 4096u);
	KEXPECT(dev->flags & ATA_DFLAG_LBA48);
	KEXPECT(dev->flags & ATA_DFLAG_NCQ);
	KEXPECT_EQ(dev->ncq_depth, 32u);
	KEXPECT(bdev_write_cache(bdev));			/* QEMU's default: write cache on */
	KEXPECT_EQ(dev->ap->class, ATA_DEV_ATA);
	close_ahci_disk(bdev);
}

/*
 * Write with one layout of memory pieces, read back with another: pieces
 * of odd sizes (multiples of 512 bytes, not of the page), starting
 * inside pages and crossing them, in pages that are not adjacent.
 */
static void odd_layout_round_trip(struct ktest_ctx *t, struct block_device *bdev, sector_t sector)
{
	static const unsigned int out_pieces[] = { 512, 3584, 1536, 4096, 2560, 512, 4096 };
	static const unsigned int in_pieces[] = { 1024, 4096, 512, 2048, 3072, 3584, 2560 };
	unsigned int total = 0;
	struct page *pages[16];
	u8 *pattern, *back;
	struct bio *bio;

	for (size_t i = 0; i < ARRAY_SIZE(out_pieces); i++)
		total += out_pieces[i];
	pattern = kmalloc(total, GFP_KERNEL);
	back = kzalloc(total, GFP_KERNEL);
	for (int i = 0; i < 16; i++)
		pages[i] = alloc_page(GFP_KERNEL);
	KASSERT(pattern && back);
	for (int i = 0; i < 16; i++)
		KASSERT(pages[i]);
	fill_pattern(pattern, total, (u32)sector);

	/* Out: piece i in page 2i (never adjacent), at an offset that makes some cross into 2i+1. */
	bio = bio_alloc(bdev, ARRAY_SIZE(out_pieces) + 1, REQ_OP_WRITE, GFP_KERNEL);
	KASSERT(bio);
	bio->bi_iter.bi_sector = sector;
	for (size_t i = 0, done = 0; i < ARRAY_SIZE(out_pieces); done += out_pieces[i], i++) {
		unsigned int off = (i * 1536) % PAGE_SIZE;
		u8 *p = (u8 *)page_address(pages[2 * i]) + off;

		if (off + out_pieces[i] > PAGE_SIZE)	/* keep a bio_vec within one page */
			off = PAGE_SIZE - out_pieces[i], p = (u8 *)page_address(pages[2 * i]) + off;
		memcpy(p, pattern + done, out_pieces[i]);
		KEXPECT_EQ(bio_add_page(bio, pages[2 * i], out_pieces[i], off), (int)out_pieces[i]);
	}
	KEXPECT_EQ(submit_bio_wait(bio), 0);
	bio_put(bio);

	/* Back: another cut, in pages 1, 3, 5 ... */
	bio = bio_alloc(bdev, ARRAY_SIZE(in_pieces) + 1, REQ_OP_READ, GFP_KERNEL);
	KASSERT(bio);
	bio->bi_iter.bi_sector = sector;
	for (size_t i = 0; i < ARRAY_SIZE(in_pieces); i++) {
		unsigned int off = PAGE_SIZE - in_pieces[i] > 512 ? 512 : 0;

		memset(page_address(pages[2 * i + 1]), 0xee, PAGE_SIZE);
		KEXPECT_EQ(bio_add_page(bio, pages[2 * i + 1], min(in_pieces[i], PAGE_SIZE - off), off),
			   (int)min(in_pieces[i], PAGE_SIZE - off));
	}
	KEXPECT_EQ(bio->bi_iter.bi_size, total);
	KEXPECT_EQ(submit_bio_wait(bio), 0);
	for (unsigned short i = 0, done = 0; i < bio->bi_vcnt; done += bio->bi_io_vec[i].bv_len, i++)
		memcpy(back + done, (u8 *)page_address(bio->bi_io_vec[i].bv_page) +
		       bio->bi_io_vec[i].bv_offset, bio->bi_io_vec[i].bv_len);
	bio_put(bio);
	KEXPECT(!memcmp(back, pattern, total));
	for (int i = 0; i < 16; i++)
		__free_page(pages[i]);
	kfree(pattern);
	kfree(back);
}

/* The same odd layouts, once as NCQ commands and once as DMA EXT commands. */
KTEST(ahci, odd_segments_ncq_and_dma)
{
	struct block_device *bdev = open_ahci_disk(t);
	struct ata_device *dev;
	unsigned long ncq, dma;

	if (!bdev)
		return;
	dev = ata_of(bdev);
	ncq = dev->ap->stats.ncq_cmds;
	dma = dev->ap->stats.dma_cmds;
	odd_layout_round_trip(t, bdev, 4096);
	KEXPECT(dev->ap->stats.ncq_cmds >= ncq + 2);
	KEXPECT_EQ(dev->ap->stats.dma_cmds, dma);

	KASSERT_EQ(ata_dev_set_ncq(dev, false), 0);
	ncq = dev->ap->stats.ncq_cmds;
	odd_layout_round_trip(t, bdev, 4200);
	KEXPECT_EQ(dev->ap->stats.ncq_cmds, ncq);
	KEXPECT(dev->ap->stats.dma_cmds >= dma + 2);
	KEXPECT_EQ(ata_dev_set_ncq(dev, true), 0);
	close_ahci_disk(bdev);
}

static void bio_done(struct bio *bio)
{
	complete(bio->bi_private);
}

/*
 * len bytes at sector through pages[], as n bios submitted under one plug
 * (they merge into requests as large as the queue allows: 256 segments).
 * 0 or the first error.
 */
static int plugged_rw(struct block_device *bdev, blk_opf_t opf, sector_t sector,
		      struct page **pages, unsigned int npages, unsigned int n)
{
	unsigned int per = npages / n;
	struct completion *done = kcalloc(n, sizeof(*done), GFP_KERNEL);
	struct bio **bios = kcalloc(n, sizeof(*bios), GFP_KERNEL);
	struct blk_plug plug;
	int err = 0;

	if (!done || !bios) {
		kfree(done);
		kfree(bios);
		return -ENOMEM;
	}
	blk_start_plug(&plug);
	for (unsigned int i = 0; i < n; i++) {
		init_completion(&done[i]);
		bios[i] = bio_alloc(bdev, per, opf, GFP_KERNEL);
		if (!bios[i]) {
			complete(&done[i]);
			err = -ENOMEM;
			continue;
		}
		bios[i]->bi_iter.bi_sector = sector + (sector_t)i * per * (PAGE_SIZE >> SECTOR_SHIFT);
		for (unsigned int j = 0; j < per; j++)
			bio_add_page(bios[i], pages[i * per + j], PAGE_SIZE, 0);
		bios[i]->bi_private = &done[i];
		bios[i]->bi_end_io = bio_done;
		submit_bio(bios[i]);
	}
	blk_finish_plug(&plug);
	for (unsigned int i = 0; i < n; i++) {
		wait_for_completion(&done[i]);
		if (!bios[i])
			continue;
		if (!err)
			err = blk_status_to_errno(bios[i]->bi_status);
		bio_put(bios[i]);
	}
	kfree(done);
	kfree(bios);
	return err;
}

/*
 * 3 MiB of scattered pages written as 3 bios of 256 pages and read back
 * as 6 of 128 (into the pages in another order): requests of the most
 * segments a command takes, built from bios merged under a plug.
 */
KTEST(ahci, large_requests)
{
	enum { NPAGES = 768 };
	struct block_device *bdev = open_ahci_disk(t);
	struct page **out, **in;

	if (!bdev)
		return;
	out = kcalloc(NPAGES, sizeof(*out), GFP_KERNEL);
	in = kcalloc(NPAGES, sizeof(*in), GFP_KERNEL);
	KASSERT(out && in);
	for (int i = 0; i < NPAGES; i++) {
		out[i] = alloc_page(GFP_KERNEL);
		in[NPAGES - 1 - i] = alloc_page(GFP_KERNEL);
		KASSERT(out[i] && in[NPAGES - 1 - i]);
		fill_pattern(page_address(out[i]), PAGE_SIZE, 77 + i);
		memset(page_address(in[NPAGES - 1 - i]), 0xee, PAGE_SIZE);
	}
	KEXPECT_EQ(plugged_rw(bdev, REQ_OP_WRITE, 8192, out, NPAGES, 3), 0);
	KEXPECT_EQ(plugged_rw(bdev, REQ_OP_READ, 8192, in, NPAGES, 6), 0);
	for (int i = 0; i < NPAGES; i++) {
		KEXPECT(!memcmp(page_address(in[i]), page_address(out[i]), PAGE_SIZE));
		__free_page(out[i]);
		__free_page(in[i]);
	}
	kfree(out);
	kfree(in);
	close_ahci_disk(bdev);
}

KTEST(ahci, flush_is_flush_cache_ext)
{
	struct block_device *bdev = open_ahci_disk(t);
	struct ata_device *dev;
	unsigned long nodata;

	if (!bdev)
		return;
	dev = ata_of(bdev);
	KEXPECT(dev->flags & ATA_DFLAG_FLUSH_EXT);
	nodata = dev->ap->stats.nodata_cmds;
	KEXPECT_EQ(blkdev_issue_flush(bdev), 0);
	KEXPECT_EQ(dev->ap->stats.nodata_cmds, nodata + 1);
	close_ahci_disk(bdev);
}

/* ---------------------------------------------------------------- concurrency */

struct ahci_worker {
	struct block_device *bdev;
	int id;
	int errors;
	struct completion done;
};

static int ahci_worker_fn(void *arg)
{
	struct ahci_worker *w = arg;
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

/* One writer per CPU, all on the disk's one queue: NCQ commands from every CPU, all data right. */
KTEST(ahci, writers_on_every_cpu)
{
	struct block_device *bdev = open_ahci_disk(t);
	struct ahci_worker w[4];
	unsigned int cpus = min(num_online_cpus(), 4u);

	if (!bdev)
		return;
	for (unsigned int i = 0; i < cpus; i++) {
		struct task_struct *p;

		w[i] = (struct ahci_worker){ .bdev = bdev, .id = i };
		init_completion(&w[i].done);
		p = kthread_create(ahci_worker_fn, &w[i], "ktest-ahci%u", i);
		KASSERT(!IS_ERR(p));
		set_cpus_allowed(p, cpumask_of(i));
		wake_up_process(p);
	}
	for (unsigned int i = 0; i < cpus; i++) {
		wait_for_completion(&w[i].done);
		KEXPECT_EQ(w[i].errors, 0);
	}
	close_ahci_disk(bdev);
}

/* ---------------------------------------------------------------- errors */

/* Several reads in flight at once; the one over the bad sector fails, the rest are right. */
static void error_among_others(struct ktest_ctx *t, struct block_device *bdev, sector_t bad)
{
	enum { N = 6 };
	struct completion done[N];
	struct bio *bios[N];
	u8 *buf = kmalloc(N * PAGE_SIZE, GFP_KERNEL), *ref = kmalloc(N * PAGE_SIZE, GFP_KERNEL);
	struct blk_plug plug;

	KASSERT(buf && ref);
	/* What the good places hold, read one by one first. */
	for (int i = 1; i < N; i++)
		KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, bad + 64 * i, ref + i * PAGE_SIZE, PAGE_SIZE), 0);
	blk_start_plug(&plug);
	for (int i = 0; i < N; i++) {
		init_completion(&done[i]);
		bios[i] = bio_alloc(bdev, 1, REQ_OP_READ, GFP_KERNEL);
		KASSERT(bios[i]);
		/* Not adjacent: no merging, each its own command. */
		bios[i]->bi_iter.bi_sector = i ? bad + 64 * i : bad;
		bio_add_kernel_buffer(bios[i], buf + i * PAGE_SIZE, PAGE_SIZE);
		bios[i]->bi_private = &done[i];
		bios[i]->bi_end_io = bio_done;
		submit_bio(bios[i]);
	}
	blk_finish_plug(&plug);
	for (int i = 0; i < N; i++) {
		wait_for_completion(&done[i]);
		KEXPECT_EQ(blk_status_to_errno(bios[i]->bi_status), i ? 0 : -EIO);
		bio_put(bios[i]);
	}
	for (int i = 1; i < N; i++)
		KEXPECT(!memcmp(buf + i * PAGE_SIZE, ref + i * PAGE_SIZE, PAGE_SIZE));
	kfree(buf);
	kfree(ref);
}

static struct ata_port_stats stats_of(struct ata_port *ap)
{
	struct ata_port_stats st;

	mutex_lock(&ap->eh_mutex);
	spin_lock_irq(&ap->lock);
	st = ap->stats;
	spin_unlock_irq(&ap->lock);
	mutex_unlock(&ap->eh_mutex);
	return st;
}

/*
 * blkdebug fails the read and the write: EIO to the caller, the port
 * reset, and the next requests (next to the bad sectors, and the read
 * of the sector whose write failed) work.
 */
static void injected_errors(struct ktest_ctx *t, struct block_device *bdev)
{
	struct ata_port *ap = ata_of(bdev)->ap;
	struct ata_port_stats before = stats_of(ap), after;
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);

	KASSERT(buf);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, BAD_READ_SECTOR - 8, buf, PAGE_SIZE), 0);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, BAD_READ_SECTOR, buf, PAGE_SIZE), -EIO);
	after = stats_of(ap);
	KEXPECT_EQ(after.failed, before.failed + 1);
	KEXPECT(after.resets > before.resets);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, BAD_READ_SECTOR + 8, buf, PAGE_SIZE), 0);

	fill_pattern(buf, PAGE_SIZE, 5);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_WRITE, BAD_WRITE_SECTOR, buf, PAGE_SIZE), -EIO);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_WRITE, BAD_WRITE_SECTOR + 8, buf, PAGE_SIZE), 0);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, BAD_WRITE_SECTOR, buf, PAGE_SIZE), 0);
	KEXPECT_EQ(stats_of(ap).failed, before.failed + 2);
	KEXPECT(!(ap->pflags & (ATA_PFLAG_FROZEN | ATA_PFLAG_DEAD)));

	error_among_others(t, bdev, BAD_READ_SECTOR);
	KEXPECT_EQ(stats_of(ap).failed, before.failed + 3);
	kfree(buf);
}

/*
 * With NCQ the device does not say which queued command failed: each goes
 * again alone, and only the bad one fails then (two error handler runs).
 */
KTEST(ahci, injected_errors_ncq)
{
	struct block_device *bdev = open_ahci_disk(t);
	struct ata_port_stats before;

	if (!bdev)
		return;
	KASSERT(ata_of(bdev)->ncq_enabled);
	before = stats_of(ata_of(bdev)->ap);
	injected_errors(t, bdev);
	KEXPECT(stats_of(ata_of(bdev)->ap).retried >= before.retried + 2);
	close_ahci_disk(bdev);
}

/* Without NCQ the failed command is the one on the device: one run each, no retry. */
KTEST(ahci, injected_errors_without_ncq)
{
	struct block_device *bdev = open_ahci_disk(t);
	struct ata_device *dev;
	struct ata_port_stats before, after;

	if (!bdev)
		return;
	dev = ata_of(bdev);
	KASSERT_EQ(ata_dev_set_ncq(dev, false), 0);
	before = stats_of(dev->ap);
	injected_errors(t, bdev);
	after = stats_of(dev->ap);
	KEXPECT_EQ(after.eh_runs, before.eh_runs + 3);
	KEXPECT_EQ(after.retried, before.retried);
	KEXPECT_EQ(ata_dev_set_ncq(dev, true), 0);
	close_ahci_disk(bdev);
}

/*
 * A command whose completion is lost (the driver's fault injection: the
 * device does it, the driver ignores it) times out: the port is reset,
 * the request fails with EIO, and the next one works. The queue's
 * timeout is shortened for the test; its timer may still run for an
 * earlier, longer deadline, so it is stopped first (nothing in flight).
 */
static void lost_completion(struct ktest_ctx *t, struct block_device *bdev)
{
	struct request_queue *q = bdev->bd_queue;
	struct ata_port *ap = ata_of(bdev)->ap;
	unsigned int old_timeout = q->rq_timeout;
	struct ata_port_stats before = stats_of(ap), after;
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);

	KASSERT(buf);
	blk_queue_rq_timeout(q, HZ / 2);
	del_timer_sync(&q->timeout);
	spin_lock_irq(&ap->lock);
	ap->test_lose = 1;
	spin_unlock_irq(&ap->lock);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, 1000, buf, PAGE_SIZE), -EIO);
	after = stats_of(ap);
	KEXPECT_EQ(after.failed, before.failed + 1);
	KEXPECT_EQ(after.resets, before.resets + 1);
	KEXPECT_EQ(ap->test_lost, 0u);
	blk_queue_rq_timeout(q, old_timeout);
	KEXPECT_EQ(bio_rw(bdev, REQ_OP_READ, 1008, buf, PAGE_SIZE), 0);
	kfree(buf);
}

KTEST(ahci, timeout_resets_port)
{
	struct block_device *bdev = open_ahci_disk(t);
	struct ata_device *dev;

	if (!bdev)
		return;
	dev = ata_of(bdev);
	lost_completion(t, bdev);
	KASSERT_EQ(ata_dev_set_ncq(dev, false), 0);
	lost_completion(t, bdev);
	KEXPECT_EQ(ata_dev_set_ncq(dev, true), 0);
	close_ahci_disk(bdev);
}
