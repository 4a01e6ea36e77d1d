/*
 * forkbomb [NPROC]: as uid 1000 (when run as root, after setting
 * RLIMIT_NPROC to NPROC as an administrator would), fork for ever: every
 * process forks in a loop, failed forks included. RLIMIT_NPROC must hold
 * the number of processes at the limit, and root must stay able to work
 * and to kill them all (tests/integration/contain.sh). Its first line
 * says which process group to kill.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1) {
		struct rlimit r = { strtoul(argv[1], NULL, 10), strtoul(argv[1], NULL, 10) };

		if (setrlimit(RLIMIT_NPROC, &r)) {
			perror("forkbomb: setrlimit");
			return 2;
		}
	}
	if (getuid() == 0 && (setgid(1000) || setuid(1000))) {
		perror("forkbomb: setuid");
		return 2;
	}
	setpgid(0, 0);
	printf("forkbomb: process group %d\n", (int)getpgrp());
	fflush(stdout);
	for (;;)
		fork();
}
