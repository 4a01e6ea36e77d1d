/*
 * The checked calls of file_lock_operations: a lock's private data
 * (fs/locks.c). How a rule is checked, and the CONTRACT lines:
 * include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_FILE_LOCK_H
#define KESTREL_CONTRACT_FILE_LOCK_H

#include <kestrel/contract.h>
#include <kestrel/filelock.h>

/* CONTRACT file_lock_operations.fl_copy_lock | flc_lock: yes | no | vfs_call_fl_copy_lock */
static inline void vfs_call_fl_copy_lock(struct file_lock_context *ctx, struct file_lock *new,
					 struct file_lock *fl)
{
	lockdep_assert_held(&ctx->flc_lock);
	VFS_NOSLEEP_VOID(fl->fl_ops->fl_copy_lock(new, fl));
}

/*
 * CONTRACT file_lock_operations.fl_release_private | flc_lock: maybe | yes (flock, POSIX); no (lease) | vfs_call_fl_release_private
 */
static inline void vfs_call_fl_release_private(struct file_lock *fl)
{
	if (fl->c.flc_flags & FL_LEASE) {
		VFS_NOSLEEP_VOID(fl->fl_ops->fl_release_private(fl));
		return;
	}
	might_sleep();
	fl->fl_ops->fl_release_private(fl);
}

#endif
