/*
 * Boot information from multiboot 1 (QEMU -kernel) or multiboot 2 (GRUB),
 * copied into struct boot_info so nothing later depends on the protocol or
 * on the loader's memory staying intact.
 *
 * Runs before the memory allocator exists: the loader's structures are
 * reached through the boot direct map of the low 4 GiB (arch/x86/boot/head.S),
 * which is where both protocols put them (the pointer is 32-bit).
 */
#include <kestrel/bootinfo.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <asm/multiboot.h>
#include <asm/page.h>

struct boot_info boot_info;

static void add_mem_region(u64 addr, u64 len, u32 type)
{
	if (!len)
		return;
	if (boot_info.nr_mem == BOOT_MAX_MEM_REGIONS) {
		pr_warn("boot: memory map has more than %d entries, the rest ignored\n",
			BOOT_MAX_MEM_REGIONS);
		return;
	}
	if (type < BOOT_MEM_USABLE || type > BOOT_MEM_BAD)
		type = BOOT_MEM_RESERVED;	/* unknown types are never RAM */
	boot_info.mem[boot_info.nr_mem++] = (struct boot_mem_region){ addr, len, type };
}

static void add_module(u64 start, u64 end, const char *cmdline)
{
	struct boot_module *m;

	if (boot_info.nr_modules == BOOT_MAX_MODULES) {
		pr_warn("boot: more than %d modules, the rest ignored\n", BOOT_MAX_MODULES);
		return;
	}
	m = &boot_info.modules[boot_info.nr_modules++];
	m->start = start;
	m->end = end;
	strlcpy(m->cmdline, cmdline ? cmdline : "", sizeof(m->cmdline));
}

static const char *phys_str(u32 pa)
{
	return pa ? (const char *)__va(pa) : "";
}

/* QEMU's multiboot loader puts the kernel path first on the command line. */
static void copy_cmdline(const char *s, bool strip_first_word)
{
	if (strip_first_word) {
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			s++;
	}
	strlcpy(boot_info.cmdline, s, sizeof(boot_info.cmdline));
}

static void parse_mb1(u32 info_phys)
{
	const struct mb1_info *mbi = __va(info_phys);

	boot_info.protocol = 1;
	boot_info.info_start = info_phys;
	boot_info.info_end = info_phys + sizeof(*mbi);
	if (mbi->flags & (1 << 9))
		strlcpy(boot_info.loader_name, phys_str(mbi->boot_loader_name),
			sizeof(boot_info.loader_name));
	if (mbi->flags & MB1_INFO_CMDLINE)
		copy_cmdline(phys_str(mbi->cmdline), !strncmp(boot_info.loader_name, "qemu", 4));

	if (mbi->flags & MB1_INFO_MMAP) {
		u32 off = 0;
		while (off + sizeof(struct mb1_mmap_entry) <= mbi->mmap_length) {
			const struct mb1_mmap_entry *e = __va(mbi->mmap_addr + off);
			add_mem_region(e->addr, e->len, e->type);
			off += e->size + sizeof(e->size);
		}
	} else if (mbi->flags & MB1_INFO_MEMORY) {
		add_mem_region(0, (u64)mbi->mem_lower << 10, BOOT_MEM_USABLE);
		add_mem_region(1 << 20, (u64)mbi->mem_upper << 10, BOOT_MEM_USABLE);
	}

	if (mbi->flags & MB1_INFO_MODS) {
		const struct mb1_module *mods = __va(mbi->mods_addr);
		for (u32 i = 0; i < mbi->mods_count; i++)
			add_module(mods[i].mod_start, mods[i].mod_end, phys_str(mods[i].string));
	}

	if (mbi->flags & MB1_INFO_FRAMEBUFFER) {
		boot_info.has_fb = true;
		boot_info.fb = (struct boot_framebuffer){
			.addr = mbi->framebuffer_addr,
			.pitch = mbi->framebuffer_pitch,
			.width = mbi->framebuffer_width,
			.height = mbi->framebuffer_height,
			.bpp = mbi->framebuffer_bpp,
			.type = mbi->framebuffer_type,
			.red_pos = mbi->color_info[0], .red_size = mbi->color_info[1],
			.green_pos = mbi->color_info[2], .green_size = mbi->color_info[3],
			.blue_pos = mbi->color_info[4], .blue_size = mbi->color_info[5],
		};
	}
}

