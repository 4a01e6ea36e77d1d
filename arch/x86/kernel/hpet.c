/*
 * HPET (IA-PC HPET specification 1.0a): a memory-mapped block with one
 * free-running main counter of a fixed, known period (in femtoseconds, in
 * the capabilities register) and some comparators. Kestrel only uses the
 * main counter, as the reference clock that the TSC and the local APIC
 * timer are calibrated against. The comparators stay disabled.
 *
 * hpet_init() runs once on the boot CPU; afterwards the counter is only
 * read, which is safe from any CPU without a lock.
 */
#include <kestrel/acpi.h>
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <asm/hpet.h>
#include <asm/io.h>
#include <asm/ioremap.h>

#define HPET_CAP 0x000		/* 63:32 period in fs, 13 64-bit counter, 12:8 last timer */
#define HPET_CONF 0x010		/* bit 0: counter enable, bit 1: legacy replacement */
#define HPET_COUNTER 0x0f0
#define HPET_MMIO_SIZE 0x400

#define HPET_CAP_64BIT (1ULL << 13)
#define HPET_CONF_ENABLE 1ULL
#define HPET_CONF_LEGACY 2ULL
/* The spec's upper bound on the period: 100 ns (10 MHz minimum). */
#define HPET_MAX_PERIOD_FS 100000000ULL

static void __iomem *hpet_base;
static u64 hpet_period_fs;
static u64 hpet_mask;

bool hpet_available(void)
{
	return hpet_base != NULL;
}

u64 hpet_read(void)
{
	if (hpet_mask == ~0ULL)
		return readq((u8 __iomem *)hpet_base + HPET_COUNTER);
	return readl((u8 __iomem *)hpet_base + HPET_COUNTER);
}

u64 hpet_delta(u64 from, u64 to)
{
	return (to - from) & hpet_mask;
}

u64 hpet_ticks_to_ns(u64 ticks)
{
	/* Split so the product cannot overflow: period_fs <= 1e8, remainder < 1e6. */
	return ticks / 1000000 * hpet_period_fs + ticks % 1000000 * hpet_period_fs / 1000000;
}

u64 hpet_frequency(void)
{
	return hpet_period_fs ? 1000000000000000ULL / hpet_period_fs : 0;
}

int hpet_init(void)
{
	void __iomem *base;
	u64 cap, conf;

	if (!acpi_platform.has_hpet)
		return -ENODEV;
	base = ioremap(acpi_platform.hpet_address, HPET_MMIO_SIZE);
	if (!base) {
		pr_err("hpet: cannot map %#llx\n", (unsigned long long)acpi_platform.hpet_address);
		return -ENOMEM;
	}
	cap = readq((u8 __iomem *)base + HPET_CAP);
	hpet_period_fs = cap >> 32;
	if (!hpet_period_fs || hpet_period_fs > HPET_MAX_PERIOD_FS) {
		pr_err("hpet: bad counter period %llu fs, not used\n",
		       (unsigned long long)hpet_period_fs);
		iounmap(base);
		hpet_period_fs = 0;
		return -ENODEV;
	}
	hpet_mask = (cap & HPET_CAP_64BIT) ? ~0ULL : 0xffffffffULL;
	/* Counter on, legacy replacement off: the PIT and RTC keep their IRQs. */
	conf = readq((u8 __iomem *)base + HPET_CONF);
	conf = (conf & ~HPET_CONF_LEGACY) | HPET_CONF_ENABLE;
	writeq(conf, (u8 __iomem *)base + HPET_CONF);
	hpet_base = base;
	pr_info("hpet: %llu.%03llu MHz %s counter at %#llx\n",
		(unsigned long long)(hpet_frequency() / 1000000),
		(unsigned long long)(hpet_frequency() / 1000 % 1000),
		hpet_mask == ~0ULL ? "64-bit" : "32-bit",
		(unsigned long long)acpi_platform.hpet_address);
	return 0;
}
