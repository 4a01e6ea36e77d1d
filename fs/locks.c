/*
 * File locks: flock(2), POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW)
 * and leases (F_SETLEASE), after the design of Linux's fs/locks.c.
 *
 * Objects
 *   Each inode with locks has a struct file_lock_context (inode->i_flctx,
 *   made on first use, freed with the inode) holding three lists of the
 *   locks that are *applied*: flc_flock, flc_posix (sorted by owner, then
 *   by start), flc_lease. An applied lock is always a private copy made
 *   here; the caller's struct file_lock is only the request.
 *
 *   A request that conflicts and may wait is *blocked*: it hangs on the
 *   conflicting applied lock (its flc_blocked_member in the blocker's
 *   flc_blocked_requests, flc_blocker pointing back). Blocked POSIX
 *   requests are also on blocked_list, which the EDEADLK check walks:
 *   "the owner I wait for waits for a lock whose owner waits for ... me".
 *
 * Owners
 *   flock locks and leases belong to the open file (struct file): dup'ed
 *   descriptors share them, and the last close (fput) drops them.
 *   POSIX locks belong to the process (fl_owner_t: its files_struct; the
 *   caller says which) and go away when that owner closes *any*
 *   descriptor of the file (locks_remove_posix, from filp_close).
 *
 * Locks (their order: docs/locking.md, "Lock order")
 *   ctx->flc_lock        the three lists of one inode and the fields of
 *                        the locks on them; never sleep under it
 *   blocked_lock_lock    every flc_blocker / flc_blocked_requests /
 *                        flc_blocked_member link, fl_wait_result, and
 *                        blocked_list; ->lm_notify runs under it
 *   file_lock_list_lock  file_lock_list (all applied locks, /proc/locks)
 *
 * Waking waiters (the spec: ->lm_notify with blocked_lock_lock held and
 * flc_lock NOT held). When an applied lock goes away or shrinks, its
 * waiters are unhooked from it under flc_lock + blocked_lock_lock and
 * moved to the context's flc_wake list; once flc_lock is dropped,
 * locks_notify_waiters() retakes blocked_lock_lock and calls each
 * waiter's ->lm_notify (the sleeper's one wakes it up), then clears
 * flc_blocker. A waiter on flc_wake is on no blocker's list and not on
 * blocked_list, and its flc_blocker points to the static locks_in_transit
 * marker, never to the (perhaps freed) old blocker.
 *
 * Freeing: locks are unlinked under flc_lock onto a "dispose" list and
 * freed after the spinlock is dropped, because ->fl_release_private may
 * sleep for flock and POSIX locks (the spec).
 */
#include <kestrel/atomic.h>
#include <kestrel/contract/file.h>
#include <kestrel/contract/file_lock.h>
#include <kestrel/contract/lock_manager.h>
#include <kestrel/fdtable.h>
#include <kestrel/filelock.h>
#include <kestrel/sched.h>
#include <kestrel/seq_file.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>


int lease_break_time = 45;	/* seconds; Linux's default */

DEFINE_SPINLOCK(blocked_lock_lock);	/* waiter links, fl_wait_result, blocked_list */
static LIST_HEAD(blocked_list);		/* blocked POSIX requests (flc_link) */

static DEFINE_SPINLOCK(file_lock_list_lock);	/* file_lock_list */
static LIST_HEAD(file_lock_list);		/* every applied lock (flc_link) */

/* flc_blocker of a waiter that is being woken (see the header comment). */
static struct file_lock_core locks_in_transit;

static atomic_long_t nr_file_locks = ATOMIC_LONG_INIT(0);

#define IS_POSIX(fl) ((fl)->c.flc_flags & FL_POSIX)
#define IS_FLOCK(fl) ((fl)->c.flc_flags & FL_FLOCK)
#define IS_LEASE(fl) ((fl)->c.flc_flags & FL_LEASE)

static inline struct file_lock *core_to_lock(struct file_lock_core *c)
{
	return container_of(c, struct file_lock, c);
}

/* ============================== lock objects ============================== */

void locks_init_lock(struct file_lock *fl)
{
	memset(fl, 0, sizeof(*fl));
	INIT_LIST_HEAD(&fl->c.flc_list);
	INIT_LIST_HEAD(&fl->c.flc_link);
	INIT_LIST_HEAD(&fl->c.flc_blocked_requests);
	INIT_LIST_HEAD(&fl->c.flc_blocked_member);
	init_waitqueue_head(&fl->c.flc_wait);
}

struct file_lock *locks_alloc_lock(void)
{
	struct file_lock *fl = kmalloc(sizeof(*fl), GFP_KERNEL);

	if (!fl)
		return NULL;
	locks_init_lock(fl);
	atomic_long_inc(&nr_file_locks);
	return fl;
}

long locks_nr_allocated(void)
{
	return atomic_long_read(&nr_file_locks);
}

/* Give the file system its say before a lock is forgotten (may sleep unless a lease). */
void locks_release_private(struct file_lock *fl)
{
	if (fl->fl_ops) {
		if (fl->fl_ops->fl_release_private)
			vfs_call_fl_release_private(fl);
		fl->fl_ops = NULL;
	}
	fl->fl_lmops = NULL;
}

void locks_free_lock(struct file_lock *fl)
{
	WARN_ON(!list_empty(&fl->c.flc_list));
	WARN_ON(!list_empty(&fl->c.flc_blocked_requests));
	WARN_ON(!list_empty(&fl->c.flc_blocked_member));
	WARN_ON(!list_empty(&fl->c.flc_link));
	locks_release_private(fl);
	kfree(fl);
	atomic_long_dec(&nr_file_locks);
}

static void locks_dispose_list(struct list_head *dispose)
{
	while (!list_empty(dispose)) {
		struct file_lock *fl = list_first_entry(dispose, struct file_lock, c.flc_list);

		list_del_init(&fl->c.flc_list);
		locks_free_lock(fl);
	}
}

/* The lock's identity and range, without the file system's private part (F_GETLK). */
static void locks_copy_conflock(struct file_lock *new, const struct file_lock *fl)
{
	new->c.flc_owner = fl->c.flc_owner;
	new->c.flc_pid = fl->c.flc_pid;
	new->c.flc_file = NULL;
	new->c.flc_flags = fl->c.flc_flags;
	new->c.flc_type = fl->c.flc_type;
	new->fl_start = fl->fl_start;
	new->fl_end = fl->fl_end;
	new->fl_lmops = fl->fl_lmops;
	new->fl_ops = NULL;
}

