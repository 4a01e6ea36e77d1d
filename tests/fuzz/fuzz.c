/*
 * fuzz: a system-call fuzzer in the style of trinity (docs/security.md).
 *
 *   fuzz -s SEEDS [-n CALLS] [-u UIDS] [-j JOBS] [-t THREADS] [-b BATCH] [-w SECS] [-T SECS] [-v]
 *   fuzz --cmdline           the same from fuzz.seeds= fuzz.calls= fuzz.uids=
 *                            fuzz.jobs= fuzz.threads= fuzz.time= fuzz.verbose=
 *                            in /proc/cmdline
 *   fuzz -s SEED -i ITER [-u UID]            print call ITER of SEED
 *   fuzz -s SEED -i ITER -r FROM [-u UID]    make calls FROM..ITER, printing each
 *   fuzz -l                                  the table's calls and their shapes
 *
 * For every uid (default 0 and 1000) and every seed, CALLS calls are made
 * by JOBS children at once, each child taking BATCH consecutive
 * iterations, which its THREADS threads (default 2) share. A child runs as root in a fresh tmpfs jail (pool_setup_files:
 * files, links that loop, a FIFO, /proc, device nodes), drops to its uid,
 * opens one descriptor of each kind and maps its memory at fixed
 * addresses, then makes its calls: the system-call number and arguments of
 * iteration i come only from (seed, i) (args.c), so a call can be printed
 * and made again in any run. A periodic SIGALRM interrupts calls that
 * block; the parent sends SIGCONT to a stopped child, SIGKILL to one that
 * makes no progress for -w seconds, and starts a new child for the rest of
 * the batch when one dies (a signal, exit, execve).
 *
 * After every child the parent reads the kernel log (/dev/kmsg): an oops,
 * BUG (lockups, hung tasks, the validator's reports), WARNING or panic
 * line ends the run with the seed, the iterations in flight and their
 * calls printed, and the exit status 1. So does a child SIGKILL cannot end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "syscall_list.h"	/* generated from syscall_64.tbl: SC_ROW(nr, name) */

const struct scrow sc_rows[] = {
#define SC_ROW(nr, name) { nr, #name },
	SC_ROWS
#undef SC_ROW
};
const unsigned int nr_sc_rows = sizeof(sc_rows) / sizeof(sc_rows[0]);

#define MAX_JOBS 16
#define RING 8
#define MAX_THREADS 4
/* The jails: /tmp/fuzz.<pid of the parent>/<slot>, so runs side by side (make soak) stay apart. */
static char jail_dir[32];
#define REPLAY_FD 999

/* A child's progress, in memory it shares with the parent. */
struct progress {
	volatile uint64_t cur;		/* iteration being made */
	_Atomic uint64_t done;		/* calls returned */
	_Atomic uint64_t succeeded;	/* of which returned >= 0 */
	volatile uint64_t ring[RING];	/* the last iterations begun */
	volatile int setup_failed;
	char err[200];
};

struct slot {
	pid_t pid;
	uint64_t start, end;		/* this child's iterations [start, end) */
	uint64_t last_done;
	struct timespec last_progress;
	struct timespec killed_at;
	int killed;
	struct progress *p;
};

static struct {
	uint64_t calls;
	unsigned int jobs, threads, batch, watchdog, time_limit, verbose;
	int replay_from_set;
	uint64_t replay_from;
	struct timespec started;
} opt = { .calls = 10000, .jobs = 4, .threads = 2, .batch = 2000, .watchdog = 2 };

static struct {
	uint64_t calls, succeeded, children, signalled, timeouts, exited_early;
} total;

static int kmsg_fd = -1;

/* ---------------------------------------------------------------- the call */

static long raw_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6, long forks)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	register long rbx __asm__("rbx") = forks;
	long ret;

	/*
	 * A new task (fork, vfork, clone) gets 0: it leaves with exit(0)
	 * before touching any memory, so it can share our stack (CLONE_VM,
	 * vfork) without harm.
	 */
	__asm__ volatile("syscall\n\t"
			 "test %%rbx, %%rbx\n\t"
			 "jz 1f\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "1:"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9), "r"(rbx)
			 : "rcx", "r11", "memory");
	return ret;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* rt_sigreturn for handlers installed with the raw call (musl keeps 32-34 for itself). */
