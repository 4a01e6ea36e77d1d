/*
 * A bad pointer to every pointer-taking VFS system call returns EFAULT
 * (never a crash, never success): each call is made with the raw
 * syscall() so libc cannot check or copy first, once with (void *)1 (a
 * user address nothing maps) and once with a kernel address (refused
 * before any copy). Every other argument is good, so the pointer is the
 * only reason to fail. The same expectations hold on Linux.
 */
#include "harness.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define NBAD 2
static void *const bad[NBAD] = { (void *)1, (void *)0xffffffff80000000UL };

static char dir[64], file[80], link_[80], fifo_unused[80];

/* A scratch directory with a file holding data and a symlink to it. */
static void setup(void)
{
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/vfs_efault-%d", getpid());
	snprintf(file, sizeof(file), "%s/f", dir);
	snprintf(link_, sizeof(link_), "%s/l", dir);
	snprintf(fifo_unused, sizeof(fifo_unused), "%s/new", dir);
	ASSERT_EQ(mkdir(dir, 0755), 0);
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT(fd >= 0);
	ASSERT_EQ(write(fd, "0123456789", 10), 10);
	close(fd);
	ASSERT_EQ(symlink(file, link_), 0);
}

static void teardown(void)
{
	unlink(link_);
	unlink(file);
	rmdir(dir);
}

#define EFAULT_OK(call) EXPECT_ERRNO(call, EFAULT)

TEST(read_write_family)
{
	setup();
	int fd = open(file, O_RDWR);
	ASSERT(fd >= 0);
	for (int i = 0; i < NBAD; i++) {
		struct iovec iov = { bad[i], 4 };

		EFAULT_OK(syscall(SYS_read, fd, bad[i], 4));
		EFAULT_OK(syscall(SYS_pread64, fd, bad[i], 4, 0));
		EFAULT_OK(syscall(SYS_write, fd, bad[i], 4));
		EFAULT_OK(syscall(SYS_pwrite64, fd, bad[i], 4, 0));
		EFAULT_OK(syscall(SYS_readv, fd, bad[i], 1));
		EFAULT_OK(syscall(SYS_writev, fd, bad[i], 1));
		EFAULT_OK(syscall(SYS_preadv, fd, bad[i], 1, 0, 0));
		EFAULT_OK(syscall(SYS_pwritev, fd, bad[i], 1, 0, 0));
		EFAULT_OK(syscall(SYS_readv, fd, &iov, 1));	/* good array, bad segment */
		EFAULT_OK(syscall(SYS_writev, fd, &iov, 1));
		EFAULT_OK(syscall(SYS_preadv, fd, &iov, 1, 0, 0));
		EFAULT_OK(syscall(SYS_pwritev, fd, &iov, 1, 0, 0));
	}
	/* Nothing was written through the bad pointers, and the data is intact. */
	char buf[16] = { 0 };
	EXPECT_EQ(pread(fd, buf, sizeof(buf), 0), 10);
	EXPECT_STREQ(buf, "0123456789");
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 0);
	close(fd);
	teardown();
}

TEST(sendfile_offset)
{
	setup();
	int in = open(file, O_RDONLY), out = open("/dev/null", O_WRONLY);
	ASSERT(in >= 0 && out >= 0);
	for (int i = 0; i < NBAD; i++)
		EFAULT_OK(syscall(SYS_sendfile, out, in, bad[i], 4));
	close(in);
	close(out);
	teardown();
}

TEST(open_family)
{
	setup();
	for (int i = 0; i < NBAD; i++) {
		EFAULT_OK(syscall(SYS_open, bad[i], O_RDONLY));
		EFAULT_OK(syscall(SYS_openat, AT_FDCWD, bad[i], O_RDONLY));
		EFAULT_OK(syscall(SYS_creat, bad[i], 0644));
		EFAULT_OK(syscall(SYS_open, bad[i], O_RDWR | O_CREAT, 0644));
	}
	teardown();
}

