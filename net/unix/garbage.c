/*
 * Descriptors in flight and their garbage, after Linux's (classic)
 * net/unix/garbage.c.
 *
 * A file sent with SCM_RIGHTS is referenced by the buffer that carries
 * it until somebody receives it. If that file is an AF_UNIX socket, the
 * references can form a cycle nobody can reach: send socket A over
 * socket B and B over A, close both descriptors, and each lives on only
 * because the other's queue holds it. No fput will ever come, so the
 * kernel must find such cycles itself.
 *
 * Every AF_UNIX socket in flight is on gc_inflight_list with a count of
 * how many buffers carry it (u->inflight). unix_gc(), run when a socket
 * is closed and something is in flight:
 *   1. candidates: sockets whose file references all come from flight
 *      (file count == inflight): no descriptor names them;
 *   2. for every buffer in a candidate's queue, take the sockets it
 *      carries off their count ("this reference comes from garbage");
 *   3. a candidate whose count stays above 0 is referenced from outside
 *      the candidates: it, and everything reachable from its queue, is
 *      restored (counts given back, no longer a candidate);
 *   4. what remains is only reachable from itself: its buffers that
 *      carry candidates are taken off the queues and freed, which drops
 *      the file references and breaks the cycles.
 *
 * A sender is limited to RLIMIT_NOFILE descriptors in flight at once
 * (ETOOMANYREFS beyond, unless privileged), counted per user as Linux
 * does: otherwise sockets nested in sockets could hold any number of
 * files that no descriptor table counts.
 *
 * Locking: unix_gc_lock guards the in-flight list, every socket's
 * inflight, gc_link and gc_flags, the per-user counts and
 * gc_in_progress; it is taken outside the receive queues' locks (the
 * scans read the buffers' descriptors under both). A receiver takes a
 * buffer's descriptors under its queue lock (af_unix.c), so a scan never
 * sees a half-taken list.
 */
#include <kestrel/af_unix.h>
#include <kestrel/cred.h>
#include <kestrel/fdtable.h>
#include <kestrel/slab.h>

#define UNIX_USER_HASH 64

struct unix_user {
	struct hlist_node node;	/* in unix_users[] */
	u32 uid;
	long inflight;		/* descriptors this user has in flight */
};

static DEFINE_SPINLOCK(unix_gc_lock);
static LIST_HEAD(gc_inflight_list);		/* [g] sockets in flight */
static long unix_tot_inflight;			/* [g] */
static bool gc_in_progress;			/* [g] */
static struct hlist_head unix_users[UNIX_USER_HASH];	/* [g] */

static struct unix_user *unix_user_find(u32 uid)
{
	struct unix_user *uu;

	hlist_for_each_entry(uu, &unix_users[uid % UNIX_USER_HASH], node)
		if (uu->uid == uid)
			return uu;
	return NULL;
}

bool unix_any_inflight(void)
{
	return READ_ONCE(unix_tot_inflight) > 0;
}

/* fp's sockets go into (dir 1) or out of (dir -1) flight. unix_gc_lock held. */
static void unix_account(struct scm_fp_list *fp, int dir)
{
	for (int i = 0; i < fp->count; i++) {
		struct sock *s = unix_get_socket(fp->fp[i]);
		struct unix_sock *u;

		if (!s)
			continue;
		u = unix_sk(s);
		if (dir > 0) {
			if (u->inflight++ == 0)
				list_add_tail(&u->gc_link, &gc_inflight_list);
			unix_tot_inflight++;
		} else {
			if (--u->inflight == 0)
				list_del_init(&u->gc_link);
			unix_tot_inflight--;
		}
	}
}

int unix_inflight_fds(struct scm_fp_list *fp)
{
	struct unix_user *uu, *fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	bool privileged = capable(CAP_SYS_RESOURCE) || capable(CAP_SYS_ADMIN);
	unsigned int limit = task_nofile_limit();

	if (!fresh)
		return -ENOMEM;
	spin_lock(&unix_gc_lock);
	uu = unix_user_find(fp->uid);
	if (!uu) {
		uu = fresh;
		fresh = NULL;
		uu->uid = fp->uid;
		hlist_add_head(&uu->node, &unix_users[fp->uid % UNIX_USER_HASH]);
	}
	if (uu->inflight > (long)limit && !privileged) {
		if (!uu->inflight) {
			hlist_del(&uu->node);
			fresh = uu;
		}
		spin_unlock(&unix_gc_lock);
		kfree(fresh);
		return -ETOOMANYREFS;
	}
	uu->inflight += fp->count;
	unix_account(fp, 1);
	spin_unlock(&unix_gc_lock);
	kfree(fresh);
	return 0;
}

void unix_notinflight_fds(struct scm_fp_list *fp)
{
	struct unix_user *uu, *gone = NULL;

	spin_lock(&unix_gc_lock);
	unix_account(fp, -1);
	uu = unix_user_find(fp->uid);
	if (uu) {
		uu->inflight -= fp->count;
		if (!uu->inflight) {
			hlist_del(&uu->node);
			gone = uu;
		}
	}
	spin_unlock(&unix_gc_lock);
	kfree(gone);
}

/* ---------------- the collector ---------------- */

static LIST_HEAD(gc_candidates);	/* [g] during a collection */

typedef void (*scan_fn)(struct unix_sock *u);

/*
 * For every buffer in x's queue that carries candidates: call func on
 * each of them, and with a hitlist, move the buffer there. gc lock held.
 */