/* UEFI memory types (UEFI spec, EFI_MEMORY_TYPE) to E820-style types. */
static u32 efi_type_to_boot(u32 t)
{
	switch (t) {
	case 1: case 2: case 3: case 4: case 7:	/* loader/boot services, conventional */
		return BOOT_MEM_USABLE;
	case 9:
		return BOOT_MEM_ACPI;
	case 10:
		return BOOT_MEM_NVS;
	case 8:
		return BOOT_MEM_BAD;
	default:
		return BOOT_MEM_RESERVED;
	}
}

static void parse_mb2_efi_mmap(const struct mb2_tag_efi_mmap *t)
{
	for (u32 off = 0; off + t->descr_size <= t->size - sizeof(*t); off += t->descr_size) {
		const u8 *d = t->map + off;
		u32 type = *(const u32 *)d;
		u64 phys = *(const u64 *)(d + 8);
		u64 pages = *(const u64 *)(d + 24);
		add_mem_region(phys, pages << 12, efi_type_to_boot(type));
	}
}

static void parse_mb2_tag(const struct mb2_tag *tag, const struct mb2_tag_efi_mmap **efi_mmap)
{
	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		copy_cmdline(((const struct mb2_tag_string *)tag)->string, false);
		break;
	case MB2_TAG_BOOT_LOADER_NAME:
		strlcpy(boot_info.loader_name, ((const struct mb2_tag_string *)tag)->string,
			sizeof(boot_info.loader_name));
		break;
	case MB2_TAG_MODULE: {
		const struct mb2_tag_module *m = (const void *)tag;
		add_module(m->mod_start, m->mod_end, m->cmdline);
		break;
	}
	case MB2_TAG_MMAP: {
		const struct mb2_tag_mmap *m = (const void *)tag;
		for (u32 off = 0; off + m->entry_size <= m->size - sizeof(*m); off += m->entry_size) {
			const struct mb2_mmap_entry *e = (const void *)((const u8 *)m->entries + off);
			add_mem_region(e->addr, e->len, e->type);
		}
		break;
	}
	case MB2_TAG_EFI_MMAP:
		*efi_mmap = (const void *)tag;
		break;
	case MB2_TAG_FRAMEBUFFER: {
		const struct mb2_tag_framebuffer *f = (const void *)tag;
		boot_info.has_fb = true;
		boot_info.fb = (struct boot_framebuffer){
			.addr = f->addr, .pitch = f->pitch, .width = f->width,
			.height = f->height, .bpp = f->bpp, .type = f->fb_type,
		};
		if (f->fb_type == 1) {
			boot_info.fb.red_pos = f->red_pos;
			boot_info.fb.red_size = f->red_size;
			boot_info.fb.green_pos = f->green_pos;
			boot_info.fb.green_size = f->green_size;
			boot_info.fb.blue_pos = f->blue_pos;
			boot_info.fb.blue_size = f->blue_size;
		}
		break;
	}
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW: {
		const struct mb2_tag_acpi *a = (const void *)tag;
		size_t n = min((size_t)(a->size - sizeof(*a)), sizeof(boot_info.rsdp));
		/* Prefer the ACPI 2.0 RSDP (XSDT) when both are given. */
		if (!boot_info.has_rsdp || tag->type == MB2_TAG_ACPI_NEW) {
			memset(boot_info.rsdp, 0, sizeof(boot_info.rsdp));
			memcpy(boot_info.rsdp, a->rsdp, n);
			boot_info.has_rsdp = true;
		}
		break;
	}
	case MB2_TAG_EFI64:
		boot_info.efi = true;
		break;
	}
}

static void parse_mb2(u32 info_phys)
{
	const struct mb2_info *mbi = __va(info_phys);
	const struct mb2_tag_efi_mmap *efi_mmap = NULL;
	const u8 *p = (const u8 *)(mbi + 1), *end = (const u8 *)mbi + mbi->total_size;

	boot_info.protocol = 2;
	boot_info.info_start = info_phys;
	boot_info.info_end = info_phys + mbi->total_size;
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = (const void *)p;
		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag))
			break;
		parse_mb2_tag(tag, &efi_mmap);
		p += ALIGN(tag->size, 8);
	}
	/* The memory-map tag is the one to trust; the EFI map is the fallback. */
	if (boot_info.nr_mem == 0 && efi_mmap)
		parse_mb2_efi_mmap(efi_mmap);
}

bool bootinfo_parse(u32 magic, u32 info_phys)
{
	if (magic == MB1_BOOTLOADER_MAGIC)
		parse_mb1(info_phys);
	else if (magic == MB2_BOOTLOADER_MAGIC)
		parse_mb2(info_phys);
	else
		return false;
	return true;
}
