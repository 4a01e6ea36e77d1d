/*
 * Signal delivery on x86_64: the handler frame on the user stack,
 * rt_sigreturn, sigaltstack and syscall restart (Linux's ABI, so musl and
 * glibc programs run unchanged). The policy (which signal, stop, death)
 * is kernel/signal.c's get_signal().
 *
 * The frame (struct rt_sigframe, from the new stack pointer up):
 *
 *	pretcode	sa_restorer: the handler's `ret` goes there, and the
 *			restorer (musl's __restore_rt) calls rt_sigreturn
 *	uc		struct ucontext: uc_flags, uc_link, uc_stack (the
 *			sigaltstack at delivery), uc_mcontext (struct sigcontext:
 *			the general registers in Linux's order, i.e. gregs[REG_R8]
 *			first, rflags, cs/gs/fs/ss, err, trapno, oldmask, cr2,
 *			fpstate pointer), uc_sigmask (the mask to restore)
 *	info		siginfo_t (128 bytes)
 *	... FPU state (XSAVE or FXSAVE image, 64-byte aligned) above it,
 *	pointed to by uc_mcontext.fpstate.
 *
 * The handler starts with rdi = signal, rsi = &info, rdx = &uc, rax = 0,
 * rsp = the frame (16-byte aligned + 8, as right after a call), a clean
 * FPU state, DF/TF/RF clear. The stack is the sigaltstack if SA_ONSTACK
 * and one is set up and we are not on it already; else below the 128-byte
 * red zone of the interrupted stack.
 *
 * rt_sigreturn takes the registers back from the frame. A program may
 * have changed them: only the flags it could set itself are taken, cs and
 * ss are forced to the user segments, a non-canonical rip is refused
 * (SIGSEGV), and the FPU image is checked so XRSTOR/FXRSTOR cannot fault
 * in the kernel (reserved MXCSR bits, XSTATE_BV beyond XCR0, a compacted
 * or non-zero reserved header).
 *
 * FPU: user FPU state lives in the registers while the task is in the
 * kernel (arch/x86/kernel/process.c; the kernel itself never uses them),
 * so XSAVE here reads the interrupted program's state and XRSTOR sets the
 * state it returns to. A context switch between the two saves and
 * restores the same registers, so no lock is needed; the image goes
 * through a kernel buffer because copy_to_user is the only way to touch
 * user memory that may fault.
 */
#include <kestrel/errno.h>
#include <kestrel/preempt.h>
#include <kestrel/restart_block.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/segment.h>
#include <asm/sighandling.h>
#include <asm/syscall.h>
#include <asm/unistd_64.h>

#define X86_EFLAGS_CF (1UL << 0)
#define X86_EFLAGS_PF (1UL << 2)
#define X86_EFLAGS_AF (1UL << 4)
#define X86_EFLAGS_ZF (1UL << 6)
#define X86_EFLAGS_SF (1UL << 7)
#define X86_EFLAGS_TF (1UL << 8)
#define X86_EFLAGS_DF (1UL << 10)
#define X86_EFLAGS_OF (1UL << 11)
#define X86_EFLAGS_RF (1UL << 16)
#define X86_EFLAGS_AC (1UL << 18)
/* The flags user code can set itself (popf): the only ones rt_sigreturn takes. */
#define FIX_EFLAGS                                                                       \
	(X86_EFLAGS_AC | X86_EFLAGS_OF | X86_EFLAGS_DF | X86_EFLAGS_TF | X86_EFLAGS_SF |  \
	 X86_EFLAGS_ZF | X86_EFLAGS_AF | X86_EFLAGS_PF | X86_EFLAGS_CF | X86_EFLAGS_RF)

#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)
#define MINSIGSTKSZ 2048

#define FXSAVE_SIZE 512
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U

/* Linux's stack_t. */
struct uapi_stack {
	void __user *ss_sp;
	int ss_flags;
	size_t ss_size;
};

/* Linux's struct sigcontext (x86_64), the same layout as mcontext_t's gregs. */
struct sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
	u64 eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;		/* user address of the FPU image, 0 if none */
	u64 reserved1[8];
};

struct ucontext {
	unsigned long uc_flags;
	struct ucontext __user *uc_link;
	struct uapi_stack uc_stack;
	struct sigcontext uc_mcontext;
	sigset_t uc_sigmask;
};

