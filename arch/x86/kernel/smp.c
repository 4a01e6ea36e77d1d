/*
 * Inter-processor interrupts: asking other CPUs to do something.
 *
 *   reschedule     smp_send_reschedule(cpu): the scheduler set cpu's
 *                  need_resched; the interrupt makes cpu notice now (the
 *                  return from any interrupt is a preemption point).
 *   call-function  smp_call_function_single/many, on_each_cpu: run
 *                  fn(info) on other CPUs, in interrupt context (interrupts
 *                  off), optionally waiting until every call has returned.
 *                  TLB shootdown (tlb.c) is built on it.
 *   stop           smp_send_stop(): panic and oops halt every other CPU,
 *                  with an NMI for a CPU that has interrupts off.
 *
 * Call-function protocol. Each CPU has a queue of call_single_data
 * (csd) entries waiting to run on it. A sender fills a csd, marks it
 * locked, pushes it on the target's queue and sends CALL_FUNCTION_VECTOR
 * only if the queue was empty (a non-empty queue already has an
 * interrupt on its way, whose handler has not yet taken the queue). The
 * target's handler takes the whole queue, runs every entry and unlocks
 * each csd after its function returned; a waiting sender spins until
 * its csds are unlocked. Where csds live: on the sender's stack for
 * smp_call_function_single(wait), else in the sender's row of cfd[][]
 * (one per target; a sender waits for its previous use to finish).
 *
 * Deadlock rules: a caller that waits must have interrupts on. Two CPUs
 * each waiting for the other with interrupts off would hang; so a waiter
 * whose interrupts are off also runs its own queue while it spins (a
 * WARN says such a caller broke the rule: the same CPU holding a
 * spinlock the target's function needs would still hang). Functions run
 * with interrupts off and must not sleep or call these functions.
 */
#include <kestrel/atomic.h>
#include <kestrel/bitops.h>
#include <kestrel/errno.h>
#include <kestrel/panic.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/smp.h>
#include <kestrel/spinlock.h>
#include <kestrel/time.h>
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define CSD_LOCKED 1

struct call_single_data {
	struct call_single_data *next;	/* in a target's queue, under its lock */
	smp_call_func_t fn;
	void *info;
	unsigned int flags;		/* CSD_LOCKED from queueing until fn returned */
};

struct call_queue {
	spinlock_t lock;		/* protects head (taken with interrupts off) */
	struct call_single_data *head;	/* pushed at the front: newest first */
} __aligned(64);

static struct call_queue call_queues[NR_CPUS];
/* cfd[s][t]: CPU s's csd for calls to CPU t; only CPU s fills it, with irqs off. */
static struct call_single_data cfd[NR_CPUS][NR_CPUS];

/* Statistics for tests: interrupts each CPU took on these vectors (racy is fine). */
static unsigned long nr_resched_ipis[NR_CPUS], nr_call_ipis[NR_CPUS];

static u32 cpu_to_apic(unsigned int cpu)
{
	return (u32)apic_cpu_to_id(cpu);
}

static bool csd_locked(struct call_single_data *c)
{
	return smp_load_acquire(&c->flags) & CSD_LOCKED;
}

/* Run every call queued on this CPU (interrupts off). */
static void flush_call_queue(void)
{
	struct call_queue *q = &call_queues[smp_processor_id()];
	struct call_single_data *list, *rev = NULL, *next;

	spin_lock(&q->lock);
	list = q->head;
	q->head = NULL;
	spin_unlock(&q->lock);

	for (; list; list = next) {	/* oldest first */
		next = list->next;
		list->next = rev;
		rev = list;
	}
	for (; rev; rev = next) {
		next = rev->next;	/* before the unlock: the sender may reuse it at once */
		rev->fn(rev->info);
		smp_store_release(&rev->flags, 0);	/* fn's effects before the unlock */
	}
}

static void csd_wait(struct call_single_data *c)
{
	while (csd_locked(c)) {
		if (irqs_disabled())
			flush_call_queue();	/* see the deadlock rules above */
		cpu_relax();
	}
}

