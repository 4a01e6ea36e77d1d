/*
 * vfs_namei.*: path-name corner cases of the namei system calls:
 * trailing slashes in rename and RENAME_EXCHANGE, as Linux's
 * do_renameat2 treats them; O_CREAT through symlinks, on directories and
 * racing unlink, as Linux's open_last_lookups.
 */
#include <kestrel/errno.h>
#include <kestrel/kthread.h>
#include <kestrel/sched.h>
#include <kestrel/syscalls.h>
#include <kestrel/timer.h>
#include "vfs_testfs.h"

KTEST(vfs_namei, rename_exchange_trailing_slash)
{
	struct vfs_env env;
	struct stat st;

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/dir", 0755), 0);
	KEXPECT_EQ(testfs_write_file("/file", "f", 1), 1);
	/* the new side's slash asks for a directory: "file" is not one */
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "dir", AT_FDCWD, "file/", RENAME_EXCHANGE), -ENOTDIR);
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "dir/", AT_FDCWD, "file", RENAME_EXCHANGE), 0);
	KEXPECT_EQ(ksys_stat("/dir", &st), 0);	/* now the file */
	KEXPECT(S_ISREG(st.st_mode));
	/* the slash is on the directory side: allowed for an exchange */
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "dir", AT_FDCWD, "file/", RENAME_EXCHANGE), 0);
	KEXPECT_EQ(ksys_stat("/dir", &st), 0);
	KEXPECT(S_ISDIR(st.st_mode));
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "file", AT_FDCWD, "dir/", RENAME_EXCHANGE), 0);
	KEXPECT_EQ(ksys_stat("/file", &st), 0);
	KEXPECT(S_ISDIR(st.st_mode));
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "dir/", AT_FDCWD, "file", RENAME_EXCHANGE), -ENOTDIR);
	KEXPECT_EQ(ksys_renameat2(AT_FDCWD, "file/", AT_FDCWD, "dir", RENAME_EXCHANGE), 0);
	/* back to: /dir a directory, /file a file. Plain rename: a slash on
	 * either name needs a directory source. */
	KEXPECT_EQ(ksys_rename("file", "x/"), -ENOTDIR);
	KEXPECT_EQ(ksys_rename("file/", "x"), -ENOTDIR);
	KEXPECT_EQ(ksys_stat("/x", &st), -ENOENT);
	KEXPECT_EQ(ksys_rename("dir", "x/"), 0);
	KEXPECT_EQ(ksys_rmdir("/x"), 0);
	KEXPECT_EQ(ksys_unlink("/file"), 0);
	vfs_env_end(t, &env);
}

