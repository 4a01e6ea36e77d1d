/*
 * Functions shared between the files of fs/ and not meant for file
 * systems (those are in include/kestrel/fs.h and friends).
 */
#ifndef KESTREL_FS_INTERNAL_H
#define KESTREL_FS_INTERNAL_H

#include <kestrel/fs.h>
#include <kestrel/mount.h>

struct kmem_cache;

void dcache_init(void);
void inode_init(void);
void files_init(void);
void mnt_init(void);

/* fs/super.c */
void put_super(struct super_block *sb);
void iterate_supers_trylock(void (*f)(struct super_block *, void *), void *arg);
struct super_block *alloc_super(struct file_system_type *type, int flags);

/* fs/namei.c: open(2) flags into the lookup and permission world */
struct open_flags {
	int open_flag;
	umode_t mode;
	int acc_mode;
	int intent;
	int lookup_flags;
};
int build_open_flags(int flags, umode_t mode, struct open_flags *op);
struct file *path_openat(int dfd, const char *pathname, const struct open_flags *op);
int may_open(const struct path *path, int acc_mode, int flag);

/* fs/open.c */
int vfs_open(const struct path *path, struct file *file);
int do_truncate_file(struct file *file, loff_t length);
int chmod_common(const struct path *path, umode_t mode);
int chown_common(const struct path *path, uid_t user, gid_t group);

/* fs/file_table.c */
void file_free_now(struct file *f);

/* fs/namespace.c */
struct vfsmount *mnt_clone_root(struct vfsmount *mnt);
/* Read-only through this mount, or the whole super block (remount,ro): as Linux's __mnt_is_readonly. */
static inline bool mnt_is_readonly(const struct vfsmount *m)
{
	return (m->mnt_flags & MNT_READONLY) || (m->mnt_sb->s_flags & SB_RDONLY);
}
int sb_prepare_remount_readonly(struct super_block *sb);

/* fs/stat.c */
int vfs_fstatat(int dfd, const char *filename, struct kstat *stat, int flags);

#endif
