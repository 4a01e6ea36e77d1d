/*
 * The local APIC (Intel SDM vol. 3, chapter 11): one per CPU. It receives
 * interrupts (from the IOAPIC, other CPUs, its own timer), delivers them
 * to its CPU by priority and wants an EOI write when a handler is done.
 *
 * Mode: x2APIC (registers are MSRs, 32-bit APIC ids) when CPUID says the
 * CPU has it or the firmware already switched it on; else xAPIC (registers
 * in a 4 KiB MMIO page, normally at 0xfee00000, 8-bit ids). Every CPU
 * runs in the same mode, chosen once by apic_init() on the boot CPU.
 *
 * The timer counts down from an initial count at the bus clock divided by
 * 16; its rate is not architectural, so lapic_timer_calibrate() measures
 * it against the same reference clock as the TSC (HPET or PIT).
 *
 * Locking: each CPU only touches its own local APIC, with interrupts off
 * or from its own interrupt handlers. The globals (mode, base, cpu table,
 * lapic_timer_hz) are written by the boot CPU before other CPUs start
 * and are read-only afterwards.
 */
#include <kestrel/acpi.h>
#include <kestrel/errno.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/profile.h>
#include <kestrel/smp.h>
#include <kestrel/time.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/ioremap.h>
#include <asm/page.h>
#include <asm/processor.h>

#define CPUID_1_EDX_APIC (1 << 9)
#define CPUID_1_ECX_X2APIC (1 << 21)

#define APIC_MAX_CPUS 256
#define APIC_MMIO_SIZE 0x1000

static void __iomem *lapic_base;	/* xAPIC registers; NULL in x2APIC mode */
static bool x2apic_mode;
static bool apic_present;
static u32 cpu_apic_ids[APIC_MAX_CPUS];	/* logical CPU -> APIC id */
static unsigned int nr_apic_cpus;

u64 lapic_timer_hz;

bool apic_available(void)
{
	return apic_present;
}

bool x2apic_enabled(void)
{
	return x2apic_mode;
}

u32 apic_read(u32 reg)
{
	if (x2apic_mode)
		return (u32)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return readl((u8 __iomem *)lapic_base + reg);
}

