/*
 * The vDSO's clock functions: clock_gettime, gettimeofday and time run
 * in user space, from the TSC and the data page the kernel publishes
 * ([vvar], include/vdso/datapage.h), with the kernel's own arithmetic
 * (kernel/time.c's ktime_get_ns, kernel/time/clocks.c), so a program
 * reads exactly what the system call would have told it, without
 * entering the kernel. Clocks the page cannot answer (CPU-time clocks,
 * a bad id, a system without a usable TSC) make the system call.
 *
 * This file is built as user code into a shared object (vdso.lds), not
 * into the kernel: no kernel headers beyond the data page's, no globals
 * of its own, nothing that needs a relocation.
 */
#include <stdint.h>
#include <vdso/datapage.h>

/* The data page, one page below this image (vdso.lds); hidden: reached PC-relative. */
extern const volatile struct vdso_data vvar_page __attribute__((visibility("hidden")));

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_USEC 1000ULL

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7

#define __NR_gettimeofday 96
#define __NR_time 201
#define __NR_clock_gettime 228

struct __kernel_timespec {
	int64_t tv_sec;
	long tv_nsec;
};

struct __kernel_old_timeval {
	long tv_sec;
	long tv_usec;
};

struct timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

static inline long syscall2(long nr, long a, long b)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define barrier() __asm__ volatile("" ::: "memory")

/* CLOCK_MONOTONIC in ns, as the kernel's ktime_get_ns(). */
static uint64_t monotonic_ns(const volatile struct vdso_data *vd)
{
	uint64_t now = rdtsc(), boot = vd->tsc_boot;

	/* Another CPU's TSC may lag the boot CPU's by a few cycles: clamp, as the kernel. */
	if (now <= boot)
		return 0;
	return (uint64_t)(((unsigned __int128)(now - boot) * vd->tsc_mult) >> vd->tsc_shift);
}

/* CLOCK_REALTIME in ns: monotonic plus the offset, read consistently under seq. */
static uint64_t realtime_ns(const volatile struct vdso_data *vd)
{
	uint32_t seq;
	int64_t off;
	uint64_t mono;

	for (;;) {
		seq = vd->seq;
		if (seq & 1) {
			__asm__ volatile("pause");
			continue;
		}
		barrier();	/* x86 keeps loads in order: the compiler must too */
		off = vd->real_offset;
		mono = monotonic_ns(vd);
		barrier();
		if (vd->seq == seq)
			return (uint64_t)((int64_t)mono + off);
	}
}

/* The clock's value in *ns, or -1 when only the system call can answer. */
static int read_clock(int clock, uint64_t *ns)
{
	const volatile struct vdso_data *vd = &vvar_page;

	if (vd->clock_mode != VDSO_CLOCKMODE_TSC)
		return -1;
	switch (clock) {
	case CLOCK_REALTIME:
		*ns = realtime_ns(vd);
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		*ns = monotonic_ns(vd);
		return 0;
	case CLOCK_REALTIME_COARSE:
		*ns = realtime_ns(vd);
		*ns -= *ns % vd->tick_nsec;
		return 0;
	case CLOCK_MONOTONIC_COARSE:
		*ns = monotonic_ns(vd);
		*ns -= *ns % vd->tick_nsec;
		return 0;
	default:
		return -1;
	}
}

int __vdso_clock_gettime(int clock, struct __kernel_timespec *ts)
{
	uint64_t ns;

	if (read_clock(clock, &ns))
		return (int)syscall2(__NR_clock_gettime, clock, (long)ts);
	ts->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
	return 0;
}
int clock_gettime(int clock, struct __kernel_timespec *ts)
	__attribute__((weak, alias("__vdso_clock_gettime")));

int __vdso_gettimeofday(struct __kernel_old_timeval *tv, struct timezone *tz)
{
	uint64_t ns;

	if (read_clock(CLOCK_REALTIME, &ns))
		return (int)syscall2(__NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = (long)(ns / NSEC_PER_SEC);
		tv->tv_usec = (long)(ns % NSEC_PER_SEC / NSEC_PER_USEC);
	}
	if (tz) {
		/* The kernel keeps no time zone: UTC, as its gettimeofday says. */
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}
int gettimeofday(struct __kernel_old_timeval *tv, struct timezone *tz)
	__attribute__((weak, alias("__vdso_gettimeofday")));

long __vdso_time(long *t)
{
	uint64_t ns;
	long secs;

	if (read_clock(CLOCK_REALTIME, &ns))
		return syscall2(__NR_time, (long)t, 0);
	secs = (long)(ns / NSEC_PER_SEC);
	if (t)
		*t = secs;
	return secs;
}
long time(long *t) __attribute__((weak, alias("__vdso_time")));
