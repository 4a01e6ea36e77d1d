/*
 * ktests for SMP (arch/x86/kernel/smpboot.c, smp.c, tlb.c): the CPUs
 * that came up, their per-CPU areas, the call-function IPIs, the
 * reschedule IPI, every CPU's tick, the TLB shootdown, and idle CPUs'
 * load balancing against a busy CPU. They pass on one CPU too (then the
 * cross-CPU parts have nobody else to check).
 *
 *   ktest.expect_cpus=N   the number of CPUs that must be online (-smp N);
 *                         without it, the MADT's enabled count
 *
 * The tests run in the boot thread with interrupts on, as the
 * call-function rules want.
 */
#include <kestrel/acpi.h>
#include <kestrel/atomic.h>
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/mm.h>
#include <kestrel/sched.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>
#include <kestrel/vmalloc.h>
#include <asm/apic.h>
#include <asm/extable.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define WAIT_MS 2000	/* generous: 16 virtual CPUs share 2 host cores under TCG */

static unsigned int expected_cpus(void)
{
	const char *want = cmdline_get("ktest.expect_cpus");
	unsigned long long n;

	if (want && !kstrtoull(want, 10, &n))
		return (unsigned int)n;
	if (!acpi_platform.has_madt || !apic_available())
		return 1;
	return min(acpi_platform.nr_cpus_enabled, NR_CPUS);
}

KTEST(smp, online_cpus_match_madt)
{
	unsigned int cpu, n = 0;

	KEXPECT_EQ(num_online_cpus(), expected_cpus());
	for_each_online_cpu(cpu)
		n++;
	KEXPECT_EQ(n, num_online_cpus());
	KEXPECT(cpu_online(0));
	KEXPECT(!cpu_online(NR_CPUS));
}

/* What each CPU reports about itself, written by that CPU only. */
struct whoami {
	struct percpu *self;
	unsigned long gs_base;
	unsigned int cpu;
	u32 apic_id;
	atomic_t calls;
};

static struct whoami who[NR_CPUS];

static void record_whoami(void *info)
{
	struct whoami *w = &who[smp_processor_id()];

	w->self = this_cpu();
	w->gs_base = rdmsr(MSR_GS_BASE);
	w->cpu = smp_processor_id();
	w->apic_id = apic_available() ? apic_id() : 0;
	atomic_inc(&w->calls);
}

KTEST(smp, percpu_areas_and_apic_ids_distinct)
{
	unsigned int cpu, other;

	memset(who, 0, sizeof(who));
	on_each_cpu(record_whoami, NULL, true);
	for_each_online_cpu(cpu) {
		KEXPECT_EQ(atomic_read(&who[cpu].calls), 1);
		KEXPECT(who[cpu].self == per_cpu(cpu));
		KEXPECT_EQ(who[cpu].gs_base, (unsigned long)per_cpu(cpu));
		KEXPECT_EQ(who[cpu].cpu, cpu);
		if (apic_available())
			KEXPECT_EQ(who[cpu].apic_id, apic_cpu_to_id(cpu));
		for_each_online_cpu(other) {
			if (other == cpu)
				continue;
			KEXPECT(who[cpu].self != who[other].self);
			if (apic_available())
				KEXPECT_NE(who[cpu].apic_id, who[other].apic_id);
		}
	}
}

/* Call counting: ran[cpu] is incremented by the call on cpu. */
static atomic_t ran[NR_CPUS];
static atomic_t wrong_cpu;

static void count_call(void *info)
{
	unsigned int cpu = smp_processor_id();

	if (info && (unsigned long)info - 1 != cpu)
		atomic_inc(&wrong_cpu);
	atomic_inc(&ran[cpu]);
}

static void reset_counts(void)
{
	memset(ran, 0, sizeof(ran));
	atomic_set(&wrong_cpu, 0);
}

static unsigned int ran_count(unsigned int cpu)
{
	return atomic_read_acquire(&ran[cpu]);
}

/* Without wait: give the calls time, then check each count (and that it stays put). */
static void wait_for_counts(const unsigned int *want)
{
	u64 end = ktime_get_ns() + (u64)WAIT_MS * 1000000;
	unsigned int cpu;
	bool done;

	do {
		done = true;
		for_each_online_cpu(cpu)
			if (ran_count(cpu) < want[cpu])
				done = false;
		cpu_relax();
	} while (!done && ktime_get_ns() < end);
	mdelay(10);	/* a duplicate run would show up by now */
}

KTEST(smp, call_single_wait_runs_once_on_target)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		reset_counts();
		KEXPECT_EQ(smp_call_function_single(cpu, count_call, (void *)(cpu + 1UL), true), 0);
		/* wait: done by the time it returns, with no waiting on our side */
		KEXPECT_EQ(ran_count(cpu), 1);
		KEXPECT_EQ(atomic_read(&wrong_cpu), 0);
	}
}

