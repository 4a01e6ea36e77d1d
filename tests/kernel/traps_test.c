/* ktests for the CPU tables and exception handling (arch/x86/kernel/{gdt,idt,traps,extable}.c). */
#include <kestrel/atomic.h>
#include <kestrel/errno.h>
#include <kestrel/kallsyms.h>
#include <kestrel/ktest.h>
#include <kestrel/percpu.h>
#include <kestrel/string.h>
#include <asm/apic.h>
#include <asm/extable.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/traps.h>

/* No PML4 entry covers the hole between the direct map and vmalloc space. */
#define UNMAPPED_KERNEL_ADDR 0xffffc88000001000UL
#define NONCANONICAL_ADDR 0x8000000000001000UL

KTEST(traps, int3_returns)
{
	long before = atomic_long_read(&breakpoint_count);
	unsigned long exc_before = this_cpu_read(nr_exceptions);
	volatile int after = 0;

	__asm__ volatile("int3" ::: "memory");
	after = 1;
	KEXPECT_EQ(after, 1);
	KEXPECT_EQ(atomic_long_read(&breakpoint_count), before + 1);
	KEXPECT_EQ(this_cpu_read(nr_exceptions), exc_before + 1);
}

KTEST(traps, nmi_ist_entry_returns)
{
	unsigned long exc_before = this_cpu_read(nr_exceptions);
	struct percpu *pc = this_cpu();
	unsigned long rsp_before, rsp_after;

	/* int $2 goes through the NMI gate: IST stack, GS decided by MSR_GS_BASE. */
	__asm__ volatile("mov %%rsp, %0; int $2; mov %%rsp, %1"
			 : "=r"(rsp_before), "=r"(rsp_after) :: "memory");
	KEXPECT_EQ(rsp_after, rsp_before);
	KEXPECT(this_cpu() == pc);
	KEXPECT_EQ(rdmsr(MSR_GS_BASE), (unsigned long)pc);
	KEXPECT_EQ(this_cpu_read(nr_exceptions), exc_before + 1);
}

KTEST(traps, fixup_unmapped_read_efault)
{
	u64 v = 0x1234;

	KEXPECT_EQ(copy_from_kernel_nofault(&v, (void *)UNMAPPED_KERNEL_ADDR, sizeof(v)), -EFAULT);
	KEXPECT_EQ(copy_from_kernel_nofault(&v, (void *)(UNMAPPED_KERNEL_ADDR + 3), 1), -EFAULT);
}

KTEST(traps, fixup_noncanonical_read_efault)
{
	u64 v;

	/* A non-canonical address raises #GP, not #PF: both handlers check the table. */
	KEXPECT_EQ(copy_from_kernel_nofault(&v, (void *)NONCANONICAL_ADDR, sizeof(v)), -EFAULT);
}

KTEST(traps, nofault_read_of_mapped_memory)
{
	static const char src[11] = "0123456789";
	char dst[11] = { 0 };

	KEXPECT_EQ(copy_from_kernel_nofault(dst, src, sizeof(src)), 0);
	KEXPECT_STREQ(dst, "0123456789");
	KEXPECT_EQ(copy_from_kernel_nofault(dst, src + 1, 5), 0);
	KEXPECT_EQ(dst[0], '1');
	KEXPECT_EQ(dst[4], '5');
}

/*
 * Exception-table entries whose instruction lies in the function called
 * name (found through kallsyms), or -1 if there is no such function.
 * Each entry found must send execution somewhere else than the access.
 */
static long extable_entries_in(struct ktest_ctx *t, const char *name)
{
	unsigned long start = kallsyms_lookup_name(name), size = 0;
	long n = 0;

	if (!start || !kallsyms_lookup(start, &size, NULL))
		return -1;
	for (unsigned long a = start; a < start + size; a++) {
		const struct exception_table_entry *e = search_exception_tables(a);

		if (e) {
			KEXPECT_NE(e->fixup, e->insn);
			n++;
		}
	}
	return n;
}

KTEST(traps, extable_has_entries)
{
	/* Its two loads, 8 bytes and 1 byte (inlined; a copy of either would add one). */
	KEXPECT(extable_entries_in(t, "copy_from_kernel_nofault") >= 2);
	/* Its rep stosb. */
	KEXPECT(extable_entries_in(t, "clear_user") >= 1);
	/* A function's first instruction is no access that may fault. */
	KEXPECT(search_exception_tables((unsigned long)&copy_from_kernel_nofault) == NULL);
	KEXPECT_EQ(extable_entries_in(t, "no_such_function"), -1);
}

#define TEST_VECTOR 0xe0	/* unused by convention (between devices and the timer) */

struct irq_probe {
	int calls;
	unsigned long vector;
	bool irqs_were_off;
};

static void probe_handler(struct pt_regs *regs, void *data)
{
	struct irq_probe *p = data;

	p->calls++;
	p->vector = regs->vector;
	p->irqs_were_off = irqs_disabled();
}

KTEST(traps, irq_set_handler_dispatch)
{
	struct irq_probe probe = { 0 };

	KASSERT_EQ(irq_set_handler(TEST_VECTOR, probe_handler, &probe), 0);
	KEXPECT_EQ(irq_set_handler(TEST_VECTOR, probe_handler, &probe), -EBUSY);
	__asm__ volatile("int %0" ::"i"(TEST_VECTOR) : "memory");
	KEXPECT_EQ(probe.calls, 1);
	KEXPECT_EQ(probe.vector, TEST_VECTOR);
	KEXPECT(probe.irqs_were_off);
	irq_free_handler(TEST_VECTOR);
	/* Now unexpected: reported, and returns. */
	__asm__ volatile("int %0" ::"i"(TEST_VECTOR) : "memory");
	KEXPECT_EQ(probe.calls, 1);
}

