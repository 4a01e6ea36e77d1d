/*
 * Changing kernel text at run time (arch/x86/kernel/alternative.c).
 *
 * The kernel image's text is mapped read-only (arch/x86/mm/init.c), so a
 * patch is written through a temporary alias: the physical page mapped
 * writable at a virtual address of its own (the poke slot, set up at
 * boot) for the duration of the write, then unmapped and its TLB entry
 * dropped. The CPUs that may run the patched bytes must not run while
 * they change (kgdb: every other CPU is held in the debugger); each of
 * them serializes (iret) before it runs the code again.
 */
#ifndef ASM_TEXT_PATCHING_H
#define ASM_TEXT_PATCHING_H

#include <kestrel/types.h>

/* Reserve the poke slot (needs vmalloc): 0, or -ENOMEM. Idempotent. */
int text_poke_init(void);
/*
 * Write len bytes at addr (mapped kernel memory, read-only or not, within
 * one page or across several), without taking any lock: 0, -EFAULT for an
 * unmapped address, -ENODEV before text_poke_init(). The caller makes sure
 * nobody runs the bytes meanwhile and no other CPU pokes at the same time.
 */
int text_poke(void *addr, const void *src, size_t len);

#endif
