/*
 * vfs_stress.*: concurrency tests of the VFS (meant for -smp 4): tasks
 * create, rename and unlink in shared directories while others look
 * names up and read the directories; cross-directory renames run in
 * opposite directions. Each must finish (a deadlock fails the bounded
 * wait), leave no lock report (the validator stays on) and leave a
 * consistent tree with the counts back at their start.
 */
#include <kestrel/kthread.h>
#include <kestrel/lockdep.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/timer.h>
#include "vfs_testfs.h"

#define STRESS_ITER 12	/* TCG on a busy host: -smp 4 contention is slow */
#define STRESS_TIMEOUT_MS 60000

struct worker {
	struct task_struct *task;
	int id;
	int errors;		/* unexpected results */
	long last_err;
	atomic_t *done;
};

static void note(struct worker *w, long ret, long ok1, long ok2)
{
	if (ret != ok1 && ret != ok2) {
		w->errors++;
		w->last_err = ret;
	}
}

static void finish(struct worker *w)
{
	atomic_inc(w->done);
	while (!kthread_should_stop())
		msleep(1);
}

/* create, stat, rename (same and other directory), unlink: all names our own */
static int churn_fn(void *arg)
{
	struct worker *w = arg;
	struct stat st;
	char a[32], b[32], c[32];

	for (int i = 0; i < STRESS_ITER; i++) {
		long fd;

		snprintf(a, sizeof(a), "/s/w%d_%d", w->id, i % 5);
		snprintf(b, sizeof(b), "/s/r%d_%d", w->id, i % 5);
		snprintf(c, sizeof(c), "/s/sub/m%d_%d", w->id, i % 5);
		fd = ksys_open(a, O_CREAT | O_EXCL | O_RDWR, 0644);
		note(w, fd >= 0 ? 0 : fd, 0, 0);
		if (fd >= 0) {
			note(w, ksys_write(fd, "x", 1), 1, 1);
			ksys_close(fd);
		}
		note(w, ksys_stat(a, &st), 0, 0);
		note(w, ksys_rename(a, b), 0, 0);
		note(w, ksys_stat(a, &st), -ENOENT, -ENOENT);
		note(w, ksys_rename(b, c), 0, 0);
		note(w, ksys_mkdir(a, 0755), 0, 0);
		note(w, ksys_rmdir(a), 0, 0);
		note(w, ksys_unlink(c), 0, 0);
		/* a name all workers fight over: any of these outcomes is right */
		fd = ksys_open("/s/shared", O_CREAT | O_RDWR, 0644);
		if (fd >= 0)
			ksys_close(fd);
		note(w, ksys_rename("/s/shared", "/s/sub/shared"), 0, -ENOENT);
		note(w, ksys_unlink("/s/sub/shared"), 0, -ENOENT);
	}
	finish(w);
	return 0;
}

/* lookups and readdir of the same directories meanwhile */
static int lookup_fn(void *arg)
{
	struct worker *w = arg;
	char *buf = kmalloc(1024, GFP_KERNEL);
	struct stat st;
	char n[32];

	for (int i = 0; i < STRESS_ITER * 2 && buf; i++) {
		long fd;

		snprintf(n, sizeof(n), "/s/r%d_%d", i % 4, i % 5);
		note(w, ksys_stat(n, &st), 0, -ENOENT);
		snprintf(n, sizeof(n), "/s/sub/m%d_%d/..", i % 4, i % 5);
		note(w, ksys_stat(n, &st), -ENOTDIR, -ENOENT);
		note(w, ksys_stat("/s/sub/../sub/.", &st), 0, 0);
		fd = ksys_open("/s", O_RDONLY | O_DIRECTORY, 0);
		note(w, fd >= 0 ? 0 : fd, 0, 0);
		if (fd >= 0) {
			while (ksys_getdents64(fd, (struct linux_dirent64 *)buf, 1024) > 0)
				;
			ksys_close(fd);
		}
	}
	kfree(buf);
	finish(w);
	return 0;
}

static bool run_workers(struct ktest_ctx *t, struct worker *w, int n, int (**fns)(void *))
{
	atomic_t done = ATOMIC_INIT(0);
	bool ok = true;
	int waited = 0;

	for (int i = 0; i < n; i++) {
		w[i].id = i;
		w[i].errors = 0;
		w[i].done = &done;
		w[i].task = kthread_run(fns[i], &w[i], "vfsstress/%d", i);
		if (IS_ERR(w[i].task)) {
			KEXPECT(!"kthread_run");
			w[i].task = NULL;
			atomic_inc(&done);
		}
	}
	while (atomic_read(&done) < n && waited < STRESS_TIMEOUT_MS) {
		msleep(10);
		waited += 10;
	}
	ok &= KEXPECT_EQ(atomic_read(&done), n);	/* else: a deadlock */
	if (!ok)
		return false;	/* leave them: stopping a deadlocked thread would hang us too */
	for (int i = 0; i < n; i++) {
		if (w[i].task)
			kthread_stop(w[i].task);
		if (w[i].errors)
			ktest_fail(t, __FILE__, __LINE__, "worker %d: %d unexpected results, last %ld",
				   i, w[i].errors, w[i].last_err);
		ok &= !w[i].errors;
	}
	return ok;
}

