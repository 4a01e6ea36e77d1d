/*
 * The VFS system calls from user space, each with its Linux result and
 * errnos: vectors and positions, opening flags, descriptors (dup, fcntl,
 * close-on-exec, close_range, RLIMIT_NOFILE), stat/statx/statfs, directory
 * listing (getdents64 and the old getdents), the namespace calls (mkdir,
 * rename, link, symlink, mknod, unlink), attributes (chmod, chown, times,
 * truncate), sync calls, cwd/chroot, mount/umount2, locks (fcntl and
 * flock), pipes, ioctl, xattrs, sendfile and fadvise. Each test works in
 * its own directory under /tmp. Run on Linux too: same expectations.
 */
#include "harness.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <sys/sysmacros.h>
#include <termios.h>

/* struct statx as the kernel lays it out (this musl may predate statx()). */
struct kstatx {
	unsigned int mask, blksize;
	unsigned long long attributes;
	unsigned int nlink, uid, gid;
	unsigned short mode, spare0;
	unsigned long long ino, size, blocks, attributes_mask;
	struct { long long sec; unsigned int nsec; int pad; } atime, btime, ctime, mtime;
	unsigned int rdev_major, rdev_minor, dev_major, dev_minor;
	unsigned long long spare[14];
};
#define KSTATX_BASIC_STATS 0x7ffU

static char d[64];

/* A fresh directory; we chdir into it so names are short. */
static void enter(const char *tag)
{
	snprintf(d, sizeof(d), "/tmp/vfs_calls-%s-%d", tag, getpid());
	ASSERT_EQ(mkdir(d, 0755), 0);
	ASSERT_EQ(chdir(d), 0);
}

static int mkfile(const char *name, const char *data)
{
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0 && data)
		EXPECT_EQ(write(fd, data, strlen(data)), (long)strlen(data));
	return fd;
}

TEST(readv_writev_preadv_pwritev)
{
	char a[4] = { 0 }, b[8] = { 0 };
	struct iovec w[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	struct iovec r[2] = { { a, 3 }, { b, 7 } };
	int fd;

	enter("vec");
	fd = mkfile("f", NULL);
	ASSERT(fd >= 0);
	EXPECT_EQ(writev(fd, w, 3), 8);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 8);
	EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
	EXPECT_EQ(readv(fd, r, 2), 8);
	EXPECT_STREQ(a, "abc");
	EXPECT_STREQ(b, "defgh");
	EXPECT_EQ(pwritev(fd, w, 1, 100), 3);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 8);	/* pwritev leaves the offset */
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	EXPECT_EQ(preadv(fd, r, 2, 2), 10);	/* "cdefgh" and the hole's zeros */
	EXPECT_STREQ(a, "cde");
	EXPECT_EQ(memcmp(b, "fgh\0\0\0\0", 7), 0);
	EXPECT_EQ(readv(fd, r, 0), 0);
	EXPECT_ERRNO(readv(fd, r, 1025), EINVAL);
	EXPECT_ERRNO(readv(fd, r, -1), EINVAL);
	struct iovec neg = { a, (size_t)-1 };
	EXPECT_ERRNO(readv(fd, &neg, 1), EINVAL);
	EXPECT_ERRNO(preadv(fd, r, 1, -1), EINVAL);
	EXPECT_ERRNO(pread(fd, a, 1, -1), EINVAL);
	EXPECT_ERRNO(readv(-1, r, 1), EBADF);
	/* A large write and read in one call cross the kernel's internal pieces. */
	size_t big = 300 * 1024;
	char *p = malloc(big), *q = malloc(big);
	ASSERT(p && q);
	for (size_t i = 0; i < big; i++)
		p[i] = (char)(i * 7 + i / 4096);
	EXPECT_EQ(pwrite(fd, p, big, 4096), (long)big);
	EXPECT_EQ(pread(fd, q, big, 4096), (long)big);
	EXPECT_EQ(memcmp(p, q, big), 0);
	close(fd);
}

TEST(lseek_whence)
{
	int fd;

	enter("seek");
	fd = mkfile("f", "0123456789");
	ASSERT(fd >= 0);
	EXPECT_EQ(lseek(fd, 0, SEEK_END), 10);
	EXPECT_EQ(lseek(fd, 20, SEEK_SET), 20);		/* past EOF is fine */
	EXPECT_EQ(lseek(fd, 3, SEEK_DATA), 3);
	EXPECT_EQ(lseek(fd, 3, SEEK_HOLE), 10);
	EXPECT_ERRNO(lseek(fd, 11, SEEK_DATA), ENXIO);
	EXPECT_ERRNO(lseek(fd, 0, 99), EINVAL);
	int p[2];
	ASSERT_EQ(pipe(p), 0);
	EXPECT_ERRNO(lseek(p[0], 0, SEEK_SET), ESPIPE);
	char c;
	EXPECT_ERRNO(pread(p[0], &c, 1, 0), ESPIPE);
	close(p[0]);
	close(p[1]);
	close(fd);
}

