/*
 * Support for the contract headers (include/kestrel/contract.h): the
 * "inside an RCU callback" marker that ->free_inode's wrapper checks, and
 * the report for a broken contract that the lock validator cannot
 * express itself.
 */
#include <kestrel/contract.h>
#include <kestrel/kallsyms.h>
#include <kestrel/lockdep.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>

/*
 * Per CPU: the task running an inode RCU callback right now, or NULL.
 * RCU callbacks run on the CPU that queued them and never sleep, so a
 * callback starts and ends on one CPU; only that CPU writes its slot.
 */
static struct task_struct *rcu_cb_task[NR_CPUS];

void vfs_rcu_callback_enter(void)
{
	preempt_disable();	/* stay on this CPU until exit: the slot is per CPU */
	rcu_cb_task[smp_processor_id()] = current;
}

void vfs_rcu_callback_exit(void)
{
	rcu_cb_task[smp_processor_id()] = NULL;
	preempt_enable();
}

bool vfs_in_rcu_callback(void)
{
	bool in;

	preempt_disable();
	in = rcu_cb_task[smp_processor_id()] == current;
	preempt_enable();
	return in;
}

void vfs_contract_violation(const char *op, const char *rule)
{
	char title[128];

	snprintf(title, sizeof(title), "VFS contract broken: ->%s %s", op, rule);
#ifdef CONFIG_LOCKDEP
	lockdep_report_context("WARNING", title, NULL, _RET_IP_);
#else
	printk(KERN_ERR "WARNING: %s\n", title);
	dump_stack();
#endif
}
