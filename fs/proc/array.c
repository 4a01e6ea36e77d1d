/*
 * /proc/<pid>/stat and /proc/<pid>/status, in Linux's formats (ps, top and
 * pgrep parse them: stat's 52 fields in Linux's order, status's "Key:\tvalue"
 * lines).
 *
 * Values are read from the referenced task without its locks: each is a
 * word read once (READ_ONCE), and a field changing under us only makes the
 * line a snapshot of slightly different moments, as on Linux. The family
 * (ppid, pgrp, session), the controlling tty (signal->tty, its foreground
 * group) and the thread list are read under tasklist_lock.
 * Times are in clock ticks (USER_HZ = 100, AT_CLKTCK).
 */
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/fs_struct.h>
#include <kestrel/mm_types.h>
#include <kestrel/pid.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/tty.h>
#include <asm/page.h>
#include "internal.h"

#define USER_HZ 100
#define NS_TO_CLOCK_T(ns) ((unsigned long long)((ns) / (NSEC_PER_SEC / USER_HZ)))

static char task_state_char(const struct task_struct *p)
{
	long state = READ_ONCE(p->state);
	int exit_state = READ_ONCE(p->exit_state);

	if (exit_state & EXIT_ZOMBIE)
		return 'Z';
	if (exit_state & EXIT_DEAD)
		return 'X';
	if (state == TASK_RUNNING)
		return 'R';
	if (state & TASK_DEAD)
		return 'X';
	if (state & TASK_STOPPED)
		return 'T';
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
	case 'T': return "T (stopped)";
	case 'Z': return "Z (zombie)";
	case 'X': return "X (dead)";
	default: return "S (sleeping)";
	}
}

/* Threads of p's process, and their CPU time (the whole process for a leader's stat). */
static void group_totals(struct task_struct *p, int *threads, u64 *runtime)
{
	struct task_struct *t;

	*threads = 0;
	*runtime = 0;
	read_lock(&tasklist_lock);
	if (p->signal && !list_empty(&p->thread_node)) {
		for_each_thread(p, t) {
			(*threads)++;
			*runtime += READ_ONCE(t->sum_exec_runtime);
		}
	}
	read_unlock(&tasklist_lock);
	if (!*threads) {	/* a kernel thread: on no thread list */
		*threads = 1;
		*runtime = READ_ONCE(p->sum_exec_runtime);
	}
}

static int task_ppid(struct task_struct *p)
{
	return task_ppid_nr(p);	/* takes tasklist_lock */
}

/* Signals handled (sigcatch) and ignored (sigignore), as masks. */
static void task_sig_masks(struct task_struct *p, unsigned long *ign, unsigned long *catch)
{
	struct sighand_struct *sh = READ_ONCE(p->sighand);

	*ign = *catch = 0;
	if (!sh)
		return;
	for (int i = 1; i < _NSIG && i <= 64; i++) {
		void __user *h = READ_ONCE(sh->action[i - 1].handler);

		if (h == SIG_IGN)
			*ign |= 1UL << (i - 1);
		else if (h != SIG_DFL)
			*catch |= 1UL << (i - 1);
	}
}

