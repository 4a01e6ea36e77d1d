/*
 * Each CPU's GDT and TSS.
 *
 * Every CPU gets its own GDT (in its struct percpu) because the TSS
 * descriptor is per CPU: it points at that CPU's TSS, whose IST entries
 * name that CPU's emergency stacks, and ltr marks it busy. The code and
 * data descriptors are the same everywhere (asm/segment.h explains their
 * order). Runs on the CPU being set up, so no locking.
 */
#include <kestrel/percpu.h>
#include <asm/desc.h>
#include <asm/segment.h>

/* Flat 4 GiB descriptors; in long mode only L, DPL, P and type matter. */
#define DESC_KERNEL_CS 0x00af9a000000ffffULL	/* 64-bit code, DPL 0 */
#define DESC_KERNEL_DS 0x00cf92000000ffffULL	/* data, DPL 0 */
#define DESC_USER32_CS 0x00cffa000000ffffULL	/* 32-bit code, DPL 3 */
#define DESC_USER_DS 0x00cff2000000ffffULL	/* data, DPL 3 */
#define DESC_USER_CS 0x00affa000000ffffULL	/* 64-bit code, DPL 3 */
#define DESC_TSS_AVAILABLE 0x89ULL		/* present, 64-bit TSS (available) */
/* Present, DPL 3, read-only data (accessed), 32-bit: only its limit is ever used. */
#define DESC_CPUNODE_ACCESS 0xf5ULL
#define DESC_CPUNODE_FLAGS 0x4ULL

/*
 * The CPU number, for the vDSO's getcpu: user code reads this CPU's GDT
 * entry's limit with `lsl` (Linux's GDT_ENTRY_CPUNODE: node << 12 | cpu;
 * Kestrel has one node).
 */
static u64 cpunode_desc(unsigned int cpu)
{
	u64 limit = cpu & 0xfff;

	return (limit & 0xffff) | (DESC_CPUNODE_ACCESS << 40) | (((limit >> 16) & 0xf) << 48) |
	       (DESC_CPUNODE_FLAGS << 52);
}

static void set_tss_desc(u64 *gdt, const struct tss *tss)
{
	u64 base = (u64)tss;
	u64 limit = sizeof(*tss) - 1;

	gdt[GDT_ENTRY_TSS] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			     (DESC_TSS_AVAILABLE << 40) | (((limit >> 16) & 0xf) << 48) |
			     (((base >> 24) & 0xff) << 56);
	gdt[GDT_ENTRY_TSS + 1] = base >> 32;
}

/* Reload CS with a far return, then the data segment registers. */
static void reload_segments(void)
{
	__asm__ volatile("pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %[ds], %%ds\n\t"
			 "mov %[ds], %%es\n\t"
			 "mov %[ds], %%ss\n\t"
			 "mov %[null], %%fs\n\t"
			 "mov %[null], %%gs"	/* may clear GS base: cpu_init sets it after */
			 :
			 : [cs] "i"(__KERNEL_CS), [ds] "r"((u64)__KERNEL_DS), [null] "r"(0UL)
			 : "rax", "memory");
}

void gdt_setup(struct percpu *pc)
{
	u64 *gdt = pc->arch.gdt;
	struct desc_ptr p = { .limit = sizeof(pc->arch.gdt) - 1, .base = (u64)gdt };

	gdt[0] = 0;
	gdt[GDT_ENTRY_KERNEL_CS] = DESC_KERNEL_CS;
	gdt[GDT_ENTRY_KERNEL_DS] = DESC_KERNEL_DS;
	gdt[GDT_ENTRY_USER32_CS] = DESC_USER32_CS;
	gdt[GDT_ENTRY_USER_DS] = DESC_USER_DS;
	gdt[GDT_ENTRY_USER_CS] = DESC_USER_CS;
	set_tss_desc(gdt, &pc->arch.tss);
	gdt[GDT_ENTRY_CPUNODE] = cpunode_desc(pc->cpu);

	load_gdt(&p);
	reload_segments();
	load_tr(GDT_TSS_SEL);
}
