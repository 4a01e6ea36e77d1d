/*
 * The IDT and interrupt dispatch.
 *
 * One IDT, shared by all CPUs, sends every vector 0-255 to its stub in
 * entry.S, which saves a struct pt_regs and calls do_interrupt(). Vectors
 * 0-31 go to the exception handlers in traps.c; 0x20-0xff to the handler
 * installed with irq_set_handler(), or are reported as unexpected.
 *
 * NMI, double fault and machine check run on their own IST stacks (set in
 * each CPU's TSS by cpu_init()), so they work even when the kernel stack
 * is broken, for example overflowed into its guard page.
 *
 * Locking: irq_desc_lock serializes installing and removing handlers.
 * do_interrupt() counts a handler as hardirq context (irq_enter/irq_exit,
 * include/kestrel/preempt.h), an NMI as NMI context, and on the way out
 * lets the scheduler preempt the interrupted kernel code.
 *
 * do_interrupt() reads a handler without the lock: irq_set_handler()
 * stores data before publishing fn (release/acquire), so a CPU that sees
 * fn also sees its data. Removing a handler does not wait for a run of it
 * on another CPU to finish; a caller that frees the handler's data must
 * first make sure the device no longer interrupts.
 */
#include <kestrel/atomic.h>
#include <kestrel/errno.h>
#include <kestrel/percpu.h>
#include <kestrel/preempt.h>
#include <kestrel/printk.h>
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>
#include <kestrel/spinlock.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/irq.h>
#include <asm/syscall.h>
#include <asm/traps.h>

static struct idt_gate idt[NR_VECTORS] __aligned(16);

struct irq_desc {
	irq_handler_t fn;
	void *data;
};

static struct irq_desc irq_descs[NR_VECTORS];
static DEFINE_SPINLOCK(irq_desc_lock);	/* writers of irq_descs[] */

extern const unsigned long irq_entry_table[NR_VECTORS];	/* entry.S: each vector's stub */

static void set_gate(unsigned int vector, unsigned int ist, u8 type_attr)
{
	unsigned long addr = irq_entry_table[vector];
	struct idt_gate *g = &idt[vector];

	g->offset_low = addr & 0xffff;
	g->selector = __KERNEL_CS;
	g->ist = ist;
	g->type_attr = type_attr;
	g->offset_mid = (addr >> 16) & 0xffff;
	g->offset_high = addr >> 32;
	g->reserved = 0;
}

/* entry.S builds struct pt_regs by hand with these offsets. */
#define CHECK_PTREGS(field, off) BUILD_BUG_ON(offsetof(struct pt_regs, field) != (off))
static inline void check_pt_regs_layout(void)
{
	CHECK_PTREGS(r15, PTREGS_R15);
	CHECK_PTREGS(rbp, PTREGS_RBP);
	CHECK_PTREGS(rbx, PTREGS_RBX);
	CHECK_PTREGS(rax, PTREGS_RAX);
	CHECK_PTREGS(rdi, PTREGS_RDI);
	CHECK_PTREGS(vector, PTREGS_VECTOR);
	CHECK_PTREGS(error_code, PTREGS_ERROR_CODE);
	CHECK_PTREGS(rip, PTREGS_RIP);
	CHECK_PTREGS(cs, PTREGS_CS);
	CHECK_PTREGS(rsp, PTREGS_RSP);
	CHECK_PTREGS(ss, PTREGS_SS);
	BUILD_BUG_ON(sizeof(struct pt_regs) != PTREGS_SIZE);
}

void idt_init(void)
{
	check_pt_regs_layout();
	for (unsigned int v = 0; v < NR_VECTORS; v++)
		set_gate(v, 0, GATE_INTERRUPT);
	set_gate(X86_TRAP_NMI, IST_NMI, GATE_INTERRUPT);
	set_gate(X86_TRAP_DF, IST_DOUBLE_FAULT, GATE_INTERRUPT);
	set_gate(X86_TRAP_MC, IST_MCE, GATE_INTERRUPT);
	/* int3 and into may later be used from user mode (debuggers). */
	set_gate(X86_TRAP_BP, 0, GATE_INTERRUPT | GATE_DPL3);
	set_gate(X86_TRAP_OF, 0, GATE_INTERRUPT | GATE_DPL3);
}

