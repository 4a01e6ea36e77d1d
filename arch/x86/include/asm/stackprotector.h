/*
 * The stack protector's canary (Linux's asm/stackprotector.h, with one
 * global canary: -mstack-protector-guard=global). The compiler puts
 * __stack_chk_guard in the frame of every function with an array or an
 * address-taken local (-fstack-protector-strong) and compares it at the
 * return; a difference calls __stack_chk_fail (kernel/panic.c), which
 * panics: a stack buffer overflow has overwritten the return address or
 * is about to.
 *
 * boot_init_stack_canary() sets the canary once, first thing in
 * start_kernel, before any other CPU runs. Frames entered before that
 * hold the old value; only start_kernel is one, and it never returns.
 * The canary comes from RDRAND when the CPU has it, mixed with the TSC;
 * its lowest byte is 0, so a string overflow (strcpy stops at the NUL)
 * cannot write it back as it was.
 */
#ifndef ASM_STACKPROTECTOR_H
#define ASM_STACKPROTECTOR_H

#include <kestrel/types.h>
#include <asm/processor.h>

extern unsigned long __stack_chk_guard;

static __always_inline unsigned long rdrand_or_zero(void)
{
	u32 a, b, c, d;
	unsigned long v;
	bool ok;

	cpuid(1, &a, &b, &c, &d);
	if (!(c & (1U << 30)))
		return 0;
	for (int tries = 0; tries < 10; tries++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
		if (ok)
			return v;
	}
	return 0;
}

static __always_inline void boot_init_stack_canary(void)
{
	unsigned long canary = rdrand_or_zero();
	u64 tsc = rdtsc();

	canary ^= tsc + (tsc << 32);
	__stack_chk_guard = canary & ~0xffUL;
}

#endif
