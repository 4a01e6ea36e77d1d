/*
 * The x86-64 side of kgdb (arch/x86/kernel/kgdb.c; include/kestrel/kgdb.h
 * is the rest): the registers as gdb numbers them, hardware breakpoints,
 * single steps, stopping the other CPUs.
 *
 * gdb's "i386:x86-64" register file without a target description: rax,
 * rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8-r15, rip (8 bytes each), then
 * eflags, cs, ss, ds, es, fs, gs (4 bytes each): 164 bytes, the part of
 * the 'g' packet kgdb sends (gdb takes the x87 and SSE registers after
 * them as unavailable: the kernel does not use them).
 */
#ifndef ASM_KGDB_H
#define ASM_KGDB_H

#include <kestrel/types.h>

enum gdb_regnum {
	GDB_AX, GDB_BX, GDB_CX, GDB_DX, GDB_SI, GDB_DI, GDB_BP, GDB_SP,
	GDB_R8, GDB_R9, GDB_R10, GDB_R11, GDB_R12, GDB_R13, GDB_R14, GDB_R15,
	GDB_PC, GDB_PS, GDB_CS, GDB_SS, GDB_DS, GDB_ES, GDB_FS, GDB_GS,
	DBG_MAX_REG_NUM
};
#define GDB_WIDE_REGS GDB_PS	/* registers before this one are 8 bytes, the others 4 */
#define NUMREGBYTES (GDB_WIDE_REGS * 8 + (DBG_MAX_REG_NUM - GDB_WIDE_REGS) * 4)
#define BREAK_INSTR_SIZE 1
#define BREAK_INSTR 0xcc	/* int3 */

struct pt_regs;
struct task_struct;

/* Where register regno lies in the 'g' packet's bytes, and its size. */
static inline unsigned int gdb_reg_offset(int regno)
{
	return regno < GDB_WIDE_REGS ? regno * 8 : GDB_WIDE_REGS * 8 + (regno - GDB_WIDE_REGS) * 4;
}
static inline unsigned int gdb_reg_size(int regno)
{
	return regno < GDB_WIDE_REGS ? 8 : 4;
}

/*
 * The registers of a context as gdb sees them. pt_regs_to_gdb_regs():
 * all of them; sleeping_thread_to_gdb_regs(): a switched-out task's, of
 * which only the ones __switch_to_asm saved are known; it returns the
 * bitmap of known registers (1 << regno).
 */
void pt_regs_to_gdb_regs(u8 *gdb_regs, const struct pt_regs *regs);
unsigned long sleeping_thread_to_gdb_regs(u8 *gdb_regs, struct task_struct *p);
/* Store register regno (gdb's bytes at val) into regs; -EINVAL for a segment register. */
int gdb_regs_write(struct pt_regs *regs, int regno, const u8 *val);

/* Breakpoint and watchpoint kinds, as gdb's Z packets number them. */
enum kgdb_bptype {
	BP_BREAKPOINT = 0,		/* software: an int3 written into the code */
	BP_HARDWARE_BREAKPOINT = 1,	/* DRn, execute */
	BP_WRITE_WATCHPOINT = 2,	/* DRn, data write */
	BP_READ_WATCHPOINT = 3,		/* x86 has none: refused */
	BP_ACCESS_WATCHPOINT = 4,	/* DRn, data read or write */
};

/*
 * Hardware breakpoints: one table for every CPU (each loads it into its
 * DR0-DR3 and DR7 when it leaves the debugger). Called by the master,
 * other CPUs stopped. 0 or -ENOSPC/-EINVAL/-ENOENT.
 */
int kgdb_arch_set_hw_break(unsigned long addr, int len, enum kgdb_bptype type);
int kgdb_arch_remove_hw_break(unsigned long addr, int len, enum kgdb_bptype type);
void kgdb_arch_remove_all_hw_break(void);
/* This CPU: breakpoints off while it is in the debugger / the table back on. */
void kgdb_arch_disable_hw_break(void);
void kgdb_arch_correct_hw_break(void);
/* The slot DR6 says hit, its address and kind (-1 if none of ours did). */
int kgdb_arch_hw_break_hit(unsigned long dr6, unsigned long *addr, enum kgdb_bptype *type);

/* Single step: arm the trap flag for one instruction; undo it when the #DB comes. */
void kgdb_arch_arm_step(struct pt_regs *regs);
void kgdb_arch_end_step(struct pt_regs *regs);
/* The resume after a fault-type stop (an execute breakpoint) must not stop again. */
void kgdb_arch_prepare_resume(struct pt_regs *regs);

/* Send the stop NMI to cpu. */
void kgdb_roundup_cpu(unsigned int cpu);

/*
 * Software breakpoints: save the byte at addr and write an int3 there
 * (text_poke: kernel text is read-only); put the byte back.
 */
int kgdb_arch_set_breakpoint(unsigned long addr, u8 *saved);
int kgdb_arch_remove_breakpoint(unsigned long addr, u8 saved);

/* The address of kgdb_breakpoint()'s int3, to tell it from a planted one. */
extern const unsigned long kgdb_breakpoint_addr;

/* From the core (kernel/debug/debug_core.c) for the traps. */
bool kgdb_is_sw_break(unsigned long addr);		/* a breakpoint gdb wants (planted or not) */
bool kgdb_stepping_cpu_is(unsigned int cpu);		/* cpu runs a single step for gdb */
/* #DB for a data watchpoint: enter, telling gdb which address. */
void kgdb_handle_watchpoint(struct pt_regs *regs, unsigned long addr, enum kgdb_bptype type);

#endif