TEST(stat_family)
{
	setup();
	int fd = open(file, O_RDONLY);
	ASSERT(fd >= 0);
	struct stat st;
	char stx[256];
	char sfs[120];
	for (int i = 0; i < NBAD; i++) {
		EFAULT_OK(syscall(SYS_stat, bad[i], &st));
		EFAULT_OK(syscall(SYS_stat, file, bad[i]));
		EFAULT_OK(syscall(SYS_lstat, bad[i], &st));
		EFAULT_OK(syscall(SYS_lstat, link_, bad[i]));
		EFAULT_OK(syscall(SYS_fstat, fd, bad[i]));
		EFAULT_OK(syscall(SYS_newfstatat, AT_FDCWD, bad[i], &st, 0));
		EFAULT_OK(syscall(SYS_newfstatat, AT_FDCWD, file, bad[i], 0));
		EFAULT_OK(syscall(SYS_newfstatat, fd, "", bad[i], AT_EMPTY_PATH));
		EFAULT_OK(syscall(SYS_statx, AT_FDCWD, bad[i], 0, 0x7ff, stx));
		EFAULT_OK(syscall(SYS_statx, AT_FDCWD, file, 0, 0x7ff, bad[i]));
		EFAULT_OK(syscall(SYS_statfs, bad[i], sfs));
		EFAULT_OK(syscall(SYS_statfs, dir, bad[i]));
		EFAULT_OK(syscall(SYS_fstatfs, fd, bad[i]));
		EFAULT_OK(syscall(SYS_readlink, bad[i], sfs, sizeof(sfs)));
		EFAULT_OK(syscall(SYS_readlink, link_, bad[i], 64));
		EFAULT_OK(syscall(SYS_readlinkat, AT_FDCWD, bad[i], sfs, sizeof(sfs)));
		EFAULT_OK(syscall(SYS_readlinkat, AT_FDCWD, link_, bad[i], 64));
		EFAULT_OK(syscall(SYS_access, bad[i], F_OK));
		EFAULT_OK(syscall(SYS_faccessat, AT_FDCWD, bad[i], F_OK));
		EFAULT_OK(syscall(SYS_faccessat2, AT_FDCWD, bad[i], F_OK, 0));
	}
	close(fd);
	teardown();
}

TEST(directory_calls)
{
	setup();
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ASSERT(dfd >= 0);
	for (int i = 0; i < NBAD; i++) {
		EFAULT_OK(syscall(SYS_getdents64, dfd, bad[i], 4096));
		EFAULT_OK(syscall(SYS_getdents, dfd, bad[i], 4096));
		EFAULT_OK(syscall(SYS_mkdir, bad[i], 0755));
		EFAULT_OK(syscall(SYS_mkdirat, dfd, bad[i], 0755));
		EFAULT_OK(syscall(SYS_rmdir, bad[i]));
		EFAULT_OK(syscall(SYS_unlink, bad[i]));
		EFAULT_OK(syscall(SYS_unlinkat, dfd, bad[i], 0));
		EFAULT_OK(syscall(SYS_unlinkat, dfd, bad[i], AT_REMOVEDIR));
		EFAULT_OK(syscall(SYS_rename, bad[i], fifo_unused));
		EFAULT_OK(syscall(SYS_rename, file, bad[i]));
		EFAULT_OK(syscall(SYS_renameat, dfd, bad[i], dfd, "x"));
		EFAULT_OK(syscall(SYS_renameat, dfd, "f", dfd, bad[i]));
		EFAULT_OK(syscall(SYS_renameat2, dfd, bad[i], dfd, "x", 0));
		EFAULT_OK(syscall(SYS_renameat2, dfd, "f", dfd, bad[i], 0));
		EFAULT_OK(syscall(SYS_link, bad[i], fifo_unused));
		EFAULT_OK(syscall(SYS_link, file, bad[i]));
		EFAULT_OK(syscall(SYS_linkat, dfd, bad[i], dfd, "x", 0));
		EFAULT_OK(syscall(SYS_linkat, dfd, "f", dfd, bad[i], 0));
		EFAULT_OK(syscall(SYS_symlink, bad[i], fifo_unused));
		EFAULT_OK(syscall(SYS_symlink, file, bad[i]));
		EFAULT_OK(syscall(SYS_symlinkat, bad[i], dfd, "x"));
		EFAULT_OK(syscall(SYS_symlinkat, "f", dfd, bad[i]));
		EFAULT_OK(syscall(SYS_mknod, bad[i], S_IFIFO | 0644, 0));
		EFAULT_OK(syscall(SYS_mknodat, dfd, bad[i], S_IFIFO | 0644, 0));
		EFAULT_OK(syscall(SYS_chdir, bad[i]));
		EFAULT_OK(syscall(SYS_chroot, bad[i]));
		EFAULT_OK(syscall(SYS_getcwd, bad[i], 4096));
	}
	/* Nothing got created under a name we never gave. */
	EXPECT_ERRNO(access(fifo_unused, F_OK), ENOENT);
	close(dfd);
	teardown();
}

TEST(attribute_calls)
{
	setup();
	int fd = open(file, O_RDWR);
	ASSERT(fd >= 0);
	for (int i = 0; i < NBAD; i++) {
		EFAULT_OK(syscall(SYS_chmod, bad[i], 0600));
		EFAULT_OK(syscall(SYS_fchmodat, AT_FDCWD, bad[i], 0600));
		EFAULT_OK(syscall(SYS_chown, bad[i], 0, 0));
		EFAULT_OK(syscall(SYS_lchown, bad[i], 0, 0));
		EFAULT_OK(syscall(SYS_fchownat, AT_FDCWD, bad[i], 0, 0, 0));
		EFAULT_OK(syscall(SYS_truncate, bad[i], 0));
		EFAULT_OK(syscall(SYS_utimensat, AT_FDCWD, bad[i], NULL, 0));
		EFAULT_OK(syscall(SYS_utimensat, AT_FDCWD, file, bad[i], 0));
		EFAULT_OK(syscall(SYS_utimensat, fd, NULL, bad[i], 0));
		EFAULT_OK(syscall(SYS_utimes, bad[i], NULL));
		EFAULT_OK(syscall(SYS_utimes, file, bad[i]));
		EFAULT_OK(syscall(SYS_futimesat, AT_FDCWD, file, bad[i]));
	}
	struct stat st;
	EXPECT_EQ(stat(file, &st), 0);
	EXPECT_EQ(st.st_size, 10);
	EXPECT_EQ(st.st_mode & 0777, 0644 & ~umask(022));
	close(fd);
	teardown();
}

