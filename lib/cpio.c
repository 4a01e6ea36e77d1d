/*
 * cpio newc reader: see include/kestrel/cpio.h for the format.
 *
 * Every length taken from the archive is checked against what is left of
 * the buffer before it is used, with subtractions that cannot wrap, so a
 * lying header ends in -EINVAL, never in a read past the end.
 */
#include <kestrel/cpio.h>
#include <kestrel/errno.h>
#include <kestrel/fs_types.h>
#include <kestrel/string.h>

void cpio_reader_init(struct cpio_reader *r, const void *buf, size_t len)
{
	*r = (struct cpio_reader){ .buf = buf, .len = len };
}

static int cpio_fail(struct cpio_reader *r, const char *why)
{
	r->error = why;
	r->pos = r->len;	/* nothing more comes out of a failed reader */
	return -EINVAL;
}

/* Eight hex digits, exactly (the format has no other width). */
static bool parse_hex8(const u8 *p, u32 *out)
{
	u32 v = 0;

	for (int i = 0; i < 8; i++) {
		u8 c = p[i];
		u32 d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

static size_t align4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

/* Header fields after the 6-byte magic, in archive order. */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, NR_FIELDS };

static bool known_type(u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR:
	case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return true;
	}
	return false;
}

/* Skip the NUL padding between archives; false if what follows is misaligned. */
static bool skip_padding(struct cpio_reader *r)
{
	while (r->pos < r->len && r->buf[r->pos] == 0)
		r->pos++;
	return r->pos >= r->len || (r->pos & 3) == 0;
}

/* Header at r->pos into e (name and body checked to lie inside the buffer). */
static int read_header(struct cpio_reader *r, struct cpio_entry *e, bool *crc)
{
	const u8 *h = r->buf + r->pos;
	u32 f[NR_FIELDS];
	size_t left = r->len - r->pos, name_end, data_off;

	if (left >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return cpio_fail(r, "gzip-compressed (only plain newc is supported)");
	if (left < CPIO_HEADER_SIZE)
		return cpio_fail(r, "truncated header");
	if (memcmp(h, "07070", 5) || (h[5] != '1' && h[5] != '2'))
		return cpio_fail(r, "bad magic (not a newc archive)");
	*crc = h[5] == '2';
	for (int i = 0; i < NR_FIELDS; i++)
		if (!parse_hex8(h + 6 + 8 * i, &f[i]))
			return cpio_fail(r, "header field is not hexadecimal");
	if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > PATH_MAX)
		return cpio_fail(r, "bad name size");
	if (left - CPIO_HEADER_SIZE < f[F_NAMESIZE])
		return cpio_fail(r, "truncated name");
	name_end = r->pos + CPIO_HEADER_SIZE + f[F_NAMESIZE];
	if (memchr(h + CPIO_HEADER_SIZE, 0, f[F_NAMESIZE]) != r->buf + name_end - 1)
		return cpio_fail(r, "name is not NUL-terminated where its size says");
	/* An empty body may end the buffer without its padding (a final trailer). */
	data_off = align4(name_end);
	if (data_off > r->len && f[F_FILESIZE] == 0)
		data_off = r->len;
	if (data_off > r->len || r->len - data_off < f[F_FILESIZE])
		return cpio_fail(r, "truncated file body");

	*e = (struct cpio_entry){
		.name = (const char *)h + CPIO_HEADER_SIZE, .namesize = f[F_NAMESIZE],
		.ino = f[F_INO], .mode = f[F_MODE], .uid = f[F_UID], .gid = f[F_GID],
		.nlink = f[F_NLINK], .mtime = f[F_MTIME],
		.devmajor = f[F_DEVMAJOR], .devminor = f[F_DEVMINOR],
		.rdevmajor = f[F_RDEVMAJOR], .rdevminor = f[F_RDEVMINOR],
		.data = r->buf + data_off, .size = f[F_FILESIZE],
	};
	if (*crc) {
		u32 sum = 0;

		for (u32 i = 0; i < e->size; i++)
			sum += e->data[i];
		if (sum != f[F_CHECK])
			return cpio_fail(r, "checksum mismatch (070702 entry)");
	}
	r->pos = align4(data_off + e->size);
	return 0;
}

static bool is_trailer(const struct cpio_entry *e)
{
	return e->namesize == sizeof(CPIO_TRAILER_NAME) &&
	       !memcmp(e->name, CPIO_TRAILER_NAME, sizeof(CPIO_TRAILER_NAME));
}

int cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	bool crc;
	int err;

	if (r->error)
		return -EINVAL;
	if (!r->in_archive && !skip_padding(r)) {
		r->entry_pos = r->pos;
		return cpio_fail(r, "archive does not start on a 4-byte boundary");
	}
	r->entry_pos = r->pos;
	if (r->pos >= r->len) {
		if (r->in_archive)
			return cpio_fail(r, "no TRAILER!!! (truncated archive)");
		if (!r->archives)
			return cpio_fail(r, "no archive (empty or all zero)");
		return CPIO_END;
	}
	err = read_header(r, e, &crc);
	if (err)
		return err;
	if (is_trailer(e)) {
		r->in_archive = false;
		r->archives++;
		return CPIO_TRAILER;
	}
	r->in_archive = true;
	if (!known_type(e->mode))
		return cpio_fail(r, "unknown file type in mode");
	if (S_ISLNK(e->mode) && (e->size == 0 || e->size >= PATH_MAX))
		return cpio_fail(r, "bad symlink target size");
	return CPIO_ENTRY;
}
