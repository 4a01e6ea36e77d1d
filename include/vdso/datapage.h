/*
 * The vDSO's data page: what the kernel publishes for the time functions
 * that run in user space (arch/x86/entry/vdso/). Exec maps it read-only
 * as [vvar], the page right below [vdso]; the vDSO code finds it at a
 * fixed distance from itself (vvar_page in vdso.lds).
 *
 * One copy for the whole system (arch/x86/entry/vdso/vma.c), read by
 * every process on every CPU, written by the kernel only.
 *
 * Locks used to protect struct members:
 *	[c] constant after vdso_init, which runs before any process exists
 *	[q] written under vdso_lock (vma.c) between two increments of seq:
 *	    a reader retries while seq is odd or moved across its reads, so
 *	    it never mixes an old and a new value (clock_settime,
 *	    settimeofday)
 *
 * Included by the kernel and by the vDSO (which is built as user code:
 * only fixed-width types, no kernel headers).
 */
#ifndef VDSO_DATAPAGE_H
#define VDSO_DATAPAGE_H

#include <stdint.h>

#define VDSO_CLOCKMODE_NONE 0	/* no usable TSC: every call makes the system call */
#define VDSO_CLOCKMODE_TSC 1

struct vdso_data {
	uint32_t seq;		/* [q] even: stable; odd: an update is in progress */
	uint32_t clock_mode;	/* [c] VDSO_CLOCKMODE_* */
	uint64_t tsc_boot;	/* [c] TSC value CLOCK_MONOTONIC counts from */
	uint64_t tsc_mult;	/* [c] ns = (tsc - tsc_boot) * tsc_mult >> tsc_shift */
	uint32_t tsc_shift;	/* [c] */
	uint32_t tick_nsec;	/* [c] the *_COARSE clocks' step: one tick */
	int64_t real_offset;	/* [q] CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
};

#endif
