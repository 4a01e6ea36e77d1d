/*
 * The ACPI HPET table (IA-PC HPET specification 1.0a, 3.2.4): where the
 * High Precision Event Timer's registers are. arch/x86/kernel/hpet.c
 * drives the timer itself. Called once at boot from acpi_init().
 */
#include <kestrel/acpi.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>

struct acpi_hpet {
	struct acpi_table_header h;
	u32 block_id;		/* copy of the capabilities register's low half */
	struct acpi_gas address;
	u8 number;		/* HPET sequence number */
	u16 min_tick;		/* minimum periodic tick without losing interrupts */
	u8 page_protection;
} __packed;

void acpi_parse_hpet(const struct acpi_table_header *t)
{
	const struct acpi_hpet *h = (const struct acpi_hpet *)t;
	struct acpi_platform *a = &acpi_platform;

	if (t->length < sizeof(*h)) {
		pr_warn("ACPI: HPET table too short (%u bytes), ignored\n", t->length);
		return;
	}
	if (h->address.space_id != ACPI_SPACE_MEM || !h->address.address) {
		pr_warn("ACPI: HPET is not memory-mapped, ignored\n");
		return;
	}
	a->has_hpet = true;
	a->hpet_address = h->address.address;
	a->hpet_number = h->number;
	a->hpet_min_tick = h->min_tick;
	pr_info("ACPI: HPET id: %#x base: %#llx\n", h->block_id,
		(unsigned long long)a->hpet_address);
}