int proc_pid_stat_show(struct seq_file *m, void *v)
{
	struct proc_inode *pi = m->private;
	struct task_struct *p = proc_get_task(pi->pid);
	struct signal_struct *sig;
	struct mm_struct *mm;
	unsigned long ign, catch, pending = 0, vsize = 0, rss = 0, rsslim = RLIM_INFINITY;
	unsigned long start_code = 0, end_code = 0, start_stack = 0, start_data = 0, end_data = 0;
	unsigned long start_brk = 0, arg_start = 0, arg_end = 0, env_start = 0, env_end = 0;
	unsigned long long cutime = 0, cstime = 0, utime;
	int pgrp = 0, session = 0, threads, ppid, tpgid = -1;
	unsigned int tty_nr = 0;
	struct tty_struct *tty;
	char comm[TASK_COMM_LEN];
	u64 runtime;

	if (!p)
		return -ESRCH;
	memcpy(comm, p->comm, TASK_COMM_LEN);
	comm[TASK_COMM_LEN - 1] = 0;
	group_totals(p, &threads, &runtime);
	/* A leader's stat counts the process; a thread's (task/<tid>) only itself. */
	utime = NS_TO_CLOCK_T(p->pid == proc_task_tgid(p) ? runtime
							   : READ_ONCE(p->sum_exec_runtime));
	sig = READ_ONCE(p->signal);
	if (sig) {
		read_lock(&tasklist_lock);
		pgrp = task_pgrp_nr(p);
		session = task_session_nr(p);
		tty = READ_ONCE(sig->tty);
		if (tty) {
			unsigned int minor = tty->driver->minor_start + tty->index;

			/* Linux's new_encode_dev of the controlling terminal */
			tty_nr = (minor & 0xff) | (tty->driver->major << 8) | ((minor & ~0xffU) << 12);
			tpgid = READ_ONCE(tty->pgrp) ? READ_ONCE(tty->pgrp) : -1;
		}
		read_unlock(&tasklist_lock);
		cutime = NS_TO_CLOCK_T(READ_ONCE(sig->cutime));
		cstime = NS_TO_CLOCK_T(READ_ONCE(sig->cstime));
		rsslim = READ_ONCE(sig->rlim[RLIMIT_RSS].rlim_cur);
		pending = READ_ONCE(sig->shared_pending.signal.sig[0]);
	}
	pending |= READ_ONCE(p->pending.signal.sig[0]);
	task_sig_masks(p, &ign, &catch);
	ppid = task_ppid(p);
	mm = proc_task_mm(p);
	if (mm) {
		vsize = READ_ONCE(mm->total_vm) << PAGE_SHIFT;
		rss = proc_mm_rss_pages(mm);
		start_code = mm->start_code;
		end_code = mm->end_code;
		start_stack = mm->start_stack;
		start_data = mm->start_data;
		end_data = mm->end_data;
		start_brk = mm->start_brk;
		arg_start = mm->arg_start;
		arg_end = mm->arg_end;
		env_start = mm->env_start;
		env_end = mm->env_end;
		mmput(mm);
	}
	/* pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt */
	seq_printf(m, "%d (%s) %c %d %d %d %u %d %u %lu 0 %lu 0 ", p->pid, comm,
		   task_state_char(p), ppid, pgrp, session, tty_nr, tpgid, p->flags,
		   READ_ONCE(p->min_flt), READ_ONCE(p->maj_flt));
	/* utime stime cutime cstime priority nice num_threads itrealvalue starttime */
	seq_printf(m, "%llu 0 %llu %llu %d %d %d 0 %llu ", utime, cutime, cstime,
		   20 + task_nice(p), task_nice(p), threads, NS_TO_CLOCK_T(p->start_time));
	/* vsize rss rsslim startcode endcode startstack kstkesp kstkeip */
	seq_printf(m, "%lu %lu %lu %lu %lu %lu 0 0 ", vsize, rss, rsslim, start_code, end_code,
		   start_stack);
	/* signal blocked sigignore sigcatch wchan nswap cnswap exit_signal processor */
	seq_printf(m, "%lu %lu %lu %lu 0 0 0 %d %u ", pending, READ_ONCE(p->blocked.sig[0]), ign,
		   catch, p->exit_signal, task_cpu(p));
	/* rt_priority policy delayacct_blkio_ticks guest_time cguest_time */
	seq_puts(m, "0 0 0 0 0 ");
	/* start_data end_data start_brk arg_start arg_end env_start env_end exit_code */
	seq_printf(m, "%lu %lu %lu %lu %lu %lu %lu %d\n", start_data, end_data, start_brk,
		   arg_start, arg_end, env_start, env_end, p->exit_code);
	put_task_struct(p);
	return 0;
}

static void show_cpu_list(struct seq_file *m, cpumask_t mask)
{
	unsigned int cpu, first = 0;
	bool in_run = false, any = false;

	for (cpu = 0; cpu <= NR_CPUS; cpu++) {
		bool set = cpu < NR_CPUS && cpumask_test_cpu(cpu, mask);

		if (set && !in_run) {
			first = cpu;
			in_run = true;
		} else if (!set && in_run) {
			seq_printf(m, any ? ",%u" : "%u", first);
			if (cpu - 1 > first)
				seq_printf(m, "-%u", cpu - 1);
			any = true;
			in_run = false;
		}
	}
	seq_putc(m, '\n');
}

