/*
 * CPU exceptions (vectors 0-31): the dispatcher entry.S reaches through
 * do_interrupt(), and die(), which prints an oops and stops.
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

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

/* Number of int3 breakpoints handled since boot (all CPUs). */
extern unsigned long breakpoint_count;

#endif
