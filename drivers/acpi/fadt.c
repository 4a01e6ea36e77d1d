/*
 * FADT ("FACP", ACPI 6.5 5.2.9): fixed hardware registers. We take what
 * power-off, reboot and the RTC need: the PM1a/PM1b control ports, the
 * SMI command port that switches the chipset into ACPI mode, the reset
 * register, the CMOS century index and the IA-PC boot flags (is there an
 * 8042 keyboard controller?).
 *
 * The sleep type values for S5 (soft off) are not in the FADT but in the
 * DSDT, as AML: `Name (_S5, Package () { typ_a, typ_b, ... })`. Rather
 * than an AML interpreter we scan the bytecode for that one definition,
 * which firmware writes in a handful of fixed encodings (see acpi_scan_s5()).
 *
 * Called once at boot from acpi_init(); no locking (see tables.c).
 */
#include <kestrel/acpi.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>

/* Byte offsets of the FADT fields we read (the table grew across revisions). */
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_CENTURY 108
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_X_PM1A_CNT 172
#define FADT_X_PM1B_CNT 184

#define FADT_F_RESET_REG_SUP (1 << 10)

/* AML opcodes (ACPI 6.5 20.3) used by the _S5 scan. */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR 0x5c

static u32 get32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }

/*
 * Decode one small integer package element at *p (within end): Zero, One,
 * or a Byte/Word/DWord constant. Returns false for anything else.
 */
static bool aml_int(const u8 **p, const u8 *end, u32 *val)
{
	const u8 *q = *p;
	int n;

	if (q >= end)
		return false;
	switch (*q) {
	case AML_ZERO_OP: *val = 0; *p = q + 1; return true;
	case AML_ONE_OP: *val = 1; *p = q + 1; return true;
	case AML_BYTE_PREFIX: n = 1; break;
	case AML_WORD_PREFIX: n = 2; break;
	case AML_DWORD_PREFIX: n = 4; break;
	default: return false;
	}
	if (q + 1 + n > end)
		return false;
	*val = 0;
	memcpy(val, q + 1, n);
	*p = q + 1 + n;
	return true;
}

/*
 * Find `NameOp [\] _S5_ PackageOp PkgLength NumElements a b ...` in an
 * AML body and return the first two elements (SLP_TYPa, SLP_TYPb).
 */
bool acpi_scan_s5(const struct acpi_table_header *t, u8 *typa, u8 *typb)
{
	const u8 *body = (const u8 *)(t + 1), *end = (const u8 *)t + t->length;

	for (const u8 *p = body; p + 4 <= end; p++) {
		const u8 *q;
		u32 a, b;

		if (memcmp(p, "_S5_", 4))
			continue;
		/* A definition, not a reference: NameOp right before (maybe via '\'). */
		if (!(p > body && (p[-1] == AML_NAME_OP ||
				   (p - 1 > body && p[-1] == AML_ROOT_CHAR && p[-2] == AML_NAME_OP))))
			continue;
		q = p + 4;
		if (q >= end || *q++ != AML_PACKAGE_OP || q >= end)
			continue;
		q += 1 + (*q >> 6);	/* PkgLength: bits 7:6 count its extra bytes */
		q++;			/* NumElements */
		if (!aml_int(&q, end, &a) || !aml_int(&q, end, &b))
			continue;
		*typa = a & 7;
		*typb = b & 7;
		return true;
	}
	return false;
}

static void parse_s5(void)
{
	const struct acpi_table_header *t;
	struct acpi_platform *a = &acpi_platform;

	/* \_S5 lives in the DSDT; some firmware puts it in an SSDT. */
	t = acpi_find_table("DSDT", 0);
	if (t && acpi_scan_s5(t, &a->s5_slp_typa, &a->s5_slp_typb))
		a->has_s5 = true;
	for (int i = 0; !a->has_s5 && (t = acpi_find_table("SSDT", i)); i++)
		if (acpi_scan_s5(t, &a->s5_slp_typa, &a->s5_slp_typb))
			a->has_s5 = true;
	if (a->has_s5)
		pr_info("ACPI: S5 sleep type %u/%u (soft off)\n", a->s5_slp_typa, a->s5_slp_typb);
	else
		pr_warn("ACPI: no \\_S5 object found, ACPI power-off unavailable\n");
}

/* A 12-byte X_PM1x_CNT_BLK address, if it is an I/O port; else the 32-bit one. */
static u32 pm1_port(const struct acpi_table_header *t, int xoff, int off)
{
	const u8 *f = (const u8 *)t;
	struct acpi_gas g;

	if (t->length >= xoff + sizeof(g)) {
		memcpy(&g, f + xoff, sizeof(g));
		if (g.address && g.space_id == ACPI_SPACE_IO && g.address < 0x10000)
			return g.address;
	}
	return get32(f + off);
}

void acpi_parse_fadt(const struct acpi_table_header *t)
{
	struct acpi_platform *a = &acpi_platform;
	const u8 *f = (const u8 *)t;

	if (t->length < FADT_FLAGS) {
		pr_warn("ACPI: FADT too short (%u bytes), ignored\n", t->length);
		return;
	}
	a->has_fadt = true;
	a->smi_cmd = get32(f + FADT_SMI_CMD);
	a->acpi_enable = f[FADT_ACPI_ENABLE];
	a->pm1a_cnt = pm1_port(t, FADT_X_PM1A_CNT, FADT_PM1A_CNT);
	a->pm1b_cnt = pm1_port(t, FADT_X_PM1B_CNT, FADT_PM1B_CNT);
	a->century = f[FADT_CENTURY];
	/*
	 * IAPC_BOOT_ARCH was reserved (zero) before FADT revision 3: there a
	 * PC is assumed to have the legacy devices and the 8042.
	 */
	if (t->revision >= 3)
		memcpy(&a->iapc_boot_flags, f + FADT_IAPC_BOOT_ARCH, 2);
	else
		a->iapc_boot_flags = ACPI_IAPC_LEGACY_DEVICES | ACPI_IAPC_8042;
	if (t->length >= FADT_RESET_VALUE + 1 && (get32(f + FADT_FLAGS) & FADT_F_RESET_REG_SUP)) {
		memcpy(&a->reset_reg, f + FADT_RESET_REG, sizeof(a->reset_reg));
		a->reset_value = f[FADT_RESET_VALUE];
		a->has_reset_reg = a->reset_reg.address != 0;
	}
	pr_info("ACPI: FADT: PM1a_CNT %#x PM1b_CNT %#x century %#x 8042 %s reset %s\n",
		a->pm1a_cnt, a->pm1b_cnt, a->century,
		a->iapc_boot_flags & ACPI_IAPC_8042 ? "yes" : "no",
		a->has_reset_reg ? (a->reset_reg.space_id == ACPI_SPACE_IO ? "io" :
				    a->reset_reg.space_id == ACPI_SPACE_MEM ? "mem" : "pci") : "none");
	parse_s5();
}
