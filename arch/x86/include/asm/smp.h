/*
 * x86 side of SMP: the inter-processor interrupt vectors and the layout
 * of the real-mode trampoline's parameter block, shared between
 * arch/x86/kernel/trampoline.S (which reads it) and smpboot.c (which
 * fills it in before each INIT-SIPI-SIPI). docs/smp.md tells the story.
 */
#ifndef ASM_SMP_H
#define ASM_SMP_H

/*
 * IPI vectors, inside the 0xf0-0xfd range of asm/irq_vectors.h. They all
 * share the highest priority class (0xf); within it a higher vector wins,
 * so stop-all beats everything else.
 */
#define RESCHEDULE_VECTOR 0xf1
#define CALL_FUNCTION_VECTOR 0xf2
#define STOP_VECTOR 0xfd

/*
 * The trampoline: TRAMPOLINE_PAGES pages below 1 MiB. Page 0 holds the
 * code, its GDT and the parameter block at TRAMPOLINE_DATA; pages 1-3 the
 * temporary page tables (PML4, PDPT and PD identity-mapping the first
 * 2 MiB; the PML4's kernel half is a copy of kernel_pgd's).
 */
#define TRAMPOLINE_PAGES 4
#define TRAMPOLINE_DATA 0xf00

/* Offsets in the parameter block (struct trampoline_data in smpboot.c). */
#define TD_GDT_DESC 2		/* u16 limit, u32 base: lgdtl's operand */
#define TD_FAR32 8		/* u32 offset, u16 selector: into 32-bit code */
#define TD_FAR64 16		/* u32 offset, u16 selector: into 64-bit code */
#define TD_CR4 24		/* u32 */
#define TD_PML4 28		/* u32: physical address of the temporary PML4 */
#define TD_EFER 32		/* u32: bits to set in EFER (LME, NXE) */
#define TD_KERNEL_CR3 40	/* u64: __pa(kernel_pgd) */
#define TD_STACK 48		/* u64: the AP's first stack pointer */
#define TD_ENTRY 56		/* u64: secondary_startup_64, kernel virtual */
#define TD_SIZE 64

#ifndef __ASSEMBLER__
/* smpboot.c: an AP's first C function, called by trampoline.S on its own stack. */
void start_secondary(void);
/* smp.c, from smp_init() on the boot CPU before any AP runs: the IPI handlers. */
void smp_ipi_init(void);
/* pgtable.c: flush [start, end) from this CPU's TLB only (tlb.c does every CPU). */
void flush_tlb_kernel_range_local(unsigned long start, unsigned long end);
#endif

#endif
