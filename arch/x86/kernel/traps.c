/*
 * CPU exceptions (vectors 0-31) and the oops path.
 *
 * do_interrupt() hands vectors 0-31 to do_exception(), which calls the
 * named handler for the vector. A handler either deals with the exception
 * and returns (int3, an NMI, a fault at an instruction listed in the
 * exception table) or calls die(), which prints an oops. Then, as Linux's
 * oops_end: an oops in a user process's system call (not in an interrupt,
 * not on an exception stack of its own, not init) kills that process
 * with SIGSEGV (make_task_dead) and the machine goes on; any other oops, or
 * any oops with oops=panic, panics with "Fatal exception" (in a test run,
 * test_run_active in include/kestrel/reboot.h, QEMU exits with a failure
 * so no test hangs).
 *
 * An exception in user mode is the program's, not the kernel's: it becomes
 * a signal to the current thread (force_sig_fault, kernel/signal.c) with
 * Linux's signal and si_code, delivered on the way back to user mode
 * (exit_to_user_mode): #DE SIGFPE/FPE_INTDIV, #UD SIGILL/ILL_ILLOPN, #GP
 * SIGSEGV/SI_KERNEL, #BP SIGTRAP, #DB SIGTRAP/TRAP_TRACE, #MF and #XM
 * SIGFPE with the x87/SSE exception as si_code, #AC SIGBUS/BUS_ADRALN,
 * #NP and #SS SIGBUS, #OF #BR #TS #CP SIGSEGV. Page faults go to the vm
 * code (arch/x86/mm/fault.c), which signals user faults itself.
 *
 * With the kernel's debugger enabled (kgdboc=, include/kestrel/kgdb.h) an
 * oops stops in it first, other CPUs where they were, and int3, #DB and
 * NMIs go to it when they are its own.
 *
 * Locking: die_lock keeps the oopses of several CPUs from interleaving.
 * It is a bare ticket lock, unseen by the lock validator, so the report's
 * list of held locks shows the crashed code's locks, not the printer's.
 * A CPU that faults again while printing its own oops does not wait for
 * it (percpu oops_nesting) but stops at once.
 */
#include <kestrel/atomic.h>
#include <kestrel/exit.h>
#include <kestrel/kallsyms.h>
#include <kestrel/kgdb.h>
#include <kestrel/panic.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/reboot.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/smp.h>
#include <kestrel/watchdog.h>
#include <kestrel/spinlock.h>
#include <asm/extable.h>
#include <asm/irq_vectors.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/traps.h>

static arch_spinlock_t die_lock = __ARCH_SPIN_LOCK_UNLOCKED;	/* one oops report at a time */
static int die_counter;			/* oopses so far, under die_lock */
atomic_long_t breakpoint_count = ATOMIC_LONG_INIT(0);

static const char *const exception_names[32] = {
	[X86_TRAP_DE] = "divide error",
	[X86_TRAP_DB] = "debug",
	[X86_TRAP_NMI] = "NMI",
	[X86_TRAP_BP] = "int3",
	[X86_TRAP_OF] = "overflow",
	[X86_TRAP_BR] = "bounds",
	[X86_TRAP_UD] = "invalid opcode",
	[X86_TRAP_NM] = "device not available",
	[X86_TRAP_DF] = "double fault",
	[X86_TRAP_OLD_MF] = "coprocessor segment overrun",
	[X86_TRAP_TS] = "invalid TSS",
	[X86_TRAP_NP] = "segment not present",
	[X86_TRAP_SS] = "stack segment",
	[X86_TRAP_GP] = "general protection fault",
	[X86_TRAP_PF] = "page fault",
	[X86_TRAP_MF] = "coprocessor error",
	[X86_TRAP_AC] = "alignment check",
	[X86_TRAP_MC] = "machine check",
	[X86_TRAP_XF] = "SIMD coprocessor error",
	[X86_TRAP_VE] = "virtualization exception",
	[X86_TRAP_CP] = "control protection fault",
	[X86_TRAP_VC] = "VMM communication exception",
};

const char *exception_name(unsigned int vector)
{
	if (vector < 32 && exception_names[vector])
		return exception_names[vector];
	return "reserved exception";
}

