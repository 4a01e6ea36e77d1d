/*
 * Host tests of lib/cpio.c, the initramfs's archive reader: every field of
 * a well-formed archive, concatenated archives, and then the damage a boot
 * module can carry: every truncation, corrupt headers, lying sizes and
 * random byte flips. Inputs are exactly-sized malloc blocks, so
 * AddressSanitizer reports any read past the end; the reader must answer
 * -EINVAL with a reason, never crash or loop.
 *
 * HOST_SOURCES: lib/cpio.c lib/string.c
 */
#include <kestrel/cpio_build.h>
#include <kestrel/ktest.h>
#include <kestrel/cpio.h>
#include <kestrel/errno.h>
#include <kestrel/string.h>

void *malloc(size_t size);
void free(void *p);

static u8 scratch[8192];

/* A sample: a directory, a file, a symlink, a device node, two hard links. */
static size_t build_sample(u8 *out, size_t cap)
{
	struct cpio_buf b = { .buf = out, .cap = cap };

	cpio_add(&b, &(struct cpio_spec){ .name = "bin", .ino = 1, .mode = S_IFDIR | 0755,
					   .nlink = 2, .mtime = 1000 });
	cpio_add(&b, &(struct cpio_spec){ .name = "bin/hello", .ino = 2, .mode = S_IFREG | 0755,
					   .uid = 1000, .gid = 100, .mtime = 2000,
					   .data = "hello, world\n", .size = 13 });
	cpio_add(&b, &(struct cpio_spec){ .name = "bin/hi", .ino = 3, .mode = S_IFLNK | 0777,
					   .data = "hello", .size = 5 });
	cpio_add(&b, &(struct cpio_spec){ .name = "console", .ino = 4, .mode = S_IFCHR | 0600,
					   .rdevmajor = 5, .rdevminor = 1 });
	cpio_add(&b, &(struct cpio_spec){ .name = "a", .ino = 5, .mode = S_IFREG | 0644, .nlink = 2 });
	cpio_add(&b, &(struct cpio_spec){ .name = "b", .ino = 5, .mode = S_IFREG | 0644, .nlink = 2,
					   .data = "xy", .size = 2, .crc = true });
	cpio_add_trailer(&b);
	return b.overflow ? 0 : b.len;
}

static u8 *copy_exact(const u8 *src, size_t len)
{
	u8 *p = malloc(len ? len : 1);

	memcpy(p, src, len);
	return p;
}

/* Read everything; returns the final status, counts entries and trailers. */
static int read_all(const u8 *buf, size_t len, int *entries, int *trailers, const char **why)
{
	struct cpio_reader r;
	struct cpio_entry e;
	int ret, guard = 0;

	*entries = *trailers = 0;
	cpio_reader_init(&r, buf, len);
	while ((ret = cpio_next(&r, &e)) > 0 && guard++ < 100000) {
		if (ret == CPIO_ENTRY) {
			(*entries)++;
			/* Touch every byte the reader vouched for: ASan checks them. */
			volatile u8 sink = 0;
			for (u32 i = 0; i < e.namesize; i++)
				sink ^= (u8)e.name[i];
			for (u32 i = 0; i < e.size; i++)
				sink ^= e.data[i];
			(void)sink;
		} else {
			(*trailers)++;
		}
	}
	*why = r.error;
	return ret;
}

