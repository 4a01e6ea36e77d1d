/*
 * blkdump [-d] [-r] [-s OFFSET] [-n LENGTH] DEVICE: look at the bytes of
 * a block device (or any file).
 *
 *   (default)  a hex dump: offset, 16 bytes in hex, the same as text;
 *              runs of identical lines shrink to "*", as od and hexdump do
 *   -r         the raw bytes to standard output (blkdump -r /dev/vda | sha256sum)
 *   -d         read with O_DIRECT, around the page cache (the offset and
 *              length must then be multiples of the device's logical
 *              block size, as Linux requires)
 *   -s, -n     where to start and how much (default: to the end); a K, M
 *              or G suffix multiplies by 1024, 1024^2, 1024^3
 *
 * It first prints (to standard error) what the device says of itself:
 * its size (BLKGETSIZE64), logical and physical block sizes (BLKSSZGET,
 * BLKPBSZGET), its geometry (HDIO_GETGEO, when the driver has one) and
 * whether it is read-only (BLKROGET). A read error stops it with the
 * error and the offset; the exit status is then 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLKROGET 0x125e
#define BLKSSZGET 0x1268
#define BLKGETSIZE64 0x80081272
#define BLKPBSZGET 0x127b
#define HDIO_GETGEO 0x0301

struct hd_geometry {
	unsigned char heads;
	unsigned char sectors;
	unsigned short cylinders;
	unsigned long start;
};
#define CHUNK (1024 * 1024)

static int direct, raw;

static unsigned long long parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10; end++; break;
	}
	if (*end) {
		fprintf(stderr, "blkdump: bad size '%s'\n", s);
		exit(2);
	}
	return v;
}

/* The device's own description; its size, or the file's. */
static unsigned long long describe(int fd, const char *path)
{
	unsigned long long size = 0;
	int lbs = 0, ro = 0;
	unsigned int pbs = 0;
	struct hd_geometry geo;
	struct stat st;

	if (fstat(fd, &st) == 0 && !S_ISBLK(st.st_mode))
		return st.st_size;
	if (ioctl(fd, BLKGETSIZE64, &size) || ioctl(fd, BLKSSZGET, &lbs) ||
	    ioctl(fd, BLKPBSZGET, &pbs) || ioctl(fd, BLKROGET, &ro)) {
		fprintf(stderr, "blkdump: %s: ioctl: %s\n", path, strerror(errno));
		exit(1);
	}
	fprintf(stderr, "%s: %llu bytes, logical block %d, physical block %u", path, size, lbs, pbs);
	if (ioctl(fd, HDIO_GETGEO, &geo) == 0)
		fprintf(stderr, ", %u cylinders %u heads %u sectors, start %lu", geo.cylinders,
			geo.heads, geo.sectors, geo.start);
	fprintf(stderr, "%s\n", ro ? ", read-only" : "");
	return size;
}

static void hexdump(const unsigned char *buf, size_t len, unsigned long long base,
		    unsigned char *prev, int *have_prev, int *starred)
{
	for (size_t off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;

		if (*have_prev && n == 16 && !memcmp(prev, buf + off, 16)) {
			if (!*starred)
				printf("*\n");
			*starred = 1;
			continue;
		}
		*starred = 0;
		printf("%08llx ", base + off);
		for (size_t i = 0; i < 16; i++)
			printf(i < n ? " %02x" : "   ", buf[off + i]);
		printf("  |");
		for (size_t i = 0; i < n; i++)
			putchar(buf[off + i] >= 32 && buf[off + i] < 127 ? buf[off + i] : '.');
		printf("|\n");
		memcpy(prev, buf + off, n);
		*have_prev = n == 16;
	}
}

int main(int argc, char **argv)
{
	unsigned long long start = 0, length = ~0ULL, size, done = 0;
	unsigned char prev[16];
	int have_prev = 0, starred = 0, opt, fd;
	unsigned char *buf;

	while ((opt = getopt(argc, argv, "drs:n:")) != -1) {
		switch (opt) {
		case 'd': direct = 1; break;
		case 'r': raw = 1; break;
		case 's': start = parse_size(optarg); break;
		case 'n': length = parse_size(optarg); break;
		default:
			fprintf(stderr, "usage: blkdump [-d] [-r] [-s OFFSET] [-n LENGTH] DEVICE\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: blkdump [-d] [-r] [-s OFFSET] [-n LENGTH] DEVICE\n");
		return 2;
	}
	fd = open(argv[optind], O_RDONLY | (direct ? O_DIRECT : 0));
	if (fd < 0) {
		fprintf(stderr, "blkdump: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	size = describe(fd, argv[optind]);
	if (start > size)
		start = size;
	if (length > size - start)
		length = size - start;
	/* O_DIRECT wants an aligned buffer: a page is aligned for every device. */
	if (posix_memalign((void **)&buf, 4096, CHUNK)) {
		fprintf(stderr, "blkdump: out of memory\n");
		return 1;
	}
	while (done < length) {
		size_t want = length - done < CHUNK ? length - done : CHUNK;
		ssize_t n = pread(fd, buf, want, start + done);

		if (n < 0) {
			fflush(stdout);
			fprintf(stderr, "blkdump: %s: read at %llu: %s\n", argv[optind], start + done,
				strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		if (raw) {
			if (fwrite(buf, 1, n, stdout) != (size_t)n)
				return 1;
		} else {
			hexdump(buf, n, start + done, prev, &have_prev, &starred);
		}
		done += n;
	}
	if (!raw)
		printf("%08llx\n", start + done);
	return fflush(stdout) ? 1 : 0;
}