/* A full copy, file system part included: ->fl_copy_lock with flc_lock held (the spec). */
static void locks_copy_lock(struct file_lock_context *ctx, struct file_lock *new,
			    struct file_lock *fl)
{
	WARN_ON(new->fl_ops);
	locks_copy_conflock(new, fl);
	new->c.flc_file = fl->c.flc_file;
	new->fl_ops = fl->fl_ops;
	new->fl_break_time = fl->fl_break_time;
	new->fl_downgrade_time = fl->fl_downgrade_time;
	if (fl->fl_ops && fl->fl_ops->fl_copy_lock)
		vfs_call_fl_copy_lock(ctx, new, fl);
}

/* ============================== per-inode context ============================== */

static struct file_lock_context *locks_inode_context(struct inode *inode)
{
	return smp_load_acquire(&inode->i_flctx);
}

/*
 * The inode's lock context, made on first use. Two racing makers: the
 * cmpxchg decides and the loser frees its copy. F_UNLCK never needs one.
 */
static struct file_lock_context *locks_get_lock_context(struct inode *inode, int type)
{
	struct file_lock_context *ctx = locks_inode_context(inode), *new;

	if (ctx || type == F_UNLCK)
		return ctx;
	new = kmalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return NULL;
	spin_lock_init(&new->flc_lock);
	INIT_LIST_HEAD(&new->flc_flock);
	INIT_LIST_HEAD(&new->flc_posix);
	INIT_LIST_HEAD(&new->flc_lease);
	INIT_LIST_HEAD(&new->flc_wake);
	if (!try_cmpxchg(&inode->i_flctx, &ctx, new)) {
		kfree(new);
		return ctx;
	}
	return new;
}

/* Inode eviction: no locks may be left (the last close removed them). */
void locks_free_lock_context(struct inode *inode)
{
	struct file_lock_context *ctx = inode->i_flctx;

	if (!ctx)
		return;
	WARN_ON(!list_empty(&ctx->flc_flock));
	WARN_ON(!list_empty(&ctx->flc_posix));
	WARN_ON(!list_empty(&ctx->flc_lease));
	inode->i_flctx = NULL;
	kfree(ctx);
}

/* ============================== blocking and waking ============================== */

/* Hang waiter on blocker. Both locks held: the caller's flc_lock and blocked_lock_lock. */
static void __locks_insert_block(struct file_lock *blocker, struct file_lock *waiter)
{
	lockdep_assert_held(&blocked_lock_lock);
	WARN_ON(!list_empty(&waiter->c.flc_blocked_member));
	waiter->c.flc_blocker = &blocker->c;
	list_add_tail(&waiter->c.flc_blocked_member, &blocker->c.flc_blocked_requests);
	if (IS_POSIX(waiter))
		list_add_tail(&waiter->c.flc_link, &blocked_list);
}

static void locks_insert_block(struct file_lock *blocker, struct file_lock *waiter)
{
	spin_lock(&blocked_lock_lock);
	__locks_insert_block(blocker, waiter);
	spin_unlock(&blocked_lock_lock);
}

/* Unhook waiter from whatever it waits on (blocker or a wake list). */
static void __locks_delete_block(struct file_lock *waiter)
{
	lockdep_assert_held(&blocked_lock_lock);
	list_del_init(&waiter->c.flc_blocked_member);
	list_del_init(&waiter->c.flc_link);
	smp_store_release(&waiter->c.flc_blocker, NULL);
}

/*
 * The request is done waiting (granted, failed or given up): make sure
 * it hangs nowhere. Returns 0 if it was still blocked, -ENOENT if not.
 */
static int locks_delete_block(struct file_lock *waiter)
{
	int status = -ENOENT;

	/* Not blocked and no waker still working on it: nothing to do, no lock. */
	if (!smp_load_acquire(&waiter->c.flc_blocker) &&
	    list_empty(&waiter->c.flc_blocked_member))
		return status;
	spin_lock(&blocked_lock_lock);
	if (waiter->c.flc_blocker)
		status = 0;
	__locks_delete_block(waiter);
	spin_unlock(&blocked_lock_lock);
	return status;
}

/*
 * blocker goes away or changes: move its waiters to ctx->flc_wake (the
 * caller holds ctx->flc_lock; it calls locks_notify_waiters(ctx) once
 * that is dropped).
 */
static void locks_wake_up_blocks(struct file_lock_context *ctx, struct file_lock_core *blocker)
{
	lockdep_assert_held(&ctx->flc_lock);
	if (list_empty(&blocker->flc_blocked_requests))
		return;
	spin_lock(&blocked_lock_lock);
	while (!list_empty(&blocker->flc_blocked_requests)) {
		struct file_lock_core *w = list_first_entry(&blocker->flc_blocked_requests,
							    struct file_lock_core,
							    flc_blocked_member);

		list_move_tail(&w->flc_blocked_member, &ctx->flc_wake);
		list_del_init(&w->flc_link);	/* off blocked_list: it waits for nobody now */
		w->flc_blocker = &locks_in_transit;
	}
	spin_unlock(&blocked_lock_lock);
}

/* Wake one waiter: ->lm_notify under blocked_lock_lock, flc_lock not held. */
static void locks_notify_one(struct file_lock *w)
{
	lockdep_assert_held(&blocked_lock_lock);
	list_del_init(&w->c.flc_blocked_member);
	if (w->fl_lmops && w->fl_lmops->lm_notify)
		vfs_call_lm_notify(w);
	else
		wake_up(&w->c.flc_wait);
	/* After this store the waiter may free itself. */
	smp_store_release(&w->c.flc_blocker, NULL);
}

/* After dropping ctx->flc_lock: wake everybody put on ctx->flc_wake (by us or others). */
static void locks_notify_waiters(struct file_lock_context *ctx)
{
	lockdep_assert_not_held(&ctx->flc_lock);
	if (list_empty(&ctx->flc_wake))
		return;
	spin_lock(&blocked_lock_lock);
	while (!list_empty(&ctx->flc_wake))
		locks_notify_one(core_to_lock(list_first_entry(&ctx->flc_wake,
								struct file_lock_core,
								flc_blocked_member)));
	spin_unlock(&blocked_lock_lock);
}

/* ---- the sleeper's lock manager (Kestrel's default for F_SETLKW and flock) ---- */

static void locks_sleeper_notify(struct file_lock *fl)
{
	/* Under blocked_lock_lock: the sleeper reads fl_wait_result after waking. */
	WRITE_ONCE(fl->fl_wait_result, LOCK_RETRY);
	wake_up(&fl->c.flc_wait);
}

static int locks_sleeper_grant(struct file_lock *fl, struct file_lock *conf, int result)
{
	if (result == FILE_LOCK_DEFERRED || result == LOCK_RETRY)
		return -EINVAL;
	smp_store_release(&fl->fl_wait_result, result);
	wake_up(&fl->c.flc_wait);
	return 0;
}

const struct lock_manager_operations locks_sleeper_lmops = {
	.lm_notify = locks_sleeper_notify,
	.lm_grant = locks_sleeper_grant,
};

