/*
 * Resource limits a multi-user machine needs (docs/process.md "Limits",
 * docs/security.md): RLIMIT_NPROC per user in fork, clone and after a
 * setuid, RLIMIT_AS, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_FSIZE (SIGXFSZ and
 * EFBIG), RLIMIT_MEMLOCK, RLIMIT_SIGPENDING, where Linux checks each.
 * Tests that change ids or limits do it in a child. Every expectation
 * holds on Linux too (build/user/tests/limits, as root).
 */
#include "harness.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* A uid nothing else runs as, here or on a host running the tests natively. */
#define LIMIT_UID 4242

/* Wait for pid; its exit status, or 128 + the signal that killed it. */
static int child_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void set_limit(int resource, rlim_t cur, rlim_t max)
{
	struct rlimit r = { cur, max };

	ASSERT_EQ(setrlimit(resource, &r), 0);
}

/* Become LIMIT_UID for good (a child of the test, which runs as root). */
static void become_limit_uid(void)
{
	ASSERT_EQ(setgid(LIMIT_UID), 0);
	ASSERT_EQ(setuid(LIMIT_UID), 0);
}

/*
 * Fork children that wait (on release's read end) until fork fails;
 * returns how many it made, with the failing errno in *err.
 */
static int fork_until_failure(int release[2], int *err)
{
	int n = 0;

	for (;;) {
		pid_t pid = fork();

		if (pid < 0) {
			*err = errno;
			return n;
		}
		if (pid == 0) {
			char c;

			close(release[1]);
			read(release[0], &c, 1);
			_exit(0);
		}
		n++;
		if (n > 1000) {
			*err = 0;
			return n;	/* no limit at all */
		}
	}
}

/* ---- RLIMIT_NPROC ---- */

static void *thread_pause(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

TEST(nproc_limits_the_tasks_of_a_user)
{
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0) {
		int release[2], err = 0, made;

		ASSERT_EQ(pipe(release), 0);
		set_limit(RLIMIT_NPROC, 20, 20);
		become_limit_uid();
		made = fork_until_failure(release, &err);
		/* We count too: 19 children make the user's 20 tasks. */
		EXPECT_EQ(made, 19);
		EXPECT_EQ(err, EAGAIN);
		/* A thread is a task as well. */
		pthread_t t;
		EXPECT_EQ(pthread_create(&t, NULL, thread_pause, NULL), EAGAIN);
		/* Once the children are reaped, fork works again. */
		close(release[1]);
		while (wait(NULL) > 0)
			;
		pid_t again = fork();
		if (again == 0)
			_exit(0);
		EXPECT(again > 0);
		if (again > 0)
			child_status(again);
		_exit(harness_failures ? 1 : 0);
	}
	EXPECT_EQ(child_status(pid), 0);
}

TEST(nproc_does_not_limit_root)
{
	pid_t pid = fork();

	ASSERT(pid >= 0);
	if (pid == 0) {
		set_limit(RLIMIT_NPROC, 1, 1);
		for (int i = 0; i < 4; i++) {
			pid_t c = fork();

			if (c == 0)
				_exit(0);
			EXPECT(c > 0);
			if (c > 0)
				child_status(c);
		}
		_exit(harness_failures ? 1 : 0);
	}
	EXPECT_EQ(child_status(pid), 0);
}

/*
 * setuid to a user who already has more tasks than our RLIMIT_NPROC
 * succeeds (programs rarely check it), but the next execve fails with
 * EAGAIN (Linux's PF_NPROC_EXCEEDED).
 */
TEST(setuid_to_a_user_over_nproc_makes_execve_fail)
{
	int release[2];
	pid_t holders[2], pid;

	ASSERT_EQ(pipe(release), 0);
	for (int i = 0; i < 2; i++) {
		holders[i] = fork();
		ASSERT(holders[i] >= 0);
		if (holders[i] == 0) {
			char c;

			become_limit_uid();
			close(release[1]);
			read(release[0], &c, 1);
			_exit(0);
		}
	}
	close(release[0]);
	/* Both holders are LIMIT_UID once they block; wait for that. */
	for (int tries = 0; tries < 5000; tries++) {
		char path[64], buf[512];
		int ok = 0;

		for (int i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "/proc/%d/status", (int)holders[i]);
			int fd = open(path, O_RDONLY);
			ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

			if (fd >= 0)
				close(fd);
			if (n > 0) {
				buf[n] = '\0';
				ok += strstr(buf, "\nUid:\t4242\t") != NULL;
			}
		}
		if (ok == 2)
			break;
		usleep(1000);
	}
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		set_limit(RLIMIT_NPROC, 1, 1);
		become_limit_uid();	/* allowed */
		execl("/bin/true", "true", (char *)NULL);
		_exit(errno == EAGAIN ? 0 : 100 + errno);
	}
	EXPECT_EQ(child_status(pid), 0);
	close(release[1]);
	for (int i = 0; i < 2; i++)
		child_status(holders[i]);
}

