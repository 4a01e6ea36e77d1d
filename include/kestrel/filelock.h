/*
 * File locks: flock(2), POSIX record locks (fcntl F_SETLK...), leases.
 * The "locks" helper implements them in fs/locks.c; the types are here
 * so struct inode (i_flctx) and the contract wrappers can name them.
 *
 * Locks used to protect struct members in this file (the order in which
 * they nest: docs/locking.md, "Lock order"):
 *	[c] constant after creation: set while the lock is a private request
 *	    or copy, before it is applied (on a context's list) or blocked
 *	[S] a lock or wait queue itself
 *	[x] the lock manager's or file system's own rule
 *	[e] an embedded struct whose own members carry the tags
 *	[F] ctx->flc_lock: the lists of one inode's locks and the fields of
 *	    the locks on them (the spec's "inode->i_lock" for ->fl_copy_lock
 *	    and the lm_break/lm_change column: Linux moved them to flc_lock);
 *	    never sleep under it
 *	[B] blocked_lock_lock (fs/locks.c): the blocked-waiter graph used for
 *	    EDEADLK detection; ->lm_notify runs under it
 *	[G] file_lock_list_lock (fs/locks.c): every applied lock (/proc/locks)
 */
#ifndef KESTREL_FILELOCK_H
#define KESTREL_FILELOCK_H

#include <kestrel/atomic.h>
#include <kestrel/fs.h>

#define FL_POSIX 1
#define FL_FLOCK 2
#define FL_DELEG 4
#define FL_ACCESS 8
#define FL_EXISTS 16
#define FL_LEASE 32
#define FL_CLOSE 64
#define FL_SLEEP 128

#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

#define OFFSET_MAX ((loff_t)0x7fffffffffffffffLL)

/* fcntl(2) lease commands (Linux's values) */
#define F_SETLEASE 1024
#define F_GETLEASE 1025

/* FL_* flags of leases being broken (fs/locks.c) */
#define FL_UNLOCK_PENDING 512		/* lease breaking to F_UNLCK */
#define FL_DOWNGRADE_PENDING 1024	/* lease breaking to F_RDLCK */

/*
 * A lock request that cannot be granted yet but is queued: the caller
 * (or a lock manager) is told later, through ->lm_notify or ->lm_grant.
 */
#define FILE_LOCK_DEFERRED 1

struct flock {
	short l_type;
	short l_whence;
	loff_t l_start;
	loff_t l_len;
	int l_pid;
};

struct file_lock_core {
	struct file_lock_core *flc_blocker;	/* [B] the lock we wait for */
	struct list_head flc_list;		/* [F] in ctx->flc_{flock,posix,lease} */
	struct list_head flc_link;		/* [B,G] blocked: on blocked_list [B]; applied: on file_lock_list [G] */
	struct list_head flc_blocked_requests;	/* [B] locks waiting on this one */
	struct list_head flc_blocked_member;	/* [B] in the blocker's flc_blocked_requests */
	fl_owner_t flc_owner;			/* [c] */
	unsigned int flc_flags;			/* [c] FL_* */
	unsigned char flc_type;			/* [F] F_RDLCK, F_WRLCK, F_UNLCK */
	int flc_pid;				/* [c] */
	wait_queue_head_t flc_wait;		/* [S] */
	struct file *flc_file;			/* [c] */
};

struct file_lock_operations {
	void (*fl_copy_lock)(struct file_lock *, struct file_lock *);
	void (*fl_release_private)(struct file_lock *);
};

struct lock_manager_operations {
	void (*lm_notify)(struct file_lock *);	/* unblock callback */
	int (*lm_grant)(struct file_lock *, struct file_lock *, int);
	void (*lm_break)(struct file_lock *);	/* break_lease callback */
	int (*lm_change)(struct file_lock **, int);
	bool (*lm_breaker_owns_lease)(struct file_lock *);
	bool (*lm_lock_expirable)(struct file_lock *);
	void (*lm_expire_lock)(void);
};

struct file_lock {
	struct file_lock_core c;			/* [e] */
	loff_t fl_start;				/* [F] */
	loff_t fl_end;					/* [F] */
	const struct file_lock_operations *fl_ops;	/* [c] the file system's callbacks */
	const struct lock_manager_operations *fl_lmops;	/* [c] the lock manager's */
	unsigned long fl_break_time;	/* [F] leases */
	unsigned long fl_downgrade_time;		/* [F] */
	void *fl_private;		/* [x] the lock manager's / file system's */
	/*
	 * A sleeping request (locks_sleeper_lmops): FILE_LOCK_DEFERRED while
	 * asleep, LOCK_RETRY once ->lm_notify said its blocker went away,
	 * the final result once ->lm_grant gave it. Written under
	 * blocked_lock_lock (lm_notify) or by lm_grant; read by the sleeper.
	 */
	int fl_wait_result;				/* [B] */
};

#define LOCK_RETRY 2	/* fl_wait_result: woken by ->lm_notify, try again */

