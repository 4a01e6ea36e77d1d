/*
 * Process attributes as system calls (docs/process.md "Process lifecycle"):
 * ids (getpid, gettid, getppid), credentials (the setuid family, groups),
 * process groups and sessions, resource limits and usage, priorities,
 * umask, uname, sethostname, sysinfo, times, reboot and prctl's thread
 * name.
 *
 * Credentials follow Linux's rules (kernel/sys.c there): an unprivileged
 * process may only set each id to one of its current real, effective or
 * saved ids; CAP_SETUID / CAP_SETGID may set anything. A change copies
 * the cred (prepare_creds), edits the copy and installs it (commit_creds).
 * Capabilities follow the uid as Linux's "emulate setxuid" does: losing
 * every root uid clears them, an effective uid of 0 restores the effective
 * set from the permitted one, an fsuid leaving 0 drops the file-system
 * capabilities.
 *
 * Job control identity (signal->pgrp, session, leader) changes under
 * tasklist_lock held for write; a pid number used as a pgrp or session is
 * held in the pid map (get_pid_nr) so it is not handed out again while in
 * use.
 *
 * uname reports sysname "Kestrel" and a Linux-like release
 * ("6.1.0-kestrel"): C libraries parse the release as a Linux version (a
 * static glibc refuses to start on a "kernel too old"), none looks at
 * sysname.
 */
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/exit.h>
#include <kestrel/fdtable.h>
#include <kestrel/fs_struct.h>
#include <kestrel/mm.h>
#include <kestrel/pid.h>
#include <kestrel/printk.h>
#include <kestrel/reboot.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/sched_user.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>
#include <kestrel/version.h>

#define INVALID_ID ((u32)-1)
#define NGROUPS_MAX 65536
#define USER_HZ 100

/* ---- ids ---- */

SYSCALL_DEFINE0(getpid)
{
	return task_tgid_vnr(current);
}

SYSCALL_DEFINE0(gettid)
{
	return task_pid_vnr(current);
}

SYSCALL_DEFINE0(getppid)
{
	return task_ppid_nr(current->group_leader);
}

SYSCALL_DEFINE0(getuid)
{
	return current_cred()->uid;
}

SYSCALL_DEFINE0(geteuid)
{
	return current_cred()->euid;
}

SYSCALL_DEFINE0(getgid)
{
	return current_cred()->gid;
}

SYSCALL_DEFINE0(getegid)
{
	return current_cred()->egid;
}

/* ---- the setuid family ---- */

#define CAP_LINUX_IMMUTABLE 9
#define CAP_MKNOD 27
#define CAP_MAC_OVERRIDE 32
#define CAP_FS_MASK                                                                  \
	((1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_DAC_READ_SEARCH) | \
	 (1ULL << CAP_FOWNER) | (1ULL << CAP_FSETID) | (1ULL << CAP_LINUX_IMMUTABLE) |     \
	 (1ULL << CAP_MKNOD) | (1ULL << CAP_MAC_OVERRIDE))

/* Linux's cap_emulate_setxuid and the fsuid rule, applied to new after a uid change. */
static void fix_caps_after_setuid(const struct cred *old, struct cred *new)
{
	bool old_root = old->uid == 0 || old->euid == 0 || old->suid == 0;
	bool new_root = new->uid == 0 || new->euid == 0 || new->suid == 0;

	if (old_root && !new_root) {
		new->cap_permitted = 0;
		new->cap_effective = 0;
	}
	if (old->euid == 0 && new->euid != 0)
		new->cap_effective = 0;
	if (old->euid != 0 && new->euid == 0)
		new->cap_effective = new->cap_permitted;
	if (old->fsuid == 0 && new->fsuid != 0)
		new->cap_effective &= ~CAP_FS_MASK;
	else if (old->fsuid != 0 && new->fsuid == 0)
		new->cap_effective |= new->cap_permitted & CAP_FS_MASK;
}