TEST(open_flags)
{
	int fd, dfd;

	enter("open");
	EXPECT_ERRNO(open("missing", O_RDONLY), ENOENT);
	EXPECT_ERRNO(open("", O_RDONLY), ENOENT);
	fd = open("f", O_CREAT | O_EXCL | O_WRONLY, 0600);
	ASSERT(fd >= 0);
	EXPECT_ERRNO(open("f", O_CREAT | O_EXCL | O_WRONLY, 0600), EEXIST);
	EXPECT_ERRNO(open("f/x", O_RDONLY), ENOTDIR);
	EXPECT_ERRNO(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	EXPECT_ERRNO(open(".", O_WRONLY), EISDIR);
	EXPECT_EQ(write(fd, "hello", 5), 5);
	close(fd);
	fd = open("f", O_RDWR | O_TRUNC);
	ASSERT(fd >= 0);
	struct stat st;
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 0);
	EXPECT_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND), O_RDWR);
	close(fd);
	fd = open("f", O_WRONLY | O_APPEND);
	ASSERT(fd >= 0);
	EXPECT_EQ(write(fd, "ab", 2), 2);
	EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
	EXPECT_EQ(write(fd, "cd", 2), 2);	/* appends anyway */
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 4);
	char c;
	EXPECT_ERRNO(read(fd, &c, 1), EBADF);	/* write-only */
	close(fd);
	/* openat relative to a directory descriptor; creat(). */
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	ASSERT(dfd >= 0);
	fd = openat(dfd, "g", O_CREAT | O_RDWR, 0640);
	EXPECT(fd >= 0);
	close(fd);
	EXPECT_EQ(faccessat(dfd, "g", R_OK | W_OK, 0), 0);
	fd = creat("h", 0600);
	EXPECT(fd >= 0);
	EXPECT_ERRNO(read(fd, &c, 1), EBADF);
	close(fd);
	/* A symlink as last component: followed, or ELOOP with O_NOFOLLOW. */
	EXPECT_EQ(symlink("f", "s"), 0);
	fd = open("s", O_RDONLY);
	EXPECT(fd >= 0);
	close(fd);
	EXPECT_ERRNO(open("s", O_RDONLY | O_NOFOLLOW), ELOOP);
	/* Name limits. */
	char name[300];
	memset(name, 'n', 256);
	name[256] = 0;
	EXPECT_ERRNO(open(name, O_CREAT | O_RDWR, 0644), ENAMETOOLONG);
	char *longp = malloc(PATH_MAX + 10);
	ASSERT(longp);
	memset(longp, 'a', PATH_MAX + 5);
	longp[PATH_MAX + 5] = 0;
	EXPECT_ERRNO(open(longp, O_RDONLY), ENAMETOOLONG);
	close(dfd);
}

