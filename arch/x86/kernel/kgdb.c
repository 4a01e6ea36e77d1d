/*
 * kgdb on x86-64: registers in gdb's layout, software breakpoints (int3
 * through text_poke), hardware breakpoints and watchpoints (DR0-DR7 on
 * every CPU), single steps (the trap flag), and the traps that enter the
 * debugger (asm/kgdb.h; kernel/debug/ is the machine-independent part).
 *
 * Hardware breakpoints: gdb's Z1/Z2/Z4 fill hw_breaks[] while every CPU
 * is in the debugger; each CPU loads the table into its own debug
 * registers when it leaves (kgdb_arch_correct_hw_break), and clears DR7
 * when it enters, so the debugger itself never trips one. The table is
 * only written by the master with the others stopped, and read by each
 * CPU before it is released: no lock.
 *
 * Single step: the trap flag for one instruction, with interrupts masked
 * in that instruction's flags (an interrupt handler run while the other
 * CPUs are held could spin on a lock one of them holds); the #DB that
 * ends the step restores IF unless the instruction itself set it (sti,
 * cli, popf, iret).
 *
 * Linux: arch/x86/kernel/kgdb.c.
 */
#include <kestrel/errno.h>
#include <kestrel/kgdb.h>
#include <kestrel/percpu.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <asm/apic.h>
#include <asm/extable.h>
#include <asm/irq_vectors.h>
#include <asm/kgdb.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/segment.h>
#include <asm/text-patching.h>

#define X86_EFLAGS_TF (1UL << 8)
#define X86_EFLAGS_RF (1UL << 16)

/* ---------------------------------------------------------------- registers */

static void put_reg(u8 *gdb_regs, int regno, unsigned long v)
{
	memcpy(gdb_regs + gdb_reg_offset(regno), &v, gdb_reg_size(regno));	/* little-endian */
}

void pt_regs_to_gdb_regs(u8 *g, const struct pt_regs *regs)
{
	put_reg(g, GDB_AX, regs->rax);
	put_reg(g, GDB_BX, regs->rbx);
	put_reg(g, GDB_CX, regs->rcx);
	put_reg(g, GDB_DX, regs->rdx);
	put_reg(g, GDB_SI, regs->rsi);
	put_reg(g, GDB_DI, regs->rdi);
	put_reg(g, GDB_BP, regs->rbp);
	put_reg(g, GDB_SP, regs->rsp);
	put_reg(g, GDB_R8, regs->r8);
	put_reg(g, GDB_R9, regs->r9);
	put_reg(g, GDB_R10, regs->r10);
	put_reg(g, GDB_R11, regs->r11);
	put_reg(g, GDB_R12, regs->r12);
	put_reg(g, GDB_R13, regs->r13);
	put_reg(g, GDB_R14, regs->r14);
	put_reg(g, GDB_R15, regs->r15);
	put_reg(g, GDB_PC, regs->rip);
	put_reg(g, GDB_PS, regs->rflags);
	put_reg(g, GDB_CS, regs->cs);
	put_reg(g, GDB_SS, regs->ss);
	/* Long mode ignores ds/es; fs/gs are bases in MSRs: show the selectors as null. */
	put_reg(g, GDB_DS, 0);
	put_reg(g, GDB_ES, 0);
	put_reg(g, GDB_FS, 0);
	put_reg(g, GDB_GS, 0);
}

/*
 * A switched-out task's stack (arch/x86/kernel/switch_to.S): thread.sp
 * points at r15, r14, r13, r12, rbx, rbp, then the return address into
 * the code that called __switch_to_asm. gdb gets those, rsp as it is
 * after that return, and the kernel segments; the caller-saved registers
 * are unknown.
 */
unsigned long sleeping_thread_to_gdb_regs(u8 *g, struct task_struct *p)
{
	unsigned long frame[7], sp = READ_ONCE(p->thread.sp);

	memset(g, 0, NUMREGBYTES);
	if (copy_from_kernel_nofault(frame, (void *)sp, sizeof(frame)))
		return 0;
	put_reg(g, GDB_R15, frame[0]);
	put_reg(g, GDB_R14, frame[1]);
	put_reg(g, GDB_R13, frame[2]);
	put_reg(g, GDB_R12, frame[3]);
	put_reg(g, GDB_BX, frame[4]);
	put_reg(g, GDB_BP, frame[5]);
	put_reg(g, GDB_PC, frame[6]);
	put_reg(g, GDB_SP, sp + sizeof(frame));
	put_reg(g, GDB_CS, __KERNEL_CS);
	put_reg(g, GDB_SS, __KERNEL_DS);
	return 1UL << GDB_R15 | 1UL << GDB_R14 | 1UL << GDB_R13 | 1UL << GDB_R12 |
	       1UL << GDB_BX | 1UL << GDB_BP | 1UL << GDB_PC | 1UL << GDB_SP |
	       1UL << GDB_CS | 1UL << GDB_SS;
}

