/*
 * Process lifecycle tests (suite process; proc helper: kernel/fork.c,
 * kernel/exit.c, kernel/sys.c): waitid and wait4 options and status
 * encoding, zombies and pid reuse, vfork, clone threads with
 * CLONE_CHILD_CLEARTID, the clone flag rules, process groups and
 * sessions, the setuid family, limits, usage and system information.
 * Every expectation also holds on Linux (build/user/tests/process).
 */
#include "harness.h"

#include <fcntl.h>
#define FUTEX_WAIT 0
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>

/* A child that waits to be killed. */
static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

TEST(waitid_reports_exit_status)
{
	siginfo_t si;
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0)
		_exit(7);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PID, pid, &si, WEXITED), 0);
	EXPECT_EQ(si.si_signo, SIGCHLD);
	EXPECT_EQ(si.si_pid, pid);
	EXPECT_EQ(si.si_code, CLD_EXITED);
	EXPECT_EQ(si.si_status, 7);
	EXPECT_EQ(si.si_uid, getuid());
	EXPECT_ERRNO(waitpid(pid, NULL, 0), ECHILD);
}

TEST(waitid_reports_death_by_signal)
{
	siginfo_t si;
	pid_t pid = spawn_sleeper();

	ASSERT(pid > 0);
	EXPECT_EQ(kill(pid, SIGTERM), 0);
	ASSERT_EQ(waitid(P_PID, pid, &si, WEXITED), 0);
	EXPECT_EQ(si.si_code, CLD_KILLED);
	EXPECT_EQ(si.si_status, SIGTERM);
}

TEST(waitid_wnohang_with_nothing_to_report_zeroes_si_pid)
{
	siginfo_t si;
	pid_t pid = spawn_sleeper();

	ASSERT(pid > 0);
	memset(&si, 0xff, sizeof(si));
	EXPECT_EQ(waitid(P_ALL, 0, &si, WEXITED | WNOHANG), 0);
	EXPECT_EQ(si.si_pid, 0);
	kill(pid, SIGKILL);
	reap(pid);
}

TEST(wait_without_children_is_echild_and_bad_options_einval)
{
	siginfo_t si;

	EXPECT_ERRNO(wait(NULL), ECHILD);
	EXPECT_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
	EXPECT_ERRNO(waitid(P_ALL, 0, &si, WEXITED), ECHILD);
	EXPECT_ERRNO(waitid(P_ALL, 0, &si, 0), EINVAL);	/* no state asked for */
	EXPECT_ERRNO(waitpid(-1, NULL, 0x100), EINVAL);	/* unknown option bit */
	EXPECT_ERRNO(waitid(P_PID, 0, &si, WEXITED), EINVAL);
}

TEST(wnowait_leaves_the_zombie)
{
	siginfo_t si;
	int status;
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0)
		_exit(3);
	ASSERT_EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	EXPECT_EQ(si.si_pid, pid);
	ASSERT_EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	EXPECT_EQ(si.si_status, 3);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	EXPECT_ERRNO(waitpid(pid, NULL, 0), ECHILD);
}

TEST(wait4_by_process_group)
{
	int status;
	pid_t a = spawn_sleeper(), b, other = spawn_sleeper();

	ASSERT(a > 0 && other > 0);
	ASSERT_EQ(setpgid(a, a), 0);
	b = fork();
	if (b == 0) {
		setpgid(0, a);
		_exit(9);
	}
	ASSERT(b > 0);
	setpgid(b, a);	/* whichever of us runs first; the other gets EACCES or 0 */
	EXPECT_EQ(waitpid(-a, &status, 0), b);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 9);
	EXPECT_EQ(waitpid(-a, NULL, WNOHANG), 0);	/* a still runs, other is not in the group */
	kill(a, SIGKILL);
	EXPECT_EQ(waitpid(-a, &status, 0), a);
	EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	EXPECT_ERRNO(waitpid(-a, NULL, WNOHANG), ECHILD);
	kill(other, SIGKILL);
	reap(other);
}

