/*
 * The checked calls of lock_manager_operations: the lock manager's
 * callbacks (fs/locks.c). How a rule is checked, and the CONTRACT lines:
 * include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_LOCK_MANAGER_H
#define KESTREL_CONTRACT_LOCK_MANAGER_H

#include <kestrel/contract.h>
#include <kestrel/filelock.h>
#include <kestrel/fs.h>

/* The lock context of fl's inode, for the "flc_lock: no" rows (NULL: none yet). */
static inline struct file_lock_context *locks_ctx_of(struct file_lock *fl)
{
	return fl->c.flc_file ? READ_ONCE(file_inode(fl->c.flc_file)->i_flctx) : NULL;
}

/* CONTRACT lock_manager_operations.lm_notify | flc_lock: no; blocked_lock_lock: yes | no | vfs_call_lm_notify */
static inline void vfs_call_lm_notify(struct file_lock *fl)
{
	struct file_lock_context *ctx = locks_ctx_of(fl);

	if (ctx)
		lockdep_assert_not_held(&ctx->flc_lock);
	lockdep_assert_held(&blocked_lock_lock);
	VFS_NOSLEEP_VOID(fl->fl_lmops->lm_notify(fl));
}

/* CONTRACT lock_manager_operations.lm_grant | flc_lock: no; blocked_lock_lock: no | no | vfs_call_lm_grant */
static inline int vfs_call_lm_grant(struct file_lock *fl, struct file_lock *conf, int result)
{
	struct file_lock_context *ctx = locks_ctx_of(fl);

	if (ctx)
		lockdep_assert_not_held(&ctx->flc_lock);
	lockdep_assert_not_held(&blocked_lock_lock);
	return VFS_NOSLEEP(fl->fl_lmops->lm_grant(fl, conf, result));
}

/* CONTRACT lock_manager_operations.lm_break | flc_lock: yes; blocked_lock_lock: no | no | vfs_call_lm_break */
static inline void vfs_call_lm_break(struct file_lock_context *ctx, struct file_lock *fl)
{
	lockdep_assert_held(&ctx->flc_lock);
	lockdep_assert_not_held(&blocked_lock_lock);
	VFS_NOSLEEP_VOID(fl->fl_lmops->lm_break(fl));
}

/* CONTRACT lock_manager_operations.lm_change | flc_lock: yes; blocked_lock_lock: no | no | vfs_call_lm_change */
static inline int vfs_call_lm_change(struct file_lock_context *ctx, struct file_lock **flp,
				     int arg)
{
	lockdep_assert_held(&ctx->flc_lock);
	lockdep_assert_not_held(&blocked_lock_lock);
	return VFS_NOSLEEP((*flp)->fl_lmops->lm_change(flp, arg));
}

/* CONTRACT lock_manager_operations.lm_breaker_owns_lease | flc_lock: yes; blocked_lock_lock: no | no | vfs_call_lm_breaker_owns_lease */
static inline bool vfs_call_lm_breaker_owns_lease(struct file_lock_context *ctx,
						  struct file_lock *fl)
{
	lockdep_assert_held(&ctx->flc_lock);
	lockdep_assert_not_held(&blocked_lock_lock);
	return VFS_NOSLEEP(fl->fl_lmops->lm_breaker_owns_lease(fl));
}

/* CONTRACT lock_manager_operations.lm_lock_expirable | flc_lock: yes; blocked_lock_lock: no | no | vfs_call_lm_lock_expirable */
static inline bool vfs_call_lm_lock_expirable(struct file_lock_context *ctx, struct file_lock *fl)
{
	lockdep_assert_held(&ctx->flc_lock);
	lockdep_assert_not_held(&blocked_lock_lock);
	return VFS_NOSLEEP(fl->fl_lmops->lm_lock_expirable(fl));
}

/* CONTRACT lock_manager_operations.lm_expire_lock | flc_lock: no; blocked_lock_lock: no | yes | vfs_call_lm_expire_lock */
static inline void vfs_call_lm_expire_lock(const struct lock_manager_operations *lmops)
{
	lockdep_assert_not_held(&blocked_lock_lock);
	might_sleep();
	lmops->lm_expire_lock();
}

#endif
