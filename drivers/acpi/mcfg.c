/*
 * The ACPI MCFG table (PCI Firmware Specification 3.2, 4.1.2): the
 * memory-mapped (ECAM) configuration space of each PCI segment and bus
 * range, recorded for the PCI driver. Only PCI Express chipsets have one
 * (QEMU -M q35, not -M pc). Called once at boot from acpi_init().
 */
#include <kestrel/acpi.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>

struct mcfg_entry {
	u64 address;
	u16 segment;
	u8 start_bus, end_bus;
	u32 reserved;
} __packed;

#define MCFG_ENTRIES_OFFSET (sizeof(struct acpi_table_header) + 8)

void acpi_parse_mcfg(const struct acpi_table_header *t)
{
	struct acpi_platform *a = &acpi_platform;
	const u8 *p = (const u8 *)t + MCFG_ENTRIES_OFFSET, *end = (const u8 *)t + t->length;

	for (; p + sizeof(struct mcfg_entry) <= end; p += sizeof(struct mcfg_entry)) {
		struct mcfg_entry e;

		memcpy(&e, p, sizeof(e));
		if (e.end_bus < e.start_bus) {
			pr_warn("ACPI: MCFG entry with bus range %u-%u ignored\n", e.start_bus,
				e.end_bus);
			continue;
		}
		if (a->nr_mcfg == ACPI_MAX_MCFG) {
			pr_warn("ACPI: more than %d MCFG entries, the rest ignored\n", ACPI_MAX_MCFG);
			break;
		}
		a->mcfg[a->nr_mcfg++] = (struct acpi_mcfg_range){
			.address = e.address, .segment = e.segment,
			.start_bus = e.start_bus, .end_bus = e.end_bus,
		};
		pr_info("ACPI: MCFG: PCI ECAM %#llx segment %u buses %02x-%02x\n",
			(unsigned long long)e.address, e.segment, e.start_bus, e.end_bus);
	}
}
