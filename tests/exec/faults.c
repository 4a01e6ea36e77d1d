/*
 * User-mode exceptions become signals, and per-process CPU state survives
 * context switches (tests/integration/exec_faults.sh runs this as /init):
 *   - each fault in a child: with a SA_SIGINFO handler the handler sees
 *     Linux's signal, si_code and si_addr; without one the child dies of
 *     the signal and the parent (init) goes on;
 *   - FPU/SSE (and AVX when the CPU and kernel enable it) registers and
 *     the FS base (TLS) of several processes stay their own while they
 *     yield to each other.
 * Prints one "ok"/"FAIL" line per check, then "faults: N passed, M failed".
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#include <sys/syscall.h>

static int passed, failed;

static void check(int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	if (cond)
		passed++;
	else
		failed++;
	fflush(stdout);
}


static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* Report through the exit status: signal, si_code, si_addr checked by the parent. */
	printf("handler: signal %d code %d addr %s\n", sig, si->si_code,
	       si->si_addr == NULL ? "null" : "nonnull");
	fflush(stdout);
	_exit(sig);
}

static void do_div0(void) { __asm__ volatile("xor %%ecx, %%ecx; div %%ecx" ::: "eax", "ecx", "edx"); }
static void do_ud2(void) { __asm__ volatile("ud2"); }
static void do_null(void) { *(volatile int *)0 = 1; }
static void do_int3(void) { __asm__ volatile("int3"); }
static void do_hlt(void) { __asm__ volatile("hlt"); }	/* privileged: #GP */

struct fault {
	const char *name;
	void (*fn)(void);
	int sig;
	int code;		/* expected si_code */
	const char *addr;	/* expected si_addr: "nonnull" (the faulting instruction) or "null" */
};

static const struct fault faults[] = {
	{ "divide error", do_div0, SIGFPE, 1 /* FPE_INTDIV */, "nonnull" },
	{ "invalid opcode", do_ud2, SIGILL, 2 /* ILL_ILLOPN */, "nonnull" },
	{ "null pointer", do_null, SIGSEGV, 1 /* SEGV_MAPERR */, "null" },
	{ "int3", do_int3, SIGTRAP, 0x80 /* SI_KERNEL */, "null" },
	{ "privileged instruction", do_hlt, SIGSEGV, 0x80 /* SI_KERNEL */, "null" },
};

/* Run fn in a child; with_handler: a SA_SIGINFO handler exits with the signal number. */
static int run_child(const struct fault *f, int with_handler)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (with_handler) {
			struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
			sigaction(f->sig, &sa, NULL);
		}
		f->fn();
		_exit(100);	/* no fault: wrong */
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void test_faults(void)
{
	char what[128];

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const struct fault *f = &faults[i];
		int st = run_child(f, 0);

		snprintf(what, sizeof(what), "%s: child killed by signal %d (status %#x)", f->name,
			 f->sig, st);
		check(st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == f->sig, what);
		st = run_child(f, 1);
		snprintf(what, sizeof(what), "%s: handler ran for signal %d (status %#x)", f->name,
			 f->sig, st);
		check(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == f->sig, what);
	}
}

/* si_code and si_addr, reported by the handler in a child: checked from its output line. */
static void test_siginfo(void)
{
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const struct fault *f = &faults[i];
		int fds[2], st;
		char buf[128] = "", want[128], what[160];
		pid_t pid;

		if (pipe(fds))
			return;
		pid = fork();
		if (pid == 0) {
			struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };

			dup2(fds[1], 1);
			sigaction(f->sig, &sa, NULL);
			f->fn();
			_exit(100);
		}
		close(fds[1]);
		read(fds[0], buf, sizeof(buf) - 1);
		close(fds[0]);
		waitpid(pid, &st, 0);
		buf[strcspn(buf, "\n")] = 0;
		snprintf(want, sizeof(want), "handler: signal %d code %d addr ", f->sig, f->code);
		snprintf(what, sizeof(what), "%s: siginfo '%s'", f->name, buf);
		check(!strncmp(buf, want, strlen(want)) && !strcmp(buf + strlen(want), f->addr), what);
	}
}

static int have_avx(void)
{
	unsigned int a, b, c, d, xcr0_lo, xcr0_hi;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (!(c & (1u << 27)) || !(c & (1u << 28)))	/* OSXSAVE, AVX */
		return 0;
	__asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
	return (xcr0_lo & 6) == 6;
}

/* A raw syscall: the worker below replaced the FS base musl keeps errno behind. */
static long rsys(long n, long a, long b)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

/* One process: its own xmm0/xmm7 (and ymm high halves) and FS base across many yields. */
static int fpu_worker(uint64_t seed, int avx)
{
	uint64_t fs_want = 0x10000000 + seed * 0x1000, fs_got;
	int bad = 0;

	if (rsys(SYS_arch_prctl, ARCH_SET_FS, fs_want))
		return 2;
	for (int i = 0; i < 300; i++) {
		uint64_t v = seed * 1000003 + i, g0, g7, gy = 0;

		__asm__ volatile("movq %0, %%xmm0; movq %0, %%xmm7" ::"r"(v) : "xmm0", "xmm7");
		if (avx)
			__asm__ volatile("vmovq %0, %%xmm1; vinserti128 $1, %%xmm1, %%ymm2, %%ymm2"
					 ::"r"(~v) : "xmm1", "xmm2");
		rsys(SYS_sched_yield, 0, 0);
		rsys(SYS_getppid, 0, 0);
		__asm__ volatile("movq %%xmm0, %0; movq %%xmm7, %1" : "=r"(g0), "=r"(g7));
		if (avx)
			__asm__ volatile("vextracti128 $1, %%ymm2, %%xmm3; vmovq %%xmm3, %0"
					 : "=r"(gy) :: "xmm3");
		rsys(SYS_arch_prctl, ARCH_GET_FS, (long)&fs_got);
		if (g0 != v || g7 != v || (avx && gy != ~v) || fs_got != fs_want)
			bad++;
	}
	/* musl's TLS lives at the FS base we replaced: leave without touching it. */
	return bad ? 1 : 0;
}

static void test_fpu_state(void)
{
	int avx = have_avx(), ok = 1;
	pid_t pids[4];
	char what[96];

	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			rsys(SYS_exit, fpu_worker(i + 1, avx), 0);
	}
	for (int i = 0; i < 4; i++) {
		int st;

		if (pids[i] < 0 || waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			ok = 0;
	}
	snprintf(what, sizeof(what), "4 processes keep their SSE%s registers and FS base",
		 avx ? "/AVX" : "");
	check(ok, what);
}

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		sched_yield();
	return NULL;
}

/* exec from a process with 3 more threads: they die, the new program runs alone. */
static void test_threaded_exec(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		pthread_t t;
		char *argv[] = { "/bin/hello", "threaded-exec", NULL };

		for (int i = 0; i < 3; i++)
			pthread_create(&t, NULL, spin, NULL);
		execv(argv[0], argv);
		_exit(101);
	}
	check(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "exec with other threads running: the new program runs and exits 0");
}

int main(void)
{
	test_faults();
	test_siginfo();
	test_fpu_state();
	test_threaded_exec();
	printf("faults: %d passed, %d failed\n", passed, failed);
	fflush(stdout);
	for (;;)
		pause();
}
