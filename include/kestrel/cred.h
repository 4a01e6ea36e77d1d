/*
 * Credentials: who is asking, for permission checks (kernel/cred.c).
 *
 * Each task points to its cred (task->cred); current_cred() reads
 * current's. A cred is never changed once in use: to change one, copy it
 * (prepare_creds), change the copy, and install it (commit_creds), which
 * drops the old one. So readers need no lock: current reads its own
 * without one; another task's cred is read with get_task_cred() (a
 * reference taken under RCU, as creds are freed after a grace period).
 * Kernel threads share init_cred (root, all capabilities); fork shares
 * the parent's cred (a reference) until one of them changes it.
 * override_creds() installs another cred for a while without taking a
 * reference (tests use it to act as an ordinary user; the caller keeps
 * the cred alive) and returns the old one for revert_creds().
 *
 * "Root" means capabilities, as in Linux: CAP_DAC_OVERRIDE passes the
 * mode-bit checks (except exec of a file nobody may execute),
 * CAP_DAC_READ_SEARCH passes read and directory search, CAP_FOWNER acts
 * as the owner, CAP_CHOWN may change owners.
 */
#ifndef KESTREL_CRED_H
#define KESTREL_CRED_H

#include <kestrel/fs_types.h>
#include <kestrel/rcupdate.h>
#include <kestrel/refcount.h>

#define CAP_CHOWN 0
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_FSETID 4
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_KILL 5
#define CAP_IPC_LOCK 14
#define CAP_SYS_BOOT 22
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24
#define CAP_SYS_ADMIN 21
#define CAP_SYS_TIME 25
#define CAP_SYSLOG 34
#define CAP_FULL_SET (~0ULL)

#define NGROUPS_SMALL 16

struct user_struct;

struct cred {
	refcount_t usage;		/* references; init_cred's never drops to 0 */
	struct rcu_head rcu;		/* freed after a grace period (get_task_cred readers) */
	kuid_t uid, euid, suid, fsuid;	/* fsuid: the one file access checks use */
	kgid_t gid, egid, sgid, fsgid;
	unsigned int ngroups;		/* supplementary groups in groups[] */
	kgid_t groups[NGROUPS_SMALL];
	u64 cap_effective;		/* bit n: capability n */
	u64 cap_permitted;		/* what cap_effective may hold (setuid back to root) */
	u32 umask;			/* applied to new files' modes */
	struct user_struct *user;	/* the real uid's accounting (a reference; sched_user.h) */
};

extern struct cred init_cred;

const struct cred *current_cred(void);

struct task_struct;
/* A new reference to p's cred (put_cred it). */
const struct cred *get_task_cred(struct task_struct *p);
/*
 * Another task's cred, for use inside rcu_read_lock() only: the task may
 * commit new creds meanwhile, and the old ones are freed a grace period
 * after its last reference goes (put_cred). Outside a reader section the
 * lock validator reports it. NULL for a task that has none (init_cred
 * stands in).
 */
#define __task_cred(task) rcu_dereference((task)->cred)
static inline const struct cred *get_cred(const struct cred *c)
{
	refcount_inc(&((struct cred *)c)->usage);
	return c;
}
void put_cred(const struct cred *c);
/* A private copy of current's cred to change (usage 1), or NULL. */
struct cred *prepare_creds(void);
/* Make new (from prepare_creds) current's cred; drops the old one. Returns 0. */
int commit_creds(struct cred *new);
/* Drop a prepared cred that was not committed. */
void abort_creds(struct cred *new);
const struct cred *override_creds(const struct cred *new);
void revert_creds(const struct cred *old);

#define current_fsuid() (current_cred()->fsuid)
#define current_fsgid() (current_cred()->fsgid)

bool capable(int cap);
/* Whether the caller's fsgid or a supplementary group is gid. */
bool in_group_p(kgid_t gid);

#endif