int gdb_regs_write(struct pt_regs *regs, int regno, const u8 *val)
{
	unsigned long v = 0;
	unsigned long *const slot[GDB_WIDE_REGS + 1] = {
		[GDB_AX] = &regs->rax, [GDB_BX] = &regs->rbx, [GDB_CX] = &regs->rcx,
		[GDB_DX] = &regs->rdx, [GDB_SI] = &regs->rsi, [GDB_DI] = &regs->rdi,
		[GDB_BP] = &regs->rbp, [GDB_SP] = &regs->rsp, [GDB_R8] = &regs->r8,
		[GDB_R9] = &regs->r9, [GDB_R10] = &regs->r10, [GDB_R11] = &regs->r11,
		[GDB_R12] = &regs->r12, [GDB_R13] = &regs->r13, [GDB_R14] = &regs->r14,
		[GDB_R15] = &regs->r15, [GDB_PC] = &regs->rip, [GDB_PS] = &regs->rflags,
	};

	if (regno < 0 || regno > GDB_PS)
		return -EINVAL;	/* segment registers: the entry code owns them */
	memcpy(&v, val, gdb_reg_size(regno));
	if (regno == GDB_PS)	/* flags: keep the bits only the kernel may set (IOPL, VM...) */
		v = (regs->rflags & ~0xcd5UL) | (v & 0xcd5UL);	/* CF PF AF ZF SF TF DF OF */
	*slot[regno] = v;
	return 0;
}

/* ---------------------------------------------------------------- software breakpoints */

int kgdb_arch_set_breakpoint(unsigned long addr, u8 *saved)
{
	u8 int3 = BREAK_INSTR;

	if (copy_from_kernel_nofault(saved, (void *)addr, 1))
		return -EFAULT;
	return text_poke((void *)addr, &int3, 1);
}

int kgdb_arch_remove_breakpoint(unsigned long addr, u8 saved)
{
	return text_poke((void *)addr, &saved, 1);
}

/* ---------------------------------------------------------------- hardware breakpoints */

#define HBP_NUM 4
#define DR7_LOCAL_EXACT (1UL << 8)	/* LE: exact data breakpoints (what the CPU does anyway) */
#define DR6_BS (1UL << 14)		/* single step */
#define DR6_RESET 0xffff0ff0UL

static struct hw_break {
	bool enabled;
	unsigned long addr;
	int len;			/* 1, 2, 4 or 8 */
	enum kgdb_bptype type;
} hw_breaks[HBP_NUM];

