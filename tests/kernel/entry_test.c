/*
 * ktests for the syscall dispatcher, the syscall frame accessors,
 * arch_prctl and per-thread FPU state (arch/x86/kernel/{syscall,process}.c).
 * Entering user mode for real is tested by the integration tests that
 * boot user programs (tests/integration/exec_*.sh).
 */
#include <kestrel/errno.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/percpu.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/syscall.h>
#include <asm/unistd_64.h>

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

/* A syscall frame as entry_SYSCALL_64 builds it. */
static void syscall_frame(struct pt_regs *regs, unsigned long nr, unsigned long a0,
			  unsigned long a1)
{
	memset(regs, 0, sizeof(*regs));
	regs->vector = SYSCALL_FRAME_VECTOR;
	regs->error_code = nr;
	regs->rax = nr;
	regs->rdi = a0;
	regs->rsi = a1;
	regs->rip = regs->rcx = 0x401002;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
}

KTEST(entry, unknown_syscall_enosys)
{
	struct pt_regs regs;

	/* A number beyond the table, and 400: in the hole between 334 (rseq) and 424. */
	syscall_frame(&regs, NR_syscalls + 1000, 0, 0);
	KEXPECT_EQ(syscall_dispatch(&regs), -ENOSYS);
	syscall_frame(&regs, 400, 0, 0);
	KEXPECT_EQ(syscall_dispatch(&regs), -ENOSYS);
	/* A negative orig_rax (-1) is far out of range, not an index. */
	syscall_frame(&regs, (unsigned long)-1L, 0, 0);
	KEXPECT_EQ(syscall_dispatch(&regs), -ENOSYS);
	KEXPECT(syscall_name(400) == NULL);
	KEXPECT(syscall_name(NR_syscalls) == NULL);
}

/* A syscall_64.tbl row without entry point: Linux's name, -ENOSYS, the ni stub in the table. */
KTEST(entry, unimplemented_row_enosys)
{
	struct pt_regs regs;

	KEXPECT_STREQ(syscall_name(__NR_shmget), "shmget");
	KEXPECT(sys_call_table[__NR_shmget] == sys_ni_syscall);
	syscall_frame(&regs, __NR_shmget, 0, 0);
	KEXPECT_EQ(syscall_dispatch(&regs), -ENOSYS);
	/* Holes (335 to 423) are not calls either. */
	KEXPECT(sys_call_table[400] == sys_ni_syscall);
	/* The first and last rows are where the .tbl puts them. */
	KEXPECT_STREQ(syscall_name(0), "read");
	KEXPECT(sys_call_table[__NR_read] != sys_ni_syscall);
	KEXPECT_STREQ(syscall_name(NR_syscalls - 1), "set_mempolicy_home_node");
}

KTEST(entry, registered_syscall_dispatched)
{
	struct pt_regs regs;

	KEXPECT_STREQ(syscall_name(__NR_arch_prctl), "arch_prctl");
	/* arch_prctl with an unknown option: the registered function ran. */
	syscall_frame(&regs, __NR_arch_prctl, 0x9999, 0);
	KEXPECT_EQ(syscall_dispatch(&regs), -EINVAL);
	/* A kernel address as the user pointer: EFAULT, no oops. */
	syscall_frame(&regs, __NR_arch_prctl, ARCH_GET_FS, (unsigned long)&regs);
	KEXPECT_EQ(syscall_dispatch(&regs), -EFAULT);
}

KTEST(entry, syscall_frame_accessors)
{
	struct pt_regs regs;
	unsigned long args[6];

	syscall_frame(&regs, __NR_arch_prctl, 11, 22);
	regs.rdx = 33;
	regs.r10 = 44;
	regs.rcx = 0xdead;	/* SYSCALL's return address, not an argument */
	regs.r8 = 55;
	regs.r9 = 66;
	syscall_get_arguments(&regs, args);
	KEXPECT_EQ(args[0], 11UL);
	KEXPECT_EQ(args[1], 22UL);
	KEXPECT_EQ(args[2], 33UL);
	KEXPECT_EQ(args[3], 44UL);
	KEXPECT_EQ(args[4], 55UL);
	KEXPECT_EQ(args[5], 66UL);

	KEXPECT(in_syscall(&regs));
	KEXPECT_EQ(syscall_get_nr(&regs), (long)__NR_arch_prctl);
	syscall_set_return_value(&regs, -ERESTARTSYS);
	KEXPECT_EQ(syscall_get_return_value(&regs), (long)-ERESTARTSYS);
	syscall_restart(&regs);
	KEXPECT_EQ(regs.rax, (unsigned long)__NR_arch_prctl);
	KEXPECT_EQ(regs.rip, 0x401000UL);
	syscall_forget(&regs);
	KEXPECT(!in_syscall(&regs));

	/* An interrupt frame is not a syscall frame. */
	regs.vector = 0x20;
	regs.error_code = 0;
	KEXPECT(!in_syscall(&regs));
	KEXPECT_EQ(syscall_get_nr(&regs), -1L);

	/* The current task's user frame is the top of its kernel stack. */
	KEXPECT_EQ((unsigned long)(current_pt_regs() + 1), current->stack_top);
}

