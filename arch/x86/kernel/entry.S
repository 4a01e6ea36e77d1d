/*
 * Interrupt and exception entry: one small stub per IDT vector (0-255) and
 * the common path they all jump to.
 *
 * Each stub makes the stack uniform: for a vector where the CPU pushes no
 * error code it pushes a 0 in its place, then it pushes the vector number.
 * The common path then
 *   1. swaps in the kernel GS base (swapgs) if it came from user mode, so
 *      per-CPU data works; from kernel mode GS already is the kernel's
 *      (NMI, #DF and #MC decide by the GS base itself: paranoid_interrupt);
 *   2. saves every general register, completing a struct pt_regs
 *      (asm/ptrace.h) on the stack;
 *   3. builds a frame-pointer frame whose return address is the
 *      interrupted RIP, so a backtrace taken in a handler continues into
 *      the interrupted kernel code (from user mode the chain ends);
 *   4. calls do_interrupt(regs) (arch/x86/kernel/idt.c), which may change
 *      regs (an exception-table fixup changes regs->rip);
 *   5. restores the registers and iretq's; back to user mode it goes
 *      through iret_to_user, which swaps GS back (do_interrupt already
 *      ran the return-to-user work, exit_to_user_mode).
 * All gates are interrupt gates: handlers run with interrupts off.
 *
 * Also here: entry_SYSCALL_64 (the SYSCALL instruction), ret_from_fork
 * (a forked task's first return to user mode) and ret_to_user_mode
 * (exec of init leaving the kernel), all ending in iret_to_user or sysretq.
 *
 * irq_entry_table[n] is the address of vector n's stub (idt.c fills the
 * IDT from it).
 */
#include <asm/ptrace.h>
#include <asm/segment.h>
#include <asm/syscall.h>

#define MSR_GS_BASE 0xc0000101	/* as in asm/processor.h, which is C only */
/* struct percpu fields the syscall entry reads via %gs (syscall.c checks the offsets). */
#define PERCPU_ENTRY_USER_RSP 8
#define PERCPU_ENTRY_STACK_TOP 16

	.cfi_sections .debug_frame

	.macro SAVE_REGS
	pushq	%rdi
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
	.endm

	.macro RESTORE_REGS
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
	.endm

/*
 * With a struct pt_regs at %rsp: call do_interrupt(regs) under a frame for
 * the frame-pointer walk, (saved rbp, return address) = the interrupted
 * code's. The CPU aligned RSP to 16 before pushing its frame, and
 * 176 + 16 bytes keep it aligned for the call.
 */
	.macro CALL_DO_INTERRUPT
	mov	%rsp, %rdi		/* struct pt_regs * */
	pushq	PTREGS_RIP(%rdi)
	pushq	PTREGS_RBP(%rdi)
	testb	$3, PTREGS_CS(%rdi)
	jz	.Lkernel_frame\@
	movq	$0, (%rsp)		/* from user mode: the kernel chain ends here */
.Lkernel_frame\@:
	mov	%rsp, %rbp
	/* For debuggers: at this call the caller's registers are in pt_regs. */
	.cfi_remember_state
	.cfi_def_cfa rsp, 16		/* CFA := the struct pt_regs */
	.cfi_offset rip, PTREGS_RIP
	.cfi_offset rsp, PTREGS_RSP
	.cfi_offset rbp, PTREGS_RBP
	.cfi_offset rbx, PTREGS_RBX
	.cfi_offset r12, PTREGS_R12
	.cfi_offset r13, PTREGS_R13
	.cfi_offset r14, PTREGS_R14
	.cfi_offset r15, PTREGS_R15
	.cfi_offset rax, PTREGS_RAX
	.cfi_offset rcx, PTREGS_RCX
	.cfi_offset rdx, PTREGS_RDX
	.cfi_offset rsi, PTREGS_RSI
	.cfi_offset rdi, PTREGS_RDI
	.cfi_offset r8, PTREGS_R8
	.cfi_offset r9, PTREGS_R9
	.cfi_offset r10, PTREGS_R10
	.cfi_offset r11, PTREGS_R11
	call	do_interrupt
	.cfi_restore_state
	add	$16, %rsp
	.endm

#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			   (v) == 21 || (v) == 29 || (v) == 30)

/* NMI, double fault, machine check: the IST vectors. */
#define IS_PARANOID(v) ((v) == 2 || (v) == 8 || (v) == 18)

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
	.if IS_PARANOID(vector)
	jmp	paranoid_interrupt
	.else
	jmp	common_interrupt
	.endif
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
	.cfi_undefined rip		/* except around the call: see CALL_DO_INTERRUPT */
	cld
	/* CS of the interrupted code sits above the vector, error code and RIP. */
	testb	$3, 24(%rsp)
	jz	1f
	swapgs
1:	SAVE_REGS
	CALL_DO_INTERRUPT
	/* Back to user mode: do_interrupt ran exit_to_user_mode already. */
	testb	$3, PTREGS_CS(%rsp)
	jnz	iret_to_user
	RESTORE_REGS
	add	$16, %rsp		/* vector and error code */
	iretq
	.cfi_endproc
	.size common_interrupt, . - common_interrupt

