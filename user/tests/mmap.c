/*
 * mmap: anonymous memory (zero-filled, private vs shared across fork,
 * copy-on-write), file mappings (MAP_SHARED writes reach read() and write()
 * reaches the mapping, MAP_PRIVATE copies on write and leaves the file
 * alone, msync), every page of a larger file mapped right (fault-around
 * fills neighbours), access past EOF after a truncate is SIGBUS, after
 * munmap or on a read-only mapping SIGSEGV.
 */
#include "harness.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

static long page;

static char path[64];

/* A file of size bytes, byte i = i * 13 mod 256 (or zeros). */
static int make_file(const char *tag, size_t size, int fill)
{
	static unsigned char buf[65536];
	int fd;

	page = sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof(path), "/tmp/mmap-%s-%d", tag, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	for (size_t off = 0; off < size;) {
		size_t n = size - off < sizeof(buf) ? size - off : sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = fill ? (unsigned char)((off + i) * 13) : 0;
		if (write(fd, buf, n) != (ssize_t)n)
			return -1;
		off += n;
	}
	return fd;
}

/* Run fn in a child; the signal that killed it, or 0 if it exited. */
static int dies_of(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void touch_read(void *p)
{
	(void)*(volatile char *)p;
}

static void touch_write(void *p)
{
	*(volatile char *)p = 1;
}

TEST(anonymous_is_zeroed_and_writable)
{
	size_t len = 64 * 4096;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);

	ASSERT(p != MAP_FAILED);
	EXPECT_EQ((unsigned long)p % 4096, 0);
	for (size_t i = 0; i < len; i += 512)
		if (!EXPECT_EQ(p[i], 0))
			break;
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)i;
	for (size_t i = 0; i < len; i += 777)
		if (!EXPECT_EQ(p[i], (unsigned char)i))
			break;
	EXPECT_EQ(munmap(p, len), 0);
}

TEST(private_anonymous_is_copied_on_write_after_fork)
{
	int *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status, fds[2];
	pid_t pid;
	char c;

	ASSERT(p != MAP_FAILED);
	ASSERT_EQ(pipe(fds), 0);
	*p = 1;
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		int saw = *p;
		*p = 2;		/* the child's own copy */
		read(fds[0], &c, 1);
		_exit(saw == 1 && *p == 2 && c == 'g' ? 0 : 1);
	}
	*p = 3;			/* the parent's own copy */
	write(fds[1], "g", 1);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(WEXITSTATUS(status), 0);
	EXPECT_EQ(*p, 3);
	munmap(p, 4096);
	close(fds[0]);
	close(fds[1]);
}

TEST(shared_anonymous_is_shared_across_fork)
{
	volatile int *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			       -1, 0);
	int status;
	pid_t pid;

	ASSERT(p != MAP_FAILED);
	*p = 1;
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		*p = 42;
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(*p, 42);
	munmap((void *)p, 4096);
}

TEST(shared_file_mapping_agrees_with_read_and_write)
{
	int fd = make_file("shared", 3 * 4096, 1);
	char buf[16] = { 0 };
	char *p;

	ASSERT(fd >= 0);
	p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT(p != MAP_FAILED);
	EXPECT_EQ((unsigned char)p[page + 1], (unsigned char)((page + 1) * 13));
	memcpy(p + page + 100, "via mapping", 11);		/* mapping -> read() */
	EXPECT_EQ(pread(fd, buf, 11, page + 100), 11);
	EXPECT_STREQ(buf, "via mapping");
	EXPECT_EQ(pwrite(fd, "via write", 9, 2 * page + 5), 9);	/* write() -> mapping */
	EXPECT(!memcmp(p + 2 * page + 5, "via write", 9));
	EXPECT_EQ(msync(p, 3 * page, MS_SYNC), 0);
	EXPECT_EQ(munmap(p, 3 * page), 0);
	/* After munmap and close the file keeps what the mapping wrote. */
	close(fd);
	fd = open(path, O_RDONLY);
	ASSERT(fd >= 0);
	EXPECT_EQ(pread(fd, buf, 11, page + 100), 11);
	EXPECT_STREQ(buf, "via mapping");
	close(fd);
	unlink(path);
}

