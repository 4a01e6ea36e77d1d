/*
 * The CMOS real-time clock. Its registers are reached through an index
 * port (0x70) and a data port (0x71); each field may be BCD or binary and
 * the hour 12 h or 24 h (status register B says which). While the chip
 * updates its registers (once a second, "update in progress" in status
 * register A) a read can see a half-updated time, so we wait for UIP to
 * clear and read until two snapshots agree. The century, when the chip
 * keeps one, is at the CMOS index the FADT names. The clock is taken as
 * UTC, as QEMU and Linux machines keep it.
 *
 * rtc_lock protects the index/data port pair: a reader between our index
 * write and data read would get another register.
 */
#include <kestrel/acpi.h>
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <kestrel/time.h>
#include <asm/io.h>
#include <asm/rtc.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b

#define RTC_A_UIP 0x80
#define RTC_HOUR_PM 0x80

/* Protects the CMOS index/data port pair. */
static DEFINE_SPINLOCK(rtc_lock);

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, reg);	/* bit 7 clear: NMIs stay enabled */
	return inb(CMOS_DATA);
}

static void read_raw(struct rtc_raw *r, u8 century_reg)
{
	r->sec = cmos_read(RTC_SECONDS);
	r->min = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->day = cmos_read(RTC_DAY);
	r->mon = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->century = century_reg ? cmos_read(century_reg) : 0;
}

static bool raw_equal(const struct rtc_raw *a, const struct rtc_raw *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->day == b->day &&
	       a->mon == b->mon && a->year == b->year && a->century == b->century;
}

static int bcd2bin(u8 v)
{
	return (v & 0x0f) + (v >> 4) * 10;
}

/* Wait (bounded) for the end of an update cycle; false if UIP never cleared. */
static bool wait_not_updating(void)
{
	for (int i = 0; i < 100000; i++) {
		if (!(cmos_read(RTC_REG_A) & RTC_A_UIP))
			return true;
		cpu_relax();
	}
	return false;
}

/* Two identical snapshots taken outside an update, under rtc_lock. */
static int read_stable(struct rtc_raw *r, u8 *regb, u8 century_reg)
{
	struct rtc_raw again;
	unsigned long flags;
	int tries = 10;

	spin_lock_irqsave(&rtc_lock, flags);
	do {
		if (!wait_not_updating())
			break;
		read_raw(r, century_reg);
		if (!wait_not_updating())
			break;
		read_raw(&again, century_reg);
		if (raw_equal(r, &again)) {
			*regb = cmos_read(RTC_REG_B);
			spin_unlock_irqrestore(&rtc_lock, flags);
			return 0;
		}
	} while (--tries);
	spin_unlock_irqrestore(&rtc_lock, flags);
	return -EIO;
}

int rtc_raw_to_time(struct rtc_raw r, u8 regb, bool has_century, struct rtc_time *tm)
{
	bool pm;
	int century;

	pm = r.hour & RTC_HOUR_PM;
	r.hour &= ~RTC_HOUR_PM;
	if (!(regb & RTC_B_BINARY)) {
		r.sec = bcd2bin(r.sec);
		r.min = bcd2bin(r.min);
		r.hour = bcd2bin(r.hour);
		r.day = bcd2bin(r.day);
		r.mon = bcd2bin(r.mon);
		r.year = bcd2bin(r.year);
		r.century = bcd2bin(r.century);
	}
	/* 12 h mode: 12 AM is 0 h, 12 PM is 12 h. */
	if (!(regb & RTC_B_24H))
		r.hour = (r.hour % 12) + (pm ? 12 : 0);
	/* No century register: years 00-69 are taken as 20xx, like Linux. */
	century = has_century && r.century >= 19 && r.century <= 99 ? r.century :
		  r.year < 70 ? 20 : 19;
	*tm = (struct rtc_time){
		.year = century * 100 + r.year, .mon = r.mon, .mday = r.day,
		.hour = r.hour, .min = r.min, .sec = r.sec,
	};
	if (tm->mon < 1 || tm->mon > 12 || tm->mday < 1 || tm->mday > 31 || tm->hour > 23 ||
	    tm->min > 59 || tm->sec > 59)
		return -EIO;
	return 0;
}

int rtc_read_time(struct rtc_time *tm)
{
	u8 century_reg = acpi_platform.century, regb;
	struct rtc_raw r;

	if (read_stable(&r, &regb, century_reg))
		return -EIO;
	return rtc_raw_to_time(r, regb, century_reg != 0, tm);
}

/* Days from 1970-01-01 to year-mon-day (proleptic Gregorian, March-based years). */
static s64 days_from_civil(int y, int m, int d)
{
	s64 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

s64 rtc_tm_to_seconds(const struct rtc_time *tm)
{
	return days_from_civil(tm->year, tm->mon, tm->mday) * 86400 + tm->hour * 3600 +
	       tm->min * 60 + tm->sec;
}

s64 rtc_get_seconds(void)
{
	struct rtc_time tm;
	int err = rtc_read_time(&tm);

	return err ? err : rtc_tm_to_seconds(&tm);
}

void rtc_init(void)
{
	struct rtc_time tm;

	if (acpi_platform.has_fadt && (acpi_platform.iapc_boot_flags & ACPI_IAPC_NO_CMOS_RTC)) {
		pr_info("rtc: the FADT says there is no CMOS RTC\n");
		return;
	}
	if (rtc_read_time(&tm)) {
		pr_err("rtc: cannot read a consistent time from the CMOS clock\n");
		return;
	}
	pr_info("rtc: %04d-%02d-%02d %02d:%02d:%02d UTC\n", tm.year, tm.mon, tm.mday, tm.hour,
		tm.min, tm.sec);
}