/*
 * The real uid changes: new takes that user's accounting (Linux's
 * set_user). Moving to a user already over RLIMIT_NPROC is allowed, but
 * marks the task so that its next execve fails with EAGAIN: a daemon's
 * child that becomes a user with too many processes cannot start a
 * program as that user.
 */
static int set_user(struct cred *new)
{
	struct user_struct *u = alloc_uid(new->uid);

	if (!u)
		return -EAGAIN;
	free_uid(new->user);
	new->user = u;
	if ((unsigned long)atomic_read(&u->processes) > rlimit(RLIMIT_NPROC) && u != INIT_USER)
		current->flags |= PF_NPROC_EXCEEDED;
	else
		current->flags &= ~PF_NPROC_EXCEEDED;
	return 0;
}

/* Commit a change of the uids; new->uid differing from the old real uid moves the accounting. */
static long commit_uid_change(struct cred *new)
{
	const struct cred *old = current_cred();
	int err;

	if (new->uid != old->uid) {
		err = set_user(new);
		if (err) {
			abort_creds(new);
			return err;
		}
	}
	fix_caps_after_setuid(old, new);
	return commit_creds(new);
}

SYSCALL_DEFINE1(setuid, u32, uid)
{
	const struct cred *old = current_cred();
	struct cred *new;

	if (uid == INVALID_ID)
		return -EINVAL;
	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	if (capable(CAP_SETUID)) {
		new->uid = new->suid = uid;
	} else if (uid != old->uid && uid != old->suid) {
		abort_creds(new);
		return -EPERM;
	}
	new->euid = new->fsuid = uid;
	return commit_uid_change(new);
}

SYSCALL_DEFINE1(setgid, u32, gid)
{
	const struct cred *old = current_cred();
	struct cred *new;

	if (gid == INVALID_ID)
		return -EINVAL;
	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	if (capable(CAP_SETGID)) {
		new->gid = new->sgid = gid;
	} else if (gid != old->gid && gid != old->sgid) {
		abort_creds(new);
		return -EPERM;
	}
	new->egid = new->fsgid = gid;
	return commit_creds(new);
}

/* setreuid/setregid: -1 keeps an id; the saved id follows a changed effective one. */
static bool reid_allowed(u32 want, u32 a, u32 b, u32 c, int cap)
{
	return want == INVALID_ID || want == a || want == b || want == c || capable(cap);
}

SYSCALL_DEFINE2(setreuid, u32, ruid, u32, euid)
{
	const struct cred *old = current_cred();
	struct cred *new;

	if (!reid_allowed(ruid, old->uid, old->euid, old->uid, CAP_SETUID) ||
	    !reid_allowed(euid, old->uid, old->euid, old->suid, CAP_SETUID))
		return -EPERM;
	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	if (ruid != INVALID_ID)
		new->uid = ruid;
	if (euid != INVALID_ID)
		new->euid = euid;
	if (ruid != INVALID_ID || (euid != INVALID_ID && euid != old->uid))
		new->suid = new->euid;
	new->fsuid = new->euid;
	return commit_uid_change(new);
}

SYSCALL_DEFINE2(setregid, u32, rgid, u32, egid)
{
	const struct cred *old = current_cred();
	struct cred *new;

	if (!reid_allowed(rgid, old->gid, old->egid, old->gid, CAP_SETGID) ||
	    !reid_allowed(egid, old->gid, old->egid, old->sgid, CAP_SETGID))
		return -EPERM;
	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	if (rgid != INVALID_ID)
		new->gid = rgid;
	if (egid != INVALID_ID)
		new->egid = egid;
	if (rgid != INVALID_ID || (egid != INVALID_ID && egid != old->gid))
		new->sgid = new->egid;
	new->fsgid = new->egid;
	return commit_creds(new);
}

SYSCALL_DEFINE3(setresuid, u32, ruid, u32, euid, u32, suid)
{
	const struct cred *old = current_cred();
	struct cred *new;

	if (!reid_allowed(ruid, old->uid, old->euid, old->suid, CAP_SETUID) ||
	    !reid_allowed(euid, old->uid, old->euid, old->suid, CAP_SETUID) ||
	    !reid_allowed(suid, old->uid, old->euid, old->suid, CAP_SETUID))
		return -EPERM;
	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	if (ruid != INVALID_ID)
		new->uid = ruid;
	if (euid != INVALID_ID)
		new->euid = euid;
	if (suid != INVALID_ID)
		new->suid = suid;
	new->fsuid = new->euid;
	return commit_uid_change(new);
}

