/*
 * Signals from user space: handlers with siginfo, masks and pending sets,
 * SA_* flags, EINTR against SA_RESTART, sigaltstack, the faults (SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL with si_addr and si_code), SIGCHLD and job
 * control (stop, continue, kill while stopped), SIGPIPE, sigsuspend,
 * sigtimedwait, sigqueue, the FPU state around a handler, and what exec
 * keeps. Run on Linux too: same expectations.
 */
#include "harness.h"
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sched.h>
#include <time.h>

static volatile sig_atomic_t hits;
static volatile int last_sig, last_code, last_pid, last_status, last_value;
static void *volatile last_addr;
static volatile unsigned long handler_sp;
static sigset_t mask_in_handler;

static void on_sig(int sig)
{
	hits++;
	last_sig = sig;
	sigprocmask(SIG_BLOCK, NULL, &mask_in_handler);
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	last_code = si->si_code;
	last_pid = si->si_pid;
	last_addr = si->si_addr;
	last_status = si->si_status;
	last_value = si->si_value.sival_int;
	sigprocmask(SIG_BLOCK, NULL, &mask_in_handler);
}

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(sig, &sa, NULL), 0);
}

static void handle_info(int sig, int flags)
{
	struct sigaction sa = { .sa_sigaction = on_info, .sa_flags = SA_SIGINFO | flags };

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(sig, &sa, NULL), 0);
}

static void block(int sig, int how)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	ASSERT_EQ(sigprocmask(how, &s, NULL), 0);
}

/* waitpid, going on after a handler (SIGCHLD's) interrupted it. */
static pid_t wait_for(pid_t pid, int *st, int flags)
{
	pid_t r;

	while ((r = waitpid(pid, st, flags)) < 0 && errno == EINTR)
		;
	return r;
}

/* Wait for the child and return its status. */
static int reap(pid_t pid)
{
	int st = -1;

	wait_for(pid, &st, 0);
	return st;
}

TEST(handler_gets_siginfo_from_kill)
{
	handle_info(SIGUSR1, 0);
	hits = 0;
	EXPECT_EQ(kill(getpid(), SIGUSR1), 0);
	EXPECT_EQ(hits, 1);	/* delivered before kill returns (to ourselves) */
	EXPECT_EQ(last_sig, SIGUSR1);
	EXPECT_EQ(last_code, SI_USER);
	EXPECT_EQ(last_pid, getpid());
	/* tgkill/tkill to ourselves: SI_TKILL. */
	EXPECT_EQ(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0);
	EXPECT_EQ(hits, 2);
	EXPECT_EQ(last_code, SI_TKILL);
	EXPECT_EQ(syscall(SYS_tkill, gettid(), SIGUSR1), 0);
	EXPECT_EQ(hits, 3);
}

TEST(errors_of_kill_and_sigaction)
{
	struct sigaction sa = { .sa_handler = on_sig };

	EXPECT_ERRNO(kill(getpid(), 65), EINVAL);
	EXPECT_ERRNO(kill(-2147483647, SIGUSR1), ESRCH);
	EXPECT_ERRNO(kill(0x3ffffff0, 0), ESRCH);
	EXPECT_EQ(kill(getpid(), 0), 0);
	EXPECT_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL);
	EXPECT_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	EXPECT_ERRNO(sigaction(0, &sa, NULL), EINVAL);
	EXPECT_ERRNO(sigaction(65, &sa, NULL), EINVAL);
	EXPECT_EQ(sigaction(SIGKILL, NULL, &sa), 0);	/* reading it is fine */
	EXPECT_ERRNO(syscall(SYS_tgkill, getpid(), 0x3ffffff0, SIGUSR1), ESRCH);
	sigset_t s;
	sigemptyset(&s);
	EXPECT_ERRNO(syscall(SYS_rt_sigprocmask, 99, &s, NULL, 8), EINVAL);
	EXPECT_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, NULL, 4), EINVAL);
}

