/*
 * What the boot loader told us, in one protocol-neutral structure.
 * arch/x86/kernel/bootinfo.c fills it from multiboot 1 or 2 at the very
 * start of start_kernel(); it is read-only afterwards.
 */
#ifndef KESTREL_BOOTINFO_H
#define KESTREL_BOOTINFO_H

#include <kestrel/types.h>

/* Memory region types, as in the BIOS E820 map. */
#define BOOT_MEM_USABLE 1
#define BOOT_MEM_RESERVED 2
#define BOOT_MEM_ACPI 3		/* ACPI tables, reclaimable after parsing */
#define BOOT_MEM_NVS 4		/* ACPI non-volatile storage */
#define BOOT_MEM_BAD 5

#define BOOT_MAX_MEM_REGIONS 256
#define BOOT_MAX_MODULES 16

struct boot_mem_region {
	u64 addr;
	u64 len;
	u32 type;
};

struct boot_module {
	phys_addr_t start, end;	/* [start, end) */
	char cmdline[128];
};

struct boot_framebuffer {
	phys_addr_t addr;
	u32 pitch, width, height;
	u8 bpp;
	u8 type;		/* 0 indexed, 1 RGB, 2 EGA text */
	u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
	int protocol;		/* 1 or 2 (multiboot version), 0 unknown */
	char loader_name[64];
	char cmdline[4096];

	struct boot_mem_region mem[BOOT_MAX_MEM_REGIONS];
	int nr_mem;

	struct boot_module modules[BOOT_MAX_MODULES];
	int nr_modules;

	bool has_fb;
	struct boot_framebuffer fb;

	bool has_rsdp;		/* rsdp holds a copy of the ACPI RSDP */
	u8 rsdp[36];

	bool efi;		/* booted through UEFI (an EFI system table tag) */
	phys_addr_t info_start, info_end;	/* the loader's info block, to reserve */
};

extern struct boot_info boot_info;

/* Parse the loader's information; returns false if the magic is unknown. */
bool bootinfo_parse(u32 magic, u32 info_phys);

#endif
