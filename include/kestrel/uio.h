/*
 * I/O vectors: where the bytes of a read or write come from or go to.
 *
 * An iov_iter walks an array of segments and remembers how far it got:
 * ->read_iter() copies file data into it with copy_to_iter(),
 * ->write_iter() takes data out of it with copy_from_iter(). Each copy
 * advances the iterator and returns the bytes moved (short at the end).
 *
 * Every segment is a kernel buffer (ITER_KVEC): the system calls copy
 * user bytes in and out through a kernel buffer (fs/read_write.c says
 * why), so no iterator ever faults on user memory under a file system's
 * locks. An iov_iter belongs to one caller: no locking.
 */
#ifndef KESTREL_UIO_H
#define KESTREL_UIO_H

#include <kestrel/types.h>

struct kvec {
	void *iov_base;
	size_t iov_len;
};

/* readv(2)'s segment as user space lays it out (the syscall layer copies the array in). */
struct iovec {
	void *iov_base;
	size_t iov_len;
};

#define UIO_MAXIOV 1024

enum iter_type {
	ITER_KVEC,
};

/* data_source: ITER_SOURCE (we read from it: a write) or ITER_DEST (a read). */
#define ITER_DEST 0
#define ITER_SOURCE 1
#define READ ITER_DEST
#define WRITE ITER_SOURCE

struct iov_iter {
	u8 iter_type;		/* enum iter_type */
	bool data_source;	/* ITER_SOURCE or ITER_DEST */
	size_t iov_offset;	/* into the current segment */
	size_t count;		/* bytes left in all segments */
	const struct kvec *kvec;	/* current segment */
	unsigned long nr_segs;	/* segments left, the current one included */
};

void iov_iter_kvec(struct iov_iter *i, unsigned int direction, const struct kvec *kvec,
		   unsigned long nr_segs, size_t count);

static inline size_t iov_iter_count(const struct iov_iter *i)
{
	return i->count;
}

/* Keep at most count bytes (the rest stays unconsumed). */
static inline void iov_iter_truncate(struct iov_iter *i, size_t count)
{
	if (i->count > count)
		i->count = count;
}

static inline void iov_iter_reexpand(struct iov_iter *i, size_t count)
{
	i->count = count;
}

size_t copy_to_iter(const void *addr, size_t bytes, struct iov_iter *i);
size_t copy_from_iter(void *addr, size_t bytes, struct iov_iter *i);
size_t iov_iter_zero(size_t bytes, struct iov_iter *i);
void iov_iter_advance(struct iov_iter *i, size_t bytes);

#endif
