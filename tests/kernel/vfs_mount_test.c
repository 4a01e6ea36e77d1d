/*
 * vfs_mount.*: mount(2)/umount2(2) corner cases: mount racing rmdir of
 * its mount point (the racing side is a kthread that shares our root,
 * vfs_env_begin's test fs), umount2's flags (UMOUNT_NOFOLLOW, MNT_EXPIRE,
 * MNT_DETACH, MNT_FORCE) and a read-only remount.
 */
#include <kestrel/errno.h>
#include <kestrel/kthread.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/timer.h>
#include "vfs_testfs.h"

#define RACE_ROUNDS 3
#define HOOK_WAIT_MS 300

/* vfstestfs super blocks alive (on fs_supers, dying or not). */
static int testfs_supers(void)
{
	struct super_block *sb;
	int n = 0;

	spin_lock(&sb_lock);
	list_for_each_entry(sb, &vfstestfs_type.fs_supers, s_instances)
		n++;
	spin_unlock(&sb_lock);
	return n;
}

/* Handshake between the rmdir hook (racer, victim held) and the test. */
static atomic_t in_rmdir, mount_done, racer_done;
static long racer_ret;

/*
 * Inside ->rmdir: tell the test, then give its mount HOOK_WAIT_MS to
 * finish. A mount that honours the victim's i_rwsem cannot finish here
 * and the wait runs out; one that does not attaches to a dying /d.
 */
static void rmdir_hook(struct dentry *victim)
{
	(void)victim;
	atomic_set(&in_rmdir, 1);
	for (int ms = 0; ms < HOOK_WAIT_MS && !atomic_read(&mount_done); ms++)
		msleep(1);
}

