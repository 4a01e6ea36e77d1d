/* ktests for the CMOS RTC (arch/x86/kernel/rtc.c). */
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/time.h>
#include <asm/rtc.h>

KTEST(rtc, read_plausible)
{
	struct rtc_time tm;

	KASSERT_EQ(rtc_read_time(&tm), 0);
	KEXPECT(tm.year >= 2024 && tm.year < 2200);
	KEXPECT(tm.mon >= 1 && tm.mon <= 12);
	KEXPECT(tm.mday >= 1 && tm.mday <= 31);
	KEXPECT(tm.hour >= 0 && tm.hour <= 23);
	KEXPECT(tm.min >= 0 && tm.min <= 59);
	KEXPECT(tm.sec >= 0 && tm.sec <= 59);
}

KTEST(rtc, advances)
{
	s64 s0 = rtc_get_seconds(), s1;

	KASSERT(s0 > 0);
	mdelay(1100);
	s1 = rtc_get_seconds();
	/* Only a lower bound: a busy host may stretch the wait arbitrarily. */
	KEXPECT(s1 - s0 >= 1);
}

KTEST(rtc, epoch_conversion)
{
	struct rtc_time epoch = { 1970, 1, 1, 0, 0, 0 };
	struct rtc_time y2k = { 2000, 3, 1, 0, 0, 0 };
	struct rtc_time leap = { 2024, 2, 29, 23, 59, 59 };
	struct rtc_time now = { 2026, 11, 21, 14, 3, 7 };

	KEXPECT_EQ(rtc_tm_to_seconds(&epoch), 0);
	KEXPECT_EQ(rtc_tm_to_seconds(&y2k), 951868800);
	KEXPECT_EQ(rtc_tm_to_seconds(&leap), 1709251199);
	KEXPECT_EQ(rtc_tm_to_seconds(&now), 1795269787);
}

KTEST(rtc, raw_formats)
{
	struct rtc_time tm;
	/* 2026-11-21 14:03:07 in BCD, 24 h, century register 0x20. */
	struct rtc_raw bcd = { 0x07, 0x03, 0x14, 0x21, 0x11, 0x26, 0x20 };
	struct rtc_raw bin = { 7, 3, 14, 21, 11, 26, 20 };
	struct rtc_raw pm12 = { 0x07, 0x03, 0x82, 0x21, 0x11, 0x26, 0x20 };	/* 2 PM */
	struct rtc_raw am12 = { 0x07, 0x03, 0x12, 0x21, 0x11, 0x26, 0x20 };	/* 12 AM */
	struct rtc_raw noon = { 0x07, 0x03, 0x92, 0x21, 0x11, 0x26, 0x20 };	/* 12 PM */
	struct rtc_raw bad = { 0x07, 0x03, 0x14, 0x21, 0x13, 0x26, 0x20 };	/* month 13 */

	KASSERT_EQ(rtc_raw_to_time(bcd, RTC_B_24H, true, &tm), 0);
	KEXPECT_EQ(rtc_tm_to_seconds(&tm), 1795269787);
	KASSERT_EQ(rtc_raw_to_time(bin, RTC_B_24H | RTC_B_BINARY, true, &tm), 0);
	KEXPECT_EQ(rtc_tm_to_seconds(&tm), 1795269787);
	KASSERT_EQ(rtc_raw_to_time(pm12, 0, true, &tm), 0);
	KEXPECT_EQ(tm.hour, 14);
	KASSERT_EQ(rtc_raw_to_time(am12, 0, true, &tm), 0);
	KEXPECT_EQ(tm.hour, 0);
	KASSERT_EQ(rtc_raw_to_time(noon, 0, true, &tm), 0);
	KEXPECT_EQ(tm.hour, 12);
	/* No century register: two-digit years 00-69 are 20xx, 70-99 19xx. */
	KASSERT_EQ(rtc_raw_to_time(bcd, RTC_B_24H, false, &tm), 0);
	KEXPECT_EQ(tm.year, 2026);
	bcd.year = 0x99;
	KASSERT_EQ(rtc_raw_to_time(bcd, RTC_B_24H, false, &tm), 0);
	KEXPECT_EQ(tm.year, 1999);
	KEXPECT_EQ(rtc_raw_to_time(bad, RTC_B_24H, true, &tm), -EIO);
}