SYSCALL_DEFINE3(setresgid, u32, rgid, u32, egid, u32, sgid)
{
	const struct cred *old = current_cred();
	struct cred *new;

	if (!reid_allowed(rgid, old->gid, old->egid, old->sgid, CAP_SETGID) ||
	    !reid_allowed(egid, old->gid, old->egid, old->sgid, CAP_SETGID) ||
	    !reid_allowed(sgid, old->gid, old->egid, old->sgid, CAP_SETGID))
		return -EPERM;
	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	if (rgid != INVALID_ID)
		new->gid = rgid;
	if (egid != INVALID_ID)
		new->egid = egid;
	if (sgid != INVALID_ID)
		new->sgid = sgid;
	new->fsgid = new->egid;
	return commit_creds(new);
}

static long put_three_ids(u32 a, u32 b, u32 c, u32 __user *pa, u32 __user *pb, u32 __user *pc)
{
	if (put_user(a, pa) || put_user(b, pb) || put_user(c, pc))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid, u32 __user *, ruid, u32 __user *, euid, u32 __user *, suid)
{
	const struct cred *c = current_cred();

	return put_three_ids(c->uid, c->euid, c->suid, ruid, euid, suid);
}

SYSCALL_DEFINE3(getresgid, u32 __user *, rgid, u32 __user *, egid, u32 __user *, sgid)
{
	const struct cred *c = current_cred();

	return put_three_ids(c->gid, c->egid, c->sgid, rgid, egid, sgid);
}

/* setfsuid/setfsgid return the old id whether or not the change was allowed (Linux). */
SYSCALL_DEFINE1(setfsuid, u32, uid)
{
	const struct cred *old = current_cred();
	u32 old_fsuid = old->fsuid;
	struct cred *new;

	if (uid == old->fsuid)
		return old_fsuid;
	if (uid != old->uid && uid != old->euid && uid != old->suid && !capable(CAP_SETUID))
		return old_fsuid;
	new = prepare_creds();
	if (!new)
		return old_fsuid;
	new->fsuid = uid;
	commit_uid_change(new);
	return old_fsuid;
}

SYSCALL_DEFINE1(setfsgid, u32, gid)
{
	const struct cred *old = current_cred();
	u32 old_fsgid = old->fsgid;
	struct cred *new;

	if (gid == old->fsgid)
		return old_fsgid;
	if (gid != old->gid && gid != old->egid && gid != old->sgid && !capable(CAP_SETGID))
		return old_fsgid;
	new = prepare_creds();
	if (!new)
		return old_fsgid;
	new->fsgid = gid;
	commit_creds(new);
	return old_fsgid;
}

SYSCALL_DEFINE2(getgroups, int, size, u32 __user *, list)
{
	const struct cred *c = current_cred();
	unsigned int n = c->ngroups;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return n;
	if ((unsigned int)size < n)
		return -EINVAL;
	if (copy_to_user(list, c->groups, n * sizeof(u32)))
		return -EFAULT;
	return n;
}

/* Kestrel keeps up to NGROUPS_SMALL supplementary groups; more is EINVAL. */
SYSCALL_DEFINE2(setgroups, int, size, const u32 __user *, list)
{
	struct cred *new;

	if (!capable(CAP_SETGID))
		return -EPERM;
	if (size < 0 || size > NGROUPS_MAX)
		return -EINVAL;
	if (size > NGROUPS_SMALL)
		return -EINVAL;
	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	if (copy_from_user(new->groups, list, size * sizeof(u32))) {
		abort_creds(new);
		return -EFAULT;
	}
	new->ngroups = size;
	return commit_creds(new);
}