KTEST(entry, arch_prctl_fs_gs_base)
{
	struct task_struct *me = current;
	unsigned long old_fs = me->thread.fsbase, old_gs = me->thread.gsbase;
	unsigned long old_kgs = rdmsr(MSR_KERNEL_GS_BASE);
	unsigned long kernel_gs = rdmsr(MSR_GS_BASE);

	KEXPECT_EQ(do_arch_prctl(me, ARCH_SET_FS, 0x7f0012345000UL), 0L);
	KEXPECT_EQ(me->thread.fsbase, 0x7f0012345000UL);
	KEXPECT_EQ(rdmsr(MSR_FS_BASE), 0x7f0012345000UL);
	/* Beyond user space: EPERM, nothing changed. */
	KEXPECT_EQ(do_arch_prctl(me, ARCH_SET_FS, 1UL << 47), -EPERM);
	KEXPECT_EQ(do_arch_prctl(me, ARCH_SET_FS, 0xffff888000000000UL), -EPERM);
	KEXPECT_EQ(me->thread.fsbase, 0x7f0012345000UL);

	/* The user GS base sits in MSR_KERNEL_GS_BASE while in the kernel; ours is untouched. */
	KEXPECT_EQ(do_arch_prctl(me, ARCH_SET_GS, 0x600000UL), 0L);
	KEXPECT_EQ(rdmsr(MSR_KERNEL_GS_BASE), 0x600000UL);
	KEXPECT_EQ(rdmsr(MSR_GS_BASE), kernel_gs);

	do_arch_prctl(me, ARCH_SET_FS, old_fs);
	do_arch_prctl(me, ARCH_SET_GS, old_gs);
	wrmsr(MSR_KERNEL_GS_BASE, old_kgs);
	wrmsr(MSR_FS_BASE, old_fs);
}

/*
 * Two threads on one CPU each keep their own value in xmm0 and in the x87
 * control word across many switches: per-thread FPU state is saved and
 * restored (the kernel itself never touches these registers).
 */
struct fpu_worker {
	u64 pattern;
	u16 fcw;
	int errors;
	int rounds;
	bool done;
};

static int fpu_worker_fn(void *data)
{
	struct fpu_worker *w = data;

	if (fpu_thread_alloc(current))
		return -ENOMEM;
	for (int i = 0; i < 200; i++) {
		u64 v = w->pattern + i, got;
		u16 fcw = w->fcw, got_fcw;

		__asm__ volatile("movq %0, %%xmm0" ::"r"(v));
		__asm__ volatile("fldcw %0" ::"m"(fcw));
		yield();
		__asm__ volatile("movq %%xmm0, %0" : "=r"(got));
		__asm__ volatile("fnstcw %0" : "=m"(got_fcw));
		if (got != v || got_fcw != fcw)
			w->errors++;
		w->rounds++;
	}
	WRITE_ONCE(w->done, true);
	return 0;
}

KTEST(entry, fpu_state_per_thread)
{
	struct fpu_worker w[2] = {
		{ .pattern = 0x1111222233330000ULL, .fcw = 0x037f },
		{ .pattern = 0xaaaabbbbcccc0000ULL, .fcw = 0x027f },
	};
	struct task_struct *thr[2];
	unsigned int cpu = smp_processor_id();

	for (int i = 0; i < 2; i++) {
		thr[i] = kthread_create(fpu_worker_fn, &w[i], "fpu_test/%d", i);
		KASSERT(!IS_ERR(thr[i]));
		kthread_bind(thr[i], cpu);
		get_task_struct(thr[i]);
	}
	for (int i = 0; i < 2; i++)
		wake_up_process(thr[i]);
	/* kthread_stop before a thread ran would skip its body: wait for both first. */
	for (int i = 0; i < 2; i++)
		while (!READ_ONCE(w[i].done))
			schedule_timeout_uninterruptible(1);
	for (int i = 0; i < 2; i++) {
		KEXPECT_EQ(kthread_stop(thr[i]), 0);
		put_task_struct(thr[i]);
	}
	for (int i = 0; i < 2; i++) {
		KEXPECT_EQ(w[i].rounds, 200);
		KEXPECT_EQ(w[i].errors, 0);
	}
	KEXPECT(fpu_state_size >= 512);
}
