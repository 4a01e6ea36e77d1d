/* Partition table readers (block/partitions/): what they share. */
#ifndef BLOCK_PARTITIONS_CHECK_H
#define BLOCK_PARTITIONS_CHECK_H

#include <kestrel/blkdev.h>

#define PART_LINE_MAX 256

/*
 * One scan of a disk: the readers put_partition() what they find; core.c
 * then adds them. Entries past the disk's minors are reported and dropped.
 */
struct parsed_partitions {
	struct gendisk *disk;
	int limit;			/* disk->minors */
	struct {
		sector_t from, size;
		bool extended;		/* an extended partition's own 1 KiB entry (MBR) */
	} parts[DISK_MAX_PARTS];
	int next;			/* the next free slot after the primaries (5 for MBR logicals) */
	char line[PART_LINE_MAX];	/* " vda1 vda2 < vda5 >" for the boot log */
};

/*
 * Read 512-byte sector n of the whole disk through its page cache into
 * buf. 0, or -errno (-EIO on a read error, -ERANGE past the end).
 */
int read_part_sector(struct parsed_partitions *state, sector_t n, u8 *buf);
/* Record partition n (1-based) [from, from + size), cut to the disk; false if n is out of range. */
bool put_partition(struct parsed_partitions *state, int n, sector_t from, sector_t size);
void part_line_add(struct parsed_partitions *state, const char *text);

/* Read the table and add its partitions (called by block/genhd.c with open_mutex held). */
int blk_read_partitions(struct gendisk *disk);

/* The readers: 1 found a table, 0 not theirs, -errno: a read error. */
int msdos_partition(struct parsed_partitions *state);

#endif