struct rt_sigframe {
	void __user *pretcode;
	struct ucontext uc;
	kernel_siginfo_t info;
};

/* The software-reserved bytes 464..511 of the FXSAVE area: Linux's fpx_sw_bytes. */
struct fpx_sw_bytes {
	u32 magic1;
	u32 extended_size;	/* the image plus the trailing magic2 */
	u64 xfeatures;
	u32 xstate_size;
	u32 padding[7];
};

/* The legacy FXSAVE region's start (the fields we check). */
struct fxregs_head {
	u16 cwd, swd, twd, fop;
	u64 rip, rdp;
	u32 mxcsr, mxcsr_mask;
};

_Static_assert(sizeof(struct sigcontext) == 256, "Linux's sigcontext is 256 bytes");
_Static_assert(sizeof(struct ucontext) == 304, "Linux's ucontext (64-bit sigset) is 304 bytes");
_Static_assert(sizeof(kernel_siginfo_t) == 128, "siginfo_t is 128 bytes");

/* ---- FPU images ---- */

static bool fpu_uses_xsave(void)
{
	return read_cr4() & X86_CR4_OSXSAVE;
}

static u64 fpu_xfeatures(void)
{
	u32 lo, hi;

	if (!fpu_uses_xsave())
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((u64)hi << 32) | lo;
}

/* Bytes of the image in a frame: the state plus XSAVE's trailing magic2. */
static size_t fpu_frame_size(void)
{
	return fpu_state_size + (fpu_uses_xsave() ? sizeof(u32) : 0);
}

/* kmalloc of a power of two is aligned to it: at least 64 as XSAVE needs. */
static void *fpu_buf_alloc(void)
{
	size_t size = 64;

	while (size < fpu_frame_size())
		size <<= 1;
	return kzalloc(size, GFP_KERNEL);
}

