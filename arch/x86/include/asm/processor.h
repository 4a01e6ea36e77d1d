/* x86 CPU instructions: control registers, MSRs, CPUID, interrupt flag. */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <kestrel/types.h>

#define X86_EFLAGS_FIXED (1UL << 1)	/* reads as 1 */
#define X86_EFLAGS_IF (1UL << 9)

#define X86_CR0_WP (1UL << 16)
#define X86_CR4_PAE (1UL << 5)
#define X86_CR4_PGE (1UL << 7)
#define X86_CR4_OSFXSR (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_UMIP (1UL << 11)
#define X86_CR4_FSGSBASE (1UL << 16)
#define X86_CR4_OSXSAVE (1UL << 18)
#define X86_CR4_SMEP (1UL << 20)
#define X86_CR4_SMAP (1UL << 21)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1UL << 0)
#define EFER_LME (1UL << 8)
#define EFER_NXE (1UL << 11)
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

static inline void cpuid_count(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	cpuid_count(leaf, 0, a, b, c, d);
}

#define DEFINE_CR(n)                                                            \
	static inline unsigned long read_cr##n(void)                            \
	{                                                                       \
		unsigned long v;                                                \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));               \
		return v;                                                       \
	}                                                                       \
	static inline void write_cr##n(unsigned long v)                         \
	{                                                                       \
		__asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");        \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline u64 rdtsc(void)
{
	u32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void halt(void) { __asm__ volatile("hlt" ::: "memory"); }

static inline unsigned long native_save_fl(void)
{
	unsigned long f;
	__asm__ volatile("pushf; pop %0" : "=rm"(f)::"memory");
	return f;
}

static inline void local_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline bool irqs_disabled(void) { return !(native_save_fl() & X86_EFLAGS_IF); }

static inline unsigned long local_irq_save(void)
{
	unsigned long f = native_save_fl();
	local_irq_disable();
	return f;
}

static inline void local_irq_restore(unsigned long f)
{
	if (f & X86_EFLAGS_IF)
		local_irq_enable();
}

/*
 * Per-thread user CPU state (arch/x86/kernel/process.c): FPU/SSE/AVX
 * (XSAVE), FS/GS base, and what fork and exec do with them.
 */
struct task_struct;
struct pt_regs;

#ifndef CLONE_SETTLS
#define CLONE_SETTLS 0x00080000	/* copy_thread: the child's FS base is tls */
#endif

/*
 * fork/clone (kernel/fork.c), after p's task_struct and kernel stack
 * exist: give p a copy of current's user registers (pt_regs at the top of
 * p's stack) with rax = 0 and rsp = user_sp if non-zero, a copy of the
 * FPU state and FS/GS bases (FS base = tls with CLONE_SETTLS), and a
 * first switch-in that returns to user mode (ret_from_fork). Every
 * p->thread field is set here (what the caller copied is ignored).
 * 0 or -ENOMEM.
 */
int copy_thread(unsigned long clone_flags, struct task_struct *p, unsigned long user_sp,
		unsigned long tls);
/*
 * exec, before the point of no return: make sure current has an FPU
 * state area (0 or -ENOMEM); after it, start_thread() starts the new
 * program at ip with stack sp: clean registers, init FPU state, FS/GS
 * base 0.
 */
int arch_exec_prepare(void);
void start_thread(struct pt_regs *regs, unsigned long ip, unsigned long sp);
/* Give p an FPU state area in init state if it has none (0 or -ENOMEM). */
int fpu_thread_alloc(struct task_struct *p);
/* Free p's arch state (the FPU area); task_free calls it. */
void arch_release_thread(struct task_struct *p);
/* context_switch, interrupts off: kernel stack for entries, FPU, FS/GS base. */
void arch_switch_to(struct task_struct *prev, struct task_struct *next);
/* sched_init: the entry stack of a CPU's first task, which no switch has set up. */
void arch_entry_stack_init(struct task_struct *p);
/* arch_prctl(2) on task (ARCH_SET_FS/GET_FS/SET_GS/GET_GS). */
long do_arch_prctl(struct task_struct *task, int option, unsigned long arg2);
/* cpu_init: this CPU's FPU control registers and XCR0 (cpu 0 also sizes the state). */
void fpu_cpu_init(unsigned int cpu);
/* Bytes of one thread's FPU state (XSAVE area for XCR0, or 512 for FXSAVE). */
extern unsigned int fpu_state_size;

static inline void invlpg(unsigned long addr)
{
	__asm__ volatile("invlpg (%0)" ::"r"(addr) : "memory");
}

#endif