/* Queue c (filled, locked) on cpu and interrupt it if needed. Interrupts off. */
static void csd_queue(unsigned int cpu, struct call_single_data *c)
{
	struct call_queue *q = &call_queues[cpu];
	bool was_empty;

	spin_lock(&q->lock);
	was_empty = !q->head;
	c->next = q->head;
	q->head = c;
	spin_unlock(&q->lock);
	if (was_empty)
		apic_send_ipi(cpu_to_apic(cpu), CALL_FUNCTION_VECTOR);
}

static void csd_fill(struct call_single_data *c, smp_call_func_t fn, void *info)
{
	c->fn = fn;
	c->info = info;
	c->flags = CSD_LOCKED;
}

/* This CPU's cfd entry for target, once free. Interrupts off. */
static struct call_single_data *cfd_get(unsigned int target)
{
	struct call_single_data *c = &cfd[smp_processor_id()][target];

	csd_wait(c);
	return c;
}

static void run_local(smp_call_func_t fn, void *info)
{
	unsigned long flags = local_irq_save();

	fn(info);
	local_irq_restore(flags);
}

static void check_wait_context(bool wait)
{
	/* A caller in an oops or panic has other CPUs stopped or stopping: don't warn there. */
	if (wait && !READ_ONCE(oops_in_progress))
		WARN_ON_ONCE(irqs_disabled());
}

int smp_call_function_single(unsigned int cpu, smp_call_func_t fn, void *info, bool wait)
{
	struct call_single_data on_stack, *c;
	unsigned long flags;

	if (!cpu_online(cpu) && !(cpu == 0 && num_online_cpus() == 0))
		return -ENXIO;
	check_wait_context(wait);
	flags = local_irq_save();	/* the CPU number stays ours while we queue */
	if (cpu == smp_processor_id()) {
		fn(info);
		local_irq_restore(flags);
		return 0;
	}
	c = wait ? &on_stack : cfd_get(cpu);
	csd_fill(c, fn, info);
	csd_queue(cpu, c);
	local_irq_restore(flags);
	if (wait)
		csd_wait(c);
	return 0;
}

void smp_call_function_many(cpumask_t mask, smp_call_func_t fn, void *info, bool wait)
{
	struct call_single_data *sent[NR_CPUS];
	unsigned int cpu, n = 0;
	unsigned long flags;

	check_wait_context(wait);
	flags = local_irq_save();
	for_each_cpu(cpu, mask) {
		struct call_single_data *c;
		if (cpu == smp_processor_id() || !cpu_online(cpu))
			continue;
		c = cfd_get(cpu);
		csd_fill(c, fn, info);
		csd_queue(cpu, c);
		sent[n++] = c;
	}
	local_irq_restore(flags);
	if (wait)
		for (unsigned int i = 0; i < n; i++)
			csd_wait(sent[i]);
}

void on_each_cpu(smp_call_func_t fn, void *info, bool wait)
{
	cpumask_t others = CPU_MASK_NONE;
	unsigned int cpu;

	for_each_online_cpu(cpu)
		cpumask_set_cpu(cpu, &others);
	/* This CPU first, with interrupts off as the others will run it. */
	run_local(fn, info);
	smp_call_function_many(others, fn, info, wait);
}

static void call_function_interrupt(struct pt_regs *regs, void *data)
{
	nr_call_ipis[smp_processor_id()]++;
	apic_eoi();	/* first: a call queued while we run sends a new interrupt */
	flush_call_queue();
}

/* Reschedule */

void smp_send_reschedule(unsigned int cpu)
{
	if (cpu_online(cpu) && apic_available())
		apic_send_ipi(cpu_to_apic(cpu), RESCHEDULE_VECTOR);
}

/*
 * Nothing to do but acknowledge: the sender set need_resched before
 * sending, and the way out of this interrupt is where the scheduler
 * looks at it.
 */