TEST(stopped_and_continued_are_reported_once)
{
	int status;
	pid_t pid = spawn_sleeper();

	ASSERT(pid > 0);
	ASSERT_EQ(kill(pid, SIGSTOP), 0);
	ASSERT_EQ(waitpid(pid, &status, WUNTRACED), pid);
	EXPECT(WIFSTOPPED(status));
	EXPECT_EQ(WSTOPSIG(status), SIGSTOP);
	EXPECT_EQ(waitpid(pid, &status, WUNTRACED | WNOHANG), 0);	/* reported once */
	ASSERT_EQ(kill(pid, SIGCONT), 0);
	ASSERT_EQ(waitpid(pid, &status, WCONTINUED), pid);
	EXPECT(WIFCONTINUED(status));
	EXPECT_EQ(waitpid(pid, &status, WCONTINUED | WNOHANG), 0);
	kill(pid, SIGKILL);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

TEST(children_of_a_parent_ignoring_sigchld_are_not_zombies)
{
	pid_t pid;

	signal(SIGCHLD, SIG_IGN);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0)
		_exit(0);
	/* wait blocks until the child is gone, then finds nothing (POSIX). */
	EXPECT_ERRNO(waitpid(pid, NULL, 0), ECHILD);
}

TEST(a_zombie_keeps_its_pid)
{
	pid_t zombie = fork(), pid;

	ASSERT(zombie >= 0);
	if (zombie == 0)
		_exit(0);
	usleep(10000);
	for (int i = 0; i < 200; i++) {
		pid = fork();
		ASSERT(pid >= 0);
		if (pid == 0)
			_exit(0);
		EXPECT_NE(pid, zombie);
		reap(pid);
	}
	EXPECT_EQ(waitpid(zombie, NULL, 0), zombie);
}

TEST(vfork_child_runs_first_in_shared_memory)
{
	static volatile int shared;
	int status;
	pid_t pid;

	shared = 0;
	pid = vfork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		shared = getpid();
		_exit(4);
	}
	EXPECT_EQ(shared, pid);	/* the child ran and exited before vfork returned */
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 4);
}

/* ---- clone ---- */

static volatile int thread_tid, thread_pid, thread_ppid;
static pid_t child_tid_word;

static int thread_fn(void *arg)
{
	(void)arg;
	thread_tid = syscall(SYS_gettid);
	thread_pid = getpid();
	thread_ppid = getppid();
	return 0;	/* musl's clone then calls exit(2): this thread only */
}

static void futex_wait_zero(pid_t *word)
{
	pid_t v;

	while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) != 0)
		syscall(SYS_futex, word, FUTEX_WAIT, v, NULL, NULL, 0);
}

TEST(clone_thread_shares_the_process_and_clears_its_tid)
{
	size_t size = 64 * 1024;
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t ptid = 0, tid;
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		    CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;

	ASSERT(stack != MAP_FAILED);
	child_tid_word = -1;
	tid = clone(thread_fn, stack + size, flags, NULL, &ptid, NULL, &child_tid_word);
	ASSERT(tid > 0);
	EXPECT_EQ(ptid, tid);
	futex_wait_zero(&child_tid_word);	/* the kernel clears it and wakes us at the thread's exit */
	EXPECT_EQ(thread_tid, tid);
	EXPECT_EQ(thread_pid, getpid());
	EXPECT_EQ(thread_ppid, getppid());
	EXPECT_NE(tid, getpid());
	EXPECT_ERRNO(waitpid(tid, NULL, __WALL | WNOHANG), ECHILD);	/* threads are nobody's children */
	munmap(stack, size);
}

static int spin_fn(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

TEST(exit_group_ends_every_thread)
{
	int status;
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0) {
		size_t size = 64 * 1024;
		char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		for (int i = 0; i < 3; i++)
			clone(spin_fn, stack + size - i * 16384, CLONE_VM | CLONE_FS | CLONE_FILES |
			      CLONE_SIGHAND | CLONE_THREAD, NULL);
		exit(5);	/* exit_group */
	}
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 5);
}

static int go_fd = -1;

/* Waits for a byte from the test, then ends the whole process with status 7. */
static int late_thread_fn(void *arg)
{
	char c;

	(void)arg;
	read(go_fd, &c, 1);
	syscall(SYS_exit_group, 7);
	return 0;
}

TEST(leader_exiting_first_is_reported_after_its_threads)
{
	int fd[2], status;
	pid_t pid;

	ASSERT_EQ(pipe(fd), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		size_t size = 64 * 1024;
		char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		go_fd = fd[0];
		clone(late_thread_fn, stack + size, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		      CLONE_THREAD, NULL);
		syscall(SYS_exit, 6);	/* only the leader: the process lives on */
	}
	usleep(100000);
	EXPECT_EQ(waitpid(pid, &status, WNOHANG), 0);	/* a thread still runs */
	EXPECT_EQ(write(fd[1], "x", 1), 1);		/* now it ends the group */
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	close(fd[0]);
	close(fd[1]);
}

