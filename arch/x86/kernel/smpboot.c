/*
 * Starting the other CPUs (application processors, APs).
 *
 * smp_init() runs on the boot CPU once interrupts and its tick are on. For
 * every enabled CPU of the MADT (apic_cpu_to_id() numbers them: CPU 0 is
 * the boot CPU, then table order; disabled and online-capable-but-absent
 * ones are not listed), one at a time:
 *
 *   1. allocate the AP's kernel stack and IST stacks (guard pages below);
 *   2. fill the trampoline's parameter block (asm/smp.h) with the stack;
 *   3. INIT, 10 ms, STARTUP, 200 us, STARTUP, 200 us (the MP spec's
 *      sequence; the second STARTUP is skipped once the AP has answered);
 *   4. wait up to AP_BOOT_TIMEOUT_MS for the AP to say it is online. An AP
 *      that does not is sent INIT again (so it cannot wake up later and
 *      run with the next AP's parameters), reported, and left out.
 *
 * The AP runs arch/x86/kernel/trampoline.S (real mode -> long mode) and
 * then start_secondary() below: its per-CPU area, GDT, TSS and IDT
 * (cpu_init), NX/SMEP/SMAP/UMIP, its local APIC, its timer tick (with the
 * boot CPU's calibration), and it marks itself online.
 *
 * The trampoline and its temporary page tables live in TRAMPOLINE_PAGES
 * pages of usable RAM below 1 MiB: a STARTUP IPI can only start a CPU
 * there. mm reserves the whole first MiB, so nothing else uses them.
 *
 * Locking: APs start strictly one at a time, so ap_boot and the one
 * trampoline copy have a single writer (the boot CPU, before the SIPI) and
 * a single reader (the AP being started). The handshake is ap_boot.done,
 * written by the AP with release order and read by the boot CPU with
 * acquire order. cpu_online_bits is changed with set_bit.
 */
#include <kestrel/acpi.h>
#include <kestrel/atomic.h>
#include <kestrel/bitops.h>
#include <kestrel/bootinfo.h>
#include <kestrel/errno.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/vmalloc.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define AP_STACK_SIZE THREAD_SIZE	/* it becomes the stack of the AP's idle task */
#define AP_BOOT_TIMEOUT_MS 2000
#define LOW_MEMORY_END 0x100000		/* STARTUP vectors reach the first 1 MiB only */

/* The trampoline's parameter block, at TRAMPOLINE_DATA in the copy. */
struct trampoline_data {
	u16 pad0;
	u16 gdt_limit;		/* lgdtl operand: limit, then 32-bit base */
	u32 gdt_base;
	u32 far32_offset;	/* ljmpl operand: offset, then selector */
	u16 far32_selector;
	u16 pad1;
	u32 far64_offset;
	u16 far64_selector;
	u16 pad2;
	u32 cr4;
	u32 pml4;
	u32 efer;
	u32 pad3;
	u64 kernel_cr3;
	u64 stack;
	u64 entry;
};

extern const char trampoline_start[], trampoline_end[];
extern const u32 trampoline_pm32_offset, trampoline_lm64_offset;
extern const u32 trampoline_gdt_offset, trampoline_gdt_size;
extern char secondary_startup_64[];

/* The AP being started: written by the boot CPU before INIT, read by that AP. */
static struct {
	unsigned int cpu;
	u32 apic_id;
	unsigned long ist_top[IST_NR];
	void *stack;		/* base of its kernel stack */
	bool done;		/* set by the AP (release) once online */
} ap_boot;

static phys_addr_t trampoline_phys;	/* 0: none found, no APs */
static unsigned long cpu_online_bits;	/* bit n: CPU n online (set_bit) */

bool cpu_online(unsigned int cpu)
{
	return cpu < NR_CPUS && test_bit_acquire(cpu, &cpu_online_bits);
}

unsigned int num_online_cpus(void)
{
	unsigned long bits = smp_load_acquire(&cpu_online_bits);
	unsigned int n = 0;

	for (; bits; bits &= bits - 1)	/* no libgcc, so no __builtin_popcountll */
		n++;
	return n;
}

static void set_cpu_online(unsigned int cpu)
{
	smp_mb__before_atomic();	/* the CPU's setup is visible before it counts as online */
	set_bit(cpu, &cpu_online_bits);
}

static bool overlaps(phys_addr_t a, phys_addr_t a_end, phys_addr_t b, phys_addr_t b_end)
{
	return a < b_end && b < a_end;
}

