/*
 * The vDSO's data page: what the kernel publishes for the time functions
 * that run in user space (arch/x86/entry/vdso/). Exec maps it read-only
 * as [vvar], the page right below [vdso]; the vDSO code finds it at a
 * fixed distance from itself (vvar_page in vdso.lds).
 *
 * One copy for the whole system (arch/x86/entry/vdso/vma.c). The TSC
 * fields are written once at boot, before any process runs. real_offset
 * changes with clock_settime/settimeofday: the writer makes seq odd,
 * stores, makes it even again (under vdso_lock, kernel side); a reader
 * retries while seq is odd or changed across its reads, so it never
 * mixes an old and a new offset.
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
	uint32_t seq;		/* even: stable; odd: an update is in progress */
	uint32_t clock_mode;	/* VDSO_CLOCKMODE_* [c] */
	uint64_t tsc_boot;	/* TSC value CLOCK_MONOTONIC counts from [c] */
	uint64_t tsc_mult;	/* ns = (tsc - tsc_boot) * tsc_mult >> tsc_shift [c] */
	uint32_t tsc_shift;	/* [c] */
	uint32_t tick_nsec;	/* the *_COARSE clocks' step: one tick [c] */
	int64_t real_offset;	/* CLOCK_REALTIME - CLOCK_MONOTONIC, ns [seq] */
};

#endif
