/*
 * A reader for cpio "newc" archives (the initramfs format), lib/cpio.c.
 *
 * Pure code: it only looks at the bytes it is given, allocates nothing and
 * never reads outside [buf, buf + len), whatever the bytes say, so
 * tests/host/cpio_test.c can feed it truncated and corrupt archives under
 * AddressSanitizer. fs/initramfs.c turns the entries into files.
 *
 * The format (one archive): entries, each a 110-byte ASCII header
 * ("070701" or "070702", then 13 fields of 8 hex digits), the name with its
 * NUL (namesize bytes), padding to 4 bytes, the body (filesize bytes: file
 * data, or a symlink's target), padding to 4 bytes. An entry named
 * "TRAILER!!!" ends the archive. Several archives may follow each other,
 * separated by NUL padding (as Linux accepts).
 */
#ifndef KESTREL_CPIO_H
#define KESTREL_CPIO_H

#include <kestrel/types.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_TRAILER_NAME "TRAILER!!!"

/* One entry; name and data point into the archive. */
struct cpio_entry {
	const char *name;	/* NUL-terminated (checked) */
	u32 namesize;		/* including the NUL */
	u32 ino, mode, uid, gid, nlink, mtime;
	u32 devmajor, devminor;	/* the device the file came from (hard-link identity) */
	u32 rdevmajor, rdevminor; /* a device node's own number */
	const u8 *data;		/* body: file contents or symlink target (not NUL-terminated) */
	u32 size;
};

struct cpio_reader {
	const u8 *buf;
	size_t len;
	size_t pos;		/* where the next header is expected */
	size_t entry_pos;	/* where the last entry (or the error) began */
	unsigned int archives;	/* trailers seen */
	bool in_archive;	/* entries seen since the last trailer */
	const char *error;	/* why cpio_next() said -EINVAL */
};

/* cpio_next() results besides a negative errno */
#define CPIO_END 0		/* no more input: every archive was terminated */
#define CPIO_ENTRY 1		/* *e holds an entry */
#define CPIO_TRAILER 2		/* an archive ended (hard-link identities end with it) */

void cpio_reader_init(struct cpio_reader *r, const void *buf, size_t len);
/*
 * The next entry or event. -EINVAL on anything malformed (r->error says
 * what, r->entry_pos where); after an error the reader stays failed.
 */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e);

#endif
