/*
 * The checked calls of file_system_type: mounting and killing a super
 * block (fs/super.c, fs/namespace.c). How a rule is checked, and the
 * CONTRACT lines: include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_FS_TYPE_H
#define KESTREL_CONTRACT_FS_TYPE_H

#include <kestrel/contract.h>
#include <kestrel/dcache.h>
#include <kestrel/fs.h>

/*
 * CONTRACT file_system_type.mount | none; returns the sb's s_umount held for write | yes | vfs_call_mount
 * The spec: "->mount() returns ERR_PTR or the root dentry; its
 * superblock should be locked on return" - checked after the call.
 */
static inline struct dentry *vfs_call_mount(struct file_system_type *type, int flags,
					    const char *dev_name, void *data)
{
	struct dentry *root;

	might_sleep();
	root = type->mount(type, flags, dev_name, data);
	if (!IS_ERR_OR_NULL(root))
		lockdep_assert_held_write(&root->d_sb->s_umount);
	return root;
}

/* CONTRACT file_system_type.kill_sb | s_umount: write (the op unlocks) | yes | vfs_call_kill_sb */
static inline void vfs_call_kill_sb(struct super_block *sb)
{
	lockdep_assert_held_write(&sb->s_umount);
	might_sleep();
	sb->s_type->kill_sb(sb);
}

#endif
