/*
 * Host tests of the ACPI table parsers (drivers/acpi/madt.c, fadt.c,
 * mcfg.c, hpet.c) on synthetic tables, well-formed and malformed: zero
 * and overlong entry lengths, truncated tables, too many entries,
 * duplicate CPUs, AML _S5 encodings cut off at the end of the table.
 * Every table is an exactly-sized heap block, so AddressSanitizer reports
 * any read past its end.
 *
 * HOST_SOURCES: drivers/acpi/madt.c drivers/acpi/fadt.c drivers/acpi/mcfg.c drivers/acpi/hpet.c tests/host/printk_capture.c lib/vsprintf.c lib/string.c
 */
#include <kestrel/ktest.h>
#include <kestrel/acpi.h>
#include <kestrel/string.h>
#include <host_printk.h>

/* From the C library; <stdlib.h> itself would clash with kernel headers. */
void *malloc(size_t size);
void free(void *p);

/* What tables.c provides in the kernel. */
struct acpi_platform acpi_platform;
static const struct acpi_table_header *fake_dsdt;

const struct acpi_table_header *acpi_find_table(const char *sig, int index)
{
	if (!memcmp(sig, "DSDT", 4) && index == 0)
		return fake_dsdt;
	return NULL;
}

/* A table under construction: header, then bytes appended. */
struct builder {
	u8 buf[8192];
	size_t len;
};

static void tb_start(struct builder *b, const char *sig, u8 revision)
{
	struct acpi_table_header h = { .revision = revision };

	memcpy(h.signature, sig, 4);
	memcpy(b->buf, &h, sizeof(h));
	b->len = sizeof(h);
}

