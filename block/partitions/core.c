/*
 * Reading a disk's partition table (add_disk, BLKRRPART): each reader
 * in turn looks at the disk through its page cache; the first that
 * recognises a table says which partitions there are; they are then
 * created (/dev/vda1 ...). A damaged table is reported in one line and
 * what could be read of it is used; the whole disk stays usable either
 * way. Partitions that overlap or lie beyond the disk are cut or left
 * out, never trusted. Readers: the PC's MBR (msdos.c).
 */
#include <kestrel/errno.h>
#include <kestrel/pagemap.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include "check.h"

int read_part_sector(struct parsed_partitions *state, sector_t n, u8 *buf)
{
	struct address_space *mapping = state->disk->part0->bd_inode->i_mapping;
	loff_t pos = (loff_t)n << SECTOR_SHIFT;
	struct folio *folio;

	if (n >= get_capacity(state->disk))
		return -ERANGE;
	folio = read_mapping_folio(mapping, pos >> PAGE_SHIFT, NULL);
	if (IS_ERR(folio))
		return PTR_ERR(folio);
	memcpy(buf, (char *)folio_address(folio) + (pos & (PAGE_SIZE - 1)), SECTOR_SIZE);
	folio_put(folio);
	return 0;
}

void part_line_add(struct parsed_partitions *state, const char *text)
{
	size_t len = strlen(state->line);

	snprintf(state->line + len, sizeof(state->line) - len, "%s", text);
}

bool put_partition(struct parsed_partitions *state, int n, sector_t from, sector_t size)
{
	sector_t cap = get_capacity(state->disk);
	char name[BDEVNAME_SIZE + 2];

	if (n <= 0 || n >= state->limit) {
		if (n > 0)
			part_line_add(state, " (partitions beyond the disk's minors ignored)");
		return false;
	}
	if (!size || from >= cap) {
		pr_warn("%s: partition %d starts beyond the end of the disk; ignored\n",
			state->disk->disk_name, n);
		return true;
	}
	if (size > cap - from) {
		pr_warn("%s: partition %d extends beyond the end of the disk; truncated\n",
			state->disk->disk_name, n);
		size = cap - from;
	}
	state->parts[n].from = from;
	state->parts[n].size = size;
	name[0] = ' ';
	disk_part_name(state->disk, n, name + 1, sizeof(name) - 1);
	part_line_add(state, name);
	return true;
}

int blk_read_partitions(struct gendisk *disk)
{
	struct parsed_partitions *state = kzalloc(sizeof(*state), GFP_KERNEL);
	int ret;

	if (!state)
		return -ENOMEM;
	state->disk = disk;
	state->limit = min(disk->minors, DISK_MAX_PARTS);
	ret = msdos_partition(state);
	if (ret < 0) {
		pr_warn("%s: unable to read partition table (error %d)\n", disk->disk_name, ret);
		goto out;
	}
	if (ret == 0) {
		pr_info(" %s: no partition table\n", disk->disk_name);
		ret = 0;
		goto out;
	}
	pr_info(" %s:%s\n", disk->disk_name, state->line);
	for (int n = 1; n < state->limit; n++) {
		int err;

		if (!state->parts[n].size)
			continue;
		err = bdev_add_partition(disk, n, state->parts[n].from, state->parts[n].size);
		if (err)
			pr_warn("%s: partition %d (sectors %llu+%llu) not added: error %d%s\n",
				disk->disk_name, n, (unsigned long long)state->parts[n].from,
				(unsigned long long)state->parts[n].size, err,
				err == -EBUSY ? " (it overlaps another)" : "");
	}
	ret = 0;
out:
	kfree(state);
	return ret;
}