#define DEFINE_DR_ACCESS(n)                                                  \
	static inline void set_dr##n(unsigned long v)                        \
	{                                                                    \
		__asm__ volatile("mov %0, %%db" #n ::"r"(v));                \
	}
DEFINE_DR_ACCESS(0)
DEFINE_DR_ACCESS(1)
DEFINE_DR_ACCESS(2)
DEFINE_DR_ACCESS(3)
DEFINE_DR_ACCESS(6)
DEFINE_DR_ACCESS(7)

static void set_dr_addr(int slot, unsigned long addr)
{
	switch (slot) {
	case 0: set_dr0(addr); break;
	case 1: set_dr1(addr); break;
	case 2: set_dr2(addr); break;
	default: set_dr3(addr); break;
	}
}

/* DR7's R/W and LEN fields for a slot (Intel SDM 17.2.4). */
static unsigned long dr7_bits(int slot, const struct hw_break *b)
{
	static const unsigned long len_bits[9] = { [1] = 0, [2] = 1, [4] = 3, [8] = 2 };
	unsigned long rw = b->type == BP_HARDWARE_BREAKPOINT ? 0 :
			   b->type == BP_WRITE_WATCHPOINT ? 1 : 3;
	unsigned long len = b->type == BP_HARDWARE_BREAKPOINT ? 0 : len_bits[b->len];

	return (2UL << (slot * 2)) |			/* Gn: enabled, whatever the task */
	       (((len << 2) | rw) << (16 + slot * 4));
}

static bool hw_break_valid(unsigned long addr, int len, enum kgdb_bptype type)
{
	if (type == BP_HARDWARE_BREAKPOINT)
		return true;	/* gdb says len 1 for an instruction */
	if (type != BP_WRITE_WATCHPOINT && type != BP_ACCESS_WATCHPOINT)
		return false;
	return (len == 1 || len == 2 || len == 4 || len == 8) && !(addr & (len - 1));
}

int kgdb_arch_set_hw_break(unsigned long addr, int len, enum kgdb_bptype type)
{
	if (!hw_break_valid(addr, len, type))
		return -EINVAL;
	for (int i = 0; i < HBP_NUM; i++) {
		if (hw_breaks[i].enabled)
			continue;
		hw_breaks[i] = (struct hw_break){ .enabled = true, .addr = addr,
						  .len = type == BP_HARDWARE_BREAKPOINT ? 1 : len,
						  .type = type };
		return 0;
	}
	return -ENOSPC;
}

int kgdb_arch_remove_hw_break(unsigned long addr, int len, enum kgdb_bptype type)
{
	for (int i = 0; i < HBP_NUM; i++) {
		struct hw_break *b = &hw_breaks[i];

		if (b->enabled && b->addr == addr && b->type == type) {
			b->enabled = false;
			return 0;
		}
	}
	return -ENOENT;
}

void kgdb_arch_remove_all_hw_break(void)
{
	for (int i = 0; i < HBP_NUM; i++)
		hw_breaks[i].enabled = false;
}

void kgdb_arch_disable_hw_break(void)
{
	set_dr7(0);
}

void kgdb_arch_correct_hw_break(void)
{
	unsigned long dr7 = 0;

	for (int i = 0; i < HBP_NUM; i++) {
		if (!hw_breaks[i].enabled)
			continue;
		set_dr_addr(i, hw_breaks[i].addr);
		dr7 |= dr7_bits(i, &hw_breaks[i]);
	}
	if (dr7)
		dr7 |= DR7_LOCAL_EXACT | (DR7_LOCAL_EXACT << 1);	/* LE, GE */
	set_dr7(dr7);
}

int kgdb_arch_hw_break_hit(unsigned long dr6, unsigned long *addr, enum kgdb_bptype *type)
{
	for (int i = 0; i < HBP_NUM; i++) {
		if ((dr6 & (1UL << i)) && hw_breaks[i].enabled) {
			*addr = hw_breaks[i].addr;
			*type = hw_breaks[i].type;
			return i;
		}
	}
	return -1;
}

/* ---------------------------------------------------------------- single step */

static bool step_saved_if;		/* IF of the stepped context, masked for the step */
static unsigned long step_rip;		/* where the stepped instruction starts */

void kgdb_arch_arm_step(struct pt_regs *regs)
{
	step_saved_if = regs->rflags & X86_EFLAGS_IF;
	step_rip = regs->rip;
	regs->rflags = (regs->rflags & ~X86_EFLAGS_IF) | X86_EFLAGS_TF;
}

/* Did the stepped instruction set IF itself (sti, cli, popf, iret)? */
static bool step_insn_sets_if(void)
{
	u8 insn[2];

	if (copy_from_kernel_nofault(insn, (void *)step_rip, sizeof(insn)))
		return false;
	if (insn[0] == 0x48 || insn[0] == 0x66)	/* REX.W / operand size: iretq, popfq... */
		insn[0] = insn[1];
	return insn[0] == 0xfa || insn[0] == 0xfb || insn[0] == 0x9d || insn[0] == 0xcf;
}

void kgdb_arch_end_step(struct pt_regs *regs)
{
	regs->rflags &= ~X86_EFLAGS_TF;
	if (!step_insn_sets_if() && step_saved_if)
		regs->rflags |= X86_EFLAGS_IF;
}

void kgdb_arch_prepare_resume(struct pt_regs *regs)
{
	/* An execute breakpoint is a fault: RF lets its instruction run once. */
	regs->rflags |= X86_EFLAGS_RF;
}

/* ---------------------------------------------------------------- other CPUs */

void kgdb_roundup_cpu(unsigned int cpu)
{
	apic_icr_write(APIC_DM_NMI, (u32)apic_cpu_to_id(cpu));
}

/* ---------------------------------------------------------------- the traps */

bool kgdb_handle_debug(struct pt_regs *regs, unsigned long dr6)
{
	unsigned long addr;
	enum kgdb_bptype type;

	if (!kgdb_enabled())
		return false;
	if (dr6 & DR6_BS) {
		if (!kgdb_stepping_cpu_is(smp_processor_id()))
			return false;
		set_dr6(DR6_RESET);
		kgdb_arch_end_step(regs);
		kgdb_handle_exception(X86_TRAP_DB, SIGTRAP, regs);
		return true;
	}
	if (kgdb_arch_hw_break_hit(dr6, &addr, &type) < 0)
		return false;
	set_dr6(DR6_RESET);
	if (type == BP_HARDWARE_BREAKPOINT)
		kgdb_handle_exception(X86_TRAP_DB, SIGTRAP, regs);
	else
		kgdb_handle_watchpoint(regs, addr, type);
	return true;
}

