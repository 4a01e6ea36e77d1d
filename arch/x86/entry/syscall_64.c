/*
 * The x86_64 system-call tables, built from arch/x86/entry/syscalls/syscall_64.tbl.
 *
 * tools/syscalltbl turns the .tbl into asm/syscalls_64.h (in
 * build/include/generated/): one line per number below NR_syscalls,
 * __SYSCALL(nr, name, entry) for a call Kestrel implements,
 * __SYSCALL_NI(nr, name) for one it does not, __SYSCALL_HOLE(nr) for a
 * number Linux never gave out. Including that list three times with three
 * meanings of the macros gives the stubs' declarations, the dispatch table
 * (every slot callable: sys_ni_syscall where there is no entry point) and
 * the name table. Both tables are const: fixed at build time, in .rodata.
 */
#include <kestrel/syscalls.h>
#include <asm/syscall.h>
#include <asm/unistd_64.h>

/* The stubs SYSCALL_DEFINEn emits (include/kestrel/syscalls.h). */
#define __SYSCALL(nr, name, entry) long __x64_##entry(const struct pt_regs *regs);
#define __SYSCALL_NI(nr, name)
#define __SYSCALL_HOLE(nr)
#include <asm/syscalls_64.h>
#undef __SYSCALL
#undef __SYSCALL_NI
#undef __SYSCALL_HOLE

#define __SYSCALL(nr, name, entry) [nr] = __x64_##entry,
#define __SYSCALL_NI(nr, name) [nr] = sys_ni_syscall,
#define __SYSCALL_HOLE(nr) [nr] = sys_ni_syscall,
const syscall_fn_t sys_call_table[NR_syscalls] = {
#include <asm/syscalls_64.h>
};
#undef __SYSCALL
#undef __SYSCALL_NI
#undef __SYSCALL_HOLE

/* For logs ("syscall 157 (prctl) not implemented"); NULL for a hole. */
#define __SYSCALL(nr, name, entry) [nr] = #name,
#define __SYSCALL_NI(nr, name) [nr] = #name,
#define __SYSCALL_HOLE(nr)
static const char *const syscall_names[NR_syscalls] = {
#include <asm/syscalls_64.h>
};
#undef __SYSCALL
#undef __SYSCALL_NI
#undef __SYSCALL_HOLE

const char *syscall_name(unsigned long nr)
{
	return nr < NR_syscalls ? syscall_names[nr] : NULL;
}
