/*
 * flock.*: file locks (fs/locks.c).
 *
 * The tests run on bare inodes and open files made here (no file system
 * needed): lt_close() does what the last fput of a file does
 * (locks_remove_file), lt_close_fd() what closing one descriptor does
 * for a POSIX owner (locks_remove_posix). POSIX owners are explicit
 * pointers, so two threads can act as two processes. Locks are checked
 * the way a program would, through F_GETLK probes by a third owner, and
 * through /proc/locks. Every test ends with no struct file_lock left
 * (locks_nr_allocated) and no lock-validator report (debug_locks still on).
 *
 * The flock.syscalls_* tests go through the system calls (ksys_*) on
 * vfstestfs (tests/kernel/vfs_testfs.h) instead: the close and last-fput
 * hooks, fcntl's lock and lease commands, the lease break in open;
 * vfs_env_end checks that no dentry, inode, file or descriptor leaked.
 */
#include <kestrel/completion.h>
#include <kestrel/filelock.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/might_sleep.h>
#include <kestrel/sched_signal.h>
#include <kestrel/seq_file.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/timer.h>

#include "vfs_testfs.h"

#define WAIT_SECONDS 20		/* only a hang comes near it */

static struct inode *lt_inode(void)
{
	struct inode *inode = kzalloc(sizeof(*inode), GFP_KERNEL);

	if (inode) {
		inode->i_mode = S_IFREG | 0644;
		inode->i_ino = 1234;
		spin_lock_init(&inode->i_lock);
	}
	return inode;
}

static void lt_inode_free(struct inode *inode)
{
	locks_free_lock_context(inode);
	kfree(inode);
}

static struct file *lt_open(struct inode *inode, fmode_t mode)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (f) {
		f->f_inode = inode;
		f->f_mode = mode;
		atomic_long_set(&f->f_count, 1);
		if (mode & FMODE_WRITE)
			atomic_inc(&inode->i_writecount);
	}
	return f;
}

/* The last fput of f. */
static void lt_close(struct file *f)
{
	locks_remove_file(f);
	if (f->f_mode & FMODE_WRITE)
		atomic_dec(&f->f_inode->i_writecount);
	kfree(f);
}

/* Owner closes one descriptor of f (filp_close). */
static void lt_close_fd(struct file *f, fl_owner_t owner)
{
	locks_remove_posix(f, owner);
}

/* fcntl(F_SETLK / F_SETLKW) as owner. */
static int lt_posix(struct file *f, fl_owner_t owner, int type, loff_t start, loff_t len,
		    bool wait, const struct file_lock_operations *ops)
{
	struct flock l = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	struct file_lock fl;
	int error;

	locks_init_lock(&fl);
	error = flock_to_posix_lock(f, &fl, &l);
	if (error)
		return error;
	fl.c.flc_owner = owner;
	fl.fl_ops = ops;
	if (wait)
		fl.c.flc_flags |= FL_SLEEP;
	error = locks_lock_file_wait(f, &fl);
	locks_release_private(&fl);
	return error;
}

/* fcntl(F_GETLK) as owner: the conflicting lock in *l (l_type F_UNLCK: none). */
static int lt_probe(struct file *f, fl_owner_t owner, int type, loff_t start, loff_t len,
		    struct flock *l)
{
	struct file_lock fl;
	int error;

	*l = (struct flock){ .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	locks_init_lock(&fl);
	error = flock_to_posix_lock(f, &fl, l);
	if (error)
		return error;
	fl.c.flc_owner = owner;
	error = vfs_test_lock(f, &fl);
	if (!error)
		posix_lock_to_flock(l, &fl);
	return error;
}

static char lt_buf[4096];

static const char *lt_proc_locks(void)
{
	locks_proc_show(lt_buf, sizeof(lt_buf));
	return lt_buf;
}

static int lt_count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Poll /proc/locks until it shows a blocked request (" ->" line). */
static bool lt_wait_blocked(void)
{
	for (int i = 0; i < WAIT_SECONDS * 100; i++) {
		if (strstr(lt_proc_locks(), "->"))
			return true;
		msleep(10);
	}
	return false;
}

/* Distinct POSIX owners ("processes"). */
static int owner_a, owner_b, owner_probe;
#define A ((fl_owner_t)&owner_a)
#define B ((fl_owner_t)&owner_b)
#define P ((fl_owner_t)&owner_probe)

/* ============================== flock(2) ============================== */

KTEST(flock, shared_shared_compatible_exclusive_conflicts)
{
	long before = locks_nr_allocated();
	struct inode *inode = lt_inode();
	struct file *f1 = lt_open(inode, FMODE_READ), *f2 = lt_open(inode, FMODE_READ);

	KEXPECT_EQ(file_flock(f1, LOCK_SH), 0);
	KEXPECT_EQ(file_flock(f2, LOCK_SH | LOCK_NB), 0);
	/* Converting f2 to exclusive conflicts with f1's shared lock. */
	KEXPECT_EQ(file_flock(f2, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
	KEXPECT_EQ(file_flock(f1, LOCK_UN), 0);
	KEXPECT_EQ(file_flock(f2, LOCK_EX | LOCK_NB), 0);
	KEXPECT_EQ(file_flock(f1, LOCK_SH | LOCK_NB), -EAGAIN);
	KEXPECT_EQ(file_flock(f1, LOCK_EX | LOCK_NB), -EAGAIN);
	KEXPECT(strstr(lt_proc_locks(), "FLOCK  ADVISORY  WRITE ") != NULL);
	KEXPECT_EQ(file_flock(f1, 0), -EINVAL);
	lt_close(f1);
	lt_close(f2);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 0);
	lt_inode_free(inode);
	KEXPECT_EQ(locks_nr_allocated(), before);
	KEXPECT(debug_locks);
}

KTEST(flock, conversion)
{
	struct inode *inode = lt_inode();
	struct file *f1 = lt_open(inode, FMODE_READ), *f2 = lt_open(inode, FMODE_READ);

	KEXPECT_EQ(file_flock(f1, LOCK_SH), 0);
	KEXPECT_EQ(file_flock(f1, LOCK_SH), 0);		/* again: nothing changes */
	KEXPECT_EQ(file_flock(f1, LOCK_EX | LOCK_NB), 0);	/* upgrade, nobody else */
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 1);	/* one lock per open file */
	KEXPECT_EQ(file_flock(f2, LOCK_SH | LOCK_NB), -EAGAIN);
	KEXPECT_EQ(file_flock(f1, LOCK_SH), 0);		/* downgrade */
	KEXPECT_EQ(file_flock(f2, LOCK_SH | LOCK_NB), 0);
	/*
	 * Linux semantics: a conversion drops the old lock first, so a failed
	 * upgrade leaves f1 with no lock at all.
	 */
	KEXPECT_EQ(file_flock(f1, LOCK_EX | LOCK_NB), -EAGAIN);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 1);
	lt_close(f1);
	lt_close(f2);
	lt_inode_free(inode);
	KEXPECT(debug_locks);
}

