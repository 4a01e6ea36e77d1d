/*
 * The IDT's vectors. 0-31 are the CPU's exceptions; 0x20-0xff are
 * interrupts, handed out by convention:
 *
 *   0x20-0x2f  legacy ISA IRQ 0-15, routed through the IOAPIC (IRQ n -> 0x20 + n)
 *   0x30-0xdf  devices (irq_alloc_vector())
 *   0xec       local APIC timer
 *   0xf0-0xfd  inter-processor interrupts
 *   0xff       APIC spurious interrupt
 */
#ifndef ASM_IRQ_VECTORS_H
#define ASM_IRQ_VECTORS_H

#define NR_VECTORS 256

#define X86_TRAP_DE 0	/* divide error */
#define X86_TRAP_DB 1	/* debug */
#define X86_TRAP_NMI 2
#define X86_TRAP_BP 3	/* int3 */
#define X86_TRAP_OF 4	/* overflow */
#define X86_TRAP_BR 5	/* bound range */
#define X86_TRAP_UD 6	/* invalid opcode */
#define X86_TRAP_NM 7	/* device not available */
#define X86_TRAP_DF 8	/* double fault */
#define X86_TRAP_OLD_MF 9	/* coprocessor segment overrun */
#define X86_TRAP_TS 10	/* invalid TSS */
#define X86_TRAP_NP 11	/* segment not present */
#define X86_TRAP_SS 12	/* stack segment */
#define X86_TRAP_GP 13	/* general protection */
#define X86_TRAP_PF 14	/* page fault */
#define X86_TRAP_SPURIOUS 15
#define X86_TRAP_MF 16	/* x87 floating point */
#define X86_TRAP_AC 17	/* alignment check */
#define X86_TRAP_MC 18	/* machine check */
#define X86_TRAP_XF 19	/* SIMD floating point */
#define X86_TRAP_VE 20	/* virtualization */
#define X86_TRAP_CP 21	/* control protection */
#define X86_TRAP_VC 29	/* VMM communication */
#define FIRST_EXTERNAL_VECTOR 0x20

#define ISA_IRQ_VECTOR(irq) (0x20 + (irq))
#define FIRST_DEVICE_VECTOR 0x30
#define LAST_DEVICE_VECTOR 0xdf
#define LOCAL_TIMER_VECTOR 0xec
#define FIRST_IPI_VECTOR 0xf0
#define LAST_IPI_VECTOR 0xfd
#define SPURIOUS_APIC_VECTOR 0xff

/* The CPU pushes an error code for these exceptions (entry.S stubs rely on it). */
#define X86_TRAP_HAS_ERROR_CODE(v) \
	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

#endif
