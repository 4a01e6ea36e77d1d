/*
 * struct pt_regs: the registers of interrupted code, as the entry code in
 * arch/x86/kernel/entry.S saves them on the stack. The layout is fixed by
 * entry.S (arch/x86/kernel/idt.c checks the PTREGS_* offsets against the struct):
 * the general registers it pushes, the vector and error code its stub
 * pushes, then the frame the CPU pushed.
 */
#ifndef ASM_PTRACE_H
#define ASM_PTRACE_H

#define PTREGS_R15 0
#define PTREGS_R14 8
#define PTREGS_R13 16
#define PTREGS_R12 24
#define PTREGS_RBP 32
#define PTREGS_RBX 40
#define PTREGS_R11 48
#define PTREGS_R10 56
#define PTREGS_R9 64
#define PTREGS_R8 72
#define PTREGS_RAX 80
#define PTREGS_RCX 88
#define PTREGS_RDX 96
#define PTREGS_RSI 104
#define PTREGS_RDI 112
#define PTREGS_VECTOR 120
#define PTREGS_ERROR_CODE 128
#define PTREGS_RIP 136
#define PTREGS_CS 144
#define PTREGS_RFLAGS 152
#define PTREGS_RSP 160
#define PTREGS_SS 168
#define PTREGS_SIZE 176

#ifndef __ASSEMBLER__
#include <kestrel/types.h>

struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	unsigned long rax, rcx, rdx, rsi, rdi;
	unsigned long vector;		/* IDT vector, pushed by the stub */
	unsigned long error_code;	/* CPU's error code, or 0 */
	/* pushed by the CPU */
	unsigned long rip, cs, rflags, rsp, ss;
};

static inline bool user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) != 0;
}

/* Print regs Linux-style (RIP with symbol, all GPRs, RFLAGS, control registers). */
void show_regs(const struct pt_regs *regs);
#endif

#endif
