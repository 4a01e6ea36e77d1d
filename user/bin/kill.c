/* kill [-SIGNAL] PID...: send a signal (default SIGTERM); -l lists them. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[32] = {
	[SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
	[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT", [SIGBUS] = "BUS", [SIGFPE] = "FPE",
	[SIGKILL] = "KILL", [SIGUSR1] = "USR1", [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM", [SIGSTKFLT] = "STKFLT",
	[SIGCHLD] = "CHLD", [SIGCONT] = "CONT", [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
	[SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU", [SIGURG] = "URG", [SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
	[SIGIO] = "IO", [SIGPWR] = "PWR", [SIGSYS] = "SYS",
};

static int parse_signal(const char *s)
{
	if (*s >= '0' && *s <= '9')
		return atoi(s);
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (int i = 1; i < 32; i++)
		if (names[i] && !strcmp(names[i], s))
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	int i = 1, sig = SIGTERM, ret = 0;

	if (i < argc && !strcmp(argv[i], "-l")) {
		for (int s = 1; s < 32; s++)
			printf("%2d %s\n", s, names[s] ? names[s] : "?");
		return 0;
	}
	if (i < argc && argv[i][0] == '-' && argv[i][1]) {
		sig = parse_signal(argv[i] + 1);
		if (sig < 0) {
			fprintf(stderr, "kill: unknown signal %s\n", argv[i]);
			return 2;
		}
		i++;
	}
	if (i == argc) {
		fprintf(stderr, "usage: kill [-SIGNAL] PID...\n");
		return 2;
	}
	for (; i < argc; i++)
		if (kill(atoi(argv[i]), sig)) {
			perror(argv[i]);
			ret = 1;
		}
	return ret;
}