KTEST(vfs_namei, open_creat_dangling_symlink)
{
	struct vfs_env env;
	struct stat st;
	long fd;

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/sub", 0755), 0);
	KEXPECT_EQ(ksys_symlink("target", "/dl"), 0);
	fd = ksys_open("/dl", O_CREAT | O_WRONLY, 0644);
	KEXPECT(fd >= 0);	/* creates what the link names */
	if (fd >= 0)
		ksys_close(fd);
	KEXPECT_EQ(ksys_stat("/target", &st), 0);
	KEXPECT(S_ISREG(st.st_mode));
	/* relative to the link's directory; absolute from the root */
	KEXPECT_EQ(ksys_symlink("rel", "/sub/l1"), 0);
	KEXPECT_EQ(ksys_symlink("/abs", "/sub/l2"), 0);
	KEXPECT_EQ(ksys_symlink("l1", "/sub/l3"), 0);	/* a chain */
	fd = ksys_open("/sub/l3", O_CREAT | O_RDWR, 0644);
	KEXPECT(fd >= 0);
	if (fd >= 0)
		ksys_close(fd);
	KEXPECT_EQ(ksys_stat("/sub/rel", &st), 0);
	fd = ksys_open("sub/l2", O_CREAT | O_RDWR, 0644);
	KEXPECT(fd >= 0);
	if (fd >= 0)
		ksys_close(fd);
	KEXPECT_EQ(ksys_stat("/abs", &st), 0);
	/* O_EXCL never follows: EEXIST; O_NOFOLLOW: ELOOP; nothing made */
	KEXPECT_EQ(ksys_symlink("t2", "/dl2"), 0);
	KEXPECT_EQ(ksys_open("/dl2", O_CREAT | O_EXCL | O_WRONLY, 0644), -EEXIST);
	KEXPECT_EQ(ksys_open("/dl2", O_CREAT | O_NOFOLLOW | O_WRONLY, 0644), -ELOOP);
	KEXPECT_EQ(ksys_stat("/t2", &st), -ENOENT);
	/* a loop */
	KEXPECT_EQ(ksys_symlink("loop", "/loop"), 0);
	KEXPECT_EQ(ksys_open("/loop", O_CREAT | O_WRONLY, 0644), -ELOOP);
	for (const char *const *n = (const char *const[]){ "/dl", "/target", "/sub/l1", "/sub/l2",
				"/sub/l3", "/sub/rel", "/abs", "/dl2", "/loop", NULL }; *n; n++)
		KEXPECT_EQ(ksys_unlink(*n), 0);
	KEXPECT_EQ(ksys_rmdir("/sub"), 0);
	vfs_env_end(t, &env);
}

KTEST(vfs_namei, open_creat_directory)
{
	struct vfs_env env;

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/d", 0755), 0);
	KEXPECT_EQ(ksys_open("/d", O_RDONLY | O_CREAT, 0644), -EISDIR);
	KEXPECT_EQ(ksys_open("/d", O_RDWR | O_CREAT, 0644), -EISDIR);
	KEXPECT_EQ(ksys_open("/d/", O_RDONLY | O_CREAT, 0644), -EISDIR);
	KEXPECT_EQ(ksys_rmdir("/d"), 0);
	vfs_env_end(t, &env);
}

#define CREAT_RACE_ITER 200
static atomic_t creat_stop, creat_done;

/* unlink and re-create /f as fast as we can */
static int unlink_racer_fn(void *arg)
{
	(void)arg;
	while (!atomic_read(&creat_stop)) {
		long fd;

		ksys_unlink("/f");
		fd = ksys_open("/f", O_CREAT | O_WRONLY, 0644);
		if (fd >= 0)
			ksys_close(fd);
		schedule();
	}
	atomic_set(&creat_done, 1);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

/* O_CREAT without O_EXCL never fails because the name came and went meanwhile */
KTEST(vfs_namei, open_creat_races_unlink)
{
	struct task_struct *k;
	struct vfs_env env;
	int bad = 0;
	long last = 0;

	if (!vfs_env_begin(t, &env))
		return;
	atomic_set(&creat_stop, 0);
	atomic_set(&creat_done, 0);
	k = kthread_run(unlink_racer_fn, NULL, "creatrace");
	if (!KEXPECT(!IS_ERR(k))) {
		vfs_env_end(t, &env);
		return;
	}
	for (int i = 0; i < CREAT_RACE_ITER; i++) {
		long fd = ksys_open("/f", O_CREAT | O_RDWR, 0644);

		if (fd < 0) {
			bad++;
			last = fd;
		} else {
			ksys_close(fd);
		}
		if (i % 16 == 0)
			schedule();
	}
	atomic_set(&creat_stop, 1);
	for (int ms = 0; ms < 60000 && !atomic_read(&creat_done); ms += 10)
		msleep(10);
	if (!KEXPECT(atomic_read(&creat_done)))
		return;	/* a hang: leave it */
	kthread_stop(k);
	if (bad)
		ktest_fail(t, __FILE__, __LINE__, "%d opens failed, last %ld", bad, last);
	ksys_unlink("/f");
	vfs_env_end(t, &env);
}
