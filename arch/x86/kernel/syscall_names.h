/* Linux's name of every x86_64 syscall number (syscall_names.c); NULL for holes. */
#ifndef X86_KERNEL_SYSCALL_NAMES_H
#define X86_KERNEL_SYSCALL_NAMES_H

#include <asm/unistd_64.h>

extern const char *const linux_syscall_names[NR_syscalls];

#endif
