/*
 * ACPI: the firmware's description of the platform, as tables in memory.
 *
 * drivers/acpi/ finds the RSDP (boot loader tag or BIOS scan), walks the
 * XSDT (or the RSDT on ACPI 1.0), checks every table's checksum and keeps
 * the good ones in a list that acpi_find_table() searches. acpi_init()
 * then parses the tables the kernel needs into acpi_platform:
 *   MADT ("APIC")  CPUs (local APICs), IOAPICs, interrupt overrides, NMIs
 *   FADT ("FACP")  power-management registers, S5 sleep type, reset register
 *   HPET           the event timer's address
 *   MCFG           PCI Express configuration space (ECAM) ranges
 *
 * Everything is parsed once on the boot CPU before other CPUs run and is
 * read-only afterwards, so readers need no lock.
 */
#ifndef KESTREL_ACPI_H
#define KESTREL_ACPI_H

#include <kestrel/compiler.h>

/* Every table except the RSDP starts with this header (ACPI 6.5, 5.2.6). */
struct acpi_table_header {
	char signature[4];
	u32 length;		/* whole table, header included */
	u8 revision;
	u8 checksum;		/* all bytes of the table sum to 0 (mod 256) */
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 asl_compiler_id;
	u32 asl_compiler_revision;
} __packed;

/* Root System Description Pointer (5.2.5). */
struct acpi_rsdp {
	char signature[8];	/* "RSD PTR " */
	u8 checksum;		/* of the first 20 bytes (the ACPI 1.0 part) */
	char oem_id[6];
	u8 revision;		/* 0: ACPI 1.0 (RSDT only); 2: 2.0+ (XSDT) */
	u32 rsdt_address;
	u32 length;		/* 2.0+: whole structure */
	u64 xsdt_address;
	u8 extended_checksum;	/* 2.0+: of all `length` bytes */
	u8 reserved[3];
} __packed;

/* Generic Address Structure (5.2.3.2): where a register lives. */
struct acpi_gas {
	u8 space_id;		/* ACPI_SPACE_* */
	u8 bit_width;
	u8 bit_offset;
	u8 access_size;
	u64 address;
} __packed;

#define ACPI_SPACE_MEM 0
#define ACPI_SPACE_IO 1
#define ACPI_SPACE_PCI 2

/* Limits of what we record; more entries are reported and ignored. */
#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_NMIS 16
#define ACPI_MAX_MCFG 8

struct acpi_cpu {
	u32 apic_id;
	u32 acpi_uid;		/* processor UID (x2APIC) or ACPI processor id */
	bool enabled;		/* usable now */
	bool online_capable;	/* disabled, but may be hot-added */
	bool x2apic;		/* came from an x2APIC entry */
};

struct acpi_ioapic {
	u8 id;
	phys_addr_t address;
	u32 gsi_base;		/* first global system interrupt it serves */
};

/* An ISA IRQ that is not wired to GSI == IRQ, or not edge/active-high. */
struct acpi_override {
	u8 bus;			/* 0: ISA */
	u8 source_irq;
	u32 gsi;
	u16 flags;		/* MPS INTI flags: ACPI_MADT_POLARITY_*, ACPI_MADT_TRIGGER_* */
};

#define ACPI_MADT_POLARITY_MASK 0x3
#define ACPI_MADT_POLARITY_CONFORMS 0x0
#define ACPI_MADT_POLARITY_HIGH 0x1
#define ACPI_MADT_POLARITY_LOW 0x3
#define ACPI_MADT_TRIGGER_MASK 0xc
#define ACPI_MADT_TRIGGER_CONFORMS 0x0
#define ACPI_MADT_TRIGGER_EDGE 0x4
#define ACPI_MADT_TRIGGER_LEVEL 0xc

struct acpi_nmi {
	u32 acpi_uid;		/* 0xff (or 0xffffffff for x2APIC): all CPUs */
	u16 flags;		/* MPS INTI flags */
	u8 lint;		/* LINT0 or LINT1 pin of the local APIC */
};

struct acpi_mcfg_range {
	phys_addr_t address;	/* ECAM base for bus 0 of this segment */
	u16 segment;
	u8 start_bus, end_bus;
};

struct acpi_platform {
	bool present;			/* an RSDP with good checksums was found */
	u8 revision;			/* RSDP revision */

	/* MADT */
	bool has_madt;
	phys_addr_t lapic_address;	/* after any 64-bit override entry */
	bool pcat_compat;		/* dual 8259s present (must be masked) */
	int nr_cpus, nr_cpus_enabled;
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	int nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	int nr_overrides;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	int nr_nmis;
	struct acpi_nmi nmis[ACPI_MAX_NMIS];

	/* FADT */
	bool has_fadt;
	u32 pm1a_cnt, pm1b_cnt;		/* I/O ports of the PM1 control blocks (0: none) */
	u32 smi_cmd;			/* SMI command port (ACPI mode switch), 0: none */
	u8 acpi_enable;			/* value for smi_cmd to enter ACPI mode */
	bool has_s5;			/* SLP_TYP for S5 found in the DSDT */
	u8 s5_slp_typa, s5_slp_typb;
	bool has_reset_reg;		/* FADT reset register is valid */
	struct acpi_gas reset_reg;
	u8 reset_value;
	u8 century;			/* CMOS index of the century, 0: none */
	u16 iapc_boot_flags;
	phys_addr_t dsdt;

	/* HPET */
	bool has_hpet;
	phys_addr_t hpet_address;
	u8 hpet_number;
	u16 hpet_min_tick;

	/* MCFG */
	int nr_mcfg;
	struct acpi_mcfg_range mcfg[ACPI_MAX_MCFG];
};

/* FADT IA-PC boot architecture flags (5.2.9.3). */
#define ACPI_IAPC_LEGACY_DEVICES (1 << 0)
#define ACPI_IAPC_8042 (1 << 1)
#define ACPI_IAPC_NO_VGA (1 << 2)
#define ACPI_IAPC_NO_CMOS_RTC (1 << 5)

extern struct acpi_platform acpi_platform;

/* Find tables and parse MADT, FADT, HPET, MCFG; logs and keeps going without ACPI. */
void acpi_init(void);

/*
 * The index-th (from 0) checksummed table with this 4-character signature
 * ("APIC", "FACP", "HPET", "MCFG", "DSDT", ...), or NULL. The pointer stays
 * valid for the kernel's lifetime.
 */
const struct acpi_table_header *acpi_find_table(const char *sig, int index);

/* Sum of len bytes; 0 means a good checksum. */
u8 acpi_checksum(const void *p, size_t len);

/* Physical address of the RSDP in use, or 0. */
phys_addr_t acpi_rsdp_address(void);

/* Parsers (drivers/acpi/), called by acpi_init(). */
void acpi_parse_madt(const struct acpi_table_header *t);
void acpi_parse_fadt(const struct acpi_table_header *t);
void acpi_parse_hpet(const struct acpi_table_header *t);
void acpi_parse_mcfg(const struct acpi_table_header *t);

/*
 * Find `Name (_S5, Package () { a, b, ... })` in an AML table (DSDT/SSDT)
 * and return SLP_TYPa/b; false if there is none (drivers/acpi/fadt.c).
 */
bool acpi_scan_s5(const struct acpi_table_header *t, u8 *typa, u8 *typb);

/* Map a table's physical range for reading (the boot direct map or ioremap). */
void *acpi_map(phys_addr_t phys, size_t len);

#endif
