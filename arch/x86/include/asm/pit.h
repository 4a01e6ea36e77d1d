/* The 8253/8254 Programmable Interval Timer, used as a polled reference clock. */
#ifndef ASM_PIT_H
#define ASM_PIT_H

#include <kestrel/types.h>

#define PIT_TICK_RATE 1193182	/* Hz */

/* Busy-wait us microseconds by polling PIT channel 2 (no interrupts needed). */
void pit_wait_us(u64 us);

/*
 * A calibration window: run a one-shot of `ticks` PIT ticks (<= 65535,
 * i.e. up to 54.9 ms) on channel 2, calling fn(arg, false) right after it
 * starts and fn(arg, true) right after it ends, with interrupts off.
 */
void pit_window(u16 ticks, void (*fn)(void *arg, bool end), void *arg);

#endif