KTEST(traps, irq_set_handler_rejects_bad_input)
{
	KEXPECT_EQ(irq_set_handler(X86_TRAP_PF, probe_handler, NULL), -EINVAL);
	KEXPECT_EQ(irq_set_handler(0x1f, probe_handler, NULL), -EINVAL);
	KEXPECT_EQ(irq_set_handler(256, probe_handler, NULL), -EINVAL);
	KEXPECT_EQ(irq_set_handler(TEST_VECTOR, NULL, NULL), -EINVAL);
}

KTEST(traps, irq_alloc_vector_in_device_range)
{
	int v = irq_alloc_vector(probe_handler, NULL);
	int w = irq_alloc_vector(probe_handler, NULL);

	KASSERT(v >= FIRST_DEVICE_VECTOR && v <= LAST_DEVICE_VECTOR);
	KEXPECT(w >= FIRST_DEVICE_VECTOR && w <= LAST_DEVICE_VECTOR);
	KEXPECT_NE(v, w);
	irq_free_handler(v);
	irq_free_handler(w);
}

KTEST(traps, percpu_through_gs)
{
	struct percpu *pc = this_cpu();

	KEXPECT(pc == per_cpu(smp_processor_id()));
	KEXPECT(pc->self == pc);
	KEXPECT_EQ(rdmsr(MSR_GS_BASE), (unsigned long)pc);
	KEXPECT(pc->online);
	unsigned long flags = local_irq_save();	/* the timer tick counts nr_irqs too */
	unsigned long before = this_cpu_read(nr_irqs);
	this_cpu_write(nr_irqs, before + 5);
	KEXPECT_EQ(pc->nr_irqs, before + 5);
	KEXPECT_EQ(this_cpu_read(nr_irqs), before + 5);
	local_irq_restore(flags);
}

KTEST(traps, gdt_tss_loaded)
{
	u16 cs, ds, tr;
	struct percpu *pc = this_cpu();

	__asm__ volatile("mov %%cs, %0; mov %%ds, %1; str %2" : "=r"(cs), "=r"(ds), "=r"(tr));
	KEXPECT_EQ(cs, __KERNEL_CS);
	KEXPECT_EQ(ds, __KERNEL_DS);
	KEXPECT_EQ(tr, GDT_TSS_SEL);
	/* ltr marked our TSS busy (type 0xb). */
	KEXPECT_EQ((pc->arch.gdt[GDT_ENTRY_TSS] >> 40) & 0xf, 0xb);
	for (int i = 0; i < IST_NR; i++) {
		KEXPECT_NE(pc->arch.tss.ist[i], 0);
		for (int j = 0; j < i; j++)
			KEXPECT_NE(pc->arch.tss.ist[i], pc->arch.tss.ist[j]);
	}
}

KTEST(traps, exception_names)
{
	KEXPECT_STREQ(exception_name(X86_TRAP_PF), "page fault");
	KEXPECT_STREQ(exception_name(X86_TRAP_UD), "invalid opcode");
	KEXPECT_STREQ(exception_name(X86_TRAP_DE), "divide error");
	KEXPECT_STREQ(exception_name(31), "reserved exception");
}

KTEST(traps, ist_stacks_alloc_guarded)
{
	unsigned long tops[IST_NR];
	u64 v;

	KASSERT_EQ(ist_stacks_alloc(tops), 0);
	for (int i = 0; i < IST_NR; i++) {
		/* The top word is usable, the page below the bottom is a guard. */
		*(volatile unsigned long *)(tops[i] - 8) = 0x5a5a;
		KEXPECT_EQ(copy_from_kernel_nofault(&v, (void *)(tops[i] - 8), 8), 0);
		KEXPECT_EQ(v, 0x5a5a);
		KEXPECT_EQ(copy_from_kernel_nofault(&v, (void *)(tops[i] - IST_STACK_SIZE - 8), 8),
			   -EFAULT);
	}
	ist_stacks_free(tops);
	for (int i = 0; i < IST_NR; i++)
		KEXPECT_EQ(tops[i], 0);
}

#define APIC_ICR_SELF (1U << 18)	/* destination shorthand: self */
#define UNHANDLED_VECTOR 0xe1
#define HANDLED_VECTOR 0xe2		/* same priority class as 0xe1 */

static void eoi_handler(struct pt_regs *regs, void *data)
{
	(*(volatile int *)data)++;
	apic_eoi();
}

static void self_ipi(unsigned int vector)
{
	apic_write(APIC_ICR, APIC_ICR_SELF | APIC_DM_FIXED | vector);
}

static bool wait_for(volatile int *flag, int value)
{
	for (long i = 0; i < 100000000 && *flag != value; i++)
		cpu_relax();
	return *flag == value;
}

KTEST(traps, unexpected_apic_vector_is_ended)
{
	volatile int hits = 0;
	unsigned long flags;

	if (!apic_available())
		return;
	KASSERT_EQ(irq_set_handler(HANDLED_VECTOR, eoi_handler, (void *)&hits), 0);
	flags = local_irq_save();
	local_irq_enable();
	self_ipi(HANDLED_VECTOR);
	KEXPECT(wait_for(&hits, 1));
	/* No handler: if it were not ended, its in-service bit would block 0xe2. */
	self_ipi(UNHANDLED_VECTOR);
	for (volatile int i = 0; i < 100000; i++)
		cpu_relax();
	self_ipi(HANDLED_VECTOR);
	KEXPECT(wait_for(&hits, 2));
	local_irq_disable();
	local_irq_restore(flags);
	irq_free_handler(HANDLED_VECTOR);
}
