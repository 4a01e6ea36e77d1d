/*
 * /init: the first user process (PID 1) of Kestrel's initramfs.
 *
 *  1. Makes sure /proc and /dev are mounted (Kestrel's kernel mounts them;
 *     under Linux an initramfs init must do it itself).
 *  2. Gives itself the console as stdin, stdout and stderr (/dev/console).
 *  3. Picks what to run from the kernel command line (/proc/cmdline) or its
 *     own arguments (Linux passes unknown words to init):
 *       kestrel.test=GLOB   run every program in /tests, each given GLOB
 *                           (tests whose suite.name matches run), then
 *                           print the total `N passed, M failed`;
 *       kestrel.run=FILE    run the shell script FILE with /bin/sh;
 *       (neither)           an interactive login shell, /bin/sh -l (busybox's
 *                           when the initramfs has it, else Kestrel's ksh),
 *                           on the serial line (/dev/ttyS0) and on the screen
 *                           (/dev/tty1), each its own session with that
 *                           terminal as controlling tty (job control);
 *                           /dev/console alone if neither opens.
 *  4. Reaps every orphan meanwhile (they are reparented to PID 1), and when
 *     the main job ends (for the shells: any of them), syncs and powers off
 *     with reboot(2).
 * Run as a normal process (not PID 1, e.g. on Linux: `build/user/init
 * kestrel.test=GLOB kestrel.testdir=build/user/tests`) it mounts nothing and
 * exits with 0 if every test passed instead of powering off.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BINARY_TIMEOUT 900	/* seconds for one test program (its tests have their own) */
#define MAX_TESTS 256

static const char *test_glob;		/* kestrel.test= */
static const char *test_dir = "/tests";	/* kestrel.testdir= */
static const char *run_script;		/* kestrel.run= */
static char cmdline[4096];

static void setup_mounts(void)
{
	struct stat st;

	if (stat("/proc/self", &st)) {
		mkdir("/proc", 0555);
		if (mount("proc", "/proc", "proc", 0, NULL))
			perror("init: mount /proc");
	}
	if (stat("/dev/null", &st)) {	/* Linux does not mount /dev for an initramfs */
		mkdir("/dev", 0755);
		if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL))
			perror("init: mount /dev");
	}
}

/*
 * The console on fds 0, 1, 2, not as a controlling terminal: the shells
 * take theirs (a terminal is the controlling tty of one session only).
 */
