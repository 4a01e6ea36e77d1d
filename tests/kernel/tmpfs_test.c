/*
 * tmpfs.*: tmpfs (mm/shmem.c) through the VFS's system-call functions:
 * each test mounts its own tmpfs on a fresh directory, checks Linux's
 * results and errnos, and unmounts it. tmpfs.no_leaks checks that a
 * whole cycle gives back every inode, dentry, file and page.
 */
#include <kestrel/completion.h>
#include <kestrel/dcache.h>
#include <kestrel/kthread.h>
#include <kestrel/errno.h>
#include <kestrel/fdtable.h>
#include <kestrel/fs.h>
#include <kestrel/ktest.h>
#include <kestrel/mm.h>
#include <kestrel/pagemap.h>
#include <kestrel/rcupdate.h>
#include <kestrel/shmem_fs.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/xattr.h>

#include "vfs_testfs.h"

/* Mount a tmpfs with opts on dir (made here). 0 or -errno. */
static long tmount(const char *dir, const char *opts)
{
	long err = ksys_mkdir(dir, 0755);

	if (err && err != -EEXIST)
		return err;
	return ksys_mount("tmpfs", dir, "tmpfs", 0, (void *)opts);
}

static void tumount(const char *dir)
{
	ksys_umount(dir, 0);
	ksys_rmdir(dir);
}

static char page_buf[3 * 4096];

/* Append page_buf until the file system is full: -ENOSPC then (or another error). */
static long fill_file(const char *path)
{
	long fd = ksys_open(path, O_CREAT | O_WRONLY | O_APPEND, 0644), n;

	if (fd < 0)
		return fd;
	while ((n = ksys_write(fd, page_buf, sizeof(page_buf))) > 0)
		;
	ksys_close(fd);
	return n ? n : -EIO;
}

KTEST(tmpfs, create_read_write)
{
	struct stat st;
	char buf[16] = { 0 };
	long fd;

	KASSERT_EQ(tmount("/ktmp-crw", NULL), 0);
	fd = ksys_open("/ktmp-crw/f", O_CREAT | O_RDWR | O_EXCL, 0640);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_write(fd, "hello", 5), 5);
	KEXPECT_EQ(ksys_pread64(fd, buf, sizeof(buf), 1), 4);
	KEXPECT(!memcmp(buf, "ello", 4));
	KEXPECT_EQ(ksys_lseek(fd, 0, SEEK_END), 5);
	KEXPECT_EQ(ksys_pwrite64(fd, "J", 1, 0), 1);
	KEXPECT_EQ(ksys_fstat(fd, &st), 0);
	KEXPECT_EQ(st.st_size, 5);
	KEXPECT_EQ(st.st_mode, S_IFREG | 0640);
	KEXPECT_EQ(st.st_nlink, 1);
	KEXPECT_EQ(ksys_close(fd), 0);
	KEXPECT_EQ(testfs_read_file("/ktmp-crw/f", buf, sizeof(buf)), 5);
	KEXPECT(!memcmp(buf, "Jello", 5));
	KEXPECT_EQ(ksys_open("/ktmp-crw/f", O_CREAT | O_EXCL | O_RDWR, 0644), -EEXIST);
	KEXPECT_EQ(ksys_open("/ktmp-crw/none", O_RDONLY, 0), -ENOENT);
	KEXPECT_EQ(ksys_open("/ktmp-crw/f/x", O_RDONLY, 0), -ENOTDIR);
	/* A sparse file: the hole reads as zeros. */
	fd = ksys_open("/ktmp-crw/sparse", O_CREAT | O_RDWR, 0644);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_pwrite64(fd, "x", 1, 3 * 4096), 1);
	memset(page_buf, 0x55, sizeof(page_buf));
	KEXPECT_EQ(ksys_pread64(fd, page_buf, 8192, 4096), 8192);
	KEXPECT_EQ(page_buf[0], 0);
	KEXPECT_EQ(page_buf[8191], 0);
	ksys_close(fd);
	KEXPECT_EQ(ksys_unlink("/ktmp-crw/f"), 0);
	KEXPECT_EQ(ksys_unlink("/ktmp-crw/sparse"), 0);
	tumount("/ktmp-crw");
}