int proc_pid_status_show(struct seq_file *m, void *v)
{
	struct proc_inode *pi = m->private;
	struct task_struct *p = proc_get_task(pi->pid);
	const struct cred *cred;
	struct mm_struct *mm;
	unsigned long ign, catch, shared = 0;
	char comm[TASK_COMM_LEN];
	int threads;
	u64 runtime;

	if (!p)
		return -ESRCH;
	memcpy(comm, p->comm, TASK_COMM_LEN);
	comm[TASK_COMM_LEN - 1] = 0;
	group_totals(p, &threads, &runtime);
	seq_printf(m, "Name:\t%s\n", comm);
	if (p->fs)
		seq_printf(m, "Umask:\t%04o\n", READ_ONCE(p->fs->umask));
	seq_printf(m, "State:\t%s\n", task_state_name(task_state_char(p)));
	seq_printf(m, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		   proc_task_tgid(p), p->pid, task_ppid(p));
	cred = get_task_cred(p);	/* a reference: p may commit new creds meanwhile */
	seq_printf(m, "Uid:\t%u\t%u\t%u\t%u\n", cred->uid, cred->euid, cred->suid, cred->fsuid);
	seq_printf(m, "Gid:\t%u\t%u\t%u\t%u\n", cred->gid, cred->egid, cred->sgid, cred->fsgid);
	seq_puts(m, "Groups:\t");
	for (unsigned int i = 0; i < cred->ngroups && i < NGROUPS_SMALL; i++)
		seq_printf(m, "%u ", cred->groups[i]);
	seq_putc(m, '\n');
	put_cred(cred);
	mm = proc_task_mm(p);
	if (mm) {
		unsigned long kb = READ_ONCE(mm->total_vm) << (PAGE_SHIFT - 10);

		seq_printf(m, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\n", kb, kb);
		seq_printf(m, "VmLck:\t%8lu kB\n", READ_ONCE(mm->locked_vm) << (PAGE_SHIFT - 10));
		seq_printf(m, "VmRSS:\t%8lu kB\n", proc_mm_rss_pages(mm) << (PAGE_SHIFT - 10));
		seq_printf(m, "RssAnon:\t%8lu kB\nRssFile:\t%8lu kB\nRssShmem:\t%8lu kB\n",
			   get_mm_counter(mm, MM_ANONPAGES) << (PAGE_SHIFT - 10),
			   get_mm_counter(mm, MM_FILEPAGES) << (PAGE_SHIFT - 10),
			   get_mm_counter(mm, MM_SHMEMPAGES) << (PAGE_SHIFT - 10));
		seq_printf(m, "VmData:\t%8lu kB\nVmStk:\t%8lu kB\n",
			   READ_ONCE(mm->data_vm) << (PAGE_SHIFT - 10),
			   READ_ONCE(mm->stack_vm) << (PAGE_SHIFT - 10));
		seq_printf(m, "VmPTE:\t%8lu kB\n", mm_pgtables_bytes(mm) >> 10);
		mmput(mm);
	}
	seq_printf(m, "Threads:\t%d\n", threads);
	if (p->signal)
		shared = READ_ONCE(p->signal->shared_pending.signal.sig[0]);
	task_sig_masks(p, &ign, &catch);
	seq_printf(m, "SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\n",
		   READ_ONCE(p->pending.signal.sig[0]), shared, READ_ONCE(p->blocked.sig[0]));
	seq_printf(m, "SigIgn:\t%016lx\nSigCgt:\t%016lx\n", ign, catch);
	if (cred)
		seq_printf(m, "CapEff:\t%016llx\n", (unsigned long long)cred->cap_effective);
	seq_printf(m, "Cpus_allowed:\t%llx\n", (unsigned long long)p->cpus_allowed.bits);
	seq_puts(m, "Cpus_allowed_list:\t");
	show_cpu_list(m, p->cpus_allowed);
	seq_printf(m, "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t0\n",
		   READ_ONCE(p->nr_switches));
	put_task_struct(p);
	return 0;
}
