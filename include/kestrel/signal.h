/*
 * Signals: numbers, sets, and how other subsystems send them
 * (kernel/signal.c, docs/process.md).
 *
 * Numbers and si_code values are Linux's x86_64 ABI. Who calls what:
 *   - a fault in user mode (page fault, #DE, #UD, #GP, ...):
 *     force_sig_fault(SIGSEGV, SEGV_MAPERR, addr) on current; it cannot
 *     be blocked or ignored (if it is, the default action runs).
 *   - the TTY (^C, ^Z, ^\, SIGHUP, SIGTTIN/SIGTTOU): kill_pgrp().
 *   - pipes (SIGPIPE), leases (SIGIO): send_sig() to one task.
 *   - sleepers: an interruptible sleep (TASK_INTERRUPTIBLE) ends when a
 *     signal arrives; the sleeper checks signal_pending(current) and
 *     returns -ERESTARTSYS (or -EINTR).
 */
#ifndef KESTREL_SIGNAL_H
#define KESTREL_SIGNAL_H

#include <kestrel/compiler.h>
#include <kestrel/list.h>
#include <kestrel/types.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32
#define _NSIG 64

/* si_code values (Linux's). */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE -1
#define SI_TKILL -6
#define ILL_ILLOPC 1
#define ILL_ILLOPN 2
#define ILL_PRVOPC 5
#define FPE_INTDIV 1
#define FPE_FLTDIV 3
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define TRAP_BRKPT 1
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* One bit per signal: bit (sig - 1). */
typedef struct {
	unsigned long sig[1];
} sigset_t;

#define sigmask(sig) (1UL << ((sig) - 1))

static inline void sigemptyset(sigset_t *s)
{
	s->sig[0] = 0;
}

static inline void sigfillset(sigset_t *s)
{
	s->sig[0] = ~0UL;
}

static inline void sigaddset(sigset_t *s, int sig)
{
	s->sig[0] |= sigmask(sig);
}

static inline void sigdelset(sigset_t *s, int sig)
{
	s->sig[0] &= ~sigmask(sig);
}

static inline bool sigismember(const sigset_t *s, int sig)
{
	return (s->sig[0] & sigmask(sig)) != 0;
}

static inline void sigdelsetmask(sigset_t *s, unsigned long mask)
{
	s->sig[0] &= ~mask;
}

/* Signals waiting for delivery: a bit per signal plus their siginfo. */
struct sigpending {
	struct list_head list;		/* struct sigqueue, oldest first */
	sigset_t signal;
};

struct task_struct;

/* Queue sig for task p (thread-directed). priv: sent by the kernel, not a user kill(). 0 or -errno. */
int send_sig(int sig, struct task_struct *p, int priv);
/* Queue sig for the thread group of p (process-directed, like kill(2)). */
int send_sig_group(int sig, struct task_struct *p, int priv);
/* Send sig to every process in process group pgid / to process pid. 0 or -ESRCH/-EPERM. */
int kill_pgrp(int pgid, int sig, int priv);
int kill_pid(int pid, int sig, int priv);
/*
 * A synchronous fault of the current thread (user mode): queue sig with
 * si_code and si_addr; unblocks and un-ignores it so the thread either
 * runs its handler or dies by it.
 */
void force_sig_fault(int sig, int code, void __user *addr);

/* Queue sig for current (kernel-made, SI_KERNEL), unblocking and un-ignoring it like a fault. */
void force_sig(int sig);

/* Does p have an unblocked signal pending (or SIGKILL)? Interruptible sleeps end on it. */
bool signal_pending(struct task_struct *p);
/* Is p being killed (SIGKILL pending, or its group exiting)? Killable sleeps end on it. */
bool fatal_signal_pending(struct task_struct *p);

#endif
