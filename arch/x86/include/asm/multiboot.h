/*
 * Multiboot 1 and 2 boot information layouts (the subset Kestrel reads).
 * Both specifications are from the GNU GRUB project.
 */
#ifndef ASM_MULTIBOOT_H
#define ASM_MULTIBOOT_H

#define MB1_HEADER_MAGIC 0x1BADB002
#define MB1_BOOTLOADER_MAGIC 0x2BADB002
/* page-align modules, want a memory map, header has address fields */
#define MB1_HEADER_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))

#define MB2_HEADER_MAGIC 0xE85250D6
#define MB2_BOOTLOADER_MAGIC 0x36D76289
#define MB2_HEADER_TAG_END 0
#define MB2_HEADER_TAG_FRAMEBUFFER 5
#define MB2_HEADER_TAG_OPTIONAL 1

#ifndef __ASSEMBLER__
#include <kestrel/types.h>

/* Multiboot 1 information structure (flags say which fields are valid). */
struct mb1_info {
	u32 flags;
	u32 mem_lower, mem_upper;	/* flags bit 0, KiB */
	u32 boot_device;		/* bit 1 */
	u32 cmdline;			/* bit 2 */
	u32 mods_count, mods_addr;	/* bit 3 */
	u32 syms[4];			/* bits 4/5 */
	u32 mmap_length, mmap_addr;	/* bit 6 */
	u32 drives_length, drives_addr;	/* bit 7 */
	u32 config_table;		/* bit 8 */
	u32 boot_loader_name;		/* bit 9 */
	u32 apm_table;			/* bit 10 */
	u32 vbe_control_info, vbe_mode_info; /* bit 11 */
	u16 vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
	u64 framebuffer_addr;		/* bit 12 */
	u32 framebuffer_pitch, framebuffer_width, framebuffer_height;
	u8 framebuffer_bpp, framebuffer_type;
	u8 color_info[6];
} __attribute__((packed));

#define MB1_INFO_MEMORY (1 << 0)
#define MB1_INFO_CMDLINE (1 << 2)
#define MB1_INFO_MODS (1 << 3)
#define MB1_INFO_MMAP (1 << 6)
#define MB1_INFO_FRAMEBUFFER (1 << 12)

struct mb1_mmap_entry {
	u32 size;			/* of the rest of the entry */
	u64 addr, len;
	u32 type;
} __attribute__((packed));

struct mb1_module {
	u32 mod_start, mod_end, string, reserved;
} __attribute__((packed));

/* Multiboot 2: a fixed header, then 8-byte-aligned tags. */
struct mb2_info {
	u32 total_size;
	u32 reserved;
} __attribute__((packed));

struct mb2_tag {
	u32 type;
	u32 size;
} __attribute__((packed));

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_BOOT_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_EFI64 12
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_EFI_MMAP 17
#define MB2_TAG_LOAD_BASE_ADDR 21

struct mb2_tag_string {
	u32 type, size;
	char string[];
} __attribute__((packed));

struct mb2_tag_module {
	u32 type, size;
	u32 mod_start, mod_end;
	char cmdline[];
} __attribute__((packed));

struct mb2_mmap_entry {
	u64 addr, len;
	u32 type, zero;
} __attribute__((packed));

struct mb2_tag_mmap {
	u32 type, size;
	u32 entry_size, entry_version;
	struct mb2_mmap_entry entries[];
} __attribute__((packed));

struct mb2_tag_framebuffer {
	u32 type, size;
	u64 addr;
	u32 pitch, width, height;
	u8 bpp, fb_type;
	u16 reserved;
	/* For fb_type 1 (RGB): position and size of each colour field. */
	u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} __attribute__((packed));

struct mb2_tag_acpi {
	u32 type, size;
	u8 rsdp[];
} __attribute__((packed));

struct mb2_tag_efi_mmap {
	u32 type, size;
	u32 descr_size, descr_vers;
	u8 map[];
} __attribute__((packed));

#endif /* __ASSEMBLER__ */
#endif