TEST(blocked_signal_stays_pending_until_unblocked)
{
	sigset_t pend;

	handle(SIGUSR2, on_sig, 0);
	hits = 0;
	block(SIGUSR2, SIG_BLOCK);
	EXPECT_EQ(raise(SIGUSR2), 0);
	EXPECT_EQ(raise(SIGUSR2), 0);	/* a standard signal is pending at most once */
	EXPECT_EQ(hits, 0);
	EXPECT_EQ(sigpending(&pend), 0);
	EXPECT(sigismember(&pend, SIGUSR2));
	block(SIGUSR2, SIG_UNBLOCK);
	EXPECT_EQ(hits, 1);
	EXPECT_EQ(sigpending(&pend), 0);
	EXPECT(!sigismember(&pend, SIGUSR2));
	/* SIGKILL and SIGSTOP cannot be blocked: sigprocmask drops them silently. */
	sigfillset(&pend);
	EXPECT_EQ(sigprocmask(SIG_SETMASK, &pend, NULL), 0);
	EXPECT_EQ(sigprocmask(SIG_SETMASK, NULL, &pend), 0);
	EXPECT(!sigismember(&pend, SIGKILL));
	EXPECT(!sigismember(&pend, SIGSTOP));
	EXPECT(sigismember(&pend, SIGUSR1));
}

TEST(handler_mask_nodefer_and_resethand)
{
	struct sigaction sa = { .sa_handler = on_sig };

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGWINCH);
	ASSERT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	hits = 0;
	raise(SIGUSR1);
	EXPECT_EQ(hits, 1);
	/* In the handler: the signal itself and sa_mask were blocked; afterwards neither. */
	EXPECT(sigismember(&mask_in_handler, SIGUSR1));
	EXPECT(sigismember(&mask_in_handler, SIGWINCH));
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	EXPECT(!sigismember(&now, SIGUSR1));
	EXPECT(!sigismember(&now, SIGWINCH));

	sa.sa_flags = SA_NODEFER | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	EXPECT_EQ(hits, 2);
	EXPECT(!sigismember(&mask_in_handler, SIGUSR1));	/* SA_NODEFER */
	ASSERT_EQ(sigaction(SIGUSR1, NULL, &sa), 0);
	EXPECT(sa.sa_handler == SIG_DFL);			/* SA_RESETHAND */
}

TEST(ignored_and_default_ignored_signals)
{
	signal(SIGUSR1, SIG_IGN);
	EXPECT_EQ(raise(SIGUSR1), 0);	/* nothing happens */
	EXPECT_EQ(raise(SIGCHLD), 0);	/* default: ignore */
	EXPECT_EQ(raise(SIGWINCH), 0);
	EXPECT_EQ(raise(SIGURG), 0);
	EXPECT_EQ(raise(SIGCONT), 0);	/* continue + ignore */
	/* A pending signal that becomes ignored is discarded. */
	sigset_t pend;
	signal(SIGUSR2, SIG_DFL);
	block(SIGUSR2, SIG_BLOCK);
	raise(SIGUSR2);
	signal(SIGUSR2, SIG_IGN);
	sigpending(&pend);
	EXPECT(!sigismember(&pend, SIGUSR2));
	block(SIGUSR2, SIG_UNBLOCK);
}

/*
 * A child blocks in read() on an empty pipe; the parent signals it until
 * it reports back. Without SA_RESTART read fails with EINTR; with it, the
 * read goes on and returns the byte the parent finally writes.
 */
static void read_interrupted(int restart, long *ret, int *err, int *nhits)
{
	int data[2], report[2], r[3];
	pid_t pid;

	ASSERT_EQ(pipe(data), 0);
	ASSERT_EQ(pipe(report), 0);
	/* Before the fork: the child must never meet SIGUSR1's default action. */
	handle(SIGUSR1, on_sig, restart ? SA_RESTART : 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		char c;

		/* hits counts from the fork on: a signal may come before the read starts. */
		errno = 0;
		long n = read(data[0], &c, 1);
		r[0] = (int)n;
		r[1] = errno;
		r[2] = hits;
		write(report[1], r, sizeof(r));
		_exit(0);
	}
	fcntl(report[0], F_SETFL, O_NONBLOCK);
	for (int i = 0;; i++) {
		if (read(report[0], r, sizeof(r)) == sizeof(r))
			break;
		kill(pid, SIGUSR1);
		sched_yield();
		if (restart && i == 200)
			write(data[1], "x", 1);	/* enough signals: let the read finish */
	}
	*ret = r[0];
	*err = r[1];
	*nhits = r[2];
	reap(pid);
	close(data[0]);
	close(data[1]);
	close(report[0]);
	close(report[1]);
}

