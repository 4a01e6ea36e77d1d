/*
 * "vfstestfs": a small in-memory file system for the ktests of the VFS
 * (vfs*, dcache, contract, and the system-call tests of flock and pipe), built from the VFS's libfs helpers (no page cache:
 * file data lives in a kmalloc'ed buffer under the inode's i_rwsem).
 *
 * vfs_env_begin() mounts a fresh instance and makes it the root and the
 * working directory; vfs_env_end() restores them, unmounts, waits for RCU
 * frees and reports whether every dentry, inode, file and descriptor the
 * test made is gone (slab statistics back to their start).
 */
#ifndef VFS_TESTFS_H
#define VFS_TESTFS_H

#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/fs_struct.h>
#include <kestrel/ktest.h>
#include <kestrel/mount.h>
#include <kestrel/namei.h>

struct vfs_env {
	struct vfsmount *mnt;
	struct path old_root, old_pwd;
	unsigned long dentry_objs, filp_objs;
	long inodes, files;
	unsigned int fds;
};

/* Counters of the ops vfstestfs saw (contract tests check them). */
struct testfs_counts {
	atomic_t put_super, sync_fs, free_inode, destroy_inode, evict_inode, drop_inode;
	atomic_t d_release;
};
extern struct testfs_counts testfs_counts;
extern struct file_system_type vfstestfs_type;

/* Optional misbehaviour for contract tests (reset by vfs_env_begin). */
struct testfs_faults {
	bool use_compare;		/* install ->d_hash and ->d_compare */
	bool compare_blocks;		/* ->d_compare takes a mutex (may block: forbidden) */
	bool hash_blocks;		/* ->d_hash takes a mutex (may block: forbidden) */
	bool fill_fails;		/* the next fill_super fails after making its root */
	void (*rmdir_hook)(struct dentry *victim);	/* called first in ->rmdir (race tests) */
};
extern struct testfs_faults testfs_faults;

bool vfs_env_begin(struct ktest_ctx *t, struct vfs_env *env);
/* True if nothing leaked. */
bool vfs_env_end(struct ktest_ctx *t, struct vfs_env *env);

/* Helpers on any path (any file system): create a file with content, read it back. */
long testfs_write_file(const char *path, const char *data, size_t len);
long testfs_read_file(const char *path, char *buf, size_t len);

#endif
