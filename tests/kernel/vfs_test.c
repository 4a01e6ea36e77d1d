/*
 * ktests for the VFS system calls (suite vfs): each call's Linux
 * semantics and errnos on vfstestfs, bad input (names with '/', paths
 * of PATH_MAX bytes, names of NAME_MAX + 1 bytes, symlink loops, a
 * directory renamed into itself, rmdir of a non-empty or mounted
 * directory, unlink of a directory), and every test ends with the
 * dentry, inode and file counts back where they started.
 */
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/filelock.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/xattr.h>
#include "vfs_testfs.h"

#define ENV_BEGIN()                               \
	struct vfs_env __env;                     \
	if (!vfs_env_begin(t, &__env))            \
		return
#define ENV_END() vfs_env_end(t, &__env)

KTEST(vfs, open_create_read_write)
{
	char buf[32];
	long fd;

	ENV_BEGIN();
	KEXPECT_EQ(ksys_open("/f", O_RDONLY, 0), -ENOENT);
	fd = ksys_open("/f", O_CREAT | O_RDWR, 0644);
	KEXPECT(fd >= 0);
	KEXPECT_EQ(ksys_write(fd, "hello world", 11), 11);
	KEXPECT_EQ(ksys_lseek(fd, 0, SEEK_CUR), 11);
	KEXPECT_EQ(ksys_lseek(fd, 6, SEEK_SET), 6);
	memset(buf, 0, sizeof(buf));
	KEXPECT_EQ(ksys_read(fd, buf, sizeof(buf)), 5);
	KEXPECT_STREQ(buf, "world");
	KEXPECT_EQ(ksys_read(fd, buf, sizeof(buf)), 0);	/* EOF */
	KEXPECT_EQ(ksys_lseek(fd, -1, SEEK_SET), -EINVAL);
	KEXPECT_EQ(ksys_lseek(fd, 0, 7), -EINVAL);
	KEXPECT_EQ(ksys_lseek(fd, -2, SEEK_END), 9);
	/* The whole file is data; the only hole is at EOF (11); past it: ENXIO. */
	KEXPECT_EQ(ksys_lseek(fd, 3, SEEK_DATA), 3);
	KEXPECT_EQ(ksys_lseek(fd, 0, SEEK_CUR), 3);
	KEXPECT_EQ(ksys_lseek(fd, 3, SEEK_HOLE), 11);
	KEXPECT_EQ(ksys_lseek(fd, 11, SEEK_DATA), -ENXIO);
	KEXPECT_EQ(ksys_lseek(fd, 11, SEEK_HOLE), -ENXIO);
	KEXPECT_EQ(ksys_lseek(fd, -1, SEEK_DATA), -ENXIO);
	KEXPECT_EQ(ksys_lseek(fd, 0, 5), -EINVAL);
	/* Offset arithmetic that would overflow is EINVAL, f_pos unchanged. */
	KEXPECT_EQ(ksys_lseek(fd, 5, SEEK_SET), 5);
	KEXPECT_EQ(ksys_lseek(fd, (loff_t)(~0ULL >> 1), SEEK_CUR), -EINVAL);
	KEXPECT_EQ(ksys_lseek(fd, (loff_t)(~0ULL >> 1), SEEK_END), -EINVAL);
	KEXPECT_EQ(ksys_lseek(fd, 0, SEEK_CUR), 5);
	KEXPECT_EQ(ksys_lseek(fd, -2, SEEK_END), 9);
	KEXPECT_EQ(ksys_close(fd), 0);
	KEXPECT_EQ(ksys_close(fd), -EBADF);
	KEXPECT_EQ(ksys_read(fd, buf, 1), -EBADF);
	ENV_END();
}

