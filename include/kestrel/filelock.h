/*
 * File locks: flock(2), POSIX record locks (fcntl F_SETLK...), leases.
 * The "locks" helper implements them in fs/locks.c; the types are here
 * so struct inode (i_flctx) and the contract wrappers can name them.
 *
 * Locks:
 *   ctx->flc_lock       the lists of one inode's locks (the spec's
 *                       "inode->i_lock" for ->fl_copy_lock and the
 *                       lm_break/lm_change column: Linux moved them to
 *                       flc_lock); never sleep under it
 *   blocked_lock_lock   (fs/locks.c) the blocked-waiter graph used for
 *                       EDEADLK detection; ->lm_notify runs under it
 */
#ifndef KESTREL_FILELOCK_H
#define KESTREL_FILELOCK_H

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

struct flock {
	short l_type;
	short l_whence;
	loff_t l_start;
	loff_t l_len;
	int l_pid;
};

struct file_lock_core {
	struct file_lock_core *flc_blocker;	/* the lock we wait for */
	struct list_head flc_list;		/* in ctx->flc_{flock,posix,lease} */
	struct list_head flc_link;		/* global list (for /proc/locks) */
	struct list_head flc_blocked_requests;	/* locks waiting on this one */
	struct list_head flc_blocked_member;	/* in the blocker's flc_blocked_requests */
	fl_owner_t flc_owner;
	unsigned int flc_flags;			/* FL_* */
	unsigned char flc_type;			/* F_RDLCK, F_WRLCK, F_UNLCK */
	int flc_pid;
	int flc_link_cpu;
	wait_queue_head_t flc_wait;
	struct file *flc_file;
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
	struct file_lock_core c;
	loff_t fl_start;
	loff_t fl_end;
	const struct file_lock_operations *fl_ops;	/* the file system's callbacks */
	const struct lock_manager_operations *fl_lmops;	/* the lock manager's */
	unsigned long fl_break_time;	/* leases */
	unsigned long fl_downgrade_time;
	void *fl_private;		/* the lock manager's / file system's */
};

struct file_lock_context {
	spinlock_t flc_lock;		/* the three lists */
	struct list_head flc_flock;
	struct list_head flc_posix;
	struct list_head flc_lease;
};

/* fs/locks.c: the waiter graph's lock (exported for the contract check of ->lm_notify). */
extern spinlock_t blocked_lock_lock;

/* fs/locks.c entry points the VFS calls (close, last fput, inode eviction). */
void locks_remove_posix(struct file *filp, fl_owner_t owner);
void locks_remove_file(struct file *filp);
void locks_free_lock_context(struct inode *inode);

#endif