void fuzz_restore_rt(void);
__asm__(".text\n"
	".globl fuzz_restore_rt\n"
	"fuzz_restore_rt:\n\t"
	"mov $15, %eax\n\t"
	"syscall\n");

static void catch_signal(int sig)
{
	struct {
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		uint64_t mask;
	} ka = { on_alarm, 0x04000000 /* SA_RESTORER */, fuzz_restore_rt, 0 };

	raw_syscall(SYS_rt_sigaction, sig, (long)&ka, 0, 8, 0, 0, 0);
}

/*
 * Every signal that can be caught is, by a handler that does nothing, so
 * a kill(self, SIGTERM) does not end the child; faults keep their default
 * action (a handler would return to the fault for ever). SIGALRM every
 * 50 ms, without SA_RESTART, ends calls that block. Called again every
 * few iterations, since the fuzzed calls change all of this.
 */
static void arm_signals(void)
{
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } };
	sigset_t set;

	for (int sig = 1; sig < 65; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
		    sig == SIGFPE || sig == SIGTRAP || sig == SIGSYS || sig == SIGABRT)
			continue;
		catch_signal(sig);
	}
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Between calls only SIGALRM's state matters (the rest only costs a child). */
static void arm_alarm(void)
{
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } };
	sigset_t set;

	catch_signal(SIGALRM);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* ---------------------------------------------------------------- the child */

static void die_setup(struct progress *p, const char *what)
{
	if (p) {
		snprintf(p->err, sizeof(p->err), "%s: %s", what, strerror(errno));
		p->setup_failed = 1;
	}
	_exit(3);
}

/*
 * A fresh jail for slot `slot`: a tmpfs of its own at jail_dir/<slot>
 * (whatever the last child left there, mounts included, goes first).
 * Descriptors 0-2 become /dev/null, every other one is closed; a replay
 * keeps stderr as REPLAY_FD for its printout (no call's descriptor).
 */
static void enter_jail(unsigned int slot, int uid, uint64_t seed, struct progress *p, int keep_stderr)
{
	char dir[48];
	int fd;

	snprintf(dir, sizeof(dir), "%s/%u", jail_dir, slot);
	while (umount2(dir, MNT_DETACH) == 0)
		;
	if (mount("fuzz", dir, "tmpfs", 0, "size=16m,nr_inodes=4096,mode=0777") < 0)
		die_setup(p, "mount tmpfs");
	if (chdir(dir) < 0 || chroot(".") < 0 || chdir("/") < 0)
		die_setup(p, "chroot");
	if (pool_setup_files(uid, seed, p ? p->err : NULL, p ? sizeof(p->err) : 0) < 0) {
		if (p)
			p->setup_failed = 1;
		_exit(3);
	}
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		die_setup(p, "open /dev/null");
	if (keep_stderr)
		dup2(2, REPLAY_FD);
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	for (int i = 3; i < 1024; i++)
		if (!keep_stderr || i != REPLAY_FD)
			close(i);
}

static void set_limit(int res, rlim_t v)
{
	struct rlimit rl = { v, v };

	setrlimit(res, &rl);
}

static void drop_to(int uid, struct progress *p)
{
	set_limit(RLIMIT_AS, 512UL << 20);
	set_limit(RLIMIT_FSIZE, 8UL << 20);
	set_limit(RLIMIT_NOFILE, 256);
	set_limit(RLIMIT_CORE, 0);
	set_limit(RLIMIT_NPROC, 512);
	if (uid && (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0))
		die_setup(p, "setuid");
}

static long make_call(struct call *c, unsigned long fs)
{
	long ret = raw_syscall(c->nr, c->arg[0], c->arg[1], c->arg[2], c->arg[3], c->arg[4], c->arg[5],
			       c->desc->flags & SC_FORKS);

	if (!strcmp(c->name, "arch_prctl"))	/* musl finds its thread through %fs */
		raw_syscall(SYS_arch_prctl, 0x1002, (long)fs, 0, 0, 0, 0, 0);
	return ret;
}

/* One thread's share of a child's iterations: those i with i % nthreads == k. */
struct worker {
	unsigned int k, nthreads;
	int uid, verbose;
	uint64_t seed, start, end;
	struct progress *p;
	struct genctx g;
};

