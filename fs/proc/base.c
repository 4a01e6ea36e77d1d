/*
 * /proc/self and /proc/<pid>: a directory per task with comm, stat and
 * status. /proc/self is a symlink whose target is the pid of whoever
 * follows it (->get_link runs in the reader's context).
 *
 * A pid directory and its files find their task again by pid each time
 * (task_snapshot): if it has exited meanwhile, lookups and reads fail with
 * ENOENT/ESRCH, as on Linux. The process issue adds the per-process
 * files (maps, fd/, ...) next to these.
 *
 * The snapshot is copied under the scheduler's task-list lock through
 * sched_for_each_task (interrupts off, no sleeping): nothing of the task
 * is touched after the lock is dropped.
 */
#include <kestrel/dcache.h>
#include <kestrel/errno.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include "internal.h"

struct task_snap {
	int pid;
	char comm[TASK_COMM_LEN];
	long state;
	unsigned int cpu;
	int nice;
	u64 sum_exec_runtime;
	unsigned long nr_switches;
	unsigned int flags;
};

struct snap_req {
	int pid;
	bool found;
	struct task_snap *snap;
};

static void snap_one(struct task_struct *p, void *arg)
{
	struct snap_req *r = arg;

	if (r->found || p->pid != r->pid)
		return;
	r->found = true;
	r->snap->pid = p->pid;
	memcpy(r->snap->comm, p->comm, TASK_COMM_LEN);
	r->snap->comm[TASK_COMM_LEN - 1] = 0;
	r->snap->state = READ_ONCE(p->state);
	r->snap->cpu = p->cpu;
	r->snap->nice = p->nice;
	r->snap->sum_exec_runtime = p->sum_exec_runtime;
	r->snap->nr_switches = p->nr_switches;
	r->snap->flags = p->flags;
}

static bool task_snapshot(int pid, struct task_snap *snap)
{
	struct snap_req r = { .pid = pid, .snap = snap };

	sched_for_each_task(snap_one, &r);
	return r.found;
}

static char task_state_char(long state)
{
	if (state == TASK_RUNNING)
		return 'R';
	if (state & TASK_DEAD)
		return 'X';
	if (state & TASK_INTERRUPTIBLE)
		return 'S';
	if (state & TASK_UNINTERRUPTIBLE)
		return 'D';
	return 'S';	/* TASK_NEW: never ran; Linux shows such a task as sleeping */
}

static const char *task_state_name(char c)
{
	switch (c) {
	case 'R': return "R (running)";
	case 'D': return "D (disk sleep)";
	case 'X': return "X (dead)";
	default: return "S (sleeping)";
	}
}

/* ---------------------------------------------------------------- the files */

static int pid_comm_show(struct seq_file *m, void *v)
{
	struct proc_inode *pi = m->private;
	struct task_snap t;

	if (!task_snapshot(pi->pid, &t))
		return -ESRCH;
	seq_printf(m, "%s\n", t.comm);
	return 0;
}