static void reschedule_interrupt(struct pt_regs *regs, void *data)
{
	nr_resched_ipis[smp_processor_id()]++;
	apic_eoi();
}

unsigned long smp_ipi_count(unsigned int cpu, unsigned int vector)
{
	if (cpu >= NR_CPUS)
		return 0;
	if (vector == RESCHEDULE_VECTOR)
		return READ_ONCE(nr_resched_ipis[cpu]);
	if (vector == CALL_FUNCTION_VECTOR)
		return READ_ONCE(nr_call_ipis[cpu]);
	return 0;
}

/* Stop */

#define STOP_WAIT_MS 100	/* for the IPI, then again for the NMI */

static atomic_t stop_owner = ATOMIC_INIT(-1);	/* the CPU that stops the others (cmpxchg from -1) */
static unsigned long stopped_bits;	/* CPUs halted for good (set_bit) */

static __noreturn void stop_this_cpu(void)
{
	local_irq_disable();
	smp_mb__before_atomic();	/* whatever this CPU did is visible before it counts as stopped */
	set_bit(smp_processor_id(), &stopped_bits);
	for (;;)
		halt();	/* an NMI may wake us: halt again */
}

static void stop_interrupt(struct pt_regs *regs, void *data)
{
	stop_this_cpu();
}

bool smp_stop_nmi(void)
{
	int owner = atomic_read_acquire(&stop_owner);

	if (owner < 0 || owner == (int)smp_processor_id())
		return false;
	stop_this_cpu();
}

static unsigned int popcount64(u64 v)
{
	unsigned int n = 0;

	for (; v; v &= v - 1)	/* no libgcc, so no __builtin_popcountll */
		n++;
	return n;
}

/* Online CPUs other than us that have not stopped yet. */
static u64 cpus_running(void)
{
	u64 want = 0;
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (cpu != smp_processor_id())
			want |= 1ULL << cpu;
	return want & ~smp_load_acquire(&stopped_bits);
}

static bool wait_stopped(void)
{
	for (int ms = 0; ms < STOP_WAIT_MS; ms++) {
		if (!cpus_running())
			return true;
		mdelay(1);
	}
	return !cpus_running();
}

static void send_to_running(u32 icr_low)
{
	u64 left = cpus_running();

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (left >> cpu & 1)
			apic_icr_write(icr_low, cpu_to_apic(cpu));
}

void smp_send_stop(void)
{
	int me = smp_processor_id(), owner = -1;
	u64 left;

	local_irq_disable();
	if (!apic_available() || num_online_cpus() <= 1)
		return;
	if (!atomic_try_cmpxchg(&stop_owner, &owner, me) && owner != me)
		stop_this_cpu();	/* another CPU is stopping everyone: we are one of them */

	send_to_running(APIC_DM_FIXED | STOP_VECTOR);
	if (wait_stopped())
		return;
	/* Interrupts off (spinning, or in an oops of their own): an NMI gets through. */
	pr_emerg("smp: %u CPUs did not answer the stop IPI within %d ms, sending an NMI\n",
		 popcount64(cpus_running()), STOP_WAIT_MS);
	send_to_running(APIC_DM_NMI);
	if (wait_stopped())
		return;
	left = cpus_running();
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (left >> cpu & 1)
			pr_emerg("smp: CPU %u did not stop\n", cpu);
}

bool smp_stopping(void)
{
	return atomic_read_acquire(&stop_owner) >= 0;
}

void smp_ipi_init(void)
{
	for (int i = 0; i < NR_CPUS; i++)
		spin_lock_init(&call_queues[i].lock);
	if (irq_set_handler(RESCHEDULE_VECTOR, reschedule_interrupt, NULL) ||
	    irq_set_handler(CALL_FUNCTION_VECTOR, call_function_interrupt, NULL) ||
	    irq_set_handler(STOP_VECTOR, stop_interrupt, NULL))
		pr_err("smp: cannot install the IPI handlers\n");
}