static void run_iterations(struct worker *w)
{
	struct progress *p = w->p;
	unsigned long fs;
	struct call c;
	long ret;

	syscall(SYS_arch_prctl, 0x1003, &fs);
	for (uint64_t i = w->start + w->k; i < w->end; i += w->nthreads) {
		if (p) {
			p->cur = i;
			p->ring[i % RING] = i;
		}
		gen_call(w->seed, i, &w->g, &c);
		if (w->verbose) {
			char line[600];
			int n = snprintf(line, sizeof(line), "fuzz: seed %llu uid %d iteration %llu: ",
					 (unsigned long long)w->seed, w->uid, (unsigned long long)i);

			n += format_call(&c, line + n, sizeof(line) - n - 1);
			raw_syscall(SYS_write, REPLAY_FD, (long)line, n, 0, 0, 0, 0);
		}
		ret = make_call(&c, fs);
		if (w->verbose) {
			char line[40];
			int n = snprintf(line, sizeof(line), " = %ld\n", ret);

			raw_syscall(SYS_write, REPLAY_FD, (long)line, n, 0, 0, 0, 0);
		}
		if (p) {
			atomic_fetch_add_explicit(&p->done, 1, memory_order_relaxed);
			if (ret >= 0)
				atomic_fetch_add_explicit(&p->succeeded, 1, memory_order_relaxed);
		}
		if (((i / w->nthreads) & 63) == 63)
			arm_signals();
		else if (((i / w->nthreads) & 7) == 7)
			arm_alarm();
	}
}

static void *worker_main(void *arg)
{
	run_iterations(arg);
	raw_syscall(SYS_exit, 0, 0, 0, 0, 0, 0, 0);	/* this thread only: nothing of libc's exit path */
	return NULL;
}

/*
 * A child: its jail, its uid, its descriptors and memory, then its
 * iterations, shared by nthreads threads that make their calls at the same
 * time on the same descriptors, memory and argument buffers (races are
 * what an SMP kernel must survive). It ends with exit_group when its own
 * share is done.
 */
static void child_run(unsigned int slot, int uid, uint64_t seed, uint64_t start, uint64_t end, struct progress *p,
		      int verbose, unsigned int nthreads)
{
	static struct worker w[MAX_THREADS];

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	enter_jail(slot, uid, seed, p, verbose);
	drop_to(uid, p);
	pool_open_fds();
	pool_setup_memory();
	arm_signals();
	for (unsigned int k = 0; k < nthreads; k++) {
		w[k] = (struct worker){ .k = k, .nthreads = nthreads, .uid = uid, .verbose = verbose, .seed = seed,
					.start = start, .end = end, .p = p,
					.g = { .live = 1, .uid = uid, .pid = getpid() } };
		if (k) {
			pthread_t t;

			if (pthread_create(&t, NULL, worker_main, &w[k]))
				die_setup(p, "pthread_create");
		}
	}
	run_iterations(&w[0]);
	raw_syscall(SYS_exit_group, 0, 0, 0, 0, 0, 0, 0);
}

/* ---------------------------------------------------------------- the kernel log */

/* The lines tools/dirty-log calls reports. */
static int is_report(const char *msg)
{
	static const char *const marks[] = {
		"BUG:", "lockdep", "Oops", "Kernel panic", "general protection fault", "double fault",
	};

	if (!strncmp(msg, "WARNING:", 8))
		return 1;
	for (unsigned int i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strstr(msg, marks[i]))
			return 1;
	return 0;
}

/* Read what the kernel logged since last time; 1 if a report is among it. */
static int kernel_reported(char *first, size_t size)
{
	char rec[2048];
	int found = 0;
	ssize_t n;

	if (kmsg_fd < 0)
		return 0;
	while ((n = read(kmsg_fd, rec, sizeof(rec) - 1)) != 0) {
		char *msg;

		if (n < 0) {
			if (errno == EPIPE)	/* overwritten records: go on from the next */
				continue;
			break;
		}
		rec[n] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = 0;
		if (!found && is_report(msg)) {
			strncpy(first, msg, size - 1);
			first[size - 1] = 0;
			found = 1;
		}
	}
	return found;
}

/* ---------------------------------------------------------------- the parent */

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

static void print_call(uint64_t seed, int uid, uint64_t iter, const char *prefix)
{
	struct genctx g = { .live = 0, .uid = uid };
	struct call c;
	char line[600];

	gen_call(seed, iter, &g, &c);
	format_call(&c, line, sizeof(line));
	printf("%sseed %llu uid %d iteration %llu: %s\n", prefix, (unsigned long long)seed, uid,
	       (unsigned long long)iter, line);
}

