/*
 * iov_iter over kernel segments (include/kestrel/uio.h). One walker
 * moves the bytes for copy_to_iter, copy_from_iter and iov_iter_zero;
 * each consumes the iterator as it goes.
 */
#include <kestrel/string.h>
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

enum iter_op { TO_ITER, FROM_ITER, ZERO_ITER };

/* Move up to bytes between buf and the iterator's segments; returns bytes moved. */
static size_t iterate(struct iov_iter *i, void *buf, size_t bytes, enum iter_op op)
{
	size_t done = 0;

	if (bytes > i->count)
		bytes = i->count;
	while (done < bytes && i->nr_segs) {
		size_t left = i->kvec->iov_len - i->iov_offset;
		size_t n = bytes - done < left ? bytes - done : left;
		char *seg = (char *)i->kvec->iov_base + i->iov_offset;

		if (op == TO_ITER)
			memcpy(seg, (const char *)buf + done, n);
		else if (op == FROM_ITER)
			memcpy((char *)buf + done, seg, n);
		else if (op == ZERO_ITER)
			memset(seg, 0, n);
		done += n;
		i->iov_offset += n;
		i->count -= n;
		if (i->iov_offset == i->kvec->iov_len) {
			i->kvec++;
			i->nr_segs--;
			i->iov_offset = 0;
		}
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

void iov_iter_advance(struct iov_iter *i, size_t bytes)
{
	while (bytes && i->nr_segs) {
		size_t left = i->kvec->iov_len - i->iov_offset;
		size_t n = bytes < left ? bytes : left;

		i->iov_offset += n;
		i->count -= n;
		bytes -= n;
		if (i->iov_offset == i->kvec->iov_len) {
			i->kvec++;
			i->nr_segs--;
			i->iov_offset = 0;
		}
	}
}