KTEST(smp, call_single_nowait_runs_once_on_target)
{
	unsigned int want[NR_CPUS] = { 0 };
	unsigned int cpu;

	reset_counts();
	for_each_online_cpu(cpu) {
		KEXPECT_EQ(smp_call_function_single(cpu, count_call, (void *)(cpu + 1UL), false), 0);
		want[cpu] = 1;
	}
	wait_for_counts(want);
	for_each_online_cpu(cpu)
		KEXPECT_EQ(ran_count(cpu), 1);
	KEXPECT_EQ(atomic_read(&wrong_cpu), 0);
}

KTEST(smp, call_single_offline_cpu_refused)
{
	reset_counts();
	KEXPECT_EQ(smp_call_function_single(NR_CPUS - 1, count_call, NULL, true),
		   cpu_online(NR_CPUS - 1) ? 0 : -ENXIO);
	KEXPECT_EQ(smp_call_function_single(NR_CPUS, count_call, NULL, true), -ENXIO);
}

static cpumask_t online_mask(void)
{
	cpumask_t m = CPU_MASK_NONE;
	unsigned int cpu;

	for_each_online_cpu(cpu)
		cpumask_set_cpu(cpu, &m);
	return m;
}

static void check_many(struct ktest_ctx *t, bool wait)
{
	unsigned int want[NR_CPUS] = { 0 };
	unsigned int cpu, me;
	unsigned long flags;

	reset_counts();
	/* Interrupts off only to read our CPU number; the call itself runs with them on. */
	flags = local_irq_save();
	me = smp_processor_id();
	local_irq_restore(flags);
	for_each_online_cpu(cpu)
		want[cpu] = 1;
	want[me] = 0;	/* _many leaves the caller out */
	smp_call_function_many(online_mask(), count_call, NULL, wait);
	if (!wait)
		wait_for_counts(want);
	for_each_online_cpu(cpu)
		if (cpu != me)	/* the caller may have moved CPU meanwhile */
			KEXPECT_EQ(ran_count(cpu), want[cpu]);
}

KTEST(smp, call_many_wait_once_each_other_cpu)
{
	check_many(t, true);
}

KTEST(smp, call_many_nowait_once_each_other_cpu)
{
	check_many(t, false);
}

static void check_each(struct ktest_ctx *t, bool wait)
{
	unsigned int want[NR_CPUS] = { 0 };
	unsigned int cpu;

	reset_counts();
	for_each_online_cpu(cpu)
		want[cpu] = 1;
	on_each_cpu(count_call, NULL, wait);
	if (!wait)
		wait_for_counts(want);
	for_each_online_cpu(cpu)
		KEXPECT_EQ(ran_count(cpu), 1);
}

KTEST(smp, on_each_cpu_wait_once_everywhere)
{
	check_each(t, true);
}

KTEST(smp, on_each_cpu_nowait_once_everywhere)
{
	check_each(t, false);
}

/* Many calls in flight at once to every CPU: none lost, none run twice. */
KTEST(smp, call_many_repeated_exact_totals)
{
	const unsigned int rounds = 200;
	unsigned int want[NR_CPUS] = { 0 };
	unsigned int cpu;

	reset_counts();
	for (unsigned int i = 0; i < rounds; i++)
		on_each_cpu(count_call, NULL, i % 2);
	for_each_online_cpu(cpu)
		want[cpu] = rounds;
	wait_for_counts(want);
	for_each_online_cpu(cpu)
		KEXPECT_EQ(ran_count(cpu), rounds);
}

KTEST(smp, reschedule_ipi_delivered)
{
	unsigned int cpu, me;
	unsigned long flags;

	flags = local_irq_save();
	me = smp_processor_id();
	for_each_online_cpu(cpu) {
		unsigned long before = smp_ipi_count(cpu, RESCHEDULE_VECTOR);
		u64 end = ktime_get_ns() + (u64)WAIT_MS * 1000000;
		if (cpu == me)
			continue;
		smp_send_reschedule(cpu);
		while (smp_ipi_count(cpu, RESCHEDULE_VECTOR) == before && ktime_get_ns() < end)
			cpu_relax();
		KEXPECT(smp_ipi_count(cpu, RESCHEDULE_VECTOR) > before);
	}
	local_irq_restore(flags);
}

KTEST(smp, every_cpu_ticks)
{
	u64 before[NR_CPUS], end = ktime_get_ns() + (u64)WAIT_MS * 1000000;
	unsigned int cpu;
	bool all;

	if (!apic_available() || !lapic_timer_hz)
		return;
	for_each_online_cpu(cpu)
		before[cpu] = timer_ticks(cpu);
	do {
		all = true;
		for_each_online_cpu(cpu)
			if (timer_ticks(cpu) < before[cpu] + 3)
				all = false;
	} while (!all && ktime_get_ns() < end);
	for_each_online_cpu(cpu)
		KEXPECT(timer_ticks(cpu) >= before[cpu] + 3);
}

/* TLB shootdown: every CPU caches a translation, we unmap it, nobody can use it. */
static unsigned long probe_addr;
static int probe_result[NR_CPUS];
static u64 probe_value[NR_CPUS];

static void probe_page(void *info)
{
	unsigned int cpu = smp_processor_id();

	probe_value[cpu] = 0;
	probe_result[cpu] = (int)copy_from_kernel_nofault(&probe_value[cpu],
							  (const void *)probe_addr, sizeof(u64));
}