int locks_grant_deferred(struct file_lock *fl, struct file_lock *conf, int result)
{
	if (!fl->fl_lmops || !fl->fl_lmops->lm_grant)
		return -ENOLCK;
	return vfs_call_lm_grant(fl, conf, result);
}

/* ============================== applied locks ============================== */

static void locks_insert_global_locks(struct file_lock *fl)
{
	spin_lock(&file_lock_list_lock);
	list_add_tail(&fl->c.flc_link, &file_lock_list);
	spin_unlock(&file_lock_list_lock);
}

static void locks_delete_global_locks(struct file_lock *fl)
{
	spin_lock(&file_lock_list_lock);
	list_del_init(&fl->c.flc_link);
	spin_unlock(&file_lock_list_lock);
}

/* Under flc_lock: fl becomes an applied lock, placed before pos. */
static void locks_insert_lock_ctx(struct file_lock *fl, struct list_head *pos)
{
	list_add_tail(&fl->c.flc_list, pos);
	locks_insert_global_locks(fl);
}

/* Under flc_lock: fl stops being applied; its waiters are to be woken. */
static void locks_unlink_lock_ctx(struct file_lock_context *ctx, struct file_lock *fl)
{
	locks_delete_global_locks(fl);
	list_del_init(&fl->c.flc_list);
	locks_wake_up_blocks(ctx, &fl->c);
}

/* The same, and fl is freed by the caller after dropping flc_lock. */
static void locks_delete_lock_ctx(struct file_lock_context *ctx, struct file_lock *fl,
				  struct list_head *dispose)
{
	locks_unlink_lock_ctx(ctx, fl);
	list_add_tail(&fl->c.flc_list, dispose);
}

/* ============================== POSIX locks ============================== */

static bool posix_same_owner(const struct file_lock *a, const struct file_lock *b)
{
	return a->c.flc_owner == b->c.flc_owner;
}

static bool locks_overlap(const struct file_lock *a, const struct file_lock *b)
{
	return a->fl_end >= b->fl_start && b->fl_end >= a->fl_start;
}

/* Two locks of different owners on overlapping bytes, one of them a write lock. */
static bool posix_locks_conflict(const struct file_lock *req, const struct file_lock *fl)
{
	if (!IS_POSIX(fl) || posix_same_owner(req, fl) || !locks_overlap(req, fl))
		return false;
	return req->c.flc_type == F_WRLCK || fl->c.flc_type == F_WRLCK;
}

#define MAX_DEADLK_ITERATIONS 10

/* The lock that block's owner is itself waiting for, if it waits (blocked_list). */
static struct file_lock_core *what_owner_is_waiting_for(struct file_lock_core *block)
{
	struct file_lock_core *w;

	list_for_each_entry(w, &blocked_list, flc_link)
		if (w->flc_owner == block->flc_owner)
			return w->flc_blocker;
	return NULL;
}

/*
 * Would caller waiting on block close a cycle? Follow "owner of the lock
 * -> the lock that owner waits for" from block; reaching the caller's
 * owner means everybody on the cycle would sleep forever. The walk is
 * bounded (as in Linux) so a long chain cannot hold the spinlock long.
 */
static bool posix_locks_deadlock(struct file_lock *caller, struct file_lock *block)
{
	struct file_lock_core *b = &block->c;
	int i = 0;

	lockdep_assert_held(&blocked_lock_lock);
	if (b->flc_owner == caller->c.flc_owner)
		return true;
	while ((b = what_owner_is_waiting_for(b))) {
		if (i++ > MAX_DEADLK_ITERATIONS)
			return false;
		if (b->flc_owner == caller->c.flc_owner)
			return true;
	}
	return false;
}

void posix_test_lock(struct file *filp, struct file_lock *fl)
{
	struct file_lock_context *ctx = locks_inode_context(file_inode(filp));
	struct file_lock *cfl;

	if (ctx && !list_empty(&ctx->flc_posix)) {
		spin_lock(&ctx->flc_lock);
		list_for_each_entry(cfl, &ctx->flc_posix, c.flc_list) {
			if (posix_locks_conflict(fl, cfl)) {
				locks_copy_conflock(fl, cfl);
				spin_unlock(&ctx->flc_lock);
				return;
			}
		}
		spin_unlock(&ctx->flc_lock);
	}
	fl->c.flc_type = F_UNLCK;
}

/*
 * Apply request to the owner's locks on the inode: the heart of POSIX
 * locking. The owner's locks never overlap each other; a new lock
 *   - merges with the owner's locks of the same type that overlap or
 *     touch it (one lock grows, the others go),
 *   - cuts the owner's locks of another type where it overlaps them
 *     (F_UNLCK is such a "type"): a lock it covers goes, a lock it ends
 *     inside shrinks, a lock that covers it is split in two.
 * Both new locks that may be needed are allocated before taking the
 * spinlock, so nothing can fail halfway through changing the list.
 * Shrunk or removed locks wake their waiters, which retry.
 */
static int posix_lock_inode(struct inode *inode, struct file_lock *request,
			    struct file_lock *conflock)
{
	struct file_lock *fl, *tmp, *new_fl = NULL, *new_fl2 = NULL, *left = NULL, *right = NULL;
	struct file_lock_context *ctx;
	LIST_HEAD(dispose);
	bool added = false;
	int error;

	ctx = locks_get_lock_context(inode, request->c.flc_type);
	if (!ctx)
		return request->c.flc_type == F_UNLCK ? 0 : -ENOMEM;

	if (!(request->c.flc_flags & FL_ACCESS) &&
	    (request->c.flc_type != F_UNLCK || request->fl_start != 0 ||
	     request->fl_end != OFFSET_MAX)) {
		new_fl = locks_alloc_lock();
		new_fl2 = locks_alloc_lock();
	}

	spin_lock(&ctx->flc_lock);
	if (request->c.flc_type != F_UNLCK) {
		list_for_each_entry(fl, &ctx->flc_posix, c.flc_list) {
			if (!posix_locks_conflict(request, fl))
				continue;
			if (conflock)
				locks_copy_conflock(conflock, fl);
			error = -EAGAIN;
			if (!(request->c.flc_flags & FL_SLEEP))
				goto out;
			error = -EDEADLK;
			spin_lock(&blocked_lock_lock);
			if (!posix_locks_deadlock(request, fl)) {
				error = FILE_LOCK_DEFERRED;
				__locks_insert_block(fl, request);
			}
			spin_unlock(&blocked_lock_lock);
			goto out;
		}
	}

	error = 0;
	if (request->c.flc_flags & FL_ACCESS)
		goto out;

