/*
 * blkpattern write|check FILE OFFSET LENGTH SEED [direct] [cpu=N]: write
 * a deterministic byte pattern (xorshift64* from SEED) to LENGTH bytes of
 * FILE at OFFSET, or check that they hold it. The integration tests run
 * it under Kestrel on a disk (write), then on the host on the disk's
 * image (check): every written byte must be there.
 *
 *   direct  open with O_DIRECT (else through the page cache, then fsync)
 *   cpu=N   run on CPU N only (sched_setaffinity)
 *
 * Prints one line: "blkpattern: wrote|checked LENGTH bytes at OFFSET" or
 * the first mismatch / error; exit status 0 on success.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

/* The pattern's 8 bytes at word w of the stream of seed: restartable anywhere. */
static uint64_t pattern_word(uint64_t seed, uint64_t w)
{
	uint64_t x = seed * 0x9E3779B97F4A7C15ULL + w * 0xBF58476D1CE4E5B9ULL + 1;

	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	x ^= x >> 31;
	return x;
}

static void fill(unsigned char *buf, size_t len, uint64_t seed, uint64_t pos)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = pattern_word(seed, (pos + i) / 8);

		memcpy(buf + i, &v, 8);
	}
}

int main(int argc, char **argv)
{
	int write_mode, direct = 0, fd;
	unsigned long long off, len, seed;
	unsigned char *buf, *want;

	if (argc < 6 || (strcmp(argv[1], "write") && strcmp(argv[1], "check"))) {
		fprintf(stderr, "usage: blkpattern write|check FILE OFFSET LENGTH SEED [direct] [cpu=N]\n");
		return 2;
	}
	write_mode = !strcmp(argv[1], "write");
	off = strtoull(argv[3], NULL, 0);
	len = strtoull(argv[4], NULL, 0);
	seed = strtoull(argv[5], NULL, 0);
	for (int i = 6; i < argc; i++) {
		if (!strcmp(argv[i], "direct")) {
			direct = 1;
		} else if (!strncmp(argv[i], "cpu=", 4)) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(atoi(argv[i] + 4), &set);
			if (sched_setaffinity(0, sizeof(set), &set)) {
				fprintf(stderr, "blkpattern: sched_setaffinity: %s\n", strerror(errno));
				return 1;
			}
		}
	}
	if (off % 8 || len % 8) {
		fprintf(stderr, "blkpattern: OFFSET and LENGTH must be multiples of 8\n");
		return 2;
	}
	fd = open(argv[2], (write_mode ? O_RDWR : O_RDONLY) | (direct ? O_DIRECT : 0));
	if (fd < 0) {
		fprintf(stderr, "blkpattern: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (posix_memalign((void **)&buf, 4096, CHUNK) || posix_memalign((void **)&want, 4096, CHUNK))
		return 1;
	for (unsigned long long done = 0; done < len;) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;
		ssize_t r;

		fill(want, n, seed, done);
		if (write_mode)
			r = pwrite(fd, want, n, off + done);
		else
			r = pread(fd, buf, n, off + done);
		if (r != (ssize_t)n) {
			fprintf(stderr, "blkpattern: %s at %llu: %s\n", write_mode ? "write" : "read",
				off + done, r < 0 ? strerror(errno) : "short");
			return 1;
		}
		if (!write_mode && memcmp(buf, want, n)) {
			size_t i = 0;

			while (buf[i] == want[i])
				i++;
			printf("blkpattern: mismatch at %llu: %#x, not %#x\n", off + done + i, buf[i],
			       want[i]);
			return 1;
		}
		done += n;
	}
	if (write_mode && !direct && fsync(fd)) {
		fprintf(stderr, "blkpattern: fsync: %s\n", strerror(errno));
		return 1;
	}
	printf("blkpattern: %s %llu bytes at %llu\n", write_mode ? "wrote" : "checked", len, off);
	return 0;
}