KTEST(vfs, open_flags)
{
	char buf[16] = { 0 };
	long fd, fd2;

	ENV_BEGIN();
	KEXPECT_EQ(testfs_write_file("/f", "abcdef", 6), 6);
	KEXPECT_EQ(ksys_open("/f", O_CREAT | O_EXCL | O_RDWR, 0644), -EEXIST);
	fd = ksys_open("/f", O_WRONLY | O_APPEND, 0);
	KEXPECT(fd >= 0);
	KEXPECT_EQ(ksys_write(fd, "gh", 2), 2);
	KEXPECT_EQ(ksys_read(fd, buf, 1), -EBADF);	/* write-only */
	ksys_close(fd);
	KEXPECT_EQ(testfs_read_file("/f", buf, sizeof(buf)), 8);
	KEXPECT_STREQ(buf, "abcdefgh");
	fd = ksys_open("/f", O_RDWR | O_TRUNC, 0);
	KEXPECT(fd >= 0);
	KEXPECT_EQ(ksys_read(fd, buf, sizeof(buf)), 0);
	ksys_close(fd);
	KEXPECT_EQ(ksys_open("/f", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	KEXPECT_EQ(ksys_open("/", O_RDWR, 0), -EISDIR);
	KEXPECT_EQ(ksys_open("/f", 3, 0), -EINVAL);
	/* O_CLOEXEC and the lowest free descriptor */
	fd = ksys_open("/f", O_RDONLY | O_CLOEXEC, 0);
	fd2 = ksys_open("/f", O_RDONLY, 0);
	KEXPECT_EQ(fd2, fd + 1);
	KEXPECT_EQ(ksys_fcntl(fd, F_GETFD, 0), FD_CLOEXEC);
	KEXPECT_EQ(ksys_fcntl(fd2, F_GETFD, 0), 0);
	KEXPECT_EQ(ksys_fcntl(fd, F_GETFL, 0) & O_CLOEXEC, 0);	/* a descriptor flag, not a file flag */
	ksys_close(fd);
	KEXPECT_EQ(ksys_open("/f", O_RDONLY, 0), fd);
	ksys_close(fd);
	ksys_close(fd2);
	/* O_NOFOLLOW on a symlink */
	KEXPECT_EQ(ksys_symlink("/f", "/l"), 0);
	KEXPECT_EQ(ksys_open("/l", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	fd = ksys_open("/l", O_RDONLY, 0);
	KEXPECT(fd >= 0);
	ksys_close(fd);
	ENV_END();
}

KTEST(vfs, pread_pwrite_readv_writev)
{
	char a[4] = { 0 }, b[8] = { 0 };
	struct kvec iov[2] = { { a, 3 }, { b, 5 } };
	long fd;

	ENV_BEGIN();
	fd = ksys_open("/f", O_CREAT | O_RDWR, 0644);
	KEXPECT_EQ(ksys_pwrite64(fd, "01234567", 8, 2), 8);
	KEXPECT_EQ(ksys_lseek(fd, 0, SEEK_CUR), 0);	/* pwrite does not move f_pos */
	KEXPECT_EQ(ksys_pread64(fd, a, 3, 4), 3);
	KEXPECT_STREQ(a, "234");
	KEXPECT_EQ(ksys_pread64(fd, a, 3, -1), -EINVAL);
	KEXPECT_EQ(ksys_lseek(fd, 2, SEEK_SET), 2);
	KEXPECT_EQ(ksys_readv(fd, iov, 2), 8);
	KEXPECT(!memcmp(a, "012", 3) && !memcmp(b, "34567", 5));
	iov[0].iov_base = (void *)"xy";
	iov[0].iov_len = 2;
	iov[1].iov_base = (void *)"z";
	iov[1].iov_len = 1;
	KEXPECT_EQ(ksys_lseek(fd, 0, SEEK_SET), 0);
	KEXPECT_EQ(ksys_writev(fd, iov, 2), 3);
	KEXPECT_EQ(ksys_pread64(fd, b, 3, 0), 3);
	KEXPECT(!memcmp(b, "xyz", 3));
	KEXPECT_EQ(ksys_readv(fd, iov, UIO_MAXIOV + 1), -EINVAL);
	ksys_close(fd);
	ENV_END();
}

KTEST(vfs, dup_dup3_fcntl)
{
	long fd, fd2;
	char c;

	ENV_BEGIN();
	KEXPECT_EQ(testfs_write_file("/f", "xy", 2), 2);
	fd = ksys_open("/f", O_RDONLY, 0);
	fd2 = ksys_dup(fd);
	KEXPECT(fd2 > fd);
	KEXPECT_EQ(ksys_read(fd, &c, 1), 1);
	KEXPECT_EQ(ksys_read(fd2, &c, 1), 1);	/* shared file position */
	KEXPECT_EQ(c, 'y');
	KEXPECT_EQ(ksys_dup3(fd, fd, 0), -EINVAL);
	KEXPECT_EQ(ksys_dup3(fd, 40, O_CLOEXEC), 40);
	KEXPECT_EQ(ksys_fcntl(40, F_GETFD, 0), FD_CLOEXEC);
	KEXPECT_EQ(ksys_dup3(fd, 40, 0), 40);	/* replaces (closes) the old 40 */
	KEXPECT_EQ(ksys_fcntl(40, F_GETFD, 0), 0);
	KEXPECT_EQ(ksys_dup3(fd, 41, O_APPEND), -EINVAL);
	KEXPECT_EQ(ksys_dup2(fd, fd), fd);
	KEXPECT_EQ(ksys_dup2(99, 98), -EBADF);
	KEXPECT_EQ(ksys_fcntl(fd, F_DUPFD, 50), 50);
	KEXPECT_EQ(ksys_fcntl(fd, F_GETFL, 0) & O_ACCMODE, O_RDONLY);
	KEXPECT_EQ(ksys_fcntl(fd, F_SETFL, O_APPEND), 0);
	KEXPECT(ksys_fcntl(fd2, F_GETFL, 0) & O_APPEND);	/* one open file */
	KEXPECT_EQ(ksys_fcntl(fd, 12345, 0), -EINVAL);
	KEXPECT_EQ(ksys_fcntl(77, F_GETFD, 0), -EBADF);
	ksys_close(50);
	ksys_close(40);
	ksys_close(fd2);
	ksys_close(fd);
	ENV_END();
}

KTEST(vfs, mkdir_rmdir_unlink_errnos)
{
	ENV_BEGIN();
	KEXPECT_EQ(ksys_mkdir("/d", 0755), 0);
	KEXPECT_EQ(ksys_mkdir("/d", 0755), -EEXIST);
	KEXPECT_EQ(ksys_mkdir("/nope/d", 0755), -ENOENT);
	KEXPECT_EQ(ksys_mkdir("/", 0755), -EEXIST);
	KEXPECT_EQ(ksys_mkdir("/d/e/", 0755), 0);	/* a trailing slash is fine for mkdir */
	KEXPECT_EQ(testfs_write_file("/d/f", "x", 1), 1);
	KEXPECT_EQ(ksys_mkdir("/d/f/g", 0755), -ENOTDIR);
	KEXPECT_EQ(ksys_rmdir("/d"), -ENOTEMPTY);
	KEXPECT_EQ(ksys_rmdir("/d/f"), -ENOTDIR);
	KEXPECT_EQ(ksys_rmdir("/d/."), -EINVAL);
	KEXPECT_EQ(ksys_rmdir("/d/e/.."), -ENOTEMPTY);
	KEXPECT_EQ(ksys_rmdir("/"), -EBUSY);
	KEXPECT_EQ(ksys_unlink("/d/e"), -EISDIR);
	KEXPECT_EQ(ksys_unlink("/d/f/"), -ENOTDIR);
	KEXPECT_EQ(ksys_unlink("/d/missing"), -ENOENT);
	KEXPECT_EQ(ksys_unlinkat(AT_FDCWD, "/d/e", AT_REMOVEDIR), 0);
	KEXPECT_EQ(ksys_unlinkat(AT_FDCWD, "/d/f", 0x1), -EINVAL);
	KEXPECT_EQ(ksys_unlink("/d/f"), 0);
	KEXPECT_EQ(ksys_unlink("/d/f"), -ENOENT);
	KEXPECT_EQ(ksys_rmdir("/d"), 0);
	KEXPECT_EQ(ksys_rmdir("/d"), -ENOENT);
	ENV_END();
}

KTEST(vfs, bad_names)
{
	char *longpath = kmalloc(PATH_MAX + 2, GFP_KERNEL);
	char name[NAME_MAX + 3];

	ENV_BEGIN();
	KASSERT(longpath);
	/* NAME_MAX bytes is fine, NAME_MAX + 1 is ENAMETOOLONG */
	name[0] = '/';
	memset(name + 1, 'n', NAME_MAX);
	name[NAME_MAX + 1] = 0;
	KEXPECT_EQ(ksys_mkdir(name, 0755), 0);
	KEXPECT_EQ(ksys_rmdir(name), 0);
	memset(name + 1, 'n', NAME_MAX + 1);
	name[NAME_MAX + 2] = 0;
	KEXPECT_EQ(ksys_mkdir(name, 0755), -ENAMETOOLONG);
	KEXPECT_EQ(ksys_open(name, O_CREAT | O_RDWR, 0644), -ENAMETOOLONG);
	/* A 4096-byte path (no room for the NUL in PATH_MAX) */
	memset(longpath, 'a', PATH_MAX);
	for (int i = 1; i < PATH_MAX; i += 2)
		longpath[i] = '/';
	longpath[PATH_MAX] = 0;
	KEXPECT_EQ(ksys_open(longpath, O_RDONLY, 0), -ENAMETOOLONG);
	KEXPECT_EQ(ksys_mkdir(longpath, 0755), -ENAMETOOLONG);
	longpath[PATH_MAX - 1] = 0;	/* 4095 bytes: walked, fails on the missing "a" */
	KEXPECT_EQ(ksys_open(longpath, O_RDONLY, 0), -ENOENT);
	/* A '/' is a separator: "a/b" as a name means directory a */
	KEXPECT_EQ(ksys_open("/a/b", O_CREAT | O_RDWR, 0644), -ENOENT);
	KEXPECT_EQ(lookup_one_len("a/b", current_fs()->root.dentry, 3) == ERR_PTR(-EACCES), true);
	KEXPECT_EQ(ksys_open("", O_RDONLY, 0), -ENOENT);
	KEXPECT_EQ(ksys_mkdir("", 0755), -ENOENT);
	kfree(longpath);
	ENV_END();
}

KTEST(vfs, symlinks_and_loops)
{
	char buf[64];
	long fd;

	ENV_BEGIN();
	KEXPECT_EQ(ksys_mkdir("/d", 0755), 0);
	KEXPECT_EQ(testfs_write_file("/d/f", "data", 4), 4);
	KEXPECT_EQ(ksys_symlink("d/f", "/rel"), 0);
	KEXPECT_EQ(ksys_symlink("/d", "/abs"), 0);
	KEXPECT_EQ(ksys_symlink("", "/empty"), -ENOENT);
	memset(buf, 0, sizeof(buf));
	KEXPECT_EQ(testfs_read_file("/rel", buf, sizeof(buf)), 4);
	KEXPECT_EQ(testfs_read_file("/abs/f", buf, sizeof(buf)), 4);
	KEXPECT_EQ(ksys_readlink("/rel", buf, sizeof(buf)), 3);
	KEXPECT(!memcmp(buf, "d/f", 3));
	KEXPECT_EQ(ksys_readlink("/rel", buf, 2), 2);	/* truncated, no NUL */
	KEXPECT_EQ(ksys_readlink("/d/f", buf, sizeof(buf)), -EINVAL);
	/* a loop: a -> b -> a */
	KEXPECT_EQ(ksys_symlink("/b", "/a"), 0);
	KEXPECT_EQ(ksys_symlink("/a", "/b"), 0);
	KEXPECT_EQ(ksys_open("/a", O_RDONLY, 0), -ELOOP);
	KEXPECT_EQ(ksys_stat("/a/x", (struct stat *)buf), -ELOOP);
	/* a chain of 40 links is allowed, 41 is ELOOP */
	KEXPECT_EQ(ksys_symlink("/d/f", "/c0"), 0);
	for (int i = 1; i <= 40; i++) {
		char from[8], to[8];

		snprintf(from, sizeof(from), "/c%d", i - 1);
		snprintf(to, sizeof(to), "/c%d", i);
		KEXPECT_EQ(ksys_symlink(from, to), 0);
	}
	fd = ksys_open("/c39", O_RDONLY, 0);	/* 40 links */
	KEXPECT(fd >= 0);
	if (fd >= 0)
		ksys_close(fd);
	KEXPECT_EQ(ksys_open("/c40", O_RDONLY, 0), -ELOOP);	/* 41 links */
	/* dangling */
	KEXPECT_EQ(ksys_symlink("/nowhere", "/dang"), 0);
	KEXPECT_EQ(ksys_open("/dang", O_RDONLY, 0), -ENOENT);
	ENV_END();
}

KTEST(vfs, dot_dotdot_and_at)
{
	struct stat st, st2;
	long dfd;
	char cwd[64];

	ENV_BEGIN();
	KEXPECT_EQ(ksys_mkdir("/d", 0755), 0);
	KEXPECT_EQ(ksys_mkdir("/d/e", 0755), 0);
	KEXPECT_EQ(ksys_stat("/d/e/../..", &st), 0);
	KEXPECT_EQ(ksys_stat("/", &st2), 0);
	KEXPECT_EQ(st.st_ino, st2.st_ino);
	KEXPECT_EQ(ksys_stat("/../../..", &st), 0);	/* never above the root */
	KEXPECT_EQ(st.st_ino, st2.st_ino);
	KEXPECT_EQ(ksys_stat("/d/./e/.", &st), 0);
	dfd = ksys_open("/d", O_RDONLY | O_DIRECTORY, 0);
	KEXPECT(dfd >= 0);
	KEXPECT_EQ(ksys_mkdirat(dfd, "x", 0700), 0);
	KEXPECT_EQ(ksys_stat("/d/x", &st), 0);
	KEXPECT(S_ISDIR(st.st_mode));
	KEXPECT_EQ(st.st_mode & 07777, 0700 & ~022);
	KEXPECT_EQ(ksys_newfstatat(dfd, "x", &st2, 0), 0);
	KEXPECT_EQ(st.st_ino, st2.st_ino);
	KEXPECT_EQ(ksys_unlinkat(dfd, "x", AT_REMOVEDIR), 0);
	KEXPECT_EQ(ksys_mkdirat(999, "x", 0700), -EBADF);
	KEXPECT_EQ(testfs_write_file("/d/file", "1", 1), 1);
	{
		long ffd = ksys_open("/d/file", O_RDONLY, 0);

		KEXPECT_EQ(ksys_mkdirat(ffd, "x", 0700), -ENOTDIR);
		ksys_close(ffd);
	}
	/* chdir, fchdir, getcwd */
	KEXPECT_EQ(ksys_chdir("/d/e"), 0);
	KEXPECT_EQ(ksys_getcwd(cwd, sizeof(cwd)), 5);
	KEXPECT_STREQ(cwd, "/d/e");
	KEXPECT_EQ(ksys_getcwd(cwd, 3), -ERANGE);
	KEXPECT_EQ(ksys_mkdir("rel", 0755), 0);
	KEXPECT_EQ(ksys_stat("/d/e/rel", &st), 0);
	KEXPECT_EQ(ksys_rmdir("rel"), 0);
	KEXPECT_EQ(ksys_fchdir(dfd), 0);
	KEXPECT_EQ(ksys_getcwd(cwd, sizeof(cwd)), 3);
	KEXPECT_STREQ(cwd, "/d");
	KEXPECT_EQ(ksys_chdir("/d/file"), -ENOTDIR);
	KEXPECT_EQ(ksys_chdir("/"), 0);
	ksys_close(dfd);
	ENV_END();
}

KTEST(vfs, stat_chmod_chown_utimens_truncate)
{
	struct stat st;
	struct statx sx;
	struct timespec64 ts[2] = { { 1000, 5 }, { 2000, 6 } };
	long fd;

	ENV_BEGIN();
	KEXPECT_EQ(testfs_write_file("/f", "0123456789", 10), 10);
	KEXPECT_EQ(ksys_stat("/f", &st), 0);
	KEXPECT_EQ(st.st_size, 10);
	KEXPECT(S_ISREG(st.st_mode));
	KEXPECT_EQ(st.st_nlink, 1);
	KEXPECT_EQ(ksys_chmod("/f", 0600), 0);
	KEXPECT_EQ(ksys_statx(AT_FDCWD, "/f", 0, STATX_BASIC_STATS, &sx), 0);
	KEXPECT_EQ(sx.stx_mode & 07777, 0600);
	KEXPECT_EQ(sx.stx_size, 10);
	KEXPECT_EQ(ksys_chown("/f", 1000, 100), 0);
	KEXPECT_EQ(ksys_stat("/f", &st), 0);
	KEXPECT_EQ(st.st_uid, 1000);
	KEXPECT_EQ(st.st_gid, 100);
	KEXPECT_EQ(ksys_utimensat(AT_FDCWD, "/f", ts, 0), 0);
	KEXPECT_EQ(ksys_stat("/f", &st), 0);
	KEXPECT_EQ(st.st_atime, 1000);
	KEXPECT_EQ(st.st_mtime_nsec, 6);
	{
		/* OMIT/OMIT changes nothing, not even ctime; NOW sets that time only. */
		struct timespec64 omit[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
		struct timespec64 now_omit[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
		struct stat st2;

		KEXPECT_EQ(ksys_stat("/f", &st), 0);
		KEXPECT_EQ(ksys_utimensat(AT_FDCWD, "/f", omit, 0), 0);
		KEXPECT_EQ(ksys_stat("/f", &st2), 0);
		KEXPECT(st2.st_ctime == st.st_ctime && st2.st_ctime_nsec == st.st_ctime_nsec);
		KEXPECT_EQ(st2.st_atime, 1000);
		KEXPECT_EQ(st2.st_mtime_nsec, 6);
		KEXPECT_EQ(ksys_utimensat(AT_FDCWD, "/f", now_omit, 0), 0);
		KEXPECT_EQ(ksys_stat("/f", &st2), 0);
		KEXPECT(st2.st_atime > 1000);
		KEXPECT_EQ(st2.st_mtime, 2000);
		KEXPECT_EQ(st2.st_mtime_nsec, 6);
		KEXPECT(st2.st_ctime != st.st_ctime || st2.st_ctime_nsec != st.st_ctime_nsec);
	}
	ts[0].tv_nsec = 1000000000L;
	KEXPECT_EQ(ksys_utimensat(AT_FDCWD, "/f", ts, 0), -EINVAL);
	KEXPECT_EQ(ksys_truncate("/f", 4), 0);
	KEXPECT_EQ(ksys_stat("/f", &st), 0);
	KEXPECT_EQ(st.st_size, 4);
	KEXPECT_EQ(ksys_truncate("/f", -1), -EINVAL);
	KEXPECT_EQ(ksys_truncate("/", 0), -EISDIR);
	fd = ksys_open("/f", O_RDONLY, 0);
	KEXPECT_EQ(ksys_ftruncate(fd, 0), -EINVAL);	/* not open for writing */
	ksys_close(fd);
	fd = ksys_open("/f", O_RDWR, 0);
	KEXPECT_EQ(ksys_ftruncate(fd, 100), 0);
	KEXPECT_EQ(ksys_fstat(fd, &st), 0);
	KEXPECT_EQ(st.st_size, 100);
	KEXPECT_EQ(ksys_fsync(fd), 0);
	KEXPECT_EQ(ksys_fdatasync(fd), 0);
	KEXPECT_EQ(ksys_syncfs(fd), 0);
	ksys_close(fd);
	KEXPECT_EQ(ksys_fsync(fd), -EBADF);
	ksys_sync();
	ENV_END();
}

KTEST(vfs, permissions_as_user)
{
	struct cred user = init_cred;
	const struct cred *old;
	long fd;

	ENV_BEGIN();
	KEXPECT_EQ(ksys_mkdir("/priv", 0700), 0);
	KEXPECT_EQ(testfs_write_file("/priv/f", "s", 1), 1);
	KEXPECT_EQ(testfs_write_file("/ro", "r", 1), 1);
	KEXPECT_EQ(ksys_chmod("/ro", 0444), 0);
	KEXPECT_EQ(ksys_mkdir("/pub", 0777), 0);
	KEXPECT_EQ(ksys_chmod("/pub", 0777), 0);	/* past the umask */
	user.uid = user.euid = user.fsuid = 1000;
	user.gid = user.egid = user.fsgid = 1000;
	user.cap_effective = 0;
	old = override_creds(&user);
	KEXPECT_EQ(ksys_open("/priv/f", O_RDONLY, 0), -EACCES);	/* search denied */
	KEXPECT_EQ(ksys_mkdir("/priv/x", 0755), -EACCES);
	KEXPECT_EQ(ksys_open("/ro", O_RDWR, 0), -EACCES);
	fd = ksys_open("/ro", O_RDONLY, 0);
	KEXPECT(fd >= 0);
	if (fd >= 0)
		ksys_close(fd);
	KEXPECT_EQ(ksys_mkdir("/mine", 0755), -EACCES);	/* / is 0755 root */
	KEXPECT_EQ(ksys_mkdir("/pub/mine", 0755), 0);
	KEXPECT_EQ(ksys_chmod("/ro", 0666), -EPERM);	/* not the owner */
	KEXPECT_EQ(ksys_chown("/pub/mine", 0, 0), -EPERM);
	KEXPECT_EQ(ksys_access("/ro", 2), -EACCES);
	KEXPECT_EQ(ksys_access("/ro", 4), 0);
	KEXPECT_EQ(ksys_rmdir("/pub/mine"), 0);
	revert_creds(old);
	/* root passes the mode bits (CAP_DAC_OVERRIDE) */
	fd = ksys_open("/ro", O_RDWR, 0);
	KEXPECT(fd >= 0);
	if (fd >= 0)
		ksys_close(fd);
	ENV_END();
}

KTEST(vfs, link_and_nlink)
{
	struct stat st;
	char buf[8] = { 0 };

	ENV_BEGIN();
	KEXPECT_EQ(testfs_write_file("/f", "abc", 3), 3);
	KEXPECT_EQ(ksys_link("/f", "/g"), 0);
	KEXPECT_EQ(ksys_link("/f", "/g"), -EEXIST);
	KEXPECT_EQ(ksys_stat("/g", &st), 0);
	KEXPECT_EQ(st.st_nlink, 2);
	KEXPECT_EQ(ksys_unlink("/f"), 0);
	KEXPECT_EQ(testfs_read_file("/g", buf, sizeof(buf)), 3);
	KEXPECT_EQ(ksys_mkdir("/d", 0755), 0);
	KEXPECT_EQ(ksys_link("/d", "/d2"), -EPERM);
	KEXPECT_EQ(ksys_stat("/d", &st), 0);
	KEXPECT_EQ(st.st_nlink, 2);
	KEXPECT_EQ(ksys_mkdir("/d/sub", 0755), 0);
	KEXPECT_EQ(ksys_stat("/d", &st), 0);
	KEXPECT_EQ(st.st_nlink, 3);
	KEXPECT_EQ(ksys_link("/nope", "/x"), -ENOENT);
	ENV_END();
}

KTEST(vfs, rename_semantics)
{
	struct stat st;
	char buf[8] = { 0 };

	ENV_BEGIN();
	KEXPECT_EQ(ksys_mkdir("/a", 0755), 0);
	KEXPECT_EQ(ksys_mkdir("/a/b", 0755), 0);
	KEXPECT_EQ(ksys_mkdir("/c", 0755), 0);
	KEXPECT_EQ(testfs_write_file("/a/f", "1", 1), 1);
	KEXPECT_EQ(testfs_write_file("/c/g", "2", 1), 1);
	/* a directory into its own subtree */
	KEXPECT_EQ(ksys_rename("/a", "/a/b/x"), -EINVAL);
	KEXPECT_EQ(ksys_rename("/a", "/a/b"), -EINVAL);
	/* replacing an ancestor */
	KEXPECT_EQ(ksys_rename("/a/b", "/a"), -ENOTEMPTY);
	/* file over file, cross-directory */
	KEXPECT_EQ(ksys_rename("/a/f", "/c/g"), 0);
	KEXPECT_EQ(testfs_read_file("/c/g", buf, sizeof(buf)), 1);
	KEXPECT_EQ(buf[0], '1');
	KEXPECT_EQ(ksys_stat("/a/f", &st), -ENOENT);
	/* directory over non-empty directory */
	KEXPECT_EQ(ksys_mkdir("/a/b/inner", 0755), 0);
	KEXPECT_EQ(ksys_rename("/c", "/a/b"), -ENOTEMPTY);
	KEXPECT_EQ(ksys_rmdir("/a/b/inner"), 0);
	/* file over directory and back */
	KEXPECT_EQ(ksys_rename("/c/g", "/a/b"), -EISDIR);
	KEXPECT_EQ(ksys_rename("/a/b", "/c/g"), -ENOTDIR);
	/* directory over empty directory, cross-directory: nlink follows */
	KEXPECT_EQ(ksys_mkdir("/c/empty", 0755), 0);
	KEXPECT_EQ(ksys_rename("/a/b", "/c/empty"), 0);
	KEXPECT_EQ(ksys_stat("/a", &st), 0);
	KEXPECT_EQ(st.st_nlink, 2);
	KEXPECT_EQ(ksys_stat("/c", &st), 0);
	KEXPECT_EQ(st.st_nlink, 3);
	/* RENAME_NOREPLACE and RENAME_EXCHANGE */
	KEXPECT_EQ(testfs_write_file("/x", "x", 1), 1);
	KEXPECT_EQ(testfs_write_file("/y", "y", 1), 1);
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "/x", AT_FDCWD, "/y", RENAME_NOREPLACE), -EEXIST);
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "/x", AT_FDCWD, "/y",
				  RENAME_NOREPLACE | RENAME_EXCHANGE), -EINVAL);
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "/x", AT_FDCWD, "/y", RENAME_EXCHANGE), 0);
	KEXPECT_EQ(testfs_read_file("/x", buf, sizeof(buf)), 1);
	KEXPECT_EQ(buf[0], 'y');
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "/x", AT_FDCWD, "/c/empty", RENAME_EXCHANGE), 0);
	KEXPECT_EQ(ksys_stat("/x", &st), 0);
	KEXPECT(S_ISDIR(st.st_mode));
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "/x", AT_FDCWD, "/nope", RENAME_EXCHANGE), -ENOENT);
	KEXPECT_EQ(ksys_rename("/x", "/x"), 0);	/* same entry: nothing to do */
	KEXPECT_EQ(ksys_rename("/nope", "/z"), -ENOENT);
	KEXPECT_EQ(ksys_rename("/a/.", "/z"), -EBUSY);
	ENV_END();
}