	/* The owner's first lock (the list is sorted by owner, then start). */
	list_for_each_entry(fl, &ctx->flc_posix, c.flc_list)
		if (posix_same_owner(request, fl))
			break;

	for (; &fl->c.flc_list != &ctx->flc_posix; fl = tmp) {
		tmp = list_next_entry(fl, c.flc_list);
		if (!posix_same_owner(request, fl))
			break;
		if (request->c.flc_type == fl->c.flc_type) {
			/* Same type: merge if they overlap or touch ("-1": adjacent). */
			if (fl->fl_end < request->fl_start - 1)
				continue;
			if (fl->fl_start - 1 > request->fl_end)
				break;
			if (fl->fl_start > request->fl_start)
				fl->fl_start = request->fl_start;
			else
				request->fl_start = fl->fl_start;
			if (fl->fl_end < request->fl_end)
				fl->fl_end = request->fl_end;
			else
				request->fl_end = fl->fl_end;
			if (added) {
				locks_delete_lock_ctx(ctx, fl, &dispose);
				continue;
			}
			/* fl grew to cover the request: it is the new lock from now on. */
			request = fl;
			added = true;
		} else {
			/* Another type: cut fl where the request overlaps it. */
			if (fl->fl_end < request->fl_start)
				continue;
			if (fl->fl_start > request->fl_end)
				break;
			if (request->c.flc_type == F_UNLCK)
				added = true;
			if (fl->fl_start < request->fl_start)
				left = fl;
			if (fl->fl_end > request->fl_end) {
				right = fl;
				break;
			}
			if (fl->fl_start >= request->fl_start) {
				/* fl lies inside the request: it goes. */
				if (added) {
					locks_delete_lock_ctx(ctx, fl, &dispose);
					continue;
				}
				/* The new lock takes fl's place in the list. */
				error = -ENOLCK;
				if (!new_fl)
					goto out;
				locks_copy_lock(ctx, new_fl, request);
				request = new_fl;
				new_fl = NULL;
				locks_insert_lock_ctx(request, &fl->c.flc_list);
				locks_delete_lock_ctx(ctx, fl, &dispose);
				added = true;
			}
		}
	}

	error = -ENOLCK;	/* the split needs the second lock */
	if (right && left == right && !new_fl2)
		goto out;

	error = 0;
	if (!added) {
		if (request->c.flc_type == F_UNLCK) {
			if (request->c.flc_flags & FL_EXISTS)
				error = -ENOENT;
			goto out;
		}
		error = -ENOLCK;
		if (!new_fl)
			goto out;
		error = 0;
		locks_copy_lock(ctx, new_fl, request);
		locks_insert_lock_ctx(new_fl, &fl->c.flc_list);
		fl = new_fl;
		new_fl = NULL;
	}
	if (right) {
		if (left == right) {
			/* The request lies inside one old lock: that lock becomes two. */
			left = new_fl2;
			new_fl2 = NULL;
			locks_copy_lock(ctx, left, right);
			locks_insert_lock_ctx(left, &fl->c.flc_list);
		}
		right->fl_start = request->fl_end + 1;
		locks_wake_up_blocks(ctx, &right->c);
	}
	if (left) {
		left->fl_end = request->fl_start - 1;
		locks_wake_up_blocks(ctx, &left->c);
	}
out:
	spin_unlock(&ctx->flc_lock);
	locks_notify_waiters(ctx);
	if (new_fl)
		locks_free_lock(new_fl);
	if (new_fl2)
		locks_free_lock(new_fl2);
	locks_dispose_list(&dispose);
	return error;
}

int posix_lock_file(struct file *filp, struct file_lock *fl, struct file_lock *conflock)
{
	return posix_lock_inode(file_inode(filp), fl, conflock);
}

int vfs_lock_file(struct file *filp, unsigned int cmd, struct file_lock *fl,
		  struct file_lock *conf)
{
	if (filp->f_op && filp->f_op->lock)
		return vfs_call_lock(filp, cmd, fl);
	return posix_lock_file(filp, fl, conf);
}

int vfs_test_lock(struct file *filp, struct file_lock *fl)
{
	if (filp->f_op && filp->f_op->lock)
		return vfs_call_lock(filp, F_GETLK, fl);
	posix_test_lock(filp, fl);
	return 0;
}

/* ============================== flock locks ============================== */

/* flock locks conflict between different open files when either is exclusive. */
static bool flock_locks_conflict(const struct file_lock *req, const struct file_lock *fl)
{
	if (!IS_FLOCK(fl) || req->c.flc_file == fl->c.flc_file)
		return false;
	return req->c.flc_type == F_WRLCK || fl->c.flc_type == F_WRLCK;
}

/*
 * One open file holds at most one flock lock. A new request of another
 * type first drops the old lock (conversion is not atomic, as in Linux
 * and BSD: another waiter may get in between), then is granted unless
 * another file's lock conflicts.
 */
static int flock_lock_inode(struct inode *inode, struct file_lock *request)
{
	struct file_lock *new_fl = NULL, *fl;
	struct file_lock_context *ctx;
	LIST_HEAD(dispose);
	bool found = false;
	int error = 0;

	ctx = locks_get_lock_context(inode, request->c.flc_type);
	if (!ctx) {
		if (request->c.flc_type != F_UNLCK)
			return -ENOMEM;
		return (request->c.flc_flags & FL_EXISTS) ? -ENOENT : 0;
	}
	if (!(request->c.flc_flags & FL_ACCESS) && request->c.flc_type != F_UNLCK) {
		new_fl = locks_alloc_lock();
		if (!new_fl)
			return -ENOMEM;
	}

	spin_lock(&ctx->flc_lock);
	if (request->c.flc_flags & FL_ACCESS)
		goto find_conflict;

	list_for_each_entry(fl, &ctx->flc_flock, c.flc_list) {
		if (request->c.flc_file != fl->c.flc_file)
			continue;
		if (request->c.flc_type == fl->c.flc_type)
			goto out;	/* already held */
		found = true;
		locks_delete_lock_ctx(ctx, fl, &dispose);
		break;
	}

	if (request->c.flc_type == F_UNLCK) {
		if ((request->c.flc_flags & FL_EXISTS) && !found)
			error = -ENOENT;
		goto out;
	}

find_conflict:
	list_for_each_entry(fl, &ctx->flc_flock, c.flc_list) {
		if (!flock_locks_conflict(request, fl))
			continue;
		error = -EAGAIN;
		if (!(request->c.flc_flags & FL_SLEEP))
			goto out;
		error = FILE_LOCK_DEFERRED;
		locks_insert_block(fl, request);
		goto out;
	}
	if (request->c.flc_flags & FL_ACCESS)
		goto out;
	locks_copy_lock(ctx, new_fl, request);
	locks_insert_lock_ctx(new_fl, &ctx->flc_flock);
	new_fl = NULL;
	error = 0;
out:
	spin_unlock(&ctx->flc_lock);
	locks_notify_waiters(ctx);
	if (new_fl)
		locks_free_lock(new_fl);
	locks_dispose_list(&dispose);
	return error;
}