TEST(dup_fcntl_cloexec)
{
	int fd, fd2, fd3;

	enter("dup");
	fd = mkfile("f", "xyz");
	ASSERT(fd >= 0);
	fd2 = dup(fd);
	EXPECT(fd2 > fd);
	EXPECT_EQ(lseek(fd, 1, SEEK_SET), 1);
	EXPECT_EQ(lseek(fd2, 0, SEEK_CUR), 1);	/* shared offset */
	EXPECT_EQ(dup2(fd, fd), fd);
	EXPECT_ERRNO(dup2(99999, 50), EBADF);
	EXPECT_EQ(dup2(fd, 50), 50);
	EXPECT_EQ(fcntl(50, F_GETFD), 0);
	/* raw dup3: musl turns a flagless dup3 into dup2 */
	EXPECT_ERRNO(syscall(SYS_dup3, fd, fd, 0), EINVAL);
	EXPECT_ERRNO(syscall(SYS_dup3, fd, 51, 12345), EINVAL);
	EXPECT_EQ(dup3(fd, 51, O_CLOEXEC), 51);
	EXPECT_EQ(fcntl(51, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(fcntl(51, F_SETFD, 0), 0);
	EXPECT_EQ(fcntl(51, F_GETFD), 0);
	fd3 = fcntl(fd, F_DUPFD, 60);
	EXPECT_EQ(fd3, 60);
	EXPECT_EQ(fcntl(fd, F_DUPFD_CLOEXEC, 60), 61);
	EXPECT_EQ(fcntl(61, F_GETFD), FD_CLOEXEC);
	EXPECT_ERRNO(fcntl(fd, F_DUPFD, -1), EINVAL);
	EXPECT_EQ(fcntl(fd, F_SETFL, O_NONBLOCK | O_APPEND), 0);
	EXPECT_EQ(fcntl(fd2, F_GETFL) & (O_NONBLOCK | O_APPEND), O_NONBLOCK | O_APPEND);
	EXPECT_ERRNO(fcntl(fd, 12345), EINVAL);
	EXPECT_ERRNO(fcntl(-1, F_GETFD), EBADF);
	EXPECT_ERRNO(close(-1), EBADF);
	EXPECT_EQ(close(50), 0);
	EXPECT_ERRNO(close(50), EBADF);
	/* ioctl's FIOCLEX/FIONCLEX. */
	EXPECT_EQ(ioctl(fd2, FIOCLEX), 0);
	EXPECT_EQ(fcntl(fd2, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(ioctl(fd2, FIONCLEX), 0);
	EXPECT_EQ(fcntl(fd2, F_GETFD), 0);
	/* close_range: CLOEXEC marks, then closes. */
	EXPECT_EQ(syscall(SYS_close_range, 60, 61, 4 /* CLOSE_RANGE_CLOEXEC */), 0);
	EXPECT_EQ(fcntl(60, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(syscall(SYS_close_range, 51, ~0U, 0), 0);
	EXPECT_ERRNO(fcntl(51, F_GETFD), EBADF);
	EXPECT_ERRNO(fcntl(60, F_GETFD), EBADF);
	EXPECT_ERRNO(syscall(SYS_close_range, 5, 4, 0), EINVAL);
	close(fd2);
	close(fd);
}

/*
 * The exec'd copy of this program checks its descriptors in a
 * constructor (before the harness runs) when VFS_CALLS_FDS="keep gone"
 * is set: keep must be open, gone closed by exec.
 */
__attribute__((constructor)) static void cloexec_probe(void)
{
	const char *v = getenv("VFS_CALLS_FDS");
	int keep, gone;

	if (!v || sscanf(v, "%d %d", &keep, &gone) != 2)
		return;
	if (fcntl(keep, F_GETFD) != 0)
		_exit(3);
	if (fcntl(gone, F_GETFD) != -1 || errno != EBADF)
		_exit(4);
	_exit(0);
}

TEST(cloexec_across_exec)
{
	int keep, gone;
	char v[32];

	enter("exec");
	keep = mkfile("k", NULL);
	gone = open("k", O_RDONLY | O_CLOEXEC);
	ASSERT(keep >= 0 && gone >= 0);
	snprintf(v, sizeof(v), "%d %d", keep, gone);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		setenv("VFS_CALLS_FDS", v, 1);
		execl("/proc/self/exe", "vfs_calls", (char *)NULL);
		execl("/tests/vfs_calls", "vfs_calls", (char *)NULL);
		_exit(5);
	}
	int st;
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT(WIFEXITED(st));
	EXPECT_EQ(WEXITSTATUS(st), 0);
	close(keep);
	close(gone);
}

/* Above the default soft limit (up to the hard 4096): the table grows. */
TEST(rlimit_nofile_raised)
{
	struct rlimit rl = { 4096, 4096 };

	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
	EXPECT_EQ(dup2(0, 4000), 4000);
	EXPECT_EQ(fcntl(0, F_DUPFD, 3000), 3000);
	EXPECT_ERRNO(dup2(0, 4096), EBADF);
	EXPECT_EQ(close(4000), 0);
	EXPECT_EQ(close(3000), 0);
}

TEST(rlimit_nofile)
{
	struct rlimit rl = { 8, 8 };
	int fd, last = -1;

	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
	for (;;) {
		fd = open("/", O_RDONLY);
		if (fd < 0)
			break;
		last = fd;
	}
	EXPECT_EQ(errno, EMFILE);
	EXPECT_EQ(last, 7);
	EXPECT_ERRNO(dup2(0, 8), EBADF);
	EXPECT_ERRNO(fcntl(0, F_DUPFD, 8), EINVAL);
	int p[2];
	EXPECT_ERRNO(pipe(p), EMFILE);
}

TEST(stat_statx_statfs)
{
	struct stat st, st2;
	struct kstatx stx;
	struct statfs sfs;
	int fd;

	enter("stat");
	fd = mkfile("f", "12345");
	ASSERT(fd >= 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT(S_ISREG(st.st_mode));
	EXPECT_EQ(st.st_size, 5);
	EXPECT_EQ(st.st_nlink, 1);
	EXPECT_EQ(st.st_uid, getuid());
	EXPECT_EQ(fstat(fd, &st2), 0);
	EXPECT_EQ(st.st_ino, st2.st_ino);
	EXPECT_EQ(st.st_dev, st2.st_dev);
	EXPECT_EQ(fstatat(fd, "", &st2, AT_EMPTY_PATH), 0);
	EXPECT_EQ(st.st_ino, st2.st_ino);
	EXPECT_ERRNO(fstatat(fd, "", &st2, 0), ENOENT);
	EXPECT_EQ(symlink("f", "s"), 0);
	EXPECT_EQ(lstat("s", &st2), 0);
	EXPECT(S_ISLNK(st2.st_mode));
	EXPECT_EQ(st2.st_size, 1);
	EXPECT_EQ(stat("s", &st2), 0);
	EXPECT_EQ(st2.st_ino, st.st_ino);
	EXPECT_EQ(fstatat(AT_FDCWD, "s", &st2, AT_SYMLINK_NOFOLLOW), 0);
	EXPECT(S_ISLNK(st2.st_mode));
	EXPECT_ERRNO(fstatat(AT_FDCWD, "f", &st2, 0x8000), EINVAL);
	EXPECT_ERRNO(stat("nope", &st2), ENOENT);
	EXPECT_ERRNO(stat("f/", &st2), ENOTDIR);
	EXPECT_EQ(sizeof(stx), 256);
	EXPECT_EQ(syscall(SYS_statx, AT_FDCWD, "f", 0, KSTATX_BASIC_STATS, &stx), 0);
	EXPECT_EQ(stx.mask & KSTATX_BASIC_STATS, KSTATX_BASIC_STATS);
	EXPECT_EQ(stx.size, 5);
	EXPECT_EQ(stx.ino, st.st_ino);
	EXPECT_EQ(stx.mode, st.st_mode);
	EXPECT_EQ(stx.nlink, 1);
	EXPECT_EQ(makedev(stx.dev_major, stx.dev_minor), st.st_dev);
	EXPECT_EQ(stx.mtime.sec, st.st_mtim.tv_sec);
	EXPECT_ERRNO(syscall(SYS_statx, AT_FDCWD, "f", 0, 0x80000000U, &stx), EINVAL);
	EXPECT_EQ(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, KSTATX_BASIC_STATS, &stx), 0);
	EXPECT_EQ(stx.ino, st.st_ino);
	EXPECT_EQ(statfs(".", &sfs), 0);
	EXPECT(sfs.f_bsize > 0);
	EXPECT(sfs.f_namelen == 255);
	struct statfs sfs2;
	EXPECT_EQ(fstatfs(fd, &sfs2), 0);
	EXPECT_EQ(sfs.f_type, sfs2.f_type);
	/* Device files keep their numbers through user space's encoding. */
	EXPECT_EQ(stat("/dev/null", &st2), 0);
	EXPECT(S_ISCHR(st2.st_mode));
	EXPECT_EQ(major(st2.st_rdev), 1);
	EXPECT_EQ(minor(st2.st_rdev), 3);
	close(fd);
}

/* The names a getdents64 listing of dir gives, "|"-joined in order, and their types. */
static int list_dir(const char *dir, char *names, size_t len, int *nreg, int *ndir)
{
	char buf[256];	/* small: several calls are needed */
	int fd = open(dir, O_RDONLY | O_DIRECTORY), n = 0;
	long got;

	*nreg = *ndir = 0;
	names[0] = 0;
	if (fd < 0)
		return -1;
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < got;) {
			struct {
				unsigned long long ino;
				long long off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *e = (void *)(buf + off);
			if (strcmp(e->name, ".") && strcmp(e->name, "..")) {
				if (strlen(names) + strlen(e->name) + 2 < len) {
					strcat(names, e->name);
					strcat(names, "|");
				}
				n++;
				*nreg += e->type == DT_REG;
				*ndir += e->type == DT_DIR;
			}
			off += e->reclen;
		}
	}
	close(fd);
	return got < 0 ? -1 : n;
}

TEST(getdents)
{
	char names[4096];
	int nreg, ndir, fd;

	enter("dents");
	for (int i = 0; i < 20; i++) {
		char n[32];
		snprintf(n, sizeof(n), "file-with-a-longish-name-%02d", i);
		fd = mkfile(n, NULL);
		close(fd);
	}
	EXPECT_EQ(mkdir("sub", 0755), 0);
	EXPECT_EQ(list_dir(".", names, sizeof(names), &nreg, &ndir), 21);
	EXPECT_EQ(nreg, 20);
	EXPECT_EQ(ndir, 1);
	EXPECT(strstr(names, "file-with-a-longish-name-07|") != NULL);
	/* Too small a buffer for one entry: EINVAL. A file: ENOTDIR. */
	char tiny[8];
	fd = open(".", O_RDONLY | O_DIRECTORY);
	EXPECT_ERRNO(syscall(SYS_getdents64, fd, tiny, sizeof(tiny)), EINVAL);
	/* The old getdents: d_type in the record's last byte. */
	char buf[4096];
	long got = syscall(SYS_getdents, fd, buf, sizeof(buf));
	EXPECT(got > 0);
	int seen = 0, dirs = 0;
	for (long off = 0; off > -1 && off < got;) {
		struct {
			unsigned long ino, off;
			unsigned short reclen;
			char name[];
		} *e = (void *)(buf + off);
		char type = buf[off + e->reclen - 1];
		if (e->name[0] != '.') {
			seen++;
			dirs += type == DT_DIR;
		}
		off += e->reclen;
	}
	EXPECT_EQ(seen, 21);
	EXPECT_EQ(dirs, 1);
	close(fd);
	fd = open("sub/../file-with-a-longish-name-00", O_RDONLY);
	EXPECT_ERRNO(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR);
	close(fd);
	/* readdir(3) over the same calls. */
	DIR *dir = opendir(".");
	int n = 0;
	struct dirent *de;
	ASSERT(dir != NULL);
	while ((de = readdir(dir)))
		n++;
	closedir(dir);
	EXPECT_EQ(n, 23);
}

TEST(namespace_ops)
{
	struct stat st;
	int fd;

	enter("ns");
	EXPECT_EQ(mkdir("a", 0755), 0);
	EXPECT_ERRNO(mkdir("a", 0755), EEXIST);
	EXPECT_ERRNO(mkdir("x/y", 0755), ENOENT);
	EXPECT_EQ(mkdirat(AT_FDCWD, "a/b", 0700), 0);
	EXPECT_ERRNO(rmdir("a"), ENOTEMPTY);
	EXPECT_ERRNO(unlink("a"), EISDIR);
	EXPECT_ERRNO(rmdir("."), EINVAL);
	fd = mkfile("f", "data");
	close(fd);
	EXPECT_ERRNO(rmdir("f"), ENOTDIR);
	/* link: nlink counts both names. */
	EXPECT_EQ(link("f", "g"), 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT_EQ(st.st_nlink, 2);
	EXPECT_ERRNO(link("f", "g"), EEXIST);
	EXPECT_ERRNO(link("a", "adir"), EPERM);
	EXPECT_EQ(linkat(AT_FDCWD, "g", AT_FDCWD, "a/h", 0), 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT_EQ(st.st_nlink, 3);
	/* symlink + readlink (truncated, never terminated). */
	char buf[16];
	EXPECT_EQ(symlink("some/target", "sl"), 0);
	EXPECT_EQ(readlink("sl", buf, sizeof(buf)), 11);
	EXPECT_EQ(memcmp(buf, "some/target", 11), 0);
	memset(buf, 'Z', sizeof(buf));
	EXPECT_EQ(readlink("sl", buf, 4), 4);
	EXPECT_EQ(buf[4], 'Z');
	EXPECT_ERRNO(readlink("f", buf, sizeof(buf)), EINVAL);
	EXPECT_ERRNO(syscall(SYS_readlink, "sl", buf, 0), EINVAL);	/* raw: musl rewrites size 0 */
	EXPECT_EQ(symlinkat("f", AT_FDCWD, "sl2"), 0);
	EXPECT_EQ(readlinkat(AT_FDCWD, "sl2", buf, sizeof(buf)), 1);
	EXPECT_ERRNO(symlink("x", "f"), EEXIST);
	/* rename: over a file, NOREPLACE, EXCHANGE, into own subtree. */
	fd = mkfile("r1", "one");
	close(fd);
	fd = mkfile("r2", "two");
	close(fd);
	EXPECT_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "r1", AT_FDCWD, "r2", 1 /* NOREPLACE */), EEXIST);
	EXPECT_EQ(syscall(SYS_renameat2, AT_FDCWD, "r1", AT_FDCWD, "r2", 2 /* EXCHANGE */), 0);
	fd = open("r1", O_RDONLY);
	EXPECT_EQ(read(fd, buf, sizeof(buf)), 3);
	EXPECT_EQ(memcmp(buf, "two", 3), 0);
	close(fd);
	EXPECT_EQ(rename("r1", "r2"), 0);
	EXPECT_ERRNO(access("r1", F_OK), ENOENT);
	EXPECT_EQ(renameat(AT_FDCWD, "r2", AT_FDCWD, "a/r3"), 0);
	EXPECT_ERRNO(rename("a", "a/b/c"), EINVAL);
	EXPECT_ERRNO(rename("f", "a"), EISDIR);
	EXPECT_ERRNO(rename("a", "f"), ENOTDIR);
	EXPECT_ERRNO(rename("nope", "x"), ENOENT);
	/* unlink / unlinkat. */
	EXPECT_EQ(unlink("g"), 0);
	EXPECT_EQ(unlinkat(AT_FDCWD, "a/h", 0), 0);
	EXPECT_ERRNO(unlinkat(AT_FDCWD, "a/b", 0), EISDIR);
	EXPECT_EQ(unlinkat(AT_FDCWD, "a/b", AT_REMOVEDIR), 0);
	EXPECT_ERRNO(unlinkat(AT_FDCWD, "f", 0x1), EINVAL);
	/* mknod: a FIFO and a regular file; a device needs no driver to exist. */
	EXPECT_EQ(mknod("fifo", S_IFIFO | 0644, 0), 0);
	EXPECT_EQ(stat("fifo", &st), 0);
	EXPECT(S_ISFIFO(st.st_mode));
	EXPECT_EQ(mknodat(AT_FDCWD, "reg", S_IFREG | 0600, 0), 0);
	EXPECT_EQ(stat("reg", &st), 0);
	EXPECT(S_ISREG(st.st_mode));
	EXPECT_EQ(mknod("chr", S_IFCHR | 0600, makedev(1, 3)), 0);
	EXPECT_EQ(stat("chr", &st), 0);
	EXPECT_EQ(st.st_rdev, makedev(1, 3));
	EXPECT_ERRNO(mknod("d", S_IFDIR | 0755, 0), EPERM);
	/* An unlinked open file stays readable. */
	fd = open("f", O_RDONLY);
	EXPECT_EQ(unlink("f"), 0);
	EXPECT_EQ(read(fd, buf, sizeof(buf)), 4);
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_nlink, 0);
	close(fd);
}

TEST(attributes)
{
	struct stat st;
	int fd;

	enter("attr");
	fd = mkfile("f", "0123456789");
	ASSERT(fd >= 0);
	EXPECT_EQ(chmod("f", 0600), 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0600);
	EXPECT_EQ(fchmod(fd, 0640), 0);
	EXPECT_EQ(fchmodat(AT_FDCWD, "f", 0444, 0), 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0444);
	EXPECT_EQ(chown("f", 1000, 1001), 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT_EQ(st.st_uid, 1000);
	EXPECT_EQ(st.st_gid, 1001);
	EXPECT_EQ(fchown(fd, -1, 0), 0);
	EXPECT_EQ(fchownat(AT_FDCWD, "f", 0, -1, 0), 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT_EQ(st.st_uid, 0);
	EXPECT_EQ(st.st_gid, 0);
	EXPECT_EQ(symlink("f", "s"), 0);
	EXPECT_EQ(lchown("s", 7, 7), 0);
	EXPECT_EQ(lstat("s", &st), 0);
	EXPECT_EQ(st.st_uid, 7);
	EXPECT_EQ(stat("s", &st), 0);
	EXPECT_EQ(st.st_uid, 0);
	/* truncate / ftruncate */
	EXPECT_EQ(chmod("f", 0644), 0);
	EXPECT_EQ(truncate("f", 4), 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT_EQ(st.st_size, 4);
	EXPECT_EQ(ftruncate(fd, 8192), 0);
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 8192);
	char z[4] = { 1, 1, 1, 1 };
	EXPECT_EQ(pread(fd, z, 4, 100), 4);
	EXPECT_EQ(z[0] | z[1] | z[2] | z[3], 0);
	EXPECT_ERRNO(truncate("f", -1), EINVAL);
	EXPECT_ERRNO(truncate(".", 0), EISDIR);
	int ro = open("f", O_RDONLY);
	EXPECT_ERRNO(ftruncate(ro, 0), EINVAL);
	close(ro);
	/* times */
	struct timespec ts[2] = { { 1000, 500 }, { 2000, 600 } };
	EXPECT_EQ(utimensat(AT_FDCWD, "f", ts, 0), 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT_EQ(st.st_atim.tv_sec, 1000);
	EXPECT_EQ(st.st_atim.tv_nsec, 500);
	EXPECT_EQ(st.st_mtim.tv_sec, 2000);
	EXPECT_EQ(st.st_mtim.tv_nsec, 600);
	struct timespec omit[2] = { { 5, UTIME_OMIT }, { 3000, 0 } };
	EXPECT_EQ(futimens(fd, omit), 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT_EQ(st.st_atim.tv_sec, 1000);
	EXPECT_EQ(st.st_mtim.tv_sec, 3000);
	struct timespec badns[2] = { { 0, 1000000000 }, { 0, 0 } };
	EXPECT_ERRNO(utimensat(AT_FDCWD, "f", badns, 0), EINVAL);
	struct timeval tv[2] = { { 4000, 7 }, { 5000, 8 } };
	EXPECT_EQ(utimes("f", tv), 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT_EQ(st.st_atim.tv_sec, 4000);
	EXPECT_EQ(st.st_atim.tv_nsec, 7000);
	EXPECT_EQ(st.st_mtim.tv_sec, 5000);
	EXPECT_EQ(syscall(SYS_futimesat, AT_FDCWD, "f", NULL), 0);
	EXPECT_EQ(stat("f", &st), 0);
	EXPECT(st.st_mtim.tv_sec > 5000);
	/* access */
	EXPECT_EQ(access("f", R_OK | W_OK), 0);
	EXPECT_ERRNO(access("f", 8), EINVAL);
	EXPECT_ERRNO(access("nope", F_OK), ENOENT);
	EXPECT_EQ(syscall(SYS_faccessat2, AT_FDCWD, "s", F_OK, AT_SYMLINK_NOFOLLOW), 0);
	EXPECT_EQ(syscall(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH), 0);
	EXPECT_ERRNO(syscall(SYS_faccessat2, AT_FDCWD, "f", F_OK, 0x4), EINVAL);
	/* sync family */
	EXPECT_EQ(fsync(fd), 0);
	EXPECT_EQ(fdatasync(fd), 0);
	sync();
	EXPECT_EQ(syncfs(fd), 0);
	EXPECT_ERRNO(fsync(-1), EBADF);
	/* fadvise */
	EXPECT_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL), 0);
	EXPECT_EQ(posix_fadvise(fd, 0, 0, 99), EINVAL);
	EXPECT_EQ(posix_fadvise(-1, 0, 0, POSIX_FADV_NORMAL), EBADF);
	close(fd);
}

TEST(umask_applies)
{
	struct stat st;

	enter("umask");
	umask(027);
	int fd = open("f", O_CREAT | O_RDWR, 0777);
	ASSERT(fd >= 0);
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0750);
	EXPECT_EQ(mkdir("d", 0777), 0);
	EXPECT_EQ(stat("d", &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0750);
	close(fd);
}

TEST(cwd_chdir_chroot)
{
	char buf[256], want[256];
	int dfd;

	enter("cwd");
	EXPECT(getcwd(buf, sizeof(buf)) != NULL);
	EXPECT_STREQ(buf, d);
	EXPECT_EQ(syscall(SYS_getcwd, buf, sizeof(buf)), (long)strlen(d) + 1);
	EXPECT_ERRNO(syscall(SYS_getcwd, buf, 3), ERANGE);
	EXPECT_EQ(mkdir("sub", 0755), 0);
	EXPECT_EQ(chdir("sub"), 0);
	snprintf(want, sizeof(want), "%s/sub", d);
	EXPECT_STREQ(getcwd(buf, sizeof(buf)), want);
	EXPECT_EQ(chdir(".."), 0);
	dfd = open("sub", O_RDONLY | O_DIRECTORY);
	EXPECT_EQ(fchdir(dfd), 0);
	EXPECT_STREQ(getcwd(buf, sizeof(buf)), want);
	close(dfd);
	int fd = mkfile("plain", NULL);
	EXPECT_ERRNO(fchdir(fd), ENOTDIR);
	EXPECT_ERRNO(chdir("plain"), ENOTDIR);
	EXPECT_ERRNO(chdir("nope"), ENOENT);
	close(fd);
	/* A removed working directory: getcwd says ENOENT. */
	EXPECT_EQ(mkdir("gone", 0755), 0);
	EXPECT_EQ(chdir("gone"), 0);
	EXPECT_EQ(rmdir(want[0] ? "../gone" : "x"), 0);
	EXPECT_ERRNO(syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT);
	/* chroot in a child: "/" is then our directory. */
	EXPECT_EQ(chdir(d), 0);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		struct stat st;
		if (chroot(d) || chdir("/"))
			_exit(1);
		if (stat("/sub", &st) || !S_ISDIR(st.st_mode))
			_exit(2);
		if (stat("/tmp", &st) == 0)
			_exit(3);
		_exit(0);
	}
	int st;
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_ERRNO(chroot("nope"), ENOENT);
}

TEST(fork_shares_offsets_not_tables)
{
	int fd;

	enter("fork");
	fd = mkfile("f", "abcdef");
	ASSERT(fd >= 0);
	EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		char c;
		if (read(fd, &c, 1) != 1 || c != 'a')
			_exit(1);
		close(fd);	/* only the child's table loses it */
		if (open("f", O_RDONLY) != fd)	/* lowest free again */
			_exit(2);
		_exit(0);
	}
	int st;
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 1);	/* the offset is the open file's */
	EXPECT_EQ(fcntl(fd, F_GETFD), 0);	/* still open here */
	close(fd);
}

TEST(record_locks_and_flock)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
	int fd, fd2;

	enter("lock");
	fd = mkfile("f", "0123456789");
	ASSERT(fd >= 0);
	EXPECT_EQ(fcntl(fd, F_SETLK, &fl), 0);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		struct flock q = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1 };
		int f = open("f", O_RDWR);
		if (fcntl(f, F_GETLK, &q) || q.l_type != F_WRLCK || q.l_start != 0 || q.l_len != 10)
			_exit(1);
		q.l_type = F_RDLCK;
		if (fcntl(f, F_SETLK, &q) != -1 || (errno != EAGAIN && errno != EACCES))
			_exit(2);
		q.l_start = 20;
		if (fcntl(f, F_SETLK, &q))
			_exit(3);
		_exit(0);
	}
	int st;
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT(WIFEXITED(st));
	EXPECT_EQ(WEXITSTATUS(st), 0);
	struct flock bad = { .l_type = 77, .l_whence = SEEK_SET };
	EXPECT_ERRNO(fcntl(fd, F_SETLK, &bad), EINVAL);
	fl.l_type = F_UNLCK;
	EXPECT_EQ(fcntl(fd, F_SETLK, &fl), 0);
	/* flock: two opens of one file conflict; LOCK_NB says EWOULDBLOCK. */
	fd2 = open("f", O_RDONLY);
	EXPECT_EQ(flock(fd, LOCK_EX), 0);
	EXPECT_ERRNO(flock(fd2, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	EXPECT_EQ(flock(fd, LOCK_UN), 0);
	EXPECT_EQ(flock(fd2, LOCK_SH | LOCK_NB), 0);
	EXPECT_ERRNO(flock(fd2, 0), EINVAL);
	EXPECT_ERRNO(flock(-1, LOCK_SH), EBADF);
	close(fd2);
	close(fd);
}

TEST(pipes_and_ioctl)
{
	int p[2], fd;
	char buf[8];

	EXPECT_EQ(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	EXPECT_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
	EXPECT(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	EXPECT_ERRNO(read(p[0], buf, 1), EAGAIN);
	EXPECT_EQ(write(p[1], "hi", 2), 2);
	EXPECT_EQ(read(p[0], buf, sizeof(buf)), 2);	/* short read of what is there */
	int off = 0;
	EXPECT_EQ(ioctl(p[0], FIONBIO, &off), 0);
	EXPECT_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
	EXPECT_ERRNO(pipe2(p, 0x12345678), EINVAL);
	close(p[0]);
	close(p[1]);
	/* Writing to a pipe with no reader: EPIPE (SIGPIPE ignored here). */
	signal(SIGPIPE, SIG_IGN);
	EXPECT_EQ(pipe(p), 0);
	close(p[0]);
	EXPECT_ERRNO(write(p[1], "x", 1), EPIPE);
	close(p[1]);
	/* A big write to a pipe arrives whole, in order, through a reader. */
	EXPECT_EQ(pipe(p), 0);
	size_t big = 200 * 1024;
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		char *b = malloc(big);
		close(p[0]);
		for (size_t i = 0; i < big; i++)
			b[i] = (char)(i % 251);
		_exit(write(p[1], b, big) == (long)big ? 0 : 1);
	}
	close(p[1]);
	char *r = malloc(big);
	size_t got = 0;
	long n;
	while ((n = read(p[0], r + got, big - got)) > 0)
		got += n;
	EXPECT_EQ(got, big);
	int okb = 1;
	for (size_t i = 0; i < got; i++)
		okb &= r[i] == (char)(i % 251);
	EXPECT(okb);
	int st;
	EXPECT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(p[0]);
	/* ioctl on a regular file: FIONREAD generic; a tty request is ENOTTY. */
	enter("ioctl");
	fd = mkfile("f", "0123456789");
	ASSERT(fd >= 0);
	EXPECT_EQ(lseek(fd, 3, SEEK_SET), 3);
	int avail = -1;
	EXPECT_EQ(ioctl(fd, FIONREAD, &avail), 0);
	EXPECT_EQ(avail, 7);
	struct termios t;
	EXPECT_ERRNO(ioctl(fd, TCGETS, &t), ENOTTY);
	EXPECT_ERRNO(ioctl(-1, FIONREAD, &avail), EBADF);
	close(fd);
}

TEST(xattrs)
{
	char buf[64];
	int fd;

	enter("xattr");
	fd = mkfile("f", NULL);
	ASSERT(fd >= 0);
	if (setxattr("f", "user.one", "1", 1, 0) != 0 && errno == EOPNOTSUPP) {
		close(fd);
		return;	/* this host's /tmp has no user xattrs: nothing to check */
	}
	EXPECT_EQ(fsetxattr(fd, "user.two", "22", 2, XATTR_CREATE), 0);
	EXPECT_ERRNO(fsetxattr(fd, "user.two", "22", 2, XATTR_CREATE), EEXIST);
	EXPECT_ERRNO(setxattr("f", "user.three", "3", 1, XATTR_REPLACE), ENODATA);
	EXPECT_EQ(getxattr("f", "user.two", buf, sizeof(buf)), 2);
	EXPECT_EQ(memcmp(buf, "22", 2), 0);
	EXPECT_EQ(getxattr("f", "user.two", NULL, 0), 2);
	EXPECT_ERRNO(getxattr("f", "user.two", buf, 1), ERANGE);
	EXPECT_EQ(fgetxattr(fd, "user.one", buf, sizeof(buf)), 1);
	EXPECT_EQ(lgetxattr("f", "user.one", buf, sizeof(buf)), 1);
	EXPECT_ERRNO(getxattr("f", "user.none", buf, sizeof(buf)), ENODATA);
	long n = listxattr("f", buf, sizeof(buf));
	EXPECT_EQ(n, 18);	/* "user.one\0user.two\0" in some order */
	EXPECT_EQ(flistxattr(fd, NULL, 0), 18);
	EXPECT_EQ(llistxattr("f", buf, sizeof(buf)), 18);
	EXPECT_ERRNO(listxattr("f", buf, 3), ERANGE);
	EXPECT_EQ(removexattr("f", "user.one"), 0);
	EXPECT_ERRNO(removexattr("f", "user.one"), ENODATA);
	EXPECT_EQ(fremovexattr(fd, "user.two"), 0);
	EXPECT_EQ(listxattr("f", buf, sizeof(buf)), 0);
	EXPECT_ERRNO(setxattr("f", "", "x", 1, 0), ERANGE);
	char longname[300];
	memcpy(longname, "user.", 5);
	memset(longname + 5, 'x', 260);
	longname[265] = 0;
	EXPECT_ERRNO(setxattr("f", longname, "x", 1, 0), ERANGE);
	EXPECT_ERRNO(setxattr("f", "user.big", buf, 65537, 0), E2BIG);
	EXPECT_ERRNO(setxattr("f", "user.flags", "x", 1, 4), EINVAL);
	EXPECT_EQ(lsetxattr("f", "user.l", "", 0, 0), 0);
	EXPECT_EQ(getxattr("f", "user.l", buf, sizeof(buf)), 0);
	EXPECT_EQ(lremovexattr("f", "user.l"), 0);
	close(fd);
}

TEST(sendfile_copies)
{
	int in, out;
	char buf[16] = { 0 };
	off_t off = 2;

	enter("sendfile");
	in = mkfile("in", "0123456789");
	out = mkfile("out", NULL);
	ASSERT(in >= 0 && out >= 0);
	EXPECT_EQ(sendfile(out, in, &off, 5), 5);
	EXPECT_EQ(off, 7);
	EXPECT_EQ(lseek(in, 0, SEEK_CUR), 10);	/* untouched with an offset */
	EXPECT_EQ(lseek(in, 8, SEEK_SET), 8);
	EXPECT_EQ(sendfile(out, in, NULL, 100), 2);
	EXPECT_EQ(lseek(in, 0, SEEK_CUR), 10);
	EXPECT_EQ(pread(out, buf, sizeof(buf), 0), 7);
	EXPECT_STREQ(buf, "2345689");
	off = -1;
	EXPECT_ERRNO(sendfile(out, in, &off, 1), EINVAL);
	int ro = open("out", O_RDONLY);
	EXPECT_ERRNO(sendfile(ro, in, NULL, 1), EBADF);
	close(ro);
	close(in);
	close(out);
}

TEST(mount_umount)
{
	struct statfs before, after;
	int fd;

	enter("mnt");
	EXPECT_EQ(mkdir("m", 0755), 0);
	EXPECT_EQ(statfs("m", &before), 0);
	if (mount("none", "m", "tmpfs", 0, "size=1m") != 0) {
		EXPECT_EQ(errno, EPERM);	/* an unprivileged Linux container */
		return;
	}
	fd = mkfile("m/inside", "x");
	EXPECT(fd >= 0);
	EXPECT_ERRNO(umount2("m", 0), EBUSY);
	close(fd);
	EXPECT_EQ(statfs("m", &after), 0);
	EXPECT_EQ(after.f_type, 0x01021994);	/* TMPFS_MAGIC */
	EXPECT_ERRNO(mount("none", "m", "no-such-fs", 0, NULL), ENODEV);
	EXPECT_ERRNO(mount("none", "nope", "tmpfs", 0, NULL), ENOENT);
	EXPECT_ERRNO(umount2("m", 0x80000000), EINVAL);
	EXPECT_EQ(umount2("m", 0), 0);
	EXPECT_ERRNO(access("m/inside", F_OK), ENOENT);
	EXPECT_ERRNO(umount2("m", 0), EINVAL);	/* not a mount point */
}

TEST(fallocate_and_punch)
{
	struct stat st;
	char buf[8];
	int fd;

	enter("falloc");
	fd = mkfile("f", NULL);
	ASSERT(fd >= 0);
	EXPECT_EQ(fallocate(fd, 0, 0, 8192), 0);
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 8192);
	EXPECT(st.st_blocks >= 16);
	EXPECT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 8192, 4096), 0);
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 8192);
	EXPECT_EQ(pwrite(fd, "abcdefgh", 8, 4096), 8);
	EXPECT_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4098, 4), 0);
	EXPECT_EQ(pread(fd, buf, 8, 4096), 8);
	EXPECT_EQ(memcmp(buf, "ab\0\0\0\0gh", 8), 0);
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 8192);
	EXPECT_ERRNO(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 1), EOPNOTSUPP);
	EXPECT_ERRNO(fallocate(fd, 0, -1, 1), EINVAL);
	EXPECT_ERRNO(fallocate(fd, 0, 0, 0), EINVAL);
	EXPECT_ERRNO(fallocate(-1, 0, 0, 1), EBADF);
	int ro = open("f", O_RDONLY);
	EXPECT_ERRNO(fallocate(ro, 0, 0, 1), EBADF);
	close(ro);
	int p[2];
	ASSERT_EQ(pipe(p), 0);
	EXPECT_ERRNO(fallocate(p[1], 0, 0, 1), ESPIPE);
	close(p[0]);
	close(p[1]);
	close(fd);
}

