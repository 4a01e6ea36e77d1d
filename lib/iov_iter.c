/*
 * iov_iter over user and kernel segments (include/kestrel/uio.h). One
 * walker moves the bytes for every copy: it visits the segments in order
 * and, on a user segment, uses the user-copy primitives, which may fault
 * the page in (or, with page faults disabled, stop at it). A copy that
 * stops short consumes exactly what it moved.
 */
#include <kestrel/mm.h>
#include <kestrel/string.h>
#include <kestrel/uaccess.h>
#include <kestrel/uio.h>

void iov_iter_kvec(struct iov_iter *i, unsigned int direction, const struct kvec *kvec,
		   unsigned long nr_segs, size_t count)
{
	i->iter_type = ITER_KVEC;
	i->data_source = direction == ITER_SOURCE;
	i->iov_offset = 0;
	i->count = count;
	i->kvec = kvec;
	i->nr_segs = nr_segs;
}

void iov_iter_init(struct iov_iter *i, unsigned int direction, const struct iovec *iov,
		   unsigned long nr_segs, size_t count)
{
	i->iter_type = ITER_IOVEC;
	i->data_source = direction == ITER_SOURCE;
	i->iov_offset = 0;
	i->count = count;
	i->iov = iov;
	i->nr_segs = nr_segs;
}

void iov_iter_ubuf(struct iov_iter *i, unsigned int direction, void __user *buf, size_t count)
{
	i->iter_type = ITER_UBUF;
	i->data_source = direction == ITER_SOURCE;
	i->iov_offset = 0;
	i->count = count;
	i->ubuf = buf;
	i->nr_segs = 1;
}

/* The current segment: its base (as a plain address) and the bytes left in it. */
static unsigned long seg_base(const struct iov_iter *i)
{
	switch (i->iter_type) {
	case ITER_UBUF:
		return (unsigned long)i->ubuf;
	case ITER_IOVEC:
		return (unsigned long)i->iov->iov_base;
	default:
		return (unsigned long)i->kvec->iov_base;
	}
}

static size_t seg_len(const struct iov_iter *i)
{
	switch (i->iter_type) {
	case ITER_UBUF:
		return i->iov_offset + i->count;
	case ITER_IOVEC:
		return i->iov->iov_len;
	default:
		return i->kvec->iov_len;
	}
}

/* Consume n bytes of the current segment; step to the next one when it is used up. */
static void seg_consume(struct iov_iter *i, size_t n)
{
	i->iov_offset += n;
	i->count -= n;
	if (i->iter_type == ITER_UBUF || i->iov_offset < seg_len(i))
		return;
	if (i->iter_type == ITER_IOVEC)
		i->iov++;
	else
		i->kvec++;
	i->nr_segs--;
	i->iov_offset = 0;
}

enum iter_op { TO_ITER, FROM_ITER, ZERO_ITER, FROM_ITER_ATOMIC };

/* Move n bytes between buf and the segment piece seg; returns the bytes NOT moved. */
static size_t move_piece(unsigned long seg, bool user, void *buf, size_t n, enum iter_op op)
{
	void __user *useg = (void __user *)seg;

	switch (op) {
	case TO_ITER:
		if (user)
			return copy_to_user(useg, buf, n);
		memcpy((void *)seg, buf, n);
		return 0;
	case FROM_ITER:
		if (user)
			return copy_from_user(buf, useg, n);
		memcpy(buf, (const void *)seg, n);
		return 0;
	case FROM_ITER_ATOMIC:
		if (user)
			return __copy_from_user_inatomic(buf, useg, n);
		memcpy(buf, (const void *)seg, n);
		return 0;
	case ZERO_ITER:
		if (user)
			return clear_user(useg, n);
		memset((void *)seg, 0, n);
		return 0;
	}
	return n;
}

