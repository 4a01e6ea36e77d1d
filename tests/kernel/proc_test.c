/*
 * Process identity tests (suite proc): the pid map, lookup by pid, the
 * task list, credentials; with processes, fork/exit/wait, zombies and
 * reparenting (kernel/pid.c, kernel/fork.c, kernel/exit.c, kernel/cred.c).
 */
#include <kestrel/completion.h>
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/exit.h>
#include <kestrel/fork.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/pid.h>
#include <kestrel/sched.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/wait.h>

/* A held pid is never handed out again; freed ones come back only after the numbers wrap. */
KTEST(proc, pid_not_reused_while_held)
{
	int held = alloc_pid(), first, pid, prev, i;
	bool wrapped = false, seen_first = false;

	KASSERT(held > 1);
	/* Below RESERVED_PIDS numbers are never handed out again after a wrap: skip them. */
	do {
		first = alloc_pid();
		KASSERT(first > 1);
		put_pid_nr(first);
	} while (first < RESERVED_PIDS);
	pid = alloc_pid();
	KEXPECT_NE(pid, first);		/* just freed: not the next one handed out */
	put_pid_nr(pid);
	prev = pid;
	for (i = 0; i < PID_MAX_DEFAULT + 10; i++) {
		pid = alloc_pid();
		KASSERT(pid >= RESERVED_PIDS || pid > prev);
		KEXPECT_NE(pid, held);
		if (pid < prev)
			wrapped = true;
		prev = pid;
		if (pid == first)
			seen_first = true;
		put_pid_nr(pid);
	}
	KEXPECT(wrapped);
	KEXPECT(seen_first);	/* a freed number does come back after the wrap */
	KEXPECT(pid_nr_users(held) == 1);
	put_pid_nr(held);
	KEXPECT_EQ(pid_nr_users(held), 0);
}

/* Extra holders (a pgrp, a session) keep a number in use after its task's hold is gone. */
KTEST(proc, pid_extra_holders)
{
	int pid = alloc_pid();

	KASSERT(pid > 1);
	get_pid_nr(pid);
	put_pid_nr(pid);
	KEXPECT_EQ(pid_nr_users(pid), 1);
	put_pid_nr(pid);
	KEXPECT_EQ(pid_nr_users(pid), 0);
}

static DECLARE_WAIT_QUEUE_HEAD(kt_wq);
static int kt_go;

static int kt_fn(void *unused)
{
	(void)unused;
	wait_event(kt_wq, READ_ONCE(kt_go));
	return 7;
}

/* A kernel thread is findable by its pid while alive and gone (pid free) once it exited. */
KTEST(proc, kthread_pid_lookup)
{
	struct task_struct *k, *f;
	int pid, i;

	WRITE_ONCE(kt_go, 0);
	k = kthread_run(kt_fn, NULL, "pidtest");
	KASSERT(!IS_ERR(k));
	get_task_struct(k);
	pid = k->pid;
	KEXPECT(pid > 1);
	KEXPECT_EQ(k->tgid, pid);
	KEXPECT(k->group_leader == k);
	KEXPECT(k->cred == &init_cred);
	f = find_get_task_by_vpid(pid);
	KEXPECT(f == k);
	if (f)
		put_task_struct(f);
	KEXPECT_EQ(pid_nr_users(pid), 1);
	WRITE_ONCE(kt_go, 1);
	wake_up_all(&kt_wq);
	for (i = 0; i < 2000 && !READ_ONCE(k->exited); i++)
		msleep(5);
	KEXPECT_EQ(k->exit_code, 7);
	for (i = 0; i < 2000 && pid_nr_users(pid); i++)
		msleep(5);
	KEXPECT_EQ(pid_nr_users(pid), 0);
	KEXPECT(find_get_task_by_vpid(pid) == NULL);
	put_task_struct(k);
}

KTEST(proc, init_identity)
{
	KEXPECT_EQ(init_task.pid, 1);
	KEXPECT_EQ(init_task.tgid, 1);
	KEXPECT(init_task.group_leader == &init_task);
	KEXPECT(find_get_task_by_vpid(1) == &init_task);
	put_task_struct(&init_task);
}

/* commit_creds replaces current's cred; others holding the old one keep it intact. */
KTEST(proc, cred_copy_on_change)
{
	const struct cred *old = get_cred(current_cred());
	struct cred *new = prepare_creds();

	KASSERT(new != NULL);
	KEXPECT(new != old);
	new->fsuid = 1234;
	commit_creds(new);
	KEXPECT_EQ(current_fsuid(), 1234);
	KEXPECT_EQ(old->fsuid, 0);
	KEXPECT(current->cred == new);
	/* Back to the old one (as a later commit would). */
	commit_creds((struct cred *)get_cred(old));
	KEXPECT_EQ(current_fsuid(), 0);
	put_cred(old);
}

/* ---- the setuid family (Linux's rules), run in a kernel thread so init keeps root ---- */

long sys_setuid(u32 uid);
long sys_setgid(u32 gid);
long sys_setreuid(u32 ruid, u32 euid);
long sys_setresuid(u32 ruid, u32 euid, u32 suid);
long sys_setfsuid(u32 uid);
long sys_getuid(void);
long sys_geteuid(void);
long sys_getpid(void);
long sys_gettid(void);

struct uid_result {
	long r[16];
	struct completion done;
};

static int uid_fn(void *data)
{
	struct uid_result *res = data;
	long *r = res->r;

	r[0] = sys_setresuid(1000, 1001, 0);	/* root may set anything */
	r[1] = sys_getuid();
	r[2] = sys_geteuid();
	r[3] = capable(CAP_DAC_OVERRIDE);	/* euid != 0: effective set cleared */
	r[4] = sys_setresuid(-1, 0, -1);	/* saved uid 0: back to euid 0 is allowed */
	r[5] = capable(CAP_DAC_OVERRIDE);	/* and restores the capabilities */
	r[6] = sys_setuid(2000);		/* root (euid 0): all three ids */
	r[7] = capable(CAP_SETUID);
	r[8] = sys_setuid(0);			/* no way back */
	r[9] = sys_setreuid(-1, 2000);
	r[10] = sys_setfsuid(3000);		/* not allowed: returns the old fsuid, unchanged */
	r[11] = current_fsuid();
	r[12] = sys_getpid() == current->tgid && sys_gettid() == current->pid;
	complete(&res->done);
	return 0;
}

KTEST(proc, setuid_rules)
{
	static struct uid_result res;
	struct task_struct *k;

	init_completion(&res.done);
	k = kthread_run(uid_fn, &res, "uidtest");
	KASSERT(!IS_ERR(k));
	wait_for_completion(&res.done);
	KEXPECT_EQ(res.r[0], 0);
	KEXPECT_EQ(res.r[1], 1000);
	KEXPECT_EQ(res.r[2], 1001);
	KEXPECT_EQ(res.r[3], 0);
	KEXPECT_EQ(res.r[4], 0);
	KEXPECT_EQ(res.r[5], 1);
	KEXPECT_EQ(res.r[6], 0);
	KEXPECT_EQ(res.r[7], 0);
	KEXPECT_EQ(res.r[8], -EPERM);
	KEXPECT_EQ(res.r[9], 0);
	KEXPECT_EQ(res.r[10], 2000);
	KEXPECT_EQ(res.r[11], 2000);
	KEXPECT_EQ(res.r[12], 1);
	KEXPECT(current_cred()->euid == 0);	/* the test's own cred is untouched */
}