KTEST(smp, tlb_shootdown_unmapped_page_faults_on_every_cpu)
{
	const u64 pattern = 0x5eed0f5eed0fULL;
	struct vm_struct *area = get_vm_area(PAGE_SIZE, VM_IOREMAP);
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned int cpu;

	KASSERT(area && page);
	*(u64 *)page_address(page) = pattern;
	probe_addr = area->addr;
	KASSERT_EQ(map_kernel_page(probe_addr, page_to_phys(page), PAGE_KERNEL), 0);

	/* Every CPU reads it: its TLB now holds the translation. */
	on_each_cpu(probe_page, NULL, true);
	for_each_online_cpu(cpu) {
		KEXPECT_EQ(probe_result[cpu], 0);
		KEXPECT_EQ(probe_value[cpu], pattern);
	}

	/* Clear the PTE and shoot down; a CPU that missed the flush would still read it. */
	unmap_kernel_page(probe_addr);
	flush_tlb_kernel_range(probe_addr, probe_addr + PAGE_SIZE);
	on_each_cpu(probe_page, NULL, true);
	for_each_online_cpu(cpu)
		KEXPECT_EQ(probe_result[cpu], -EFAULT);

	free_vm_area(area);
	__free_page(page);
}

/*
 * Load balancing with many idle CPUs: some CPUs' queues are long (threads
 * that spin), but no waiting task may run on the other CPUs, which idle.
 * Those must see that without taking the busy CPUs' run-queue locks:
 * they wake from halt at every tick, and when each of them locked CPU 0's
 * queue at every wake, CPU 0 could wait for its own lock behind all of
 * them (with 16 virtual CPUs on 2 host cores the boot then stood still
 * for minutes). Without that check the count of such locks is about the
 * count of the idle CPUs' ticks.
 */
static int spin_until_stopped_fn(void *arg)
{
	atomic_t *started = arg;

	atomic_inc(started);
	while (!kthread_should_stop())
		cpu_relax();
	return 0;
}

static u64 ticks_outside(cpumask_t busy)
{
	unsigned int cpu;
	u64 n = 0;

	for_each_online_cpu(cpu)
		if (!cpumask_test_cpu(cpu, busy))
			n += timer_ticks(cpu);
	return n;
}

static unsigned long futile_balancing_of(cpumask_t busy)
{
	unsigned int cpu;
	unsigned long n = 0;

	for_each_cpu(cpu, busy)
		n += sched_balance_futile(cpu);
	return n;
}

/* n threads allowed on busy spin while the other CPUs take some 50 ticks each. */
static void check_idle_cpus_leave_alone(struct ktest_ctx *t, cpumask_t busy, int n)
{
	struct task_struct *k[8];
	unsigned int idle = num_online_cpus() - cpumask_weight(busy);
	unsigned long futile;
	atomic_t started = ATOMIC_INIT(0);
	u64 ticks;

	KASSERT(n <= (int)ARRAY_SIZE(k));
	for (int i = 0; i < n; i++) {
		k[i] = kthread_create(spin_until_stopped_fn, &started, "t-spin%d", i);
		KASSERT(!IS_ERR(k[i]));
		KASSERT_EQ(set_cpus_allowed(k[i], busy), 0);	/* not started: just the mask */
		wake_up_process(k[i]);
	}
	for (int i = 0; i < 400 && atomic_read(&started) < n; i++)
		msleep(50);
	KEXPECT_EQ(atomic_read(&started), n);

	/* Bounded at about 20 s of waiting. */
	futile = futile_balancing_of(busy);
	ticks = ticks_outside(busy);
	for (int i = 0; i < 400 && ticks_outside(busy) - ticks < 50ULL * idle; i++)
		msleep(50);
	futile = futile_balancing_of(busy) - futile;
	ticks = ticks_outside(busy) - ticks;

	for (int i = 0; i < n; i++)
		kthread_stop(k[i]);
	printk(KERN_INFO "    # busy CPUs' queues locked in vain %lu times in %llu ticks of %u idle CPUs\n",
	       futile, (unsigned long long)ticks, idle);
	/* Not exactly 0: a task the idle CPUs may take can pass through. */
	KEXPECT(futile * 10 <= ticks);
}

/* Two threads bound to CPU 0 (with init, also bound there). */
KTEST(smp, idle_cpus_leave_pinned_queue_alone)
{
	KASSERT(smp_processor_id() == 0);
	check_idle_cpus_leave_alone(t, cpumask_of(0), 2);
}

/* Four threads allowed on CPUs 0 and 1 (as sched_setaffinity can ask). */
KTEST(smp, idle_cpus_leave_queues_of_other_cpus_tasks_alone)
{
	cpumask_t busy = cpumask_of(0);

	if (num_online_cpus() < 3) {
		printk(KERN_INFO "    # fewer than 3 CPUs: no idle CPU outside 0 and 1: skipped\n");
		return;
	}
	cpumask_set_cpu(1, &busy);
	check_idle_cpus_leave_alone(t, busy, 4);
}