KTEST(tmpfs, truncate)
{
	struct stat st;
	char buf[8];
	long fd;

	KASSERT_EQ(tmount("/ktmp-tr", NULL), 0);
	memset(page_buf, 'a', sizeof(page_buf));
	KASSERT_EQ(testfs_write_file("/ktmp-tr/f", page_buf, sizeof(page_buf)), sizeof(page_buf));
	KEXPECT_EQ(ksys_stat("/ktmp-tr/f", &st), 0);
	KEXPECT_EQ(st.st_size, 3 * 4096);
	KEXPECT_EQ(st.st_blocks, 3 * 8);
	KEXPECT_EQ(ksys_truncate("/ktmp-tr/f", 100), 0);
	KEXPECT_EQ(ksys_stat("/ktmp-tr/f", &st), 0);
	KEXPECT_EQ(st.st_size, 100);
	KEXPECT_EQ(st.st_blocks, 8);	/* two pages given back */
	fd = ksys_open("/ktmp-tr/f", O_RDWR, 0);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_pread64(fd, buf, 8, 100), 0);
	KEXPECT_EQ(ksys_ftruncate(fd, 200), 0);
	memset(buf, 'z', sizeof(buf));
	KEXPECT_EQ(ksys_pread64(fd, buf, 8, 96), 8);
	KEXPECT(!memcmp(buf, "aaaa\0\0\0\0", 8));	/* extended with zeros, old data cut */
	KEXPECT_EQ(ksys_ftruncate(fd, -1), -EINVAL);
	ksys_close(fd);
	KEXPECT_EQ(ksys_truncate("/ktmp-tr", 0), -EISDIR);
	KEXPECT_EQ(ksys_unlink("/ktmp-tr/f"), 0);
	tumount("/ktmp-tr");
}

KTEST(tmpfs, dirs_and_errnos)
{
	static char longname[300];
	char path[320];

	KASSERT_EQ(tmount("/ktmp-dir", NULL), 0);
	KEXPECT_EQ(ksys_mkdir("/ktmp-dir/d", 0755), 0);
	KEXPECT_EQ(ksys_mkdir("/ktmp-dir/d", 0755), -EEXIST);
	KEXPECT_EQ(testfs_write_file("/ktmp-dir/d/f", "x", 1), 1);
	KEXPECT_EQ(ksys_rmdir("/ktmp-dir/d"), -ENOTEMPTY);
	KEXPECT_EQ(ksys_unlink("/ktmp-dir/d"), -EISDIR);
	KEXPECT_EQ(ksys_rmdir("/ktmp-dir/d/f"), -ENOTDIR);
	KEXPECT_EQ(ksys_mkdir("/ktmp-dir/d/f/g", 0755), -ENOTDIR);
	KEXPECT_EQ(ksys_unlink("/ktmp-dir/d/f"), 0);
	KEXPECT_EQ(ksys_unlink("/ktmp-dir/d/f"), -ENOENT);
	KEXPECT_EQ(ksys_rmdir("/ktmp-dir/d"), 0);
	KEXPECT_EQ(ksys_rmdir("/ktmp-dir/d"), -ENOENT);
	/* 256-byte names are too long; 255 is fine. */
	memset(longname, 'n', 256);
	scnprintf(path, sizeof(path), "/ktmp-dir/%s", longname);
	KEXPECT_EQ(ksys_mkdir(path, 0755), -ENAMETOOLONG);
	longname[255] = 0;
	scnprintf(path, sizeof(path), "/ktmp-dir/%s", longname);
	KEXPECT_EQ(ksys_mkdir(path, 0755), 0);
	KEXPECT_EQ(ksys_rmdir(path), 0);
	/* Busy: a mount point cannot be removed while mounted. */
	KEXPECT_EQ(ksys_rmdir("/ktmp-dir"), -EBUSY);
	tumount("/ktmp-dir");
	KEXPECT_EQ(ksys_rmdir("/ktmp-dir"), -ENOENT);	/* tumount removed it */
}

