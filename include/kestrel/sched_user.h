/*
 * Per-user accounting (kernel/user.c; docs/process.md "Limits"): one
 * user_struct per real uid that has a cred, found through a hash. It
 * counts what Linux limits per user rather than per process:
 *
 *   processes    tasks (threads too) whose real uid is this user, from
 *                fork until release (zombies count): RLIMIT_NPROC;
 *   sigpending   signals queued with a sigqueue entry, in any task of
 *                the user: RLIMIT_SIGPENDING.
 *
 * A cred holds a reference to the user_struct of its real uid
 * (cred->user); a task holds one more on the user it is counted against
 * (task->nproc_user, Linux's real_cred->user): commit_creds moves the
 * count when the real uid changes. root_user (uid 0) is static.
 *
 * Locks used to protect struct user_struct's members:
 *	[c] constant after creation
 *	[a] atomic
 *	[u] uidhash_lock (kernel/user.c; irqsave)
 */
#ifndef KESTREL_SCHED_USER_H
#define KESTREL_SCHED_USER_H

#include <kestrel/atomic.h>
#include <kestrel/fs_types.h>
#include <kestrel/list.h>

struct user_struct {
	atomic_t __count;		/* [a] references: creds, tasks counted, lookups */
	atomic_t processes;		/* [a] tasks counted against RLIMIT_NPROC */
	atomic_t sigpending;		/* [a] queued sigqueue entries (RLIMIT_SIGPENDING) */
	kuid_t uid;			/* [c] */
	struct hlist_node uidhash_node;	/* [u] in the uid hash */
};

extern struct user_struct root_user;
#define INIT_USER (&root_user)

/* The user_struct of uid, referenced (created on first use); NULL when out of memory. */
struct user_struct *alloc_uid(kuid_t uid);

static inline struct user_struct *get_uid(struct user_struct *u)
{
	atomic_inc(&u->__count);
	return u;
}

/* Drop a reference; the last one frees it (root_user is never freed). */
void free_uid(struct user_struct *u);

/* Tasks of uid counted against RLIMIT_NPROC right now (0 if it has none). */
int nr_processes_of_uid(kuid_t uid);

#endif