/* The umask is the fs_struct's (shared with CLONE_FS, as in Linux). */
SYSCALL_DEFINE1(umask, int, mask)
{
	return xchg(&current_fs()->umask, mask & 0777);
}

/* ---- process groups and sessions ---- */

/* Is there a process with process group pgrp (in session sid, if sid > 0)? tasklist_lock held. */
static bool pgrp_exists(int pgrp, int sid)
{
	struct task_struct *p;

	for_each_process(p) {
		if (p->exit_state || !p->signal)
			continue;
		if (p->signal->pgrp == pgrp && (sid <= 0 || p->signal->session == sid))
			return true;
	}
	return false;
}

/* Move p's process to process group pgrp (tasklist_lock held for write). */
static void change_pgrp(struct task_struct *p, int pgrp)
{
	int old = p->signal->pgrp;

	if (old == pgrp)
		return;
	get_pid_nr(pgrp);
	p->signal->pgrp = pgrp;
	put_pid_nr(old);
}

SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct task_struct *leader = current->group_leader, *p;
	long err;

	if (!pid)
		pid = task_tgid_vnr(leader);
	if (!pgid)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	write_lock_irq(&tasklist_lock);
	err = -ESRCH;
	p = find_task_by_vpid(pid);
	if (!p || p->exit_state)
		goto out;
	err = -EINVAL;
	if (!thread_group_leader(p))
		goto out;
	if (p->real_parent == leader) {
		err = -EPERM;
		if (p->signal->session != leader->signal->session)
			goto out;
		err = -EACCES;
		if (!(p->flags & PF_FORKNOEXEC))
			goto out;
	} else {
		err = -ESRCH;
		if (p != leader)
			goto out;
	}
	err = -EPERM;
	if (p->signal->leader)
		goto out;
	if (pgid != pid && !pgrp_exists(pgid, leader->signal->session))
		goto out;
	change_pgrp(p, pgid);
	err = 0;
out:
	write_unlock_irq(&tasklist_lock);
	return err;
}

static long pgid_or_sid(int pid, bool sid)
{
	struct task_struct *p;
	long ret;

	if (!pid)
		return sid ? task_session_nr(current) : task_pgrp_nr(current);
	read_lock(&tasklist_lock);
	p = find_task_by_vpid(pid);
	ret = -ESRCH;
	if (p && p->signal)
		ret = sid ? p->signal->session : p->signal->pgrp;
	read_unlock(&tasklist_lock);
	return ret;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	return pgid_or_sid(pid, false);
}

SYSCALL_DEFINE0(getpgrp)
{
	return task_pgrp_nr(current);
}

SYSCALL_DEFINE1(getsid, int, pid)
{
	return pgid_or_sid(pid, true);
}

/*
 * setsid: a process that is not a process-group leader (no process has
 * its pid as pgrp) starts a new session and group with its pid, without a
 * controlling terminal.
 */
SYSCALL_DEFINE0(setsid)
{
	struct task_struct *leader = current->group_leader;
	struct signal_struct *sig = leader->signal;
	int sid = task_tgid_vnr(leader);
	long err = -EPERM;

	write_lock_irq(&tasklist_lock);
	if (pgrp_exists(sid, 0))
		goto out;
	get_pid_nr(sid);
	put_pid_nr(sig->session);
	sig->session = sid;
	sig->leader = true;
	sig->tty = NULL;
	change_pgrp(leader, sid);
	err = sid;
out:
	write_unlock_irq(&tasklist_lock);
	return err;
}

/* ---- resource limits ---- */

/*
 * Linux's default fs.nr_open: the highest RLIMIT_NOFILE hard limit. A
 * descriptor table still stops at NR_OPEN_MAX (EMFILE beyond it).
 */
#define SYSCTL_NR_OPEN (1024 * 1024)

/* Serializes rlimit writers (a process's own setrlimit, prlimit64 from others). */
static DEFINE_SPINLOCK(rlimit_lock);

struct rlimit64 {
	u64 rlim_cur, rlim_max;
};