KTEST(tmpfs, rename)
{
	char buf[8] = { 0 };

	KASSERT_EQ(tmount("/ktmp-ren", NULL), 0);
	KEXPECT_EQ(testfs_write_file("/ktmp-ren/a", "AA", 2), 2);
	KEXPECT_EQ(testfs_write_file("/ktmp-ren/b", "BB", 2), 2);
	KEXPECT_EQ(ksys_mkdir("/ktmp-ren/d", 0755), 0);
	KEXPECT_EQ(ksys_mkdir("/ktmp-ren/d/sub", 0755), 0);
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "/ktmp-ren/a", AT_FDCWD, "/ktmp-ren/b",
				  RENAME_NOREPLACE), -EEXIST);
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "/ktmp-ren/a", AT_FDCWD, "/ktmp-ren/b",
				  RENAME_EXCHANGE), 0);
	KEXPECT_EQ(testfs_read_file("/ktmp-ren/a", buf, sizeof(buf)), 2);
	KEXPECT(!memcmp(buf, "BB", 2));
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "/ktmp-ren/a", AT_FDCWD, "/ktmp-ren/none",
				  RENAME_EXCHANGE), -ENOENT);
	KEXPECT_EQ(ksys_rename("/ktmp-ren/a", "/ktmp-ren/b"), 0);	/* replaces */
	KEXPECT_EQ(ksys_open("/ktmp-ren/a", O_RDONLY, 0), -ENOENT);
	KEXPECT_EQ(testfs_read_file("/ktmp-ren/b", buf, sizeof(buf)), 2);
	KEXPECT(!memcmp(buf, "BB", 2));
	KEXPECT_EQ(ksys_rename("/ktmp-ren/d", "/ktmp-ren/d/sub/x"), -EINVAL);
	KEXPECT_EQ(ksys_rename("/ktmp-ren/b", "/ktmp-ren/d"), -EISDIR);
	KEXPECT_EQ(ksys_rename("/ktmp-ren/d", "/ktmp-ren/b"), -ENOTDIR);
	KEXPECT_EQ(ksys_rename("/ktmp-ren/d/sub", "/ktmp-ren/sub2"), 0);	/* cross-directory */
	KEXPECT_EQ(ksys_rename("/ktmp-ren/sub2", "/ktmp-ren/d"), 0);	/* onto an empty dir */
	KEXPECT_EQ(ksys_rmdir("/ktmp-ren/d"), 0);
	KEXPECT_EQ(ksys_unlink("/ktmp-ren/b"), 0);
	tumount("/ktmp-ren");
}

