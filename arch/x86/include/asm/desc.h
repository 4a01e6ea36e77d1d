/*
 * Descriptor tables: GDT entries, the 64-bit TSS and IDT gates, and the
 * instructions that load them. arch/x86/kernel/gdt.c fills each CPU's GDT
 * and TSS; arch/x86/kernel/idt.c owns the one IDT all CPUs share.
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <asm/segment.h>

#ifndef __ASSEMBLER__
#include <kestrel/compiler.h>

/* The 64-bit TSS: only the stack pointers matter in long mode. */
struct tss {
	u32 reserved0;
	u64 rsp[3];		/* stacks for entering ring 0-2 from a less privileged ring */
	u64 reserved1;
	u64 ist[7];		/* interrupt stack table: ist[n - 1] is IST n */
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;		/* beyond the limit: no I/O permission bitmap */
} __packed;

/* A gate in the IDT (16 bytes in long mode). */
struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;			/* bits 0-2: IST slot, 0 = stay on the current stack */
	u8 type_attr;		/* P, DPL, type */
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

#define GATE_INTERRUPT 0x8e	/* present, DPL 0, 64-bit interrupt gate (IF cleared) */
#define GATE_DPL3 0x60		/* reachable with int $n from user mode */

static inline void load_gdt(const struct desc_ptr *p)
{
	__asm__ volatile("lgdt %0" ::"m"(*p));
}

static inline void load_idt(const struct desc_ptr *p)
{
	__asm__ volatile("lidt %0" ::"m"(*p));
}

static inline void load_tr(u16 sel)
{
	__asm__ volatile("ltr %0" ::"rm"(sel));
}

static inline void store_idt(struct desc_ptr *p)
{
	__asm__ volatile("sidt %0" : "=m"(*p));
}

struct percpu;
/* gdt.c: fill pc's GDT and TSS and load them on this CPU (from cpu_init). */
void gdt_setup(struct percpu *pc);

/* idt.c: load the shared IDT on this CPU. */
void idt_load(void);
void idt_init(void);

#endif /* __ASSEMBLER__ */
#endif