/* ============================== sleeping for a lock ============================== */

/* One attempt: flock or POSIX, through the file's own op if it has one. */
static int locks_try_once(struct file *filp, struct file_lock *fl)
{
	if (IS_FLOCK(fl)) {
		if (filp->f_op && filp->f_op->flock)
			return vfs_call_flock(filp, F_SETLKW, fl);
		return flock_lock_inode(file_inode(filp), fl);
	}
	return vfs_lock_file(filp, (fl->c.flc_flags & FL_SLEEP) ? F_SETLKW : F_SETLK, fl, NULL);
}

/*
 * Try; while the answer is "queued" sleep until ->lm_notify says the
 * blocker went (try again) or ->lm_grant brings a file system's verdict.
 * A lock may be held for as long as its owner likes, so the sleep is
 * interruptible (not a hung task), as in Linux: a signal ends it with
 * -ERESTARTSYS (EINTR, or a restart under SA_RESTART) and we leave the
 * blocker's queue.
 */
int locks_lock_file_wait(struct file *filp, struct file_lock *fl)
{
	int error;

	if ((fl->c.flc_flags & FL_SLEEP) && !fl->fl_lmops)
		fl->fl_lmops = &locks_sleeper_lmops;
	might_sleep();
	for (;;) {
		WRITE_ONCE(fl->fl_wait_result, FILE_LOCK_DEFERRED);
		error = locks_try_once(filp, fl);
		if (error != FILE_LOCK_DEFERRED)
			break;
		error = wait_event_interruptible(fl->c.flc_wait, smp_load_acquire(&fl->fl_wait_result) !=
								    FILE_LOCK_DEFERRED);
		if (error)
			break;	/* -ERESTARTSYS */
		error = smp_load_acquire(&fl->fl_wait_result);
		if (error != LOCK_RETRY)
			break;	/* ->lm_grant's verdict */
	}
	locks_delete_block(fl);
	if (fl->fl_lmops == &locks_sleeper_lmops)
		fl->fl_lmops = NULL;
	return error;
}

/* ============================== flock(2) ============================== */

int file_flock(struct file *filp, unsigned int cmd)
{
	struct file_lock *fl;
	int type, error;

	switch (cmd & ~LOCK_NB) {
	case LOCK_SH:
		type = F_RDLCK;
		break;
	case LOCK_EX:
		type = F_WRLCK;
		break;
	case LOCK_UN:
		type = F_UNLCK;
		break;
	default:
		return -EINVAL;
	}
	/* Linux needs the file open for reading or writing (not O_PATH). */
	if (!(filp->f_mode & (FMODE_READ | FMODE_WRITE)))
		return -EBADF;
	fl = locks_alloc_lock();
	if (!fl)
		return -ENOMEM;
	fl->c.flc_file = filp;
	fl->c.flc_owner = filp;
	fl->c.flc_pid = current->pid;
	fl->c.flc_flags = FL_FLOCK;
	fl->c.flc_type = type;
	fl->fl_end = OFFSET_MAX;
	if (!(cmd & LOCK_NB) && type != F_UNLCK)
		fl->c.flc_flags |= FL_SLEEP;
	error = locks_lock_file_wait(filp, fl);
	locks_free_lock(fl);
	return error;
}

/* ============================== fcntl struct flock ============================== */

int flock_to_posix_lock(struct file *filp, struct file_lock *fl, const struct flock *l)
{
	loff_t start, end;

	switch (l->l_whence) {
	case SEEK_SET:
		start = 0;
		break;
	case SEEK_CUR:
		start = filp->f_pos;
		break;
	case SEEK_END:
		start = i_size_read(file_inode(filp));
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(start, l->l_start, &start))
		return -EOVERFLOW;
	if (start < 0)
		return -EINVAL;
	if (l->l_len > 0) {
		if (__builtin_add_overflow(start, l->l_len - 1, &end))
			return -EOVERFLOW;
	} else if (l->l_len < 0) {
		/* POSIX: a negative length locks the bytes before l_start. */
		end = start - 1;
		start += l->l_len;
		if (start < 0)
			return -EINVAL;
	} else {
		end = OFFSET_MAX;	/* to the end of the file, however it grows */
	}
	fl->fl_start = start;
	fl->fl_end = end;
	fl->c.flc_type = l->l_type;
	fl->c.flc_file = filp;
	fl->c.flc_pid = current->pid;
	fl->c.flc_flags = FL_POSIX;
	return 0;
}

void posix_lock_to_flock(struct flock *l, const struct file_lock *fl)
{
	l->l_type = fl->c.flc_type;
	l->l_whence = SEEK_SET;
	l->l_start = fl->fl_start;
	l->l_len = fl->fl_end == OFFSET_MAX ? 0 : fl->fl_end - fl->fl_start + 1;
	l->l_pid = fl->c.flc_pid;
}

/* ============================== close ============================== */

/* owner closes a descriptor of filp: all its POSIX locks on the file go (POSIX). */
void locks_remove_posix(struct file *filp, fl_owner_t owner)
{
	struct file_lock_context *ctx = locks_inode_context(file_inode(filp));
	struct file_lock lock;

	if (!ctx || list_empty(&ctx->flc_posix))
		return;
	locks_init_lock(&lock);
	lock.c.flc_type = F_UNLCK;
	lock.c.flc_flags = FL_POSIX | FL_CLOSE;
	lock.fl_start = 0;
	lock.fl_end = OFFSET_MAX;
	lock.c.flc_owner = owner;
	lock.c.flc_pid = current->pid;
	lock.c.flc_file = filp;
	vfs_lock_file(filp, F_SETLK, &lock, NULL);
	locks_release_private(&lock);
}

static void locks_remove_flock(struct file *filp, struct file_lock_context *ctx)
{
	struct file_lock lock;

	if (list_empty(&ctx->flc_flock))
		return;
	locks_init_lock(&lock);
	lock.c.flc_type = F_UNLCK;
	lock.c.flc_flags = FL_FLOCK | FL_CLOSE;
	lock.fl_end = OFFSET_MAX;
	lock.c.flc_owner = filp;
	lock.c.flc_file = filp;
	if (filp->f_op && filp->f_op->flock)
		vfs_call_flock(filp, F_SETLKW, &lock);
	else
		flock_lock_inode(file_inode(filp), &lock);
	locks_release_private(&lock);
}

static void locks_remove_lease(struct file *filp, struct file_lock_context *ctx);

