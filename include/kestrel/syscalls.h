/*
 * System calls: how a subsystem adds one.
 *
 *	SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count)
 *	{
 *		...
 *	}
 *
 * defines `long sys_read(unsigned int fd, char __user *buf, size_t count)`
 * in the file that owns the call, and __x64_sys_read(regs), the stub that
 * takes the arguments out of the registers and calls it. The row
 * `0 common read sys_read` of arch/x86/entry/syscalls/syscall_64.tbl puts
 * that stub at number 0 of the dispatch table (arch/x86/entry/syscall_64.c,
 * generated at build time by tools/syscalltbl): adding a syscall is its row
 * plus its SYSCALL_DEFINE (docs/process.md). The build fails when either is
 * missing. A number with no entry point returns -ENOSYS (logged once).
 *
 * Arguments arrive in rdi, rsi, rdx, r10, r8, r9 and are cast to the
 * declared types (an int argument is the low 32 bits, as on Linux).
 * A syscall returns a value >= 0 or a negative errno. It may return
 * -ERESTARTSYS / -ERESTARTNOINTR / -ERESTARTNOHAND / -ERESTART_RESTARTBLOCK
 * (include/kestrel/errno.h) when a signal interrupted it: signal delivery
 * turns those into -EINTR or a restart, never user space.
 */
#ifndef KESTREL_SYSCALLS_H
#define KESTREL_SYSCALLS_H

#include <kestrel/compiler.h>
#include <kestrel/types.h>

struct pt_regs;

/* A dispatch-table entry: unpacks the registers and calls sys_<name>. */
typedef long (*syscall_fn_t)(const struct pt_regs *regs);

/* The registers of the syscall being handled by current (for fork, exec, sigreturn, ...). */
struct pt_regs *current_pt_regs(void);

/* Linux's name of syscall nr (syscall_64.tbl, implemented or not), or NULL if nr is no syscall. */
const char *syscall_name(unsigned long nr);

#define __SC_ARGS0() void
#define __SC_ARGS1(t1, a1) t1 a1
#define __SC_ARGS2(t1, a1, t2, a2) t1 a1, t2 a2
#define __SC_ARGS3(t1, a1, t2, a2, t3, a3) t1 a1, t2 a2, t3 a3
#define __SC_ARGS4(t1, a1, t2, a2, t3, a3, t4, a4) t1 a1, t2 a2, t3 a3, t4 a4
#define __SC_ARGS5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) t1 a1, t2 a2, t3 a3, t4 a4, t5 a5
#define __SC_ARGS6(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6

#define __SC_CASTS0()
#define __SC_CASTS1(t1, a1) (t1)__r[0]
#define __SC_CASTS2(t1, a1, t2, a2) (t1)__r[0], (t2)__r[1]
#define __SC_CASTS3(t1, a1, t2, a2, t3, a3) (t1)__r[0], (t2)__r[1], (t3)__r[2]
#define __SC_CASTS4(t1, a1, t2, a2, t3, a3, t4, a4) \
	(t1)__r[0], (t2)__r[1], (t3)__r[2], (t4)__r[3]
#define __SC_CASTS5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	(t1)__r[0], (t2)__r[1], (t3)__r[2], (t4)__r[3], (t5)__r[4]
#define __SC_CASTS6(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	(t1)__r[0], (t2)__r[1], (t3)__r[2], (t4)__r[3], (t5)__r[4], (t6)__r[5]

/* The six argument registers of a syscall frame, in ABI order. */
void syscall_get_arguments(const struct pt_regs *regs, unsigned long args[6]);

#define __SYSCALL_DEFINEx(x, name, ...)                                              \
	long sys_##name(__SC_ARGS##x(__VA_ARGS__));                                   \
	long __x64_sys_##name(const struct pt_regs *regs);                            \
	long __x64_sys_##name(const struct pt_regs *regs)                             \
	{                                                                             \
		unsigned long __r[6];                                                 \
		syscall_get_arguments(regs, __r);                                     \
		(void)__r;                                                            \
		return sys_##name(__SC_CASTS##x(__VA_ARGS__));                        \
	}                                                                             \
	long sys_##name(__SC_ARGS##x(__VA_ARGS__))

#define SYSCALL_DEFINE0(name) __SYSCALL_DEFINEx(0, name)
#define SYSCALL_DEFINE1(name, ...) __SYSCALL_DEFINEx(1, name, __VA_ARGS__)
#define SYSCALL_DEFINE2(name, ...) __SYSCALL_DEFINEx(2, name, __VA_ARGS__)
#define SYSCALL_DEFINE3(name, ...) __SYSCALL_DEFINEx(3, name, __VA_ARGS__)
#define SYSCALL_DEFINE4(name, ...) __SYSCALL_DEFINEx(4, name, __VA_ARGS__)
#define SYSCALL_DEFINE5(name, ...) __SYSCALL_DEFINEx(5, name, __VA_ARGS__)
#define SYSCALL_DEFINE6(name, ...) __SYSCALL_DEFINEx(6, name, __VA_ARGS__)

#endif