KTEST(tmpfs, links_and_symlinks)
{
	struct stat st;
	char buf[32] = { 0 };

	KASSERT_EQ(tmount("/ktmp-lnk", NULL), 0);
	KEXPECT_EQ(testfs_write_file("/ktmp-lnk/a", "data", 4), 4);
	KEXPECT_EQ(ksys_link("/ktmp-lnk/a", "/ktmp-lnk/b"), 0);
	KEXPECT_EQ(ksys_stat("/ktmp-lnk/b", &st), 0);
	KEXPECT_EQ(st.st_nlink, 2);
	KEXPECT_EQ(ksys_link("/ktmp-lnk/a", "/ktmp-lnk/b"), -EEXIST);
	KEXPECT_EQ(ksys_symlink("a", "/ktmp-lnk/s"), 0);
	KEXPECT_EQ(ksys_readlink("/ktmp-lnk/s", buf, sizeof(buf)), 1);
	KEXPECT_EQ(buf[0], 'a');
	KEXPECT_EQ(testfs_read_file("/ktmp-lnk/s", buf, sizeof(buf)), 4);
	KEXPECT(!memcmp(buf, "data", 4));
	KEXPECT_EQ(ksys_lstat("/ktmp-lnk/s", &st), 0);
	KEXPECT_EQ(st.st_mode & S_IFMT, S_IFLNK);
	KEXPECT_EQ(st.st_size, 1);
	KEXPECT_EQ(ksys_symlink("loop2", "/ktmp-lnk/loop1"), 0);
	KEXPECT_EQ(ksys_symlink("loop1", "/ktmp-lnk/loop2"), 0);
	KEXPECT_EQ(ksys_open("/ktmp-lnk/loop1", O_RDONLY, 0), -ELOOP);
	KEXPECT_EQ(ksys_open("/ktmp-lnk/s", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	KEXPECT_EQ(ksys_unlink("/ktmp-lnk/a"), 0);
	KEXPECT_EQ(ksys_stat("/ktmp-lnk/b", &st), 0);
	KEXPECT_EQ(st.st_nlink, 1);
	KEXPECT_EQ(ksys_open("/ktmp-lnk/s", O_RDONLY, 0), -ENOENT);	/* dangling */
	KEXPECT_EQ(ksys_unlink("/ktmp-lnk/b"), 0);
	KEXPECT_EQ(ksys_unlink("/ktmp-lnk/s"), 0);
	KEXPECT_EQ(ksys_unlink("/ktmp-lnk/loop1"), 0);
	KEXPECT_EQ(ksys_unlink("/ktmp-lnk/loop2"), 0);
	tumount("/ktmp-lnk");
}

KTEST(tmpfs, full_gives_enospc_and_unlink_frees)
{
	struct kstatfs sfs;
	long fd;

	KASSERT_EQ(tmount("/ktmp-full", "size=16k,nr_inodes=4"), 0);
	KEXPECT_EQ(ksys_statfs("/ktmp-full", &sfs), 0);
	KEXPECT_EQ(sfs.f_type, TMPFS_MAGIC);
	KEXPECT_EQ(sfs.f_blocks, 4);
	KEXPECT_EQ(sfs.f_bfree, 4);
	KEXPECT_EQ(sfs.f_files, 4);
	KEXPECT_EQ(sfs.f_ffree, 3);	/* the root directory */
	memset(page_buf, 'f', sizeof(page_buf));
	fd = ksys_open("/ktmp-full/big", O_CREAT | O_WRONLY, 0644);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_write(fd, page_buf, 3 * 4096), 3 * 4096);
	/* One page left: a two-page write stops after it, the next one fails. */
	KEXPECT_EQ(ksys_write(fd, page_buf, 2 * 4096), 4096);
	KEXPECT_EQ(ksys_write(fd, page_buf, 1), -ENOSPC);
	ksys_close(fd);
	KEXPECT_EQ(ksys_statfs("/ktmp-full", &sfs), 0);
	KEXPECT_EQ(sfs.f_bfree, 0);
	/* Small writes into already charged pages still work. */
	KEXPECT_EQ(testfs_write_file("/ktmp-full/big", "x", 1), 1);	/* O_TRUNC: pages freed, one used */
	KEXPECT_EQ(ksys_statfs("/ktmp-full", &sfs), 0);
	KEXPECT_EQ(sfs.f_bfree, 3);
	/* Inodes: root + 3 files = 4. */
	KEXPECT_EQ(testfs_write_file("/ktmp-full/i2", "", 0), 0);
	KEXPECT_EQ(ksys_mkdir("/ktmp-full/i3", 0755), 0);
	KEXPECT_EQ(testfs_write_file("/ktmp-full/i4", "", 0), -ENOSPC);
	KEXPECT_EQ(ksys_symlink("x", "/ktmp-full/i4"), -ENOSPC);
	KEXPECT_EQ(ksys_unlink("/ktmp-full/big"), 0);
	KEXPECT_EQ(ksys_statfs("/ktmp-full", &sfs), 0);
	KEXPECT_EQ(sfs.f_bfree, 4);
	KEXPECT_EQ(sfs.f_ffree, 1);
	KEXPECT_EQ(testfs_write_file("/ktmp-full/i4", page_buf, sizeof(page_buf)), sizeof(page_buf));
	KEXPECT_EQ(ksys_unlink("/ktmp-full/i2"), 0);
	KEXPECT_EQ(ksys_unlink("/ktmp-full/i4"), 0);
	KEXPECT_EQ(ksys_rmdir("/ktmp-full/i3"), 0);
	KEXPECT_EQ(ksys_statfs("/ktmp-full", &sfs), 0);
	KEXPECT_EQ(sfs.f_bfree, 4);
	KEXPECT_EQ(sfs.f_ffree, 3);
	tumount("/ktmp-full");
	KEXPECT_EQ(tmount("/ktmp-full", "size=12q"), -EINVAL);
	ksys_rmdir("/ktmp-full");
}

KTEST(tmpfs, xattrs)
{
	char buf[64];
	long n;

	KASSERT_EQ(tmount("/ktmp-xa", NULL), 0);
	KASSERT_EQ(testfs_write_file("/ktmp-xa/f", "", 0), 0);
	KEXPECT_EQ(ksys_getxattr("/ktmp-xa/f", "user.a", buf, sizeof(buf)), -ENODATA);
	KEXPECT_EQ(ksys_setxattr("/ktmp-xa/f", "user.a", "one", 3, 0), 0);
	KEXPECT_EQ(ksys_setxattr("/ktmp-xa/f", "user.b", "second", 6, XATTR_CREATE), 0);
	KEXPECT_EQ(ksys_setxattr("/ktmp-xa/f", "user.b", "x", 1, XATTR_CREATE), -EEXIST);
	KEXPECT_EQ(ksys_setxattr("/ktmp-xa/f", "user.c", "x", 1, XATTR_REPLACE), -ENODATA);
	KEXPECT_EQ(ksys_getxattr("/ktmp-xa/f", "user.b", NULL, 0), 6);	/* size query */
	KEXPECT_EQ(ksys_getxattr("/ktmp-xa/f", "user.b", buf, 0), 6);	/* size 0: a query too */
	KEXPECT_EQ(ksys_listxattr("/ktmp-xa/f", buf, 0), 14);
	KEXPECT_EQ(ksys_getxattr("/ktmp-xa/f", "user.b", buf, 3), -ERANGE);
	KEXPECT_EQ(ksys_getxattr("/ktmp-xa/f", "user.b", buf, sizeof(buf)), 6);
	KEXPECT(!memcmp(buf, "second", 6));
	n = ksys_listxattr("/ktmp-xa/f", NULL, 0);
	KEXPECT_EQ(n, 14);	/* "user.a\0user.b\0" */
	KEXPECT_EQ(ksys_listxattr("/ktmp-xa/f", buf, 5), -ERANGE);
	KEXPECT_EQ(ksys_listxattr("/ktmp-xa/f", buf, sizeof(buf)), 14);
	KEXPECT(!memcmp(buf, "user.a\0user.b\0", 14));
	KEXPECT_EQ(ksys_setxattr("/ktmp-xa/f", "user.a", "uno", 3, XATTR_REPLACE), 0);
	KEXPECT_EQ(ksys_getxattr("/ktmp-xa/f", "user.a", buf, sizeof(buf)), 3);
	KEXPECT(!memcmp(buf, "uno", 3));
	KEXPECT_EQ(ksys_removexattr("/ktmp-xa/f", "user.a"), 0);
	KEXPECT_EQ(ksys_removexattr("/ktmp-xa/f", "user.a"), -ENODATA);
	KEXPECT_EQ(ksys_setxattr("/ktmp-xa/f", "trusted.t", "t", 1, 0), 0);	/* we are root */
	KEXPECT_EQ(ksys_getxattr("/ktmp-xa/f", "trusted.t", buf, sizeof(buf)), 1);
	KEXPECT_EQ(ksys_listxattr("/ktmp-xa/f", buf, sizeof(buf)), 17);	/* user.b trusted.t */
	KEXPECT_EQ(ksys_setxattr("/ktmp-xa/f", "security.x", "x", 1, 0), -EOPNOTSUPP);
	KEXPECT_EQ(ksys_setxattr("/ktmp-xa/f", "user.", "x", 1, 0), -EINVAL);
	/* user.* only on regular files and directories. */
	KEXPECT_EQ(ksys_symlink("f", "/ktmp-xa/s"), 0);
	KEXPECT_EQ(ksys_lsetxattr("/ktmp-xa/s", "user.a", "x", 1, 0), -EPERM);
	KEXPECT_EQ(ksys_unlink("/ktmp-xa/s"), 0);
	KEXPECT_EQ(ksys_unlink("/ktmp-xa/f"), 0);	/* the xattrs go with the inode */
	tumount("/ktmp-xa");
}

/* Replacing a large value many times stays within the per-inode limit (old bytes given back). */
KTEST(tmpfs, xattr_replace_large)
{
	char *val = kmalloc(40000, GFP_KERNEL);

	KASSERT(val);
	memset(val, 'v', 40000);
	KASSERT_EQ(tmount("/ktmp-xr", NULL), 0);
	KASSERT_EQ(testfs_write_file("/ktmp-xr/f", "", 0), 0);
	for (int i = 0; i < 8; i++) {
		val[0] = 'a' + i;
		KEXPECT_EQ(ksys_setxattr("/ktmp-xr/f", "user.big", val, 40000, 0), 0);
	}
	KEXPECT_EQ(ksys_getxattr("/ktmp-xr/f", "user.big", NULL, 0), 40000);
	/* The limit still holds for a second large value. */
	KEXPECT_EQ(ksys_setxattr("/ktmp-xr/f", "user.two", val, 40000, 0), -ENOSPC);
	KEXPECT_EQ(ksys_unlink("/ktmp-xr/f"), 0);
	tumount("/ktmp-xr");
	kfree(val);
}

KTEST(tmpfs, setattr)
{
	struct timespec64 times[2] = { { 1000, 5 }, { 2000, 7 } };
	struct stat st;

	KASSERT_EQ(tmount("/ktmp-attr", NULL), 0);
	KASSERT_EQ(testfs_write_file("/ktmp-attr/f", "abc", 3), 3);
	KEXPECT_EQ(ksys_chmod("/ktmp-attr/f", 0600), 0);
	KEXPECT_EQ(ksys_chown("/ktmp-attr/f", 1000, 100), 0);
	KEXPECT_EQ(ksys_utimensat(AT_FDCWD, "/ktmp-attr/f", times, 0), 0);
	KEXPECT_EQ(ksys_stat("/ktmp-attr/f", &st), 0);
	KEXPECT_EQ(st.st_mode, S_IFREG | 0600);
	KEXPECT_EQ(st.st_uid, 1000);
	KEXPECT_EQ(st.st_gid, 100);
	KEXPECT_EQ(st.st_atime, 1000);
	KEXPECT_EQ(st.st_mtime, 2000);
	KEXPECT_EQ(st.st_mtime_nsec, 7);
	KEXPECT_EQ(ksys_unlink("/ktmp-attr/f"), 0);
	tumount("/ktmp-attr");
}

KTEST(tmpfs, mknod_devices)
{
	char buf[4] = { 1, 1, 1, 1 };
	struct stat st;

	KASSERT_EQ(tmount("/ktmp-dev", NULL), 0);
	KEXPECT_EQ(ksys_mknodat(AT_FDCWD, "/ktmp-dev/zero", S_IFCHR | 0666, MKDEV(1, 5)), 0);
	KEXPECT_EQ(ksys_stat("/ktmp-dev/zero", &st), 0);
	KEXPECT_EQ(st.st_mode & S_IFMT, S_IFCHR);
	KEXPECT_EQ(st.st_rdev, MKDEV(1, 5));
	KEXPECT_EQ(testfs_read_file("/ktmp-dev/zero", buf, sizeof(buf)), 4);
	KEXPECT_EQ(buf[0] | buf[3], 0);
	KEXPECT_EQ(ksys_mknodat(AT_FDCWD, "/ktmp-dev/nodrv", S_IFCHR | 0666, MKDEV(250, 1)), 0);
	KEXPECT_EQ(ksys_open("/ktmp-dev/nodrv", O_RDONLY, 0), -ENXIO);
	/* A FIFO: opened O_RDWR it needs no partner (Linux); data goes through fs/pipe.c. */
	KEXPECT_EQ(ksys_mknodat(AT_FDCWD, "/ktmp-dev/fifo", S_IFIFO | 0600, 0), 0);
	long fd = ksys_open("/ktmp-dev/fifo", O_RDWR, 0);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_write(fd, "pipe", 4), 4);
	KEXPECT_EQ(ksys_read(fd, buf, sizeof(buf)), 4);
	KEXPECT(!memcmp(buf, "pipe", 4));
	ksys_close(fd);
	KEXPECT_EQ(ksys_mknodat(AT_FDCWD, "/ktmp-dev/bad", 0170000 | 0600, 0), -EINVAL);
	KEXPECT_EQ(ksys_unlink("/ktmp-dev/fifo"), 0);
	KEXPECT_EQ(ksys_unlink("/ktmp-dev/zero"), 0);
	KEXPECT_EQ(ksys_unlink("/ktmp-dev/nodrv"), 0);
	tumount("/ktmp-dev");
}