/* The last reference to an open file is going (fput): its locks and leases go. */
void locks_remove_file(struct file *filp)
{
	struct file_lock_context *ctx = locks_inode_context(file_inode(filp));

	if (!ctx)
		return;
	/* A POSIX lock taken with filp as owner (Linux: OFD locks; lock managers). */
	locks_remove_posix(filp, filp);
	locks_remove_flock(filp, ctx);
	locks_remove_lease(filp, ctx);
}

/* ============================== leases ============================== */

/*
 * A lease (F_SETLEASE) tells its holder, by ->lm_break, that someone
 * else opens the file in a conflicting way (a read lease: for writing;
 * a write lease: at all), and gives it lease_break_time seconds to flush
 * and give the lease up (F_UNLCK) or down (F_RDLCK). The opener waits,
 * blocked on the lease, until then; after that time the lease is taken
 * away. Leases belong to the open file (flc_file, flc_owner).
 */

static bool lease_breaking(const struct file_lock *fl)
{
	return fl->c.flc_flags & (FL_UNLOCK_PENDING | FL_DOWNGRADE_PENDING);
}

static int target_leasetype(const struct file_lock *fl)
{
	if (fl->c.flc_flags & FL_UNLOCK_PENDING)
		return F_UNLCK;
	if (fl->c.flc_flags & FL_DOWNGRADE_PENDING)
		return F_RDLCK;
	return fl->c.flc_type;
}

/*
 * The default ->lm_change (flc_lock held): give a lease another type, or
 * remove it (F_UNLCK). A removed lease is freed at once, still under
 * flc_lock: this is why the spec says ->fl_release_private of a lease
 * must not block (its wrapper checks that).
 */
int lease_modify(struct file_lock **flp, int arg)
{
	struct file_lock *fl = *flp;
	struct file_lock_context *ctx = locks_inode_context(file_inode(fl->c.flc_file));

	if (arg != F_UNLCK && arg != F_RDLCK && arg != F_WRLCK)
		return -EINVAL;
	if (arg == F_UNLCK)
		fl->c.flc_flags &= ~FL_UNLOCK_PENDING;
	fl->c.flc_flags &= ~FL_DOWNGRADE_PENDING;
	locks_wake_up_blocks(ctx, &fl->c);	/* breakers look again */
	if (arg == F_UNLCK) {
		locks_unlink_lock_ctx(ctx, fl);
		locks_free_lock(fl);
		*flp = NULL;
		return 0;
	}
	fl->c.flc_type = arg;
	return 0;
}

/*
 * SIGIO to the process that holds a lease being broken (Linux: the lease's
 * fasync entry and f_owner, both set to the F_SETLEASE caller, get
 * kill_fasync(..., SIGIO, POLL_MSG)); it then has lease_break_time seconds
 * to give the lease up. Kernel threads holding leases (tests) get nothing.
 */
static void lease_break_send_sigio(struct file_lock *fl)
{
	kill_pid(fl->c.flc_pid, SIGIO, 1);
}

/* The default ->lm_break (flc_lock held, must not block). */
static void lease_break_callback(struct file_lock *fl)
{
	lease_break_send_sigio(fl);
}

static const struct lock_manager_operations lease_manager_ops = {
	.lm_break = lease_break_callback,
	.lm_change = lease_modify,
};

/* Does the lease stand in the way of breaker (F_WRLCK: an open for writing)? */
static bool leases_conflict(struct file_lock_context *ctx, struct file_lock *lease,
			    struct file_lock *breaker)
{
	if (lease->fl_lmops->lm_breaker_owns_lease &&
	    vfs_call_lm_breaker_owns_lease(ctx, lease))
		return false;
	return breaker->c.flc_type == F_WRLCK || lease->c.flc_type == F_WRLCK;
}

static bool any_leases_conflict(struct file_lock_context *ctx, struct file_lock *breaker)
{
	struct file_lock *fl;

	list_for_each_entry(fl, &ctx->flc_lease, c.flc_list)
		if (leases_conflict(ctx, fl, breaker))
			return true;
	return false;
}

/* Under flc_lock: leases whose break time passed are downgraded or removed. */
static void time_out_leases(struct file_lock_context *ctx)
{
	struct file_lock *fl, *tmp;
	u64 now = get_jiffies_64();

	list_for_each_entry_safe(fl, tmp, &ctx->flc_lease, c.flc_list) {
		struct file_lock *l = fl;

		if ((fl->c.flc_flags & FL_DOWNGRADE_PENDING) &&
		    time_after_eq64(now, fl->fl_downgrade_time))
			vfs_call_lm_change(ctx, &l, F_RDLCK);
		if (l && (l->c.flc_flags & FL_UNLOCK_PENDING) &&
		    time_after_eq64(now, l->fl_break_time))
			vfs_call_lm_change(ctx, &l, F_UNLCK);
	}
}

static struct file_lock *lease_alloc(struct file *filp, int type)
{
	struct file_lock *fl = locks_alloc_lock();

	if (!fl)
		return NULL;
	fl->c.flc_flags = FL_LEASE;
	fl->c.flc_type = type;
	fl->c.flc_file = filp;
	fl->c.flc_owner = filp;
	fl->c.flc_pid = current->pid;
	fl->fl_end = OFFSET_MAX;
	fl->fl_lmops = &lease_manager_ops;
	return fl;
}

int __break_lease(struct inode *inode, unsigned int mode)
{
	struct file_lock_context *ctx = locks_inode_context(inode);
	bool want_write = (mode & O_ACCMODE) != O_RDONLY;
	struct file_lock *breaker, *fl;
	u64 break_time;
	long timeout;
	int error = 0;

	if (!ctx)
		return 0;
	breaker = lease_alloc(NULL, want_write ? F_WRLCK : F_RDLCK);
	if (!breaker)
		return -ENOMEM;

	spin_lock(&ctx->flc_lock);
	time_out_leases(ctx);
	if (!any_leases_conflict(ctx, breaker))
		goto out;

	break_time = get_jiffies_64() + (u64)lease_break_time * HZ;
	list_for_each_entry(fl, &ctx->flc_lease, c.flc_list) {
		if (!leases_conflict(ctx, fl, breaker))
			continue;
		if (want_write) {
			if (fl->c.flc_flags & FL_UNLOCK_PENDING)
				continue;
			fl->c.flc_flags |= FL_UNLOCK_PENDING;
			fl->fl_break_time = break_time;
		} else {
			if (lease_breaking(fl))
				continue;
			fl->c.flc_flags |= FL_DOWNGRADE_PENDING;
			fl->fl_downgrade_time = break_time;
		}
		if (fl->fl_lmops->lm_break)
			vfs_call_lm_break(ctx, fl);
	}

	if (mode & O_NONBLOCK) {
		error = -EWOULDBLOCK;
		goto out;
	}

	while (any_leases_conflict(ctx, breaker)) {
		/* Wait on the first conflicting lease until it changes or its time is up. */
		list_for_each_entry(fl, &ctx->flc_lease, c.flc_list)
			if (leases_conflict(ctx, fl, breaker))
				break;
		break_time = (fl->c.flc_flags & FL_UNLOCK_PENDING) ? fl->fl_break_time
								  : fl->fl_downgrade_time;
		timeout = (long)(break_time - get_jiffies_64());
		if (timeout < 1)
			timeout = 1;
		locks_insert_block(fl, breaker);
		spin_unlock(&ctx->flc_lock);
		locks_notify_waiters(ctx);

		timeout = wait_event_interruptible_timeout(
			breaker->c.flc_wait, list_empty(&breaker->c.flc_blocked_member), timeout);

		spin_lock(&ctx->flc_lock);
		locks_delete_block(breaker);
		time_out_leases(ctx);
		if (timeout < 0) {
			error = timeout;	/* a signal: -ERESTARTSYS, as Linux */
			break;
		}
	}
out:
	spin_unlock(&ctx->flc_lock);
	locks_notify_waiters(ctx);
	locks_free_lock(breaker);
	return error;
}