static void setup_console(void)
{
	int fd;

	setsid();
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;		/* keep whatever the kernel gave us */
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* Take kestrel.* settings from one word of the command line or argv. */
static void parse_word(const char *w)
{
	if (!strncmp(w, "kestrel.test=", 13))
		test_glob = w + 13;
	else if (!strncmp(w, "kestrel.testdir=", 16))
		test_dir = w + 16;
	else if (!strncmp(w, "kestrel.run=", 12))
		run_script = w + 12;
}

static void parse_cmdline(int argc, char **argv)
{
	int fd = open("/proc/cmdline", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, cmdline, sizeof(cmdline) - 1);

	if (fd >= 0)
		close(fd);
	if (n > 0) {
		cmdline[n] = '\0';
		for (char *save, *w = strtok_r(cmdline, " \t\n", &save); w;
		     w = strtok_r(NULL, " \t\n", &save))
			parse_word(w);
	}
	for (int i = 1; i < argc; i++)	/* arguments win over /proc/cmdline */
		parse_word(argv[i]);
}

/* Wait for pid, reaping any other child (orphans) that ends meanwhile. */
static int wait_for(pid_t pid)
{
	int status;
	pid_t w;

	for (;;) {
		w = wait(&status);
		if (w == pid)
			return status;
		if (w < 0 && errno != EINTR)
			return -1;
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Test counters across all programs. */
static int total_run, total_passed, total_failed;

/*
 * One line from a test program: renumber its verdicts into one sequence,
 * drop its own summary (init prints the total), pass the rest through.
 * Returns 1 for a `not ok` line.
 */
static int relay_line(const char *line)
{
	const char *p = line;
	int not_ok = 0, a, b;
	char tail;

	if (!strncmp(p, "not ok ", 7)) {
		not_ok = 1;
		p += 7;
	} else if (!strncmp(p, "ok ", 3)) {
		p += 3;
	} else {
		if (sscanf(line, "%d passed, %d failed%c", &a, &b, &tail) == 3 && tail == '\n')
			return 0;
		fputs(line, stdout);
		return 0;
	}
	while (*p >= '0' && *p <= '9')
		p++;
	if (strncmp(p, " - ", 3)) {	/* not a verdict after all */
		fputs(line, stdout);
		return 0;
	}
	total_run++;
	if (not_ok)
		total_failed++;
	else
		total_passed++;
	printf("%s%d%s", not_ok ? "not ok " : "ok ", total_run, p);
	return not_ok;
}

/* Run one test program with its output through a pipe to relay_line(). */
static void run_test_program(const char *dir, const char *name)
{
	char path[512], line[1024];
	int fds[2], status, failures = 0;
	FILE *in;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fflush(stdout);
	if (pipe(fds) || (pid = fork()) < 0) {
		printf("not ok %d - %s (cannot start: %s)\n", ++total_run, name, strerror(errno));
		total_failed++;
		return;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		alarm(BINARY_TIMEOUT);	/* survives exec: a hung program dies of SIGALRM */
		execl(path, name, test_glob, (char *)NULL);
		printf("    # %s: exec: %s\n", name, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	while (in && fgets(line, sizeof(line), in))
		failures += relay_line(line);
	if (in)
		fclose(in);
	status = wait_for(pid);
	if (failures || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
		return;
	/* It died without saying which test failed: that is a failure too. */
	total_run++;
	total_failed++;
	if (WIFSIGNALED(status))
		printf("not ok %d - %s (killed by signal %d)\n", total_run, name, WTERMSIG(status));
	else
		printf("not ok %d - %s (exit status %d)\n", total_run, name, WEXITSTATUS(status));
}

static int run_tests(void)
{
	char *names[MAX_TESTS];
	struct dirent *d;
	int n = 0;
	DIR *dir = opendir(test_dir);

	printf("init: running the user tests in %s matching '%s'\n", test_dir, test_glob);
	if (!dir) {
		printf("init: cannot open %s: %s\n", test_dir, strerror(errno));
		printf("0 passed, 1 failed\n");
		return 1;
	}
	while ((d = readdir(dir)) && n < MAX_TESTS)
		if (d->d_name[0] != '.')
			names[n++] = strdup(d->d_name);
	closedir(dir);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (int i = 0; i < n; i++) {
		run_test_program(test_dir, names[i]);
		free(names[i]);
	}
	printf("%d passed, %d failed\n", total_passed, total_failed);
	fflush(stdout);
	return total_failed ? 1 : 0;
}

/*
 * SIGUSR1, SIGUSR2, SIGTERM: busybox's halt, poweroff and reboot (without
 * -f) ask init to end the system with one of them. Done in the handler:
 * init may be in any wait, and nothing it would do after matters.
 */
static void shutdown_signal(int sig)
{
	static const char *const what[] = {
		[SIGUSR1] = "halt", [SIGUSR2] = "power off", [SIGTERM] = "reboot",
	};
	int cmd = sig == SIGUSR1 ? RB_HALT_SYSTEM : sig == SIGUSR2 ? RB_POWER_OFF : RB_AUTOBOOT;
	char msg[80];
	int n, fd;

	/* Through the kernel log: it reaches every console, /dev/console only one. */
	n = snprintf(msg, sizeof(msg), "<5>init: the system is going down (%s)\n", what[sig]);
	fd = open("/dev/kmsg", O_WRONLY);
	if (fd < 0 || write(fd, msg, n) != n)
		write(1, msg + 3, n - 3);
	if (fd >= 0)
		close(fd);
	kill(-1, SIGTERM);
	sleep(1);
	kill(-1, SIGKILL);
	sync();
	reboot(cmd);
	_exit(1);	/* PID 1 exiting: the kernel panics and says why */
}

static void catch_shutdown_signals(void)
{
	struct sigaction sa = { .sa_handler = shutdown_signal };

	sigfillset(&sa.sa_mask);	/* one shutdown at a time */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Run argv (a shell or a script) as the main job; its exit status. */
static int run_job(char *const argv[])
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("init: fork");
		return 1;
	}
	if (pid == 0) {
		execv(argv[0], argv);
		if (!strcmp(argv[0], "/bin/sh")) {	/* no busybox and no link: our shell */
			execv("/bin/ksh", argv);
		}
		printf("init: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	status = wait_for(pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A login shell on tty in a session of its own; its pid, or -1. */
static pid_t start_shell_on(const char *tty)
{
	int fd = open(tty, O_RDWR | O_NOCTTY);
	pid_t pid;

	if (fd < 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setsid();
		for (int i = 0; i < 3; i++)
			dup2(fd, i);
		if (fd > 2)
			close(fd);
		ioctl(0, TIOCSCTTY, 0);
		execl("/bin/sh", "-sh", "-l", (char *)NULL);
		execl("/bin/ksh", "-sh", "-l", (char *)NULL);
		_exit(127);
	}
	close(fd);
	return pid;
}

/* The shells of `make run`; returns when the first one exits. */
static int run_shells(void)
{
	static const char *const ttys[] = { "/dev/ttyS0", "/dev/tty1" };
	pid_t pids[2], w;
	int n = 0, status;

	for (int i = 0; i < 2; i++)
		if ((pids[n] = start_shell_on(ttys[i])) > 0)
			n++;
	if (n == 0)
		return run_job((char *[]){ "/bin/sh", "-l", NULL });
	for (;;) {
		w = wait(&status);
		if (w < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < n; i++)
			if (w == pids[i])
				return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
}

int main(int argc, char **argv)
{
	int pid1 = getpid() == 1, status;

	if (pid1) {
		setup_mounts();
		setup_console();
		setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
		setenv("HOME", "/", 1);
		setenv("TERM", "linux", 0);
		chdir("/");
		catch_shutdown_signals();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_cmdline(argc, argv);

	if (test_glob) {
		status = run_tests();
	} else if (run_script) {
		printf("init: running %s\n", run_script);
		status = run_job((char *[]){ "/bin/sh", (char *)run_script, NULL });
		printf("init: %s exited with status %d\n", run_script, status);
	} else {
		status = run_shells();
	}
	if (!pid1)
		return status;
	printf("init: powering off\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	perror("init: reboot");	/* nothing else to do: sleep, still reaping */
	for (;;)
		if (wait(NULL) < 0 && errno == ECHILD)
			pause();
}