struct leak_snapshot {
	unsigned long inodes, dentries, files, shmem_pages, cached;
	unsigned long free_pages;
};

static void leak_snapshot(struct leak_snapshot *s)
{
	struct kmem_cache_stats st;
	struct pagecache_stats pc;

	rcu_barrier();	/* inodes and dentries are freed after a grace period */
	shmem_inode_cache_stats(&st);
	s->inodes = st.active_objs;
	kmem_cache_get_stats(dentry_kmem_cache(), &st);
	s->dentries = st.active_objs;
	kmem_cache_get_stats(filp_kmem_cache(), &st);
	s->files = st.active_objs;
	s->shmem_pages = shmem_total_pages();
	pagecache_get_stats(&pc);
	s->cached = pc.nr_pages;
	s->free_pages = nr_free_pages();
}

KTEST(tmpfs, no_leaks)
{
	struct leak_snapshot before, after;
	char name[32];

	leak_snapshot(&before);
	for (int round = 0; round < 3; round++) {
		KASSERT_EQ(tmount("/ktmp-leak", "size=256k"), 0);
		KEXPECT_EQ(ksys_mkdir("/ktmp-leak/d", 0755), 0);
		for (int i = 0; i < 8; i++) {
			scnprintf(name, sizeof(name), "/ktmp-leak/d/f%d", i);
			KEXPECT_EQ(testfs_write_file(name, page_buf, sizeof(page_buf)), sizeof(page_buf));
			KEXPECT_EQ(ksys_setxattr(name, "user.k", "v", 1, 0), 0);
		}
		KEXPECT_EQ(ksys_symlink("d/f0", "/ktmp-leak/s"), 0);
		KEXPECT_EQ(testfs_write_file("/ktmp-leak/big", page_buf, 100), 100);
		KEXPECT_EQ(fill_file("/ktmp-leak/d/f7"), -ENOSPC);
		KEXPECT_EQ(ksys_open("/ktmp-leak/none", O_RDONLY, 0), -ENOENT);
		/* Half removed by hand, the rest by umount. */
		for (int i = 0; i < 4; i++) {
			scnprintf(name, sizeof(name), "/ktmp-leak/d/f%d", i);
			KEXPECT_EQ(ksys_unlink(name), 0);
		}
		tumount("/ktmp-leak");
	}
	leak_snapshot(&after);
	KEXPECT_EQ(after.inodes, before.inodes);
	KEXPECT_EQ(after.dentries, before.dentries);
	KEXPECT_EQ(after.files, before.files);
	KEXPECT_EQ(after.shmem_pages, before.shmem_pages);
	KEXPECT_EQ(after.cached, before.cached);
	/* Free pages: other CPUs' threads allocate too; slabs keep some pages: a small margin. */
	KEXPECT(after.free_pages + 64 >= before.free_pages);
}

