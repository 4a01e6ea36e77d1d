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
#include <kestrel/mm.h>
#include <kestrel/pid.h>
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
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

/* ---- processes: fork, exit, zombies, wait, reparenting (kernel-function children) ---- */

/*
 * Let reaped children finish their last switch and be freed (stacks via
 * the reaper, creds and signal state after a grace period) so that later
 * tests counting free pages do not see them come back mid-test.
 */
static void proc_settle(void)
{
	msleep(20);
	sched_reap_wait();
	rcu_barrier();
	sched_reap_wait();
}

static int exit_five(void *unused)
{
	(void)unused;
	return 5 << 8;	/* do_exit's code is in wait-status form: exit(5) */
}

/* Poll until pid's state says it exited (the test must not depend on wake-up order). */
static bool wait_until_zombie(int pid)
{
	for (int i = 0; i < 4000; i++) {
		struct task_struct *p = find_get_task_by_vpid(pid);
		int st = p ? READ_ONCE(p->exit_state) : -1;

		if (p)
			put_task_struct(p);
		if (st)
			return st == EXIT_ZOMBIE;
		msleep(5);
	}
	return false;
}

KTEST(proc, fork_exit_wait_status)
{
	int status = 0;
	long pid = kernel_process(exit_five, NULL, "exit5", 0);
	struct task_struct *p;

	KASSERT(pid > 1);
	KEXPECT(wait_until_zombie(pid));	/* a zombie keeps its pid until reaped */
	KEXPECT_EQ(pid_nr_users(pid), 1);
	p = find_get_task_by_vpid(pid);
	KASSERT(p != NULL);
	KEXPECT(p->real_parent == current);
	KEXPECT_EQ(p->tgid, pid);
	put_task_struct(p);
	KEXPECT_EQ(kernel_wait4(pid, &status, 0, NULL), pid);
	KEXPECT_EQ(status, 5 << 8);
	KEXPECT(find_get_task_by_vpid(pid) == NULL);
	KEXPECT_EQ(pid_nr_users(pid), 0);
	KEXPECT_EQ(kernel_wait4(pid, &status, 0, NULL), -ECHILD);
	proc_settle();
}

static int block_fn(void *data)
{
	int *go = data;

	while (!READ_ONCE(*go))
		msleep(2);
	return 0;
}

KTEST(proc, wnohang_and_any_child)
{
	static int go;
	int status;
	long pid;

	WRITE_ONCE(go, 0);
	pid = kernel_process(block_fn, &go, "blocker", 0);
	KASSERT(pid > 1);
	KEXPECT_EQ(kernel_wait4(-1, &status, WNOHANG, NULL), 0);	/* alive: nothing yet */
	KEXPECT_EQ(kernel_wait4(pid + 100000, &status, WNOHANG, NULL), -ECHILD);
	WRITE_ONCE(go, 1);
	KEXPECT_EQ(kernel_wait4(-1, &status, 0, NULL), pid);	/* sleeps until it exits */
	KEXPECT_EQ(status, 0);
	proc_settle();
}

struct family {
	int go;			/* the grandchild may exit */
	long grandchild;	/* its pid, set by the child */
};

static int grandchild_fn(void *data)
{
	struct family *f = data;

	while (!READ_ONCE(f->go))
		msleep(2);
	return 9 << 8;
}

static int middle_fn(void *data)
{
	struct family *f = data;

	WRITE_ONCE(f->grandchild, kernel_process(grandchild_fn, f, "grandchild", 0));
	return 1 << 8;	/* exits at once, orphaning the grandchild */
}

/* An orphan goes to init (pid 1: the test's own task, here) and init reaps it. */
KTEST(proc, orphans_are_reparented_to_init)
{
	static struct family f;
	struct task_struct *g;
	int status;
	long mid;

	memset(&f, 0, sizeof(f));
	KASSERT(current->pid == 1);
	mid = kernel_process(middle_fn, &f, "middle", 0);
	KASSERT(mid > 1);
	KEXPECT_EQ(kernel_wait4(mid, &status, 0, NULL), mid);
	KEXPECT_EQ(status, 1 << 8);
	KASSERT(READ_ONCE(f.grandchild) > 1);
	g = find_get_task_by_vpid(f.grandchild);
	KASSERT(g != NULL);
	KEXPECT(g->real_parent == &init_task);	/* reparented when middle's process died */
	KEXPECT(g->parent == &init_task);
	put_task_struct(g);
	WRITE_ONCE(f.go, 1);
	KEXPECT_EQ(kernel_wait4(f.grandchild, &status, 0, NULL), f.grandchild);
	KEXPECT_EQ(status, 9 << 8);
	proc_settle();
}