/* May current read or change p's limits (prlimit64)? Same ids or CAP_SYS_RESOURCE (Linux). */
static bool may_prlimit(struct task_struct *p)
{
	const struct cred *me = current_cred(), *tc;
	bool ok;

	if (p == current || (p->signal && p->signal == current->signal))
		return true;
	tc = get_task_cred(p);
	ok = (me->uid == tc->euid && me->uid == tc->suid && me->uid == tc->uid &&
	      me->gid == tc->egid && me->gid == tc->sgid && me->gid == tc->gid) ||
	     capable(CAP_SYS_RESOURCE);
	put_cred(tc);
	return ok;
}

/* Read and optionally set p's limit resource (new may be NULL). */
int do_prlimit(struct task_struct *p, unsigned int resource, const struct rlimit *new,
	       struct rlimit *old)
{
	struct rlimit *rlim;
	unsigned long flags;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (new) {
		if (new->rlim_cur > new->rlim_max)
			return -EINVAL;
		if (resource == RLIMIT_NOFILE && new->rlim_max > SYSCTL_NR_OPEN)
			return -EPERM;
	}
	if (!p->signal)
		return -ESRCH;
	rlim = &p->signal->rlim[resource];
	spin_lock_irqsave(&rlimit_lock, flags);
	if (new && new->rlim_max > rlim->rlim_max && !capable(CAP_SYS_RESOURCE)) {
		spin_unlock_irqrestore(&rlimit_lock, flags);
		return -EPERM;
	}
	if (old)
		*old = *rlim;
	if (new) {
		WRITE_ONCE(rlim->rlim_cur, new->rlim_cur);
		WRITE_ONCE(rlim->rlim_max, new->rlim_max);
	}
	spin_unlock_irqrestore(&rlimit_lock, flags);
	return 0;
}

SYSCALL_DEFINE2(getrlimit, unsigned int, resource, struct rlimit __user *, rlim)
{
	struct rlimit r;
	int err = do_prlimit(current, resource, NULL, &r);

	if (!err && copy_to_user(rlim, &r, sizeof(r)))
		err = -EFAULT;
	return err;
}

SYSCALL_DEFINE2(setrlimit, unsigned int, resource, const struct rlimit __user *, rlim)
{
	struct rlimit r;

	if (copy_from_user(&r, rlim, sizeof(r)))
		return -EFAULT;
	return do_prlimit(current, resource, &r, NULL);
}

SYSCALL_DEFINE4(prlimit64, int, pid, unsigned int, resource, const struct rlimit64 __user *,
		new_rlim, struct rlimit64 __user *, old_rlim)
{
	struct rlimit64 n64, o64;
	struct rlimit n, o;
	struct task_struct *p;
	int err;

	if (new_rlim) {
		if (copy_from_user(&n64, new_rlim, sizeof(n64)))
			return -EFAULT;
		n.rlim_cur = n64.rlim_cur;
		n.rlim_max = n64.rlim_max;
	}
	p = pid ? find_get_task_by_vpid(pid) : (get_task_struct(current), current);
	if (!p)
		return -ESRCH;
	err = -EPERM;
	if (may_prlimit(p))
		err = do_prlimit(p, resource, new_rlim ? &n : NULL, old_rlim ? &o : NULL);
	put_task_struct(p);
	if (err)
		return err;
	if (old_rlim) {
		o64.rlim_cur = o.rlim_cur;
		o64.rlim_max = o.rlim_max;
		if (copy_to_user(old_rlim, &o64, sizeof(o64)))
			return -EFAULT;
	}
	return 0;
}

/* ---- usage and times ---- */

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1


static void ns_to_timeval(u64 ns, struct rusage_timeval *tv)
{
	tv->tv_sec = ns / NSEC_PER_SEC;
	tv->tv_usec = (ns % NSEC_PER_SEC) / NSEC_PER_USEC;
}