static int rmdir_racer_fn(void *arg)
{
	(void)arg;
	racer_ret = ksys_rmdir("/d");
	atomic_set(&racer_done, 1);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

static bool wait_flag(atomic_t *flag)
{
	for (int ms = 0; ms < 60000; ms += 10) {
		if (atomic_read(flag))
			return true;
		msleep(10);
	}
	return false;
}

/*
 * Each round: mount on /d while an rmdir of /d sits inside ->rmdir.
 * Either the mount succeeded on a live /d (so rmdir said EBUSY and
 * umount by name works) or it failed with ENOENT and /d is gone. No
 * super block outlives the test.
 */
KTEST(vfs_mount, mount_races_rmdir)
{
	struct vfs_env env;
	int supers0;

	if (!vfs_env_begin(t, &env))
		return;
	supers0 = testfs_supers();
	testfs_faults.rmdir_hook = rmdir_hook;
	for (int i = 0; i < RACE_ROUNDS; i++) {
		struct task_struct *k;
		long ret;
		struct stat st;

		atomic_set(&in_rmdir, 0);
		atomic_set(&mount_done, 0);
		atomic_set(&racer_done, 0);
		KEXPECT_EQ(ksys_mkdir("/d", 0755), 0);
		k = kthread_run(rmdir_racer_fn, NULL, "mntrace");
		if (IS_ERR(k)) {
			KEXPECT(!"kthread_run");
			break;
		}
		if (!KEXPECT(wait_flag(&in_rmdir)))
			return;	/* a hang: leave it */
		ret = ksys_mount("none", "/d", "vfstestfs", 0, NULL);
		atomic_set(&mount_done, 1);
		if (!KEXPECT(wait_flag(&racer_done)))
			return;
		kthread_stop(k);
		if (ret == 0) {
			KEXPECT_EQ(racer_ret, -EBUSY);
			KEXPECT_EQ(ksys_umount("/d", 0), 0);
			KEXPECT_EQ(ksys_rmdir("/d"), 0);
		} else {
			KEXPECT_EQ(ret, -ENOENT);
			KEXPECT_EQ(racer_ret, 0);
			KEXPECT_EQ(ksys_stat("/d", &st), -ENOENT);
		}
	}
	testfs_faults.rmdir_hook = NULL;
	KEXPECT_EQ(testfs_supers(), supers0);	/* none left on a dead directory */
	vfs_env_end(t, &env);
}

/* UMOUNT_NOFOLLOW is accepted and does not follow a final symlink. */
KTEST(vfs_mount, umount_nofollow)
{
	struct vfs_env env;

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/mnt", 0755), 0);
	KEXPECT_EQ(ksys_symlink("mnt", "/lnk"), 0);
	KEXPECT_EQ(ksys_mount("none", "/mnt", "vfstestfs", 0, NULL), 0);
	KEXPECT_EQ(ksys_umount("/lnk", UMOUNT_NOFOLLOW), -EINVAL);	/* the link itself */
	KEXPECT_EQ(ksys_umount("/mnt", UMOUNT_NOFOLLOW), 0);
	KEXPECT_EQ(ksys_mount("none", "/mnt", "vfstestfs", 0, NULL), 0);
	KEXPECT_EQ(ksys_umount("/lnk", 0), 0);	/* followed */
	KEXPECT_EQ(ksys_umount("/mnt", 0x100), -EINVAL);	/* unknown flag */
	KEXPECT_EQ(ksys_unlink("/lnk"), 0);
	KEXPECT_EQ(ksys_rmdir("/mnt"), 0);
	vfs_env_end(t, &env);
}

/* MNT_EXPIRE: the first call marks and says EAGAIN, the second unmounts. */
KTEST(vfs_mount, umount_expire)
{
	struct vfs_env env;
	long fd;

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/mnt", 0755), 0);
	KEXPECT_EQ(ksys_mount("none", "/mnt", "vfstestfs", 0, NULL), 0);
	KEXPECT_EQ(ksys_umount("/mnt", MNT_EXPIRE | MNT_DETACH), -EINVAL);
	KEXPECT_EQ(ksys_umount("/mnt", MNT_EXPIRE | MNT_FORCE), -EINVAL);
	fd = ksys_open("/mnt", O_RDONLY | O_DIRECTORY, 0);
	KEXPECT_EQ(ksys_umount("/mnt", MNT_EXPIRE), -EBUSY);	/* in use */
	ksys_close(fd);
	KEXPECT_EQ(ksys_umount("/mnt", MNT_EXPIRE), -EAGAIN);
	KEXPECT_EQ(ksys_umount("/mnt", MNT_EXPIRE), 0);
	KEXPECT_EQ(ksys_umount("/mnt", 0), -EINVAL);	/* gone */
	KEXPECT_EQ(ksys_rmdir("/mnt"), 0);
	vfs_env_end(t, &env);
}

/*
 * MNT_DETACH of a mount with a submount and a file open inside: the whole
 * subtree leaves the tree at once, the file keeps working, and the super
 * blocks go when the file is closed.
 */
KTEST(vfs_mount, umount_detach_subtree)
{
	struct vfs_env env;
	struct stat st;
	char buf[4] = { 0 };
	int supers0;
	long fd;

	if (!vfs_env_begin(t, &env))
		return;
	supers0 = testfs_supers();
	KEXPECT_EQ(ksys_mkdir("/mnt", 0755), 0);
	KEXPECT_EQ(ksys_mount("none", "/mnt", "vfstestfs", 0, NULL), 0);
	KEXPECT_EQ(ksys_mkdir("/mnt/sub", 0755), 0);
	KEXPECT_EQ(ksys_mount("none", "/mnt/sub", "vfstestfs", 0, NULL), 0);
	KEXPECT_EQ(testfs_supers(), supers0 + 2);
	fd = ksys_open("/mnt/sub/f", O_CREAT | O_RDWR, 0644);
	KEXPECT(fd >= 0);
	KEXPECT_EQ(ksys_umount("/mnt", 0), -EBUSY);	/* a submount */
	KEXPECT_EQ(ksys_umount("/mnt", MNT_DETACH), 0);
	KEXPECT_EQ(ksys_stat("/mnt/sub", &st), -ENOENT);	/* the tree no longer has it */
	KEXPECT_EQ(ksys_umount("/mnt", 0), -EINVAL);
	KEXPECT_EQ(ksys_pwrite64(fd, "abc", 3, 0), 3);	/* the file still works */
	KEXPECT_EQ(ksys_pread64(fd, buf, 3, 0), 3);
	KEXPECT_STREQ(buf, "abc");
	KEXPECT_EQ(testfs_supers(), supers0 + 1);	/* only the one the file pins */
	ksys_close(fd);
	KEXPECT_EQ(testfs_supers(), supers0);
	KEXPECT_EQ(ksys_rmdir("/mnt"), 0);
	vfs_env_end(t, &env);
}

/* MNT_FORCE without ->umount_begin: still EBUSY while busy, fine once idle. */
KTEST(vfs_mount, umount_force)
{
	struct vfs_env env;
	long fd;

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/mnt", 0755), 0);
	KEXPECT_EQ(ksys_mount("none", "/mnt", "vfstestfs", 0, NULL), 0);
	fd = ksys_open("/mnt", O_RDONLY | O_DIRECTORY, 0);
	KEXPECT_EQ(ksys_umount("/mnt", MNT_FORCE), -EBUSY);
	ksys_close(fd);
	KEXPECT_EQ(ksys_umount("/mnt", MNT_FORCE), 0);
	KEXPECT_EQ(ksys_rmdir("/mnt"), 0);
	vfs_env_end(t, &env);
}

/* remount,ro: EBUSY while a file is open for writing; then changes get EROFS. */
KTEST(vfs_mount, remount_readonly)
{
	struct vfs_env env;
	long fd;

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/mnt", 0755), 0);
	KEXPECT_EQ(ksys_mount("none", "/mnt", "vfstestfs", 0, NULL), 0);
	KEXPECT_EQ(ksys_mkdir("/mnt/d", 0755), 0);
	fd = ksys_open("/mnt/f", O_CREAT | O_RDWR, 0644);
	KEXPECT(fd >= 0);
	KEXPECT_EQ(ksys_mount(NULL, "/mnt", NULL, MS_REMOUNT | MS_RDONLY, NULL), -EBUSY);
	KEXPECT_EQ(ksys_write(fd, "x", 1), 1);	/* still writable */
	ksys_close(fd);
	fd = ksys_open("/mnt/f", O_RDONLY, 0);	/* readers do not block it */
	KEXPECT_EQ(ksys_mount(NULL, "/mnt", NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
	ksys_close(fd);
	KEXPECT_EQ(ksys_open("/mnt/f", O_WRONLY, 0), -EROFS);
	KEXPECT_EQ(ksys_open("/mnt/f", O_RDWR, 0), -EROFS);
	KEXPECT_EQ(ksys_open("/mnt/new", O_CREAT | O_WRONLY, 0644), -EROFS);
	KEXPECT_EQ(ksys_mkdir("/mnt/d2", 0755), -EROFS);
	KEXPECT_EQ(ksys_unlink("/mnt/f"), -EROFS);
	KEXPECT_EQ(ksys_rmdir("/mnt/d"), -EROFS);
	KEXPECT_EQ(ksys_rename("/mnt/f", "/mnt/g"), -EROFS);
	/* Attribute changes check the super block too, not only the mount. */
	KEXPECT_EQ(ksys_chmod("/mnt/f", 0600), -EROFS);
	KEXPECT_EQ(ksys_chown("/mnt/f", 1, 1), -EROFS);
	KEXPECT_EQ(ksys_utimensat(AT_FDCWD, "/mnt/f", NULL, 0), -EROFS);
	fd = ksys_open("/mnt/f", O_RDONLY, 0);
	KEXPECT(fd >= 0);
	if (fd >= 0)
		ksys_close(fd);
	KEXPECT_EQ(ksys_mount(NULL, "/mnt", NULL, MS_REMOUNT, NULL), 0);	/* back to rw */
	KEXPECT_EQ(ksys_unlink("/mnt/f"), 0);
	KEXPECT_EQ(ksys_rmdir("/mnt/d"), 0);
	KEXPECT_EQ(ksys_umount("/mnt", 0), 0);
	KEXPECT_EQ(ksys_rmdir("/mnt"), 0);
	vfs_env_end(t, &env);
}
