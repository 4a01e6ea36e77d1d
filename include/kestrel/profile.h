/*
 * The sampling profiler (kernel/profile.c, docs/profiling.md).
 *
 * While it runs, every CPU's local APIC timer interrupts at the profile
 * rate instead of HZ (the tick still runs at HZ: every rate/HZ-th
 * interrupt) and each interrupt records one sample: the interrupted
 * kernel stack and the user stack under it, both unwound by frame
 * pointers, in that CPU's own buffer. Samples of an idle CPU are only
 * counted. Three files read them:
 *
 *   /proc/profile                  Linux's format for readprofile: one u32
 *                                  bucket size, then one u32 hit count per
 *                                  bucket of kernel text from _stext;
 *                                  writing anything clears the samples
 *   /proc/kestrel/profile          the switch: reads "hz samples idle
 *                                  dropped"; writing HZ starts sampling at
 *                                  HZ per CPU (rounded to a multiple of
 *                                  HZ), writing 0 stops it
 *   /proc/kestrel/profile_folded   one line per distinct stack, "comm;
 *                                  user frames;kernel frames count", the
 *                                  outermost frame first (tools/flamegraph)
 *
 * kestrel.profile=HZ on the command line starts it at boot.
 */
#ifndef KESTREL_PROFILE_H
#define KESTREL_PROFILE_H

#include <kestrel/types.h>

struct pt_regs;

#define PROFILE_MAX_HZ 10000

/*
 * The local APIC timer interrupts this many times per tick (1: not
 * profiling). Read by every CPU's timer interrupt, which reprograms its
 * own timer when the value changes.
 */
unsigned int profile_timer_mult(void);

/* Record one sample of the interrupted context regs. Timer interrupt, interrupts off. */
void profile_tick(struct pt_regs *regs);

/* Start sampling at hz per CPU (0 stops it). Returns 0 or -errno. Process context. */
int profile_set_hz(unsigned int hz);

#endif