static int start_child(struct slot *s, unsigned int slot, int uid, uint64_t seed)
{
	memset((void *)s->p, 0, sizeof(*s->p));
	s->p->cur = s->start;
	s->last_done = 0;
	s->killed = 0;
	clock_gettime(CLOCK_MONOTONIC, &s->last_progress);
	fflush(stdout);
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0)
		child_run(slot, uid, seed, s->start, s->end, s->p, 0, opt.threads);
	total.children++;
	return 0;
}

static void print_in_flight(struct slot *slots, uint64_t seed, int uid)
{
	for (unsigned int j = 0; j < opt.jobs; j++) {
		if (!slots[j].pid)
			continue;
		printf("fuzz: slot %u: iterations %llu..%llu, at %llu (reproduce: fuzz -u %d -s %llu -r %llu -i %llu)\n",
		       j, (unsigned long long)slots[j].start, (unsigned long long)slots[j].end - 1,
		       (unsigned long long)slots[j].p->cur, uid, (unsigned long long)seed,
		       (unsigned long long)slots[j].start, (unsigned long long)slots[j].p->cur);
		for (uint64_t i = slots[j].p->cur >= RING ? slots[j].p->cur - RING + 1 : 0; i <= slots[j].p->cur; i++)
			if (i >= slots[j].start)
				print_call(seed, uid, i, "fuzz:   ");
	}
}

/* A child ended: account for it; the rest of its batch goes to a new child. */
static void child_ended(struct slot *s, int status, uint64_t seed, int uid)
{
	uint64_t cur = s->p->cur;

	total.calls += s->p->done;
	total.succeeded += s->p->succeeded;
	if (s->p->setup_failed) {
		printf("fuzz: a child's setup failed: %s\n", s->p->err);
		s->start = s->end;	/* not retried */
	} else if (WIFEXITED(status) && cur + 1 >= s->end && s->p->done) {
		s->start = s->end;
	} else {
		if (opt.verbose) {
			printf("fuzz: child %d %s %d at ", s->pid, s->killed ? "killed, no progress; status" :
			       WIFSIGNALED(status) ? "ended by signal" : "exited with", WIFSIGNALED(status) ?
			       WTERMSIG(status) : WEXITSTATUS(status));
			print_call(seed, uid, cur, "");
		}
		if (s->killed)
			total.timeouts++;
		else if (WIFSIGNALED(status))
			total.signalled++;
		else
			total.exited_early++;
		s->start = cur + 1;	/* the call it ended in counts as made */
	}
	kill(-s->pid, SIGKILL);	/* whatever it left in its group */
	s->pid = 0;
}

static int run_seed(uint64_t seed, int uid, struct slot *slots)
{
	uint64_t next = 0, before = total.calls;
	char report[512];
	int failed = 0, running;

	for (unsigned int j = 0; j < opt.jobs; j++)
		slots[j].pid = 0, slots[j].start = slots[j].end = 0;
	do {
		running = 0;
		for (unsigned int j = 0; j < opt.jobs; j++) {
			struct slot *s = &slots[j];
			int status;
			pid_t w;

			if (!s->pid && s->start >= s->end && next < opt.calls && !failed &&
			    !(opt.time_limit && since(&opt.started) > opt.time_limit)) {
				s->start = next;
				s->end = next + opt.batch < opt.calls ? next + opt.batch : opt.calls;
				next = s->end;
			}
			if (!s->pid && s->start < s->end && !failed) {
				if (start_child(s, j, uid, seed) < 0) {
					printf("fuzz: fork: %s\n", strerror(errno));
					return 1;
				}
			}
			if (!s->pid)
				continue;
			running = 1;
			w = waitpid(s->pid, &status, WNOHANG | WUNTRACED);
			if (w == s->pid && WIFSTOPPED(status)) {
				kill(s->pid, SIGCONT);
			} else if (w == s->pid) {
				child_ended(s, status, seed, uid);
				if (kernel_reported(report, sizeof(report))) {
					printf("fuzz: FAIL: the kernel reported: %s\n", report);
					printf("fuzz: seed %llu uid %d; the child that ended was at %llu\n",
					       (unsigned long long)seed, uid, (unsigned long long)s->p->cur);
					print_call(seed, uid, s->p->cur, "fuzz:   ");
					print_in_flight(slots, seed, uid);
					failed = 1;
				}
				continue;
			}
			if (s->p->done != s->last_done) {
				s->last_done = s->p->done;
				clock_gettime(CLOCK_MONOTONIC, &s->last_progress);
			} else if (!s->killed && since(&s->last_progress) > opt.watchdog) {
				kill(-s->pid, SIGKILL);
				kill(s->pid, SIGKILL);
				s->killed = 1;
				clock_gettime(CLOCK_MONOTONIC, &s->killed_at);
			} else if (s->killed && since(&s->killed_at) > 60) {
				printf("fuzz: FAIL: a child SIGKILL does not end (60 s), seed %llu uid %d at %llu\n",
				       (unsigned long long)seed, uid, (unsigned long long)s->p->cur);
				print_call(seed, uid, s->p->cur, "fuzz:   ");
				return 1;
			}
		}
		if (!failed && kernel_reported(report, sizeof(report))) {
			printf("fuzz: FAIL: the kernel reported: %s\n", report);
			print_in_flight(slots, seed, uid);
			failed = 1;
		}
		if (running)
			nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
	} while (running);
	printf("fuzz: uid %d seed %llu: %llu calls%s\n", uid, (unsigned long long)seed,
	       (unsigned long long)(total.calls - before), failed ? " (stopped by a kernel report)" : "");
	fflush(stdout);
	return failed;
}

