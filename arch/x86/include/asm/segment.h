/*
 * GDT layout and segment selectors (the same on every CPU).
 *
 * The order is fixed by syscall/sysret (arch/x86/kernel/syscall.c):
 * SYSCALL loads CS = STAR[47:32] and SS = that + 8, so kernel data
 * follows kernel code; SYSRET to 64-bit code loads CS = STAR[63:48] + 16
 * and SS = STAR[63:48] + 8, so with STAR[63:48] = __USER32_CS the user
 * data segment must come right after the (unused) 32-bit user code
 * segment and be followed by 64-bit user code. head.S's boot GDT uses the same kernel selectors (0x08, 0x10).
 */
#ifndef ASM_SEGMENT_H
#define ASM_SEGMENT_H

#define GDT_ENTRY_KERNEL_CS 1
#define GDT_ENTRY_KERNEL_DS 2
#define GDT_ENTRY_USER32_CS 3	/* only there for SYSRET's selector arithmetic */
#define GDT_ENTRY_USER_DS 4
#define GDT_ENTRY_USER_CS 5
#define GDT_ENTRY_TSS 6		/* a 64-bit TSS descriptor takes two slots */
#define GDT_ENTRY_CPUNODE 8	/* a user-readable limit holding the CPU number (vDSO getcpu) */
#define GDT_ENTRIES 9

#define __KERNEL_CS (GDT_ENTRY_KERNEL_CS * 8)		/* 0x08 */
#define __KERNEL_DS (GDT_ENTRY_KERNEL_DS * 8)		/* 0x10 */
#define __USER32_CS (GDT_ENTRY_USER32_CS * 8 + 3)	/* 0x1b */
#define __USER_DS (GDT_ENTRY_USER_DS * 8 + 3)		/* 0x23 */
#define __USER_CS (GDT_ENTRY_USER_CS * 8 + 3)		/* 0x2b */
#define GDT_TSS_SEL (GDT_ENTRY_TSS * 8)			/* 0x30 */
#define __CPUNODE_SEG (GDT_ENTRY_CPUNODE * 8 + 3)	/* 0x43: `lsl` from ring 3 */

/* Interrupt stack table slots in the TSS (1-based, as the IDT gate wants). */
#define IST_NMI 1
#define IST_DOUBLE_FAULT 2
#define IST_MCE 3
#define IST_NR 3

#endif