/*
 * Can the machine go on after an oops at regs, with only the current task
 * killed? Linux's rule: not in an interrupt, not the idle task, not init
 * (its death is a panic anyway), not with oops=panic. Kestrel also keeps
 * to user processes (a kernel thread's work would be lost silently) and
 * to the task's own stack (a double fault, an NMI or a machine check runs
 * on an exception stack do_exit cannot sleep on).
 */
static bool oops_may_kill_task(const struct pt_regs *regs)
{
	struct task_struct *tsk = current;

	if (panic_on_oops || in_interrupt() || user_mode(regs))
		return false;
	if (regs->vector == X86_TRAP_DF || regs->vector == X86_TRAP_NMI ||
	    regs->vector == X86_TRAP_MC)
		return false;
	if (!tsk || (tsk->flags & (PF_KTHREAD | PF_IDLE)) || !tsk->mm || tsk->tgid == 1)
		return false;
	return !(tsk->flags & PF_EXITING);
}

/* Returns true if this oops is fatal (the other CPUs are then stopped). */
static bool oops_begin(const struct pt_regs *regs)
{
	bool fatal = !oops_may_kill_task(regs);

	local_irq_disable();
	if (this_cpu_read(oops_nesting)) {
		/* Faulted while printing an oops: the first report is the useful one. */
		this_cpu_inc(oops_nesting);
		printk(KERN_EMERG "Oops: recursive fault while printing an oops, stopping CPU %u\n",
		       smp_processor_id());
		if (test_run_active)
			test_exit(false);
		for (;;)
			halt();
	}
	this_cpu_write(oops_nesting, 1);
	arch_spin_lock(&die_lock);
	WRITE_ONCE(oops_in_progress, 1);
	/*
	 * Before a panic the other CPUs halt: only this report is printed.
	 * With a debugger they stay as they are until it has stopped them
	 * itself (gdb shows where each one was); panic() halts them after.
	 */
	if (fatal && !kgdb_enabled())
		smp_send_stop();
	return fatal;
}

/* What gdb is told an oops was (Linux's signals for the same faults in user mode). */
static int oops_signal(unsigned long vector)
{
	switch (vector) {
	case X86_TRAP_DE:
		return SIGFPE;
	case X86_TRAP_UD:
		return SIGILL;
	case X86_TRAP_BP:
	case X86_TRAP_DB:
		return SIGTRAP;
	default:
		return SIGSEGV;
	}
}

/*
 * Linux's make_task_dead: the task that oopsed ends as if killed by
 * SIGSEGV. What it held stays held (its locks, a preempt count, interrupts
 * off): the count and the interrupt flag are reset, and said so, so that
 * do_exit can sleep; a lock it held may still hang others later.
 */
static __noreturn void make_task_dead(int signr)
{
	struct task_struct *tsk = current;

	if (preempt_count()) {
		printk(KERN_INFO "note: %s[%d] exited with preempt_count %u\n", tsk->comm, tsk->pid,
		       preempt_count());
		this_cpu_write(preempt_count, 0);
	}
	if (tsk->held_locks.depth)
		printk(KERN_INFO "note: %s[%d] exited holding %u lock%s\n", tsk->comm, tsk->pid,
		       tsk->held_locks.depth, tsk->held_locks.depth == 1 ? "" : "s");
	local_irq_enable();
	do_exit(signr);
}

static __noreturn void oops_end(bool fatal)
{
	printk(KERN_EMERG "---[ end trace %016x ]---\n", 0);
	if (test_run_active)
		test_exit(false);
	if (fatal) {
		arch_spin_unlock(&die_lock);
		panic("Fatal exception");
	}
	WRITE_ONCE(oops_in_progress, 0);
	this_cpu_write(oops_nesting, 0);
	arch_spin_unlock(&die_lock);
	make_task_dead(SIGSEGV);
}

