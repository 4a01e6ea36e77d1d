/*
 * Per-thread user CPU state: the FPU/SSE/AVX registers (XSAVE, or FXSAVE
 * on a CPU without it), the FS and GS bases, and what fork and exec do
 * with them (copy_thread, start_thread), plus arch_prctl(2).
 *
 * FPU: the kernel never touches FPU/SSE registers (-mgeneral-regs-only),
 * so while a task is in the kernel its user FPU state simply stays in the
 * registers. It is saved into task->thread.fpu when the task is switched
 * out and restored when it is switched in (eager switching: no #NM
 * tricks). Only tasks with a thread.fpu area have FPU state: user tasks
 * (exec allocates it, fork copies it); kernel threads have none and run
 * with whatever the registers hold. XCR0 enables x87|SSE, and AVX when
 * the CPU has it; the area is fpu_state_size bytes, 64-byte aligned.
 *
 * FS/GS base: thread.fsbase is the user's FS base (TLS, set with
 * arch_prctl(ARCH_SET_FS)); thread.gsbase the user's GS base, which lives
 * in MSR_KERNEL_GS_BASE while the CPU is in the kernel (swapgs). Both are
 * loaded at every switch to a task with user state. FSGSBASE stays off,
 * so user code cannot change the bases behind the kernel's back (loading
 * a selector into %fs resets the live base but not thread.fsbase: the
 * next switch-in restores the arch_prctl value).
 *
 * Locking: thread.* of a task is changed only by the task itself (or by
 * its creator before it first runs); context switches run with
 * interrupts off, so none of this needs a lock.
 */
#include <kestrel/errno.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/switch_to.h>
#include <asm/syscall.h>

#define X86_CR0_MP (1UL << 1)
#define X86_CR0_EM (1UL << 2)
#define X86_CR0_TS (1UL << 3)
#define X86_CR0_NE (1UL << 5)

#define XFEATURE_MASK_FP (1ULL << 0)
#define XFEATURE_MASK_SSE (1ULL << 1)
#define XFEATURE_MASK_YMM (1ULL << 2)

#define FXSAVE_SIZE 512
#define XSAVE_HDR_OFFSET 512	/* XSTATE_BV, XCOMP_BV: zero = every component in init state */
#define FPU_FCW_INIT 0x037f	/* x87: all exceptions masked, 64-bit precision */
#define MXCSR_INIT 0x1f80	/* SSE: all exceptions masked, round to nearest */

/* The legacy region both FXSAVE and XSAVE share (we only set the init values). */
struct fxregs_head {
	u16 cwd, swd, twd, fop;
	u64 rip, rdp;
	u32 mxcsr, mxcsr_mask;
};

static bool use_xsave;		/* boot CPU decides before others start, then read-only */
static u64 xfeatures_mask;	/* XCR0 on every CPU */
unsigned int fpu_state_size = FXSAVE_SIZE;

static inline void xsetbv(u32 index, u64 v)
{
	__asm__ volatile("xsetbv" ::"c"(index), "a"((u32)v), "d"((u32)(v >> 32)));
}

