/*
 * ktests for drivers/acpi/: the tables QEMU gives, checked against what
 * the command line says the machine is:
 *   ktest.expect_cpus=N    -smp N: the MADT must list N enabled CPUs
 *   ktest.machine=pc|q35   q35 has an MCFG table, pc has none
 *   ktest.expect_acpi=0    -no-acpi: no tables, fallbacks in place
 * Without them (a plain ktest=* run) the checks that need them are
 * reduced to what holds on every machine.
 */
#include <kestrel/acpi.h>
#include <kestrel/cmdline.h>
#include <kestrel/ktest.h>
#include <kestrel/string.h>
#include <kestrel/errno.h>
#include <asm/apic.h>
#include <asm/hpet.h>
#include <asm/ioapic.h>

KERNEL_PARAM_QUERY("ktest.expect_cpus", ktest_expect_cpus, "acpi ktests: enabled CPUs QEMU has");
KERNEL_PARAM_QUERY("ktest.machine", ktest_machine, "acpi ktests: QEMU machine, pc or q35");
KERNEL_PARAM_QUERY("ktest.expect_acpi", ktest_expect_acpi, "acpi ktests: 0 under -no-acpi");

static bool expect_acpi(void)
{
	const char *v = cmdline_get("ktest.expect_acpi");

	return !v || strcmp(v, "0");
}

static const char *const table_sigs[] = { "FACP", "APIC", "HPET", "MCFG", "DSDT", "WAET" };

KTEST(acpi, rsdp)
{
	const struct acpi_rsdp *r;

	if (!expect_acpi()) {
		KEXPECT(!acpi_platform.present);
		KEXPECT_EQ(acpi_rsdp_address(), 0);
		KEXPECT(acpi_find_table("APIC", 0) == NULL);
		KEXPECT(acpi_find_table("FACP", 0) == NULL);
		return;
	}
	KASSERT(acpi_platform.present);
	KASSERT(acpi_rsdp_address() != 0);
	r = acpi_map(acpi_rsdp_address(), sizeof(*r));
	KASSERT(r != NULL);
	KEXPECT(!memcmp(r->signature, "RSD PTR ", 8));
	KEXPECT_EQ(acpi_checksum(r, 20), 0);
	if (r->revision >= 2)
		KEXPECT_EQ(acpi_checksum(r, r->length), 0);
}

KTEST(acpi, tables_checksummed)
{
	int found = 0;

	if (!expect_acpi())
		return;
	for (size_t i = 0; i < ARRAY_SIZE(table_sigs); i++) {
		const struct acpi_table_header *tbl;
		for (int n = 0; (tbl = acpi_find_table(table_sigs[i], n)); n++) {
			KEXPECT(!memcmp(tbl->signature, table_sigs[i], 4));
			KEXPECT(tbl->length >= sizeof(*tbl));
			KEXPECT_EQ(acpi_checksum(tbl, tbl->length), 0);
			found++;
		}
	}
	KEXPECT(found >= 4);	/* FACP, APIC, HPET, DSDT at least */
	KEXPECT(acpi_find_table("FACP", 1) == NULL);
	KEXPECT(acpi_find_table("ZZZZ", 0) == NULL);
}

KTEST(acpi, checksum_detects_corruption)
{
	u8 buf[64];
	u8 sum = 0;

	for (size_t i = 0; i < sizeof(buf) - 1; i++) {
		buf[i] = (u8)(i * 37 + 11);
		sum += buf[i];
	}
	buf[sizeof(buf) - 1] = (u8)-sum;
	KEXPECT_EQ(acpi_checksum(buf, sizeof(buf)), 0);
	buf[5] ^= 0x10;
	KEXPECT_NE(acpi_checksum(buf, sizeof(buf)), 0);
}

KTEST(acpi, madt_cpus_and_ioapic)
{
	const char *want = cmdline_get("ktest.expect_cpus");
	unsigned long long n;

	if (!expect_acpi()) {
		KEXPECT(!acpi_platform.has_madt);
		KEXPECT_EQ(acpi_platform.nr_ioapics, 0);
		return;
	}
	KASSERT(acpi_platform.has_madt);
	if (want) {
		KASSERT_EQ(kstrtoull(want, 10, &n), 0);
		KEXPECT_EQ(acpi_platform.nr_cpus_enabled, n);
	} else {
		KEXPECT(acpi_platform.nr_cpus_enabled >= 1);	/* at least the boot CPU */
	}
	KEXPECT(acpi_platform.nr_cpus >= acpi_platform.nr_cpus_enabled);
	KEXPECT(acpi_platform.nr_ioapics >= 1);
	KEXPECT_NE(acpi_platform.ioapics[0].address, 0);
	KEXPECT_EQ(acpi_platform.ioapics[0].gsi_base, 0);
	KEXPECT(acpi_platform.lapic_address && !(acpi_platform.lapic_address & 0xfff));
	/* APIC ids are unique. */
	for (int i = 0; i < acpi_platform.nr_cpus; i++)
		for (int j = i + 1; j < acpi_platform.nr_cpus; j++)
			KEXPECT_NE(acpi_platform.cpus[i].apic_id, acpi_platform.cpus[j].apic_id);
}

KTEST(acpi, madt_overrides)
{
	if (!expect_acpi())
		return;
	/* Every PC chipset QEMU emulates routes the PIT (ISA IRQ 0) to GSI 2. */
	KASSERT(acpi_platform.nr_overrides >= 1);
	KEXPECT_EQ(acpi_platform.overrides[0].source_irq, 0);
	KEXPECT_EQ(acpi_platform.overrides[0].gsi, 2);
}