static int count_entries(const char *path, char *names, size_t nsize)
{
	char *buf = kmalloc(512, GFP_KERNEL);
	long fd = ksys_open(path, O_RDONLY | O_DIRECTORY, 0);
	int n = 0;
	long got;

	names[0] = 0;
	while (buf && fd >= 0 && (got = ksys_getdents64(fd, (struct linux_dirent64 *)buf, 512)) > 0) {
		long off = 0;

		while (off < got) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			n++;
			if (strlen(names) + strlen(d->d_name) + 2 < nsize) {
				strlcpy(names + strlen(names), d->d_name, nsize - strlen(names));
				strlcpy(names + strlen(names), ",", nsize - strlen(names));
			}
			off += d->d_reclen;
		}
	}
	if (fd >= 0)
		ksys_close(fd);
	kfree(buf);
	return n;
}

KTEST(vfs, getdents64)
{
	char names[256];
	long fd;
	char small[16];

	ENV_BEGIN();
	KEXPECT_EQ(ksys_mkdir("/d", 0755), 0);
	KEXPECT_EQ(count_entries("/d", names, sizeof(names)), 2);
	KEXPECT_STREQ(names, ".,..,");
	KEXPECT_EQ(testfs_write_file("/d/one", "1", 1), 1);
	KEXPECT_EQ(ksys_mkdir("/d/two", 0755), 0);
	KEXPECT_EQ(count_entries("/d", names, sizeof(names)), 4);
	KEXPECT(strstr(names, "one,") && strstr(names, "two,"));
	KEXPECT_EQ(ksys_unlink("/d/one"), 0);
	KEXPECT_EQ(count_entries("/d", names, sizeof(names)), 3);
	fd = ksys_open("/d", O_RDONLY, 0);
	KEXPECT_EQ(ksys_getdents64(fd, (struct linux_dirent64 *)small, sizeof(small)), -EINVAL);
	KEXPECT_EQ(ksys_read(fd, small, 1), -EINVAL);	/* only ->read: EISDIR is read(2)'s */
	ksys_close(fd);
	fd = ksys_open("/d/two", O_RDONLY, 0);
	ksys_close(fd);
	KEXPECT_EQ(testfs_write_file("/f", "1", 1), 1);
	fd = ksys_open("/f", O_RDONLY, 0);
	KEXPECT_EQ(ksys_getdents64(fd, (struct linux_dirent64 *)names, sizeof(names)), -ENOTDIR);
	ksys_close(fd);
	ENV_END();
}

