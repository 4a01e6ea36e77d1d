/*
 * sigstate: report the signal state this program was exec'ed with, for
 * user/tests/signals.c (exec_keeps_mask_pending_and_ignored). Exit status bits:
 *   1  SIGUSR1 is ignored (SIG_IGN survives exec)
 *   2  SIGUSR2 is SIG_DFL (a handler does not survive exec)
 *   4  SIGINT is blocked (the mask survives exec)
 *   8  SIGTERM is pending (pending signals survive exec)
 *  16  no alternate signal stack (sigaltstack is cleared)
 */
#include <signal.h>
#include <stdlib.h>

int main(void)
{
	struct sigaction sa;
	sigset_t set;
	stack_t ss;
	int r = 0;

	if (sigaction(SIGUSR1, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
		r |= 1;
	if (sigaction(SIGUSR2, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
		r |= 2;
	if (sigprocmask(SIG_BLOCK, NULL, &set) == 0 && sigismember(&set, SIGINT))
		r |= 4;
	if (sigpending(&set) == 0 && sigismember(&set, SIGTERM))
		r |= 8;
	if (sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_DISABLE))
		r |= 16;
	return r;
}