static void scan_inflight(struct sock *x, scan_fn func, struct list_head *hitlist)
{
	struct sk_buff *skb, *next;

	spin_lock(&x->sk_receive_queue.lock);
	list_for_each_entry_safe(skb, next, &x->sk_receive_queue.head, list) {
		bool hit = false;

		if (!skb->fp)
			continue;
		for (int i = 0; i < skb->fp->count; i++) {
			struct sock *sk = unix_get_socket(skb->fp->fp[i]);

			/* Sockets queued after the collection began are no candidates. */
			if (sk && test_bit(UNIX_GC_CANDIDATE, &unix_sk(sk)->gc_flags)) {
				hit = true;
				func(unix_sk(sk));
			}
		}
		if (hit && hitlist) {
			list_del_init(&skb->list);
			WRITE_ONCE(x->sk_receive_queue.qlen, x->sk_receive_queue.qlen - 1);
			list_add_tail(&skb->list, hitlist);
		}
	}
	spin_unlock(&x->sk_receive_queue.lock);
}

/*
 * x's queue, or for a listener the queues of its embryos (connections
 * not accepted yet). Nobody can accept meanwhile: x is a candidate, so
 * no descriptor names it, and an embryo is never in flight, so its
 * gc_link is free to collect it on.
 */
static void scan_children(struct sock *x, scan_fn func, struct list_head *hitlist)
{
	struct unix_sock *u, *next;
	struct sk_buff *skb;
	LIST_HEAD(embryos);

	if (READ_ONCE(x->sk_state) != TCP_LISTEN) {
		scan_inflight(x, func, hitlist);
		return;
	}
	spin_lock(&x->sk_receive_queue.lock);
	list_for_each_entry(skb, &x->sk_receive_queue.head, list) {
		u = unix_sk(skb->sk);
		WARN_ON(!list_empty(&u->gc_link));
		list_add_tail(&u->gc_link, &embryos);
	}
	spin_unlock(&x->sk_receive_queue.lock);
	list_for_each_entry_safe(u, next, &embryos, gc_link) {
		scan_inflight(&u->sk, func, hitlist);
		list_del_init(&u->gc_link);
	}
}

static void dec_inflight(struct unix_sock *u)
{
	u->inflight--;
}

static void inc_inflight(struct unix_sock *u)
{
	u->inflight++;
}

static void inc_inflight_move_tail(struct unix_sock *u)
{
	u->inflight++;
	/* Still maybe part of a cycle: look at it again even if already passed. */
	if (test_bit(UNIX_GC_MAYBE_CYCLE, &u->gc_flags))
		list_move_tail(&u->gc_link, &gc_candidates);
}

void unix_gc(void)
{
	struct list_head cursor, not_cycle_list, hitlist;
	struct unix_sock *u, *next;
	struct sk_buff *skb, *tmp;

	spin_lock(&unix_gc_lock);
	if (gc_in_progress) {
		spin_unlock(&unix_gc_lock);
		return;	/* a collection runs (maybe the one that closed us) */
	}
	gc_in_progress = true;
	INIT_LIST_HEAD(&not_cycle_list);
	INIT_LIST_HEAD(&hitlist);

	/* 1. Candidates: in flight and named by no descriptor. */
	list_for_each_entry_safe(u, next, &gc_inflight_list, gc_link) {
		struct socket *sock = u->sk.sk_socket;
		long total_refs = sock && sock->file ? atomic_long_read(&sock->file->f_count) : 0;

		if (total_refs && total_refs == u->inflight) {
			list_move_tail(&u->gc_link, &gc_candidates);
			__set_bit(UNIX_GC_CANDIDATE, &u->gc_flags);
			__set_bit(UNIX_GC_MAYBE_CYCLE, &u->gc_flags);
		}
	}
	/* 2. Take off the references candidates hold on each other. */
	list_for_each_entry(u, &gc_candidates, gc_link)
		scan_children(&u->sk, dec_inflight, NULL);
	/* 3. Restore what is still referenced from outside, and everything it reaches. */
	list_add(&cursor, &gc_candidates);
	while (cursor.next != &gc_candidates) {
		u = list_entry(cursor.next, struct unix_sock, gc_link);
		list_move(&cursor, &u->gc_link);
		if (u->inflight > 0) {
			list_move_tail(&u->gc_link, &not_cycle_list);
			__clear_bit(UNIX_GC_MAYBE_CYCLE, &u->gc_flags);
			scan_children(&u->sk, inc_inflight_move_tail, NULL);
		}
	}
	list_del(&cursor);
	/* 4. The rest is garbage: give back the counts, take out the buffers that hold it. */
	list_for_each_entry(u, &gc_candidates, gc_link)
		scan_children(&u->sk, inc_inflight, &hitlist);
	while (!list_empty(&not_cycle_list)) {
		u = list_first_entry(&not_cycle_list, struct unix_sock, gc_link);
		__clear_bit(UNIX_GC_CANDIDATE, &u->gc_flags);
		list_move_tail(&u->gc_link, &gc_inflight_list);
	}
	/* The garbage stays on gc_inflight_list until its buffers are freed. */
	list_for_each_entry_safe(u, next, &gc_candidates, gc_link) {
		__clear_bit(UNIX_GC_CANDIDATE, &u->gc_flags);
		__clear_bit(UNIX_GC_MAYBE_CYCLE, &u->gc_flags);
		list_move_tail(&u->gc_link, &gc_inflight_list);
	}
	spin_unlock(&unix_gc_lock);

	/* Freeing drops the file references: the sockets in the cycles close. */
	list_for_each_entry_safe(skb, tmp, &hitlist, list) {
		list_del_init(&skb->list);
		kfree_skb(skb);
	}

	spin_lock(&unix_gc_lock);
	gc_in_progress = false;
	spin_unlock(&unix_gc_lock);
}
