/*
 * Time: a monotonic clock, delays and the periodic tick.
 *
 *   ktime_get_ns()   nanoseconds since time_init(), from the TSC (monotonic,
 *                    the same on every CPU)
 *   udelay/mdelay    busy-wait delays (TSC once calibrated, PIT before)
 *   jiffies          ticks of the boot CPU's local APIC timer since it
 *                    started, HZ per second; each CPU also counts its own
 *                    ticks (lapic_timer_ticks(cpu))
 *
 * time_init() (kernel/time/time.c) picks the reference clock (HPET if ACPI has
 * one, else PIT channel 2) and calibrates the TSC against it; the local
 * APIC timer is calibrated against the same reference (arch/x86/kernel/apic.c).
 */
#ifndef KESTREL_TIME_H
#define KESTREL_TIME_H

#include <kestrel/compiler.h>

#define HZ 100

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL

/* Written only by the boot CPU's tick interrupt; read it with get_jiffies_64(). */
extern u64 jiffies;

static inline u64 get_jiffies_64(void)
{
	return READ_ONCE(jiffies);
}

u64 ktime_get_ns(void);
/* The TSC value ktime_get_ns() counts from (for the vDSO's copy of the arithmetic). */
u64 ktime_tsc_base(void);
void udelay(unsigned long us);
void mdelay(unsigned long ms);

/* Find the reference clock, calibrate the TSC, print `tsc: <N> MHz`. */
void time_init(void);
/*
 * Start this CPU's periodic tick (local APIC timer at HZ on
 * LOCAL_TIMER_VECTOR); the boot CPU calls it before enabling interrupts,
 * each AP at bring-up. Returns 0 or -ENODEV without a local APIC.
 */
int time_start_tick(void);
/* Called by the tick interrupt on the CPU it hit, interrupts off. */
void timer_tick(bool user_tick);
/* Ticks taken so far by CPU cpu. */
u64 timer_ticks(unsigned int cpu);

/* Name of the reference clock ("hpet" or "pit"). */
const char *time_reference_name(void);

/*
 * Measure one window of about ms milliseconds (<= 50 with the PIT) on the
 * reference clock: fn(arg, false) runs at its start, fn(arg, true) at its
 * end, interrupts off. Returns the window's length in ns on the reference.
 */
u64 time_ref_window(unsigned int ms, void (*fn)(void *arg, bool end), void *arg);

/*
 * The POSIX clocks (kernel/time/clocks.c). CLOCK_MONOTONIC is ktime_get_ns();
 * CLOCK_REALTIME is that plus an offset, set from the RTC at first use and
 * moved by clock_settime/settimeofday. Any context.
 */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 0x01

/* ns since the epoch */
u64 ktime_get_real_ns(void);
/* CLOCK_REALTIME - CLOCK_MONOTONIC, in ns */
s64 ktime_get_real_offset(void);
/* The value of clock which (a CLOCK_* id, or a CPU clock id) in ns; 0 or -EINVAL. */
int posix_clock_get_ns(int which, u64 *ns);

/* Linux's struct __kernel_timespec, as syscalls take it (x86_64: two 64-bit words). */
struct __kernel_timespec {
	s64 tv_sec;
	long tv_nsec;
};

/* "Forever": a timespec too large for u64 ns (more than 584 years). */
#define U64_MAX_NS (~0ULL)

/* Copy ns out as a timespec: 0 or -EFAULT. */
int put_timespec_ns(u64 ns, struct __kernel_timespec __user *uts);
/* Copy in and check (tv_sec >= 0, 0 <= tv_nsec < 1e9): 0, -EFAULT or -EINVAL. */
int get_timespec(struct __kernel_timespec *ts, const struct __kernel_timespec __user *uts);
/* The timespec in ns, saturated at U64_MAX_NS. */
u64 timespec_to_ns_sat(const struct __kernel_timespec *ts);

/* Seconds since 1970-01-01 00:00:00 UTC from the CMOS clock, or negative errno. */
s64 rtc_get_seconds(void);

#endif