/* ---- tmpfs sizes and fallocate ---- */

#define TMPFS_MAGIC 0x01021994

/* A fresh tmpfs with default options on a new directory under /tmp; its path in dir. */
static int mount_default_tmpfs(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/limits-tmpfs-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return mount("tmpfs", dir, "tmpfs", 0, NULL);
}

/* exec works (a new mm, a file opened): /bin/true's status. */
static int run_true(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	return pid < 0 ? -1 : child_status(pid);
}

/*
 * A tmpfs mounted without size= or nr_inodes= gets half of RAM in pages
 * and in inodes (Linux's defaults). A fallocate past that, KEEP_SIZE far
 * beyond EOF as in a hostile call, is ENOSPC at once and takes nothing:
 * statfs is unchanged and creating, unlinking, fork and exec still work.
 * A fallocate that fits is charged and unlink gives it back.
 */
TEST(tmpfs_default_size_is_half_of_ram_and_fallocate_past_it_takes_nothing)
{
	struct statfs before, after;
	struct sysinfo si;
	char dir[64], path[96];
	int fd;

	if (getuid() != 0)
		return;
	ASSERT_EQ(sysinfo(&si), 0);
	ASSERT_EQ(mount_default_tmpfs(dir, sizeof(dir)), 0);
	ASSERT_EQ(statfs(dir, &before), 0);
	EXPECT_EQ(before.f_type, TMPFS_MAGIC);
	EXPECT_EQ(before.f_blocks, (unsigned long long)si.totalram * si.mem_unit / 4096 / 2);
	EXPECT_EQ(before.f_files, (unsigned long long)si.totalram * si.mem_unit / 4096 / 2);
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_CREAT | O_RDWR, 0600);
	ASSERT(fd >= 0);
	EXPECT_ERRNO(fallocate(fd, FALLOC_FL_KEEP_SIZE, 1LL << 62,
			       (off_t)(before.f_blocks + 1) * 4096), ENOSPC);
	ASSERT_EQ(statfs(dir, &after), 0);
	EXPECT_EQ(after.f_bfree, before.f_bfree);
	/* What fits is charged, beyond EOF too, and comes back with the file. */
	EXPECT_EQ(fallocate(fd, FALLOC_FL_KEEP_SIZE, 1LL << 40, 8 * 4096), 0);
	struct stat st;
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 0);
	EXPECT_EQ(st.st_blocks, 64);
	ASSERT_EQ(statfs(dir, &after), 0);
	EXPECT_EQ(after.f_bfree, before.f_bfree - 8);
	close(fd);
	EXPECT_EQ(unlink(path), 0);
	ASSERT_EQ(statfs(dir, &after), 0);
	EXPECT_EQ(after.f_bfree, before.f_bfree);
	EXPECT_EQ(run_true(), 0);
	EXPECT_EQ(umount(dir), 0);
	EXPECT_EQ(rmdir(dir), 0);
}

/*
 * The call that used to leave the machine without memory for good: as
 * root, on the root file system when it is a tmpfs (Kestrel's; an
 * initramfs root on Linux), fallocate(KEEP_SIZE, 1 << 62, 4 GiB). With the
 * root's default size (half of RAM, under 8 GiB) it is ENOSPC; either way
 * open, unlink, fork and exec work afterwards.
 */
TEST(fallocate_4g_far_past_eof_on_the_root_tmpfs_leaves_the_system_usable)
{
	struct statfs sfs;
	int fd;

	if (getuid() != 0 || statfs("/", &sfs) || sfs.f_type != TMPFS_MAGIC)
		return;		/* the root is not a tmpfs (a host's disk) */
	fd = open("/limits-falloc", O_CREAT | O_RDWR, 0600);
	ASSERT(fd >= 0);
	if (sfs.f_blocks && sfs.f_blocks * (unsigned long long)sfs.f_bsize < (4ULL << 30))
		EXPECT_ERRNO(fallocate(fd, FALLOC_FL_KEEP_SIZE, 1LL << 62, 4LL << 30), ENOSPC);
	close(fd);
	EXPECT_EQ(unlink("/limits-falloc"), 0);
	fd = open("/limits-falloc2", O_CREAT | O_RDWR, 0600);
	EXPECT(fd >= 0);
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(unlink("/limits-falloc2"), 0);
	EXPECT_EQ(run_true(), 0);
}