KTEST(cpio, reads_every_field)
{
	size_t len = build_sample(scratch, sizeof(scratch));
	u8 *buf = copy_exact(scratch, len);
	struct cpio_reader r;
	struct cpio_entry e;

	KASSERT(len > 0);
	cpio_reader_init(&r, buf, len);
	KASSERT_EQ(cpio_next(&r, &e), CPIO_ENTRY);
	KEXPECT_STREQ(e.name, "bin");
	KEXPECT_EQ(e.mode, S_IFDIR | 0755);
	KEXPECT_EQ(e.nlink, 2);
	KEXPECT_EQ(e.mtime, 1000);
	KASSERT_EQ(cpio_next(&r, &e), CPIO_ENTRY);
	KEXPECT_STREQ(e.name, "bin/hello");
	KEXPECT_EQ(e.uid, 1000);
	KEXPECT_EQ(e.gid, 100);
	KEXPECT_EQ(e.size, 13);
	KEXPECT_MEMEQ(e.data, "hello, world\n", 13);
	KASSERT_EQ(cpio_next(&r, &e), CPIO_ENTRY);
	KEXPECT(S_ISLNK(e.mode));
	KEXPECT_MEMEQ(e.data, "hello", 5);
	KASSERT_EQ(cpio_next(&r, &e), CPIO_ENTRY);
	KEXPECT(S_ISCHR(e.mode));
	KEXPECT_EQ(e.rdevmajor, 5);
	KEXPECT_EQ(e.rdevminor, 1);
	KASSERT_EQ(cpio_next(&r, &e), CPIO_ENTRY);
	KEXPECT_EQ(e.ino, 5);
	KEXPECT_EQ(e.size, 0);
	KASSERT_EQ(cpio_next(&r, &e), CPIO_ENTRY);
	KEXPECT_STREQ(e.name, "b");
	KEXPECT_EQ(e.ino, 5);
	KEXPECT_MEMEQ(e.data, "xy", 2);
	KEXPECT_EQ(cpio_next(&r, &e), CPIO_TRAILER);
	KEXPECT_EQ(cpio_next(&r, &e), CPIO_END);
	KEXPECT_EQ(cpio_next(&r, &e), CPIO_END);
	free(buf);
}

KTEST(cpio, concatenated_archives_with_zero_padding)
{
	size_t one = build_sample(scratch, sizeof(scratch)), len;
	int entries, trailers;
	const char *why;
	u8 *buf;

	KASSERT(one > 0 && 2 * one + 512 + 8 <= sizeof(scratch));
	memset(scratch + one, 0, 512);	/* GNU cpio pads to 512-byte blocks */
	len = build_sample(scratch + one + 512, sizeof(scratch) - one - 512) + one + 512;
	memset(scratch + len, 0, 8);	/* trailing zeros after the last one */
	buf = copy_exact(scratch, len + 8);
	KEXPECT_EQ(read_all(buf, len + 8, &entries, &trailers, &why), CPIO_END);
	KEXPECT_EQ(entries, 12);
	KEXPECT_EQ(trailers, 2);
	free(buf);
}

KTEST(cpio, every_truncation_fails_cleanly)
{
	size_t len = build_sample(scratch, sizeof(scratch));
	int entries, trailers;
	const char *why;

	KASSERT(len > 0);
	for (size_t cut = 0; cut < len; cut++) {
		u8 *buf = copy_exact(scratch, cut);
		int ret = read_all(buf, cut, &entries, &trailers, &why);

		/* Only a cut inside the trailer's final padding may still read as whole. */
		if (ret != -EINVAL && !(ret == CPIO_END && trailers == 1 && cut >= len - 3)) {
			KEXPECT_EQ(ret, -EINVAL);
			free(buf);
			break;
		}
		if (ret == -EINVAL)
			KEXPECT(why != NULL);
		free(buf);
	}
}

/* Damage one header field of the first entry (field i, 0 = magic). */
static int damage_field(int field, const char *text)
{
	size_t len = build_sample(scratch, sizeof(scratch));
	int entries, trailers, ret;
	const char *why;
	u8 *buf = copy_exact(scratch, len);

	memcpy(buf + (field ? 6 + 8 * (field - 1) : 0), text, field ? 8 : 6);
	ret = read_all(buf, len, &entries, &trailers, &why);
	free(buf);
	return ret;
}

KTEST(cpio, corrupt_headers)
{
	KEXPECT_EQ(damage_field(0, "070707"), -EINVAL);		/* old binary/odc magic */
	KEXPECT_EQ(damage_field(1, "0000000g"), -EINVAL);	/* not hex */
	KEXPECT_EQ(damage_field(2, "00000000"), -EINVAL);	/* mode: no file type */
	KEXPECT_EQ(damage_field(7, "ffffffff"), -EINVAL);	/* filesize past the end */
	KEXPECT_EQ(damage_field(12, "00000000"), -EINVAL);	/* namesize 0 */
	KEXPECT_EQ(damage_field(12, "00000002"), -EINVAL);	/* name not NUL-ended there */
	KEXPECT_EQ(damage_field(12, "ffffffff"), -EINVAL);	/* namesize huge */
	KEXPECT_EQ(damage_field(12, "00001001"), -EINVAL);	/* namesize > PATH_MAX */
}

