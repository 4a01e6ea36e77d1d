/*
 * The assembly half of the context switch and the first code a new task
 * runs. Each is entered only from kernel/sched/core.c or through a switch
 * frame built by task_stack_init / copy_thread.
 */
#ifndef ASM_SWITCH_TO_H
#define ASM_SWITCH_TO_H

struct task_struct;

/*
 * switch_to.S: save prev's callee-saved registers, switch to next's
 * stack, restore next's; returns on next's stack with the task that was
 * switched away from (run-queue lock held, interrupts off).
 */
struct task_struct *__switch_to_asm(struct task_struct *prev, struct task_struct *next);

/* switch_to.S: a new kernel thread's first code: schedule_tail, then kthread_main. */
void ret_from_kernel_thread(void);

/* entry.S: a forked child's first code: schedule_tail, then return to user mode with rax = 0. */
void ret_from_fork(void);

#endif
