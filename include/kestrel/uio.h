/*
 * I/O vectors: where the bytes of a read or write come from or go to.
 *
 * An iov_iter walks an array of segments and remembers how far it got:
 * ->read_iter() copies file data into it with copy_to_iter(),
 * ->write_iter() takes data out of it with copy_from_iter(). Each copy
 * advances the iterator and returns the bytes moved (short at the end,
 * or where a user page faults).
 *
 * Three kinds, as Linux:
 *   ITER_UBUF   one user buffer (read(2), write(2), pread, pwrite)
 *   ITER_IOVEC  an array of user buffers (readv(2) and friends; the array
 *               itself is a kernel copy, import_iovec)
 *   ITER_KVEC   kernel buffers (kernel_read, exec, the initramfs, ktests)
 * The system calls hand user memory straight to the file: a read of the
 * page cache copies from the cached page into the user's buffer, a write
 * copies from it into the page, and a user page that is not present is
 * faulted in on the way (with no file lock that the fault path needs:
 * generic_perform_write faults the source in first and copies with page
 * faults off while it holds the folio lock). An iov_iter belongs to one
 * caller: no locking.
 */
#ifndef KESTREL_UIO_H
#define KESTREL_UIO_H

#include <kestrel/compiler.h>
#include <kestrel/types.h>

struct page;

struct kvec {
	void *iov_base;
	size_t iov_len;
};

/* readv(2)'s segment as user space lays it out (import_iovec copies the array in). */
struct iovec {
	void __user *iov_base;
	size_t iov_len;
};

#define UIO_MAXIOV 1024

enum iter_type {
	ITER_UBUF,
	ITER_IOVEC,
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
	size_t iov_offset;	/* into the current segment (ITER_UBUF: into ubuf) */
	size_t count;		/* bytes left in all segments */
	union {
		const struct kvec *kvec;	/* ITER_KVEC: current segment */
		const struct iovec *iov;	/* ITER_IOVEC: current segment */
		void __user *ubuf;		/* ITER_UBUF: the buffer */
	};
	unsigned long nr_segs;	/* segments left, the current one included (ITER_UBUF: 1) */
};

void iov_iter_kvec(struct iov_iter *i, unsigned int direction, const struct kvec *kvec,
		   unsigned long nr_segs, size_t count);
void iov_iter_init(struct iov_iter *i, unsigned int direction, const struct iovec *iov,
		   unsigned long nr_segs, size_t count);
void iov_iter_ubuf(struct iov_iter *i, unsigned int direction, void __user *buf, size_t count);

static inline size_t iov_iter_count(const struct iov_iter *i)
{
	return i->count;
}

/* Does the iterator point at user memory (ITER_UBUF or ITER_IOVEC)? */
static inline bool user_backed_iter(const struct iov_iter *i)
{
	return i->iter_type == ITER_UBUF || i->iter_type == ITER_IOVEC;
}

static inline bool iov_iter_is_kvec(const struct iov_iter *i)
{
	return i->iter_type == ITER_KVEC;
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

/* Move bytes; each returns what it moved (short at the end or at a user fault). */
size_t copy_to_iter(const void *addr, size_t bytes, struct iov_iter *i);
size_t copy_from_iter(void *addr, size_t bytes, struct iov_iter *i);
size_t iov_iter_zero(size_t bytes, struct iov_iter *i);
void iov_iter_advance(struct iov_iter *i, size_t bytes);
/* Step back over bytes the caller consumed but did not use (a short write_end). */
void iov_iter_revert(struct iov_iter *i, size_t bytes);

/* The part of a page [offset, offset + bytes) to or from the iterator. */
size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i);
size_t copy_page_from_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i);
/*
 * The same with page faults off (the caller holds the page's folio lock):
 * a user page that is not present ends the copy. Advances by what it
 * copied; the caller reverts what write_end did not accept, as Linux.
 */
size_t copy_page_from_iter_atomic(struct page *page, size_t offset, size_t bytes,
				  struct iov_iter *i);

/*
 * Fault in the next bytes of a user-backed source for reading: returns the
 * bytes that could NOT be (0: all of them present now; a kernel iterator
 * never faults).
 */
size_t fault_in_iov_iter_readable(const struct iov_iter *i, size_t bytes);

#endif
