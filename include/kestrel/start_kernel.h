/*
 * The kernel's C entry point (kernel/main.c), called once by
 * arch/x86/boot/head.S on the boot CPU with the multiboot2 magic and the
 * physical address of the boot information; never returns.
 */
#ifndef KESTREL_START_KERNEL_H
#define KESTREL_START_KERNEL_H

#include <kestrel/types.h>

void start_kernel(u32 magic, u32 info_phys);

#endif
