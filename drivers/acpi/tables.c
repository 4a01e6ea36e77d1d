/*
 * ACPI table discovery: find the RSDP, walk the XSDT (or RSDT), check each
 * table's checksum and keep a list of the good ones for acpi_find_table().
 *
 * Protocol: acpi_init() runs once on the boot CPU, before any other CPU
 * starts; the list and acpi_platform are read-only afterwards, so there is
 * no lock. A table with a bad checksum is logged and ignored; no RSDP at
 * all leaves acpi_platform.present false and every user falls back to the
 * legacy PC (PIT, one CPU, keyboard-controller reset).
 */
#include <kestrel/acpi.h>
#include <kestrel/bootinfo.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <asm/ioremap.h>
#include <asm/page.h>

struct acpi_platform acpi_platform;

#define ACPI_MAX_TABLES 64
/* Kept tables, in XSDT order, the DSDT (reached through the FADT) appended. */
static const struct acpi_table_header *tables[ACPI_MAX_TABLES];
static phys_addr_t table_phys[ACPI_MAX_TABLES];
static int nr_tables;
static phys_addr_t rsdp_phys;

u8 acpi_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

void *acpi_map(phys_addr_t phys, size_t len)
{
	if (!phys || phys + len < phys)
		return NULL;
	/*
	 * Firmware puts the tables below 4 GiB, which the direct map always
	 * covers (mm keeps it for firmware tables); anything above gets a
	 * cached mapping of its own, kept for the kernel's lifetime.
	 */
	if (phys + len <= (4ULL << 30))
		return __va(phys);
	return (void *)ioremap_cache(phys, len);
}

phys_addr_t acpi_rsdp_address(void)
{
	return rsdp_phys;
}

static bool rsdp_valid(const struct acpi_rsdp *r)
{
	if (memcmp(r->signature, "RSD PTR ", 8) || acpi_checksum(r, 20))
		return false;
	if (r->revision >= 2 && (r->length < sizeof(*r) || acpi_checksum(r, r->length)))
		return false;
	return true;
}

/* The spec's BIOS search: on a 16-byte boundary in the EBDA's first KiB or 0xE0000-0xFFFFF. */
static phys_addr_t rsdp_scan(phys_addr_t start, size_t len)
{
	for (phys_addr_t p = start; p + sizeof(struct acpi_rsdp) <= start + len; p += 16)
		if (rsdp_valid(__va(p)))
			return p;
	return 0;
}

static phys_addr_t find_rsdp(const struct acpi_rsdp **out, const char **how)
{
	phys_addr_t p, ebda;

	/*
	 * The multiboot 2 tag holds a copy of the RSDP, not its address. The
	 * copy is all the kernel needs: the tables it points to are where
	 * the firmware left them.
	 */
	const struct acpi_rsdp *copy = (const void *)boot_info.rsdp;

	/* The copy is 36 bytes: a longer claimed length cannot be checksummed. */
	if (boot_info.has_rsdp && (copy->revision < 2 || copy->length <= sizeof(boot_info.rsdp)) &&
	    rsdp_valid(copy)) {
		*out = (const void *)boot_info.rsdp;
		*how = "the boot loader's copy";
		return __pa(boot_info.rsdp);
	}
	if (boot_info.has_rsdp)
		pr_warn("ACPI: the boot loader's RSDP copy is invalid (signature, length or checksum), scanning\n");
	if (boot_info.efi)
		return 0;	/* under UEFI there is no BIOS area to scan */

	/* The EBDA's segment is the word at 0x40e of the BIOS data area. */
	ebda = (phys_addr_t)(*(const u16 *)__va(0x40e)) << 4;
	p = 0;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		p = rsdp_scan(ebda, 1024);
	if (!p)
		p = rsdp_scan(0xe0000, 0x20000);
	if (p) {
		*out = __va(p);
		*how = "BIOS scan";
	}
	return p;
}

static void print_table(const char *sig, phys_addr_t phys, const struct acpi_table_header *t)
{
	pr_info("ACPI: %.4s 0x%016llx %06x (v%02u %.6s %.8s %08x)\n", sig,
		(unsigned long long)phys, t->length, t->revision, t->oem_id,
		t->oem_table_id, t->oem_revision);
}

