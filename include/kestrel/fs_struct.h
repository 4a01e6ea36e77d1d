/*
 * A task's file-system context: its root and working directory
 * (fs/fs_struct.c). chdir/chroot change them under lock (write); a path
 * walk copies them under seq (a seqcount inside the lock) so rcu-walk
 * can read both without taking the lock.
 *
 * Kestrel has no processes yet: every kernel thread shares init_fs
 * (current_fs()); the user-space issue gives each task its own.
 */
#ifndef KESTREL_FS_STRUCT_H
#define KESTREL_FS_STRUCT_H

#include <kestrel/fs.h>
#include <kestrel/seqlock.h>

struct fs_struct {
	int users;		/* tasks sharing it, under lock */
	spinlock_t lock;	/* root and pwd changes (with seq bumped) */
	seqcount_t seq;		/* lets rcu-walk read root/pwd without lock */
	int umask;
	struct path root, pwd;	/* each holds a reference */
};

extern struct fs_struct init_fs;

struct fs_struct *current_fs(void);
void set_fs_root(struct fs_struct *fs, const struct path *path);
void set_fs_pwd(struct fs_struct *fs, const struct path *path);
void get_fs_root(struct fs_struct *fs, struct path *root);
void get_fs_pwd(struct fs_struct *fs, struct path *pwd);

#endif
