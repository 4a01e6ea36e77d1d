/* ktests for the CMOS RTC (arch/x86/kernel/rtc.c). */
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
	KEXPECT(s1 - s0 >= 1 && s1 - s0 <= 3);
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