/* A zombie orphan is reported to init at reparenting and init can reap it. */
KTEST(proc, zombie_orphan_is_reaped_by_init)
{
	static struct family f;
	int status;
	long mid;

	memset(&f, 0, sizeof(f));
	WRITE_ONCE(f.go, 1);	/* the grandchild exits at once */
	mid = kernel_process(middle_fn, &f, "middle", 0);
	KASSERT(mid > 1);
	KASSERT(wait_until_zombie(mid));
	KEXPECT_EQ(kernel_wait4(-1, &status, 0, NULL) > 0, 1);
	KEXPECT_EQ(kernel_wait4(-1, &status, 0, NULL) > 0, 1);
	KEXPECT_EQ(kernel_wait4(-1, &status, WNOHANG, NULL), -ECHILD);
	proc_settle();
}

static int thread_fn_exit(void *data)
{
	int *ran = data;

	WRITE_ONCE(*ran, 1);
	return 0;
}

/* A thread (CLONE_THREAD) is nobody's child: it is released as it exits, its pid freed. */
KTEST(proc, threads_reap_themselves)
{
	static int ran;
	long tid;

	WRITE_ONCE(ran, 0);
	KEXPECT_EQ(kernel_process(thread_fn_exit, &ran, "bad", CLONE_THREAD), -EINVAL);
	KEXPECT_EQ(kernel_process(thread_fn_exit, &ran, "bad", CLONE_SIGHAND), -EINVAL);
	tid = kernel_process(thread_fn_exit, &ran, "thread", CLONE_VM | CLONE_SIGHAND | CLONE_THREAD);
	KASSERT(tid > 1);
	for (int i = 0; i < 4000 && pid_nr_users(tid); i++)
		msleep(5);
	KEXPECT(READ_ONCE(ran));
	KEXPECT_EQ(pid_nr_users(tid), 0);
	KEXPECT_EQ(kernel_wait4(tid, NULL, __WALL | WNOHANG, NULL), -ECHILD);
	proc_settle();
}

/* Many children in parallel: every pid comes back, nothing is left behind. */
KTEST(proc, many_children_all_reaped)
{
	unsigned int before = nr_tasks();
	int status, reaped = 0;

	for (int i = 0; i < 64; i++)
		KASSERT(kernel_process(exit_five, NULL, "many", 0) > 1);
	while (kernel_wait4(-1, &status, 0, NULL) > 0) {
		KEXPECT_EQ(status, 5 << 8);
		reaped++;
	}
	KEXPECT_EQ(reaped, 64);
	KEXPECT(nr_tasks() <= before);
	proc_settle();
}

/* ---- concurrency: several processes forking and reaping at once ---- */

#define STRESS_PARENTS 4
#define STRESS_CHILDREN 200

static int stress_child(void *data)
{
	return ((int)(long)data & 0xff) << 8;
}

/* One parent process: fork and reap its children one by one, checking each status. */
static int stress_parent(void *unused)
{
	(void)unused;
	for (long i = 0; i < STRESS_CHILDREN; i++) {
		int status = -1;
		long pid = kernel_process(stress_child, (void *)i, "stress-child", 0);

		if (pid < 0)
			return 1 << 8;
		if (kernel_wait4(pid, &status, 0, NULL) != pid)
			return 2 << 8;
		if (status != (int)((i & 0xff) << 8))
			return 3 << 8;
	}
	return 0;
}

KTEST(proc, parallel_fork_reap_returns_memory)
{
	unsigned long free_before, free_after = 0;
	int status, ok = 0;

	sched_reap_wait();
	rcu_barrier();
	free_before = nr_free_pages();
	for (int i = 0; i < STRESS_PARENTS; i++)
		KASSERT(kernel_process(stress_parent, NULL, "stress-parent", 0) > 1);
	for (int i = 0; i < STRESS_PARENTS; i++) {
		KASSERT(kernel_wait4(-1, &status, 0, NULL) > 0);
		if (status == 0)
			ok++;
	}
	KEXPECT_EQ(ok, STRESS_PARENTS);
	/* Stacks go back through the reaper, creds and sighands after a grace period. */
	for (int i = 0; i < 200; i++) {
		sched_reap_wait();
		rcu_barrier();
		free_after = nr_free_pages();
		if (free_after + 16 >= free_before)
			break;
		msleep(10);
	}
	KEXPECT(free_after + 16 >= free_before);
	proc_settle();
}
