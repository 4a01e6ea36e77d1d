/*
 * The PC's partition table (MBR): four 16-byte entries at byte 446 of
 * sector 0, which ends with 0x55 0xaa. An extended partition (type 0x05,
 * 0x0f or 0x85) holds a chain of extended boot records, each describing
 * one logical partition (entry 0, relative to that record) and where the
 * next record is (entry 1, relative to the extended partition). Logical
 * partitions are numbered from 5, as Linux; the extended partition itself
 * appears as a 1 KiB partition, as in Linux's /proc/partitions.
 *
 * Every number comes from the disk and is checked: entries beyond the
 * disk are cut, a chain that loops or runs past the disk's minors ends,
 * a table protecting a GPT disk (type 0xee) is left to a GPT reader.
 */
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include "check.h"

#define MSDOS_LABEL_MAGIC_OFF 510
#define MSDOS_PART_TABLE_OFF 446
#define MSDOS_MAX_LOGICAL 128		/* a longer chain is a loop */

#define DOS_EXTENDED_PARTITION 0x05
#define WIN98_EXTENDED_PARTITION 0x0f
#define LINUX_EXTENDED_PARTITION 0x85
#define EFI_PMBR_OSTYPE_EFI_GPT 0xee

struct msdos_partition {
	u8 boot_ind;
	u8 head, sector, cyl;
	u8 sys_ind;
	u8 end_head, end_sector, end_cyl;
	u8 start_sect[4];		/* little endian */
	u8 nr_sects[4];
} __packed;

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static bool is_extended(u8 sys_ind)
{
	return sys_ind == DOS_EXTENDED_PARTITION || sys_ind == WIN98_EXTENDED_PARTITION ||
	       sys_ind == LINUX_EXTENDED_PARTITION;
}

static const struct msdos_partition *entry(const u8 *sector, int i)
{
	return (const struct msdos_partition *)(sector + MSDOS_PART_TABLE_OFF) + i;
}

static bool msdos_magic_present(const u8 *sector)
{
	return sector[MSDOS_LABEL_MAGIC_OFF] == 0x55 && sector[MSDOS_LABEL_MAGIC_OFF + 1] == 0xaa;
}

/* Walk the chain of extended boot records of the extended partition at [ext_start, +ext_size). */
static void parse_extended(struct parsed_partitions *state, u8 *buf, sector_t ext_start,
			   sector_t ext_size)
{
	sector_t this = ext_start;

	part_line_add(state, " <");
	for (int loops = 0; loops < MSDOS_MAX_LOGICAL; loops++) {
		const struct msdos_partition *p;
		sector_t next = 0;

		if (state->next >= state->limit)
			break;
		if (read_part_sector(state, this, buf) || !msdos_magic_present(buf))
			break;	/* a broken link ends the chain; what came before stays */
		for (int i = 0; i < 4; i++) {
			p = entry(buf, i);
			if (!le32(p->nr_sects) || is_extended(p->sys_ind) || !p->sys_ind)
				continue;
			/* The logical partition, relative to this record. */
			put_partition(state, state->next++, this + le32(p->start_sect),
				      le32(p->nr_sects));
			break;
		}
		for (int i = 0; i < 4; i++) {
			p = entry(buf, i);
			if (le32(p->nr_sects) && is_extended(p->sys_ind)) {
				next = ext_start + le32(p->start_sect);
				break;
			}
		}
		/* Only forward, inside the extended partition: anything else is a loop or garbage. */
		if (!next || next <= this || next >= ext_start + ext_size)
			break;
		this = next;
	}
	part_line_add(state, " >");
}

int msdos_partition(struct parsed_partitions *state)
{
	u8 buf[SECTOR_SIZE];
	struct {
		sector_t start, size;
		bool ext;
	} primaries[4];
	int err = read_part_sector(state, 0, buf);

	if (err)
		return err == -ERANGE ? 0 : err;
	if (!msdos_magic_present(buf))
		return 0;
	for (int i = 0; i < 4; i++) {
		const struct msdos_partition *p = entry(buf, i);

		if (p->sys_ind == EFI_PMBR_OSTYPE_EFI_GPT)
			return 0;	/* a protective MBR: the disk is GPT */
		/* A boot indicator other than 0 or 0x80 means this is not a partition table. */
		if (p->boot_ind != 0 && p->boot_ind != 0x80)
			return 0;
		primaries[i].start = le32(p->start_sect);
		primaries[i].size = le32(p->nr_sects);
		primaries[i].ext = is_extended(p->sys_ind);
		if (!p->sys_ind)
			primaries[i].size = 0;
	}
	state->next = 5;
	for (int i = 0; i < 4; i++) {
		if (!primaries[i].size)
			continue;
		if (primaries[i].ext) {
			/* Linux shows the extended partition itself as 2 sectors. */
			put_partition(state, i + 1, primaries[i].start, 2);
			state->parts[i + 1].extended = true;
		} else {
			put_partition(state, i + 1, primaries[i].start, primaries[i].size);
		}
	}
	for (int i = 0; i < 4; i++)
		if (primaries[i].size && primaries[i].ext && state->parts[i + 1].size)
			parse_extended(state, buf, primaries[i].start,
				       min(primaries[i].size,
					   get_capacity(state->disk) - primaries[i].start));
	return 1;
}