TEST(eintr_without_sa_restart)
{
	long ret;
	int err, n;

	read_interrupted(0, &ret, &err, &n);
	EXPECT_EQ(ret, -1);
	EXPECT_EQ(err, EINTR);
	EXPECT(n >= 1);
}

TEST(sa_restart_restarts_read)
{
	long ret;
	int err, n;

	read_interrupted(1, &ret, &err, &n);
	EXPECT_EQ(ret, 1);
	EXPECT(n >= 1);
}

static char altstack[65536];

static void on_altstack(int sig)
{
	stack_t ss;
	int local;

	(void)sig;
	hits++;
	handler_sp = (unsigned long)&local;
	/* While on it: reported SS_ONSTACK, and it cannot be changed (EPERM). */
	if (sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK))
		last_code = 1;
	ss.ss_flags = SS_DISABLE;
	if (sigaltstack(&ss, NULL) == -1 && errno == EPERM)
		last_status = 1;
}

TEST(sigaltstack_runs_handler_there)
{
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) }, old;

	EXPECT_EQ(sigaltstack(NULL, &old), 0);
	EXPECT(old.ss_flags & SS_DISABLE);
	EXPECT_EQ(sigaltstack(&ss, NULL), 0);
	handle(SIGUSR1, on_altstack, SA_ONSTACK);
	hits = 0;
	last_code = last_status = 0;
	raise(SIGUSR1);
	EXPECT_EQ(hits, 1);
	EXPECT(handler_sp > (unsigned long)altstack);
	EXPECT(handler_sp < (unsigned long)altstack + sizeof(altstack));
	EXPECT_EQ(last_code, 1);
	EXPECT_EQ(last_status, 1);
	/* Without SA_ONSTACK the handler stays on the normal stack. */
	handle(SIGUSR1, on_altstack, 0);
	raise(SIGUSR1);
	EXPECT(handler_sp < (unsigned long)altstack ||
	       handler_sp >= (unsigned long)altstack + sizeof(altstack));
	/* Too small, bad flags. */
	ss.ss_size = 1024;
	EXPECT_ERRNO(sigaltstack(&ss, NULL), ENOMEM);
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 12345;
	EXPECT_ERRNO(sigaltstack(&ss, NULL), EINVAL);
	ss.ss_flags = SS_DISABLE;
	EXPECT_EQ(sigaltstack(&ss, NULL), 0);
	EXPECT_EQ(sigaltstack(NULL, &old), 0);
	EXPECT(old.ss_flags & SS_DISABLE);
}

/* ---- faults ---- */

static sigjmp_buf fault_jmp;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_sig = sig;
	last_code = si->si_code;
	last_addr = si->si_addr;
	siglongjmp(fault_jmp, 1);
}

static void handle_fault(int sig)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(sig, &sa, NULL), 0);
}

TEST(sigsegv_si_addr_and_code)
{
	handle_fault(SIGSEGV);
	last_sig = 0;
	if (!sigsetjmp(fault_jmp, 1))
		*(volatile int *)0x1234 = 1;
	EXPECT_EQ(last_sig, SIGSEGV);
	EXPECT_EQ(last_code, SEGV_MAPERR);
	EXPECT(last_addr == (void *)0x1234);

	/* A write to a read-only page: SEGV_ACCERR. */
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(p != MAP_FAILED);
	last_sig = 0;
	if (!sigsetjmp(fault_jmp, 1))
		*(volatile char *)(p + 8) = 1;
	EXPECT_EQ(last_sig, SIGSEGV);
	EXPECT_EQ(last_code, SEGV_ACCERR);
	EXPECT(last_addr == p + 8);
	munmap(p, 4096);
	/* The handler ran with SIGSEGV blocked; siglongjmp(…, 1) restored the mask. */
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	EXPECT(!sigismember(&now, SIGSEGV));
}

extern char ud2_insn[];

TEST(sigill_and_sigfpe_si_addr)
{
	handle_fault(SIGILL);
	last_sig = 0;
	if (!sigsetjmp(fault_jmp, 1))
		__asm__ volatile(".globl ud2_insn\nud2_insn: ud2");
	EXPECT_EQ(last_sig, SIGILL);
	EXPECT_EQ(last_code, ILL_ILLOPN);
	EXPECT(last_addr == (void *)ud2_insn);	/* the instruction's address */

	handle_fault(SIGFPE);
	last_sig = 0;
	if (!sigsetjmp(fault_jmp, 1)) {
		volatile int zero = 0, x = 7;
		x = x / zero;
	}
	EXPECT_EQ(last_sig, SIGFPE);
	EXPECT_EQ(last_code, FPE_INTDIV);
	EXPECT(last_addr != NULL);
}