/*
 * A readdir in several getdents64 calls while entries already returned
 * are unlinked and new ones created: every original entry that stays is
 * returned exactly once (positions must not be list indexes).
 */
KTEST(vfs, getdents64_stable_positions)
{
	enum { N = 24 };
	int seen[N] = { 0 };
	char path[32], buf[96];
	long fd, got, off;
	int i, first = 0, bad = 0;

	ENV_BEGIN();
	KEXPECT_EQ(ksys_mkdir("/d", 0755), 0);
	for (i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "/d/f%02d", i);
		KEXPECT_EQ(testfs_write_file(path, "x", 1), 1);
	}
	fd = ksys_open("/d", O_RDONLY | O_DIRECTORY, 0);
	KEXPECT(fd >= 0);
	while (first < N / 2 && (got = ksys_getdents64(fd, (struct linux_dirent64 *)buf, sizeof(buf))) > 0) {
		for (off = 0; off < got; off += ((struct linux_dirent64 *)(buf + off))->d_reclen) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			if (d->d_name[0] == 'f') {
				seen[(d->d_name[1] - '0') * 10 + d->d_name[2] - '0']++;
				first++;
			}
		}
	}
	KEXPECT(first >= N / 2 && first < N);
	/* Unlink every entry returned so far, create a few new ones. */
	for (i = 0; i < N; i++) {
		if (seen[i]) {
			snprintf(path, sizeof(path), "/d/f%02d", i);
			KEXPECT_EQ(ksys_unlink(path), 0);
		}
	}
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/d/g%02d", i);
		KEXPECT_EQ(testfs_write_file(path, "y", 1), 1);
	}
	while ((got = ksys_getdents64(fd, (struct linux_dirent64 *)buf, sizeof(buf))) > 0) {
		for (off = 0; off < got; off += ((struct linux_dirent64 *)(buf + off))->d_reclen) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			if (d->d_name[0] == 'f')
				seen[(d->d_name[1] - '0') * 10 + d->d_name[2] - '0']++;
		}
	}
	for (i = 0; i < N; i++)
		if (seen[i] != 1)
			bad++;
	KEXPECT_EQ(bad, 0);
	ksys_close(fd);
	ENV_END();
}