TEST(clone_flag_rules)
{
	EXPECT_ERRNO(syscall(SYS_clone, CLONE_THREAD | CLONE_VM, 0, 0, 0, 0), EINVAL);
	EXPECT_ERRNO(syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0), EINVAL);
}

static int wclone_fn(void *arg)
{
	(void)arg;
	return 8;
}

TEST(wclone_selects_children_with_another_exit_signal)
{
	size_t size = 64 * 1024;
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	ASSERT(stack != MAP_FAILED);
	pid = clone(wclone_fn, stack + size, CLONE_VM | SIGUSR2, NULL);	/* SIGUSR2 at exit */
	ASSERT(pid > 0);
	signal(SIGUSR2, SIG_IGN);
	usleep(50000);
	EXPECT_ERRNO(waitpid(pid, &status, WNOHANG), ECHILD);	/* not a SIGCHLD child */
	EXPECT_EQ(waitpid(pid, &status, __WCLONE), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 8);
}

/* ---- groups and sessions ---- */

TEST(setsid_makes_a_new_session_once)
{
	int status;
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0) {
		ASSERT_EQ(setsid(), getpid());
		ASSERT_EQ(getsid(0), getpid());
		ASSERT_EQ(getpgrp(), getpid());
		ASSERT_ERRNO(setsid(), EPERM);		/* already a group leader */
		ASSERT_ERRNO(setpgid(0, 0), EPERM);	/* a session leader cannot move */
		_exit(0);
	}
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_NE(getsid(0), pid);
	EXPECT_ERRNO(getsid(999999), ESRCH);
}

TEST(setpgid_rules)
{
	pid_t pid = spawn_sleeper();

	ASSERT(pid > 0);
	EXPECT_EQ(getpgid(pid), getpgrp());
	EXPECT_EQ(setpgid(pid, pid), 0);
	EXPECT_EQ(getpgid(pid), pid);
	EXPECT_EQ(setpgid(pid, getpgrp()), 0);	/* back into ours */
	EXPECT_ERRNO(setpgid(pid, 999999), EPERM);	/* no such group in our session */
	EXPECT_ERRNO(setpgid(pid, -1), EINVAL);
	EXPECT_ERRNO(setpgid(999999, 0), ESRCH);
	EXPECT_ERRNO(setpgid(1, 1), ESRCH);		/* not our child */
	kill(pid, SIGKILL);
	reap(pid);
}

TEST(orphan_gets_init_as_parent)
{
	int fd[2];
	pid_t pid, ppid = 0;

	ASSERT_EQ(pipe(fd), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		if (fork() == 0) {
			/* Grandchild: wait for the parent to go, then report getppid(). */
			while (getppid() != 1)
				usleep(1000);
			ppid = getppid();
			write(fd[1], &ppid, sizeof(ppid));
			_exit(0);
		}
		_exit(0);
	}
	reap(pid);
	close(fd[1]);
	EXPECT_EQ(read(fd[0], &ppid, sizeof(ppid)), (ssize_t)sizeof(ppid));
	EXPECT_EQ(ppid, 1);
	close(fd[0]);
}

/* ---- credentials ---- */

TEST(setuid_as_root_then_no_way_back)
{
	int status;
	pid_t pid;

	if (getuid() != 0)
		return;
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		uid_t r, e, s;

		ASSERT_EQ(setresuid(1000, 1001, 1002), 0);
		ASSERT_EQ(getresuid(&r, &e, &s), 0);
		ASSERT(r == 1000 && e == 1001 && s == 1002);
		ASSERT_EQ(setresuid(-1, 1002, -1), 0);	/* to the saved one: allowed */
		ASSERT_EQ(geteuid(), 1002);
		ASSERT_ERRNO(setuid(0), EPERM);
		ASSERT_ERRNO(setresuid(5, -1, -1), EPERM);
		ASSERT_ERRNO(setgid(12345), EPERM);
		ASSERT_ERRNO(reboot(RB_POWER_OFF), EPERM);
		ASSERT_ERRNO(setgroups(0, NULL), EPERM);
		_exit(0);
	}
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(geteuid(), 0);
}