KTEST(acpi, fadt)
{
	const struct acpi_table_header *dsdt = acpi_find_table("DSDT", 0);

	if (!expect_acpi()) {
		KEXPECT(!acpi_platform.has_fadt);
		return;
	}
	KASSERT(acpi_platform.has_fadt);
	KEXPECT_NE(acpi_platform.pm1a_cnt, 0);
	KEXPECT(dsdt != NULL);
	KEXPECT(acpi_platform.has_s5);
	KEXPECT(acpi_platform.century != 0);
}

KTEST(acpi, s5_scan)
{
	/* A fake DSDT body: a reference to _S5_ (not a definition), then the definition. */
	static const u8 aml[] = {
		0x70, '_', 'S', '5', '_', 0x60,			/* Store (_S5, Local0) */
		0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x08, 0x04,	/* Name (\_S5, Package (4) */
		0x0a, 0x05, 0x01, 0x00, 0x00,			/* { 5, One, Zero, Zero } */
	};
	u8 buf[sizeof(struct acpi_table_header) + sizeof(aml)];
	struct acpi_table_header *h = (void *)buf;
	u8 a = 0xff, b = 0xff;

	memset(h, 0, sizeof(*h));
	memcpy(h->signature, "DSDT", 4);
	h->length = sizeof(buf);
	memcpy(buf + sizeof(*h), aml, sizeof(aml));
	KEXPECT(acpi_scan_s5(h, &a, &b));
	KEXPECT_EQ(a, 5);
	KEXPECT_EQ(b, 1);
	/* Cut before the package's elements: not found. */
	h->length = sizeof(*h) + 15;
	KEXPECT(!acpi_scan_s5(h, &a, &b));
}

KTEST(acpi, hpet)
{
	if (!expect_acpi()) {
		KEXPECT(!acpi_platform.has_hpet);
		KEXPECT(!hpet_available());
		return;
	}
	KASSERT(acpi_platform.has_hpet);
	KEXPECT_NE(acpi_platform.hpet_address, 0);
	KEXPECT(hpet_available());
	KEXPECT(hpet_frequency() >= 10000000);	/* the spec's minimum: 10 MHz */
}

KTEST(acpi, mcfg)
{
	const char *machine = cmdline_get("ktest.machine");
	const struct acpi_table_header *tbl = acpi_find_table("MCFG", 0);

	KEXPECT_EQ(tbl != NULL, acpi_platform.nr_mcfg > 0);
	if (machine && !strcmp(machine, "q35")) {
		KASSERT(acpi_platform.nr_mcfg >= 1);
		KEXPECT_NE(acpi_platform.mcfg[0].address, 0);
		KEXPECT_EQ(acpi_platform.mcfg[0].start_bus, 0);
	} else if (machine && !strcmp(machine, "pc")) {
		KEXPECT_EQ(acpi_platform.nr_mcfg, 0);
	}
}

KTEST(acpi, ioapic_honours_overrides)
{
	u64 rte;

	if (!expect_acpi()) {
		KEXPECT_EQ(ioapic_route_irq(1, 0x21, 0), -ENODEV);
		return;
	}
	KASSERT(ioapic_count() >= 1);
	/* ISA IRQ 0 (the PIT) arrives on GSI 2 on every QEMU PC. */
	KEXPECT_EQ(ioapic_isa_irq_to_gsi(0), 2);
	/*
	 * Program a real entry on IRQ 3 (COM2: no such port in QEMU, so the
	 * line stays idle; IRQ 1 and 4 are the live keyboard and COM1) with
	 * interrupts off, read it back, mask it again.
	 */
	KEXPECT_EQ(ioapic_isa_irq_to_gsi(3), 3);
	KASSERT_EQ(ioapic_route_irq(3, 0x23, 0), 0);
	KASSERT_EQ(ioapic_read_entry(3, &rte), 0);
	KEXPECT_EQ(ioapic_mask_irq(3, true), 0);
	KEXPECT_EQ(rte & IOAPIC_RTE_VECTOR, 0x23);
	KEXPECT(!(rte & (IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL | IOAPIC_RTE_ACTIVE_LOW)));
	KEXPECT_EQ(rte >> 56, apic_cpu_to_id(0));
	KASSERT_EQ(ioapic_read_entry(3, &rte), 0);
	KEXPECT(rte & IOAPIC_RTE_MASKED);

	/*
	 * Every override's polarity and trigger go into its entry (checked
	 * on the computed entry: unmasking live PCI lines here could leave
	 * an interrupt pending with no handler).
	 */
	for (int i = 0; i < acpi_platform.nr_overrides; i++) {
		const struct acpi_override *o = &acpi_platform.overrides[i];
		bool low = (o->flags & ACPI_MADT_POLARITY_MASK) == ACPI_MADT_POLARITY_LOW;
		bool level = (o->flags & ACPI_MADT_TRIGGER_MASK) == ACPI_MADT_TRIGGER_LEVEL;

		if (o->bus != 0 || o->source_irq > 15)
			continue;
		KEXPECT_EQ(ioapic_isa_irq_to_gsi(o->source_irq), o->gsi);
		rte = ioapic_isa_rte(o->source_irq, 0x30, 0);
		KEXPECT_EQ(!!(rte & IOAPIC_RTE_ACTIVE_LOW), low);
		KEXPECT_EQ(!!(rte & IOAPIC_RTE_LEVEL), level);
	}
	/* QEMU's PCI interrupt lines (IRQ 5, 9, 10, 11) are level-triggered. */
	KEXPECT(ioapic_isa_rte(9, 0x30, 0) & IOAPIC_RTE_LEVEL);
	KEXPECT_EQ(ioapic_route_irq(16, 0x30, 0), -EINVAL);
	KEXPECT_EQ(ioapic_route_irq(1, 0x30, 9999), -EINVAL);
}
