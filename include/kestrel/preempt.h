/*
 * Preemption counting: when may this CPU switch to another task?
 *
 * Every CPU has one preempt_count (a field of struct percpu, changed only
 * by that CPU, each change a single %gs-relative instruction so an
 * interrupt cannot tear it). Its bits, as in Linux:
 *
 *	bits  0- 7  preemption disabled (preempt_disable nesting, spinlocks)
 *	bits  8-15  softirq (reserved: Kestrel has no softirqs yet)
 *	bits 16-19  hardirq nesting (irq_enter/irq_exit around a handler)
 *	bits 20-23  NMI nesting
 *
 * The scheduler may take the CPU away from the running task (preempt it)
 * only when the whole count is 0 and interrupts are on. It does so
 *   - when an interrupt returns to kernel code (do_interrupt's tail calls
 *     preempt_schedule_irq()), and
 *   - in preempt_enable(), when the count drops to 0,
 * in both cases only if need_resched is set (by the tick when the time
 * slice is used up, or by a wake-up of a task that should run first).
 *
 * The count is per CPU, not per task: schedule() is only ever entered
 * with exactly PREEMPT_DISABLE_OFFSET in it (anything else is reported as
 * "scheduling while atomic"), so every task switches with the same value
 * and nothing needs saving.
 */
#ifndef KESTREL_PREEMPT_H
#define KESTREL_PREEMPT_H

#include <kestrel/compiler.h>
#include <kestrel/percpu.h>
#include <asm/processor.h>

#define PREEMPT_BITS 8
#define SOFTIRQ_BITS 8
#define HARDIRQ_BITS 4
#define NMI_BITS 4

#define PREEMPT_SHIFT 0
#define SOFTIRQ_SHIFT (PREEMPT_SHIFT + PREEMPT_BITS)
#define HARDIRQ_SHIFT (SOFTIRQ_SHIFT + SOFTIRQ_BITS)
#define NMI_SHIFT (HARDIRQ_SHIFT + HARDIRQ_BITS)

#define __IRQ_MASK(x) ((1U << (x)) - 1)
#define PREEMPT_MASK (__IRQ_MASK(PREEMPT_BITS) << PREEMPT_SHIFT)
#define SOFTIRQ_MASK (__IRQ_MASK(SOFTIRQ_BITS) << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK (__IRQ_MASK(HARDIRQ_BITS) << HARDIRQ_SHIFT)
#define NMI_MASK (__IRQ_MASK(NMI_BITS) << NMI_SHIFT)

#define PREEMPT_OFFSET (1U << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET (1U << SOFTIRQ_SHIFT)
#define HARDIRQ_OFFSET (1U << HARDIRQ_SHIFT)
#define NMI_OFFSET (1U << NMI_SHIFT)

/* What schedule() runs with: its own preempt_disable(). */
#define PREEMPT_DISABLE_OFFSET PREEMPT_OFFSET

#define __PREEMPT_COUNT_OFF offsetof(struct percpu, preempt_count)

static __always_inline unsigned int preempt_count(void)
{
	return this_cpu_read(preempt_count);
}

/* One instruction each (asm/percpu.h): an interrupt sees either the old or the new count. */
static __always_inline void __preempt_count_add(unsigned int v)
{
	BUILD_BUG_ON(sizeof(((struct percpu *)0)->preempt_count) != 4);
	__percpu_add_4(__PREEMPT_COUNT_OFF, v);
}

static __always_inline void __preempt_count_sub(unsigned int v)
{
	__percpu_sub_4(__PREEMPT_COUNT_OFF, v);
}

/* Subtract v; true if the count became 0. */
static __always_inline bool __preempt_count_sub_and_test(unsigned int v)
{
	return __percpu_sub_and_test_4(__PREEMPT_COUNT_OFF, v);
}

#define hardirq_count() (preempt_count() & HARDIRQ_MASK)
#define softirq_count() (preempt_count() & SOFTIRQ_MASK)
#define irq_count() (preempt_count() & (HARDIRQ_MASK | SOFTIRQ_MASK | NMI_MASK))

#define in_irq() (hardirq_count() != 0)		/* in a hardware interrupt handler */
#define in_hardirq() in_irq()
#define in_softirq() (softirq_count() != 0)
#define in_nmi() ((preempt_count() & NMI_MASK) != 0)
#define in_interrupt() (irq_count() != 0)	/* any interrupt context */
#define in_task() (!in_interrupt())
/* May not sleep: preemption off or in an interrupt (irqs_disabled() is separate). */
#define in_atomic() (preempt_count() != 0)
/* Could the scheduler take the CPU away right now? */
#define preemptible() (preempt_count() == 0 && !irqs_disabled())

/* need_resched of this CPU: the running task should call schedule() soon. */
static __always_inline bool need_resched(void)
{
	return this_cpu_read(need_resched);
}

/* kernel/sched/core.c: schedule because preempt_enable() dropped the count to 0. */
void preempt_schedule(void);
/* kernel/sched/core.c: schedule on the way out of an interrupt (irqs off, count 0). */
void preempt_schedule_irq(void);

#define preempt_disable()                        \
	do {                                     \
		__preempt_count_add(PREEMPT_OFFSET); \
		barrier();                       \
	} while (0)

/* Re-enable without checking need_resched (the caller schedules itself). */
#define preempt_enable_no_resched()              \
	do {                                     \
		barrier();                       \
		__preempt_count_sub(PREEMPT_OFFSET); \
	} while (0)

#define preempt_enable()                                                       \
	do {                                                                   \
		barrier();                                                     \
		if (__preempt_count_sub_and_test(PREEMPT_OFFSET) && need_resched()) \
			preempt_schedule();                                    \
	} while (0)

/* A preemption point for code that ran with preemption off for long. */
#define preempt_check_resched()                                  \
	do {                                                     \
		if (preempt_count() == 0 && need_resched())      \
			preempt_schedule();                      \
	} while (0)

/* Around a hardware interrupt handler (arch/x86/kernel/idt.c: do_interrupt). */
static __always_inline void irq_enter(void)
{
	__preempt_count_add(HARDIRQ_OFFSET);
	barrier();
}

static __always_inline void irq_exit(void)
{
	barrier();
	__preempt_count_sub(HARDIRQ_OFFSET);
}

/* Around an NMI: in_nmi() and in_interrupt() hold inside. */
static __always_inline void nmi_enter(void)
{
	__preempt_count_add(NMI_OFFSET + HARDIRQ_OFFSET);
	barrier();
}

static __always_inline void nmi_exit(void)
{
	barrier();
	__preempt_count_sub(NMI_OFFSET + HARDIRQ_OFFSET);
}

#endif
