/*
 * The idle loop: what a CPU runs when its run queue is empty.
 *
 * Each CPU has an idle task (PF_IDLE, never on a run queue: pick_next
 * falls back to it). It first tries to pull work from a busier CPU; if
 * there is none it halts until the next interrupt. The check of
 * need_resched and the hlt must not race with an interrupt that sets it
 * (a wake-up from a handler, or the tick): interrupts are off from the
 * check on, and `sti; hlt` enables them only for the hlt itself (sti
 * takes effect after the next instruction), so a pending interrupt
 * wakes the hlt instead of slipping in before it.
 *
 * The idle task runs with preemption disabled (see cpu_idle_loop), so it
 * only leaves the CPU from its own loop.
 */
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>
#include <asm/processor.h>
#include "sched.h"

static inline void safe_halt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

__noreturn void cpu_idle_loop(void)
{
	struct rq *rq = this_rq();

	/*
	 * Preemption off while idle: the interrupt that ends a hlt returns
	 * here (rcu_idle_exit first) instead of switching tasks from the
	 * interrupt's tail; the loop sees need_resched and schedules itself.
	 */
	preempt_disable();
	for (;;) {
		while (!need_resched()) {
			local_irq_disable();
			if (need_resched() || idle_balance(rq)) {
				local_irq_enable();
				break;
			}
			rcu_idle_enter();	/* halted: in no RCU reader, grace periods need not wait */
			safe_halt();
			rcu_idle_exit();
		}
		preempt_enable_no_resched();
		schedule();
		preempt_disable();
	}
}
