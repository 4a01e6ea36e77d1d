/* The CMOS real-time clock (MC146818-compatible): the wall clock at boot. */
#ifndef ASM_RTC_H
#define ASM_RTC_H

#include <kestrel/types.h>

struct rtc_time {
	int year;	/* e.g. 2026 */
	int mon;	/* 1-12 */
	int mday;	/* 1-31 */
	int hour;	/* 0-23 */
	int min;	/* 0-59 */
	int sec;	/* 0-59 */
};

/* Read the clock (consistent snapshot, converted to binary 24 h); 0 or -EIO. */
int rtc_read_time(struct rtc_time *tm);
/* Seconds since the epoch for a UTC calendar time. */
s64 rtc_tm_to_seconds(const struct rtc_time *tm);
/* Read and print `rtc: YYYY-MM-DD hh:mm:ss UTC`. */
void rtc_init(void);

#endif
