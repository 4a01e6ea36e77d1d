/*
 * The AP trampoline: where a secondary CPU starts, in 16-bit real mode,
 * after the boot CPU's INIT-SIPI-SIPI (arch/x86/kernel/smpboot.c).
 *
 * A STARTUP IPI with vector V starts the CPU at physical V * 4096 with
 * CS = V * 256 and IP = 0, so this code must sit on a page below 1 MiB
 * and must not care which one: smpboot.c copies trampoline_start..
 * trampoline_end there and writes the parameter block at TRAMPOLINE_DATA
 * (asm/smp.h) with every absolute address the code needs. Steps:
 *
 *   16-bit: segments = CS; EBX = our physical base (CS * 16); load the
 *           trampoline's GDT; set CR0.PE; far jump into 32-bit code.
 *   32-bit: flat segments; CR4.PAE; CR3 = the temporary PML4 (identity
 *           map of the first 2 MiB, which holds this page, plus the
 *           kernel half copied from kernel_pgd); EFER.LME (and NXE: the
 *           kernel's entries carry NX, a reserved bit without it); CR0.PG;
 *           far jump through the 64-bit code selector.
 *   64-bit: still on the identity-mapped page: load the stack the boot
 *           CPU allocated and jump to secondary_startup_64 in the kernel
 *           image (mapped through the copied kernel half).
 *
 * secondary_startup_64 then switches to kernel_pgd, which has no
 * identity map (the trampoline page becomes unreachable, as it should),
 * and calls start_secondary() in C. APs are started one at a time, so
 * one copy and one parameter block serve them all.
 */
#include <asm/smp.h>

#define TR(x) ((x) - trampoline_start)	/* offset in the copied page */

#define X86_CR0_PE 0x1
#define X86_CR0_WP 0x10000
#define X86_CR0_PG 0x80000000
#define MSR_EFER 0xc0000080

#define TR_CS64 0x08	/* the same selectors as the kernel's GDT (asm/segment.h) */
#define TR_DS 0x10
#define TR_CS32 0x18

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start
	.code16
trampoline_start:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	movzwl	%ax, %ebx
	shll	$4, %ebx			/* EBX = physical base, for 32/64-bit code */

	lgdtl	TRAMPOLINE_DATA + TD_GDT_DESC	/* DS-relative: our copy's block */
	movl	%cr0, %eax
	orl	$X86_CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*(TRAMPOLINE_DATA + TD_FAR32)	/* CS = TR_CS32: protected mode */

	.code32
tr_pm32:
	movw	$TR_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs

	movl	(TRAMPOLINE_DATA + TD_CR4)(%ebx), %eax
	movl	%eax, %cr4
	movl	(TRAMPOLINE_DATA + TD_PML4)(%ebx), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	(TRAMPOLINE_DATA + TD_EFER)(%ebx), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE), %eax
	movl	%eax, %cr0			/* long mode, still 32-bit code */
	ljmpl	*(TRAMPOLINE_DATA + TD_FAR64)(%ebx)

	.code64
tr_lm64:
	movl	%ebx, %ebx			/* upper halves are undefined after the switch */
	movq	(TRAMPOLINE_DATA + TD_STACK)(%rbx), %rsp
	movq	(TRAMPOLINE_DATA + TD_KERNEL_CR3)(%rbx), %rax
	movq	(TRAMPOLINE_DATA + TD_ENTRY)(%rbx), %rcx
	jmp	*%rcx				/* secondary_startup_64, rax = kernel CR3 */

	.balign 8
	.globl trampoline_gdt
trampoline_gdt:
	.quad	0
	.quad	0x00af9a000000ffff		/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff		/* 0x10: flat data */
	.quad	0x00cf9a000000ffff		/* 0x18: flat 32-bit code */
trampoline_gdt_end:
	.globl trampoline_end
trampoline_end:

	/* Offsets smpboot.c needs to fill in the absolute addresses. */
	.globl trampoline_pm32_offset, trampoline_lm64_offset, trampoline_gdt_offset
	.globl trampoline_gdt_size
	.balign 4
trampoline_pm32_offset:	.long TR(tr_pm32)
trampoline_lm64_offset:	.long TR(tr_lm64)
trampoline_gdt_offset:	.long TR(trampoline_gdt)
trampoline_gdt_size:	.long trampoline_gdt_end - trampoline_gdt

	/* CFI into .debug_frame, as head.S: gdb's unwind of an AP ends here. */
	.cfi_sections .debug_frame

	.section .text, "ax"
	.code64
	.globl secondary_startup_64
	.type secondary_startup_64, @function
secondary_startup_64:
	.cfi_startproc
	.cfi_undefined rip
	movq	%rax, %cr3			/* kernel_pgd: no identity map from here on */
	xorl	%ebp, %ebp			/* the frame-pointer chain ends here */
	call	start_secondary
1:	cli
	hlt
	jmp	1b
	.cfi_endproc
	.size secondary_startup_64, . - secondary_startup_64
