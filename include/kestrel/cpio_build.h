/*
 * Building cpio newc archives in memory, for the tests of the archive
 * reader (tests/host/cpio_test.c) and of the initramfs unpacker
 * (tests/kernel/initramfs_test.c); test code only, no part of the
 * kernel uses it. Header-only so both builds share it.
 *
 *	struct cpio_buf b = { .buf = mem, .cap = sizeof(mem) };
 *	cpio_add(&b, &(struct cpio_spec){ .name = "init", .mode = S_IFREG | 0755,
 *					   .data = "hi", .size = 2 });
 *	cpio_add_trailer(&b);
 * b.len is the archive's size; b.overflow is set when cap was too small.
 */
#ifndef TESTS_CPIO_BUILD_H
#define TESTS_CPIO_BUILD_H

#include <kestrel/cpio.h>
#include <kestrel/fs_types.h>
#include <kestrel/string.h>

struct cpio_buf {
	u8 *buf;
	size_t cap, len;
	bool overflow;
};

struct cpio_spec {
	const char *name;
	u32 ino, mode, uid, gid, nlink, mtime;
	u32 devmajor, devminor, rdevmajor, rdevminor;
	const void *data;
	u32 size;
	bool crc;		/* "070702" with the byte-sum checksum */
};

static inline void cpio_put(struct cpio_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->overflow = true;
		return;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static inline void cpio_pad4(struct cpio_buf *b)
{
	static const u8 zero[4];

	cpio_put(b, zero, (4 - (b->len & 3)) & 3);
}

static inline void cpio_hex8(struct cpio_buf *b, u32 v)
{
	char s[8];

	for (int i = 7; i >= 0; i--, v >>= 4)
		s[i] = "0123456789abcdef"[v & 15];
	cpio_put(b, s, 8);
}

static inline void cpio_add(struct cpio_buf *b, const struct cpio_spec *e)
{
	u32 namesize = strlen(e->name) + 1, sum = 0;
	const u8 *d = e->data;

	for (u32 i = 0; e->crc && i < e->size; i++)
		sum += d[i];
	cpio_put(b, e->crc ? "070702" : "070701", 6);
	cpio_hex8(b, e->ino);
	cpio_hex8(b, e->mode);
	cpio_hex8(b, e->uid);
	cpio_hex8(b, e->gid);
	cpio_hex8(b, e->nlink ? e->nlink : 1);
	cpio_hex8(b, e->mtime);
	cpio_hex8(b, e->size);
	cpio_hex8(b, e->devmajor);
	cpio_hex8(b, e->devminor);
	cpio_hex8(b, e->rdevmajor);
	cpio_hex8(b, e->rdevminor);
	cpio_hex8(b, namesize);
	cpio_hex8(b, sum);
	cpio_put(b, e->name, namesize);
	cpio_pad4(b);
	if (e->size)
		cpio_put(b, e->data, e->size);
	cpio_pad4(b);
}

static inline void cpio_add_trailer(struct cpio_buf *b)
{
	cpio_add(b, &(struct cpio_spec){ .name = CPIO_TRAILER_NAME });
}

#endif