/* access() checks with the real uid, faccessat2(AT_EACCESS) with the effective one. */
TEST(access_uses_real_ids)
{
	enter("access");
	int fd = mkfile("secret", "x");
	ASSERT(fd >= 0);
	close(fd);
	ASSERT_EQ(chmod("secret", 0600), 0);	/* root's, nobody else may read */
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		if (setresuid(1000, 0, 0))	/* real 1000, effective root */
			_exit(1);
		if (access("secret", R_OK) != -1 || errno != EACCES)
			_exit(2);
		if (syscall(SYS_faccessat2, AT_FDCWD, "secret", R_OK, AT_EACCESS) != 0)
			_exit(3);
		int f = open("secret", O_RDONLY);	/* open uses the effective ids */
		if (f < 0)
			_exit(4);
		close(f);
		if (setresuid(0, 1000, 0))	/* real root, effective 1000 */
			_exit(5);
		if (access("secret", R_OK) != 0)
			_exit(6);
		if (open("secret", O_RDONLY) != -1 || errno != EACCES)
			_exit(7);
		_exit(0);
	}
	int st;
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT(WIFEXITED(st));
	EXPECT_EQ(WEXITSTATUS(st), 0);
}

/* read(2) of a directory, on /proc's and on tmpfs: EISDIR, for readv too. */
TEST(read_of_a_directory_is_eisdir)
{
	const char *dirs[] = { "/proc", "/proc/self", "/tmp" };
	char buf[16];
	struct iovec iov = { buf, sizeof(buf) };

	for (unsigned int i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int fd = open(dirs[i], O_RDONLY | O_DIRECTORY);

		ASSERT(fd >= 0);
		EXPECT_ERRNO(read(fd, buf, sizeof(buf)), EISDIR);
		EXPECT_ERRNO(readv(fd, &iov, 1), EISDIR);
		EXPECT_ERRNO(pread(fd, buf, sizeof(buf), 0), EISDIR);
		close(fd);
	}
}