KTEST(flock, released_on_last_close)
{
	long before = locks_nr_allocated();
	struct inode *inode = lt_inode();
	struct file *f1 = lt_open(inode, FMODE_WRITE), *f2 = lt_open(inode, FMODE_READ);

	KEXPECT_EQ(file_flock(f1, LOCK_EX), 0);
	KEXPECT_EQ(file_flock(f2, LOCK_SH | LOCK_NB), -EAGAIN);
	/* A dup'ed descriptor is the same open file: it already holds the lock. */
	KEXPECT_EQ(file_flock(f1, LOCK_EX | LOCK_NB), 0);
	lt_close(f1);
	KEXPECT_EQ(file_flock(f2, LOCK_EX | LOCK_NB), 0);
	lt_close(f2);
	lt_inode_free(inode);
	KEXPECT_EQ(locks_nr_allocated(), before);
}

struct lt_waiter {
	struct file *f;
	fl_owner_t owner;
	int type;
	loff_t start, len;
	int result;
	struct completion done;
};

static int lt_flock_waiter(void *data)
{
	struct lt_waiter *w = data;

	w->result = file_flock(w->f, LOCK_EX);
	complete(&w->done);
	return 0;
}

KTEST(flock, blocking_exclusive_woken_by_unlock)
{
	static struct lt_waiter w;
	struct inode *inode = lt_inode();
	struct file *f1 = lt_open(inode, FMODE_READ), *f2 = lt_open(inode, FMODE_READ);
	struct task_struct *k;

	KASSERT_EQ(file_flock(f1, LOCK_SH), 0);
	w = (struct lt_waiter){ .f = f2, .result = 1 };
	init_completion(&w.done);
	k = kthread_run(lt_flock_waiter, &w, "flockwait");
	KASSERT(!IS_ERR(k));
	KEXPECT(lt_wait_blocked());
	KEXPECT(strstr(lt_buf, "1: FLOCK  ADVISORY  READ ") != NULL);
	KEXPECT(strstr(lt_buf, "1: -> FLOCK  ADVISORY  WRITE ") != NULL);
	KEXPECT(!completion_done(&w.done));
	KEXPECT_EQ(READ_ONCE(k->state), TASK_INTERRUPTIBLE);	/* not a hung task */
	KEXPECT_EQ(file_flock(f1, LOCK_UN), 0);
	KASSERT(wait_for_completion_timeout(&w.done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
	KEXPECT_EQ(w.result, 0);
	KEXPECT_EQ(file_flock(f1, LOCK_SH | LOCK_NB), -EAGAIN);	/* f2 holds it now */
	lt_close(f1);
	lt_close(f2);
	lt_inode_free(inode);
	KEXPECT(debug_locks);
}

/* ============================== POSIX locks ============================== */

KTEST(flock, posix_split_merge_and_ranges)
{
	long before = locks_nr_allocated();
	struct inode *inode = lt_inode();
	struct file *f = lt_open(inode, FMODE_READ | FMODE_WRITE);
	struct flock l;

	KASSERT_EQ(lt_posix(f, A, F_WRLCK, 0, 100, false, NULL), 0);	/* [0,99] */
	/* Unlock in the middle: the lock splits in two. */
	KEXPECT_EQ(lt_posix(f, A, F_UNLCK, 40, 20, false, NULL), 0);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 2);
	KEXPECT_EQ(lt_probe(f, P, F_RDLCK, 0, 1, &l), 0);
	KEXPECT_EQ(l.l_type, F_WRLCK);
	KEXPECT_EQ(l.l_start, 0);
	KEXPECT_EQ(l.l_len, 40);
	KEXPECT_EQ(lt_probe(f, P, F_WRLCK, 40, 20, &l), 0);
	KEXPECT_EQ(l.l_type, F_UNLCK);
	KEXPECT_EQ(lt_probe(f, P, F_WRLCK, 50, 0, &l), 0);	/* to EOF: meets the right piece */
	KEXPECT_EQ(l.l_type, F_WRLCK);
	KEXPECT_EQ(l.l_start, 60);
	KEXPECT_EQ(l.l_len, 40);
	/* The owner's own locks never conflict with its probe. */
	KEXPECT_EQ(lt_probe(f, A, F_WRLCK, 0, 0, &l), 0);
	KEXPECT_EQ(l.l_type, F_UNLCK);

	/* Filling the hole merges the three into one. */
	KEXPECT_EQ(lt_posix(f, A, F_WRLCK, 40, 20, false, NULL), 0);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 1);
	KEXPECT_EQ(lt_probe(f, P, F_RDLCK, 99, 1, &l), 0);
	KEXPECT_EQ(l.l_start, 0);
	KEXPECT_EQ(l.l_len, 100);
	/* Adjacent (touching) same-type locks merge too. */
	KEXPECT_EQ(lt_posix(f, A, F_WRLCK, 100, 10, false, NULL), 0);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 1);
	KEXPECT_EQ(lt_probe(f, P, F_RDLCK, 0, 1, &l), 0);
	KEXPECT_EQ(l.l_len, 110);

	/* A type change over part of the range: write / read / write. */
	KEXPECT_EQ(lt_posix(f, A, F_RDLCK, 20, 10, false, NULL), 0);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 3);
	KEXPECT_EQ(lt_probe(f, P, F_RDLCK, 20, 10, &l), 0);	/* readers share */
	KEXPECT_EQ(l.l_type, F_UNLCK);
	KEXPECT_EQ(lt_probe(f, P, F_WRLCK, 25, 1, &l), 0);
	KEXPECT_EQ(l.l_type, F_RDLCK);
	KEXPECT_EQ(l.l_start, 20);
	KEXPECT_EQ(l.l_len, 10);
	KEXPECT_EQ(lt_probe(f, P, F_WRLCK, 30, 1, &l), 0);
	KEXPECT_EQ(l.l_type, F_WRLCK);
	KEXPECT_EQ(l.l_start, 30);
	KEXPECT_EQ(l.l_len, 80);
	/* Another owner's conflicting request fails at once without FL_SLEEP. */
	KEXPECT_EQ(lt_posix(f, B, F_RDLCK, 0, 1, false, NULL), -EAGAIN);
	KEXPECT_EQ(lt_posix(f, B, F_RDLCK, 22, 2, false, NULL), 0);

	/* Unlock everything of A; B's read lock stays. */
	KEXPECT_EQ(lt_posix(f, A, F_UNLCK, 0, 0, false, NULL), 0);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 1);
	KEXPECT(strstr(lt_buf, "1: POSIX  ADVISORY  READ  ") != NULL);
	KEXPECT(strstr(lt_buf, " 00:00:1234 22 23\n") != NULL);

	/* Negative length: the bytes before l_start; length 0: to EOF. */
	KEXPECT_EQ(lt_posix(f, A, F_WRLCK, 100, -10, false, NULL), 0);
	KEXPECT_EQ(lt_probe(f, P, F_WRLCK, 0, 0, &l), 0);
	KEXPECT_EQ(l.l_start, 22);	/* B's read lock is the first in the way */
	KEXPECT_EQ(lt_probe(f, P, F_WRLCK, 95, 1, &l), 0);
	KEXPECT_EQ(l.l_start, 90);
	KEXPECT_EQ(l.l_len, 10);
	KEXPECT_EQ(lt_posix(f, A, F_WRLCK, 1000, 0, false, NULL), 0);
	KEXPECT_EQ(lt_probe(f, P, F_RDLCK, 1 << 30, 1, &l), 0);
	KEXPECT_EQ(l.l_start, 1000);
	KEXPECT_EQ(l.l_len, 0);
	KEXPECT(strstr(lt_proc_locks(), " 1000 EOF\n") != NULL);
	{
		/* The seq_file form (procfs) gives the same text. */
		static char seqbuf[4096];
		struct seq_file m = { .buf = seqbuf, .size = sizeof(seqbuf) };
		char expect[96];

		KEXPECT_EQ(locks_seq_show(&m, NULL), 0);
		KASSERT(m.count < m.size);
		seqbuf[m.count] = '\0';
		KEXPECT_STREQ(seqbuf, lt_proc_locks());
		KEXPECT_EQ(lt_count_lines(seqbuf), 3);
		snprintf(expect, sizeof(expect), "3: POSIX  ADVISORY  WRITE %d 00:00:1234 1000 EOF\n",
			 current->pid);
		KEXPECT(strstr(seqbuf, expect) != NULL);
	}
	/* Bad ranges. */
	KEXPECT_EQ(lt_posix(f, A, F_WRLCK, 5, -10, false, NULL), -EINVAL);
	KEXPECT_EQ(lt_posix(f, A, F_WRLCK, -1, 1, false, NULL), -EINVAL);
	KEXPECT_EQ(lt_posix(f, A, F_WRLCK, OFFSET_MAX, 2, false, NULL), -EOVERFLOW);

	lt_close_fd(f, A);
	lt_close_fd(f, B);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 0);
	lt_close(f);
	lt_inode_free(inode);
	KEXPECT_EQ(locks_nr_allocated(), before);
	KEXPECT(debug_locks);
}