TEST(groups_roundtrip)
{
	gid_t set[3] = { 10, 20, 30 }, got[8];

	if (getuid() != 0)
		return;
	ASSERT_EQ(setgroups(3, set), 0);
	EXPECT_EQ(getgroups(0, NULL), 3);
	EXPECT_EQ(getgroups(8, got), 3);
	EXPECT(got[0] == 10 && got[1] == 20 && got[2] == 30);
	EXPECT_ERRNO(getgroups(1, got), EINVAL);
}

/* ---- limits, usage, system ---- */

TEST(rlimit_rules)
{
	struct rlimit r, old;

	ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
	EXPECT(old.rlim_cur <= old.rlim_max);
	r.rlim_cur = old.rlim_max;
	r.rlim_max = old.rlim_cur - 1;
	if (old.rlim_cur > 1)
		EXPECT_ERRNO(setrlimit(RLIMIT_NOFILE, &r), EINVAL);	/* cur above max */
	r.rlim_cur = 8;
	r.rlim_max = old.rlim_max;
	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &r), 0);
	ASSERT_EQ(prlimit(0, RLIMIT_NOFILE, NULL, &r), 0);
	EXPECT_EQ(r.rlim_cur, 8);
	for (int i = 0; i < 8; i++)
		open("/", O_RDONLY);	/* fill the table up to the limit */
	EXPECT_ERRNO(open("/", O_RDONLY), EMFILE);
	EXPECT_ERRNO(getrlimit(99, &r), EINVAL);
}

TEST(getrusage_and_times_count_reaped_children)
{
	struct rusage ru;
	struct tms t;
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0) {
		volatile unsigned long x = 0;

		for (unsigned long i = 0; i < 50000000UL; i++)
			x += i;
		_exit(0);
	}
	reap(pid);
	ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &ru), 0);
	EXPECT(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec > 0 ||
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec > 0);
	EXPECT(times(&t) != (clock_t)-1);
	EXPECT(t.tms_cutime + t.tms_cstime > 0);
	EXPECT_ERRNO(getrusage(5, &ru), EINVAL);
}

TEST(uname_and_sysinfo)
{
	struct utsname u;
	struct sysinfo si;

	ASSERT_EQ(uname(&u), 0);
	EXPECT(u.sysname[0] != '\0');
	EXPECT_STREQ(u.machine, "x86_64");
	EXPECT(u.release[0] >= '3' && u.release[0] <= '9');
	ASSERT_EQ(sysinfo(&si), 0);
	EXPECT(si.totalram > 0);
	EXPECT(si.freeram > 0 && si.freeram <= si.totalram);
	EXPECT(si.procs >= 1);
	EXPECT(si.mem_unit >= 1);
}

TEST(priorities)
{
	int status;
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0) {
		errno = 0;
		ASSERT_EQ(getpriority(PRIO_PROCESS, 0), 0);
		ASSERT_EQ(setpriority(PRIO_PROCESS, 0, 5), 0);
		ASSERT_EQ(getpriority(PRIO_PROCESS, 0), 5);
		ASSERT_EQ(nice(1), 6);
		ASSERT_ERRNO(setpriority(PRIO_PROCESS, 999999, 0), ESRCH);
		ASSERT_ERRNO(setpriority(7, 0, 0), EINVAL);
		_exit(0);
	}
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(reboot_needs_the_magic)
{
	if (getuid() != 0)
		return;
	EXPECT_ERRNO(syscall(SYS_reboot, 0x12345678, 672274793, RB_POWER_OFF, NULL), EINVAL);
}

static int hup_fd = -1;

static void on_hup(int sig)
{
	char c = 'H';

	(void)sig;
	write(hup_fd, &c, 1);
}

/* POSIX: a process group orphaned while a member is stopped gets SIGHUP and SIGCONT. */
TEST(orphaned_stopped_group_gets_sighup_and_sigcont)
{
	int fd[2], status;
	char c = 0;
	pid_t pid;

	ASSERT_EQ(pipe(fd), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		pid_t g;

		setpgid(0, 0);	/* a group of our own, in our parent's session */
		g = fork();
		if (g == 0) {
			hup_fd = fd[1];
			signal(SIGHUP, on_hup);
			raise(SIGSTOP);
			_exit(0);	/* continued after the SIGHUP handler ran */
		}
		if (waitpid(g, &status, WUNTRACED) != g || !WIFSTOPPED(status))
			_exit(1);
		_exit(0);	/* orphans the group: g is stopped in it */
	}
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd[1]);
	EXPECT_EQ(read(fd[0], &c, 1), 1);
	EXPECT_EQ(c, 'H');
	close(fd[0]);
}