/* ---------------------------------------------------------------- options */

static unsigned long mem_free_kb(void)
{
	char line[128];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int parse_list(const char *s, uint64_t *out, int max)
{
	int n = 0;

	while (*s && n < max) {
		char *end;

		out[n++] = strtoull(s, &end, 0);
		if (end == s)
			return -1;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return n;
}

/* fuzz.KEY=VALUE words of the kernel command line, as options. */
static int from_cmdline(char **seeds, char **uids)
{
	static char buf[4096];
	int fd = open("/proc/cmdline", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (char *w = strtok(buf, " \n"); w; w = strtok(NULL, " \n")) {
		if (!strncmp(w, "fuzz.seeds=", 11))
			*seeds = w + 11;
		else if (!strncmp(w, "fuzz.calls=", 11))
			opt.calls = strtoull(w + 11, NULL, 0);
		else if (!strncmp(w, "fuzz.uids=", 10))
			*uids = w + 10;
		else if (!strncmp(w, "fuzz.threads=", 13))
			opt.threads = (unsigned int)atoi(w + 13);
		else if (!strncmp(w, "fuzz.jobs=", 10))
			opt.jobs = (unsigned int)atoi(w + 10);
		else if (!strncmp(w, "fuzz.verbose=", 13))
			opt.verbose = (unsigned int)atoi(w + 13);
		else if (!strncmp(w, "fuzz.time=", 10))
			opt.time_limit = (unsigned int)atoi(w + 10);
	}
	return 0;
}

static void list_table(void)
{
	unsigned int generic = 0;

	for (unsigned int i = 0; i < nr_sc_rows; i++) {
		const struct scdesc *d = find_desc(sc_rows[i].name);

		printf("%3u %-24s %s\n", sc_rows[i].nr, sc_rows[i].name, d ? "shaped" : "generic arguments");
		generic += !d;
	}
	printf("%u calls, %u with generic arguments\n", nr_sc_rows, generic);
}

static void usage(void)
{
	fprintf(stderr, "usage: fuzz -s SEEDS [-n CALLS] [-u UIDS] [-j JOBS] [-t THREADS] [-b BATCH] [-w SECS] [-T SECS] [-v]\n"
			"       fuzz --cmdline\n"
			"       fuzz -s SEED -i ITER [-r FROM] [-u UID]\n"
			"       fuzz -l\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char *seeds_s = NULL, *uids_s = "0,1000";
	uint64_t seeds[256], uids[8], iter = 0;
	int nseeds, nuids, print_iter = 0, failed = 0, c;
	struct slot slots[MAX_JOBS];
	unsigned long free_before, free_after;

	/* Not a shell's program: a fuzzed execve("/proc/self/exe") lands here with junk. */
	if (argc < 2 || argv[1][0] != '-')
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "--cmdline")) {
		if (from_cmdline(&seeds_s, &uids_s) < 0)
			usage();
	} else {
		while ((c = getopt(argc, argv, "s:n:u:j:t:b:w:T:i:r:lv")) != -1) {
			switch (c) {
			case 's': seeds_s = optarg; break;
			case 'n': opt.calls = strtoull(optarg, NULL, 0); break;
			case 'u': uids_s = optarg; break;
			case 'j': opt.jobs = (unsigned int)atoi(optarg); break;
			case 't': opt.threads = (unsigned int)atoi(optarg); break;
			case 'b': opt.batch = (unsigned int)atoi(optarg); break;
			case 'w': opt.watchdog = (unsigned int)atoi(optarg); break;
			case 'T': opt.time_limit = (unsigned int)atoi(optarg); break;
			case 'i': iter = strtoull(optarg, NULL, 0); print_iter = 1; break;
			case 'r': opt.replay_from = strtoull(optarg, NULL, 0); opt.replay_from_set = 1; break;
			case 'l': list_table(); return 0;
			case 'v': opt.verbose = 1; break;
			default: usage();
			}
		}
	}
	if (!seeds_s || (nseeds = parse_list(seeds_s, seeds, 256)) <= 0 ||
	    (nuids = parse_list(uids_s, uids, 8)) <= 0 || opt.jobs < 1 || opt.jobs > MAX_JOBS || !opt.batch ||
	    opt.threads < 1 || opt.threads > MAX_THREADS)
		usage();

	if (print_iter && !opt.replay_from_set) {
		print_call(seeds[0], (int)uids[0], iter, "fuzz: ");
		return 0;
	}
	snprintf(jail_dir, sizeof(jail_dir), "/tmp/fuzz.%d", getpid());
	mkdir(jail_dir, 0755);
	for (unsigned int j = 0; j < MAX_JOBS; j++) {
		char dir[48];

		snprintf(dir, sizeof(dir), "%s/%u", jail_dir, j);
		mkdir(dir, 0755);
	}
	if (print_iter) {	/* replay in a jail of our own, every call printed */
		pid_t pid = fork();
		int status;

		if (pid == 0)
			child_run(MAX_JOBS - 1, (int)uids[0], seeds[0], opt.replay_from, iter + 1, NULL, 1, 1);
		while (waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status))
			kill(pid, SIGCONT);
		printf("fuzz: replay ended: %s %d\n", WIFSIGNALED(status) ? "signal" : "exit status",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return 0;
	}

	for (unsigned int j = 0; j < opt.jobs; j++) {
		slots[j].p = mmap(NULL, sizeof(struct progress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				  -1, 0);
		if (slots[j].p == MAP_FAILED) {
			perror("fuzz: mmap");
			return 1;
		}
	}
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd < 0)
		printf("fuzz: /dev/kmsg: %s (kernel reports go unseen here; the serial log has them)\n",
		       strerror(errno));
	else
		lseek(kmsg_fd, 0, SEEK_END);
	printf("fuzz: %d seed(s) x %d uid(s), %llu calls each, %u children of %u threads at once, %u calls in the "
	       "table\n", nseeds, nuids, (unsigned long long)opt.calls, opt.jobs, opt.threads, nr_sc_rows);
	free_before = mem_free_kb();
	clock_gettime(CLOCK_MONOTONIC, &opt.started);
	for (int u = 0; u < nuids && !failed; u++)
		for (int s = 0; s < nseeds && !failed; s++)
			failed = run_seed(seeds[s], (int)uids[u], slots);
	for (unsigned int j = 0; j < MAX_JOBS; j++) {
		char dir[48];

		snprintf(dir, sizeof(dir), "%s/%u", jail_dir, j);
		while (umount2(dir, MNT_DETACH) == 0)
			;
		rmdir(dir);
	}
	rmdir(jail_dir);
	free_after = mem_free_kb();
	printf("fuzz: %llu calls (%llu succeeded) in %.0f s by %llu children (%llu ended by a signal, %llu killed for making "
	       "no progress, %llu exited early)\n",
	       (unsigned long long)total.calls, (unsigned long long)total.succeeded, since(&opt.started),
	       (unsigned long long)total.children,
	       (unsigned long long)total.signalled, (unsigned long long)total.timeouts,
	       (unsigned long long)total.exited_early);
	printf("fuzz: free memory %lu kB before, %lu kB after\n", free_before, free_after);
	printf("fuzz: %s\n", failed ? "FAIL" : "PASS");
	return failed;
}