/* Check and keep one table; returns it, or NULL if it is unusable. */
static const struct acpi_table_header *add_table(phys_addr_t phys)
{
	const struct acpi_table_header *t;

	/* Some firmware lists the DSDT in the XSDT too: keep one copy. */
	for (int i = 0; i < nr_tables; i++)
		if (table_phys[i] == phys)
			return tables[i];
	t = acpi_map(phys, sizeof(*t));

	if (!t) {
		pr_warn("ACPI: table at %#llx is not addressable, ignored\n",
			(unsigned long long)phys);
		return NULL;
	}
	if (t->length < sizeof(*t) || !acpi_map(phys, t->length)) {
		pr_warn("ACPI: %.4s at %#llx has a bad length %u, ignored\n", t->signature,
			(unsigned long long)phys, t->length);
		return NULL;
	}
	print_table(t->signature, phys, t);
	if (acpi_checksum(t, t->length)) {
		pr_warn("ACPI: %.4s at %#llx has a bad checksum, ignored\n", t->signature,
			(unsigned long long)phys);
		return NULL;
	}
	if (nr_tables == ACPI_MAX_TABLES) {
		pr_warn("ACPI: more than %d tables, %.4s ignored\n", ACPI_MAX_TABLES, t->signature);
		return NULL;
	}
	table_phys[nr_tables] = phys;
	tables[nr_tables++] = t;
	return t;
}

/* Walk the XSDT (8-byte entries) or RSDT (4-byte entries). */
static int walk_root(phys_addr_t root, bool xsdt)
{
	const struct acpi_table_header *r = acpi_map(root, sizeof(*r));
	size_t entry = xsdt ? 8 : 4;

	if (!r || r->length < sizeof(*r) || !acpi_map(root, r->length)) {
		pr_err("ACPI: %s at %#llx is not readable\n", xsdt ? "XSDT" : "RSDT",
		       (unsigned long long)root);
		return -1;
	}
	print_table(xsdt ? "XSDT" : "RSDT", root, r);
	if (acpi_checksum(r, r->length) || memcmp(r->signature, xsdt ? "XSDT" : "RSDT", 4)) {
		pr_err("ACPI: %s at %#llx has a bad checksum or signature\n",
		       xsdt ? "XSDT" : "RSDT", (unsigned long long)root);
		return -1;
	}
	for (size_t off = sizeof(*r); off + entry <= r->length; off += entry) {
		const u8 *e = (const u8 *)r + off;
		u64 phys = 0;
		memcpy(&phys, e, entry);	/* entries are not naturally aligned */
		add_table(phys);
	}
	return 0;
}

const struct acpi_table_header *acpi_find_table(const char *sig, int index)
{
	for (int i = 0; i < nr_tables; i++)
		if (!memcmp(tables[i]->signature, sig, 4) && index-- == 0)
			return tables[i];
	return NULL;
}

/* The FADT points to the DSDT, which is not in the XSDT: add it to the list. */
static void add_dsdt(const struct acpi_table_header *fadt)
{
	const u8 *f = (const u8 *)fadt;
	u64 dsdt = 0;

	/* X_DSDT (offset 140, ACPI 2.0+) wins over DSDT (offset 40). */
	if (fadt->length >= 148)
		memcpy(&dsdt, f + 140, 8);
	if (!dsdt && fadt->length >= 44)
		memcpy(&dsdt, f + 40, 4);
	if (!dsdt) {
		pr_warn("ACPI: FADT has no DSDT\n");
		return;
	}
	acpi_platform.dsdt = dsdt;
	add_table(dsdt);
}

void acpi_init(void)
{
	const struct acpi_rsdp *rsdp = NULL;
	const struct acpi_table_header *t;
	const char *how = "";
	int err;

	rsdp_phys = find_rsdp(&rsdp, &how);
	if (!rsdp_phys) {
		pr_warn("ACPI: no RSDP found, continuing without ACPI "
			"(one CPU, PIT timer, legacy PIC masked, keyboard-controller reset)\n");
		return;
	}
	pr_info("ACPI: RSDP 0x%016llx %06x (v%02u %.6s) from %s\n",
		(unsigned long long)rsdp_phys, rsdp->revision >= 2 ? rsdp->length : 20,
		rsdp->revision, rsdp->oem_id, how);
	acpi_platform.revision = rsdp->revision;

	/* ACPI 2.0+ firmware gives both; the XSDT carries 64-bit addresses. */
	err = -1;
	if (rsdp->revision >= 2 && rsdp->xsdt_address)
		err = walk_root(rsdp->xsdt_address, true);
	if (err && rsdp->rsdt_address)
		err = walk_root(rsdp->rsdt_address, false);
	if (err) {
		pr_err("ACPI: no usable root table, continuing without ACPI\n");
		return;
	}
	acpi_platform.present = true;

	if ((t = acpi_find_table("FACP", 0))) {
		add_dsdt(t);
		acpi_parse_fadt(t);
	}
	if ((t = acpi_find_table("APIC", 0)))
		acpi_parse_madt(t);
	else
		pr_warn("ACPI: no MADT, assuming one CPU and no IOAPIC\n");
	if ((t = acpi_find_table("HPET", 0)))
		acpi_parse_hpet(t);
	if ((t = acpi_find_table("MCFG", 0)))
		acpi_parse_mcfg(t);
}