/* Run time of every thread of p's process, reaped ones included. */
u64 thread_group_runtime(struct task_struct *p, unsigned long *minflt, unsigned long *majflt)
{
	struct task_struct *t;
	u64 sum;

	read_lock(&tasklist_lock);
	sum = p->signal->sum_sched_runtime;
	*minflt = *majflt = 0;
	list_for_each_entry(t, &task_list, tasks) {
		if (t->signal != p->signal)
			continue;
		sum += READ_ONCE(t->sum_exec_runtime);
		*minflt += READ_ONCE(t->min_flt);
		*majflt += READ_ONCE(t->maj_flt);
	}
	read_unlock(&tasklist_lock);
	return sum;
}

/*
 * Kestrel does not split user from system time: a task's whole run time
 * (sum_exec_runtime) is reported as user time, system time as 0.
 */
void getrusage_task(struct task_struct *p, int who, struct rusage *ru)
{
	unsigned long minflt = 0, majflt = 0;
	u64 ns = 0;

	memset(ru, 0, sizeof(*ru));
	switch (who) {
	case RUSAGE_THREAD:
		ns = READ_ONCE(p->sum_exec_runtime);
		minflt = p->min_flt;
		majflt = p->maj_flt;
		break;
	case RUSAGE_SELF:
		ns = thread_group_runtime(p, &minflt, &majflt);
		break;
	case RUSAGE_BOTH:
		ns = thread_group_runtime(p, &minflt, &majflt);
		read_lock(&tasklist_lock);
		ns += p->signal->cutime + p->signal->cstime;
		minflt += p->signal->cmin_flt;
		majflt += p->signal->cmaj_flt;
		read_unlock(&tasklist_lock);
		break;
	case RUSAGE_CHILDREN:
		read_lock(&tasklist_lock);
		ns = p->signal->cutime + p->signal->cstime;
		minflt = p->signal->cmin_flt;
		majflt = p->signal->cmaj_flt;
		read_unlock(&tasklist_lock);
		break;
	}
	ns_to_timeval(ns, &ru->ru_utime);
	ru->ru_minflt = minflt;
	ru->ru_majflt = majflt;
}

SYSCALL_DEFINE2(getrusage, int, who, struct rusage __user *, ru)
{
	struct rusage r;

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	getrusage_task(current, who, &r);
	return copy_to_user(ru, &r, sizeof(r)) ? -EFAULT : 0;
}

struct tms {
	long tms_utime, tms_stime, tms_cutime, tms_cstime;	/* clock ticks (USER_HZ) */
};

static long ns_to_clock_t(u64 ns)
{
	return ns / (NSEC_PER_SEC / USER_HZ);
}

SYSCALL_DEFINE1(times, struct tms __user *, tbuf)
{
	unsigned long minflt, majflt;
	struct tms t;

	if (tbuf) {
		/*
		 * The scheduler counts run time (sum_exec_runtime), not user
		 * and system time apart: all of it is reported as user time
		 * and the system times are 0 (docs/process.md says so).
		 */
		t.tms_utime = ns_to_clock_t(thread_group_runtime(current, &minflt, &majflt));
		t.tms_stime = 0;
		read_lock(&tasklist_lock);
		t.tms_cutime = ns_to_clock_t(current->signal->cutime + current->signal->cstime);
		read_unlock(&tasklist_lock);
		t.tms_cstime = 0;
		if (copy_to_user(tbuf, &t, sizeof(t)))
			return -EFAULT;
	}
	return ns_to_clock_t(ktime_get_ns());
}

/* ---- priorities ---- */

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

/* May current renice p? Its euid or uid is p's euid, or CAP_SYS_NICE (Linux's set_one_prio_perm). */
static bool may_renice(struct task_struct *p)
{
	const struct cred *me = current_cred(), *tc = get_task_cred(p);
	bool ok = me->euid == tc->euid || me->euid == tc->uid || capable(CAP_SYS_NICE);

	put_cred(tc);
	return ok;
}

static bool prio_match(struct task_struct *p, int which, int who)
{
	if (p->exit_state || (p->flags & (PF_KTHREAD | PF_IDLE)) || !p->signal)
		return false;
	switch (which) {
	case PRIO_PROCESS:
		return p->pid == who;
	case PRIO_PGRP:
		return p->signal->pgrp == who;
	case PRIO_USER: {
		const struct cred *c = get_task_cred(p);
		bool m = c->uid == (u32)who;

		put_cred(c);
		return m;
	}
	}
	return false;
}