/* Move up to bytes between buf and the iterator; returns the bytes moved. */
static size_t iterate(struct iov_iter *i, void *buf, size_t bytes, enum iter_op op)
{
	bool user = user_backed_iter(i);
	size_t done = 0;

	if (bytes > i->count)
		bytes = i->count;
	while (done < bytes && i->nr_segs) {
		size_t left = seg_len(i) - i->iov_offset;
		size_t n = bytes - done < left ? bytes - done : left;
		size_t missed;

		if (!n) {		/* an empty segment */
			seg_consume(i, 0);
			continue;
		}
		missed = move_piece(seg_base(i) + i->iov_offset, user,
				    buf ? (char *)buf + done : NULL, n, op);
		done += n - missed;
		seg_consume(i, n - missed);
		if (missed)
			break;	/* a user page that cannot be reached */
	}
	return done;
}

size_t copy_to_iter(const void *addr, size_t bytes, struct iov_iter *i)
{
	if (i->data_source)
		return 0;	/* a write's source is not a destination */
	return iterate(i, (void *)addr, bytes, TO_ITER);
}

size_t copy_from_iter(void *addr, size_t bytes, struct iov_iter *i)
{
	if (!i->data_source)
		return 0;
	return iterate(i, addr, bytes, FROM_ITER);
}

size_t iov_iter_zero(size_t bytes, struct iov_iter *i)
{
	if (i->data_source)
		return 0;
	return iterate(i, NULL, bytes, ZERO_ITER);
}

size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i)
{
	return copy_to_iter((char *)page_address(page) + offset, bytes, i);
}

size_t copy_page_from_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i)
{
	return copy_from_iter((char *)page_address(page) + offset, bytes, i);
}

size_t copy_page_from_iter_atomic(struct page *page, size_t offset, size_t bytes,
				  struct iov_iter *i)
{
	size_t done;

	if (!i->data_source)
		return 0;
	pagefault_disable();
	done = iterate(i, (char *)page_address(page) + offset, bytes, FROM_ITER_ATOMIC);
	pagefault_enable();
	return done;
}

void iov_iter_advance(struct iov_iter *i, size_t bytes)
{
	if (bytes > i->count)
		bytes = i->count;
	while (bytes && i->nr_segs) {
		size_t left = seg_len(i) - i->iov_offset;
		size_t n = bytes < left ? bytes : left;

		seg_consume(i, n);
		bytes -= n;
	}
	/* As Linux: land on a segment with bytes left (so readv's loop never sees an empty one). */
	while (i->iter_type != ITER_UBUF && i->count && i->nr_segs && i->iov_offset == seg_len(i))
		seg_consume(i, 0);
}

void iov_iter_revert(struct iov_iter *i, size_t bytes)
{
	i->count += bytes;
	if (i->iter_type == ITER_UBUF) {
		i->iov_offset -= bytes;
		return;
	}
	/* Walk back; an exhausted iterator stands just past its last segment. */
	while (bytes) {
		size_t n;

		if (!i->iov_offset) {
			if (i->iter_type == ITER_IOVEC)
				i->iov--;
			else
				i->kvec--;
			i->nr_segs++;
			i->iov_offset = seg_len(i);
		}
		n = bytes < i->iov_offset ? bytes : i->iov_offset;
		i->iov_offset -= n;
		bytes -= n;
	}
}

size_t fault_in_iov_iter_readable(const struct iov_iter *i, size_t bytes)
{
	size_t left, off;
	unsigned long segs;
	const struct iovec *iov;

	if (bytes > i->count)
		bytes = i->count;
	if (i->iter_type == ITER_KVEC || !bytes)
		return 0;
	if (i->iter_type == ITER_UBUF)
		return fault_in_readable((const char __user *)i->ubuf + i->iov_offset, bytes);
	/* ITER_IOVEC: segment by segment, from the current position. */
	left = bytes;
	off = i->iov_offset;
	for (iov = i->iov, segs = i->nr_segs; left && segs; iov++, segs--, off = 0) {
		size_t n = iov->iov_len - off < left ? iov->iov_len - off : left;
		size_t missed;

		if (!n)
			continue;
		missed = fault_in_readable((const char __user *)iov->iov_base + off, n);
		left -= n - missed;
		if (missed)
			break;
	}
	return left;
}
