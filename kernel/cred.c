/*
 * Credentials (include/kestrel/cred.h).
 *
 * Each task has a cred pointer (task->cred). Only the task itself
 * replaces it (commit_creds, override_creds), so current reads its own
 * without a lock. A cred in use is never changed: setuid() and friends
 * copy (prepare_creds), change the copy and install it (commit_creds).
 * Others read a task's cred under RCU and take a reference
 * (get_task_cred); so the last put_cred frees the struct after a grace
 * period. init_cred is static and holds a reference of its own forever.
 */
#include <kestrel/compiler.h>
#include <kestrel/cred.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/sched_user.h>
#include <kestrel/slab.h>

struct cred init_cred = {
	.usage = REFCOUNT_INIT(1),
	.uid = 0, .euid = 0, .suid = 0, .fsuid = 0,
	.gid = 0, .egid = 0, .sgid = 0, .fsgid = 0,
	.ngroups = 0,
	.cap_effective = CAP_FULL_SET,
	.cap_permitted = CAP_FULL_SET,
	.umask = 0022,
	.user = &root_user,
};

const struct cred *current_cred(void)
{
	struct task_struct *me = current;
	const struct cred *c = me ? READ_ONCE(me->cred) : NULL;

	/* Before sched_init (no current, or init_task not set up yet): init's. */
	return c ? c : &init_cred;
}

const struct cred *get_task_cred(struct task_struct *p)
{
	const struct cred *c;

	rcu_read_lock();
	c = READ_ONCE(p->cred);
	if (!c)
		c = &init_cred;
	get_cred(c);
	rcu_read_unlock();
	return c;
}

void put_cred(const struct cred *c)
{
	struct cred *cred = (struct cred *)c;

	if (!refcount_dec_and_test(&cred->usage))
		return;
	if (WARN_ON(cred == &init_cred))
		return;
	free_uid(cred->user);
	kfree_rcu(cred, rcu);
}

struct cred *prepare_creds(void)
{
	const struct cred *old = current_cred();
	struct cred *new = kmalloc(sizeof(*new), GFP_KERNEL);

	if (!new)
		return NULL;
	*new = *old;
	refcount_set(&new->usage, 1);
	get_uid(new->user);
	return new;
}

/*
 * A task counts against RLIMIT_NPROC of its real uid's user: when that
 * changes, the count moves with it (Linux's commit_creds).
 */
static void move_nproc_count(struct task_struct *me, struct user_struct *to)
{
	struct user_struct *from = me->nproc_user;

	if (!from || from == to)
		return;
	atomic_inc(&to->processes);
	me->nproc_user = get_uid(to);
	atomic_dec(&from->processes);
	free_uid(from);
}

int commit_creds(struct cred *new)
{
	struct task_struct *me = current;
	const struct cred *old = me->cred;

	move_nproc_count(me, new->user);

	/* Readers of another task's cred (get_task_cred) see the old or the new one whole. */
	rcu_assign_pointer(me->cred, (const struct cred *)new);
	if (old)
		put_cred(old);
	return 0;
}

void abort_creds(struct cred *new)
{
	put_cred(new);
}

/*
 * No reference is taken or dropped: the caller keeps new alive until
 * revert_creds(), and the task's own reference stays with the cred it
 * gets back then.
 */
const struct cred *override_creds(const struct cred *new)
{
	const struct cred *old = current_cred();

	WRITE_ONCE(current->cred, new);
	return old;
}

void revert_creds(const struct cred *old)
{
	WRITE_ONCE(current->cred, old);
}

bool capable(int cap)
{
	return (current_cred()->cap_effective >> cap) & 1;
}

bool in_group_p(kgid_t gid)
{
	const struct cred *cred = current_cred();
	unsigned int i;

	if (cred->fsgid == gid)
		return true;
	for (i = 0; i < cred->ngroups && i < NGROUPS_SMALL; i++)
		if (cred->groups[i] == gid)
			return true;
	return false;
}
