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

	if ((preemptible() && !in_nosleep_section()) || READ_ONCE(oops_in_progress))
		return;
	snprintf(title, sizeof(title), "sleeping function called from invalid context at %s:%d",
		 file, line);
	snprintf(detail, sizeof(detail),
		 "in_atomic(): %d, irqs_disabled(): %d, in_irq(): %d, must-not-block: %d, pid: %d, name: %s",
		 in_atomic(), irqs_disabled(), in_irq(), in_nosleep_section(), current->pid,
		 current->comm);
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

/*
 * Must-not-block sections: a per-task count (a task may be preempted
 * inside one and resume elsewhere; the rule travels with it). Before the
 * scheduler has a current task there is nothing to count.
 */
void nosleep_begin(void)
{
	struct task_struct *p = current;

	if (p)
		p->nosleep_depth++;
	barrier();
}

void nosleep_end(void)
{
	struct task_struct *p = current;

	barrier();
	if (p && !WARN_ON(p->nosleep_depth == 0))
		p->nosleep_depth--;
}

bool in_nosleep_section(void)
{
	struct task_struct *p = current;

	return p && p->nosleep_depth;
}