void apic_write(u32 reg, u32 v)
{
	if (x2apic_mode)
		wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
	else
		writel(v, (u8 __iomem *)lapic_base + reg);
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

u32 apic_id(void)
{
	u32 id = apic_read(APIC_ID);

	return x2apic_mode ? id : id >> 24;
}

static void xapic_wait_icr_idle(void)
{
	/* Bounded: a stuck ICR is reported instead of hanging the CPU. */
	for (int i = 0; i < 1000000; i++) {
		if (!(apic_read(APIC_ICR) & APIC_ICR_BUSY))
			return;
		cpu_relax();
	}
	pr_err("apic: ICR stays busy, IPI may be lost\n");
}

void apic_icr_write(u32 low, u32 dest)
{
	unsigned long flags = local_irq_save();

	if (x2apic_mode) {
		/* One 64-bit MSR write: destination in the high half, no busy bit. */
		wrmsr(MSR_X2APIC_BASE + (APIC_ICR >> 4), (u64)dest << 32 | low);
	} else {
		/* The write to the low half sends: set the destination first. */
		xapic_wait_icr_idle();
		apic_write(APIC_ICR2, dest << 24);
		apic_write(APIC_ICR, low);
		xapic_wait_icr_idle();
	}
	local_irq_restore(flags);
}

void apic_send_ipi(u32 dest, unsigned int vector)
{
	apic_icr_write(APIC_DM_FIXED | vector, dest);
}

void apic_send_ipi_self(unsigned int vector)
{
	apic_icr_write(APIC_DEST_SELF | APIC_DM_FIXED | vector, 0);
}

int apic_cpu_to_id(unsigned int cpu)
{
	return cpu < nr_apic_cpus ? (int)cpu_apic_ids[cpu] : -1;
}

unsigned int apic_nr_cpus(void)
{
	return nr_apic_cpus;
}

/* CPU 0 is us; then every other enabled CPU of the MADT, in table order. */
static void build_cpu_table(void)
{
	u32 me = apic_id();

	cpu_apic_ids[0] = me;
	nr_apic_cpus = 1;
	for (int i = 0; i < acpi_platform.nr_cpus && nr_apic_cpus < APIC_MAX_CPUS; i++) {
		const struct acpi_cpu *c = &acpi_platform.cpus[i];
		if (c->enabled && c->apic_id != me)
			cpu_apic_ids[nr_apic_cpus++] = c->apic_id;
	}
	if (acpi_platform.has_madt && acpi_platform.nr_cpus_enabled != (int)nr_apic_cpus)
		pr_warn("apic: boot CPU (APIC id %u) is not an enabled CPU of the MADT\n", me);
}

/* MADT LAPIC NMI entries for this CPU (UID all-ones means every CPU). */
static void setup_lint_pins(void)
{
	u32 lvt[2] = { APIC_LVT_MASKED, APIC_DM_NMI };	/* defaults: LINT0 off, LINT1 NMI */

	for (int i = 0; i < acpi_platform.nr_nmis; i++) {
		const struct acpi_nmi *n = &acpi_platform.nmis[i];
		u32 v = APIC_DM_NMI;
		if (n->lint > 1)
			continue;
		/* NMIs are edge-triggered; polarity as the entry says. */
		if ((n->flags & ACPI_MADT_POLARITY_MASK) == ACPI_MADT_POLARITY_LOW)
			v |= APIC_LVT_ACTIVE_LOW;
		lvt[n->lint] = v;
	}
	/* LINT0 stays masked: it carries the 8259's ExtINT, and the 8259 is masked. */
	apic_write(APIC_LVT0, lvt[0] == APIC_DM_NMI ? lvt[0] : APIC_LVT_MASKED);
	apic_write(APIC_LVT1, lvt[1]);
}

void apic_setup_this_cpu(void)
{
	u64 base = rdmsr(MSR_IA32_APICBASE);

	/* Enabling x2APIC goes through xAPIC: set ENABLE first, then EXTD. */
	base |= MSR_APICBASE_ENABLE;
	wrmsr(MSR_IA32_APICBASE, base);
	if (x2apic_mode && !(base & MSR_APICBASE_X2APIC))
		wrmsr(MSR_IA32_APICBASE, base | MSR_APICBASE_X2APIC);

	if (!x2apic_mode)
		apic_write(APIC_DFR, 0xffffffff);	/* flat model (x2APIC has no DFR) */
	apic_write(APIC_TASKPRI, 0);			/* accept every priority */
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	apic_write(APIC_LVTERR, APIC_LVT_MASKED);
	if (((apic_read(APIC_LVR) >> 16) & 0xff) >= 4)
		apic_write(APIC_LVTPC, APIC_LVT_MASKED);
	setup_lint_pins();
	/* ESR is write-then-read: clear it twice (the first write latches). */
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_APIC_VECTOR);
	apic_eoi();	/* drop anything left in service by the firmware */
}

/*
 * While the profiler runs (kernel/profile.c) the timer interrupts mult
 * times per tick and each interrupt takes a sample; every mult-th one is
 * the tick. Each CPU notices a new mult at its next interrupt and
 * reprograms its own timer (periodic mode restarts at the new count).
 */
static unsigned int timer_mult_of[NR_CPUS];	/* owner CPU only, interrupts off */
static unsigned int timer_subticks[NR_CPUS];	/* owner CPU only, interrupts off */

static void lapic_timer_interrupt(struct pt_regs *regs, void *data)
{
	unsigned int cpu = smp_processor_id();
	unsigned int mult = profile_timer_mult();

	if (mult != (timer_mult_of[cpu] ? timer_mult_of[cpu] : 1)) {
		apic_write(APIC_TMICT, (u32)(lapic_timer_hz / (HZ * mult)));
		timer_mult_of[cpu] = mult;
		timer_subticks[cpu] = 0;
	}
	profile_tick(regs);	/* returns at once when not profiling */
	if (++timer_subticks[cpu] >= mult) {
		timer_subticks[cpu] = 0;
		timer_tick(user_mode(regs));	/* RCU: a tick in user mode is a quiescent state */
	}
	apic_eoi();
}