TEST(xattr_calls)
{
	setup();
	int fd = open(file, O_RDWR);
	char buf[64];
	ASSERT(fd >= 0);
	for (int i = 0; i < NBAD; i++) {
		EFAULT_OK(syscall(SYS_setxattr, bad[i], "user.a", "v", 1, 0));
		EFAULT_OK(syscall(SYS_setxattr, file, bad[i], "v", 1, 0));
		EFAULT_OK(syscall(SYS_setxattr, file, "user.a", bad[i], 1, 0));
		EFAULT_OK(syscall(SYS_lsetxattr, bad[i], "user.a", "v", 1, 0));
		EFAULT_OK(syscall(SYS_lsetxattr, file, bad[i], "v", 1, 0));
		EFAULT_OK(syscall(SYS_fsetxattr, fd, bad[i], "v", 1, 0));
		EFAULT_OK(syscall(SYS_fsetxattr, fd, "user.a", bad[i], 1, 0));
		EFAULT_OK(syscall(SYS_getxattr, bad[i], "user.a", buf, sizeof(buf)));
		EFAULT_OK(syscall(SYS_getxattr, file, bad[i], buf, sizeof(buf)));
		EFAULT_OK(syscall(SYS_lgetxattr, bad[i], "user.a", buf, sizeof(buf)));
		EFAULT_OK(syscall(SYS_fgetxattr, fd, bad[i], buf, sizeof(buf)));
		EFAULT_OK(syscall(SYS_listxattr, bad[i], buf, sizeof(buf)));
		EFAULT_OK(syscall(SYS_llistxattr, bad[i], buf, sizeof(buf)));
		EFAULT_OK(syscall(SYS_removexattr, bad[i], "user.a"));
		EFAULT_OK(syscall(SYS_removexattr, file, bad[i]));
		EFAULT_OK(syscall(SYS_lremovexattr, bad[i], "user.a"));
		EFAULT_OK(syscall(SYS_fremovexattr, fd, bad[i]));
	}
	/* With an attribute present, the value and list buffers are written: bad ones fault. */
	if (fsetxattr(fd, "user.a", "v", 1, 0) == 0) {
		for (int i = 0; i < NBAD; i++) {
			EFAULT_OK(syscall(SYS_getxattr, file, "user.a", bad[i], 16));
			EFAULT_OK(syscall(SYS_fgetxattr, fd, "user.a", bad[i], 16));
			EFAULT_OK(syscall(SYS_listxattr, file, bad[i], 64));
			EFAULT_OK(syscall(SYS_flistxattr, fd, bad[i], 64));
		}
	}
	close(fd);
	teardown();
}

TEST(descriptor_calls)
{
	setup();
	int fd = open(file, O_RDWR);
	ASSERT(fd >= 0);
	for (int i = 0; i < NBAD; i++) {
		EFAULT_OK(syscall(SYS_pipe, bad[i]));
		EFAULT_OK(syscall(SYS_pipe2, bad[i], O_CLOEXEC));
		EFAULT_OK(syscall(SYS_fcntl, fd, F_GETLK, bad[i]));
		EFAULT_OK(syscall(SYS_fcntl, fd, F_SETLK, bad[i]));
		EFAULT_OK(syscall(SYS_fcntl, fd, F_SETLKW, bad[i]));
		EFAULT_OK(syscall(SYS_ioctl, fd, FIONBIO, bad[i]));
	}
	/* The failed pipe() calls left no descriptor behind: the next one is fd + 1. */
	int n = dup(fd);
	EXPECT_EQ(n, fd + 1);
	close(n);
	close(fd);
	teardown();
}

TEST(mount_calls)
{
	setup();
	for (int i = 0; i < NBAD; i++) {
		EFAULT_OK(syscall(SYS_mount, "none", bad[i], "tmpfs", 0, NULL));
		EFAULT_OK(syscall(SYS_mount, "none", dir, bad[i], 0, NULL));
		EFAULT_OK(syscall(SYS_mount, bad[i], dir, "tmpfs", 0, NULL));
		EFAULT_OK(syscall(SYS_mount, "none", dir, "tmpfs", 0, bad[i]));
		EFAULT_OK(syscall(SYS_umount2, bad[i], 0));
	}
	teardown();
}