void idt_load(void)
{
	struct desc_ptr p = { .limit = sizeof(idt) - 1, .base = (u64)idt };

	load_idt(&p);
}

int irq_set_handler(unsigned int vector, irq_handler_t fn, void *data)
{
	unsigned long flags;
	int ret = 0;

	if (vector < FIRST_EXTERNAL_VECTOR || vector >= NR_VECTORS || !fn)
		return -EINVAL;
	spin_lock_irqsave(&irq_desc_lock, flags);
	if (irq_descs[vector].fn) {
		ret = -EBUSY;
	} else {
		irq_descs[vector].data = data;
		smp_store_release(&irq_descs[vector].fn, fn);	/* data first */
	}
	spin_unlock_irqrestore(&irq_desc_lock, flags);
	return ret;
}

void irq_free_handler(unsigned int vector)
{
	unsigned long flags;

	if (vector < FIRST_EXTERNAL_VECTOR || vector >= NR_VECTORS)
		return;
	spin_lock_irqsave(&irq_desc_lock, flags);
	smp_store_release(&irq_descs[vector].fn, NULL);
	irq_descs[vector].data = NULL;
	spin_unlock_irqrestore(&irq_desc_lock, flags);
}

int irq_alloc_vector(irq_handler_t fn, void *data)
{
	for (unsigned int v = FIRST_DEVICE_VECTOR; v <= LAST_DEVICE_VECTOR; v++)
		if (irq_set_handler(v, fn, data) == 0)
			return v;
	return -ENOSPC;
}

#define APIC_ISR 0x100	/* in-service register: 8 x 32 bits, 0x10 apart */
#define UNEXPECTED_REPORTS 5	/* per vector, so a stuck line cannot flood the log */

static unsigned int unexpected_counts[NR_VECTORS];	/* approximate: racy increments are fine */

/*
 * No handler: say so (the first few times), and if the local APIC
 * delivered it (its in-service bit is set) end it, or the APIC would
 * block this vector and every lower-priority one from now on.
 */
static void unexpected_irq(struct pt_regs *regs)
{
	unsigned int v = regs->vector;
	unsigned int n = ++unexpected_counts[v];

	if (n <= UNEXPECTED_REPORTS)
		pr_err("irq: unexpected interrupt on vector %#x (CPU %u): no handler installed%s\n",
		       v, smp_processor_id(),
		       n == UNEXPECTED_REPORTS ? "; further ones on it not reported" : "");
	if (apic_available() && (apic_read(APIC_ISR + (v / 32) * 0x10) & (1U << (v % 32))))
		apic_eoi();
}

void do_interrupt(struct pt_regs *regs)
{
	unsigned int vector = regs->vector;
	irq_handler_t fn;

	if (vector == X86_TRAP_NMI) {
		nmi_enter();
		do_exception(regs);
		nmi_exit();
		return;
	}
	if (vector < FIRST_EXTERNAL_VECTOR) {
		do_exception(regs);
		goto out;
	}
	this_cpu_inc(nr_irqs);
	irq_enter();	/* in_irq(), in_interrupt() from here: no sleeping */
	rcu_irq_enter();	/* an idle CPU becomes visible to RCU: the handler may read */
	fn = smp_load_acquire(&irq_descs[vector].fn);	/* pairs with irq_set_handler */
	if (fn)
		fn(regs, irq_descs[vector].data);
	else
		unexpected_irq(regs);
	rcu_irq_exit();
	irq_exit();
	/* The tick or a wake-up may have asked for another task: preempt here. */
	irqentry_exit_cond_resched(regs);
out:
	/* Back to user mode: reschedule, deliver signals (asm/syscall.h). */
	if (user_mode(regs))
		exit_to_user_mode(regs);
}