static void tb_bytes(struct builder *b, const void *p, size_t n)
{
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void tb_u8(struct builder *b, u8 v) { tb_bytes(b, &v, 1); }
static void tb_u16(struct builder *b, u16 v) { tb_bytes(b, &v, 2); }
static void tb_u32(struct builder *b, u32 v) { tb_bytes(b, &v, 4); }
static void tb_u64(struct builder *b, u64 v) { tb_bytes(b, &v, 8); }

/* An exactly-sized heap copy whose header length is `len` (default: all bytes). */
static struct acpi_table_header *tb_finish_len(struct builder *b, size_t len)
{
	struct acpi_table_header *tbl = malloc(b->len);
	u32 l = (u32)len;

	memcpy(b->buf + 4, &l, 4);
	memcpy(tbl, b->buf, b->len);
	return tbl;
}

static struct acpi_table_header *tb_finish(struct builder *b)
{
	return tb_finish_len(b, b->len);
}

static void reset(void)
{
	memset(&acpi_platform, 0, sizeof(acpi_platform));
	fake_dsdt = NULL;
	host_printk_reset();
}

static void madt_start_rev(struct builder *b, u8 revision, u32 lapic_addr, u32 flags)
{
	tb_start(b, "APIC", revision);
	tb_u32(b, lapic_addr);
	tb_u32(b, flags);
}

/* MADT revision 5 (ACPI 6.3+), where the Online Capable flag exists. */
static void madt_start(struct builder *b, u32 lapic_addr, u32 flags)
{
	tb_start(b, "APIC", 5);
	tb_u32(b, lapic_addr);
	tb_u32(b, flags);
}

static void madt_lapic(struct builder *b, u8 uid, u8 apic_id, u32 flags)
{
	tb_u8(b, 0);
	tb_u8(b, 8);
	tb_u8(b, uid);
	tb_u8(b, apic_id);
	tb_u32(b, flags);
}

KTEST(acpi, madt_qemu_like)
{
	struct builder b;
	struct acpi_table_header *tbl;

	reset();
	madt_start(&b, 0xfee00000, 1);
	madt_lapic(&b, 0, 0, 1);
	madt_lapic(&b, 1, 1, 1);
	madt_lapic(&b, 2, 2, 0);			/* absent, not hot-pluggable */
	madt_lapic(&b, 3, 3, 2);			/* online capable */
	tb_u8(&b, 1); tb_u8(&b, 12); tb_u8(&b, 0); tb_u8(&b, 0);	/* IOAPIC */
	tb_u32(&b, 0xfec00000); tb_u32(&b, 0);
	tb_u8(&b, 2); tb_u8(&b, 10); tb_u8(&b, 0); tb_u8(&b, 0);	/* IRQ0 -> GSI2 */
	tb_u32(&b, 2); tb_u16(&b, 0);
	tb_u8(&b, 2); tb_u8(&b, 10); tb_u8(&b, 0); tb_u8(&b, 9);	/* IRQ9 level high */
	tb_u32(&b, 9); tb_u16(&b, 0xd);
	tb_u8(&b, 4); tb_u8(&b, 6); tb_u8(&b, 0xff); tb_u16(&b, 0); tb_u8(&b, 1); /* NMI LINT1 */
	tbl = tb_finish(&b);
	acpi_parse_madt(tbl);
	KEXPECT(acpi_platform.has_madt);
	KEXPECT(acpi_platform.pcat_compat);
	KEXPECT_EQ(acpi_platform.lapic_address, 0xfee00000);
	KEXPECT_EQ(acpi_platform.nr_cpus, 3);
	KEXPECT_EQ(acpi_platform.nr_cpus_enabled, 2);
	KEXPECT(acpi_platform.cpus[2].online_capable);
	KEXPECT_EQ(acpi_platform.cpus[2].apic_id, 3);
	KEXPECT_EQ(acpi_platform.nr_ioapics, 1);
	KEXPECT_EQ(acpi_platform.ioapics[0].address, 0xfec00000);
	KEXPECT_EQ(acpi_platform.nr_overrides, 2);
	KEXPECT_EQ(acpi_platform.overrides[0].gsi, 2);
	KEXPECT_EQ(acpi_platform.overrides[1].flags, 0xd);
	KEXPECT_EQ(acpi_platform.nr_nmis, 1);
	KEXPECT_EQ(acpi_platform.nmis[0].acpi_uid, 0xffffffffu);
	KEXPECT_EQ(acpi_platform.nmis[0].lint, 1);
	KEXPECT(host_printk_contains("3 CPUs in MADT (2 enabled)"));
	free(tbl);

	/* Before revision 5 the Online Capable bit is reserved: ignored. */
	reset();
	madt_start_rev(&b, 4, 0xfee00000, 1);
	madt_lapic(&b, 0, 0, 1);
	madt_lapic(&b, 3, 3, 2);
	tbl = tb_finish(&b);
	acpi_parse_madt(tbl);
	KEXPECT_EQ(acpi_platform.nr_cpus, 1);
	free(tbl);
}

KTEST(acpi, madt_zero_length_entry_stops)
{
	struct builder b;
	struct acpi_table_header *tbl;

	reset();
	madt_start(&b, 0xfee00000, 0);
	madt_lapic(&b, 0, 0, 1);
	tb_u8(&b, 0); tb_u8(&b, 0);			/* length 0: would loop forever */
	madt_lapic(&b, 1, 1, 1);
	tbl = tb_finish(&b);
	acpi_parse_madt(tbl);
	KEXPECT_EQ(acpi_platform.nr_cpus, 1);
	KEXPECT(host_printk_contains("bad length 0"));
	free(tbl);
}

KTEST(acpi, madt_entry_past_end)
{
	struct builder b;
	struct acpi_table_header *tbl;

	reset();
	madt_start(&b, 0xfee00000, 0);
	madt_lapic(&b, 0, 0, 1);
	tb_u8(&b, 1); tb_u8(&b, 12); tb_u8(&b, 0); tb_u8(&b, 0);	/* IOAPIC cut short */
	tb_u32(&b, 0xfec00000);
	tbl = tb_finish(&b);
	acpi_parse_madt(tbl);
	KEXPECT_EQ(acpi_platform.nr_cpus, 1);
	KEXPECT_EQ(acpi_platform.nr_ioapics, 0);
	KEXPECT(host_printk_contains("bad length 12"));
	free(tbl);

	/* A single trailing byte (no room for type and length) ends the walk. */
	reset();
	madt_start(&b, 0xfee00000, 0);
	madt_lapic(&b, 0, 0, 1);
	tb_u8(&b, 0);
	tbl = tb_finish(&b);
	acpi_parse_madt(tbl);
	KEXPECT_EQ(acpi_platform.nr_cpus, 1);
	free(tbl);
}

KTEST(acpi, madt_short_entries_ignored)
{
	struct builder b;
	struct acpi_table_header *tbl;

	reset();
	madt_start(&b, 0xfee00000, 0);
	tb_u8(&b, 0); tb_u8(&b, 4); tb_u8(&b, 0); tb_u8(&b, 7);	/* LAPIC, 4 bytes */
	tb_u8(&b, 9); tb_u8(&b, 8); tb_u16(&b, 0); tb_u32(&b, 9);	/* x2APIC, 8 bytes */
	tb_u8(&b, 0x7f); tb_u8(&b, 3); tb_u8(&b, 0);		/* unknown type */
	madt_lapic(&b, 1, 1, 1);
	tbl = tb_finish(&b);
	acpi_parse_madt(tbl);
	KEXPECT_EQ(acpi_platform.nr_cpus, 1);
	KEXPECT_EQ(acpi_platform.cpus[0].apic_id, 1);
	free(tbl);
}

KTEST(acpi, madt_too_short_table)
{
	struct builder b;
	struct acpi_table_header *tbl;

	reset();
	tb_start(&b, "APIC", 4);
	tb_u32(&b, 0xfee00000);			/* flags missing */
	tbl = tb_finish(&b);
	acpi_parse_madt(tbl);
	KEXPECT(!acpi_platform.has_madt);
	KEXPECT(host_printk_contains("MADT too short"));
	free(tbl);
}

KTEST(acpi, madt_x2apic_duplicates_and_override)
{
	struct builder b;
	struct acpi_table_header *tbl;

	reset();
	madt_start(&b, 0xfee00000, 0);
	madt_lapic(&b, 0, 5, 1);
	tb_u8(&b, 9); tb_u8(&b, 16); tb_u16(&b, 0);		/* x2APIC id 5 again */
	tb_u32(&b, 5); tb_u32(&b, 1); tb_u32(&b, 0);
	tb_u8(&b, 9); tb_u8(&b, 16); tb_u16(&b, 0);		/* x2APIC id 300 */
	tb_u32(&b, 300); tb_u32(&b, 1); tb_u32(&b, 7);
	tb_u8(&b, 5); tb_u8(&b, 12); tb_u16(&b, 0);		/* 64-bit LAPIC address */
	tb_u64(&b, 0x1fee00000ULL);
	tbl = tb_finish(&b);
	acpi_parse_madt(tbl);
	KEXPECT_EQ(acpi_platform.nr_cpus, 2);
	KEXPECT_EQ(acpi_platform.cpus[1].apic_id, 300);
	KEXPECT(acpi_platform.cpus[1].x2apic);
	KEXPECT_EQ(acpi_platform.cpus[1].acpi_uid, 7);
	KEXPECT_EQ(acpi_platform.lapic_address, 0x1fee00000ULL);
	free(tbl);
}

KTEST(acpi, madt_too_many_cpus)
{
	struct builder b;
	struct acpi_table_header *tbl;

	reset();
	madt_start(&b, 0xfee00000, 0);
	for (int i = 0; i < 300; i++) {			/* x2APIC: ids above 255 */
		tb_u8(&b, 9); tb_u8(&b, 16); tb_u16(&b, 0);
		tb_u32(&b, i); tb_u32(&b, 1); tb_u32(&b, i);
	}
	tbl = tb_finish(&b);
	acpi_parse_madt(tbl);
	KEXPECT_EQ(acpi_platform.nr_cpus, ACPI_MAX_CPUS);
	KEXPECT_EQ(acpi_platform.nr_cpus_enabled, ACPI_MAX_CPUS);
	KEXPECT(host_printk_contains("more than 256 CPUs in MADT"));
	free(tbl);
}

/* A DSDT whose body is the given AML bytes. */
static struct acpi_table_header *dsdt_with(const u8 *aml, size_t n)
{
	struct builder b;

	tb_start(&b, "DSDT", 2);
	tb_bytes(&b, aml, n);
	return tb_finish(&b);
}

KTEST(acpi, s5_encodings)
{
	static const u8 plain[] = { 0x10, 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				    0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	static const u8 rooted[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				     0x0a, 0x07, 0x01, 0x00, 0x00 };
	static const u8 zero_one[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x01 };
	static const u8 word[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02,
				   0x0b, 0x03, 0x00, 0x0c, 0x06, 0x00, 0x00, 0x00 };
	struct acpi_table_header *tbl;
	u8 a = 0xee, b = 0xee;

	tbl = dsdt_with(plain, sizeof(plain));
	KEXPECT(acpi_scan_s5(tbl, &a, &b));
	KEXPECT_EQ(a, 5);
	KEXPECT_EQ(b, 5);
	free(tbl);
	tbl = dsdt_with(rooted, sizeof(rooted));
	KEXPECT(acpi_scan_s5(tbl, &a, &b));
	KEXPECT_EQ(a, 7);
	KEXPECT_EQ(b, 1);
	free(tbl);
	tbl = dsdt_with(zero_one, sizeof(zero_one));
	KEXPECT(acpi_scan_s5(tbl, &a, &b));
	KEXPECT_EQ(a, 0);
	KEXPECT_EQ(b, 1);
	free(tbl);
	tbl = dsdt_with(word, sizeof(word));			/* 2-byte PkgLength */
	KEXPECT(acpi_scan_s5(tbl, &a, &b));
	KEXPECT_EQ(a, 3);
	KEXPECT_EQ(b, 6);
	free(tbl);
}

KTEST(acpi, s5_not_found_and_truncated)
{
	/* A reference to _S5_ (no NameOp before it) is not its definition. */
	static const u8 reference[] = { 0x70, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x01 };
	u8 cut[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0a, 0x05, 0x0c, 0x05, 0x00 };
	struct acpi_table_header *tbl;
	u8 a, b;

	tbl = dsdt_with(reference, sizeof(reference));
	KEXPECT(!acpi_scan_s5(tbl, &a, &b));
	free(tbl);
	/* Every prefix of a definition: never a read past the end (ASan). */
	for (size_t n = 0; n <= sizeof(cut); n++) {
		tbl = dsdt_with(cut, n);
		KEXPECT(!acpi_scan_s5(tbl, &a, &b));	/* the DWord is never complete */
		free(tbl);
	}
	static const u8 at_end[] = { 0x08, '_', 'S', '5', '_' };
	tbl = dsdt_with(at_end, sizeof(at_end));
	KEXPECT(!acpi_scan_s5(tbl, &a, &b));
	free(tbl);
}

static struct acpi_table_header *fadt(u8 revision, size_t len, u32 flags)
{
	struct builder b;

	tb_start(&b, "FACP", revision);
	memset(b.buf + b.len, 0, sizeof(b.buf) - b.len);
	b.len = len;
	memcpy(b.buf + 48, &(u32){ 0xb2 }, 4);		/* SMI_CMD */
	b.buf[52] = 0xf1;				/* ACPI_ENABLE */
	memcpy(b.buf + 64, &(u32){ 0x604 }, 4);		/* PM1a_CNT_BLK */
	b.buf[108] = 0x32;				/* CENTURY */
	if (len >= 111)
		memcpy(b.buf + 109, &(u16){ 0x0 }, 2);	/* IAPC: no 8042 */
	if (len >= 116)
		memcpy(b.buf + 112, &flags, 4);
	if (len >= 129) {
		struct acpi_gas g = { .space_id = ACPI_SPACE_IO, .bit_width = 8, .address = 0xcf9 };
		memcpy(b.buf + 116, &g, sizeof(g));
		b.buf[128] = 0x06;
	}
	return tb_finish(&b);
}

KTEST(acpi, fadt_fields_and_s5)
{
	static const u8 aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0a, 0x05, 0x00 };
	struct acpi_table_header *tbl = fadt(5, 276, 1 << 10), *d = dsdt_with(aml, sizeof(aml));

	reset();
	fake_dsdt = d;
	acpi_parse_fadt(tbl);
	KEXPECT(acpi_platform.has_fadt);
	KEXPECT_EQ(acpi_platform.smi_cmd, 0xb2);
	KEXPECT_EQ(acpi_platform.acpi_enable, 0xf1);
	KEXPECT_EQ(acpi_platform.pm1a_cnt, 0x604);
	KEXPECT_EQ(acpi_platform.century, 0x32);
	KEXPECT(!(acpi_platform.iapc_boot_flags & ACPI_IAPC_8042));
	KEXPECT(acpi_platform.has_reset_reg);
	KEXPECT_EQ(acpi_platform.reset_reg.address, 0xcf9);
	KEXPECT_EQ(acpi_platform.reset_value, 6);
	KEXPECT(acpi_platform.has_s5);
	KEXPECT_EQ(acpi_platform.s5_slp_typa, 5);
	KEXPECT_EQ(acpi_platform.s5_slp_typb, 0);
	free(tbl);
	free(d);
}

KTEST(acpi, fadt_old_short_and_broken)
{
	struct acpi_table_header *tbl;

	/* ACPI 1.0 FADT (116 bytes, revision 1): IAPC flags assumed, no reset register. */
	reset();
	tbl = fadt(1, 116, 1 << 10);
	acpi_parse_fadt(tbl);
	KEXPECT(acpi_platform.has_fadt);
	KEXPECT(acpi_platform.iapc_boot_flags & ACPI_IAPC_8042);
	KEXPECT(!acpi_platform.has_reset_reg);
	KEXPECT(!acpi_platform.has_s5);			/* no DSDT at all */
	KEXPECT(host_printk_contains("no \\_S5 object found"));
	free(tbl);

	/* Too short to hold the fields we read: ignored with a message. */
	reset();
	tbl = fadt(1, 100, 0);
	acpi_parse_fadt(tbl);
	KEXPECT(!acpi_platform.has_fadt);
	KEXPECT(host_printk_contains("FADT too short"));
	free(tbl);
}

KTEST(acpi, mcfg_ranges)
{
	struct builder b;
	struct acpi_table_header *tbl;

	reset();
	tb_start(&b, "MCFG", 1);
	tb_u64(&b, 0);					/* reserved */
	tb_u64(&b, 0xb0000000); tb_u16(&b, 0); tb_u8(&b, 0); tb_u8(&b, 0xff); tb_u32(&b, 0);
	tb_u64(&b, 0xc0000000); tb_u16(&b, 1); tb_u8(&b, 9); tb_u8(&b, 3); tb_u32(&b, 0);
	tb_u8(&b, 0xaa);				/* a partial entry at the end */
	tbl = tb_finish(&b);
	acpi_parse_mcfg(tbl);
	KEXPECT_EQ(acpi_platform.nr_mcfg, 1);
	KEXPECT_EQ(acpi_platform.mcfg[0].address, 0xb0000000);
	KEXPECT_EQ(acpi_platform.mcfg[0].end_bus, 0xff);
	KEXPECT(host_printk_contains("bus range 9-3 ignored"));
	free(tbl);

	reset();
	tb_start(&b, "MCFG", 1);
	tb_u64(&b, 0);
	for (int i = 0; i < ACPI_MAX_MCFG + 2; i++) {
		tb_u64(&b, 0xb0000000ULL + i * 0x10000000ULL);
		tb_u16(&b, i); tb_u8(&b, 0); tb_u8(&b, 0xff); tb_u32(&b, 0);
	}
	tbl = tb_finish(&b);
	acpi_parse_mcfg(tbl);
	KEXPECT_EQ(acpi_platform.nr_mcfg, ACPI_MAX_MCFG);
	KEXPECT(host_printk_contains("more than 8 MCFG entries"));
	free(tbl);

	/* Shorter than its own header plus the reserved field. */
	reset();
	tb_start(&b, "MCFG", 1);
	tbl = tb_finish(&b);
	acpi_parse_mcfg(tbl);
	KEXPECT_EQ(acpi_platform.nr_mcfg, 0);
	free(tbl);
}

KTEST(acpi, hpet_parse)
{
	struct builder b;
	struct acpi_table_header *tbl;
	struct acpi_gas mem = { .space_id = ACPI_SPACE_MEM, .bit_width = 64, .address = 0xfed00000 };
	struct acpi_gas io = { .space_id = ACPI_SPACE_IO, .address = 0x1000 };

	reset();
	tb_start(&b, "HPET", 1);
	tb_u32(&b, 0x8086a201);
	tb_bytes(&b, &mem, sizeof(mem));
	tb_u8(&b, 0); tb_u16(&b, 0x80); tb_u8(&b, 0);
	tbl = tb_finish(&b);
	acpi_parse_hpet(tbl);
	KEXPECT(acpi_platform.has_hpet);
	KEXPECT_EQ(acpi_platform.hpet_address, 0xfed00000);
	KEXPECT_EQ(acpi_platform.hpet_min_tick, 0x80);
	free(tbl);

	reset();
	tb_start(&b, "HPET", 1);
	tb_u32(&b, 0x8086a201);
	tb_bytes(&b, &io, sizeof(io));
	tb_u8(&b, 0); tb_u16(&b, 0x80); tb_u8(&b, 0);
	tbl = tb_finish(&b);
	acpi_parse_hpet(tbl);
	KEXPECT(!acpi_platform.has_hpet);
	KEXPECT(host_printk_contains("not memory-mapped"));
	free(tbl);

	reset();
	tb_start(&b, "HPET", 1);
	tb_u32(&b, 0x8086a201);
	tbl = tb_finish(&b);
	acpi_parse_hpet(tbl);
	KEXPECT(!acpi_platform.has_hpet);
	KEXPECT(host_printk_contains("too short"));
	free(tbl);
}