KTEST(vfs, mount_umount_busy)
{
	struct stat st, root_st;
	struct kstatfs sf;
	long fd;

	ENV_BEGIN();
	KEXPECT_EQ(ksys_mkdir("/mnt", 0755), 0);
	KEXPECT_EQ(ksys_mount("none", "/mnt", "nosuchfs", 0, NULL), -ENODEV);
	KEXPECT_EQ(ksys_mount("none", "/mnt", "vfstestfs", 0, NULL), 0);
	KEXPECT_EQ(ksys_mkdir("/mnt/inside", 0755), 0);
	KEXPECT_EQ(ksys_stat("/mnt", &root_st), 0);	/* the mounted root */
	KEXPECT_EQ(ksys_stat("/mnt/inside/..", &st), 0);
	KEXPECT_EQ(st.st_ino, root_st.st_ino);
	KEXPECT_EQ(st.st_dev, root_st.st_dev);
	KEXPECT_EQ(ksys_stat("/", &root_st), 0);
	KEXPECT_EQ(ksys_stat("/mnt/..", &st), 0);	/* up across the mount point */
	KEXPECT_EQ(st.st_ino, root_st.st_ino);
	KEXPECT_EQ(st.st_dev, root_st.st_dev);
	KEXPECT_EQ(ksys_rmdir("/mnt"), -EBUSY);
	KEXPECT_EQ(ksys_unlink("/mnt"), -EISDIR);
	KEXPECT_EQ(ksys_rename("/mnt/inside", "/outside"), -EXDEV);
	KEXPECT_EQ(ksys_statfs("/mnt", &sf), 0);
	KEXPECT_EQ(sf.f_type, 0x7e57f5);
	fd = ksys_open("/mnt/inside", O_RDONLY, 0);
	KEXPECT_EQ(ksys_umount("/mnt", 0), -EBUSY);	/* an open file */
	ksys_close(fd);
	KEXPECT_EQ(ksys_chdir("/mnt"), 0);
	KEXPECT_EQ(ksys_umount("/mnt", 0), -EBUSY);	/* the cwd */
	KEXPECT_EQ(ksys_chdir("/"), 0);
	KEXPECT_EQ(ksys_umount("/mnt/inside", 0), -EINVAL);	/* not a mount point */
	KEXPECT_EQ(ksys_umount("/mnt", 0), 0);
	KEXPECT_EQ(ksys_stat("/mnt/inside", &st), -ENOENT);	/* the original directory */
	KEXPECT_EQ(ksys_umount("/mnt", 0), -EINVAL);
	KEXPECT_EQ(ksys_rmdir("/mnt"), 0);
	ENV_END();
}