/*
 * A fallocate asking for more than memory holds (on a tmpfs whose size=
 * allows it) fails with ENOMEM, and gives back every page it took on the
 * way: the cache, the charge and free memory are as before. Before, the
 * pages stayed in the file beyond EOF (KEEP_SIZE), memory stayed full and
 * every later allocation failed.
 */
KTEST(tmpfs, fallocate_out_of_memory_gives_back_every_page)
{
	struct leak_snapshot before, after;
	unsigned long ram = totalram_bytes;
	struct kstatfs sfs;
	struct file *f;
	struct stat st;
	char opts[32];
	long fd;

	scnprintf(opts, sizeof(opts), "size=%lum", (ram >> 20) * 2);
	KASSERT_EQ(tmount("/ktmp-foom", opts), 0);
	fd = ksys_open("/ktmp-foom/f", O_CREAT | O_RDWR, 0644);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_pwrite64(fd, "data", 4, 0), 4);	/* a written page stays */
	f = fget(fd);
	KASSERT(f != NULL);
	leak_snapshot(&before);
	KEXPECT_EQ(vfs_fallocate(f, FALLOC_FL_KEEP_SIZE, 1LL << 40, (loff_t)ram * 3 / 2), -ENOMEM);
	leak_snapshot(&after);
	KEXPECT_EQ(f->f_mapping->nrpages, 1);
	KEXPECT_EQ(after.shmem_pages, before.shmem_pages);
	KEXPECT_EQ(after.cached, before.cached);
	KEXPECT(after.free_pages + 64 >= before.free_pages);
	KEXPECT_EQ(ksys_fstat(fd, &st), 0);
	KEXPECT_EQ(st.st_size, 4);
	KEXPECT_EQ(st.st_blocks, 8);
	KEXPECT_EQ(ksys_statfs("/ktmp-foom", &sfs), 0);
	KEXPECT_EQ(sfs.f_blocks - sfs.f_bfree, 1);
	fput(f);
	ksys_close(fd);
	KEXPECT_EQ(ksys_unlink("/ktmp-foom/f"), 0);
	tumount("/ktmp-foom");
}

