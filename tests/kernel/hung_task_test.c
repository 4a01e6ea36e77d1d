/*
 * The hung-task detector and the SysRq thread list (kernel/hung_task.c,
 * drivers/tty/sysrq.c). A thread holding a mutex sleeps uninterruptibly
 * on a completion nobody completes; with the timeout shortened to one
 * second khungtaskd must report it, naming the mutex, and SysRq t must
 * list the thread with that lock. The report is expected (captured), so
 * the log stays clean.
 */
#include <kestrel/completion.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/lockdep.h>
#include <kestrel/mutex.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <kestrel/sysrq.h>
#include <kestrel/timer.h>
#include <kestrel/watchdog.h>

#ifdef CONFIG_LOCKDEP	/* the capture goes through the validator's report path */

static DEFINE_MUTEX(hang_test_mutex);		/* test lock: protects nothing */
static DECLARE_COMPLETION(hang_test_never);	/* completed only to end the test */
static DECLARE_COMPLETION(hang_test_exited);

static int hanging_thread(void *unused)
{
	mutex_lock(&hang_test_mutex);
	wait_for_completion(&hang_test_never);
	mutex_unlock(&hang_test_mutex);
	complete(&hang_test_exited);
	return 0;
}

KTEST(hung_task, reported_and_listed_by_sysrq)
{
	static char log[8192];
	unsigned int old = hung_task_get_timeout_ms();
	struct task_struct *k;
	const char *r;
	size_t n;

	KASSERT(old != 0);
	hung_task_set_timeout_ms(1000);
	lockdep_expect_report();
	k = kthread_run(hanging_thread, NULL, "hangtest");
	KASSERT(!IS_ERR(k));
	/* 1 s timeout, checks every half second: well within 10 s. */
	for (int i = 0; i < 100 && !lockdep_expect_captured(); i++)
		msleep(100);

	/* SysRq t: the thread list shows the sleeper and its lock. (Called
	 * directly, not under the serial driver's lock: tests send no input.) */
	/* Through the serial input path: Ctrl-O, then t. */
	KEXPECT(sysrq_input(SYSRQ_PREFIX));
	KEXPECT(sysrq_input('t'));
	KEXPECT(!sysrq_input('x'));	/* not after Ctrl-O: not ours */
	sysrq_run_pending();
	n = dmesg_read(log, sizeof(log) - 1);
	log[n] = 0;
	KEXPECT(strstr(log, "hangtest") != NULL);
	KEXPECT(strstr(log, "held by hangtest") != NULL);
	KEXPECT(strstr(log, "(hang_test_mutex)") != NULL);
	/* SysRq w: the blocked threads with the call chain they sleep in. */
	KEXPECT(handle_sysrq('w'));
	n = dmesg_read(log, sizeof(log) - 1);
	log[n] = 0;
	KEXPECT(strstr(log, "sysrq: show blocked threads") != NULL);
	KEXPECT(strstr(log, "wait_for_completion") != NULL);
	KEXPECT(strstr(log, "hanging_thread") != NULL);

	complete(&hang_test_never);
	KEXPECT_NE(wait_for_completion_timeout(&hang_test_exited, msecs_to_jiffies(10000)), 0);
	r = lockdep_expect_end();
	hung_task_set_timeout_ms(old);
	KASSERT(r != NULL);
	KEXPECT(strstr(r, "BUG: task hangtest:") != NULL);
	KEXPECT(strstr(r, "blocked for more than 1 seconds") != NULL);
	KEXPECT(strstr(r, "(hang_test_mutex)") != NULL);
	KEXPECT(strstr(r, "hanging_thread") != NULL);	/* its stack */
	KEXPECT(!handle_sysrq('?'));
}

#endif
