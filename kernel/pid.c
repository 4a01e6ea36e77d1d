/*
 * Pid numbers and lookup by pid (include/kestrel/pid.h, docs/process.md).
 *
 * The pid map is one counter per number: how many holders it has (the
 * task whose pid it is, until reaped; each process whose pgrp or session
 * it is). A number with no holder is free. Allocation scans upwards from
 * the last number handed out and wraps to RESERVED_PIDS, so a number just
 * freed is the last one to be reused. 0 belongs to the idle tasks and 1
 * to init_task; neither is ever handed out.
 *
 * Lookup: a hash of tasks by pid, changed under tasklist_lock (write) by
 * attach_pid (fork, kthread creation) and detach_pid (reaping), read
 * under tasklist_lock (read).
 */
#include <kestrel/errno.h>
#include <kestrel/pid.h>
#include <kestrel/printk.h>
#include <kestrel/sched_signal.h>
#include <kestrel/spinlock.h>

#define PIDHASH_BITS 8
#define PIDHASH_SIZE (1U << PIDHASH_BITS)

/* pidmap_lock protects pid_users[] and last_pid; irq-safe (its order: docs/locking.md). */
static DEFINE_SPINLOCK(pidmap_lock);
static u32 pid_users[PID_MAX_DEFAULT] = { [0] = 1, [1] = 1 };	/* idle, init: held forever */
static int last_pid = 1;

/* Under tasklist_lock: tasks by pid (task->pid_node). */
static struct hlist_head pid_hash[PIDHASH_SIZE];

static struct hlist_head *pid_bucket(int nr)
{
	return &pid_hash[((unsigned int)nr * 0x9e370001U) >> (32 - PIDHASH_BITS)];
}

int alloc_pid(void)
{
	unsigned long flags;
	int nr, tries;

	spin_lock_irqsave(&pidmap_lock, flags);
	nr = last_pid;
	for (tries = 0; tries < PID_MAX_DEFAULT; tries++) {
		if (++nr >= PID_MAX_DEFAULT)
			nr = RESERVED_PIDS;
		if (!pid_users[nr]) {
			pid_users[nr] = 1;
			last_pid = nr;
			spin_unlock_irqrestore(&pidmap_lock, flags);
			return nr;
		}
	}
	spin_unlock_irqrestore(&pidmap_lock, flags);
	return -EAGAIN;
}

void get_pid_nr(int nr)
{
	unsigned long flags;

	if (nr <= 0 || nr >= PID_MAX_DEFAULT)
		return;
	spin_lock_irqsave(&pidmap_lock, flags);
	WARN_ON(!pid_users[nr]);	/* only a number in use gains holders */
	pid_users[nr]++;
	spin_unlock_irqrestore(&pidmap_lock, flags);
}

void put_pid_nr(int nr)
{
	unsigned long flags;

	if (nr <= 1 || nr >= PID_MAX_DEFAULT)
		return;		/* idle's and init's are never freed */
	spin_lock_irqsave(&pidmap_lock, flags);
	if (!WARN_ON(!pid_users[nr]))
		pid_users[nr]--;
	spin_unlock_irqrestore(&pidmap_lock, flags);
}

unsigned int pid_nr_users(int nr)
{
	if (nr < 0 || nr >= PID_MAX_DEFAULT)
		return 0;
	return READ_ONCE(pid_users[nr]);
}

void attach_pid(struct task_struct *p)
{
	hlist_add_head(&p->pid_node, pid_bucket(p->pid));
}

void detach_pid(struct task_struct *p)
{
	hlist_del_init(&p->pid_node);
}

struct task_struct *find_task_by_vpid(int nr)
{
	struct task_struct *p;

	if (nr <= 0)
		return NULL;
	hlist_for_each_entry(p, pid_bucket(nr), pid_node)
		if (p->pid == nr)
			return p;
	return NULL;
}

struct task_struct *find_get_task_by_vpid(int nr)
{
	struct task_struct *p;

	read_lock(&tasklist_lock);
	p = find_task_by_vpid(nr);
	if (p)
		get_task_struct(p);
	read_unlock(&tasklist_lock);
	return p;
}

int task_ppid_nr(const struct task_struct *p)
{
	int ppid = 0;

	read_lock(&tasklist_lock);
	if (p->real_parent && p->pid != 1)
		ppid = p->real_parent->tgid;
	read_unlock(&tasklist_lock);
	return ppid;
}

int task_pgrp_nr(const struct task_struct *p)
{
	return p->signal ? READ_ONCE(p->signal->pgrp) : 0;
}

int task_session_nr(const struct task_struct *p)
{
	return p->signal ? READ_ONCE(p->signal->session) : 0;
}