static int prio_default_who(int which)
{
	switch (which) {
	case PRIO_PROCESS:
		return task_pid_vnr(current);
	case PRIO_PGRP:
		return task_pgrp_nr(current);
	default:
		return current_cred()->uid;
	}
}

/* getpriority returns 20 - nice (1..40), so no valid result looks like an error (Linux). */
SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
	struct task_struct *p;
	long best = -ESRCH;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	if (!who)
		who = prio_default_who(which);
	read_lock(&tasklist_lock);
	for_each_task(p) {
		if (prio_match(p, which, who) && 20 - task_nice(p) > best)
			best = 20 - task_nice(p);
	}
	read_unlock(&tasklist_lock);
	return best;
}

SYSCALL_DEFINE3(setpriority, int, which, int, who, int, niceval)
{
	struct task_struct *p, *targets[64];
	unsigned int n = 0;
	long err = -ESRCH;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	if (!who)
		who = prio_default_who(which);
	niceval = clamp(niceval, MIN_NICE, MAX_NICE);
	/* set_user_nice takes run-queue locks: collect under tasklist_lock, renice after. */
	read_lock(&tasklist_lock);
	for_each_task(p) {
		if (n < ARRAY_SIZE(targets) && prio_match(p, which, who)) {
			get_task_struct(p);
			targets[n++] = p;
		}
	}
	read_unlock(&tasklist_lock);
	for (unsigned int i = 0; i < n; i++) {
		p = targets[i];
		if (!may_renice(p))
			err = -EPERM;
		else if (niceval < task_nice(p) && !capable(CAP_SYS_NICE))
			err = -EACCES;
		else {
			set_user_nice(p, niceval);
			if (err == -ESRCH)
				err = 0;
		}
		put_task_struct(p);
	}
	return err;
}

/* ---- uname, hostname ---- */

#define UTS_LEN 64

struct new_utsname {
	char sysname[UTS_LEN + 1];
	char nodename[UTS_LEN + 1];
	char release[UTS_LEN + 1];
	char version[UTS_LEN + 1];
	char machine[UTS_LEN + 1];
	char domainname[UTS_LEN + 1];
};

/* uts_lock protects utsname (sethostname/setdomainname write it, uname copies it). */
static DEFINE_SPINLOCK(uts_lock);
static struct new_utsname utsname = {
	.sysname = "Kestrel",
	.nodename = "kestrel",
	.release = "6.1.0-kestrel",
	.version = "#1 SMP Kestrel " KESTREL_VERSION,
	.machine = "x86_64",
	.domainname = "(none)",
};

SYSCALL_DEFINE1(uname, struct new_utsname __user *, name)
{
	struct new_utsname u;

	spin_lock(&uts_lock);
	u = utsname;
	spin_unlock(&uts_lock);
	return copy_to_user(name, &u, sizeof(u)) ? -EFAULT : 0;
}

static long set_uts_field(char *field, const char __user *name, int len)
{
	char buf[UTS_LEN + 1];

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (len < 0 || len > UTS_LEN)
		return -EINVAL;
	if (copy_from_user(buf, name, len))
		return -EFAULT;
	buf[len] = '\0';
	spin_lock(&uts_lock);
	memcpy(field, buf, len + 1);
	spin_unlock(&uts_lock);
	return 0;
}

/* ---- prctl ---- */

#define PR_SET_NAME 15
#define PR_GET_NAME 16

/*
 * The thread's name (comm): exec sets it to the base name of the path it
 * was given ("exe" for /proc/self/exe); PR_SET_NAME renames the thread
 * (busybox re-execs itself through /proc/self/exe and then names itself
 * after the applet, so `ps` shows "cat"). At most TASK_COMM_LEN - 1 bytes,
 * cut silently, as Linux. comm is written in one copy by its own task:
 * a reader may see a torn name, as on Linux without task_lock.
 */
