/*
 * Reading whole folios with few bios (Linux's fs/mpage.c): when the
 * blocks of a folio are contiguous on the device, the folio needs no
 * buffer heads; consecutive such folios whose blocks continue each other
 * go into one bio, which the block layer can send as one request.
 * Anything else (a folio with buffers already, blocks scattered, a hole
 * in the middle, an error from get_block) is read block by block by
 * block_read_full_folio. Holes at the end of a folio (past EOF) read as
 * zeros.
 *
 * The bio's completion, in interrupt context, marks each folio uptodate
 * (or not, on an error) and unlocks it.
 */
#include <kestrel/bio.h>
#include <kestrel/blkdev.h>
#include <kestrel/buffer_head.h>
#include <kestrel/pagemap.h>
#include <kestrel/string.h>

struct mpage_readpage_args {
	struct bio *bio;
	sector_t last_block_in_bio;	/* device block the bio ends with */
	unsigned int nr_pages;		/* folios still to come (sizes the next bio) */
	bool is_readahead;
	get_block_t *get_block;
};

static void mpage_end_io(struct bio *bio)
{
	struct bio_vec *bv;
	unsigned int i;

	bio_for_each_bvec_all(bv, bio, i) {
		struct folio *folio = page_folio(bv->bv_page);

		if (!bio->bi_status)
			folio_mark_uptodate(folio);
		folio_unlock(folio);
	}
	bio_put(bio);
}

static void mpage_submit(struct mpage_readpage_args *args)
{
	if (args->bio)
		submit_bio(args->bio);
	args->bio = NULL;
}

static void do_mpage_readpage(struct mpage_readpage_args *args, struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	unsigned int bits = inode->i_blkbits, blocksize = 1U << bits;
	unsigned int per_page = PAGE_SIZE >> bits, first_hole = per_page;
	sector_t first_block = (sector_t)folio->index << (PAGE_SHIFT - bits);
	sector_t last_block = (i_size_read(inode) + blocksize - 1) >> bits;
	sector_t first_disk_block = 0;
	struct block_device *bdev = NULL;

	if (folio_buffers(folio))
		goto confused;
	for (unsigned int i = 0; i < per_page; i++) {
		struct buffer_head map = { .b_size = blocksize };

		if (first_block + i >= last_block) {
			first_hole = i;
			break;
		}
		if (args->get_block(inode, first_block + i, &map, 0))
			goto confused;
		if (!buffer_mapped(&map)) {
			first_hole = i;
			break;
		}
		if (i == 0) {
			first_disk_block = map.b_blocknr;
			bdev = map.b_bdev;
		} else if (map.b_blocknr != first_disk_block + i || map.b_bdev != bdev) {
			goto confused;	/* not contiguous */
		}
	}
	if (first_hole != per_page) {
		/* A mapped block after a hole would need buffers. */
		for (unsigned int i = first_hole + 1; i < per_page && first_block + i < last_block; i++) {
			struct buffer_head map = { .b_size = blocksize };

			if (args->get_block(inode, first_block + i, &map, 0) || buffer_mapped(&map))
				goto confused;
		}
		folio_zero_range(folio, first_hole << bits, PAGE_SIZE - (first_hole << bits));
		if (first_hole == 0) {
			folio_mark_uptodate(folio);
			folio_unlock(folio);
			return;
		}
	}
	if (args->bio && (args->last_block_in_bio != first_disk_block - 1 ||
			  args->bio->bi_bdev != bdev))
		mpage_submit(args);
	for (;;) {
		if (!args->bio) {
			unsigned int nr = args->nr_pages ? min(args->nr_pages, (unsigned int)BIO_MAX_VECS) : 1;

			args->bio = bio_alloc(bdev, nr, REQ_OP_READ |
					      (args->is_readahead ? REQ_RAHEAD : 0), GFP_KERNEL);
			if (!args->bio)
				goto confused;
			args->bio->bi_iter.bi_sector = first_disk_block << (bits - SECTOR_SHIFT);
			args->bio->bi_end_io = mpage_end_io;
		}
		if (bio_add_folio(args->bio, folio, first_hole << bits, 0))
			break;
		mpage_submit(args);	/* full: start another */
	}
	args->last_block_in_bio = first_disk_block + first_hole - 1;
	if (first_hole != per_page)
		mpage_submit(args);	/* the hole breaks the run */
	return;

confused:
	mpage_submit(args);
	block_read_full_folio(folio, args->get_block);
}

int mpage_read_folio(struct folio *folio, get_block_t *get_block)
{
	struct mpage_readpage_args args = { .nr_pages = 1, .get_block = get_block };

	do_mpage_readpage(&args, folio);
	mpage_submit(&args);
	return 0;
}

void mpage_readahead(struct readahead_control *rac, get_block_t *get_block)
{
	struct mpage_readpage_args args = { .is_readahead = true, .get_block = get_block };
	struct folio *folio;

	args.nr_pages = readahead_count(rac);
	while ((folio = readahead_folio(rac))) {
		do_mpage_readpage(&args, folio);
		args.nr_pages = readahead_count(rac);
	}
	mpage_submit(&args);
}