TEST(shared_file_mapping_between_processes)
{
	int fd = make_file("shproc", 4096, 0), status;
	volatile char *p;
	pid_t pid;

	ASSERT(fd >= 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {	/* its own mapping of the same file */
		char *q = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (q == MAP_FAILED)
			_exit(1);
		strcpy(q, "from the child");
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(WEXITSTATUS(status), 0);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT(p != MAP_FAILED);
	EXPECT_STREQ((const char *)p, "from the child");
	munmap((void *)p, page);
	close(fd);
	unlink(path);
}

TEST(private_file_mapping_copies_on_write)
{
	int fd = make_file("private", 2 * 4096, 1);
	unsigned char byte;
	char *p;

	ASSERT(fd >= 0);
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT(p != MAP_FAILED);
	EXPECT_EQ((unsigned char)p[10], (unsigned char)(10 * 13));
	p[10] = 'X';			/* a private copy: the file keeps its byte */
	EXPECT_EQ(pread(fd, &byte, 1, 10), 1);
	EXPECT_EQ(byte, (unsigned char)(10 * 13));
	EXPECT_EQ(p[10], 'X');
	EXPECT_EQ(pwrite(fd, "W", 1, 10), 1);	/* ...and the copy keeps its byte */
	EXPECT_EQ(p[10], 'X');
	munmap(p, 2 * page);
	close(fd);
	unlink(path);
}

TEST(every_page_of_a_large_file_maps_right)
{
	size_t pages = 256, len;
	int fd = make_file("large", 256 * 4096, 1);
	unsigned char *p, buf[1];

	ASSERT(fd >= 0);
	len = pages * page;
	/* Some pages already in the cache through read(), the rest not yet. */
	for (size_t i = 0; i < pages; i += 7)
		EXPECT_EQ(pread(fd, buf, 1, i * page), 1);
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT(p != MAP_FAILED);
	/* Touch in a scattered order, so fault-around fills neighbours first. */
	for (size_t k = 0; k < pages; k++) {
		size_t i = (k * 37) % pages, off = i * page + (k % page);
		if (!EXPECT_EQ(p[off], (unsigned char)(off * 13)))
			break;
	}
	munmap(p, len);
	close(fd);
	unlink(path);
}

/*
 * Fault-around: reading every page of a 64-page file whose pages are all
 * in the page cache takes far fewer than 64 minor faults, because a read
 * fault also maps the cached neighbours (Linux: 16 pages a fault, so 4).
 * Without fault-around each page is its own fault: 64.
 */
TEST(fault_around_maps_cached_neighbours)
{
	size_t pages = 64, len;
	int fd = make_file("around", 64 * 4096, 1);
	struct rusage before, after;
	unsigned char *p;
	long faults;

	ASSERT(fd >= 0);
	len = pages * page;
	ASSERT_EQ(fsync(fd), 0);
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT(p != MAP_FAILED);
	ASSERT_EQ(getrusage(RUSAGE_SELF, &before), 0);
	for (size_t i = 0; i < pages; i++)
		(void)*(volatile unsigned char *)(p + i * page);
	ASSERT_EQ(getrusage(RUSAGE_SELF, &after), 0);
	faults = after.ru_minflt - before.ru_minflt;
	EXPECT(faults >= 1);		/* the counter counts at all */
	if (!EXPECT(faults <= 32))
		printf("    # %ld minor faults for %zu pages\n", faults, pages);
	EXPECT_EQ(p[5 * page + 7], (unsigned char)((5 * page + 7) * 13));
	munmap(p, len);
	close(fd);
	unlink(path);
}

TEST(access_past_eof_after_truncate_is_sigbus)
{
	int fd = make_file("sigbus", 4 * 4096, 1);
	char *p;

	ASSERT(fd >= 0);
	p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT(p != MAP_FAILED);
	EXPECT_EQ(p[3 * page], (char)((3 * page) * 13));	/* mapped and faulted in */
	EXPECT_EQ(ftruncate(fd, page), 0);
	EXPECT_EQ(dies_of(touch_read, p + 3 * page), SIGBUS);	/* unmapped by truncate */
	EXPECT_EQ(dies_of(touch_write, p + 2 * page), SIGBUS);
	EXPECT_EQ(dies_of(touch_read, p + 10), 0);		/* inside EOF: fine */
	EXPECT_EQ(ftruncate(fd, 4 * page), 0);			/* grown back: zeros */
	EXPECT_EQ(p[3 * page], 0);
	munmap(p, 4 * page);
	close(fd);
	unlink(path);
}

TEST(unmapped_and_readonly_are_sigsegv)
{
	char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	ASSERT(p != MAP_FAILED);
	p[0] = 1;
	EXPECT_EQ(munmap(p + 4096, 4096), 0);
	EXPECT_EQ(dies_of(touch_read, p + 4096), SIGSEGV);
	EXPECT_EQ(mprotect(p, 4096, PROT_READ), 0);
	EXPECT_EQ(dies_of(touch_read, p), 0);
	EXPECT_EQ(dies_of(touch_write, p), SIGSEGV);
	EXPECT_EQ(p[0], 1);
	munmap(p, 4096);
}

TEST(bad_arguments)
{
	int fd = make_file("args", 4096, 0);

	ASSERT(fd >= 0);
	EXPECT_ERRNO(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
	EXPECT_ERRNO(mmap(NULL, 4096, PROT_READ, MAP_SHARED, -1, 0), EBADF);
	EXPECT_ERRNO(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 1), EINVAL);	/* offset */
	EXPECT_ERRNO(munmap((void *)1, 4096), EINVAL);
	close(fd);
	fd = open(path, O_RDONLY);
	ASSERT(fd >= 0);
	EXPECT_ERRNO(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	close(fd);
	unlink(path);
}
