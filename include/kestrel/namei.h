/*
 * Path walk and the directory operations built on it (fs/namei.c).
 *
 * A walk resolves "a/b/c" one component at a time from a start (the
 * root, the working directory or a directory file for *at()). It first
 * runs in rcu-walk: no references and no locks, validated by each
 * dentry's d_seq, the rename_lock and mount_lock sequence counts; if
 * anything changed or a file system needs to block it restarts in
 * ref-walk, which takes references (and the parent's i_rwsem shared
 * around ->lookup). See docs/vfs.md.
 */
#ifndef KESTREL_NAMEI_H
#define KESTREL_NAMEI_H

#include <kestrel/dcache.h>
#include <kestrel/mount.h>

/* lookup flags */
#define LOOKUP_FOLLOW 0x0001		/* follow a trailing symlink */
#define LOOKUP_DIRECTORY 0x0002		/* the result must be a directory */
#define LOOKUP_AUTOMOUNT 0x0004
#define LOOKUP_EMPTY 0x4000		/* "" allowed (AT_EMPTY_PATH) */
#define LOOKUP_PARENT 0x0010		/* stop at the parent of the last component */
#define LOOKUP_REVAL 0x0020
#define LOOKUP_RCU 0x0040		/* in rcu-walk: ops must not block */
#define LOOKUP_OPEN 0x0100
#define LOOKUP_CREATE 0x0200
#define LOOKUP_EXCL 0x0400
#define LOOKUP_RENAME_TARGET 0x0800

enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

/* Counters of how walks ended, for tests: rcu-walk completions and ref-walk restarts. */
struct namei_stats {
	unsigned long rcu_walks;	/* finished in rcu-walk */
	unsigned long ref_walks;	/* started (or restarted) in ref-walk */
	unsigned long rcu_fallbacks;	/* rcu-walk gave up and restarted in ref-walk */
};
void namei_get_stats(struct namei_stats *st);

/*
 * A path name copied in from user space (getname): the system calls copy
 * every name in before walking, so the walk only sees kernel memory.
 * -EFAULT for a bad pointer, -ENAMETOOLONG for PATH_MAX bytes without a
 * NUL, -ENOENT for "" unless LOOKUP_EMPTY. Freed by putname().
 */
struct filename {
	const char *name;	/* iname, or a PATH_MAX buffer for a long name */
	char iname[];
};
struct filename *getname(const char __user *filename);
struct filename *getname_flags(const char __user *filename, unsigned int flags);
/* NULL stays NULL (the *at calls taking an optional name); else as getname. */
struct filename *getname_maybe_null(const char __user *filename, unsigned int flags);
void putname(struct filename *name);

int kern_path(const char *name, unsigned int flags, struct path *path);
int user_path_at(int dfd, const char *name, unsigned flags, struct path *path);
/* The parent of the last component, locked (i_rwsem exclusive), and a dentry for it. */
struct dentry *kern_path_create(int dfd, const char *pathname, struct path *path,
				unsigned int lookup_flags);
void done_path_create(struct path *path, struct dentry *dentry);
/* Look name up in base (base's i_rwsem held by the caller). */
struct dentry *lookup_one_len(const char *name, struct dentry *base, int len);
struct dentry *lookup_one_len_unlocked(const char *name, struct dentry *base, int len);

/* Lock both parents of a rename (directory-locking.rst); returns the common ancestor trap. */
struct dentry *lock_rename(struct dentry *p1, struct dentry *p2);
void unlock_rename(struct dentry *p1, struct dentry *p2);

struct renamedata {
	struct inode *old_dir;
	struct dentry *old_dentry;
	struct inode *new_dir;
	struct dentry *new_dentry;
	struct inode **delegated_inode;
	unsigned int flags;
};

int vfs_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool want_excl);
int vfs_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode);
int vfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev);
int vfs_symlink(struct inode *dir, struct dentry *dentry, const char *oldname);
int vfs_link(struct dentry *old_dentry, struct inode *dir, struct dentry *new_dentry,
	     struct inode **delegated_inode);
int vfs_rmdir(struct inode *dir, struct dentry *dentry);
int vfs_unlink(struct inode *dir, struct dentry *dentry, struct inode **delegated_inode);
int vfs_rename(struct renamedata *rd);
int vfs_readlink(struct dentry *dentry, char *buffer, int buflen);
const char *vfs_get_link(struct dentry *dentry, struct delayed_call *done);
int readlink_copy(char *buffer, int buflen, const char *link);

/* open(2) after the walk */
struct file *do_filp_open(int dfd, const char *pathname, int flags, umode_t mode);

#endif
