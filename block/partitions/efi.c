/*
 * The GUID Partition Table (UEFI specification, chapter 5). Sector 0
 * holds a protective MBR (one entry of type 0xee from LBA 1), so that
 * MBR-only tools see the disk as taken. LBA 1 holds the primary header;
 * the header says where its array of partition entries is (usually LBA
 * 2-33: 128 entries of 128 bytes) and where the backup header is (the
 * disk's last LBA, its own entry array just before it). Each header
 * carries a CRC-32 of itself and one of its entry array.
 *
 * A header is trusted only when every check passes: signature, size,
 * both CRCs, the LBA it claims to be at, usable range inside the disk,
 * the entry size 128, the array inside the disk and not absurdly large.
 * A bad primary falls back to the backup at the disk's last LBA, as the
 * UEFI specification tells firmware to (Linux does this only with `gpt`
 * on its command line); one log line says which copy was damaged.
 * Entries are checked too: an entry whose range is reversed or leaves
 * the disk is skipped, never trusted.
 *
 * LBAs are in logical blocks (512 or 4096 bytes); the block layer's
 * sectors are always 512 bytes.
 */
#include <kestrel/crc32.h>
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include "check.h"

#define GPT_HEADER_SIGNATURE 0x5452415020494645ULL	/* "EFI PART" */
#define GPT_PRIMARY_PARTITION_TABLE_LBA 1
#define GPT_HEADER_MIN_SIZE 92
#define GPT_ENTRY_SIZE 128
#define GPT_ENTRY_ARRAY_MAX (4u << 20)		/* Linux's practical limit (one kmalloc) */
#define EFI_PMBR_OSTYPE_EFI_GPT 0xee

/* The header's fields, little endian on disk. */
struct gpt_header {
	u64 signature;
	u32 revision;
	u32 header_size;
	u32 header_crc32;
	u32 reserved1;
	u64 my_lba;
	u64 alternate_lba;
	u64 first_usable_lba;
	u64 last_usable_lba;
	u8 disk_guid[16];
	u64 partition_entry_lba;
	u32 num_partition_entries;
	u32 sizeof_partition_entry;
	u32 partition_entry_array_crc32;
} __packed;

struct gpt_entry {
	u8 partition_type_guid[16];	/* all zero: an unused entry */
	u8 unique_partition_guid[16];
	u64 starting_lba;
	u64 ending_lba;			/* inclusive */
	u64 attributes;
	u16 partition_name[36];
} __packed;

_Static_assert(sizeof(struct gpt_header) == GPT_HEADER_MIN_SIZE, "GPT header layout");
_Static_assert(sizeof(struct gpt_entry) == GPT_ENTRY_SIZE, "GPT entry layout");

/* What one scan needs: the disk's geometry and the entries of the header in use. */
struct gpt_scan {
	struct parsed_partitions *state;
	unsigned int ssz;		/* logical block size in bytes */
	unsigned int sectors_per_lba;	/* ssz / 512 */
	u64 last_lba;
	int nr_kept;			/* entries kept: the first limit - 1 */
	struct gpt_entry *entries;	/* nr_kept of them */
	const char *why;		/* why the last header checked was refused */
};

static u32 efi_crc32(u32 crc, const void *p, size_t len)
{
	return crc32_le(crc, p, len);
}

/* Read len bytes (a multiple of 512) at logical block lba into buf. */
static int read_lba(struct gpt_scan *g, u64 lba, u8 *buf, size_t len)
{
	sector_t sector;

	if (lba > g->last_lba)
		return -ERANGE;
	sector = (sector_t)lba * g->sectors_per_lba;
	for (size_t off = 0; off < len; off += SECTOR_SIZE) {
		int err = read_part_sector(g->state, sector + off / SECTOR_SIZE, buf + off);

		if (err)
			return err;
	}
	return 0;
}

/*
 * Sector 0 must be an MBR with a protective entry (type 0xee from LBA 1);
 * a hybrid MBR (other entries beside it) is accepted as Linux does.
 */