/* Is [pa, pa + size) usable RAM that holds nothing the boot loader left us? */
static bool low_range_free(phys_addr_t pa, phys_addr_t size)
{
	bool usable = false;

	for (int i = 0; i < boot_info.nr_mem; i++) {
		const struct boot_mem_region *r = &boot_info.mem[i];
		if (!overlaps(pa, pa + size, r->addr, r->addr + r->len))
			continue;
		if (r->type != BOOT_MEM_USABLE)
			return false;	/* a reserved entry overlapping usable RAM wins */
		if (r->addr <= pa && pa + size <= r->addr + r->len)
			usable = true;
	}
	if (overlaps(pa, pa + size, boot_info.info_start, boot_info.info_end))
		return false;
	for (int i = 0; i < boot_info.nr_modules; i++)
		if (overlaps(pa, pa + size, boot_info.modules[i].start, boot_info.modules[i].end))
			return false;
	return usable;
}

/* The lowest free run of TRAMPOLINE_PAGES pages above the real-mode IVT and BIOS data. */
static phys_addr_t find_trampoline_area(void)
{
	phys_addr_t size = TRAMPOLINE_PAGES * PAGE_SIZE;

	for (phys_addr_t pa = 0x1000; pa + size <= LOW_MEMORY_END; pa += PAGE_SIZE)
		if (low_range_free(pa, size))
			return pa;
	return 0;
}

/*
 * Copy the code and build the temporary page tables: PML4[0] -> PDPT ->
 * PD[0], a 2 MiB identity page over the trampoline; PML4's kernel half
 * copied from kernel_pgd (its tables are shared and never freed, so the
 * copy stays valid while an AP uses it).
 */
static void trampoline_setup(void)
{
	u8 *base = __va(trampoline_phys);
	u64 *pml4 = (u64 *)(base + PAGE_SIZE), *pdpt = pml4 + 512, *pd = pdpt + 512;
	struct trampoline_data *td = (struct trampoline_data *)(base + TRAMPOLINE_DATA);
	u32 phys = (u32)trampoline_phys;

	BUILD_BUG_ON(offsetof(struct trampoline_data, gdt_limit) != TD_GDT_DESC);
	BUILD_BUG_ON(offsetof(struct trampoline_data, far32_offset) != TD_FAR32);
	BUILD_BUG_ON(offsetof(struct trampoline_data, far64_offset) != TD_FAR64);
	BUILD_BUG_ON(offsetof(struct trampoline_data, cr4) != TD_CR4);
	BUILD_BUG_ON(offsetof(struct trampoline_data, pml4) != TD_PML4);
	BUILD_BUG_ON(offsetof(struct trampoline_data, efer) != TD_EFER);
	BUILD_BUG_ON(offsetof(struct trampoline_data, kernel_cr3) != TD_KERNEL_CR3);
	BUILD_BUG_ON(offsetof(struct trampoline_data, stack) != TD_STACK);
	BUILD_BUG_ON(offsetof(struct trampoline_data, entry) != TD_ENTRY);
	BUILD_BUG_ON(sizeof(struct trampoline_data) != TD_SIZE);
	BUILD_BUG_ON(TRAMPOLINE_DATA + TD_SIZE > PAGE_SIZE);

	/* The assembler cannot check this (its jumps are relaxed late): the first boot does. */
	BUG_ON(trampoline_end - trampoline_start > TRAMPOLINE_DATA);
	memset(base, 0, TRAMPOLINE_PAGES * PAGE_SIZE);
	memcpy(base, trampoline_start, trampoline_end - trampoline_start);

	pd[0] = 0 | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE;
	pdpt[0] = (trampoline_phys + 3 * PAGE_SIZE) | _PAGE_PRESENT | _PAGE_RW;
	pml4[0] = (trampoline_phys + 2 * PAGE_SIZE) | _PAGE_PRESENT | _PAGE_RW;
	for (int i = 256; i < 512; i++)
		pml4[i] = kernel_pgd[i];

	td->gdt_limit = trampoline_gdt_size - 1;
	td->gdt_base = phys + trampoline_gdt_offset;
	td->far32_offset = phys + trampoline_pm32_offset;
	td->far32_selector = 0x18;
	td->far64_offset = phys + trampoline_lm64_offset;
	td->far64_selector = 0x08;
	/* PAE for long mode, PGE as the boot CPU has it; cpu_features_enable() adds the rest. */
	td->cr4 = X86_CR4_PAE | (read_cr4() & X86_CR4_PGE);
	td->pml4 = phys + PAGE_SIZE;
	td->efer = EFER_LME | (rdmsr(MSR_EFER) & EFER_NXE);
	td->kernel_cr3 = __pa(kernel_pgd);
	td->entry = (u64)secondary_startup_64;
}

/* This CPU's APIC id from CPUID, usable before its APIC is set up (x2APIC or not). */
static u32 cpuid_apic_id(void)
{
	u32 a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	if (a >= 0xb) {
		cpuid_count(0xb, 0, &a, &b, &c, &d);
		if (b)		/* leaf 0xb implemented: EDX is the 32-bit x2APIC id */
			return d;
	}
	cpuid(1, &a, &b, &c, &d);
	return b >> 24;
}