/* The first fields of Linux's /proc/<pid>/stat that Kestrel has; times in clock ticks. */
static int pid_stat_show(struct seq_file *m, void *v)
{
	struct proc_inode *pi = m->private;
	struct task_snap t;
	unsigned long long ticks;

	if (!task_snapshot(pi->pid, &t))
		return -ESRCH;
	ticks = t.sum_exec_runtime / (NSEC_PER_SEC / HZ);
	/* pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	seq_printf(m, "%d (%s) %c 0 0 0 0 -1 %u 0 0 0 0 0 %llu 0 0 %d %d 1 0 0 0 0",
		   t.pid, t.comm, task_state_char(t.state), t.flags, ticks, 20 + t.nice, t.nice);
	seq_printf(m, " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 %u 0 0 0 0 0\n", t.cpu);
	return 0;
}

static int pid_status_show(struct seq_file *m, void *v)
{
	struct proc_inode *pi = m->private;
	struct task_snap t;

	if (!task_snapshot(pi->pid, &t))
		return -ESRCH;
	seq_printf(m, "Name:\t%s\n", t.comm);
	seq_printf(m, "State:\t%s\n", task_state_name(task_state_char(t.state)));
	seq_printf(m, "Tgid:\t%d\nPid:\t%d\nPPid:\t0\n", t.pid, t.pid);
	seq_printf(m, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	seq_printf(m, "Threads:\t1\n");
	seq_printf(m, "Cpus_allowed_list:\t(see sched)\n");
	seq_printf(m, "voluntary_ctxt_switches:\t%lu\n", t.nr_switches);
	return 0;
}

static const struct proc_entry pid_entries[] = {
	{ "comm", S_IFREG | 0444, pid_comm_show },
	{ "stat", S_IFREG | 0444, pid_stat_show },
	{ "status", S_IFREG | 0444, pid_status_show },
};
#define NR_PID_ENTRIES (sizeof(pid_entries) / sizeof(pid_entries[0]))

/* ---------------------------------------------------------------- /proc/<pid> */

static struct dentry *proc_pid_dir_lookup(struct inode *dir, struct dentry *dentry,
					  unsigned int flags)
{
	int pid = PROC_I(dir)->pid;
	struct task_snap t;

	if (!task_snapshot(pid, &t))
		return ERR_PTR(-ENOENT);
	for (size_t i = 0; i < NR_PID_ENTRIES; i++) {
		const struct proc_entry *e = &pid_entries[i];
		struct inode *inode;

		if (strlen(e->name) != dentry->d_name.len ||
		    memcmp(e->name, dentry->d_name.name, dentry->d_name.len))
			continue;
		inode = proc_new_inode(dir->i_sb, e->mode, dir->i_ino + 1 + i);
		if (!inode)
			return ERR_PTR(-ENOMEM);
		PROC_I(inode)->entry = e;
		PROC_I(inode)->pid = pid;
		d_add(dentry, inode);
		return NULL;
	}
	d_add(dentry, NULL);
	return NULL;
}

static int proc_pid_dir_readdir(struct file *file, struct dir_context *ctx)
{
	if (!dir_emit_dots(file, ctx))
		return 0;
	while (ctx->pos < (loff_t)(2 + NR_PID_ENTRIES)) {
		const struct proc_entry *e = &pid_entries[ctx->pos - 2];

		if (!dir_emit(ctx, e->name, strlen(e->name), file_inode(file)->i_ino + ctx->pos - 1,
			      DT_REG))
			return 0;
		ctx->pos++;
	}
	return 0;
}

static const struct inode_operations proc_pid_dir_inode_operations = {
	.lookup = proc_pid_dir_lookup,
};

static const struct file_operations proc_pid_dir_operations = {
	.iterate_shared = proc_pid_dir_readdir,
	.read = generic_read_dir,	/* read() of a directory: EISDIR */
	.llseek = generic_file_llseek,
};

static int parse_pid(const char *name, int len)
{
	int pid = 0;

	if (len < 1 || len > 9 || (name[0] == '0' && len > 1))
		return -1;
	for (int i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

struct dentry *proc_pid_lookup(struct dentry *dentry, const char *name, int len)
{
	struct super_block *sb = dentry->d_sb;
	int pid = parse_pid(name, len);
	struct task_snap t;
	struct inode *inode;

	if (pid <= 0 || !task_snapshot(pid, &t)) {
		d_add(dentry, NULL);
		return NULL;
	}
	inode = proc_new_inode(sb, S_IFDIR | 0555, PROC_PID_INO_BASE + (unsigned long)pid * 16);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	PROC_I(inode)->pid = pid;
	inode->i_op = &proc_pid_dir_inode_operations;
	inode->i_fop = &proc_pid_dir_operations;
	d_add(dentry, inode);
	return NULL;
}

/* ---------------------------------------------------------------- listing the pids */

#define PID_BATCH 64

struct pid_batch {
	int min;		/* pids >= min */
	int n;
	int pids[PID_BATCH];	/* the smallest ones, sorted */
};

/* Keep the PID_BATCH smallest pids >= min (insertion into a sorted array; no sleeping here). */
static void collect_pid(struct task_struct *p, void *arg)
{
	struct pid_batch *b = arg;
	int pid = p->pid, i;

	if (pid < b->min || pid <= 0)
		return;
	if (b->n == PID_BATCH && pid >= b->pids[PID_BATCH - 1])
		return;
	i = b->n < PID_BATCH ? b->n++ : PID_BATCH - 1;
	while (i > 0 && b->pids[i - 1] > pid) {
		b->pids[i] = b->pids[i - 1];
		i--;
	}
	if (i > 0 && b->pids[i - 1] == pid) {	/* a pid twice (idle tasks share 0; others not) */
		memmove(&b->pids[i], &b->pids[i + 1], (b->n - i - 1) * sizeof(int));
		b->n--;
		return;
	}
	b->pids[i] = pid;
}

int proc_pid_readdir(struct file *file, struct dir_context *ctx, loff_t first_pos)
{
	struct pid_batch *b = kmalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return -ENOMEM;
	for (;;) {
		b->min = (int)(ctx->pos - first_pos);
		b->n = 0;
		sched_for_each_task(collect_pid, b);
		if (!b->n)
			break;
		for (int i = 0; i < b->n; i++) {
			char name[12];
			int len = scnprintf(name, sizeof(name), "%d", b->pids[i]);

			ctx->pos = first_pos + b->pids[i];
			if (!dir_emit(ctx, name, len,
				      PROC_PID_INO_BASE + (unsigned long)b->pids[i] * 16, DT_DIR))
				goto out;
		}
		ctx->pos++;	/* past the last pid emitted */
	}
out:
	kfree(b);
	return 0;
}

/* ---------------------------------------------------------------- /proc/self */

static void kfree_link(void *p)
{
	kfree(p);
}

static const char *proc_self_get_link(struct dentry *dentry, struct inode *inode,
				      struct delayed_call *done)
{
	char *buf;

	if (!dentry)
		return ERR_PTR(-ECHILD);	/* rcu-walk: the allocation may sleep */
	buf = kmalloc(12, GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	scnprintf(buf, 12, "%d", current->pid);
	set_delayed_call(done, kfree_link, buf);
	return buf;
}

static const struct inode_operations proc_self_inode_operations = {
	.get_link = proc_self_get_link,
};

struct inode *proc_self_inode(struct super_block *sb)
{
	struct inode *inode = proc_new_inode(sb, S_IFLNK | 0777, 2 + 64);

	if (inode)
		inode->i_op = &proc_self_inode_operations;
	return inode;
}