KTEST(flock, posix_released_when_owner_closes_any_fd)
{
	struct inode *inode = lt_inode();
	struct file *f1 = lt_open(inode, FMODE_READ | FMODE_WRITE);
	struct file *f2 = lt_open(inode, FMODE_READ);
	struct flock l;

	KASSERT_EQ(lt_posix(f1, A, F_WRLCK, 0, 10, false, NULL), 0);
	KASSERT_EQ(lt_posix(f1, B, F_WRLCK, 10, 10, false, NULL), 0);
	/* A closes another descriptor of the same file: A's locks go (POSIX), B's stay. */
	lt_close_fd(f2, A);
	KEXPECT_EQ(lt_probe(f1, P, F_WRLCK, 0, 10, &l), 0);
	KEXPECT_EQ(l.l_type, F_UNLCK);
	KEXPECT_EQ(lt_probe(f1, P, F_WRLCK, 0, 0, &l), 0);
	KEXPECT_EQ(l.l_type, F_WRLCK);
	KEXPECT_EQ(l.l_start, 10);
	lt_close_fd(f1, B);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 0);
	lt_close(f1);
	lt_close(f2);
	lt_inode_free(inode);
}

static int lt_posix_waiter(void *data)
{
	struct lt_waiter *w = data;

	w->result = lt_posix(w->f, w->owner, w->type, w->start, w->len, true, NULL);
	complete(&w->done);
	return 0;
}

