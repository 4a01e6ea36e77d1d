/*
 * Creating tasks: fork, vfork, clone, clone3 and kernel-function
 * children (kernel/fork.c, docs/process.md "Process lifecycle").
 *
 * copy_process() makes the child from current: it shares or copies the
 * address space (CLONE_VM), fs context (CLONE_FS), descriptor table
 * (CLONE_FILES), signal actions (CLONE_SIGHAND) and thread group
 * (CLONE_THREAD) as the flags say, gets a pid, and is linked into the
 * task list and its parent's children under tasklist_lock. The child
 * starts in ret_from_fork (user children: copy_thread, arch/x86) or in
 * fn(arg) (kernel-function children, e.g. ktests).
 */
#ifndef KESTREL_FORK_H
#define KESTREL_FORK_H

#include <kestrel/compiler.h>
#include <kestrel/types.h>

/* Linux's clone flags (uapi/linux/sched.h). The low byte is the exit signal. */
#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_NEWCGROUP 0x02000000
#define CLONE_NEWUTS 0x04000000
#define CLONE_NEWIPC 0x08000000
#define CLONE_NEWUSER 0x10000000
#define CLONE_NEWPID 0x20000000
#define CLONE_NEWNET 0x40000000
#define CLONE_IO 0x80000000

struct task_struct;

struct kernel_clone_args {
	u64 flags;			/* CLONE_* without the exit signal */
	int __user *pidfd;
	int __user *child_tid;		/* CLONE_CHILD_SETTID / CLEARTID */
	int __user *parent_tid;		/* CLONE_PARENT_SETTID */
	int exit_signal;
	unsigned long stack;		/* user stack pointer of the child (0: the parent's) */
	unsigned long stack_size;
	unsigned long tls;		/* CLONE_SETTLS: the child's FS base */
	/* Kernel-function child: runs fn(fn_arg) in kernel mode, no user return. */
	int (*fn)(void *);
	void *fn_arg;
	const char *name;		/* comm of a kernel-function child (default: parent's) */
};

/* Make and start a child; returns its pid (tid for CLONE_THREAD) or -errno. */
long kernel_clone(struct kernel_clone_args *args);

/*
 * A child process of current running fn(arg) in kernel mode: its own pid,
 * current as parent, SIGCHLD at exit, shares nothing but what flags say
 * (CLONE_FS, CLONE_FILES, ...). Returns its pid or -errno.
 */
long kernel_process(int (*fn)(void *), void *arg, const char *name, unsigned long flags);

/*
 * exec (fs/exec.c), before the old mm goes: the robust futex list and
 * clear_child_tid are handled (futex helper) and a vfork parent is
 * released. exit calls it too.
 */
void exec_mm_release(struct task_struct *tsk);

/*
 * kernel/sched/core.c: a task struct with a guarded kernel stack that
 * starts in fn(data), in TASK_NEW (kthread_create, fork), its undoing
 * before it ran, and putting it on the task list.
 */
struct task_struct *task_alloc(const char *comm, int (*fn)(void *), void *data);
void task_free(struct task_struct *p);
void tasklist_add(struct task_struct *p);

/* kernel/sched/core.c and kernel/kthread.c call these to fill a task's identity. */
void init_task_identity(void);
void idle_task_identity(struct task_struct *idle);
int kthread_identity_init(struct task_struct *p);
/* task_free: drop what the task struct still references (cred). */
void free_task_identity(struct task_struct *p);
/* release_task: p no longer counts against its user's RLIMIT_NPROC. */
void uncharge_nproc(struct task_struct *p);

/*
 * Tasks fork may make in all (from RAM, set at boot, as Linux's
 * max_threads), and those it made that are not released yet (under
 * tasklist_lock). Over it, fork fails with EAGAIN, even for root.
 */
extern int max_threads;
extern int nr_threads;

/*
 * Arch (entry helper, arch/x86/kernel/process.c): give the new user task
 * p its kernel stack frame so it starts in ret_from_fork returning to
 * user mode with rax = 0, on user_sp if not 0, with FS base tls when
 * CLONE_SETTLS. 0 or -errno.
 */
int copy_thread(unsigned long clone_flags, struct task_struct *p, unsigned long user_sp,
		unsigned long tls);

#endif