/*
 * Can filp take a lease of type arg? A read lease: nobody has the file
 * open for writing. A write lease: nobody but filp itself. (Linux also
 * counts readers; Kestrel's inode has no i_readcount, so a write
 * lease only excludes other writers.)
 */
static int check_conflicting_open(struct file *filp, int arg)
{
	struct inode *inode = file_inode(filp);
	int self_wcount = (filp->f_mode & FMODE_WRITE) ? 1 : 0;

	if (arg == F_RDLCK && atomic_read(&inode->i_writecount) > 0)
		return -EAGAIN;
	if (arg == F_WRLCK && atomic_read(&inode->i_writecount) != self_wcount)
		return -EAGAIN;
	return 0;
}

static int generic_add_lease(struct file *filp, int arg, struct file_lock **flp)
{
	struct inode *inode = file_inode(filp);
	struct file_lock *fl, *my_fl = NULL, *lease = *flp;
	struct file_lock_context *ctx = locks_get_lock_context(inode, arg);
	int error;

	if (!ctx)
		return -ENOMEM;
	spin_lock(&ctx->flc_lock);
	time_out_leases(ctx);
	error = check_conflicting_open(filp, arg);
	if (error)
		goto out;

	/* A lease being broken cannot be renewed; a write lease needs the file alone. */
	error = -EAGAIN;
	list_for_each_entry(fl, &ctx->flc_lease, c.flc_list) {
		if (fl->c.flc_file == filp && fl->c.flc_owner == lease->c.flc_owner) {
			my_fl = fl;
			continue;
		}
		if (arg == F_WRLCK || lease_breaking(fl))
			goto out;
	}
	if (my_fl) {
		if (lease_breaking(my_fl))
			goto out;
		error = vfs_call_lm_change(ctx, &my_fl, arg);
		goto out;
	}
	locks_insert_lock_ctx(lease, &ctx->flc_lease);
	*flp = NULL;	/* the list owns it now */
	error = 0;
out:
	spin_unlock(&ctx->flc_lock);
	locks_notify_waiters(ctx);
	return error;
}

static int generic_delete_lease(struct file *filp, void *owner)
{
	struct file_lock_context *ctx = locks_inode_context(file_inode(filp));
	struct file_lock *fl, *victim = NULL;
	int error = -EAGAIN;

	if (!ctx)
		return error;
	spin_lock(&ctx->flc_lock);
	list_for_each_entry(fl, &ctx->flc_lease, c.flc_list)
		if (fl->c.flc_file == filp && fl->c.flc_owner == owner)
			victim = fl;
	if (victim)
		error = vfs_call_lm_change(ctx, &victim, F_UNLCK);
	spin_unlock(&ctx->flc_lock);
	locks_notify_waiters(ctx);
	return error;
}

/* The setlease every file system may use (the spec: ->setlease calls it). */
int generic_setlease(struct file *filp, int arg, struct file_lock **flp, void **priv)
{
	if (!S_ISREG(file_inode(filp)->i_mode))
		return -EINVAL;
	switch (arg) {
	case F_UNLCK:
		return generic_delete_lease(filp, *priv);
	case F_RDLCK:
	case F_WRLCK:
		if (!(*flp)->fl_lmops || !(*flp)->fl_lmops->lm_break)
			return -ENOLCK;
		return generic_add_lease(filp, arg, flp);
	default:
		return -EINVAL;
	}
}

int vfs_setlease(struct file *filp, int arg, struct file_lock **lease, void **priv)
{
	if (filp->f_op && filp->f_op->setlease)
		return vfs_call_setlease(filp, arg, lease, priv);
	return generic_setlease(filp, arg, lease, priv);
}

int file_setlease(struct file *filp, int arg)
{
	struct file_lock *fl = NULL;
	void *priv = filp;	/* the owner: the open file */
	int error;

	if (arg != F_UNLCK) {
		fl = lease_alloc(filp, arg);
		if (!fl)
			return -ENOMEM;
	}
	error = vfs_setlease(filp, arg, &fl, &priv);
	if (fl)
		locks_free_lock(fl);
	return error;
}

int fcntl_getlease(struct file *filp)
{
	struct file_lock_context *ctx = locks_inode_context(file_inode(filp));
	struct file_lock *fl;
	int type = F_UNLCK;

	if (!ctx)
		return type;
	spin_lock(&ctx->flc_lock);
	time_out_leases(ctx);
	list_for_each_entry(fl, &ctx->flc_lease, c.flc_list) {
		if (fl->c.flc_file == filp) {
			type = target_leasetype(fl);
			break;
		}
	}
	spin_unlock(&ctx->flc_lock);
	locks_notify_waiters(ctx);
	return type;
}

static void locks_remove_lease(struct file *filp, struct file_lock_context *ctx)
{
	struct file_lock *fl, *tmp;

	if (list_empty(&ctx->flc_lease))
		return;
	spin_lock(&ctx->flc_lock);
	list_for_each_entry_safe(fl, tmp, &ctx->flc_lease, c.flc_list) {
		struct file_lock *l = fl;

		if (fl->c.flc_file == filp)
			vfs_call_lm_change(ctx, &l, F_UNLCK);
	}
	spin_unlock(&ctx->flc_lock);
	locks_notify_waiters(ctx);
}

/* ============================== /proc/locks ============================== */

