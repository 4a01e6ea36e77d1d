/*
 * ramfs.*: ramfs (fs/ramfs/) through the VFS's system-call functions:
 * the operations tmpfs has, without limits, with its own magic and its
 * own option parser (mode= only; other options are ignored).
 */
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/ktest.h>
#include <kestrel/ramfs.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>

#include "vfs_testfs.h"

static char big_buf[3 * 4096];

KTEST(ramfs, basic)
{
	struct kstatfs sfs;
	struct stat st;
	char buf[8] = { 0 };

	KASSERT_EQ(ksys_mkdir("/kramfs", 0755), 0);
	KASSERT_EQ(ksys_mount("ramfs", "/kramfs", "ramfs", 0, "mode=700,size=1k"), 0);
	KEXPECT_EQ(ksys_stat("/kramfs", &st), 0);
	KEXPECT_EQ(st.st_mode, S_IFDIR | 0700);
	KEXPECT_EQ(ksys_statfs("/kramfs", &sfs), 0);
	KEXPECT_EQ(sfs.f_type, RAMFS_MAGIC);
	KEXPECT_EQ(sfs.f_blocks, 0);
	memset(big_buf, 'r', sizeof(big_buf));
	KEXPECT_EQ(testfs_write_file("/kramfs/f", big_buf, sizeof(big_buf)), sizeof(big_buf));	/* > 1k */
	KEXPECT_EQ(ksys_mkdir("/kramfs/d", 0755), 0);
	KEXPECT_EQ(ksys_symlink("../f", "/kramfs/d/s"), 0);
	KEXPECT_EQ(testfs_read_file("/kramfs/d/s", buf, 4), 4);
	KEXPECT(!memcmp(buf, "rrrr", 4));
	KEXPECT_EQ(ksys_truncate("/kramfs/f", 1), 0);
	KEXPECT_EQ(ksys_stat("/kramfs/f", &st), 0);
	KEXPECT_EQ(st.st_size, 1);
	KEXPECT_EQ(ksys_rename("/kramfs/f", "/kramfs/d/g"), 0);
	KEXPECT_EQ(ksys_rmdir("/kramfs/d"), -ENOTEMPTY);
	KEXPECT_EQ(ksys_setxattr("/kramfs/d/g", "user.a", "x", 1, 0), -EOPNOTSUPP);
	/* Left for umount to drop (kill_litter_super). */
	KEXPECT_EQ(ksys_umount("/kramfs", 0), 0);
	KEXPECT_EQ(ksys_rmdir("/kramfs"), 0);
}

/* ramfs's own parser: a mode= that is not octal or too big fails the mount, nothing else does. */
KTEST(ramfs, mode_option)
{
	struct stat st;

	KASSERT_EQ(ksys_mkdir("/kramfs", 0755), 0);
	KEXPECT_EQ(ksys_mount("ramfs", "/kramfs", "ramfs", 0, "mode=9"), -EINVAL);
	KEXPECT_EQ(ksys_mount("ramfs", "/kramfs", "ramfs", 0, "mode=17777"), -EINVAL);
	KEXPECT_EQ(ksys_mount("ramfs", "/kramfs", "ramfs", 0, "mode="), -EINVAL);
	KASSERT_EQ(ksys_mount("ramfs", "/kramfs", "ramfs", 0, ",nr_inodes=x,mode,mode=1750,"), 0);
	KEXPECT_EQ(ksys_stat("/kramfs", &st), 0);
	KEXPECT_EQ(st.st_mode, S_IFDIR | 01750);
	KEXPECT_EQ(ksys_umount("/kramfs", 0), 0);
	KEXPECT_EQ(ksys_rmdir("/kramfs"), 0);
}