/* The report itself; the caller did oops_begin() and may have printed why. */
static __noreturn void oops_report(const char *what, struct pt_regs *regs, bool fatal)
{
	die_counter++;
	if (what)
		printk(KERN_EMERG "Oops: %s: %04lx [#%d] SMP\n", what, regs->error_code, die_counter);
	else
		printk(KERN_EMERG "Oops: %04lx [#%d] SMP\n", regs->error_code, die_counter);
	kgdb_oops(oops_signal(regs->vector), regs);	/* the debugger first, if there is one */
	show_regs(regs);
	show_tasks();	/* every thread with state, CPU and held locks (locking helper) */
	kallsyms_print_source_hint(KERN_EMERG, regs->rip);	/* what to run next */
	oops_end(fatal);
}

void die(const char *what, struct pt_regs *regs)
{
	bool fatal = oops_begin(regs);

	oops_report(what, regs, fatal);
}

/* Exceptions with nothing to recover: name them and die. */
#define DEFINE_FATAL_TRAP(fn, vector)                          \
	static void fn(struct pt_regs *regs)                   \
	{                                                      \
		die(exception_names[vector], regs);            \
	}

/*
 * The program's fault in user mode: signal it (si_addr: the faulting
 * instruction when at_ip, else 0 as Linux); in the kernel: oops.
 */
#define DEFINE_USER_TRAP(fn, vector, sig, code, at_ip)                               \
	static void fn(struct pt_regs *regs)                                          \
	{                                                                             \
		if (user_mode(regs)) {                                                \
			force_sig_fault(sig, code,                                    \
					(void __user *)((at_ip) ? regs->rip : 0));    \
			return;                                                       \
		}                                                                     \
		die(exception_names[vector], regs);                                   \
	}

DEFINE_USER_TRAP(do_divide_error, X86_TRAP_DE, SIGFPE, FPE_INTDIV, true)
DEFINE_USER_TRAP(do_overflow, X86_TRAP_OF, SIGSEGV, SI_KERNEL, false)
DEFINE_USER_TRAP(do_bounds, X86_TRAP_BR, SIGSEGV, SI_KERNEL, false)
DEFINE_USER_TRAP(do_invalid_op, X86_TRAP_UD, SIGILL, ILL_ILLOPN, true)
DEFINE_FATAL_TRAP(do_device_not_available, X86_TRAP_NM)	/* CR0.TS is never set */
DEFINE_USER_TRAP(do_coprocessor_segment_overrun, X86_TRAP_OLD_MF, SIGFPE, SI_KERNEL, false)
DEFINE_USER_TRAP(do_invalid_tss, X86_TRAP_TS, SIGSEGV, SI_KERNEL, false)
DEFINE_USER_TRAP(do_segment_not_present, X86_TRAP_NP, SIGBUS, SI_KERNEL, false)
DEFINE_USER_TRAP(do_stack_segment, X86_TRAP_SS, SIGBUS, SI_KERNEL, false)
DEFINE_USER_TRAP(do_alignment_check, X86_TRAP_AC, SIGBUS, BUS_ADRALN, false)
DEFINE_FATAL_TRAP(do_machine_check, X86_TRAP_MC)
DEFINE_FATAL_TRAP(do_virtualization_exception, X86_TRAP_VE)
DEFINE_USER_TRAP(do_control_protection, X86_TRAP_CP, SIGSEGV, SI_KERNEL, false)
DEFINE_FATAL_TRAP(do_vmm_communication, X86_TRAP_VC)

#ifndef FPE_FLTOVF
#define FPE_FLTOVF 4
#define FPE_FLTUND 5
#define FPE_FLTRES 6
#define FPE_FLTINV 7
#endif

/* si_code of an unmasked x87 (status & ~control) or SSE exception, as Linux's fpu__exception_code. */
static int fpe_code(unsigned int err)
{
	if (err & 0x001)
		return FPE_FLTINV;	/* invalid operation (or stack fault) */
	if (err & 0x004)
		return FPE_FLTDIV;
	if (err & 0x008)
		return FPE_FLTOVF;
	if (err & 0x012)
		return FPE_FLTUND;	/* underflow or denormal */
	if (err & 0x020)
		return FPE_FLTRES;	/* inexact */
	return 0;
}