struct file_lock_context {
	spinlock_t flc_lock;		/* [S] the three lists */
	struct list_head flc_flock;	/* [F] */
	struct list_head flc_posix;	/* [F] */
	struct list_head flc_lease;	/* [F] */
	/*
	 * Waiters of locks that went away or shrank, to be woken (->lm_notify)
	 * once flc_lock is dropped; under blocked_lock_lock (fs/locks.c).
	 */
	struct list_head flc_wake;	/* [B] */
};

/* fs/locks.c: the waiter graph's lock (exported for the contract check of ->lm_notify). */
extern spinlock_t blocked_lock_lock;

/* fs/locks.c entry points the VFS calls (close, last fput, inode eviction). */
void locks_remove_posix(struct file *filp, fl_owner_t owner);
void locks_remove_file(struct file *filp);
void locks_free_lock_context(struct inode *inode);

/* ---- fs/locks.c: the lock objects ---- */
void locks_init_lock(struct file_lock *fl);	/* zeroed, lists and wait queue ready */
struct file_lock *locks_alloc_lock(void);	/* NULL if out of memory */
void locks_free_lock(struct file_lock *fl);	/* ->fl_release_private, then free */
void locks_release_private(struct file_lock *fl);
long locks_nr_allocated(void);			/* live struct file_locks (leak tests) */

/*
 * The default lock manager of a sleeping request: ->lm_notify wakes the
 * sleeper to try again, ->lm_grant hands it the result of a request a
 * file system's ->lock deferred (FILE_LOCK_DEFERRED).
 */
extern const struct lock_manager_operations locks_sleeper_lmops;

/* ---- POSIX record locks (fcntl) ---- */
/* struct flock (l_whence relative to filp) to a lock range; -EINVAL / -EOVERFLOW. */
int flock_to_posix_lock(struct file *filp, struct file_lock *fl, const struct flock *l);
void posix_lock_to_flock(struct flock *l, const struct file_lock *fl);
/* fcntl F_GETLK/F_SETLK/F_SETLKW on fd (file f) with the kernel copy l. 0 or -errno. */
long fcntl_posix_lock(unsigned int fd, struct file *f, unsigned int cmd, struct flock *l);
/* F_GETLK on the lock table: fl becomes the first conflicting lock, or F_UNLCK. */
void posix_test_lock(struct file *filp, struct file_lock *fl);
/* Apply (or unlock) fl; with FL_SLEEP a conflict queues it: FILE_LOCK_DEFERRED. */
int posix_lock_file(struct file *filp, struct file_lock *fl, struct file_lock *conflock);
/* The same through the file's ->lock if it has one. */
int vfs_lock_file(struct file *filp, unsigned int cmd, struct file_lock *fl,
		  struct file_lock *conf);
int vfs_test_lock(struct file *filp, struct file_lock *fl);
/*
 * Apply a POSIX or flock lock (fl->c.flc_flags says which), sleeping
 * while it conflicts if FL_SLEEP is set. 0, -EAGAIN, -EDEADLK, -ENOMEM.
 */
int locks_lock_file_wait(struct file *filp, struct file_lock *fl);
/* A file system whose ->lock returned FILE_LOCK_DEFERRED reports the outcome here. */
int locks_grant_deferred(struct file_lock *fl, struct file_lock *conf, int result);

/* ---- flock(2) ---- */
/* flock(2) on an open file: LOCK_SH/LOCK_EX/LOCK_UN, | LOCK_NB. */
int file_flock(struct file *filp, unsigned int cmd);

/* ---- leases ---- */
extern int lease_break_time;	/* seconds a lease holder has to give way (default 45) */
int generic_setlease(struct file *filp, int arg, struct file_lock **flp, void **priv);
/* The default ->lm_change of leases (lock managers with their own lm_break reuse it). */
int lease_modify(struct file_lock **flp, int arg);
int vfs_setlease(struct file *filp, int arg, struct file_lock **lease, void **priv);
int file_setlease(struct file *filp, int arg);	/* F_SETLEASE on an open file */
int fcntl_getlease(struct file *filp);
/*
 * Break the leases that conflict with an open for mode (O_ACCMODE bits;
 * truncate passes O_WRONLY): tell their holders (->lm_break) and wait
 * until they give way or lease_break_time passes. O_NONBLOCK in mode:
 * -EWOULDBLOCK instead of waiting.
 */
int __break_lease(struct inode *inode, unsigned int mode);
static inline int break_lease(struct inode *inode, unsigned int mode)
{
	struct file_lock_context *ctx = smp_load_acquire(&inode->i_flctx);

	if (ctx && !list_empty(&ctx->flc_lease))
		return __break_lease(inode, mode);
	return 0;
}

/* ---- /proc/locks ---- */
/* Write the /proc/locks text into buf (at most size bytes); returns its length. */
size_t locks_proc_show(char *buf, size_t size);
/* The same as a single_open() show function: single_open(file, locks_seq_show, NULL). */
struct seq_file;
int locks_seq_show(struct seq_file *m, void *v);

#endif