/*
 * Reading holes must not cache (and so pin and charge) pages: a file
 * truncated far beyond size= reads as zeros, statfs does not change and
 * no page stays allocated while the file is still open.
 */
KTEST(tmpfs, read_holes_stays_within_size)
{
	struct leak_snapshot before, after;
	struct kstatfs sfs;
	long fd, n, total = 0;
	bool zeros = true;

	KASSERT_EQ(tmount("/ktmp-hole", "size=64k"), 0);
	fd = ksys_open("/ktmp-hole/f", O_CREAT | O_RDWR, 0644);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_pwrite64(fd, "d", 1, 8192), 1);	/* one real page among the holes */
	leak_snapshot(&before);
	KEXPECT_EQ(ksys_ftruncate(fd, 64L << 20), 0);
	while ((n = ksys_read(fd, page_buf, sizeof(page_buf))) > 0) {
		for (long i = 0; i < n; i++)
			if (page_buf[i] != (total + i == 8192 ? 'd' : 0))
				zeros = false;
		total += n;
	}
	KEXPECT_EQ(n, 0);
	KEXPECT_EQ(total, 64L << 20);
	KEXPECT(zeros);
	KEXPECT_EQ(ksys_statfs("/ktmp-hole", &sfs), 0);
	KEXPECT_EQ(sfs.f_bfree, 15);
	leak_snapshot(&after);
	KEXPECT_EQ(after.shmem_pages, before.shmem_pages);
	KEXPECT_EQ(after.cached, before.cached);
	KEXPECT(after.free_pages + 64 >= before.free_pages);
	ksys_close(fd);
	tumount("/ktmp-hole");
}

