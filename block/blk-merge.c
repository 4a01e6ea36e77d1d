/*
 * Fitting bios to a queue's limits, merging adjacent bios into one
 * request, and the DMA segments of a request.
 *
 * A request may hold at most max_sectors sectors and max_segments pieces
 * of memory. A bio larger than that is split (blk_mq_submit_bio) at a
 * logical-block boundary. A bio is merged into a request that is not yet
 * on the device when it continues it (back merge: it starts where the
 * request ends) or leads into it (front merge), with the same operation
 * and flags, on the same partition, within the limits. A flush or FUA
 * write never merges: its ordering is the point.
 */
#include <kestrel/blk-mq.h>
#include "blk.h"

unsigned int bio_nr_segments(struct bio *bio)
{
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned int n = 0;

	bio_for_each_segment(bv, bio, iter)
		n++;
	return n;
}

unsigned int bio_split_sectors(struct request_queue *q, struct bio *bio)
{
	unsigned int max_bytes = q->limits.max_sectors << SECTOR_SHIFT;
	unsigned int lbs = q->limits.logical_block_size;
	unsigned int bytes = 0, segs = 0;
	struct bvec_iter iter;
	struct bio_vec bv;

	if (!bio_has_data(bio))
		return 0;
	bio_for_each_segment(bv, bio, iter) {
		if (segs + 1 > q->limits.max_segments)
			goto split;
		if (bytes + bv.bv_len > max_bytes) {
			bytes = max_bytes;
			goto split;
		}
		bytes += bv.bv_len;
		segs++;
	}
	return 0;
split:
	bytes &= ~(lbs - 1);
	if (!bytes)
		bytes = lbs;	/* one logical block always goes, whatever its pieces */
	return bytes >> SECTOR_SHIFT;
}

bool blk_attempt_bio_merge(struct request *rq, struct bio *bio)
{
	struct request_queue *q = rq->q;
	unsigned int segs;

	if (rq->rq_flags & (RQF_STARTED | RQF_FLUSH_SEQ) || rq->end_io)
		return false;
	if (req_op(rq) != bio_op(bio) || (bio_op(bio) != REQ_OP_READ && bio_op(bio) != REQ_OP_WRITE))
		return false;
	if ((rq->cmd_flags | bio->bi_opf) & (REQ_NOMERGE | REQ_PREFLUSH | REQ_FUA))
		return false;
	if (rq->part != bio->bi_bdev || q != bio->bi_bdev->bd_queue)
		return false;
	if (blk_rq_sectors(rq) + bio_sectors(bio) > q->limits.max_sectors)
		return false;
	segs = bio_nr_segments(bio);
	if (rq->nr_phys_segments + segs > q->limits.max_segments)
		return false;
	if (blk_rq_pos(rq) + blk_rq_sectors(rq) == bio->bi_iter.bi_sector) {
		rq->biotail->bi_next = bio;
		rq->biotail = bio;
		bio->bi_next = NULL;
	} else if (bio_end_sector(bio) == blk_rq_pos(rq)) {
		bio->bi_next = rq->bio;
		rq->bio = bio;
		rq->__sector = bio->bi_iter.bi_sector;
	} else {
		return false;
	}
	rq->__data_len += bio->bi_iter.bi_size;
	rq->nr_phys_segments += segs;
	/* Quiet (readahead) only while every bio is. */
	if (!bio_flagged(bio, BIO_QUIET) && !(bio->bi_opf & REQ_RAHEAD)) {
		rq->rq_flags &= ~RQF_QUIET;
		rq->cmd_flags &= ~REQ_RAHEAD;
	}
	blk_account_io_merge_bio(rq);
	return true;
}

int blk_rq_map_sg(struct request_queue *q, struct request *rq, struct scatterlist *sglist)
{
	struct req_iterator iter;
	struct bio_vec bv;
	int nsegs = 0;

	rq_for_each_segment(bv, rq, iter) {
		phys_addr_t phys = page_to_phys(bv.bv_page) + bv.bv_offset;
		struct scatterlist *prev = nsegs ? &sglist[nsegs - 1] : NULL;

		if (prev && prev->dma_address + prev->length == phys &&
		    prev->length + bv.bv_len <= q->limits.max_segment_size &&
		    (prev->dma_address | q->limits.seg_boundary_mask) ==
			    ((phys + bv.bv_len - 1) | q->limits.seg_boundary_mask)) {
			prev->length += bv.bv_len;
			continue;
		}
		sglist[nsegs].dma_address = phys;
		sglist[nsegs].length = bv.bv_len;
		nsegs++;
	}
	return nsegs;
}