KTEST(vfs, xattrs)
{
	char buf[64];

	ENV_BEGIN();
	KEXPECT_EQ(testfs_write_file("/f", "1", 1), 1);
	KEXPECT_EQ(ksys_setxattr("/f", "user.color", "blue", 4, 0), 0);
	KEXPECT_EQ(ksys_setxattr("/f", "user.color", "red", 3, XATTR_CREATE), -EEXIST);
	KEXPECT_EQ(ksys_setxattr("/f", "user.size", "1", 1, XATTR_REPLACE), -ENODATA);
	KEXPECT_EQ(ksys_getxattr("/f", "user.color", buf, sizeof(buf)), 4);
	KEXPECT(!memcmp(buf, "blue", 4));
	KEXPECT_EQ(ksys_getxattr("/f", "user.color", NULL, 0), 4);
	KEXPECT_EQ(ksys_getxattr("/f", "user.color", buf, 2), -ERANGE);
	KEXPECT_EQ(ksys_getxattr("/f", "user.none", buf, sizeof(buf)), -ENODATA);
	KEXPECT_EQ(ksys_getxattr("/f", "trusted.x", buf, sizeof(buf)), -EOPNOTSUPP);
	KEXPECT_EQ(ksys_setxattr("/f", "user.b", "2", 1, 0), 0);
	KEXPECT_EQ(ksys_listxattr("/f", buf, sizeof(buf)), 18);
	KEXPECT_STREQ(buf, "user.color");
	KEXPECT_EQ(ksys_listxattr("/f", buf, 3), -ERANGE);
	KEXPECT_EQ(ksys_removexattr("/f", "user.color"), 0);
	KEXPECT_EQ(ksys_removexattr("/f", "user.color"), -ENODATA);
	KEXPECT_EQ(ksys_setxattr("/f", "user.x", "1", 1, 4), -EINVAL);
	ENV_END();
}