static long prctl_set_name(const char __user *uname)
{
	char comm[TASK_COMM_LEN];
	long n = strncpy_from_user(comm, uname, sizeof(comm) - 1);

	if (n < 0)
		return n;
	comm[n] = '\0';
	strlcpy(current->comm, comm, sizeof(current->comm));
	return 0;
}

static long prctl_get_name(char __user *uname)
{
	char comm[TASK_COMM_LEN];

	memcpy(comm, current->comm, sizeof(comm));
	comm[sizeof(comm) - 1] = '\0';
	return copy_to_user(uname, comm, sizeof(comm)) ? -EFAULT : 0;
}

/*
 * prctl: the name options. Every other option is EINVAL, which is
 * Linux's answer to an option it does not know (docs/process.md lists
 * what Kestrel lacks).
 */
SYSCALL_DEFINE5(prctl, int, option, unsigned long, arg2, unsigned long, arg3, unsigned long,
		arg4, unsigned long, arg5)
{
	switch (option) {
	case PR_SET_NAME:
		return prctl_set_name((const char __user *)arg2);
	case PR_GET_NAME:
		return prctl_get_name((char __user *)arg2);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE2(sethostname, const char __user *, name, int, len)
{
	return set_uts_field(utsname.nodename, name, len);
}

SYSCALL_DEFINE2(setdomainname, const char __user *, name, int, len)
{
	return set_uts_field(utsname.domainname, name, len);
}

/* ---- sysinfo ---- */

struct sysinfo {
	long uptime;			/* seconds since boot */
	unsigned long loads[3];		/* 1, 5, 15 minute load averages (<< SI_LOAD_SHIFT) */
	unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs;		/* tasks */
	unsigned short pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;		/* bytes per unit of the *ram fields */
	char _f[0];
};

#define SI_LOAD_SHIFT 16

SYSCALL_DEFINE1(sysinfo, struct sysinfo __user *, info)
{
	struct sysinfo s;

	memset(&s, 0, sizeof(s));
	s.uptime = ktime_get_ns() / NSEC_PER_SEC;
	get_avenrun(s.loads, SI_LOAD_SHIFT);
	s.totalram = totalram_bytes / PAGE_SIZE;
	s.freeram = nr_free_pages();
	s.procs = min(nr_tasks(), 65535U);
	s.mem_unit = PAGE_SIZE;
	return copy_to_user(info, &s, sizeof(s)) ? -EFAULT : 0;
}

/* ---- reboot ---- */

#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_MAGIC2A 85072278
#define LINUX_REBOOT_MAGIC2B 369367448
#define LINUX_REBOOT_MAGIC2C 537993216
#define LINUX_REBOOT_CMD_RESTART 0x01234567
#define LINUX_REBOOT_CMD_HALT 0xCDEF0123
#define LINUX_REBOOT_CMD_CAD_ON 0x89ABCDEF
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321FEDC
#define LINUX_REBOOT_CMD_RESTART2 0xA1B2C3D4

static bool cad_enabled = true;	/* ctrl-alt-del reboots (only recorded: no keyboard hook) */

SYSCALL_DEFINE4(reboot, int, magic1, int, magic2, unsigned int, cmd, void __user *, arg)
{
	(void)arg;
	if (!capable(CAP_SYS_BOOT))
		return -EPERM;
	if ((u32)magic1 != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
	     magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_RESTART2:
		printk(KERN_EMERG "reboot: Restarting system\n");
		machine_restart();
	case LINUX_REBOOT_CMD_POWER_OFF:
		printk(KERN_EMERG "reboot: Power down\n");
		machine_power_off();
	case LINUX_REBOOT_CMD_HALT:
		printk(KERN_EMERG "reboot: System halted\n");
		machine_halt();
	case LINUX_REBOOT_CMD_CAD_ON:
		WRITE_ONCE(cad_enabled, true);
		return 0;
	case LINUX_REBOOT_CMD_CAD_OFF:
		WRITE_ONCE(cad_enabled, false);
		return 0;
	}
	return -EINVAL;
}