/*
 * A spurious interrupt: the APIC withdrew an interrupt it had signalled.
 * It is not in service, so it must not get an EOI.
 */
static unsigned long nr_spurious;	/* statistics only: racy increments are fine */

static void spurious_interrupt(struct pt_regs *regs, void *data)
{
	nr_spurious++;
}

static void install_handlers(void)
{
	if (irq_set_handler(LOCAL_TIMER_VECTOR, lapic_timer_interrupt, NULL) ||
	    irq_set_handler(SPURIOUS_APIC_VECTOR, spurious_interrupt, NULL))
		pr_err("apic: cannot install the timer/spurious handlers\n");
}

int apic_init(void)
{
	u32 a, b, c, d;
	u64 base_msr;
	phys_addr_t phys;

	cpuid(1, &a, &b, &c, &d);
	if (!(d & CPUID_1_EDX_APIC)) {
		pr_warn("apic: this CPU has no local APIC: no timer interrupt, one CPU\n");
		return -ENODEV;
	}
	base_msr = rdmsr(MSR_IA32_APICBASE);
	/* Firmware may have enabled x2APIC already; then MMIO does not work at all. */
	x2apic_mode = (c & CPUID_1_ECX_X2APIC) || (base_msr & MSR_APICBASE_X2APIC);
	if (!x2apic_mode) {
		phys = acpi_platform.has_madt ? acpi_platform.lapic_address : base_msr & PAGE_MASK;
		if (!phys)
			phys = base_msr & PAGE_MASK;
		lapic_base = ioremap(phys, APIC_MMIO_SIZE);
		if (!lapic_base) {
			pr_err("apic: cannot map the local APIC at %#llx\n", (unsigned long long)phys);
			return -ENODEV;
		}
	}
	apic_present = true;
	install_handlers();
	apic_setup_this_cpu();
	build_cpu_table();
	pr_info("apic: %s mode, boot CPU APIC id %u, version %#x, %u CPUs\n",
		x2apic_mode ? "x2APIC" : "xAPIC", apic_id(), apic_read(APIC_LVR) & 0xff,
		nr_apic_cpus);
	return 0;
}

void lapic_timer_oneshot_masked(u32 count)
{
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, count);
}

static void sample_timer(void *arg, bool end)
{
	u32 *cnt = arg;

	cnt[end] = apic_read(APIC_TMCCT);
}

#define CALIBRATE_MS 50
#define CALIBRATE_TRIES 3

int lapic_timer_calibrate(void)
{
	u64 best = 0;

	if (!apic_present)
		return -ENODEV;
	/*
	 * Count down from the top, masked, and read the count at both ends
	 * of a reference window. Of a few windows keep the slowest rate: the
	 * samples sit just outside the reference reads, so any delay between
	 * them (a preempted virtual CPU) only adds counts, never removes them.
	 */
	for (int i = 0; i < CALIBRATE_TRIES; i++) {
		u32 cnt[2];
		u64 ns, hz;
		lapic_timer_oneshot_masked(0xffffffff);
		ns = time_ref_window(CALIBRATE_MS, sample_timer, cnt);
		if (!ns || cnt[1] >= cnt[0])
			continue;
		hz = (u64)(cnt[0] - cnt[1]) * NSEC_PER_SEC / ns;
		if (!best || hz < best)
			best = hz;
	}
	apic_write(APIC_TMICT, 0);
	if (!best) {
		pr_err("apic: timer calibration against %s failed\n", time_reference_name());
		return -EIO;
	}
	lapic_timer_hz = best;
	pr_info("apic: timer %llu.%03llu MHz (bus / 16), calibrated against %s\n",
		(unsigned long long)(best / 1000000), (unsigned long long)(best / 1000 % 1000),
		time_reference_name());
	return 0;
}

void lapic_timer_start_periodic(unsigned int vector, unsigned int hz)
{
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | vector);
	apic_write(APIC_TMICT, (u32)(lapic_timer_hz / hz));
}