static int count_names(const char *path)
{
	char *buf = kmalloc(1024, GFP_KERNEL);
	long fd = ksys_open(path, O_RDONLY | O_DIRECTORY, 0), got;
	int n = 0;

	while (buf && fd >= 0 && (got = ksys_getdents64(fd, (struct linux_dirent64 *)buf, 1024)) > 0)
		for (long off = 0; off < got; off += ((struct linux_dirent64 *)(buf + off))->d_reclen)
			n++;
	if (fd >= 0)
		ksys_close(fd);
	kfree(buf);
	return n - 2;	/* without . and .. */
}

KTEST(vfs_stress, parallel_create_unlink_rename_lookup)
{
	struct vfs_env env;
	struct worker w[6];
	int (*fns[6])(void *) = { churn_fn, churn_fn, churn_fn, churn_fn, lookup_fn, lookup_fn };

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/s", 0755), 0);
	KEXPECT_EQ(ksys_mkdir("/s/sub", 0755), 0);
	if (run_workers(t, w, 6, fns)) {
		KEXPECT(debug_locks);	/* no lock report switched the validator off */
		ksys_unlink("/s/shared");
		KEXPECT_EQ(count_names("/s"), 1);	/* only "sub" */
		KEXPECT_EQ(count_names("/s/sub"), 0);
		KEXPECT_EQ(ksys_rmdir("/s/sub"), 0);
		KEXPECT_EQ(ksys_rmdir("/s"), 0);
	}
	vfs_env_end(t, &env);
}

/* /a/fN <-> /b/fN and /a/dN <-> /b/dN, each worker in its own direction */
static int cross_fn(void *arg)
{
	struct worker *w = arg;
	const char *from = (w->id & 1) ? "/b" : "/a", *to = (w->id & 1) ? "/a" : "/b";
	char f1[32], f2[32], d1[32], d2[32];

	snprintf(f1, sizeof(f1), "%s/f%d", from, w->id);
	snprintf(f2, sizeof(f2), "%s/f%d", to, w->id);
	snprintf(d1, sizeof(d1), "%s/d%d", from, w->id);
	snprintf(d2, sizeof(d2), "%s/d%d", to, w->id);
	for (int i = 0; i < STRESS_ITER; i++) {
		note(w, ksys_rename(f1, f2), 0, 0);
		note(w, ksys_rename(d1, d2), 0, 0);
		note(w, ksys_rename(f2, f1), 0, 0);
		note(w, ksys_rename(d2, d1), 0, 0);
		/* a subdirectory of the other side moves under ours and back */
		note(w, ksys_renameat2(AT_FDCWD, d1, AT_FDCWD, d2, RENAME_NOREPLACE), 0, 0);
		note(w, ksys_renameat2(AT_FDCWD, d2, AT_FDCWD, d1, 0), 0, 0);
	}
	finish(w);
	return 0;
}

KTEST(vfs_stress, cross_rename_opposite_directions)
{
	struct vfs_env env;
	struct worker w[4];
	int (*fns[4])(void *) = { cross_fn, cross_fn, cross_fn, cross_fn };
	struct stat st;
	char n[32];

	if (!vfs_env_begin(t, &env))
		return;
	KEXPECT_EQ(ksys_mkdir("/a", 0755), 0);
	KEXPECT_EQ(ksys_mkdir("/b", 0755), 0);
	for (int i = 0; i < 4; i++) {
		const char *home = (i & 1) ? "/b" : "/a";

		snprintf(n, sizeof(n), "%s/f%d", home, i);
		KEXPECT_EQ(testfs_write_file(n, "f", 1), 1);
		snprintf(n, sizeof(n), "%s/d%d", home, i);
		KEXPECT_EQ(ksys_mkdir(n, 0755), 0);
	}
	if (run_workers(t, w, 4, fns)) {
		KEXPECT(debug_locks);
		/* each side holds its own two workers' file and directory again */
		KEXPECT_EQ(count_names("/a"), 4);
		KEXPECT_EQ(count_names("/b"), 4);
		KEXPECT_EQ(ksys_stat("/a", &st), 0);
		KEXPECT_EQ(st.st_nlink, 4);	/* ".", the entry in /, two subdirectories */
		KEXPECT_EQ(ksys_stat("/b", &st), 0);
		KEXPECT_EQ(st.st_nlink, 4);
		for (int i = 0; i < 4; i++) {
			snprintf(n, sizeof(n), "%s/d%d/..", (i & 1) ? "/b" : "/a", i);
			KEXPECT_EQ(ksys_stat(n, &st), 0);
		}
	}
	vfs_env_end(t, &env);
}
