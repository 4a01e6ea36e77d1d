/*
 * Hang detectors (kernel/watchdog.c, kernel/hung_task.c).
 *
 * Hard lockup: a CPU stuck with interrupts off stops taking its tick.
 * Every CPU's tick checks its "buddy" (the next online CPU): if the
 * buddy's tick count has not moved for watchdog_thresh seconds (boot
 * option watchdog_thresh=N, default 20, 0 turns it off), it reports
 *	BUG: hard LOCKUP: CPU n stuck with interrupts off for s seconds
 * and sends the stuck CPU an NMI, which gets through with interrupts off
 * and prints that CPU's registers and backtrace.
 *
 * Soft lockup: a CPU that keeps taking its tick but never lets the
 * scheduler in (a loop with preemption off, or interrupt handlers that
 * keep it from ever returning to its task) starves every other task on
 * it. Every tick checks its own CPU: if for twice watchdog_thresh no tick
 * found it in user mode, in preemptible code or idle, and it switched no
 * task, it reports
 *	BUG: soft lockup - CPU#n stuck for s! [comm:pid]
 * with the backtrace of that tick (the interrupted code below it).
 *
 * Hung task: a thread that sleeps in TASK_UNINTERRUPTIBLE without being
 * woken for hung_task_timeout_secs (boot option, default 120, 0 off) is
 * reported with its held locks and stack by the khungtaskd thread. A
 * kernel thread that waits for work indefinitely should sleep in
 * TASK_INTERRUPTIBLE (without signals the same thing), or it is reported;
 * idle workqueue workers are recognised and skipped.
 */
#ifndef KESTREL_WATCHDOG_H
#define KESTREL_WATCHDOG_H

#include <kestrel/compiler.h>

struct pt_regs;

/* From every CPU's tick, interrupts off; user_tick: it interrupted user mode. */
void watchdog_tick(bool user_tick);
/* From the NMI handler: prints a backtrace if one was asked of this CPU; true if so. */
bool watchdog_nmi_backtrace(struct pt_regs *regs);
/* The hard-lockup threshold in milliseconds (tests shorten it); 0 turns it off. */
void watchdog_set_thresh_ms(unsigned int ms);
/* The whole machine was stopped (the debugger): no CPU's silence so far counts. */
void watchdog_touch_all(void);
unsigned int watchdog_get_thresh_ms(void);

/*
 * The call chain (return addresses, innermost first) a switched-out task
 * sleeps in; at most max entries. Racy if it wakes meanwhile (reads are
 * fault-safe); p must stay allocated.
 */
struct task_struct;
unsigned int task_stack_trace(struct task_struct *p, unsigned long *out, unsigned int max);

/* Start khungtaskd (after the scheduler and its kthreads work). */
void hung_task_init(void);
/* The hung-task timeout in milliseconds (tests shorten it); 0 turns it off. */
void hung_task_set_timeout_ms(unsigned int ms);
/* The whole machine was stopped (the debugger): sleeps count from now. */
void hung_task_touch_all(void);
unsigned int hung_task_get_timeout_ms(void);

#endif
