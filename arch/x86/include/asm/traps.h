/*
 * CPU exceptions (vectors 0-31): the dispatcher entry.S reaches through
 * do_interrupt(), and die(), which prints an oops and kills the task or panics.
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <kestrel/atomic.h>
#include <kestrel/compiler.h>
#include <asm/ptrace.h>

/* Handle exception regs->vector; returns if execution can go on. */
void do_exception(struct pt_regs *regs);

/*
 * Print an oops for regs ("Oops: <what>: <error code> [#n] SMP", CPU,
 * registers, Call Trace, end marker) and stop: in a test run QEMU exits
 * with a failure, otherwise this CPU panics with "Fatal exception".
 * what may be NULL when the caller already printed the reason.
 */
__noreturn void die(const char *what, struct pt_regs *regs);

/* Name of exception vector (0-31), e.g. "invalid opcode". */
const char *exception_name(unsigned int vector);

/*
 * The #PF handler (arch/x86/mm/fault.c): user addresses through the VMAs,
 * then signals or exception fixups; kernel faults end in page_fault_oops,
 * which prints the report and dies.
 */
void do_page_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address);
__noreturn void page_fault_oops(struct pt_regs *regs, unsigned long addr);

/*
 * Is va the guard page below one of the kernel's static stacks (the boot
 * stack, which init keeps, and the boot CPU's IST stacks)? paging_init
 * leaves those pages out of the kernel's mapping.
 */
bool is_static_stack_guard(unsigned long va);

/* Number of int3 breakpoints handled since boot (all CPUs). */
extern atomic_long_t breakpoint_count;

#endif
