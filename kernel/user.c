/*
 * user_struct: what one user (real uid) has in use, counted against the
 * per-user limits (include/kestrel/sched_user.h; Linux's kernel/user.c).
 *
 * The structs live in a small hash by uid, under uidhash_lock (irqsave:
 * the last put_cred can run from an RCU callback). A struct stays in the
 * hash while referenced and is freed by its last free_uid; alloc_uid
 * finds or adds one. root_user, uid 0, is static and always there.
 */
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/sched_user.h>
#include <kestrel/slab.h>
#include <kestrel/spinlock.h>

#define UIDHASH_BITS 6
#define UIDHASH_SZ (1 << UIDHASH_BITS)

static struct hlist_head uidhash_table[UIDHASH_SZ];	/* under uidhash_lock */
static DEFINE_SPINLOCK(uidhash_lock);

struct user_struct root_user = {
	.__count = ATOMIC_INIT(1),	/* never dropped: init_cred's */
	.processes = ATOMIC_INIT(0),
	.sigpending = ATOMIC_INIT(0),
	.uid = 0,
};

static struct hlist_head *uidhashentry(kuid_t uid)
{
	return &uidhash_table[(uid ^ (uid >> UIDHASH_BITS)) & (UIDHASH_SZ - 1)];
}

/* uidhash_lock held. */
static struct user_struct *uid_hash_find(kuid_t uid)
{
	struct user_struct *u;

	if (uid == 0)
		return &root_user;
	hlist_for_each_entry(u, uidhashentry(uid), uidhash_node) {
		if (u->uid == uid)
			return u;
	}
	return NULL;
}

struct user_struct *alloc_uid(kuid_t uid)
{
	struct user_struct *u, *new;
	unsigned long flags;

	spin_lock_irqsave(&uidhash_lock, flags);
	u = uid_hash_find(uid);
	if (u)
		get_uid(u);
	spin_unlock_irqrestore(&uidhash_lock, flags);
	if (u)
		return u;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return NULL;
	atomic_set(&new->__count, 1);
	new->uid = uid;
	spin_lock_irqsave(&uidhash_lock, flags);
	u = uid_hash_find(uid);	/* someone may have added it meanwhile */
	if (u) {
		get_uid(u);
	} else {
		hlist_add_head(&new->uidhash_node, uidhashentry(uid));
		u = new;
		new = NULL;
	}
	spin_unlock_irqrestore(&uidhash_lock, flags);
	kfree(new);
	return u;
}

void free_uid(struct user_struct *u)
{
	unsigned long flags;

	if (!u || u == &root_user) {
		if (u)
			atomic_dec(&u->__count);
		return;
	}
	/* Drop to zero under the lock, so alloc_uid never revives a dying one. */
	spin_lock_irqsave(&uidhash_lock, flags);
	if (!atomic_dec_and_test(&u->__count)) {
		spin_unlock_irqrestore(&uidhash_lock, flags);
		return;
	}
	hlist_del(&u->uidhash_node);
	spin_unlock_irqrestore(&uidhash_lock, flags);
	WARN_ON(atomic_read(&u->processes) || atomic_read(&u->sigpending));
	kfree(u);
}

int nr_processes_of_uid(kuid_t uid)
{
	struct user_struct *u;
	unsigned long flags;
	int n = 0;

	spin_lock_irqsave(&uidhash_lock, flags);
	u = uid_hash_find(uid);
	if (u)
		n = atomic_read(&u->processes);
	spin_unlock_irqrestore(&uidhash_lock, flags);
	return n;
}