KTEST(cpio, bad_checksum_and_symlink)
{
	struct cpio_buf b = { .buf = scratch, .cap = sizeof(scratch) };
	int entries, trailers;
	const char *why;
	u8 *buf;

	cpio_add(&b, &(struct cpio_spec){ .name = "f", .mode = S_IFREG | 0644, .data = "abc",
					   .size = 3, .crc = true });
	cpio_add_trailer(&b);
	scratch[b.len - 124 - 4] ^= 1;	/* flip a bit of the body "abc" */
	buf = copy_exact(scratch, b.len);
	KEXPECT_EQ(read_all(buf, b.len, &entries, &trailers, &why), -EINVAL);
	KEXPECT_STREQ(why, "checksum mismatch (070702 entry)");
	free(buf);

	b.len = 0;
	cpio_add(&b, &(struct cpio_spec){ .name = "l", .mode = S_IFLNK | 0777 });
	cpio_add_trailer(&b);
	buf = copy_exact(scratch, b.len);
	KEXPECT_EQ(read_all(buf, b.len, &entries, &trailers, &why), -EINVAL);
	KEXPECT_STREQ(why, "bad symlink target size");
	free(buf);
}

KTEST(cpio, empty_garbage_and_misaligned)
{
	int entries, trailers;
	const char *why;
	u8 *buf = malloc(64);

	KEXPECT_EQ(read_all(buf, 0, &entries, &trailers, &why), -EINVAL);	/* empty */
	memset(buf, 0, 64);
	KEXPECT_EQ(read_all(buf, 64, &entries, &trailers, &why), -EINVAL);	/* all zero */
	buf[0] = 0x1f;
	buf[1] = 0x8b;
	KEXPECT_EQ(read_all(buf, 64, &entries, &trailers, &why), -EINVAL);
	KEXPECT_STREQ(why, "gzip-compressed (only plain newc is supported)");
	free(buf);

	/* A second archive that starts off the 4-byte grid. */
	size_t one = build_sample(scratch, sizeof(scratch));
	scratch[one] = 0;
	size_t two = build_sample(scratch + one + 1, sizeof(scratch) - one - 1);
	buf = copy_exact(scratch, one + 1 + two);
	KEXPECT_EQ(read_all(buf, one + 1 + two, &entries, &trailers, &why), -EINVAL);
	KEXPECT_STREQ(why, "archive does not start on a 4-byte boundary");
	free(buf);
}

/* xorshift: deterministic, so a failure reproduces. */
static u32 next_rand(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

KTEST(cpio, random_damage_never_overreads)
{
	size_t len = build_sample(scratch, sizeof(scratch));
	u32 seed = 0x12345678;
	int entries, trailers, ok = 0, bad = 0;
	const char *why;

	for (int round = 0; round < 20000; round++) {
		size_t cut = len - next_rand(&seed) % 16;
		u8 *buf = copy_exact(scratch, cut);
		int flips = 1 + next_rand(&seed) % 4;

		for (int i = 0; i < flips; i++) {
			size_t at = next_rand(&seed) % cut;
			u32 kind = next_rand(&seed) % 3;
			/* A random byte, a hex digit (keeps headers parseable), or a 0. */
			buf[at] = kind == 0 ? (u8)next_rand(&seed)
				: kind == 1 ? (u8)"0123456789abcdef"[next_rand(&seed) % 16] : 0;
		}
		int ret = read_all(buf, cut, &entries, &trailers, &why);
		if (ret == -EINVAL && why)
			bad++;
		else if (ret == CPIO_END)
			ok++;
		else
			KEXPECT(ret == -EINVAL || ret == CPIO_END);
		free(buf);
	}
	KEXPECT(bad > 0);
	KEXPECT_EQ(ok + bad, 20000);
}
