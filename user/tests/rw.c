/*
 * read(2) and write(2) move the whole request, straight between the
 * caller's memory and the file, as on Linux: a read of a regular file
 * returns everything up to EOF in one call (16 MiB here), /dev/zero and
 * /dev/urandom fill the whole buffer, readv/writev cover every segment,
 * and a write of a regular file is one step for other writers (two
 * processes writing 8 MiB over the same range leave one's bytes or the
 * other's, never a mix). A user buffer that is unmapped part-way gives a
 * short count (EFAULT if nothing moved), and one that maps the very file
 * being read or written works, without deadlock.
 */
#include "harness.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define MiB (1024 * 1024)

static char path[64];

static int make_file(const char *tag)
{
	snprintf(path, sizeof(path), "/tmp/rw-%s-%d", tag, getpid());
	return open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Byte i of a pattern that differs at every offset a block or page apart. */
static unsigned char pattern(size_t i, unsigned int seed)
{
	return (unsigned char)((i * 2654435761u >> 7) ^ (i >> 12) ^ seed);
}

TEST(a_16_mib_regular_file_reads_whole_in_one_call)
{
	size_t len = 16 * MiB;
	unsigned char *w = map_anon(len), *r = map_anon(len + 4096);
	int fd = make_file("big");

	ASSERT(fd >= 0 && w && r);
	for (size_t i = 0; i < len; i++)
		w[i] = pattern(i, 1);
	ASSERT_EQ(write(fd, w, len), (long)len);	/* one call, all of it */
	ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
	EXPECT_EQ(read(fd, r, len + 4096), (long)len);	/* up to EOF, in one call */
	EXPECT(!memcmp(w, r, len));
	EXPECT_EQ(read(fd, r, 4096), 0);
	EXPECT_EQ(pread(fd, r, len, 4096 + 7), (long)(len - 4096 - 7));
	EXPECT(!memcmp(w + 4096 + 7, r, len - 4096 - 7));
	close(fd);
	unlink(path);
}

TEST(dev_zero_and_urandom_fill_the_whole_buffer)
{
	size_t len = 16 * MiB;
	unsigned char *b = map_anon(len);
	int z = open("/dev/zero", O_RDONLY), u = open("/dev/urandom", O_RDONLY);
	size_t nonzero = 0;

	ASSERT(b && z >= 0 && u >= 0);
	memset(b, 0xaa, len);
	EXPECT_EQ(read(z, b, len), (long)len);
	for (size_t i = 0; i < len; i++)
		if (b[i]) {
			EXPECT_EQ(b[i], 0);
			break;
		}
	EXPECT_EQ(read(u, b, 4 * MiB), 4 * MiB);
	for (size_t i = 0; i < 4 * MiB; i++)
		nonzero += b[i] != 0;
	EXPECT(nonzero > 4 * MiB / 2);	/* random bytes, not a short fill */
	close(z);
	close(u);
}

TEST(readv_and_writev_cover_every_segment)
{
	size_t a = 3 * MiB + 5, c = 2 * MiB + 4093;
	unsigned char *x = map_anon(a), *y = map_anon(c), *rx = map_anon(a), *ry = map_anon(c);
	struct iovec wv[3] = { { x, a }, { NULL, 0 }, { y, c } };
	struct iovec rv[3] = { { rx, a }, { NULL, 0 }, { ry, c } };
	int fd = make_file("vec");

	ASSERT(fd >= 0 && x && y && rx && ry);
	for (size_t i = 0; i < a; i++)
		x[i] = pattern(i, 2);
	for (size_t i = 0; i < c; i++)
		y[i] = pattern(i, 3);
	EXPECT_EQ(writev(fd, wv, 3), (long)(a + c));
	EXPECT_EQ(preadv(fd, rv, 3, 0), (long)(a + c));
	EXPECT(!memcmp(x, rx, a));
	EXPECT(!memcmp(y, ry, c));
	close(fd);
	unlink(path);
}

/*
 * Two processes write 8 MiB over the same range at the same time, each
 * its own byte, round after round: each write is one step under the
 * inode's lock, so after every round the file holds one writer's bytes
 * throughout.
 */
TEST(two_8_mib_writes_to_one_range_never_mix)
{
	size_t len = 8 * MiB;
	unsigned char *mine = map_anon(len), *got = map_anon(len);
	int fd = make_file("race"), go[2], done[2], status, seen[2] = { 0, 0 };
	pid_t pid;

	ASSERT(fd >= 0 && mine && got);
	ASSERT_EQ(pipe(go), 0);
	ASSERT_EQ(pipe(done), 0);
	pid = fork();
	ASSERT(pid >= 0);
	memset(mine, pid ? 'P' : 'C', len);
	for (int round = 0; round < 8; round++) {
		char c;

		if (!pid) {
			/* The child: wait for the start, write, say so. */
			if (read(go[0], &c, 1) != 1)
				_exit(2);
			if (pwrite(fd, mine, len, 0) != (ssize_t)len)
				_exit(3);
			if (write(done[1], "d", 1) != 1)
				_exit(4);
			continue;
		}
		EXPECT_EQ(write(go[1], "g", 1), 1);
		EXPECT_EQ(pwrite(fd, mine, len, 0), (long)len);
		EXPECT_EQ(read(done[0], &c, 1), 1);
		ASSERT_EQ(pread(fd, got, len, 0), (long)len);
		for (size_t i = 1; i < len; i++)
			if (got[i] != got[0]) {
				EXPECT_EQ(got[i], got[0]);
				printf("    # round %d: byte %zu is '%c', byte 0 '%c'\n", round, i,
				       got[i], got[0]);
				break;
			}
		EXPECT(got[0] == 'P' || got[0] == 'C');
		seen[got[0] == 'P']++;
	}
	if (!pid)
		_exit(0);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
	unlink(path);
}

/* A buffer whose second page is unmapped: the counts stop at the hole. */
TEST(a_hole_in_the_buffer_gives_a_short_count)
{
	unsigned char *b = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	int fd = make_file("hole"), z = open("/dev/zero", O_RDONLY), p[2];

	ASSERT(b != MAP_FAILED && fd >= 0 && z >= 0);
	ASSERT_EQ(pipe(p), 0);
	memset(b, 'h', 3 * 4096);
	ASSERT_EQ(munmap(b + 4096, 4096), 0);
	EXPECT_EQ(write(fd, b, 3 * 4096), 4096);	/* up to the hole */
	EXPECT_EQ(write(fd, b + 4096, 10), -1);	/* nothing: EFAULT */
	EXPECT_EQ(errno, EFAULT);
	ASSERT_EQ(ftruncate(fd, 3 * 4096), 0);
	EXPECT_EQ(pread(fd, b, 3 * 4096, 0), 4096);
	EXPECT_EQ(read(z, b + 4096 - 100, 3 * 4096), 100);
	EXPECT_EQ(write(p[1], "0123456789", 10), 10);
	EXPECT_ERRNO(read(p[0], b + 4096, 10), EFAULT);
	EXPECT_EQ(read(p[0], b, 10), 10);	/* the bytes stayed in the pipe */
	EXPECT(!memcmp(b, "0123456789", 10));
	close(p[0]);
	close(p[1]);
	close(fd);
	close(z);
	unlink(path);
}

/*
 * The user buffer is a mapping of the file being read or written, pages
 * not yet faulted in: the copy faults on a page of the same file (the
 * same page, for the write) while the kernel is in the middle of the
 * call. It must finish, with the right bytes.
 */
TEST(a_buffer_that_maps_the_same_file_works)
{
	size_t len = 64 * 4096;
	unsigned char *src = map_anon(len), *m, *copy = map_anon(len);
	int fd = make_file("self");

	ASSERT(fd >= 0 && src && copy);
	for (size_t i = 0; i < len; i++)
		src[i] = pattern(i, 4);
	ASSERT_EQ(write(fd, src, len), (long)len);

	/* write(fd, map(fd) at the same offset): the same pages, rewritten with themselves. */
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT(m != MAP_FAILED);
	EXPECT_EQ(pwrite(fd, m, len, 0), (long)len);
	EXPECT_EQ(munmap(m, len), 0);
	/* write(fd, map(fd)): the second half (from a byte into a page) over the first. */
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT(m != MAP_FAILED);
	memcpy(copy, src, len);
	EXPECT_EQ(pwrite(fd, m + len / 2 + 1, len / 2 - 1, 0), (long)(len / 2 - 1));
	memcpy(copy, copy + len / 2 + 1, len / 2 - 1);
	EXPECT_EQ(munmap(m, len), 0);
	/* read(fd) into map(fd), shared and writable: the first half into the second. */
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT(m != MAP_FAILED);
	EXPECT(!memcmp(m, copy, len));
	EXPECT_EQ(pread(fd, m + len / 2, len / 2, 0), (long)(len / 2));
	memcpy(copy + len / 2, copy, len / 2);
	EXPECT(!memcmp(m, copy, len));
	EXPECT_EQ(munmap(m, len), 0);
	/* A private mapping as the read buffer: copies on write, the file keeps its bytes. */
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT(m != MAP_FAILED);
	EXPECT_EQ(pread(fd, m + 3, len / 2, len / 2), (long)(len / 2));
	EXPECT(!memcmp(m + 3, copy + len / 2, len / 2));
	EXPECT_EQ(pread(fd, src, len, 0), (long)len);
	EXPECT(!memcmp(src, copy, len));
	EXPECT_EQ(munmap(m, len), 0);
	close(fd);
	unlink(path);
}

/* write(2) of more than a pipe holds goes on as the reader drains it: all of it arrives. */
TEST(a_large_pipe_write_arrives_whole)
{
	size_t len = 4 * MiB, got = 0;
	unsigned char *w = map_anon(len), *r = map_anon(len);
	int p[2], status;
	pid_t pid;

	ASSERT(w && r);
	for (size_t i = 0; i < len; i++)
		w[i] = pattern(i, 5);
	ASSERT_EQ(pipe(p), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (!pid) {
		close(p[0]);
		_exit(write(p[1], w, len) == (ssize_t)len ? 0 : 1);
	}
	close(p[1]);
	while (got < len) {
		ssize_t n = read(p[0], r + got, len - got);

		if (n <= 0)
			break;
		got += n;
	}
	EXPECT_EQ(got, len);
	EXPECT(!memcmp(w, r, len));
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(p[0]);
}