/* ---- RLIMIT_AS, RLIMIT_DATA ---- */

/* Run fn in a child (it may change its limits and ids); its exit status. */
static int in_child(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(harness_failures ? 1 : 0);
	}
	return pid < 0 ? -1 : child_status(pid);
}

#define MIB (1UL << 20)

static void as_limit_child(void)
{
	void *p, *q;

	set_limit(RLIMIT_AS, 256 * MIB, 256 * MIB);
	EXPECT(mmap(NULL, 512 * MIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
	EXPECT_EQ(errno, ENOMEM);
	p = mmap(NULL, 64 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(p != MAP_FAILED);
	/* Growing it past the limit: mremap is ENOMEM, in place or moved. */
	q = mremap(p, 64 * MIB, 300 * MIB, MREMAP_MAYMOVE);
	EXPECT(q == MAP_FAILED && errno == ENOMEM);
	/* MAP_FIXED over what is there only counts what it adds. */
	EXPECT(mmap(p, 64 * MIB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p);
	/* brk too. */
	void *cur = sbrk(0);
	EXPECT(sbrk(300 * MIB) == (void *)-1);
	EXPECT(sbrk(0) == cur);
	EXPECT(malloc(400 * MIB) == NULL);
}

TEST(as_limits_mmap_mremap_and_brk)
{
	EXPECT_EQ(in_child(as_limit_child), 0);
}

static void data_limit_child(void)
{
	void *p;

	set_limit(RLIMIT_DATA, 16 * MIB, 16 * MIB);
	/* Private writable memory is data. */
	EXPECT(mmap(NULL, 32 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	       MAP_FAILED);
	EXPECT_EQ(errno, ENOMEM);
	/* Read-only and shared memory are not. */
	p = mmap(NULL, 32 * MIB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(p != MAP_FAILED);
	EXPECT(mmap(NULL, 32 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0) !=
	       MAP_FAILED);
	/* Making the read-only one writable would make it data. */
	EXPECT_ERRNO(mprotect(p, 32 * MIB, PROT_READ | PROT_WRITE), ENOMEM);
	EXPECT_EQ(mprotect(p, 1 * MIB, PROT_READ | PROT_WRITE), 0);
	void *cur = sbrk(0);
	EXPECT(sbrk(32 * MIB) == (void *)-1);
	EXPECT(sbrk(0) == cur);
}

TEST(data_limits_private_writable_memory_only)
{
	EXPECT_EQ(in_child(data_limit_child), 0);
}

/* ---- RLIMIT_STACK ---- */

static volatile unsigned long stack_top, fault_addr;
static int stack_report = -1;

static void on_stack_overflow(int sig, siginfo_t *si, void *uc)
{
	unsigned long depth = stack_top - (unsigned long)si->si_addr;

	(void)sig;
	(void)uc;
	write(stack_report, &depth, sizeof(depth));
	_exit(0);
}

static volatile int never;

/* Unbounded recursion the compiler cannot see through (as user/testprogs/crash.c). */
static int recurse_deep(int n)
{
	volatile char frame[1024];

	frame[0] = (char)n;
	if (never)
		return 0;
	return recurse_deep(n + 1) + frame[0];
}

/* The end of the [stack] mapping in /proc/self/maps. */
static unsigned long stack_end(void)
{
	char buf[8192];
	int fd = open("/proc/self/maps", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	char *line;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	line = strstr(buf, "[stack]");
	if (!line)
		return 0;
	while (line > buf && line[-1] != '\n')
		line--;
	strtoul(line, &line, 16);
	return strtoul(line + 1, NULL, 16);
}

/*
 * With RLIMIT_STACK 1 MiB, the stack grows to 1 MiB and no further: the
 * fault just past it is SIGSEGV (handled here on an alternate stack),
 * about 1 MiB below the top of the stack mapping.
 */
TEST(stack_limit_bounds_stack_growth)
{
	int p[2];
	unsigned long depth = 0;

	ASSERT_EQ(pipe(p), 0);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		static char alt[65536];
		stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
		struct sigaction sa = { .sa_sigaction = on_stack_overflow,
					.sa_flags = SA_SIGINFO | SA_ONSTACK };

		close(p[0]);
		stack_report = p[1];
		set_limit(RLIMIT_STACK, 1 * MIB, 1 * MIB);
		stack_top = stack_end();
		sigaltstack(&ss, NULL);
		sigaction(SIGSEGV, &sa, NULL);
		recurse_deep(0);
		_exit(1);
	}
	close(p[1]);
	EXPECT_EQ(read(p[0], &depth, sizeof(depth)), (ssize_t)sizeof(depth));
	EXPECT_EQ(child_status(pid), 0);
	EXPECT(depth > 1 * MIB - 64 * 1024 && depth <= 1 * MIB + 64 * 1024);
	close(p[0]);
}

/* argv and envp may take a quarter of RLIMIT_STACK (at least 128 KiB). */
static void exec_args_child(void)
{
	static char big[100 * 1024];
	char *argv[] = { "true", big, big, NULL };

	memset(big, 'x', sizeof(big) - 1);
	set_limit(RLIMIT_STACK, 256 * 1024, 256 * 1024);	/* a quarter: 64 KiB; 128 KiB it is */
	execv("/bin/true", argv);
	EXPECT_EQ(errno, E2BIG);
	argv[2] = NULL;		/* 100 KiB fits */
	execv("/bin/true", argv);
	_exit(100 + errno);
}

TEST(stack_limit_bounds_exec_arguments)
{
	EXPECT_EQ(in_child(exec_args_child), 0);
}

/* ---- RLIMIT_FSIZE ---- */

static char fsize_path[64];

static void fsize_child(void)
{
	static char buf[20000];
	int fd;

	signal(SIGXFSZ, SIG_IGN);
	set_limit(RLIMIT_FSIZE, 10000, 10000);
	fd = open(fsize_path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	ASSERT(fd >= 0);
	/* A write crossing the limit is cut there; one starting at it is EFBIG. */
	EXPECT_EQ(write(fd, buf, sizeof(buf)), 10000);
	EXPECT_ERRNO(write(fd, buf, 1), EFBIG);
	EXPECT_EQ(write(fd, buf, 0), 0);
	EXPECT_ERRNO(pwrite(fd, buf, 1, 20000), EFBIG);
	/* Growing by truncate or fallocate: EFBIG; shrinking is fine. */
	EXPECT_ERRNO(ftruncate(fd, 20000), EFBIG);
	EXPECT_EQ(ftruncate(fd, 5000), 0);
	EXPECT_EQ(ftruncate(fd, 10000), 0);
	EXPECT_ERRNO(fallocate(fd, 0, 0, 20000), EFBIG);
	close(fd);
	/* With SIGXFSZ's default action, the write kills. */
	signal(SIGXFSZ, SIG_DFL);
	fd = open(fsize_path, O_WRONLY | O_APPEND);
	ASSERT(fd >= 0);
	write(fd, buf, 1);
	_exit(99);	/* not reached */
}

TEST(fsize_limits_writes_truncate_and_fallocate_with_sigxfsz)
{
	int st;
	pid_t pid;

	snprintf(fsize_path, sizeof(fsize_path), "/tmp/limits-fsize-%d", (int)getpid());
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0)
		fsize_child();
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	/* The last write died of SIGXFSZ (a core-dumping signal) after the checks passed. */
	EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ);
	struct stat sb;
	EXPECT_EQ(stat(fsize_path, &sb), 0);
	EXPECT_EQ(sb.st_size, 10000);
	unlink(fsize_path);
}

/* ---- RLIMIT_MEMLOCK ---- */

static void memlock_child(void)
{
	size_t lim = 64 * 1024;
	char *p = mmap(NULL, 256 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char vec[16];

	ASSERT(p != MAP_FAILED);
	set_limit(RLIMIT_MEMLOCK, 0, lim);
	become_limit_uid();	/* no CAP_IPC_LOCK any more */
	EXPECT_ERRNO(mlock(p, 4096), EPERM);	/* a limit of 0: not at all */
	set_limit(RLIMIT_MEMLOCK, lim, lim);
	EXPECT_EQ(mlock(p, 32 * 1024), 0);	/* locked pages are resident */
	EXPECT_EQ(mincore(p, 32 * 1024, vec), 0);
	EXPECT(vec[0] & 1);
	EXPECT(vec[7] & 1);
	EXPECT_EQ(mlock(p, 32 * 1024), 0);	/* again: costs nothing more */
	EXPECT_ERRNO(mlock(p + 32 * 1024, 64 * 1024), ENOMEM);
	EXPECT_EQ(mlock(p + 32 * 1024, 32 * 1024), 0);	/* exactly the limit */
	EXPECT(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0) ==
	       MAP_FAILED);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_EQ(munlock(p, 64 * 1024), 0);
	EXPECT_EQ(mlock2(p, 64 * 1024, MLOCK_ONFAULT), 0);
	EXPECT_ERRNO(mlock2(p, 4096, 0x100), EINVAL);
	EXPECT_EQ(munlock(p, 64 * 1024), 0);
	/* All of the address space is far more than 64 KiB. */
	EXPECT_ERRNO(mlockall(MCL_CURRENT), ENOMEM);
	EXPECT_ERRNO(mlockall(MCL_ONFAULT), EINVAL);
	EXPECT_EQ(mlockall(MCL_FUTURE), 0);	/* later mappings are locked... */
	EXPECT(mmap(NULL, 128 * 1024, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
	EXPECT_EQ(errno, EAGAIN);		/* ...so one past the limit fails */
	EXPECT_EQ(munlockall(), 0);
	EXPECT(mmap(NULL, 128 * 1024, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED);
	EXPECT_ERRNO(mlock(p + 1024 * 1024 * 1024, 4096), ENOMEM);	/* not mapped */
}

TEST(memlock_limits_mlock_mlockall_and_map_locked)
{
	if (getuid() != 0)
		return;
	EXPECT_EQ(in_child(memlock_child), 0);
}

static void memlock_root_child(void)
{
	char *p = mmap(NULL, 256 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	set_limit(RLIMIT_MEMLOCK, 0, 0);
	EXPECT_EQ(mlock(p, 256 * 1024), 0);	/* CAP_IPC_LOCK: no limit */
	EXPECT_EQ(munlock(p, 256 * 1024), 0);
}

TEST(memlock_does_not_limit_cap_ipc_lock)
{
	if (getuid() != 0)
		return;
	EXPECT_EQ(in_child(memlock_root_child), 0);
}

/* ---- RLIMIT_SIGPENDING ---- */

static void sigpending_child(void)
{
	union sigval v = { .sival_int = 7 };
	sigset_t s;
	int queued = 0;

	sigemptyset(&s);
	sigaddset(&s, SIGRTMIN);
	sigaddset(&s, SIGRTMIN + 1);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	set_limit(RLIMIT_SIGPENDING, 5, 5);
	become_limit_uid();
	for (int i = 0; i < 10; i++)
		if (sigqueue(getpid(), SIGRTMIN, v) == 0)
			queued++;
		else
			EXPECT_EQ(errno, EAGAIN);
	EXPECT_EQ(queued, 5);
	/* kill() is never refused: the signal is pending, only its siginfo is lost. */
	EXPECT_EQ(kill(getpid(), SIGRTMIN + 1), 0);
	EXPECT_EQ(kill(getpid(), SIGUSR1), 0);
	EXPECT_EQ(sigpending(&s), 0);
	EXPECT(sigismember(&s, SIGRTMIN + 1));
	EXPECT(sigismember(&s, SIGUSR1));
	/*
	 * SIGUSR1 from kill() got its entry past the limit (a standard
	 * signal always does) and counts: taking one SIGRTMIN is not enough
	 * room for another; taking SIGUSR1 too is.
	 */
	siginfo_t si;
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, SIGRTMIN);
	EXPECT_EQ(sigwaitinfo(&one, &si), SIGRTMIN);
	EXPECT_EQ(si.si_value.sival_int, 7);
	EXPECT_ERRNO(sigqueue(getpid(), SIGRTMIN, v), EAGAIN);
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	EXPECT_EQ(sigwaitinfo(&one, &si), SIGUSR1);
	EXPECT_EQ(si.si_code, SI_USER);
	EXPECT_EQ(sigqueue(getpid(), SIGRTMIN, v), 0);
	EXPECT_ERRNO(sigqueue(getpid(), SIGRTMIN, v), EAGAIN);
}

TEST(sigpending_limits_queued_signals_per_user)
{
	EXPECT_EQ(in_child(sigpending_child), 0);
}