TEST(sigbus_past_end_of_file_mapping)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/signals-bus-%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT(fd >= 0);
	ASSERT_EQ(ftruncate(fd, 4096), 0);
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT(p != MAP_FAILED);
	p[0] = 1;
	handle_fault(SIGBUS);
	last_sig = 0;
	if (!sigsetjmp(fault_jmp, 1))
		(void)*(volatile char *)(p + 4096 + 16);	/* past EOF: no page */
	EXPECT_EQ(last_sig, SIGBUS);
	EXPECT_EQ(last_code, BUS_ADRERR);
	EXPECT(last_addr == p + 4096 + 16);
	munmap(p, 8192);
	close(fd);
	unlink(path);
}

TEST(default_actions_kill_with_the_signal)
{
	static const int sigs[] = { SIGSEGV, SIGTERM, SIGABRT, SIGUSR1, SIGQUIT };

	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t pid = fork();

		ASSERT(pid >= 0);
		if (pid == 0) {
			signal(sigs[i], SIG_DFL);
			if (sigs[i] == SIGSEGV)
				*(volatile int *)0 = 1;
			raise(sigs[i]);
			_exit(99);
		}
		int st = reap(pid);
		EXPECT(WIFSIGNALED(st));
		EXPECT_EQ(WTERMSIG(st), sigs[i]);
	}
	/* A fault with SIGSEGV blocked or ignored still kills (the handler cannot run). */
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, SIG_IGN);
		*(volatile int *)0 = 1;
		_exit(99);
	}
	int st = reap(pid);
	EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

/* ---- children ---- */

TEST(sigchld_with_exit_status_and_sigsuspend)
{
	sigset_t old, none;

	handle_info(SIGCHLD, 0);
	block(SIGCHLD, SIG_BLOCK);
	hits = 0;
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0)
		_exit(3);
	sigprocmask(SIG_BLOCK, NULL, &old);
	sigemptyset(&none);
	/* sigsuspend: the handler runs with the temporary mask, then -1 EINTR and the old mask. */
	while (!hits)
		EXPECT_ERRNO(sigsuspend(&none), EINTR);
	EXPECT_EQ(last_sig, SIGCHLD);
	EXPECT_EQ(last_code, CLD_EXITED);
	EXPECT_EQ(last_pid, pid);
	EXPECT_EQ(last_status, 3);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	EXPECT(sigismember(&now, SIGCHLD));
	int st = reap(pid);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 3);
}

TEST(sigchld_ignored_means_no_zombie)
{
	signal(SIGCHLD, SIG_IGN);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0)
		_exit(0);
	/* The child is reaped by itself: wait finds nobody (ECHILD) once it is gone. */
	int st;
	EXPECT_ERRNO(waitpid(pid, &st, 0), ECHILD);
	signal(SIGCHLD, SIG_DFL);
}

TEST(stop_continue_and_kill_while_stopped)
{
	int st;

	handle_info(SIGCHLD, 0);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		/*
		 * Its own process group, whose parent (we) is in another group of
		 * the session: not orphaned, so SIGTSTP may stop it (POSIX).
		 */
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(pid, pid);
	hits = 0;
	EXPECT_EQ(kill(pid, SIGSTOP), 0);
	EXPECT_EQ(wait_for(pid, &st, WUNTRACED), pid);
	EXPECT(WIFSTOPPED(st));
	EXPECT_EQ(WSTOPSIG(st), SIGSTOP);
	while (!hits)
		sched_yield();	/* SIGCHLD CLD_STOPPED comes too */
	EXPECT_EQ(last_code, CLD_STOPPED);
	EXPECT_EQ(kill(pid, SIGCONT), 0);
	EXPECT_EQ(wait_for(pid, &st, WCONTINUED), pid);
	EXPECT(WIFCONTINUED(st));
	/* Stop it again (SIGTSTP's default is to stop too), then SIGKILL ends it. */
	EXPECT_EQ(kill(pid, SIGTSTP), 0);
	EXPECT_EQ(wait_for(pid, &st, WUNTRACED), pid);
	EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP);
	EXPECT_EQ(kill(pid, SIGTERM), 0);	/* stays pending while stopped */
	EXPECT_EQ(wait_for(pid, &st, WNOHANG), 0);
	EXPECT_EQ(kill(pid, SIGKILL), 0);
	st = reap(pid);
	EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	signal(SIGCHLD, SIG_DFL);
}

