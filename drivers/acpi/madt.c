/*
 * MADT ("APIC", ACPI 6.5 5.2.12): the interrupt controllers. A header
 * (local APIC address, flags) followed by variable-length entries, each
 * starting with a type byte and a length byte. We record the CPUs (local
 * APIC and x2APIC entries), the IOAPICs, the ISA interrupt overrides and
 * the local APIC NMI pins, into acpi_platform. Called once at boot from
 * acpi_init(); no locking (see tables.c).
 */
#include <kestrel/acpi.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>

struct madt {
	struct acpi_table_header h;
	u32 lapic_address;
	u32 flags;		/* bit 0: PCAT_COMPAT, dual 8259s present */
} __packed;

enum {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_NMI_SOURCE = 3,
	MADT_LAPIC_NMI = 4,
	MADT_LAPIC_OVERRIDE = 5,
	MADT_X2APIC = 9,
	MADT_X2APIC_NMI = 10,
};

#define MADT_CPU_ENABLED (1 << 0)
#define MADT_CPU_ONLINE_CAPABLE (1 << 1)

/* Little-endian field readers: MADT entries are byte-packed. */
static u16 get16(const u8 *p) { u16 v; memcpy(&v, p, 2); return v; }
static u32 get32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static u64 get64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }

static u8 madt_revision;

static void add_cpu(u32 apic_id, u32 uid, u32 flags, bool x2apic)
{
	struct acpi_platform *a = &acpi_platform;
	bool enabled = flags & MADT_CPU_ENABLED;
	/* Online Capable is only defined from MADT revision 5 on (reserved before). */
	bool capable = !enabled && madt_revision >= 5 && (flags & MADT_CPU_ONLINE_CAPABLE);

	if (!enabled && !capable)
		return;		/* not present and never will be */
	for (int i = 0; i < a->nr_cpus; i++)
		if (a->cpus[i].apic_id == apic_id)
			return;	/* firmware may list a CPU as both APIC and x2APIC */
	if (a->nr_cpus == ACPI_MAX_CPUS) {
		pr_warn("ACPI: more than %d CPUs in MADT, APIC id %u ignored\n", ACPI_MAX_CPUS,
			apic_id);
		return;
	}
	a->cpus[a->nr_cpus++] = (struct acpi_cpu){
		.apic_id = apic_id, .acpi_uid = uid, .enabled = enabled,
		.online_capable = capable, .x2apic = x2apic,
	};
	if (enabled)
		a->nr_cpus_enabled++;
}

static void add_ioapic(const u8 *e)
{
	struct acpi_platform *a = &acpi_platform;

	if (a->nr_ioapics == ACPI_MAX_IOAPICS) {
		pr_warn("ACPI: more than %d IOAPICs, one ignored\n", ACPI_MAX_IOAPICS);
		return;
	}
	a->ioapics[a->nr_ioapics++] = (struct acpi_ioapic){
		.id = e[2], .address = get32(e + 4), .gsi_base = get32(e + 8),
	};
	pr_info("ACPI: IOAPIC[%d]: apic_id %u, address 0x%x, GSI base %u\n", a->nr_ioapics - 1,
		e[2], get32(e + 4), get32(e + 8));
}

static void add_override(const u8 *e)
{
	struct acpi_platform *a = &acpi_platform;
	struct acpi_override o = {
		.bus = e[2], .source_irq = e[3], .gsi = get32(e + 4), .flags = get16(e + 8),
	};

	if (a->nr_overrides == ACPI_MAX_OVERRIDES) {
		pr_warn("ACPI: more than %d interrupt overrides, one ignored\n",
			ACPI_MAX_OVERRIDES);
		return;
	}
	a->overrides[a->nr_overrides++] = o;
	pr_info("ACPI: INT_SRC_OVR (bus %u bus_irq %u global_irq %u %s %s)\n", o.bus,
		o.source_irq, o.gsi,
		(o.flags & ACPI_MADT_POLARITY_MASK) == ACPI_MADT_POLARITY_LOW ? "low" :
		(o.flags & ACPI_MADT_POLARITY_MASK) == ACPI_MADT_POLARITY_HIGH ? "high" : "dfl",
		(o.flags & ACPI_MADT_TRIGGER_MASK) == ACPI_MADT_TRIGGER_LEVEL ? "level" :
		(o.flags & ACPI_MADT_TRIGGER_MASK) == ACPI_MADT_TRIGGER_EDGE ? "edge" : "dfl");
}

static void add_nmi(u32 uid, u16 flags, u8 lint)
{
	struct acpi_platform *a = &acpi_platform;

	if (a->nr_nmis == ACPI_MAX_NMIS) {
		pr_warn("ACPI: more than %d LAPIC NMI entries, one ignored\n", ACPI_MAX_NMIS);
		return;
	}
	a->nmis[a->nr_nmis++] = (struct acpi_nmi){ .acpi_uid = uid, .flags = flags, .lint = lint };
}

static void parse_entry(const u8 *e)
{
	switch (e[0]) {
	case MADT_LAPIC:
		if (e[1] >= 8)
			add_cpu(e[3], e[2], get32(e + 4), false);
		break;
	case MADT_X2APIC:
		if (e[1] >= 16)
			add_cpu(get32(e + 4), get32(e + 12), get32(e + 8), true);
		break;
	case MADT_IOAPIC:
		if (e[1] >= 12)
			add_ioapic(e);
		break;
	case MADT_OVERRIDE:
		if (e[1] >= 10)
			add_override(e);
		break;
	case MADT_LAPIC_NMI:
		if (e[1] >= 6)
			add_nmi(e[2] == 0xff ? 0xffffffffu : e[2], get16(e + 3), e[5]);
		break;
	case MADT_X2APIC_NMI:
		if (e[1] >= 12)
			add_nmi(get32(e + 4), get16(e + 2), e[8]);
		break;
	case MADT_LAPIC_OVERRIDE:
		if (e[1] >= 12)
			acpi_platform.lapic_address = get64(e + 4);
		break;
	case MADT_NMI_SOURCE:
		/* An IOAPIC input wired to NMI: nothing in Kestrel routes it. */
		pr_info("ACPI: NMI source on GSI %u (not routed)\n", get32(e + 4));
		break;
	default:
		break;	/* GIC, RINTC and other architectures' entries */
	}
}

void acpi_parse_madt(const struct acpi_table_header *t)
{
	const struct madt *m = (const struct madt *)t;
	const u8 *p, *end = (const u8 *)t + t->length;

	if (t->length < sizeof(*m)) {
		pr_warn("ACPI: MADT too short (%u bytes), ignored\n", t->length);
		return;
	}
	acpi_platform.has_madt = true;
	madt_revision = t->revision;
	acpi_platform.lapic_address = m->lapic_address;
	acpi_platform.pcat_compat = m->flags & 1;
	for (p = (const u8 *)(m + 1); p + 2 <= end; p += p[1]) {
		if (p[1] < 2 || p + p[1] > end) {
			pr_warn("ACPI: MADT entry at offset %ld has a bad length %u, rest ignored\n",
				(long)(p - (const u8 *)t), p[1]);
			break;
		}
		parse_entry(p);
	}
	pr_info("ACPI: Local APIC address 0x%llx\n",
		(unsigned long long)acpi_platform.lapic_address);
	pr_info("ACPI: %d CPUs in MADT (%d enabled)\n", acpi_platform.nr_cpus,
		acpi_platform.nr_cpus_enabled);
}