/*
 * The SYSCALL instruction lands here (MSR_LSTAR, syscall.c) in ring 0 with
 * rcx = user rip, r11 = user rflags, IF/DF/TF/AC cleared by MSR_FMASK, and
 * RSP and GS still the user's. Switch to the kernel GS and to current's
 * kernel stack, and build the same struct pt_regs an interrupt from user
 * mode would have at the top of that stack, marked as a syscall frame
 * (asm/syscall.h: vector SYSCALL_FRAME_VECTOR, error_code = orig_rax).
 * do_syscall_64() dispatches and runs the return-to-user work; it returns
 * true when SYSRET may restore the frame (canonical rip, rcx == rip,
 * r11 == rflags, user selectors), else the general iretq path is taken.
 */
	.globl entry_SYSCALL_64
	.type entry_SYSCALL_64, @function
entry_SYSCALL_64:
	.cfi_startproc
	.cfi_undefined rip
	swapgs
	movq	%rsp, %gs:PERCPU_ENTRY_USER_RSP
	movq	%gs:PERCPU_ENTRY_STACK_TOP, %rsp
	pushq	$__USER_DS			/* ss */
	pushq	%gs:PERCPU_ENTRY_USER_RSP	/* rsp */
	pushq	%r11				/* rflags */
	pushq	$__USER_CS			/* cs */
	pushq	%rcx				/* rip */
	pushq	%rax				/* error_code: orig_rax */
	pushq	$SYSCALL_FRAME_VECTOR		/* vector */
	SAVE_REGS
	movq	%rsp, %rdi			/* struct pt_regs * (16-byte aligned) */
	xorl	%ebp, %ebp			/* the kernel frame-pointer chain ends here */
	call	do_syscall_64
	testb	%al, %al
	jz	iret_to_user
	RESTORE_REGS				/* rcx = rip, r11 = rflags (checked) */
	add	$16, %rsp			/* vector and error code */
	movq	24(%rsp), %rsp			/* the user's RSP: the last kernel-stack read */
	swapgs
	sysretq
	.cfi_endproc
	.size entry_SYSCALL_64, . - entry_SYSCALL_64

/*
 * The general way back to user mode: a struct pt_regs at %rsp whose work
 * (exit_to_user_mode) is done, interrupts off. iretq restores any rip,
 * rflags and selectors (signal frames, exec, restarted syscalls).
 */
	.type iret_to_user, @function
iret_to_user:
	.cfi_startproc
	.cfi_undefined rip
	RESTORE_REGS
	add	$16, %rsp			/* vector and error code */
	swapgs
	iretq
	.cfi_endproc
	.size iret_to_user, . - iret_to_user

/* void ret_to_user_mode(struct pt_regs *regs): asm/syscall.h. */
	.globl ret_to_user_mode
	.type ret_to_user_mode, @function
ret_to_user_mode:
	.cfi_startproc
	.cfi_undefined rip
	movq	%rdi, %rsp
	xorl	%ebp, %ebp
	call	exit_to_user_mode		/* rdi: regs */
	jmp	iret_to_user
	.cfi_endproc
	.size ret_to_user_mode, . - ret_to_user_mode

/*
 * First code of a task made by fork/clone (copy_thread, process.c): its
 * stack holds the child's struct pt_regs at the top and below it a
 * switch frame returning here. Finish the switch (schedule_tail), do the
 * return-to-user work, and enter user mode with rax = 0.
 */
	.globl ret_from_fork
	.type ret_from_fork, @function
ret_from_fork:
	.cfi_startproc
	.cfi_undefined rip
	movq	%rax, %rdi			/* prev */
	call	schedule_tail
	movq	%rsp, %rdi			/* the child's struct pt_regs */
	xorl	%ebp, %ebp
	call	exit_to_user_mode
	jmp	iret_to_user
	.cfi_endproc
	.size ret_from_fork, . - ret_from_fork

/*
 * NMI, double fault and machine check can arrive anywhere, also between a
 * kernel entry from user mode and its swapgs (the later syscall path runs
 * a few instructions on the user's GS). So they do not trust CS: they
 * read MSR_GS_BASE, swap only if it holds a user value (kernel per-CPU
 * addresses have the top bit set), and swap back on the way out.
 */
	.type paranoid_interrupt, @function
paranoid_interrupt:
	.cfi_startproc
	.cfi_undefined rip
	cld
	SAVE_REGS
	mov	$MSR_GS_BASE, %ecx
	rdmsr
	xor	%ebx, %ebx		/* rbx (callee-saved): 1 if we swapped */
	test	%edx, %edx
	js	1f
	swapgs
	mov	$1, %ebx
1:	CALL_DO_INTERRUPT
	test	%ebx, %ebx
	jz	2f
	swapgs
2:	RESTORE_REGS
	add	$16, %rsp		/* vector and error code */
	iretq
	.cfi_endproc
	.size paranoid_interrupt, . - paranoid_interrupt