/* One line, in Linux's format: "1: POSIX  ADVISORY  WRITE 123 08:01:1234 0 EOF". */
static size_t lock_get_status(char *buf, size_t size, struct file_lock *fl, long id,
			      const char *pfx)
{
	struct inode *inode = fl->c.flc_file ? file_inode(fl->c.flc_file) : NULL;
	int type = IS_LEASE(fl) ? target_leasetype(fl) : fl->c.flc_type;
	size_t n = scnprintf(buf, size, "%ld:%s ", id, pfx);

	if (IS_POSIX(fl))
		n += scnprintf(buf + n, size - n, "%s %s ",
			       (fl->c.flc_flags & FL_ACCESS) ? "ACCESS" : "POSIX ",
			       inode ? "ADVISORY " : "*NOINODE*");
	else if (IS_FLOCK(fl))
		n += scnprintf(buf + n, size - n, "FLOCK  ADVISORY  ");
	else if (IS_LEASE(fl))
		n += scnprintf(buf + n, size - n, "LEASE  %s",
			       lease_breaking(fl) ? "BREAKING  " :
			       fl->c.flc_file ? "ACTIVE    " : "BREAKER   ");
	else
		n += scnprintf(buf + n, size - n, "UNKNOWN UNKNOWN  ");
	n += scnprintf(buf + n, size - n, "%s ",
		       type == F_WRLCK ? "WRITE" : type == F_RDLCK ? "READ " : "UNLCK");
	if (inode) {
		dev_t dev = inode->i_sb ? inode->i_sb->s_dev : 0;

		n += scnprintf(buf + n, size - n, "%d %02x:%02x:%lu ", fl->c.flc_pid, MAJOR(dev),
			       MINOR(dev), inode->i_ino);
	} else {
		n += scnprintf(buf + n, size - n, "%d <none>:0 ", fl->c.flc_pid);
	}
	if (IS_POSIX(fl)) {
		if (fl->fl_end == OFFSET_MAX)
			n += scnprintf(buf + n, size - n, "%lld EOF\n", (long long)fl->fl_start);
		else
			n += scnprintf(buf + n, size - n, "%lld %lld\n", (long long)fl->fl_start,
				       (long long)fl->fl_end);
	} else {
		n += scnprintf(buf + n, size - n, "0 EOF\n");
	}
	return n;
}

/*
 * Every applied lock, numbered, each followed by the requests blocked on
 * it (" ->" lines), as Linux's /proc/locks. blocked_lock_lock keeps the
 * waiter lists still, file_lock_list_lock the list of locks; a lock's
 * own fields may change under its flc_lock meanwhile, which at worst
 * shows a range that is a moment old.
 */
size_t locks_proc_show(char *buf, size_t size)
{
	struct file_lock_core *c, *w;
	size_t n = 0;
	long id = 0;

	if (!size)
		return 0;
	buf[0] = '\0';
	spin_lock(&blocked_lock_lock);
	spin_lock(&file_lock_list_lock);
	list_for_each_entry(c, &file_lock_list, flc_link) {
		id++;
		n += lock_get_status(buf + n, size - n, core_to_lock(c), id, "");
		list_for_each_entry(w, &c->flc_blocked_requests, flc_blocked_member)
			n += lock_get_status(buf + n, size - n, core_to_lock(w), id, " ->");
	}
	spin_unlock(&file_lock_list_lock);
	spin_unlock(&blocked_lock_lock);
	return n;
}

/*
 * The same for a seq_file (procfs: single_open(file, locks_seq_show, NULL)).
 * Each line is formatted on the stack and copied with seq_write, which
 * does not sleep, so the spinlocks can stay held; if the text overflows
 * the buffer, seq_read_iter calls again with a bigger one.
 */
int locks_seq_show(struct seq_file *m, void *v)
{
	struct file_lock_core *c, *w;
	char line[160];
	long id = 0;

	spin_lock(&blocked_lock_lock);
	spin_lock(&file_lock_list_lock);
	list_for_each_entry(c, &file_lock_list, flc_link) {
		id++;
		seq_write(m, line, lock_get_status(line, sizeof(line), core_to_lock(c), id, ""));
		list_for_each_entry(w, &c->flc_blocked_requests, flc_blocked_member)
			seq_write(m, line, lock_get_status(line, sizeof(line), core_to_lock(w),
							   id, " ->"));
	}
	spin_unlock(&file_lock_list_lock);
	spin_unlock(&blocked_lock_lock);
	return 0;
}

/*
 * fcntl's F_GETLK/F_SETLK/F_SETLKW (fs/fcntl.c) on l, a kernel copy of
 * the caller's struct flock. The owner is the descriptor table (the
 * process), so every descriptor of it shares the locks, as POSIX says.
 */
long fcntl_posix_lock(unsigned int fd, struct file *f, unsigned int cmd, struct flock *l)
{
	struct file_lock *fl;
	long err;

	if (!l)
		return -EFAULT;
	fl = locks_alloc_lock();
	if (!fl)
		return -ENOMEM;
	err = flock_to_posix_lock(f, fl, l);
	if (err)
		goto out;
	fl->c.flc_owner = current_files();
	if (cmd == F_GETLK) {
		if (l->l_type != F_RDLCK && l->l_type != F_WRLCK) {
			err = -EINVAL;
			goto out;
		}
		err = vfs_test_lock(f, fl);
		if (!err) {
			if (fl->c.flc_type == F_UNLCK)
				l->l_type = F_UNLCK;
			else
				posix_lock_to_flock(l, fl);
		}
		goto out;
	}
	switch (l->l_type) {
	case F_RDLCK:
		err = (f->f_mode & FMODE_READ) ? 0 : -EBADF;
		break;
	case F_WRLCK:
		err = (f->f_mode & FMODE_WRITE) ? 0 : -EBADF;
		break;
	case F_UNLCK:
		break;
	default:
		err = -EINVAL;
	}
	if (err)
		goto out;
	if (cmd == F_SETLKW)
		fl->c.flc_flags |= FL_SLEEP;
	err = locks_lock_file_wait(f, fl);
	/*
	 * A close of fd may have run meanwhile: it removed the owner's locks
	 * before ours was added, and nobody would remove ours. Undo it.
	 */
	if (!err && fl->c.flc_type != F_UNLCK) {
		struct file *now = fget(fd);

		if (now != f) {
			fl->c.flc_type = F_UNLCK;
			fl->c.flc_flags &= ~FL_SLEEP;
			locks_lock_file_wait(f, fl);
			err = -EBADF;
		}
		if (now)
			fput(now);
	}
out:
	locks_free_lock(fl);
	return err;
}

/* ============================== system calls ============================== */

long ksys_flock(unsigned int fd, unsigned int cmd)
{
	struct file *f = fget(fd);
	int error;

	if (!f)
		return -EBADF;
	error = file_flock(f, cmd);
	fput(f);
	return error;
}

SYSCALL_DEFINE2(flock, unsigned int, fd, unsigned int, cmd)
{
	return ksys_flock(fd, cmd);
}
