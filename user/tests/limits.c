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
