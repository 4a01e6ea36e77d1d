/*
 * Interrupt and exception entry: one small stub per IDT vector (0-255) and
 * the common path they all jump to.
 *
 * Each stub makes the stack uniform: for a vector where the CPU pushes no
 * error code it pushes a 0 in its place, then it pushes the vector number.
 * The common path then
 *   1. swaps in the kernel GS base (swapgs) if it came from user mode, so
 *      per-CPU data works; from kernel mode GS already is the kernel's;
 *   2. saves every general register, completing a struct pt_regs
 *      (asm/ptrace.h) on the stack;
 *   3. builds a frame-pointer frame whose return address is the
 *      interrupted RIP, so a backtrace taken in a handler continues into
 *      the interrupted kernel code (from user mode the chain ends);
 *   4. calls do_interrupt(regs) (arch/x86/kernel/idt.c), which may change
 *      regs (an exception-table fixup changes regs->rip);
 *   5. restores the registers, swaps GS back when returning to user mode,
 *      and iretq's.
 * All gates are interrupt gates: handlers run with interrupts off.
 *
 * irq_entry_table[n] is the address of vector n's stub (idt.c fills the
 * IDT from it).
 */
#include <asm/ptrace.h>

	.cfi_sections .debug_frame

#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			   (v) == 21 || (v) == 29 || (v) == 30)

	.section .rodata
	.balign 8
	.globl irq_entry_table
irq_entry_table:			/* the stubs' addresses, filled in below */
	.section .text
	.balign 16
	.globl irq_entry_stubs
	.type irq_entry_stubs, @function
irq_entry_stubs:
	.cfi_startproc
	.cfi_undefined rip		/* debuggers: unwinding ends at the entry */
	vector = 0
	.rept 256
	.balign 16
1:	.if HAS_ERROR_CODE(vector)
	.else
	pushq	$0
	.endif
	pushq	$vector
	jmp	common_interrupt
	.pushsection .rodata
	.quad	1b
	.popsection
	vector = vector + 1
	.endr
	.cfi_endproc
	.size irq_entry_stubs, . - irq_entry_stubs

	.type common_interrupt, @function
common_interrupt:
	.cfi_startproc
	.cfi_undefined rip
	cld
	/* CS of the interrupted code sits above the vector, error code and RIP. */
	testb	$3, 24(%rsp)
	jz	1f
	swapgs
1:	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	mov	%rsp, %rdi		/* struct pt_regs * */

	/* A frame for the frame-pointer walk: (saved rbp, return address). */
	pushq	PTREGS_RIP(%rdi)
	pushq	PTREGS_RBP(%rdi)
	testb	$3, PTREGS_CS(%rdi)
	jz	2f
	movq	$0, (%rsp)		/* from user mode: the kernel chain ends here */
2:	mov	%rsp, %rbp
	/* The CPU aligned RSP to 16 before pushing its frame: 176 + 16 keeps it. */
	call	do_interrupt
	.globl common_interrupt_return
common_interrupt_return:
	add	$16, %rsp

	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	testb	$3, 24(%rsp)
	jz	3f
	swapgs
3:	add	$16, %rsp		/* vector and error code */
	iretq
	.cfi_endproc
	.size common_interrupt, . - common_interrupt