static bool is_pmbr_valid(struct gpt_scan *g, u8 *buf)
{
	if (read_part_sector(g->state, 0, buf))
		return false;
	if (buf[510] != 0x55 || buf[511] != 0xaa)
		return false;
	for (int i = 0; i < 4; i++) {
		const u8 *e = buf + 446 + 16 * i;
		u32 start = e[8] | e[9] << 8 | e[10] << 16 | (u32)e[11] << 24;

		if (e[4] == EFI_PMBR_OSTYPE_EFI_GPT && start == GPT_PRIMARY_PARTITION_TABLE_LBA)
			return true;
	}
	return false;
}

/*
 * Read the entry array of hdr sector by sector: its CRC over the whole
 * array, and a copy of the first entries (as many as the disk has
 * minors for). Only the copy is kept, so a large array costs no memory.
 */
static bool read_entries(struct gpt_scan *g, const struct gpt_header *hdr,
			 struct gpt_entry *keep, u8 *sector)
{
	size_t bytes = (size_t)hdr->num_partition_entries * GPT_ENTRY_SIZE;
	size_t keep_bytes = (size_t)g->nr_kept * GPT_ENTRY_SIZE;
	sector_t first = (sector_t)hdr->partition_entry_lba * g->sectors_per_lba;
	u32 crc = ~0u;

	memset(keep, 0, keep_bytes);
	for (size_t off = 0; off < bytes; off += SECTOR_SIZE) {
		size_t len = min((size_t)SECTOR_SIZE, bytes - off);

		if (read_part_sector(g->state, first + off / SECTOR_SIZE, sector)) {
			g->why = "its partition entries cannot be read";
			return false;
		}
		crc = efi_crc32(crc, sector, len);
		if (off < keep_bytes)
			memcpy((u8 *)keep + off, sector, min(len, keep_bytes - off));
	}
	if ((crc ^ ~0u) != hdr->partition_entry_array_crc32) {
		g->why = "its partition entries fail their CRC";
		return false;
	}
	return true;
}

/* Is there a valid header at lba? Fills hdr and the kept entries when there is. */
static bool is_gpt_valid(struct gpt_scan *g, u64 lba, struct gpt_header *hdr,
			 struct gpt_entry *keep, u8 *buf)
{
	u32 crc;
	u64 array_end;

	if (read_lba(g, lba, buf, g->ssz)) {
		g->why = "it cannot be read";
		return false;
	}
	memcpy(hdr, buf, sizeof(*hdr));
	if (hdr->signature != GPT_HEADER_SIGNATURE) {
		g->why = "it has no GPT signature";
		return false;
	}
	if (hdr->header_size < GPT_HEADER_MIN_SIZE || hdr->header_size > g->ssz) {
		g->why = "its size is wrong";
		return false;
	}
	crc = hdr->header_crc32;
	memset(buf + offsetof(struct gpt_header, header_crc32), 0, sizeof(u32));
	if ((efi_crc32(~0u, buf, hdr->header_size) ^ ~0u) != crc) {
		g->why = "it fails its CRC";
		return false;
	}
	if (hdr->my_lba != lba) {
		g->why = "it names another LBA as its own";
		return false;
	}
	if (hdr->first_usable_lba > g->last_lba || hdr->last_usable_lba > g->last_lba ||
	    hdr->last_usable_lba < hdr->first_usable_lba) {
		g->why = "its usable range leaves the disk";
		return false;
	}
	if (hdr->sizeof_partition_entry != GPT_ENTRY_SIZE) {
		g->why = "its entry size is not 128";
		return false;
	}
	array_end = (u64)hdr->num_partition_entries * GPT_ENTRY_SIZE;
	if (array_end > GPT_ENTRY_ARRAY_MAX) {
		g->why = "its entry array is too large";
		return false;
	}
	array_end = (array_end + g->ssz - 1) / g->ssz;	/* in LBAs */
	if (hdr->partition_entry_lba > g->last_lba ||
	    array_end > g->last_lba + 1 - hdr->partition_entry_lba) {
		g->why = "its entry array leaves the disk";
		return false;
	}
	return read_entries(g, hdr, keep, buf);
}

