/*
 * The context switch: save one task's callee-saved registers on its own
 * stack, switch stacks, restore the next task's.
 *
 *   struct task_struct *__switch_to_asm(struct task_struct *prev,
 *                                       struct task_struct *next);
 *
 * Called by kernel/sched/core.c with interrupts off and the run-queue
 * lock held. It returns on next's stack, in whatever call of
 * __switch_to_asm next was switched out by, with the task switched away
 * from (prev of *that* switch's caller's view: the task we came from) in
 * %rax, so the code that resumes knows whom to clean up after
 * (finish_task_switch).
 *
 * The C calling convention says only rbx, rbp, r12-r15 (and rsp) survive
 * a call, so those are all we save; the caller-saved ones are already
 * dead or saved by the C caller. No FPU/SSE state: the kernel is built
 * with -mgeneral-regs-only.
 *
 * A new task's stack is prepared by kernel/sched/core.c (task_stack_init)
 * to look as if it had been switched out: six zero registers and a return
 * address of ret_from_kernel_thread.
 */
#define TASK_THREAD_SP 0	/* offsetof(struct task_struct, thread.sp), checked in core.c */

	.cfi_sections .debug_frame

	.text
	.globl __switch_to_asm
	.type __switch_to_asm, @function
__switch_to_asm:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, TASK_THREAD_SP(%rdi)	/* prev->thread.sp */
	movq	TASK_THREAD_SP(%rsi), %rsp	/* next's stack from here on */
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	movq	%rdi, %rax			/* return prev */
	ret
	.cfi_endproc
	.size __switch_to_asm, . - __switch_to_asm

/*
 * First code a new task runs: finish the switch that started it
 * (schedule_tail: run-queue lock, interrupts, preemption), then the
 * thread body, which never returns (kthread_main ends in do_exit).
 */
	.globl ret_from_kernel_thread
	.type ret_from_kernel_thread, @function
ret_from_kernel_thread:
	.cfi_startproc
	.cfi_undefined rip		/* debuggers: the thread's first frame */
	movq	%rax, %rdi
	call	schedule_tail
	call	kthread_main
	ud2
	.cfi_endproc
	.size ret_from_kernel_thread, . - ret_from_kernel_thread