KTEST(vfs, fcntl_record_locks)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
	long fd, ro;

	ENV_BEGIN();
	fd = ksys_open("/f", O_CREAT | O_RDWR, 0644);
	KEXPECT_EQ(ksys_fcntl(fd, F_SETLK, (unsigned long)&l), 0);
	l.l_type = F_WRLCK;
	KEXPECT_EQ(ksys_fcntl(fd, F_GETLK, (unsigned long)&l), 0);
	KEXPECT_EQ(l.l_type, F_UNLCK);	/* our own lock never conflicts with us */
	ro = ksys_open("/f", O_RDONLY, 0);
	l.l_type = F_WRLCK;
	KEXPECT_EQ(ksys_fcntl(ro, F_SETLK, (unsigned long)&l), -EBADF);	/* not open for writing */
	l.l_type = 7;
	KEXPECT_EQ(ksys_fcntl(fd, F_SETLK, (unsigned long)&l), -EINVAL);
	l.l_type = F_UNLCK;
	KEXPECT_EQ(ksys_fcntl(fd, F_SETLKW, (unsigned long)&l), 0);
	l.l_type = F_RDLCK;
	KEXPECT_EQ(ksys_fcntl(ro, F_SETLK, (unsigned long)&l), 0);
	ksys_close(ro);	/* closing any descriptor drops the owner's locks */
	ksys_close(fd);
	ENV_END();
}

KTEST(vfs, failed_mount_cleans_up)
{
	struct stat st;

	ENV_BEGIN();
	KEXPECT_EQ(ksys_mkdir("/mnt", 0755), 0);
	testfs_faults.fill_fails = true;
	KEXPECT_EQ(ksys_mount("none", "/mnt", "vfstestfs", 0, NULL), -EIO);
	KEXPECT_EQ(ksys_stat("/mnt", &st), 0);
	KEXPECT_EQ(ksys_umount("/mnt", 0), -EINVAL);	/* nothing was mounted */
	KEXPECT_EQ(ksys_rmdir("/mnt"), 0);
	KEXPECT_EQ(ksys_mount("none", "/nowhere", "vfstestfs", 0, NULL), -ENOENT);
	ENV_END();	/* the half-made super block's root inode and dentry are gone */
}