static void fpu_save_regs(void *buf)
{
	u64 mask = fpu_xfeatures();

	if (fpu_uses_xsave())
		__asm__ volatile("xsave64 (%0)" ::"r"(buf), "a"((u32)mask), "d"((u32)(mask >> 32))
				 : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" ::"r"(buf) : "memory");
}

static void fpu_load_regs(const void *buf)
{
	u64 mask = fpu_xfeatures();

	if (fpu_uses_xsave())
		__asm__ volatile("xrstor64 (%0)" ::"r"(buf), "a"((u32)mask), "d"((u32)(mask >> 32))
				 : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" ::"r"(buf) : "memory");
}

/* The MXCSR bits this CPU accepts (FXSAVE's mxcsr_mask; 0 there means 0xffbf). */
static u32 mxcsr_feature_mask(void)
{
	static u32 mask;	/* computed once, the same on every CPU */
	u8 raw[FXSAVE_SIZE + 16];
	struct fxregs_head *fx;

	if (READ_ONCE(mask))
		return mask;
	fx = (void *)(((unsigned long)raw + 15) & ~15UL);
	memset(fx, 0, sizeof(*fx));
	__asm__ volatile("fxsave64 (%0)" ::"r"(fx) : "memory");
	WRITE_ONCE(mask, fx->mxcsr_mask ? fx->mxcsr_mask : 0xffbf);
	return mask;
}

/* Make a user-supplied image safe to load (see the header comment). */
static void fpu_sanitize(void *buf)
{
	struct fxregs_head *fx = buf;

	fx->mxcsr &= mxcsr_feature_mask();
	if (fpu_uses_xsave()) {
		u64 *hdr = (u64 *)((u8 *)buf + FXSAVE_SIZE);

		hdr[0] &= fpu_xfeatures();	/* XSTATE_BV */
		memset(&hdr[1], 0, 64 - sizeof(u64));	/* XCOMP_BV and the reserved bytes */
	}
}

/* The state a handler starts with: x87 and SSE defaults, every other component in init state. */
static void fpu_init_image(void *buf)
{
	struct fxregs_head *fx = buf;

	memset(buf, 0, fpu_state_size);
	fx->cwd = 0x037f;
	fx->mxcsr = 0x1f80;
}

/* ---- sigaltstack ---- */

static bool on_sig_stack(unsigned long sp)
{
	struct task_struct *me = current;

	return sp > me->sas_ss_sp && sp - me->sas_ss_sp <= me->sas_ss_size;
}

static int sas_ss_flags(unsigned long sp)
{
	struct task_struct *me = current;

	if (!me->sas_ss_size)
		return SS_DISABLE;
	return (on_sig_stack(sp) ? SS_ONSTACK : 0) | (me->sas_ss_flags & SS_AUTODISARM);
}

static int do_sigaltstack(const struct uapi_stack *ss, struct uapi_stack *oss, unsigned long sp)
{
	struct task_struct *me = current;

	if (oss) {
		oss->ss_sp = (void __user *)me->sas_ss_sp;
		oss->ss_size = me->sas_ss_size;
		oss->ss_flags = sas_ss_flags(sp);
	}
	if (ss) {
		unsigned int mode = (unsigned int)ss->ss_flags & ~SS_AUTODISARM;

		if (on_sig_stack(sp))
			return -EPERM;	/* cannot change the stack we are running on */
		if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			me->sas_ss_sp = 0;
			me->sas_ss_size = 0;
			me->sas_ss_flags = SS_DISABLE;
		} else {
			if (ss->ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			me->sas_ss_sp = (unsigned long)ss->ss_sp;
			me->sas_ss_size = ss->ss_size;
			me->sas_ss_flags = (unsigned int)ss->ss_flags & SS_AUTODISARM;
		}
	}
	return 0;
}

SYSCALL_DEFINE2(sigaltstack, const struct uapi_stack __user *, uss, struct uapi_stack __user *,
		uoss)
{
	struct uapi_stack new, old;
	int ret;

	if (uss && copy_from_user(&new, uss, sizeof(new)))
		return -EFAULT;
	ret = do_sigaltstack(uss ? &new : NULL, &old, current_pt_regs()->rsp);
	if (!ret && uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return ret;
}

/* ---- the frame ---- */

/*
 * The most stack one handler frame takes (get_sigframe's worst case on a
 * fresh alternate stack): what exec passes as AT_MINSIGSTKSZ, as Linux,
 * so sysconf(_SC_MINSIGSTKSZ) knows this CPU's FPU state size.
 */
unsigned long get_sigframe_size(void)
{
	/* The FPU image's 64-byte alignment loses up to 63 bytes, the frame's (16n - 8) up to 23. */
	unsigned long worst = fpu_frame_size() + 63 + sizeof(struct rt_sigframe) + 23;

	return (worst + 15) & ~15UL;
}

/*
 * Where the frame goes: the FPU image (64-aligned) at the top, the
 * rt_sigframe below it with rsp % 16 == 8 as at a function's entry.
 */
static unsigned long get_sigframe(struct ksignal *ksig, struct pt_regs *regs,
				  unsigned long *fpstate)
{
	struct task_struct *me = current;
	unsigned long sp = regs->rsp - 128;	/* the red zone stays untouched */
	bool altstack = on_sig_stack(regs->rsp);

	if ((ksig->ka.flags & SA_ONSTACK) && me->sas_ss_size && !altstack) {
		sp = me->sas_ss_sp + me->sas_ss_size;
		altstack = true;
	}
	sp = (sp - fpu_frame_size()) & ~63UL;
	*fpstate = sp;
	sp -= sizeof(struct rt_sigframe);
	sp = (sp & ~15UL) - 8;
	/* Running off the bottom of the alternate stack would overwrite what is below it. */
	if (altstack && !on_sig_stack(sp))
		return 0;
	return sp;
}

static void fill_sigcontext(struct sigcontext *sc, const struct pt_regs *regs,
			    const struct ksignal *ksig, unsigned long mask, unsigned long fpstate)
{
	memset(sc, 0, sizeof(*sc));
	sc->r8 = regs->r8;
	sc->r9 = regs->r9;
	sc->r10 = regs->r10;
	sc->r11 = regs->r11;
	sc->r12 = regs->r12;
	sc->r13 = regs->r13;
	sc->r14 = regs->r14;
	sc->r15 = regs->r15;
	sc->rdi = regs->rdi;
	sc->rsi = regs->rsi;
	sc->rbp = regs->rbp;
	sc->rbx = regs->rbx;
	sc->rdx = regs->rdx;
	sc->rax = regs->rax;
	sc->rcx = regs->rcx;
	sc->rsp = regs->rsp;
	sc->rip = regs->rip;
	sc->eflags = regs->rflags;
	sc->cs = (u16)regs->cs;
	sc->ss = (u16)regs->ss;
	/* A fault's error code and vector, as Linux reports them (0 for a syscall). */
	if (regs->vector < 32) {
		sc->err = regs->error_code;
		sc->trapno = regs->vector;
		/* The faulting address (Linux keeps cr2 from the #PF; si_addr is the same). */
		if (ksig->sig == SIGSEGV || ksig->sig == SIGBUS)
			sc->cr2 = (u64)ksig->info.fault.addr;
	}
	sc->oldmask = mask;
	sc->fpstate = fpstate;
}

/* Write the FPU image at user address fpstate, then give the handler a clean state. */
static int save_fpu_to_frame(unsigned long fpstate)
{
	void *buf;
	int err = 0;

	if (!current->thread.fpu)
		return 0;	/* no user FPU state (cannot happen for a user task) */
	buf = fpu_buf_alloc();
	if (!buf)
		return -ENOMEM;
	fpu_save_regs(buf);
	if (fpu_uses_xsave()) {
		struct fpx_sw_bytes *sw = (void *)((u8 *)buf + 464);

		sw->magic1 = FP_XSTATE_MAGIC1;
		sw->extended_size = (u32)fpu_frame_size();
		sw->xfeatures = fpu_xfeatures();
		sw->xstate_size = fpu_state_size;
		*(u32 *)((u8 *)buf + fpu_state_size) = FP_XSTATE_MAGIC2;
	}
	if (copy_to_user((void __user *)fpstate, buf, fpu_frame_size()))
		err = -EFAULT;
	if (!err) {
		fpu_init_image(buf);
		preempt_disable();
		fpu_load_regs(buf);
		preempt_enable();
	}
	kfree(buf);
	return err;
}

static int setup_rt_frame(struct ksignal *ksig, sigset_t *set, struct pt_regs *regs)
{
	struct rt_sigframe frame;
	unsigned long sp, fpstate;
	struct rt_sigframe __user *uframe;

	/* x86_64 user space always returns through sa_restorer (musl, glibc set it). */
	if (!(ksig->ka.flags & SA_RESTORER))
		return -EFAULT;
	sp = get_sigframe(ksig, regs, &fpstate);
	if (!sp || !access_ok((void __user *)sp, fpstate + fpu_frame_size() - sp))
		return -EFAULT;
	uframe = (struct rt_sigframe __user *)sp;

	memset(&frame, 0, sizeof(frame));
	frame.pretcode = ksig->ka.restorer;
	frame.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS |
			    (fpu_uses_xsave() ? UC_FP_XSTATE : 0);
	frame.uc.uc_link = NULL;
	frame.uc.uc_stack.ss_sp = (void __user *)current->sas_ss_sp;
	frame.uc.uc_stack.ss_size = current->sas_ss_size;
	frame.uc.uc_stack.ss_flags = sas_ss_flags(regs->rsp);
	fill_sigcontext(&frame.uc.uc_mcontext, regs, ksig, set->sig[0],
			current->thread.fpu ? fpstate : 0);
	frame.uc.uc_sigmask = *set;
	frame.info = ksig->info;
	if (copy_to_user(uframe, &frame, sizeof(frame)))
		return -EFAULT;
	if (save_fpu_to_frame(fpstate))
		return -EFAULT;
	/* SS_AUTODISARM: the handler owns the alternate stack until it returns. */
	if (current->sas_ss_flags & SS_AUTODISARM) {
		current->sas_ss_sp = 0;
		current->sas_ss_size = 0;
	}

	regs->rdi = (unsigned long)ksig->sig;
	regs->rsi = (unsigned long)&uframe->info;
	regs->rdx = (unsigned long)&uframe->uc;
	regs->rax = 0;
	regs->rsp = sp;
	regs->rip = (unsigned long)ksig->ka.handler;
	regs->rflags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	return 0;
}

/*
 * A syscall interrupted by a signal that runs a handler: -EINTR, or run it
 * again after the handler (SA_RESTART, or -ERESTARTNOINTR).
 */
static void handler_restart(struct ksignal *ksig, struct pt_regs *regs)
{
	if (!in_syscall(regs))
		return;
	switch (syscall_get_return_value(regs)) {
	case -ERESTART_RESTARTBLOCK:
	case -ERESTARTNOHAND:
		syscall_set_return_value(regs, -EINTR);
		break;
	case -ERESTARTSYS:
		if (!(ksig->ka.flags & SA_RESTART)) {
			syscall_set_return_value(regs, -EINTR);
			break;
		}
		syscall_restart(regs);
		break;
	case -ERESTARTNOINTR:
		syscall_restart(regs);
		break;
	}
}

/* No handler ran: every -ERESTART* goes back into the kernel. */
static void nohandler_restart(struct pt_regs *regs)
{
	if (!in_syscall(regs))
		return;
	switch (syscall_get_return_value(regs)) {
	case -ERESTARTNOHAND:
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
		syscall_restart(regs);
		break;
	case -ERESTART_RESTARTBLOCK:
		regs->rax = __NR_restart_syscall;
		regs->rip -= SYSCALL_INSN_LEN;
		break;
	}
}

void arch_do_signal_or_restart(struct pt_regs *regs)
{
	struct ksignal ksig;

	if (get_signal(&ksig)) {
		handler_restart(&ksig, regs);
		/* The restart decision is made: no second one on a later pass. */
		syscall_forget(regs);
		signal_setup_done(setup_rt_frame(&ksig, sigmask_to_save(), regs), &ksig);
		return;
	}
	nohandler_restart(regs);
	syscall_forget(regs);
	restore_saved_sigmask();
}

/* ---- rt_sigreturn ---- */

/* Load the FPU image at user address fpstate (0: init state). */
static int restore_fpu_from_frame(unsigned long fpstate)
{
	void *buf;
	int err = 0;

	if (!current->thread.fpu)
		return 0;
	buf = fpu_buf_alloc();
	if (!buf)
		return -ENOMEM;
	if (!fpstate)
		fpu_init_image(buf);
	else if (copy_from_user(buf, (const void __user *)fpstate, fpu_state_size))
		err = -EFAULT;
	if (!err) {
		fpu_sanitize(buf);
		preempt_disable();
		fpu_load_regs(buf);
		preempt_enable();
	}
	kfree(buf);
	return err;
}

static int restore_sigcontext(struct pt_regs *regs, const struct sigcontext *sc)
{
	/* A non-canonical rip would fault on the way out, in the kernel. */
	if (sc->rip >= TASK_SIZE_MAX)
		return -EFAULT;
	regs->r8 = sc->r8;
	regs->r9 = sc->r9;
	regs->r10 = sc->r10;
	regs->r11 = sc->r11;
	regs->r12 = sc->r12;
	regs->r13 = sc->r13;
	regs->r14 = sc->r14;
	regs->r15 = sc->r15;
	regs->rdi = sc->rdi;
	regs->rsi = sc->rsi;
	regs->rbp = sc->rbp;
	regs->rbx = sc->rbx;
	regs->rdx = sc->rdx;
	regs->rax = sc->rax;
	regs->rcx = sc->rcx;
	regs->rsp = sc->rsp;
	regs->rip = sc->rip;
	regs->rflags = (regs->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	/* Whatever the frame says: ring 3 and the user segments. */
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	syscall_forget(regs);	/* these registers are not a syscall to restart */
	return restore_fpu_from_frame(sc->fpstate);
}

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct pt_regs *regs = current_pt_regs();
	struct rt_sigframe __user *uframe = (struct rt_sigframe __user *)(regs->rsp - 8);
	struct ucontext uc;
	sigset_t set;

	/* The handler's `ret` popped pretcode: the frame starts 8 bytes below. */
	current->restart_block.fn = NULL;
	if (copy_from_user(&uc, &uframe->uc, sizeof(uc)))
		goto badframe;
	set = uc.uc_sigmask;
	set_current_blocked(&set);
	if (restore_sigcontext(regs, &uc.uc_mcontext))
		goto badframe;
	/* The alternate stack as it was at delivery (errors ignored, as Linux). */
	do_sigaltstack(&uc.uc_stack, NULL, regs->rsp);
	return (long)regs->rax;

badframe:
	force_sig(SIGSEGV);
	return 0;
}
