/*
 * A task's file-system context: its root and working directory
 * (fs/fs_struct.c). chdir/chroot change them under lock (write); a path
 * walk copies them under seq (a seqcount inside the lock) so rcu-walk
 * can read both without taking the lock.
 *
 * Each process has its own (task->fs; CLONE_FS shares one, counted by
 * users under lock). Kernel threads have task->fs NULL and use init_fs.
 * fork copies it with copy_fs_struct(); exit drops it with exit_fs().
 * The umask lives here, as in Linux (current_umask()).
 *
 * Locks used to protect struct fs_struct's members:
 *	[a] atomic (umask(2) swaps it with xchg)
 *	[S] a lock or seqcount itself
 *	[l] fs->lock
 *	[s] fs->seq, written around the change (inside fs->lock): rcu-walk
 *	    copies root and pwd under it without the lock
 */
#ifndef KESTREL_FS_STRUCT_H
#define KESTREL_FS_STRUCT_H

#include <kestrel/fs.h>
#include <kestrel/seqlock.h>

struct fs_struct {
	int users;		/* [l] tasks sharing it */
	spinlock_t lock;	/* [S] root and pwd changes (with seq bumped) */
	seqcount_t seq;		/* [S] lets rcu-walk read root/pwd without lock */
	int umask;		/* [a] */
	struct path root, pwd;	/* [l,s] each holds a reference */
};

extern struct fs_struct init_fs;

struct fs_struct *current_fs(void);
struct task_struct;
/* fork without CLONE_FS: a copy of old (root and pwd referenced, umask kept); NULL if out of memory. */
struct fs_struct *copy_fs_struct(struct fs_struct *old);
/* CLONE_FS: one more task shares fs. */
void get_fs_struct(struct fs_struct *fs);
/* Drop one user; the last frees it (and its root/pwd references). */
void put_fs_struct(struct fs_struct *fs);
/* exit: detach tsk->fs and put it. */
void exit_fs(struct task_struct *tsk);
/* The mode bits new files lose: current_fs()->umask. */
static inline umode_t current_umask(void)
{
	return READ_ONCE(current_fs()->umask);
}
void set_fs_root(struct fs_struct *fs, const struct path *path);
void set_fs_pwd(struct fs_struct *fs, const struct path *path);
void get_fs_root(struct fs_struct *fs, struct path *root);
void get_fs_pwd(struct fs_struct *fs, struct path *pwd);

#endif