static void fpu_save(void *buf)
{
	if (use_xsave)
		__asm__ volatile("xsave64 (%0)" ::"r"(buf), "a"((u32)xfeatures_mask),
				 "d"((u32)(xfeatures_mask >> 32))
				 : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" ::"r"(buf) : "memory");
}

static void fpu_restore(const void *buf)
{
	if (use_xsave)
		__asm__ volatile("xrstor64 (%0)" ::"r"(buf), "a"((u32)xfeatures_mask),
				 "d"((u32)(xfeatures_mask >> 32))
				 : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" ::"r"(buf) : "memory");
}

/* Every CPU, from cpu_init: FXSR/XMM exceptions on, XSAVE with XCR0 if the CPU has it. */
void fpu_cpu_init(unsigned int cpu)
{
	u32 a, b, c, d;

	write_cr0((read_cr0() & ~(X86_CR0_EM | X86_CR0_TS)) | X86_CR0_MP | X86_CR0_NE);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	cpuid(1, &a, &b, &c, &d);
	if (cpu == 0) {
		use_xsave = c & (1U << 26);
		if (use_xsave) {
			u32 xa, xb, xc, xd;

			cpuid_count(0xd, 0, &xa, &xb, &xc, &xd);
			xfeatures_mask = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
			if ((c & (1U << 28)) && (xa & XFEATURE_MASK_YMM))	/* AVX */
				xfeatures_mask |= XFEATURE_MASK_YMM;
		}
	}
	if (use_xsave) {
		write_cr4(read_cr4() | X86_CR4_OSXSAVE);
		xsetbv(0, xfeatures_mask);
		if (cpu == 0) {
			cpuid_count(0xd, 0, &a, &b, &c, &d);
			fpu_state_size = b;	/* for the features now in XCR0 */
		}
	}
	__asm__ volatile("fninit");
	if (cpu == 0)
		pr_info("fpu: %s, features %#llx, %u-byte state per thread\n",
			use_xsave ? "xsave" : "fxsave", (unsigned long long)xfeatures_mask,
			fpu_state_size);
}

/* The state a new program starts with: x87 and SSE defaults, the rest in init state. */
static void fpu_init_state(void *buf)
{
	struct fxregs_head *fx = buf;

	memset(buf, 0, fpu_state_size);
	fx->cwd = FPU_FCW_INIT;
	fx->mxcsr = MXCSR_INIT;
}

/* kmalloc of a power of two is aligned to it: >= 64 as XSAVE needs. */
static void *fpu_alloc(void)
{
	size_t size = 64;

	while (size < fpu_state_size)
		size <<= 1;
	return kmalloc(size, GFP_KERNEL);
}

int fpu_thread_alloc(struct task_struct *p)
{
	if (p->thread.fpu)
		return 0;
	p->thread.fpu = fpu_alloc();
	if (!p->thread.fpu)
		return -ENOMEM;
	fpu_init_state(p->thread.fpu);
	return 0;
}

void arch_release_thread(struct task_struct *p)
{
	kfree(p->thread.fpu);
	p->thread.fpu = NULL;
}

/* Interrupts off (context_switch), on prev's stack. */
void arch_switch_to(struct task_struct *prev, struct task_struct *next)
{
	this_cpu()->arch.tss.rsp[0] = next->stack_top;	/* interrupts from user mode */
	this_cpu_write(entry_stack_top, next->stack_top);	/* syscalls (entry.S) */
	if (prev->thread.fpu)
		fpu_save(prev->thread.fpu);
	if (next->thread.fpu) {
		fpu_restore(next->thread.fpu);
		wrmsr(MSR_FS_BASE, next->thread.fsbase);
		wrmsr(MSR_KERNEL_GS_BASE, next->thread.gsbase);	/* swapgs makes it GS */
	}
}

/*
 * Tell entry.S and the TSS where this CPU's first task's kernel stack is.
 * sched_init calls it for the boot thread: that thread becomes init and
 * execs /init, and arch_switch_to sets these only when a task is switched
 * TO, which the boot thread need not ever be before its first syscall.
 */
void arch_entry_stack_init(struct task_struct *p)
{
	this_cpu()->arch.tss.rsp[0] = p->stack_top;
	this_cpu_write(entry_stack_top, p->stack_top);
}

int copy_thread(unsigned long clone_flags, struct task_struct *p, unsigned long user_sp,
		unsigned long tls)
{
	struct pt_regs *childregs = (struct pt_regs *)p->stack_top - 1;
	unsigned long *sp = (unsigned long *)childregs;

	/* Whatever the caller copied from current is not p's: set every field here. */
	p->thread.fpu = NULL;
	if (current->thread.fpu) {
		p->thread.fpu = fpu_alloc();
		if (!p->thread.fpu)
			return -ENOMEM;
		fpu_save(current->thread.fpu);	/* the live registers are the parent's state */
		memcpy(p->thread.fpu, current->thread.fpu, fpu_state_size);
	}
	p->thread.fsbase = current->thread.fsbase;
	p->thread.gsbase = current->thread.gsbase;
	if (clone_flags & CLONE_SETTLS)
		p->thread.fsbase = tls;

	*childregs = *current_pt_regs();
	childregs->rax = 0;	/* fork() returns 0 in the child */
	if (user_sp)
		childregs->rsp = user_sp;

	/* A switch frame as __switch_to_asm leaves one: six registers, then the return address. */
	*--sp = (unsigned long)ret_from_fork;
	for (int i = 0; i < 6; i++)
		*--sp = 0;	/* rbp, rbx, r12, r13, r14, r15 */
	p->thread.sp = (unsigned long)sp;
	return 0;
}

int arch_exec_prepare(void)
{
	return fpu_thread_alloc(current);
}

void start_thread(struct pt_regs *regs, unsigned long ip, unsigned long sp)
{
	struct task_struct *me = current;

	/* A new program: clean registers (as Linux's ELF_PLAT_INIT), no syscall to restart. */
	memset(regs, 0, sizeof(*regs));
	regs->vector = SYSCALL_FRAME_VECTOR;
	syscall_forget(regs);
	regs->rip = ip;
	regs->rsp = sp;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->rflags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;

	me->thread.fsbase = 0;
	me->thread.gsbase = 0;
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	if (me->thread.fpu) {	/* arch_exec_prepare allocated it before the point of no return */
		fpu_init_state(me->thread.fpu);
		fpu_restore(me->thread.fpu);
	}
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

long do_arch_prctl(struct task_struct *task, int option, unsigned long arg2)
{
	switch (option) {
	case ARCH_SET_FS:
		if (arg2 >= TASK_SIZE_MAX)
			return -EPERM;
		task->thread.fsbase = arg2;
		if (task == current)
			wrmsr(MSR_FS_BASE, arg2);
		return 0;
	case ARCH_SET_GS:
		if (arg2 >= TASK_SIZE_MAX)
			return -EPERM;
		task->thread.gsbase = arg2;
		if (task == current)
			wrmsr(MSR_KERNEL_GS_BASE, arg2);
		return 0;
	case ARCH_GET_FS:
		return put_user(task->thread.fsbase, (unsigned long __user *)arg2);
	case ARCH_GET_GS:
		return put_user(task->thread.gsbase, (unsigned long __user *)arg2);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE2(arch_prctl, int, option, unsigned long, arg2)
{
	return do_arch_prctl(current, option, arg2);
}