TEST(sa_nocldstop)
{
	int st;

	handle_info(SIGCHLD, SA_NOCLDSTOP);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(5);
	}
	hits = 0;
	EXPECT_EQ(wait_for(pid, &st, WUNTRACED), pid);
	EXPECT(WIFSTOPPED(st));
	EXPECT_EQ(kill(pid, SIGCONT), 0);
	st = reap(pid);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	/* Only the exit was reported, not the stop or the continue. */
	EXPECT_EQ(hits, 1);
	EXPECT_EQ(last_code, CLD_EXITED);
	signal(SIGCHLD, SIG_DFL);
}

TEST(sigpipe_kills_or_epipe)
{
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	close(p[0]);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	int st = reap(pid);
	EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
	signal(SIGPIPE, SIG_IGN);
	EXPECT_ERRNO(write(p[1], "x", 1), EPIPE);
	handle_info(SIGPIPE, 0);
	hits = 0;
	EXPECT_ERRNO(write(p[1], "x", 1), EPIPE);
	EXPECT_EQ(hits, 1);
	EXPECT_EQ(last_sig, SIGPIPE);
	close(p[1]);
}

/* ---- waiting for signals ---- */

TEST(sigtimedwait_takes_and_times_out)
{
	sigset_t set;
	siginfo_t si;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
	EXPECT_EQ(sigtimedwait(&set, &si, &ts), SIGUSR1);
	EXPECT_EQ(si.si_signo, SIGUSR1);
	EXPECT_EQ(si.si_code, SI_TKILL);	/* raise() is tgkill */
	EXPECT_ERRNO(sigtimedwait(&set, &si, &ts), EAGAIN);
	ts.tv_nsec = 2000000000;
	EXPECT_ERRNO(sigtimedwait(&set, &si, &ts), EINVAL);
	/* A signal being waited for is taken even while ignored. */
	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);
	ts.tv_nsec = 0;
	EXPECT_EQ(sigtimedwait(&set, &si, &ts), SIGUSR1);
	signal(SIGUSR1, SIG_DFL);
}

TEST(realtime_signals_queue_with_values)
{
	union sigval v;
	sigset_t set;

	handle_info(SIGRTMIN + 1, 0);
	block(SIGRTMIN + 1, SIG_BLOCK);
	for (int i = 1; i <= 3; i++) {
		v.sival_int = i * 10;
		EXPECT_EQ(sigqueue(getpid(), SIGRTMIN + 1, v), 0);
	}
	hits = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	siginfo_t si;
	/* Real-time signals queue: three sent, three taken, in order, with their values. */
	for (int i = 1; i <= 3; i++) {
		EXPECT_EQ(sigwaitinfo(&set, &si), SIGRTMIN + 1);
		EXPECT_EQ(si.si_code, SI_QUEUE);
		EXPECT_EQ(si.si_value.sival_int, i * 10);
		EXPECT_EQ(si.si_pid, getpid());
	}
	block(SIGRTMIN + 1, SIG_UNBLOCK);
	EXPECT_EQ(hits, 0);
}

/* ---- the FPU around a handler ---- */

static void on_fpu(int sig)
{
	(void)sig;
	hits++;
	/* Clobber xmm8 and the x87 control word: the interrupted code must not see it. */
	__asm__ volatile("pcmpeqd %%xmm8, %%xmm8" ::: "xmm8");
	unsigned short cw = 0x0c7f;
	__asm__ volatile("fldcw %0" ::"m"(cw));
}

TEST(fpu_state_survives_a_handler)
{
	uint64_t in[2] = { 0x1122334455667788ULL, 0x99aabbccddeeff00ULL }, out[2];
	unsigned short cw_before, cw_after;

	handle(SIGUSR1, on_fpu, 0);
	hits = 0;
	__asm__ volatile("fnstcw %0" : "=m"(cw_before));
	__asm__ volatile("movdqu %0, %%xmm8" ::"m"(in) : "xmm8");
	raise(SIGUSR1);
	__asm__ volatile("movdqu %%xmm8, %0" : "=m"(out));
	__asm__ volatile("fnstcw %0" : "=m"(cw_after));
	EXPECT_EQ(hits, 1);
	EXPECT_EQ(out[0], in[0]);
	EXPECT_EQ(out[1], in[1]);
	EXPECT_EQ(cw_after, cw_before);
}

