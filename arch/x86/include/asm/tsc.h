/* The time-stamp counter: a per-CPU cycle counter, calibrated at boot. */
#ifndef ASM_TSC_H
#define ASM_TSC_H

#include <kestrel/types.h>

/* TSC frequency in kHz (0 until tsc_calibrate() ran). */
extern u64 tsc_khz;

/* Calibrate against the reference clock (time_ref_window()); returns 0 or -EIO. */
int tsc_calibrate(void);
/* Whether CPUID reports an invariant TSC (constant rate in all power states). */
bool tsc_invariant(void);
/* Nanoseconds for a number of TSC cycles: cycles * tsc_ns_mult() >> TSC_SHIFT. */
u64 tsc_cycles_to_ns(u64 cycles);
#define TSC_SHIFT 32
/* The factor, for the vDSO, which does the same arithmetic in user space. */
u64 tsc_ns_mult(void);

#endif
