/*
 * orphan_exit_signal SIG...: for each signal number, as uid 1000 (when
 * run as root), clone a child whose exit signal is SIG and exit, so that
 * the child is given to init; the child waits until it has been adopted,
 * then exits, and init is sent its exit signal. A kernel that lets SIGKILL
 * or SIGSTOP through that way kills or stops init
 * (tests/integration/init_signals.sh: the machine must go on).
 * Prints "orphan SIG: adopted by PID" once each child has been adopted.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void orphan_one(int sig)
{
	int report[2];
	pid_t mid, adopter = 0;

	if (pipe(report))
		exit(2);
	mid = fork();
	if (mid < 0)
		exit(2);
	if (mid == 0) {
		pid_t me = getpid();
		long c;

		close(report[0]);
		if (getuid() == 0 && (setgid(1000) || setuid(1000)))
			_exit(3);
		c = syscall(SYS_clone, (unsigned long)sig, 0, 0, 0, 0);
		if (c < 0)
			_exit(4);
		if (c == 0) {
			while (getppid() == me)
				usleep(1000);
			pid_t pp = getppid();
			write(report[1], &pp, sizeof(pp));
			_exit(0);
		}
		_exit(0);
	}
	close(report[1]);
	waitpid(mid, NULL, 0);
	if (read(report[0], &adopter, sizeof(adopter)) != sizeof(adopter))
		exit(5);
	close(report[0]);
	printf("orphan %d: adopted by %d\n", sig, (int)adopter);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: orphan_exit_signal SIG...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		orphan_one(atoi(argv[i]));
	return 0;
}