/* ---- exec ---- */

TEST(exec_keeps_mask_pending_and_ignored)
{
	const char *prog = access("/testprogs/sigstate", X_OK) == 0 ? "/testprogs/sigstate"
								    : "build/user/testprogs/sigstate";
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };

	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		signal(SIGUSR1, SIG_IGN);
		signal(SIGUSR2, on_sig);
		sigaltstack(&ss, NULL);
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
		raise(SIGTERM);
		execl(prog, "sigstate", (char *)NULL);
		_exit(100);
	}
	int st = reap(pid);
	EXPECT(WIFEXITED(st));
	EXPECT_EQ(WEXITSTATUS(st), 1 | 2 | 4 | 8 | 16);
}

static char sighand_child_stack[64 * 1024] __attribute__((aligned(16)));

static int exec_true(void *arg)
{
	(void)arg;
	execl("/bin/true", "true", (char *)NULL);
	_exit(127);
}

/*
 * A process sharing our handlers without being our thread (CLONE_SIGHAND
 * without CLONE_THREAD) execs: it gets its own default handlers, ours stay.
 */
TEST(exec_does_not_reset_handlers_shared_with_another_process)
{
	struct sigaction now;

	handle(SIGUSR2, on_sig, 0);
	pid_t pid = clone(exec_true, sighand_child_stack + sizeof(sighand_child_stack),
			  CLONE_VM | CLONE_SIGHAND | CLONE_VFORK | SIGCHLD, NULL);
	ASSERT(pid > 0);
	int st = reap(pid);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_EQ(sigaction(SIGUSR2, NULL, &now), 0);
	EXPECT(now.sa_handler == on_sig);
}

static int rt_pipe = -1;

static void on_rt(int sig)
{
	(void)sig;
	write(rt_pipe, "r", 1);
}

TEST(terminal_stop_signals_do_not_stop_an_orphaned_group)
{
	int st, p[2];
	char c;

	/* A new session: our group has no parent outside it in the session (orphaned). */
	ASSERT(setsid() > 0);
	ASSERT_EQ(pipe(p), 0);
	rt_pipe = p[1];
	handle(SIGRTMIN + 2, on_rt, 0);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	/* SIGTSTP (20) is acted on before SIGRTMIN+2: the handler's byte says it was. */
	block(SIGCHLD, SIG_BLOCK);
	EXPECT_EQ(kill(pid, SIGTSTP), 0);
	EXPECT_EQ(kill(pid, SIGRTMIN + 2), 0);
	EXPECT_EQ(read(p[0], &c, 1), 1);
	EXPECT_EQ(wait_for(pid, &st, WUNTRACED | WNOHANG), 0);	/* not stopped */
	/* SIGSTOP stops even an orphaned group. */
	EXPECT_EQ(kill(pid, SIGSTOP), 0);
	EXPECT_EQ(wait_for(pid, &st, WUNTRACED), pid);
	EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	kill(pid, SIGKILL);
	reap(pid);
}

/* ---- init never dies of, nor stops for, an orphan's exit signal ---- */