/*
 * Four threads (on -smp 4, on different CPUs) write, read holes, truncate
 * and unlink files in one size-limited tmpfs, hitting ENOSPC now and
 * then: afterwards every page and inode must be accounted for exactly.
 */
struct par_worker {
	int id;
	long errors;		/* unexpected results */
	struct completion done;
};

static int par_worker_fn(void *arg)
{
	struct par_worker *w = arg;
	static char wbuf[4][2 * 4096];
	char name[48], rbuf[64];

	memset(wbuf[w->id], 'a' + w->id, sizeof(wbuf[w->id]));
	for (int j = 0; j < 40; j++) {
		long fd, n;

		scnprintf(name, sizeof(name), "/ktmp-par/t%d-%d", w->id, j % 8);
		fd = ksys_open(name, O_CREAT | O_RDWR, 0644);
		if (fd < 0) {
			if (fd != -ENOSPC)	/* nr_inodes may be exhausted by the others */
				w->errors++;
			continue;
		}
		n = ksys_pwrite64(fd, wbuf[w->id], sizeof(wbuf[w->id]), (j % 3) * 4096);
		if (n < 0 && n != -ENOSPC)
			w->errors++;
		n = ksys_pread64(fd, rbuf, sizeof(rbuf), 20 * 4096);	/* beyond EOF */
		if (n != 0)
			w->errors++;
		if (j % 4 == 1 && ksys_ftruncate(fd, 100))
			w->errors++;
		ksys_close(fd);
		if (j % 5 == 4 && ksys_unlink(name))
			w->errors++;
	}
	complete(&w->done);
	return 0;
}

KTEST(tmpfs, parallel_writers_accounting)
{
	static struct par_worker w[4];
	struct kstatfs sfs;
	char name[48];

	KASSERT_EQ(tmount("/ktmp-par", "size=96k,nr_inodes=28"), 0);
	for (int i = 0; i < 4; i++) {
		struct task_struct *k;

		w[i].id = i;
		w[i].errors = 0;
		init_completion(&w[i].done);
		k = kthread_run(par_worker_fn, &w[i], "ktmp-par/%d", i);
		KASSERT(!IS_ERR(k));
	}
	for (int i = 0; i < 4; i++) {
		wait_for_completion(&w[i].done);
		KEXPECT_EQ(w[i].errors, 0);
	}
	KEXPECT_EQ(ksys_statfs("/ktmp-par", &sfs), 0);
	KEXPECT(sfs.f_bfree <= sfs.f_blocks);
	for (int i = 0; i < 4; i++) {
		for (int j = 0; j < 8; j++) {
			scnprintf(name, sizeof(name), "/ktmp-par/t%d-%d", i, j);
			ksys_unlink(name);
		}
	}
	KEXPECT_EQ(ksys_statfs("/ktmp-par", &sfs), 0);
	KEXPECT_EQ(sfs.f_bfree, 24);
	KEXPECT_EQ(sfs.f_ffree, 27);
	tumount("/ktmp-par");
}