/* The AP, on its own stack, paging on with kernel_pgd, interrupts off. */
void start_secondary(void)
{
	unsigned int cpu = READ_ONCE(ap_boot.cpu);

	/*
	 * Only the CPU the boot CPU is waiting for may go on: one that timed
	 * out earlier and woke up late would otherwise take this CPU's slot.
	 */
	if (cpuid_apic_id() != READ_ONCE(ap_boot.apic_id))
		for (;;)
			halt();

	cpu_init(cpu, ap_boot.ist_top);
	cpu_features_enable();
	apic_setup_this_cpu();
	/* The boot CPU's calibration holds here too: the APIC timers share one clock. */
	time_start_tick();
	set_cpu_online(cpu);
	smp_store_release(&ap_boot.done, true);

	sched_start_secondary();	/* this CPU's idle task from here on: never returns */
}

static void send_init(u32 apic_id)
{
	apic_icr_write(APIC_DM_INIT | APIC_ICR_LEVEL_TRIGGER | APIC_ICR_LEVEL_ASSERT, apic_id);
	/* The de-assert message exists for old xAPICs; x2APIC does not define it. */
	if (!x2apic_enabled())
		apic_icr_write(APIC_DM_INIT | APIC_ICR_LEVEL_TRIGGER, apic_id);
}

static bool ap_answered(void)
{
	return smp_load_acquire(&ap_boot.done);
}

static bool wait_for_ap(void)
{
	u64 end = ktime_get_ns() + (u64)AP_BOOT_TIMEOUT_MS * 1000000;

	while (!ap_answered()) {
		if (ktime_get_ns() > end)
			return false;
		cpu_relax();
	}
	return true;
}

static int do_boot_cpu(unsigned int cpu, u32 apic_id)
{
	struct trampoline_data *td = __va(trampoline_phys + TRAMPOLINE_DATA);
	u32 sipi = APIC_DM_STARTUP | (u32)(trampoline_phys >> PAGE_SHIFT);
	int err;

	if (!x2apic_enabled() && apic_id > 0xfe) {
		pr_err("smp: CPU %u has APIC id %u, which xAPIC mode cannot address; skipped\n",
		       cpu, apic_id);
		return -EINVAL;
	}
	/* Its idle task first, so `current` is valid from the AP's first lock on. */
	err = sched_prepare_cpu(cpu);
	if (err)
		return err;
	err = ist_stacks_alloc(ap_boot.ist_top);
	if (err)
		return err;
	ap_boot.stack = alloc_kernel_stack(AP_STACK_SIZE);
	if (!ap_boot.stack) {
		err = -ENOMEM;
		goto free_ist;
	}
	ap_boot.cpu = cpu;
	ap_boot.apic_id = apic_id;
	ap_boot.done = false;
	td->stack = (u64)ap_boot.stack + AP_STACK_SIZE;
	mb();	/* all of it visible before the IPIs (an x2APIC MSR write is no barrier) */

	send_init(apic_id);
	mdelay(10);
	for (int i = 0; i < 2 && !ap_answered(); i++) {
		apic_icr_write(sipi, apic_id);
		udelay(200);
	}
	if (wait_for_ap())
		return 0;

	/* Park it in wait-for-SIPI so it cannot run later with stale parameters. */
	send_init(apic_id);
	pr_err("smp: CPU %u (APIC id %u) did not come up within %d ms; going on without it\n",
	       cpu, apic_id, AP_BOOT_TIMEOUT_MS);
	err = -ETIMEDOUT;
	free_kernel_stack(ap_boot.stack);
free_ist:
	ist_stacks_free(ap_boot.ist_top);
	return err;
}

void smp_init(void)
{
	unsigned int n = apic_available() ? apic_nr_cpus() : 1;

	set_cpu_online(0);
	smp_ipi_init();
	if (n > NR_CPUS) {
		pr_warn("smp: %u CPUs in the MADT, Kestrel supports %d; the rest stay off\n", n,
			NR_CPUS);
		n = NR_CPUS;
	}
	if (n > 1) {
		trampoline_phys = find_trampoline_area();
		if (!trampoline_phys) {
			pr_err("smp: no free %d KiB below 1 MiB for the AP trampoline: one CPU\n",
			       TRAMPOLINE_PAGES * 4);
			n = 1;
		} else {
			trampoline_setup();
		}
	}
	for (unsigned int cpu = 1; cpu < n; cpu++)
		do_boot_cpu(cpu, (u32)apic_cpu_to_id(cpu));
	pr_info("smp: %u CPUs online\n", num_online_cpus());
}