KTEST(flock, posix_blocking_and_edeadlk)
{
	static struct lt_waiter w;
	long before = locks_nr_allocated();
	struct inode *inode = lt_inode();
	struct file *f = lt_open(inode, FMODE_READ | FMODE_WRITE);
	struct task_struct *k;

	/* A holds [0,9], B holds [10,19]; B (a thread) waits for A's range. */
	KASSERT_EQ(lt_posix(f, A, F_WRLCK, 0, 10, false, NULL), 0);
	KASSERT_EQ(lt_posix(f, B, F_WRLCK, 10, 10, false, NULL), 0);
	w = (struct lt_waiter){ .f = f, .owner = B, .type = F_WRLCK, .start = 0, .len = 10,
				.result = 1 };
	init_completion(&w.done);
	k = kthread_run(lt_posix_waiter, &w, "posixwait");
	KASSERT(!IS_ERR(k));
	KEXPECT(lt_wait_blocked());
	KEXPECT(strstr(lt_buf, "1: -> POSIX  ADVISORY  WRITE ") != NULL);

	/* A now asking for B's range would close the cycle A -> B -> A. */
	KEXPECT_EQ(lt_posix(f, A, F_WRLCK, 10, 10, true, NULL), -EDEADLK);
	KEXPECT_EQ(lt_posix(f, A, F_RDLCK, 15, 1, true, NULL), -EDEADLK);
	KEXPECT(!completion_done(&w.done));

	/* A gives up part of its range: B is woken, tries again, sleeps again. */
	KEXPECT_EQ(lt_posix(f, A, F_UNLCK, 0, 5, false, NULL), 0);
	msleep(50);
	KEXPECT(!completion_done(&w.done));
	KEXPECT(lt_wait_blocked());
	/* A closes: B gets [0,9] (merged with its own [10,19]). */
	lt_close_fd(f, A);
	KASSERT(wait_for_completion_timeout(&w.done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
	KEXPECT_EQ(w.result, 0);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 1);
	KEXPECT(strstr(lt_buf, " 0 19\n") != NULL);
	lt_close_fd(f, B);
	lt_close(f);
	lt_inode_free(inode);
	KEXPECT_EQ(locks_nr_allocated(), before);
	KEXPECT(debug_locks);
}

/* ---- ->fl_copy_lock / ->fl_release_private: called with the spec's locks ---- */

static atomic_t lt_copies, lt_releases, lt_bad_context;
static struct inode *lt_ops_inode;

static void lt_fl_copy_lock(struct file_lock *new, struct file_lock *fl)
{
	atomic_inc(&lt_copies);
	/* flc_lock held, must not block (the wrapper asserts both; we look too). */
	if (!spin_is_locked(&lt_ops_inode->i_flctx->flc_lock) || !in_nosleep_section())
		atomic_inc(&lt_bad_context);
}

static void lt_fl_release_private(struct file_lock *fl)
{
	atomic_inc(&lt_releases);
	/* POSIX: may block, so it runs outside flc_lock. */
	if (lt_ops_inode->i_flctx && spin_is_locked(&lt_ops_inode->i_flctx->flc_lock))
		atomic_inc(&lt_bad_context);
	might_sleep();
}

static const struct file_lock_operations lt_fl_ops = {
	.fl_copy_lock = lt_fl_copy_lock,
	.fl_release_private = lt_fl_release_private,
};

KTEST(flock, fl_copy_lock_and_release_private_contract)
{
	struct inode *inode = lt_inode();
	struct file *f = lt_open(inode, FMODE_READ | FMODE_WRITE);

	lt_ops_inode = inode;
	atomic_set(&lt_copies, 0);
	atomic_set(&lt_releases, 0);
	atomic_set(&lt_bad_context, 0);
	KASSERT_EQ(lt_posix(f, A, F_WRLCK, 0, 100, false, &lt_fl_ops), 0);
	KEXPECT_EQ(atomic_read(&lt_copies), 1);		/* the applied copy */
	KEXPECT_EQ(atomic_read(&lt_releases), 1);	/* the request */
	/* A split copies the lock once more. */
	KEXPECT_EQ(lt_posix(f, A, F_UNLCK, 40, 20, false, NULL), 0);
	KEXPECT_EQ(atomic_read(&lt_copies), 2);
	lt_close_fd(f, A);
	/* Every copy is released once, and nothing else. */
	KEXPECT_EQ(atomic_read(&lt_releases), 3);
	KEXPECT_EQ(atomic_read(&lt_bad_context), 0);
	lt_close(f);
	lt_inode_free(inode);
	KEXPECT(debug_locks);
}

/* ---- ->lm_grant: a file system's ->lock defers, and grants later ---- */

static struct file_lock *lt_deferred;

static int lt_deferring_lock(struct file *filp, int cmd, struct file_lock *fl)
{
	if (cmd != F_SETLKW)
		return -EINVAL;
	WRITE_ONCE(lt_deferred, fl);
	return FILE_LOCK_DEFERRED;
}

static const struct file_operations lt_deferring_fops = {
	.lock = lt_deferring_lock,
};

KTEST(flock, lm_grant_wakes_deferred_request)
{
	static struct lt_waiter w;
	struct inode *inode = lt_inode();
	struct file *f = lt_open(inode, FMODE_READ | FMODE_WRITE);
	struct task_struct *k;
	int i;

	f->f_op = &lt_deferring_fops;
	for (int round = 0; round < 2; round++) {
		WRITE_ONCE(lt_deferred, NULL);
		w = (struct lt_waiter){ .f = f, .owner = A, .type = F_WRLCK, .len = 1,
					.result = 1 };
		init_completion(&w.done);
		k = kthread_run(lt_posix_waiter, &w, "deferred");
		KASSERT(!IS_ERR(k));
		for (i = 0; i < WAIT_SECONDS * 100 && !READ_ONCE(lt_deferred); i++)
			msleep(10);
		KASSERT(READ_ONCE(lt_deferred) != NULL);
		msleep(20);
		KEXPECT(!completion_done(&w.done));
		/* The verdict goes through ->lm_grant (no locks held, must not block). */
		KEXPECT_EQ(locks_grant_deferred(lt_deferred, NULL, round ? -EAGAIN : 0), 0);
		KASSERT(wait_for_completion_timeout(&w.done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
		KEXPECT_EQ(w.result, round ? -EAGAIN : 0);
	}
	f->f_op = NULL;
	lt_close(f);
	lt_inode_free(inode);
	KEXPECT(debug_locks);
}

/* ============================== leases ============================== */

struct lt_breaker {
	struct inode *inode;
	unsigned int mode;
	int result;
	struct completion done;
};

static int lt_break_thread(void *data)
{
	struct lt_breaker *b = data;

	b->result = break_lease(b->inode, b->mode);
	complete(&b->done);
	return 0;
}

KTEST(flock, lease_broken_by_conflicting_open)
{
	static struct lt_breaker b;
	long before = locks_nr_allocated();
	struct inode *inode = lt_inode();
	struct file *f = lt_open(inode, FMODE_READ), *w;
	struct task_struct *k;

	KASSERT_EQ(file_setlease(f, F_RDLCK), 0);
	KEXPECT_EQ(fcntl_getlease(f), F_RDLCK);
	KEXPECT(strstr(lt_proc_locks(), "1: LEASE  ACTIVE    READ ") != NULL);
	/* A read lease does not stop readers. */
	KEXPECT_EQ(break_lease(inode, O_RDONLY), 0);
	/* A writer that may not wait is refused, and the break has begun. */
	KEXPECT_EQ(break_lease(inode, O_WRONLY | O_NONBLOCK), -EWOULDBLOCK);
	KEXPECT_EQ(fcntl_getlease(f), F_UNLCK);		/* what the holder must go to */
	KEXPECT(strstr(lt_proc_locks(), "1: LEASE  BREAKING  UNLCK ") != NULL);

	/* A writer that waits is let in when the holder gives the lease up. */
	b = (struct lt_breaker){ .inode = inode, .mode = O_WRONLY, .result = 1 };
	init_completion(&b.done);
	k = kthread_run(lt_break_thread, &b, "leasebreak");
	KASSERT(!IS_ERR(k));
	KEXPECT(lt_wait_blocked());
	KEXPECT(!completion_done(&b.done));
	KEXPECT_EQ(file_setlease(f, F_UNLCK), 0);
	KASSERT(wait_for_completion_timeout(&b.done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
	KEXPECT_EQ(b.result, 0);
	KEXPECT_EQ(fcntl_getlease(f), F_UNLCK);

	/* A writer keeps read leases away; a write lease needs no other writer. */
	w = lt_open(inode, FMODE_WRITE);
	KEXPECT_EQ(file_setlease(f, F_RDLCK), -EAGAIN);
	KEXPECT_EQ(file_setlease(f, F_WRLCK), -EAGAIN);
	KEXPECT_EQ(file_setlease(w, F_WRLCK), 0);
	/* A write lease is broken by a reader too, down to a read lease. */
	KEXPECT_EQ(break_lease(inode, O_RDONLY | O_NONBLOCK), -EWOULDBLOCK);
	KEXPECT_EQ(fcntl_getlease(w), F_RDLCK);
	lt_close(w);					/* the last close drops the lease */
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 0);
	lt_close(f);
	lt_inode_free(inode);
	KEXPECT_EQ(locks_nr_allocated(), before);
	KEXPECT(debug_locks);
}

KTEST(flock, lease_break_times_out)
{
	int saved = lease_break_time;
	struct inode *inode = lt_inode();
	struct file *f = lt_open(inode, FMODE_READ);
	u64 start;

	lease_break_time = 1;
	KASSERT_EQ(file_setlease(f, F_RDLCK), 0);
	start = get_jiffies_64();
	/* The holder never answers: the opener gets in after lease_break_time. */
	KEXPECT_EQ(break_lease(inode, O_RDWR), 0);
	KEXPECT(get_jiffies_64() - start >= HZ / 2);
	KEXPECT_EQ(fcntl_getlease(f), F_UNLCK);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 0);
	lease_break_time = saved;
	lt_close(f);
	lt_inode_free(inode);
	KEXPECT(debug_locks);
}

/* ---- the contract wrappers catch a callback that blocks where it must not ---- */

#ifdef CONFIG_LOCKDEP
static void lt_sleepy_release(struct file_lock *fl)
{
	might_sleep();	/* stands for a mutex or an allocation that may wait */
}

static const struct file_lock_operations lt_sleepy_ops = {
	.fl_release_private = lt_sleepy_release,
};

static void lt_noop_break(struct file_lock *fl)
{
}

static const struct lock_manager_operations lt_lease_lmops = {
	.lm_break = lt_noop_break,
	.lm_change = lease_modify,
};

KTEST(flock, contract_blocking_lease_release_reported)
{
	struct inode *inode = lt_inode();
	struct file *f = lt_open(inode, FMODE_READ);
	struct file_lock *fl;
	void *priv = f;
	const char *r;

	/* flock and POSIX locks: ->fl_release_private may block; it runs outside flc_lock. */
	lockdep_expect_report();
	KEXPECT_EQ(lt_posix(f, A, F_RDLCK, 0, 10, false, &lt_sleepy_ops), 0);
	lt_close_fd(f, A);
	KEXPECT(lockdep_expect_end() == NULL);

	/* A lease is freed under flc_lock: a blocking ->fl_release_private is reported. */
	fl = locks_alloc_lock();
	KASSERT(fl != NULL);
	fl->c.flc_flags = FL_LEASE;
	fl->c.flc_type = F_RDLCK;
	fl->c.flc_file = f;
	fl->c.flc_owner = f;
	fl->fl_end = OFFSET_MAX;
	fl->fl_lmops = &lt_lease_lmops;
	fl->fl_ops = &lt_sleepy_ops;
	KASSERT_EQ(vfs_setlease(f, F_RDLCK, &fl, &priv), 0);
	KEXPECT(fl == NULL);	/* the lease list took it */
	lockdep_expect_report();
	KEXPECT_EQ(file_setlease(f, F_UNLCK), 0);
	r = lockdep_expect_end();
	KASSERT(r != NULL);
	KEXPECT(strstr(r, "BUG: sleeping function called from invalid context") != NULL);
	KEXPECT_EQ(fcntl_getlease(f), F_UNLCK);
	lt_close(f);
	lt_inode_free(inode);
	KEXPECT(debug_locks);
}
#endif

/* ---- several owners on several CPUs: exclusion holds, nobody is left asleep ---- */

#define LT_THREADS 4
#define LT_ROUNDS 150
#define LT_BYTES 64

struct lt_stress {
	struct file *f;			/* POSIX: one shared open file */
	struct file *files[LT_THREADS];	/* flock: one open file per thread */
	atomic_t writer_at[LT_BYTES];	/* who write-locked each byte (0: nobody) */
	atomic_t readers_at[LT_BYTES];
	atomic_t violations;
	atomic_t next_id;
	struct completion done;
};

static int lt_posix_stress_thread(void *data)
{
	struct lt_stress *s = data;
	int id = atomic_fetch_add(1, &s->next_id) + 1;
	u32 seed = 2654435761u * id;

	for (int i = 0; i < LT_ROUNDS; i++) {
		loff_t start, len;
		bool write;

		seed = seed * 1103515245 + 12345;
		start = (seed >> 8) % LT_BYTES;
		len = 1 + (seed >> 20) % (LT_BYTES - start);
		write = (seed >> 16) & 1;
		if (lt_posix(s->f, (fl_owner_t)(long)id, write ? F_WRLCK : F_RDLCK, start, len,
			     true, NULL)) {
			atomic_inc(&s->violations);
			continue;
		}
		for (loff_t b = start; b < start + len; b++) {
			if (write) {
				if (atomic_xchg(&s->writer_at[b], id) || atomic_read(&s->readers_at[b]))
					atomic_inc(&s->violations);
			} else {
				atomic_inc(&s->readers_at[b]);
				if (atomic_read(&s->writer_at[b]))
					atomic_inc(&s->violations);
			}
		}
		if (i % 8 == 0)
			yield();
		for (loff_t b = start; b < start + len; b++) {
			if (write)
				atomic_set(&s->writer_at[b], 0);
			else
				atomic_dec(&s->readers_at[b]);
		}
		lt_posix(s->f, (fl_owner_t)(long)id, F_UNLCK, start, len, false, NULL);
	}
	complete(&s->done);
	return 0;
}

KTEST(flock, posix_stress_several_owners)
{
	static struct lt_stress s;
	long before = locks_nr_allocated();
	struct inode *inode = lt_inode();

	memset(&s, 0, sizeof(s));
	init_completion(&s.done);
	s.f = lt_open(inode, FMODE_READ | FMODE_WRITE);
	for (int i = 0; i < LT_THREADS; i++)
		KASSERT(!IS_ERR(kthread_run(lt_posix_stress_thread, &s, "posixstress/%d", i)));
	for (int i = 0; i < LT_THREADS; i++)
		KASSERT(wait_for_completion_timeout(&s.done, msecs_to_jiffies(60 * 1000)));
	KEXPECT_EQ(atomic_read(&s.violations), 0);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 0);	/* every lock undone */
	lt_close(s.f);
	lt_inode_free(inode);
	KEXPECT_EQ(locks_nr_allocated(), before);
	KEXPECT(debug_locks);
}

static int lt_flock_stress_thread(void *data)
{
	struct lt_stress *s = data;
	int id = atomic_fetch_add(1, &s->next_id);
	struct file *f = s->files[id];

	for (int i = 0; i < LT_ROUNDS; i++) {
		bool excl = (i + id) % 3 == 0;

		if (file_flock(f, excl ? LOCK_EX : LOCK_SH)) {
			atomic_inc(&s->violations);
			continue;
		}
		if (excl) {
			if (atomic_xchg(&s->writer_at[0], id + 1) || atomic_read(&s->readers_at[0]))
				atomic_inc(&s->violations);
		} else {
			atomic_inc(&s->readers_at[0]);
			if (atomic_read(&s->writer_at[0]))
				atomic_inc(&s->violations);
		}
		if (i % 4 == 0)
			yield();
		if (excl)
			atomic_set(&s->writer_at[0], 0);
		else
			atomic_dec(&s->readers_at[0]);
		file_flock(f, LOCK_UN);
	}
	complete(&s->done);
	return 0;
}

KTEST(flock, flock_stress_several_files)
{
	static struct lt_stress s;
	struct inode *inode = lt_inode();

	memset(&s, 0, sizeof(s));
	init_completion(&s.done);
	for (int i = 0; i < LT_THREADS; i++)
		s.files[i] = lt_open(inode, FMODE_READ);
	for (int i = 0; i < LT_THREADS; i++)
		KASSERT(!IS_ERR(kthread_run(lt_flock_stress_thread, &s, "flockstress/%d", i)));
	for (int i = 0; i < LT_THREADS; i++)
		KASSERT(wait_for_completion_timeout(&s.done, msecs_to_jiffies(60 * 1000)));
	KEXPECT_EQ(atomic_read(&s.violations), 0);
	KEXPECT_EQ(lt_count_lines(lt_proc_locks()), 0);
	for (int i = 0; i < LT_THREADS; i++)
		lt_close(s.files[i]);
	lt_inode_free(inode);
	KEXPECT(debug_locks);
}

KTEST(flock, posix_edeadlk_across_files)
{
	static struct lt_waiter w;
	struct inode *i1 = lt_inode(), *i2 = lt_inode();
	struct file *f1 = lt_open(i1, FMODE_READ | FMODE_WRITE);
	struct file *f2 = lt_open(i2, FMODE_READ | FMODE_WRITE);
	struct task_struct *k;

	/* A holds file 1, B holds file 2, B waits for file 1: A asking for file 2 closes the cycle. */
	KASSERT_EQ(lt_posix(f1, A, F_WRLCK, 0, 0, false, NULL), 0);
	KASSERT_EQ(lt_posix(f2, B, F_RDLCK, 0, 0, false, NULL), 0);
	w = (struct lt_waiter){ .f = f1, .owner = B, .type = F_RDLCK, .start = 100, .len = 1,
				.result = 1 };
	init_completion(&w.done);
	k = kthread_run(lt_posix_waiter, &w, "xfilewait");
	KASSERT(!IS_ERR(k));
	KEXPECT(lt_wait_blocked());
	KEXPECT_EQ(lt_posix(f2, A, F_WRLCK, 5, 1, true, NULL), -EDEADLK);
	/* Without the sleep flag it is a plain conflict. */
	KEXPECT_EQ(lt_posix(f2, A, F_WRLCK, 5, 1, false, NULL), -EAGAIN);
	/* A third owner (in no cycle) shares file 2 with B. */
	KEXPECT_EQ(lt_posix(f2, P, F_RDLCK, 5, 1, true, NULL), 0);
	lt_close_fd(f2, P);
	lt_close_fd(f1, A);
	KASSERT(wait_for_completion_timeout(&w.done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
	KEXPECT_EQ(w.result, 0);
	lt_close_fd(f1, B);
	lt_close_fd(f2, B);
	lt_close(f1);
	lt_close(f2);
	lt_inode_free(i1);
	lt_inode_free(i2);
	KEXPECT(debug_locks);
}

KTEST(flock, blocked_flock_interrupted_by_signal)
{
	static struct lt_waiter w;
	struct inode *inode = lt_inode();
	struct file *f1 = lt_open(inode, FMODE_READ), *f2 = lt_open(inode, FMODE_READ);
	struct task_struct *k;

	KASSERT_EQ(file_flock(f1, LOCK_EX), 0);
	w = (struct lt_waiter){ .f = f2, .result = 1 };
	init_completion(&w.done);
	k = kthread_create(lt_flock_waiter, &w, "flocksig");
	KASSERT(!IS_ERR(k));
	get_task_struct(k);
	wake_up_process(k);
	KEXPECT(lt_wait_blocked());
	/* A signal ends the wait: -ERESTARTSYS (EINTR or a restart), and the waiter is gone. */
	KEXPECT_EQ(send_sig(SIGUSR1, k, 1), 0);
	KASSERT(wait_for_completion_timeout(&w.done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
	KEXPECT_EQ(w.result, -ERESTARTSYS);
	KEXPECT(strstr(lt_proc_locks(), "->") == NULL);
	flush_signals(k);
	put_task_struct(k);
	lt_close(f1);
	lt_close(f2);
	lt_inode_free(inode);
	KEXPECT(debug_locks);
}

/* ---------------------------------------------------------------- through the system calls */

KTEST(flock, syscalls_flock_fcntl_and_close)
{
	struct vfs_env env;
	struct flock l;
	long fd1, fd2, fd3, fd4;
	int saved;

	KASSERT(vfs_env_begin(t, &env));
	KASSERT_EQ(testfs_write_file("/f", "0123456789", 10), 10);
	fd1 = ksys_open("/f", O_RDWR, 0);
	fd2 = ksys_open("/f", O_RDWR, 0);
	KASSERT(fd1 >= 0 && fd2 >= 0);
	fd3 = ksys_dup(fd1);
	KASSERT(fd3 >= 0);

	/* flock: per open file; a dup shares it; only the last close drops it. */
	KEXPECT_EQ(ksys_flock(fd1, LOCK_EX), 0);
	KEXPECT_EQ(ksys_flock(fd2, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
	KEXPECT_EQ(ksys_flock(fd3, LOCK_EX | LOCK_NB), 0);
	KEXPECT_EQ(ksys_close(fd1), 0);
	KEXPECT_EQ(ksys_flock(fd2, LOCK_SH | LOCK_NB), -EAGAIN);
	KEXPECT_EQ(ksys_close(fd3), 0);
	KEXPECT_EQ(ksys_flock(fd2, LOCK_EX | LOCK_NB), 0);
	KEXPECT_EQ(ksys_flock(fd2, LOCK_UN), 0);
	KEXPECT_EQ(ksys_flock(99, LOCK_SH), -EBADF);

	/* fcntl record locks: the process is the owner; any close drops them. */
	l = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 3 };
	KEXPECT_EQ(ksys_fcntl(fd2, F_SETLK, (unsigned long)&l), 0);
	KEXPECT(strstr(lt_proc_locks(), "POSIX  ADVISORY  WRITE ") != NULL);
	KEXPECT(strstr(lt_buf, " 2 4\n") != NULL);
	l = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET };
	KEXPECT_EQ(ksys_fcntl(fd2, F_GETLK, (unsigned long)&l), 0);
	KEXPECT_EQ(l.l_type, F_UNLCK);		/* our own lock does not conflict */
	l.l_type = 7;
	KEXPECT_EQ(ksys_fcntl(fd2, F_SETLK, (unsigned long)&l), -EINVAL);
	fd4 = ksys_open("/f", O_RDONLY, 0);
	KASSERT(fd4 >= 0);
	l = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET };
	KEXPECT_EQ(ksys_fcntl(fd4, F_SETLK, (unsigned long)&l), -EBADF);	/* not writable */
	KEXPECT_EQ(ksys_close(fd4), 0);		/* another fd of the file: the lock goes */
	KEXPECT_EQ(strstr(lt_proc_locks(), "POSIX") == NULL, true);
	KEXPECT_EQ(ksys_close(fd2), 0);

	/* Leases: an open for writing breaks a read lease. */
	fd1 = ksys_open("/f", O_RDONLY, 0);
	KASSERT(fd1 >= 0);
	KEXPECT_EQ(ksys_fcntl(fd1, F_SETLEASE, F_RDLCK), 0);
	KEXPECT_EQ(ksys_fcntl(fd1, F_GETLEASE, 0), F_RDLCK);
	fd2 = ksys_open("/f", O_RDONLY | O_NONBLOCK, 0);	/* readers are fine */
	KEXPECT(fd2 >= 0);
	KEXPECT_EQ(ksys_close(fd2), 0);
	KEXPECT_EQ(ksys_open("/f", O_WRONLY | O_NONBLOCK, 0), -EWOULDBLOCK);
	KEXPECT_EQ(ksys_fcntl(fd1, F_GETLEASE, 0), F_UNLCK);	/* being broken */
	KEXPECT_EQ(ksys_fcntl(fd1, F_SETLEASE, F_UNLCK), 0);
	fd2 = ksys_open("/f", O_WRONLY, 0);
	KEXPECT(fd2 >= 0);
	KEXPECT_EQ(ksys_close(fd2), 0);
	/* A truncate breaks leases too; a holder that never answers loses it in time. */
	saved = lease_break_time;
	lease_break_time = 1;
	KEXPECT_EQ(ksys_fcntl(fd1, F_SETLEASE, F_RDLCK), 0);
	KEXPECT_EQ(ksys_truncate("/f", 0), 0);
	KEXPECT_EQ(ksys_fcntl(fd1, F_GETLEASE, 0), F_UNLCK);
	lease_break_time = saved;
	KEXPECT_EQ(ksys_close(fd1), 0);
	KEXPECT(vfs_env_end(t, &env));
	KEXPECT(debug_locks);
}

struct lt_opener {
	long fd;
	struct completion done;
};

static int lt_open_for_write(void *data)
{
	struct lt_opener *o = data;

	o->fd = ksys_open("/leased", O_WRONLY, 0);
	complete(&o->done);
	return 0;
}

KTEST(flock, syscalls_open_waits_for_lease_holder)
{
	static struct lt_opener o;
	struct vfs_env env;
	struct task_struct *k;
	long fd;

	KASSERT(vfs_env_begin(t, &env));
	KASSERT_EQ(testfs_write_file("/leased", "x", 1), 1);
	fd = ksys_open("/leased", O_RDONLY, 0);
	KASSERT(fd >= 0);
	KASSERT_EQ(ksys_fcntl(fd, F_SETLEASE, F_RDLCK), 0);
	/* A writer opens: it waits while the holder is told (F_GETLEASE: give it up). */
	o = (struct lt_opener){ .fd = -1 };
	init_completion(&o.done);
	k = kthread_run(lt_open_for_write, &o, "leaseopen");
	KASSERT(!IS_ERR(k));
	for (int i = 0; i < 2000 && ksys_fcntl(fd, F_GETLEASE, 0) != F_UNLCK; i++)
		msleep(10);
	KEXPECT_EQ(ksys_fcntl(fd, F_GETLEASE, 0), F_UNLCK);
	KEXPECT(strstr(lt_proc_locks(), "LEASE  BREAKING  UNLCK") != NULL);
	msleep(50);
	KEXPECT(!completion_done(&o.done));
	KEXPECT_EQ(ksys_fcntl(fd, F_SETLEASE, F_UNLCK), 0);	/* the holder gives way */
	KASSERT(wait_for_completion_timeout(&o.done, msecs_to_jiffies(20 * 1000)));
	KEXPECT(o.fd >= 0);
	KEXPECT_EQ(ksys_close(o.fd), 0);
	KEXPECT_EQ(ksys_close(fd), 0);
	KEXPECT(vfs_env_end(t, &env));
	KEXPECT(debug_locks);
}