/* The kernel never uses the FPU: a math fault is always the program's. */
static void do_coprocessor_error(struct pt_regs *regs)
{
	u16 swd, cwd;

	if (!user_mode(regs))
		die(exception_names[X86_TRAP_MF], regs);
	__asm__ volatile("fnstsw %0; fnstcw %1" : "=m"(swd), "=m"(cwd));
	force_sig_fault(SIGFPE, fpe_code(swd & ~cwd & 0x3f), (void __user *)regs->rip);
}

static void do_simd_error(struct pt_regs *regs)
{
	u32 mxcsr;

	if (!user_mode(regs))
		die(exception_names[X86_TRAP_XF], regs);
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	/* Flags (bits 0-5) whose mask bit (7-12) is clear. */
	force_sig_fault(SIGFPE, fpe_code(mxcsr & ~(mxcsr >> 7) & 0x3f), (void __user *)regs->rip);
}

static void do_reserved(struct pt_regs *regs)
{
	die("reserved exception", regs);
}

#ifndef TRAP_TRACE
#define TRAP_TRACE 2
#endif

static void do_debug(struct pt_regs *regs)
{
	unsigned long dr6;

	__asm__ volatile("mov %%db6, %0" : "=r"(dr6));
	if (kgdb_handle_debug(regs, dr6))	/* a breakpoint, watchpoint or step of gdb's */
		return;
	if (user_mode(regs)) {
		/* A single step the program asked for (TF): SIGTRAP after the instruction. */
		__asm__ volatile("mov %0, %%db6" ::"r"(0xffff0ff0UL));
		force_sig_fault(SIGTRAP, TRAP_TRACE, (void __user *)regs->rip);
		return;
	}
	pr_warn("debug exception at %pS (DR6 %#lx), continuing\n", (void *)regs->rip, dr6);
	__asm__ volatile("mov %0, %%db6" ::"r"(0xffff0ff0UL));	/* DR6's reset value */
	regs->rflags &= ~(1UL << 8);	/* TF: no single-stepping in the kernel */
}

static void do_nmi(struct pt_regs *regs)
{
	if (kgdb_nmicallback(regs))	/* the debugger stopping this CPU */
		return;
	smp_stop_nmi();	/* another CPU's panic or oops stopping us: halts here */
	if (watchdog_nmi_backtrace(regs))	/* the hard-lockup watchdog asked for our stack */
		return;
	pr_warn("NMI received on CPU %u at %pS, continuing\n", smp_processor_id(),
		(void *)regs->rip);
}

static void do_int3(struct pt_regs *regs)
{
	if (user_mode(regs)) {
		force_sig_fault(SIGTRAP, SI_KERNEL, NULL);	/* a debugger's breakpoint, or a crash */
		return;
	}
	if (kgdb_handle_int3(regs))	/* kgdb_breakpoint() or a breakpoint gdb planted */
		return;
	atomic_long_inc(&breakpoint_count);
	/* RIP already points after the int3 byte: returning resumes there. */
	pr_info("int3: breakpoint at %pS, continuing\n", (void *)(regs->rip - 1));
}

static void do_general_protection(struct pt_regs *regs)
{
	if (user_mode(regs)) {
		force_sig_fault(SIGSEGV, SI_KERNEL, NULL);
		return;
	}
	if (fixup_exception(regs))
		return;
	die(exception_names[X86_TRAP_GP], regs);
}

#define PF_PROT (1UL << 0)	/* 0: page not present */
#define PF_WRITE (1UL << 1)
#define PF_USER (1UL << 2)
#define PF_RSVD (1UL << 3)
#define PF_INSTR (1UL << 4)
#define PF_PK (1UL << 5)

/* Addresses below this are user space (canonical lower half). */
#define USER_SPACE_END (1UL << 47)

