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

/* The registers as read from the chip: BCD or binary, 12 h or 24 h. */
struct rtc_raw {
	u8 sec, min, hour, day, mon, year, century;
};

#define RTC_B_24H 0x02		/* status register B: 24-hour mode */
#define RTC_B_BINARY 0x04	/* status register B: binary, not BCD */

/*
 * Convert a raw reading (status register B's format bits in regb) to a
 * calendar time; has_century says r.century came from the FADT's
 * century register. 0, or -EIO if a field is out of range.
 */
int rtc_raw_to_time(struct rtc_raw r, u8 regb, bool has_century, struct rtc_time *tm);
/* Read the clock (consistent snapshot, converted to binary 24 h); 0 or -EIO. */
int rtc_read_time(struct rtc_time *tm);
/* Seconds since the epoch for a UTC calendar time. */
s64 rtc_tm_to_seconds(const struct rtc_time *tm);
/* Read and print `rtc: YYYY-MM-DD hh:mm:ss UTC`. */
void rtc_init(void);

#endif
