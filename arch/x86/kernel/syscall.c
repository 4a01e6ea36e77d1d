/*
 * System call dispatch: the C half of entry_SYSCALL_64 (entry.S), the
 * per-CPU SYSCALL setup, and the return-to-user work loop every way back
 * to user mode runs (syscall, interrupt, exception, fork, exec of init).
 *
 * The table: sys_call_table (arch/x86/entry/syscall_64.c), generated at
 * build time from arch/x86/entry/syscalls/syscall_64.tbl, holds for each
 * number the stub a SYSCALL_DEFINEn emits (include/kestrel/syscalls.h), or
 * sys_ni_syscall for a number Kestrel does not implement: -ENOSYS, logged
 * once per number as "syscall N (name) not implemented". A number beyond
 * the table gets the same, logged once for all.
 *
 * The frame: asm/syscall.h (vector SYSCALL_FRAME_VECTOR, orig_rax in
 * error_code, rax preset to -ENOSYS). Syscalls run with interrupts on and
 * are preemptible; the return path turns interrupts off before the last
 * checks so no wake-up or signal slips in between the check and sysret.
 *
 * Locking: sys_call_table is const. The log-once bitmap is updated with
 * atomic ors.
 */
#include <kestrel/atomic.h>
#include <kestrel/bitops.h>
#include <kestrel/errno.h>
#include <kestrel/kallsyms.h>
#include <kestrel/lockdep.h>
#include <kestrel/panic.h>
#include <kestrel/percpu.h>
#include <kestrel/preempt.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/signal.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/syscall.h>
#include <asm/unistd_64.h>

#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SYSCALL_MASK 0xc0000084

#define X86_EFLAGS_TF (1UL << 8)
#define X86_EFLAGS_DF (1UL << 10)
#define X86_EFLAGS_NT (1UL << 14)
#define X86_EFLAGS_RF (1UL << 16)
#define X86_EFLAGS_AC (1UL << 18)
#define X86_EFLAGS_IOPL (3UL << 12)

static unsigned long enosys_logged[BITS_TO_LONGS(NR_syscalls)];	/* test_and_set_bit: logged once */
static bool enosys_out_of_range_logged;

/* entry.S reads these with fixed %gs offsets. */
#define CHECK_PERCPU(field, off) BUILD_BUG_ON(offsetof(struct percpu, field) != (off))

void syscall_cpu_init(void)
{
	CHECK_PERCPU(entry_user_rsp, 8);
	CHECK_PERCPU(entry_stack_top, 16);
	/* SYSCALL: CS = STAR[47:32], SS = +8. SYSRET (64-bit): CS = STAR[63:48] + 16, SS = +8. */
	wrmsr(MSR_STAR, ((u64)__USER32_CS << 48) | ((u64)__KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
	/* Cleared on entry: no interrupts before the stack switch, a forward string direction, no traps, SMAP on. */
	wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_TF | X86_EFLAGS_AC |
				       X86_EFLAGS_NT | X86_EFLAGS_IOPL);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

struct pt_regs *current_pt_regs(void)
{
	return (struct pt_regs *)current->stack_top - 1;
}

void syscall_get_arguments(const struct pt_regs *regs, unsigned long args[6])
{
	args[0] = regs->rdi;
	args[1] = regs->rsi;
	args[2] = regs->rdx;
	args[3] = regs->r10;	/* rcx holds the return address (SYSCALL) */
	args[4] = regs->r8;
	args[5] = regs->r9;
}

static void syscall_log_enosys(unsigned long nr)
{
	if (nr >= NR_syscalls) {
		if (!xchg(&enosys_out_of_range_logged, true))
			pr_info("syscall %lu (out of range) not implemented (%s/%d); further ones not reported\n",
				nr, current->comm, current->pid);
		return;
	}
	if (test_and_set_bit(nr, enosys_logged))
		return;
	pr_info("syscall %lu (%s) not implemented (%s/%d)\n", nr,
		syscall_name(nr) ? syscall_name(nr) : "unknown", current->comm, current->pid);
}

long sys_ni_syscall(const struct pt_regs *regs)
{
	syscall_log_enosys(regs->error_code);	/* orig_rax */
	return -ENOSYS;
}

long syscall_dispatch(const struct pt_regs *regs)
{
	unsigned long nr = regs->error_code;	/* orig_rax */

	if (nr >= NR_syscalls)
		return sys_ni_syscall(regs);
	return sys_call_table[nr](regs);
}

/* Can SYSRET restore regs exactly? Else iretq (asm/syscall.h). */
static bool sysret_allowed(const struct pt_regs *regs)
{
	return regs->rcx == regs->rip && regs->r11 == regs->rflags &&
	       regs->rip < TASK_SIZE_MAX && regs->cs == __USER_CS &&
	       regs->ss == __USER_DS && !(regs->rflags & (X86_EFLAGS_RF | X86_EFLAGS_TF));
}

bool do_syscall_64(struct pt_regs *regs)
{
	local_irq_enable();
	current->nr_syscalls++;
	regs->rax = (unsigned long)-ENOSYS;
	regs->rax = (unsigned long)syscall_dispatch(regs);
	exit_to_user_mode(regs);
	return sysret_allowed(regs);
}

/* A syscall or handler that left preemption off would make this CPU unpreemptible. */
static void check_preempt_count_user(void)
{
	unsigned int count = preempt_count();

	if (likely(count == 0))
		return;
	printk(KERN_ERR "BUG: returning to user space with preempt_count %#x (%s/%d)\n", count,
	       current->comm, current->pid);
	dump_stack();
	__preempt_count_sub(count);
}

static bool is_restart_code(long ret)
{
	return ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND ||
	       ret == -ERESTART_RESTARTBLOCK;
}

/*
 * Signal work before user mode: a signal to deliver, a mask to put back
 * (rt_sigsuspend, ppoll), or a syscall asking for a restart whose signal
 * another thread took meanwhile (-ERESTART* must never reach user space).
 */
static bool signal_work_pending(const struct pt_regs *regs)
{
	return signal_pending(current) || READ_ONCE(current->restore_sigmask) ||
	       (in_syscall(regs) && is_restart_code(syscall_get_return_value(regs)));
}

/* 48-bit canonical: bits 63..47 all equal. */
static bool canonical(unsigned long addr)
{
	return addr < (1UL << 47) || addr >= ~((1UL << 47) - 1);
}

void exit_to_user_mode(struct pt_regs *regs)
{
	/*
	 * iretq to a non-canonical rip (a signal frame's, say) would fault in
	 * the kernel with the user's GS loaded: make it the program's SIGSEGV
	 * now, delivered below like any other.
	 */
	if (unlikely(!canonical(regs->rip)))
		force_sig_fault(SIGSEGV, SI_KERNEL, NULL);
	for (;;) {
		local_irq_disable();
		if (need_resched()) {
			local_irq_enable();
			schedule();
			continue;
		}
		if (signal_work_pending(regs)) {
			local_irq_enable();
			arch_do_signal_or_restart(regs);	/* kernel/signal.c, arch/x86/kernel/signal.c */
			continue;
		}
		break;
	}
	check_preempt_count_user();
	lockdep_sys_exit();	/* a lock held on return to user space is a report */
}
