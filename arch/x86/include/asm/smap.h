/*
 * SMAP: with CR4.SMAP set, kernel code faults when it touches user pages,
 * unless RFLAGS.AC is set. Code that deliberately accesses user memory
 * (copy_from_user and friends) brackets the access with stac()/clac(),
 * keeping the window as small as possible. Without SMAP both do nothing
 * (the instructions themselves would be invalid opcodes there).
 */
#ifndef ASM_SMAP_H
#define ASM_SMAP_H

#include <asm/cpufeature.h>

static __always_inline void stac(void)
{
	if (cpu_feature_enabled(X86_FEATURE_SMAP))
		__asm__ volatile("stac" ::: "memory");
}

static __always_inline void clac(void)
{
	if (cpu_feature_enabled(X86_FEATURE_SMAP))
		__asm__ volatile("clac" ::: "memory");
}

#endif