/* Field n (1-based, n > 2) of /proc/<pid>/stat as a number; -1 if pid is gone. */
static long proc_stat_field(pid_t pid, int n)
{
	char path[64], buf[1024], *p;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	p = strrchr(buf, ')');		/* the command name may hold spaces */
	if (!p)
		return -1;
	p += 2;				/* field 3, the state */
	if (n == 3)
		return *p;
	for (int i = 3; i < n && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtol(p, NULL, 10) : -1;
}

/* SigPnd | ShdPnd of /proc/<pid>/status: what is queued and not yet acted on. */
static unsigned long proc_pending(pid_t pid)
{
	char path[64], buf[4096], *p;
	unsigned long all = 0;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	if ((p = strstr(buf, "\nSigPnd:")))
		all |= strtoul(p + 8, NULL, 16);
	if ((p = strstr(buf, "\nShdPnd:")))
		all |= strtoul(p + 8, NULL, 16);
	return all;
}

/*
 * As uid 1000, a process clones a child whose exit signal is sig (clone's
 * low byte) and exits. The child goes to init (or a subreaper), and its
 * exit signal becomes SIGCHLD (/proc/<pid>/stat field 38), as Linux's
 * reparenting does: nobody may send init SIGKILL or SIGSTOP by dying.
 * Then the child exits, and the reaper must be alive, not stopped, and
 * have neither signal pending.
 */
static void orphan_exits_with_signal(int sig)
{
	int to_child[2], report[2], st;
	pid_t mid, child = 0, reaper = 0;
	char state = 0;

	ASSERT_EQ(pipe(to_child), 0);
	ASSERT_EQ(pipe(report), 0);
	mid = fork();
	ASSERT(mid >= 0);
	if (mid == 0) {
		pid_t me = getpid(), c;

		close(to_child[1]);		/* the child's read ends when the test closes it */
		close(report[0]);
		if (getuid() == 0 && (setgid(1000) || setuid(1000)))
			_exit(10);
		c = syscall(SYS_clone, (unsigned long)sig, 0, 0, 0, 0);
		if (c < 0)
			_exit(11);
		if (c == 0) {
			char x;

			while (getppid() == me)
				usleep(1000);
			pid_t pp = getppid();
			write(report[1], &pp, sizeof(pp));
			read(to_child[0], &x, 1);	/* until the test has looked at us */
			_exit(0);
		}
		write(report[1], &c, sizeof(c));
		/* Before the reparenting, the exit signal is the one asked for. */
		_exit(proc_stat_field(c, 38) == sig ? 0 : 12);
	}
	close(to_child[0]);
	close(report[1]);
	st = reap(mid);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ASSERT_EQ(read(report[0], &child, sizeof(child)), (ssize_t)sizeof(child));
	ASSERT_EQ(read(report[0], &reaper, sizeof(reaper)), (ssize_t)sizeof(reaper));
	EXPECT_NE(reaper, mid);
	EXPECT_EQ(proc_stat_field(child, 38), SIGCHLD);
	close(to_child[1]);			/* the child exits now */
	for (;;) {
		long s = proc_stat_field(child, 3);

		if (s == -1 || s == 'Z' || s == 'X')
			break;
		usleep(1000);
	}
	/* The reaper has been told; it must still be there and running. */
	EXPECT_EQ(kill(reaper, 0), 0);
	state = (char)proc_stat_field(reaper, 3);
	EXPECT(state != 'T' && state != 't' && state != 'Z' && state != 'X');
	EXPECT_EQ(proc_pending(reaper) & ((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1))), 0);
	if (state == 'T')
		kill(reaper, SIGCONT);		/* let the rest of the run go on */
	close(report[0]);
}

TEST(orphan_with_exit_signal_sigkill_leaves_init_alive)
{
	orphan_exits_with_signal(SIGKILL);
}

TEST(orphan_with_exit_signal_sigstop_leaves_init_running)
{
	orphan_exits_with_signal(SIGSTOP);
}

/*
 * kill(2) on init: an unprivileged user may not signal it at all (EPERM,
 * init is root's), nor root's other processes; root's SIGKILL and SIGSTOP
 * are accepted and dropped (init has no handler: SIGNAL_UNKILLABLE), so
 * init is neither gone nor stopped afterwards.
 */
TEST(nobody_kills_or_stops_init)
{
	pid_t pid;
	int st;

	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		pid_t root_parent = getppid();

		if (getuid() == 0 && (setgid(1000) || setuid(1000)))
			_exit(10);
		if (kill(1, SIGKILL) != -1 || errno != EPERM)
			_exit(11);
		if (kill(1, SIGSTOP) != -1 || errno != EPERM)
			_exit(12);
		if (kill(root_parent, SIGTERM) != -1 || errno != EPERM)
			_exit(13);
		_exit(0);
	}
	st = reap(pid);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (getuid() != 0)
		return;
	EXPECT_EQ(kill(1, SIGKILL), 0);
	EXPECT_EQ(kill(1, SIGSTOP), 0);
	usleep(100000);		/* a stop, were it taken, happens as init next runs */
	EXPECT_EQ(kill(1, 0), 0);
	char state = (char)proc_stat_field(1, 3);
	EXPECT(state != 'T' && state != 'Z');
	EXPECT_EQ(proc_pending(1) & ((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1))), 0);
	if (state == 'T')
		kill(1, SIGCONT);
}
