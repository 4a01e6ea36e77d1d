/*
 * System calls: how a subsystem adds one.
 *
 *	SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count)
 *	{
 *		...
 *	}
 *
 * defines `long sys_read(unsigned int fd, char __user *buf, size_t count)`
 * in the file that owns the call and registers it under __NR_read in the
 * syscall_table section. arch/x86/kernel/syscall.c builds its dispatch
 * table from that section at boot, so adding a syscall edits no central
 * list. A number nobody registered returns -ENOSYS (logged once).
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
#include <asm/unistd_64.h>

struct pt_regs;

typedef long (*syscall_fn_t)(const struct pt_regs *regs);

struct syscall_desc {
	unsigned long nr;	/* __NR_* */
	syscall_fn_t fn;	/* unpacks the registers and calls sys_<name> */
	const char *call_name;	/* "read", for logs */
};

/* The registers of the syscall being handled by current (for fork, exec, sigreturn, ...). */
struct pt_regs *current_pt_regs(void);

/* Registered syscall name for nr (logs, /proc/<pid>/syscall), or NULL. */
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
	static long __se_sys_##name(const struct pt_regs *regs)                       \
	{                                                                             \
		unsigned long __r[6];                                                 \
		syscall_get_arguments(regs, __r);                                     \
		(void)__r;                                                            \
		return sys_##name(__SC_CASTS##x(__VA_ARGS__));                        \
	}                                                                             \
	static const struct syscall_desc __syscall_desc_##name                        \
		__used __section("syscall_table") __aligned(8) = {                    \
		.nr = __NR_##name, .fn = __se_sys_##name, .call_name = #name,         \
	};                                                                            \
	long sys_##name(__SC_ARGS##x(__VA_ARGS__))

#define SYSCALL_DEFINE0(name) __SYSCALL_DEFINEx(0, name)
#define SYSCALL_DEFINE1(name, ...) __SYSCALL_DEFINEx(1, name, __VA_ARGS__)
#define SYSCALL_DEFINE2(name, ...) __SYSCALL_DEFINEx(2, name, __VA_ARGS__)
#define SYSCALL_DEFINE3(name, ...) __SYSCALL_DEFINEx(3, name, __VA_ARGS__)
#define SYSCALL_DEFINE4(name, ...) __SYSCALL_DEFINEx(4, name, __VA_ARGS__)
#define SYSCALL_DEFINE5(name, ...) __SYSCALL_DEFINEx(5, name, __VA_ARGS__)
#define SYSCALL_DEFINE6(name, ...) __SYSCALL_DEFINEx(6, name, __VA_ARGS__)

#endif