__noreturn void page_fault_oops(struct pt_regs *regs, unsigned long addr)
{
	unsigned long err = regs->error_code;
	bool fatal = oops_begin(regs);

	printk(KERN_EMERG "BUG: unable to handle page fault for address: %016lx\n", addr);
	if ((err & PF_INSTR) && (err & PF_PROT) && !(err & PF_USER)) {
		if (addr < USER_SPACE_END)
			printk(KERN_EMERG "BUG: unable to execute user-space code (SMEP?)\n");
		else
			printk(KERN_EMERG "BUG: kernel tried to execute NX-protected page\n");
	} else if (!(err & PF_USER) && (err & PF_PROT) && addr < USER_SPACE_END) {
		printk(KERN_EMERG "BUG: kernel access to user-space memory (SMAP?)\n");
	}
	printk(KERN_EMERG "#PF: %s %s in %s mode\n", err & PF_USER ? "user" : "supervisor",
	       err & PF_INSTR ? "instruction fetch" : err & PF_WRITE ? "write access" : "read access",
	       user_mode(regs) ? "user" : "kernel");
	printk(KERN_EMERG "#PF: error_code(0x%04lx) - %s\n", err,
	       !(err & PF_PROT) ? "not-present page"
	       : err & PF_RSVD ? "reserved bit violation"
	       : err & PF_PK ? "protection keys violation"
	       : "permissions violation");
	oops_report(NULL, regs, fatal);
}

/* Vector 14: CR2 first (a nested fault would overwrite it), then mm's handler (arch/x86/mm/fault.c). */
static void exc_page_fault(struct pt_regs *regs)
{
	do_page_fault(regs, regs->error_code, read_cr2());
}

/*
 * A push into the guard page below a stack faults, and so does delivering
 * that #PF: the double fault says whose stack it was. Usually current's
 * (every task's kernel stack, init's boot stack included, has a guard
 * page below it); else the stack pointer says where it was.
 */
static void report_stack_guard(unsigned long cr2, unsigned long sp)
{
	struct task_struct *t = current;
	unsigned long base = t->stack_top - THREAD_SIZE;

	if (cr2 < base && base - cr2 <= PAGE_SIZE)
		printk(KERN_EMERG "BUG: stack guard page was hit at %016lx (stack of %s[%d] is %016lx..%016lx): kernel stack overflow\n",
		       cr2, t->comm, t->pid, base, t->stack_top);
	else
		printk(KERN_EMERG "BUG: stack guard page was hit at %016lx (stack pointer %016lx): kernel stack overflow\n",
		       cr2, sp);
}

static void do_double_fault(struct pt_regs *regs)
{
	unsigned long cr2 = read_cr2();
	bool fatal = oops_begin(regs);

	/* A push into the guard page below a stack faults, and so does delivering that #PF. */
	if (regs->rsp - cr2 < PAGE_SIZE || cr2 - regs->rsp < PAGE_SIZE)
		report_stack_guard(cr2, regs->rsp);
	printk(KERN_EMERG "double fault on the IST stack (CR2 %016lx)\n", cr2);
	oops_report(exception_names[X86_TRAP_DF], regs, fatal);
}

typedef void (*exception_handler_t)(struct pt_regs *regs);

static const exception_handler_t exception_handlers[32] = {
	[X86_TRAP_DE] = do_divide_error,
	[X86_TRAP_DB] = do_debug,
	[X86_TRAP_NMI] = do_nmi,
	[X86_TRAP_BP] = do_int3,
	[X86_TRAP_OF] = do_overflow,
	[X86_TRAP_BR] = do_bounds,
	[X86_TRAP_UD] = do_invalid_op,
	[X86_TRAP_NM] = do_device_not_available,
	[X86_TRAP_DF] = do_double_fault,
	[X86_TRAP_OLD_MF] = do_coprocessor_segment_overrun,
	[X86_TRAP_TS] = do_invalid_tss,
	[X86_TRAP_NP] = do_segment_not_present,
	[X86_TRAP_SS] = do_stack_segment,
	[X86_TRAP_GP] = do_general_protection,
	[X86_TRAP_PF] = exc_page_fault,
	[X86_TRAP_MF] = do_coprocessor_error,
	[X86_TRAP_AC] = do_alignment_check,
	[X86_TRAP_MC] = do_machine_check,
	[X86_TRAP_XF] = do_simd_error,
	[X86_TRAP_VE] = do_virtualization_exception,
	[X86_TRAP_CP] = do_control_protection,
	[X86_TRAP_VC] = do_vmm_communication,
};

void do_exception(struct pt_regs *regs)
{
	exception_handler_t fn = exception_handlers[regs->vector];

	if (!fn)
		fn = do_reserved;
	fn(regs);
	this_cpu_inc(nr_exceptions);
}
