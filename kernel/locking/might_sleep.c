/*
 * might_sleep(): report a call of a blocking function from a context
 * that must not sleep (see include/kestrel/might_sleep.h). Reported once,
 * through the validator's report path (held locks and stack included; a
 * test can expect the report), then never again: the first is the useful
 * one.
 */
#include <kestrel/kallsyms.h>
#include <kestrel/lockdep.h>
#include <kestrel/might_sleep.h>
#include <kestrel/panic.h>
#include <kestrel/preempt.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <asm/processor.h>

void __might_sleep(const char *file, int line)
{
	char title[192], detail[160];

	if (preemptible() || READ_ONCE(oops_in_progress))
		return;
	snprintf(title, sizeof(title), "sleeping function called from invalid context at %s:%d",
		 file, line);
	snprintf(detail, sizeof(detail),
		 "in_atomic(): %d, irqs_disabled(): %d, in_irq(): %d, pid: %d, name: %s",
		 in_atomic(), irqs_disabled(), in_irq(), current->pid, current->comm);
#ifdef CONFIG_LOCKDEP
	lockdep_report_context("BUG", title, detail, _RET_IP_);
#else
	{
		static bool reported;	/* once: racy at worst prints twice */

		if (!reported) {
			reported = true;
			printk(KERN_ERR "BUG: %s\n%s\n", title, detail);
			dump_stack();
		}
	}
#endif
}
