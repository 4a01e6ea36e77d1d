/*
 * The syscall frame: how a struct pt_regs saved by entry_SYSCALL_64
 * (arch/x86/kernel/entry.S) is marked, and the accessors signal delivery,
 * exec, fork and /proc use on it (arch/x86/kernel/syscall.c dispatches).
 *
 * A syscall frame has regs->vector == SYSCALL_FRAME_VECTOR (no IDT vector
 * is that large) and regs->error_code == orig_rax, the number the program
 * put in rax. rax itself is the return value once the call ran (it is
 * preset to -ENOSYS before dispatch, as on Linux). Setting orig_rax to -1
 * (syscall_forget) tells later code "no syscall to restart here"
 * (rt_sigreturn does it: the restored registers are not a syscall's).
 *
 * Restarting a syscall interrupted by a signal (-ERESTART*):
 * syscall_restart(regs) puts rax = orig_rax and moves rip back over the
 * 2-byte `syscall` instruction, so the program executes it again on
 * return. The SYSCALL instruction saved rip in rcx and rflags in r11; the
 * sysret fast path is taken only when rcx == rip and r11 == rflags still
 * hold (syscall.c checks), so moving rip makes the return use iretq.
 */
#ifndef ASM_SYSCALL_H
#define ASM_SYSCALL_H

#include <asm/ptrace.h>

#define SYSCALL_FRAME_VECTOR 0x100	/* regs->vector of a syscall frame (IDT vectors are 0-255) */
#define SYSCALL_INSN_LEN 2			/* 0f 05 */

#ifndef __ASSEMBLER__

#include <kestrel/syscalls.h>

/* Is regs a syscall frame whose syscall may still be restarted? */
static inline bool in_syscall(const struct pt_regs *regs)
{
	return regs->vector == SYSCALL_FRAME_VECTOR && (long)regs->error_code >= 0;
}

/* orig_rax: the syscall number, or -1 if regs is not (or no longer) a syscall. */
static inline long syscall_get_nr(const struct pt_regs *regs)
{
	return regs->vector == SYSCALL_FRAME_VECTOR ? (long)regs->error_code : -1;
}

static inline long syscall_get_return_value(const struct pt_regs *regs)
{
	return (long)regs->rax;
}

static inline void syscall_set_return_value(struct pt_regs *regs, long v)
{
	regs->rax = (unsigned long)v;
}

/* Execute the same syscall again on return to user mode. */
static inline void syscall_restart(struct pt_regs *regs)
{
	regs->rax = regs->error_code;
	regs->rip -= SYSCALL_INSN_LEN;
}

/* No syscall to restart in regs any more (rt_sigreturn, after a restart decision). */
static inline void syscall_forget(struct pt_regs *regs)
{
	regs->error_code = (unsigned long)-1L;
}

/*
 * The user registers of the current task: entry from user mode (syscall,
 * interrupt, exception) always saves them at the top of its kernel stack.
 */
struct pt_regs *current_pt_regs(void);

/*
 * Called on every return to user mode with interrupts off (syscall exit,
 * interrupt and exception return, fork child, exec of init): reschedule,
 * deliver signals, then check no lock is held; returns with interrupts off.
 */
void exit_to_user_mode(struct pt_regs *regs);

/* The SYSCALL instruction's entry point (entry.S), written to MSR_LSTAR. */
void entry_SYSCALL_64(void);

/* The dispatcher (C half of entry_SYSCALL_64). True: regs allow sysret. */
bool do_syscall_64(struct pt_regs *regs);
/* Run the system call regs->error_code (orig_rax) names; its result, or -ENOSYS. */
long syscall_dispatch(const struct pt_regs *regs);

/*
 * The dispatch table, indexed by syscall number (arch/x86/entry/syscall_64.c,
 * from syscall_64.tbl); numbers without an entry point hold sys_ni_syscall.
 * NR_syscalls is in the generated asm/unistd_64.h.
 */
extern const syscall_fn_t sys_call_table[];
/* A number Kestrel does not implement: -ENOSYS, logged once per number. */
long sys_ni_syscall(const struct pt_regs *regs);
/* Program STAR/LSTAR/FMASK and EFER.SCE on this CPU (every CPU, from cpu_init). */
void syscall_cpu_init(void);

/*
 * Leave the kernel for user mode with regs (a frame at the top of
 * current's kernel stack, e.g. filled by start_thread for the first
 * exec of init). Never returns.
 */
__attribute__((noreturn)) void ret_to_user_mode(struct pt_regs *regs);

#endif /* __ASSEMBLER__ */
#endif