static bool is_pte_valid(const struct gpt_scan *g, const struct gpt_entry *pte)
{
	static const u8 unused[16];

	if (!memcmp(pte->partition_type_guid, unused, sizeof(unused)))
		return false;
	return pte->starting_lba <= pte->ending_lba && pte->ending_lba <= g->last_lba;
}

/*
 * Pick the header to use: the primary when valid, else the backup at
 * the disk's last LBA. 1 with g->entries filled, 0 when neither is valid.
 */
static int find_valid_gpt(struct gpt_scan *g, u8 *buf)
{
	struct gpt_header pgpt, agpt;
	struct gpt_entry *alt = kcalloc(max(g->nr_kept, 1), GPT_ENTRY_SIZE, GFP_KERNEL);
	const char *pwhy, *awhy;
	u64 alt_lba;
	bool good_p, good_a;

	if (!alt)
		return -ENOMEM;
	good_p = is_gpt_valid(g, GPT_PRIMARY_PARTITION_TABLE_LBA, &pgpt, g->entries, buf);
	pwhy = g->why;
	alt_lba = good_p ? pgpt.alternate_lba : g->last_lba;
	good_a = is_gpt_valid(g, alt_lba, &agpt, alt, buf);
	awhy = g->why;
	if (good_p && !good_a)
		pr_warn("%s: GPT: the backup header at LBA %llu is invalid (%s); using the primary\n",
			g->state->disk->disk_name, (unsigned long long)alt_lba, awhy);
	else if (good_p && pgpt.alternate_lba != g->last_lba)
		pr_warn("%s: GPT: the backup header is at LBA %llu, not at the disk's end (%llu)\n",
			g->state->disk->disk_name, (unsigned long long)pgpt.alternate_lba,
			(unsigned long long)g->last_lba);
	else if (!good_p && good_a) {
		pr_warn("%s: GPT: the primary header is invalid (%s); using the backup\n",
			g->state->disk->disk_name, pwhy);
		memcpy(g->entries, alt, (size_t)g->nr_kept * GPT_ENTRY_SIZE);
	} else if (!good_p && !good_a)
		pr_warn("%s: GPT: both headers are invalid (primary: %s; backup: %s); "
			"only the whole disk is usable\n", g->state->disk->disk_name, pwhy, awhy);
	kfree(alt);
	if (!good_p && !good_a)
		return 0;
	g->nr_kept = (int)min((u64)g->nr_kept, good_p ? (u64)pgpt.num_partition_entries
							 : (u64)agpt.num_partition_entries);
	return 1;
}

int efi_partition(struct parsed_partitions *state)
{
	struct gpt_scan g = { .state = state };
	u8 *buf;
	int ret;

	g.ssz = bdev_logical_block_size(state->disk->part0);
	if (g.ssz < SECTOR_SIZE || g.ssz % SECTOR_SIZE)
		return 0;
	g.sectors_per_lba = g.ssz / SECTOR_SIZE;
	if (get_capacity(state->disk) < 3ULL * g.sectors_per_lba)
		return 0;
	g.last_lba = get_capacity(state->disk) / g.sectors_per_lba - 1;
	g.nr_kept = state->limit - 1;
	buf = kmalloc(g.ssz, GFP_KERNEL);
	g.entries = kcalloc(max(g.nr_kept, 1), GPT_ENTRY_SIZE, GFP_KERNEL);
	ret = -ENOMEM;
	if (!buf || !g.entries)
		goto out;
	ret = 0;
	if (!is_pmbr_valid(&g, buf))
		goto out;
	ret = find_valid_gpt(&g, buf);
	if (ret <= 0) {
		/* A protective MBR with no valid header: no partitions, and no other reader either. */
		ret = ret ? ret : 1;
		goto out;
	}
	for (int i = 0; i < g.nr_kept; i++) {
		const struct gpt_entry *pte = &g.entries[i];

		if (!is_pte_valid(&g, pte))
			continue;
		put_partition(state, i + 1, (sector_t)pte->starting_lba * g.sectors_per_lba,
			      (sector_t)(pte->ending_lba - pte->starting_lba + 1) * g.sectors_per_lba);
	}
out:
	kfree(g.entries);
	kfree(buf);
	return ret;
}
