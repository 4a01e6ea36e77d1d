/*
 * File I/O through the system calls: create, write, read back, seek,
 * pread/pwrite, O_APPEND, truncate, shared offsets after dup and fork,
 * unlink while open, rename, O_EXCL, and directory listing.
 */
#include "harness.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char path[64];

static int make_file(const char *tag)
{
	snprintf(path, sizeof(path), "/tmp/fileio-%s-%d", tag, getpid());
	return open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
}

TEST(write_read_seek)
{
	char buf[32] = { 0 };
	struct stat st;
	int fd = make_file("rw");

	ASSERT(fd >= 0);
	EXPECT_EQ(write(fd, "hello, world", 12), 12);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 12);
	EXPECT_EQ(lseek(fd, 7, SEEK_SET), 7);
	EXPECT_EQ(read(fd, buf, sizeof(buf)), 5);
	EXPECT_STREQ(buf, "world");
	EXPECT_EQ(read(fd, buf, sizeof(buf)), 0);		/* EOF */
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 12);
	EXPECT(S_ISREG(st.st_mode));
	EXPECT_EQ(st.st_mode & 0777, 0644 & ~umask(022));
	EXPECT_EQ(lseek(fd, -3, SEEK_END), 9);
	EXPECT_ERRNO(lseek(fd, -100, SEEK_SET), EINVAL);
	close(fd);
	unlink(path);
}

TEST(holes_read_as_zeros)
{
	char buf[8];
	int fd = make_file("hole");

	ASSERT(fd >= 0);
	EXPECT_EQ(pwrite(fd, "end", 3, 100000), 3);
	EXPECT_EQ(pread(fd, buf, 8, 50000), 8);
	for (int i = 0; i < 8; i++)
		EXPECT_EQ(buf[i], 0);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 0);	/* pread/pwrite leave the offset */
	close(fd);
	unlink(path);
}

TEST(append_goes_to_the_end)
{
	char buf[16] = { 0 };
	int fd = make_file("app"), fd2;

	ASSERT(fd >= 0);
	EXPECT_EQ(write(fd, "abc", 3), 3);
	fd2 = open(path, O_WRONLY | O_APPEND);
	ASSERT(fd2 >= 0);
	EXPECT_EQ(lseek(fd2, 0, SEEK_SET), 0);
	EXPECT_EQ(write(fd2, "def", 3), 3);
	EXPECT_EQ(pread(fd, buf, sizeof(buf), 0), 6);
	EXPECT_STREQ(buf, "abcdef");
	close(fd2);
	close(fd);
	unlink(path);
}

TEST(truncate_shrinks_and_grows)
{
	char buf[8];
	struct stat st;
	int fd = make_file("trunc");

	ASSERT(fd >= 0);
	EXPECT_EQ(write(fd, "0123456789", 10), 10);
	EXPECT_EQ(ftruncate(fd, 4), 0);
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 4);
	EXPECT_EQ(truncate(path, 8), 0);
	EXPECT_EQ(pread(fd, buf, 8, 0), 8);
	EXPECT(!memcmp(buf, "0123\0\0\0\0", 8));
	close(fd);
	unlink(path);
}

TEST(dup_and_fork_share_the_offset)
{
	int fd = make_file("dup"), fd2, status;
	pid_t pid;

	ASSERT(fd >= 0);
	fd2 = dup(fd);
	ASSERT(fd2 > fd);
	EXPECT_EQ(write(fd, "ab", 2), 2);
	EXPECT_EQ(lseek(fd2, 0, SEEK_CUR), 2);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0)
		_exit(write(fd2, "cd", 2) == 2 ? 0 : 1);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 4);
	EXPECT_EQ(dup2(fd, 20), 20);
	EXPECT_EQ(lseek(20, 0, SEEK_CUR), 4);
	EXPECT_ERRNO(dup2(fd, -1), EBADF);
	close(20);
	close(fd2);
	close(fd);
	unlink(path);
}

TEST(unlinked_file_lives_while_open)
{
	char buf[8] = { 0 };
	struct stat st;
	int fd = make_file("unl");

	ASSERT(fd >= 0);
	EXPECT_EQ(write(fd, "still", 5), 5);
	EXPECT_EQ(unlink(path), 0);
	EXPECT_ERRNO(stat(path, &st), ENOENT);
	EXPECT_EQ(pread(fd, buf, 5, 0), 5);
	EXPECT_STREQ(buf, "still");
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_nlink, 0);
	close(fd);
}

TEST(rename_and_excl)
{
	char other[80];
	struct stat st;
	int fd = make_file("ren");

	ASSERT(fd >= 0);
	close(fd);
	snprintf(other, sizeof(other), "%s.new", path);
	EXPECT_EQ(rename(path, other), 0);
	EXPECT_ERRNO(stat(path, &st), ENOENT);
	EXPECT_EQ(stat(other, &st), 0);
	EXPECT_ERRNO(open(other, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	EXPECT_ERRNO(open("/tmp/no/such/dir/f", O_RDWR | O_CREAT, 0644), ENOENT);
	EXPECT_ERRNO(read(-1, other, 1), EBADF);
	EXPECT_EQ(unlink(other), 0);
}

TEST(directories_list_their_entries)
{
	char dir[64], f[96];
	struct dirent *e;
	int found = 0, dots = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/tmp/fileio-dir-%d", getpid());
	ASSERT_EQ(mkdir(dir, 0755), 0);
	EXPECT_ERRNO(mkdir(dir, 0755), EEXIST);
	for (int i = 0; i < 50; i++) {
		snprintf(f, sizeof(f), "%s/entry%02d", dir, i);
		int fd = open(f, O_WRONLY | O_CREAT, 0600);
		EXPECT(fd >= 0);
		close(fd);
	}
	EXPECT_ERRNO(rmdir(dir), ENOTEMPTY);
	d = opendir(dir);
	ASSERT(d != NULL);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			dots++;
		else if (!strncmp(e->d_name, "entry", 5) && e->d_type == DT_REG)
			found++;
	}
	closedir(d);
	EXPECT_EQ(found, 50);
	EXPECT_EQ(dots, 2);
	for (int i = 0; i < 50; i++) {
		snprintf(f, sizeof(f), "%s/entry%02d", dir, i);
		EXPECT_EQ(unlink(f), 0);
	}
	EXPECT_EQ(rmdir(dir), 0);
}
