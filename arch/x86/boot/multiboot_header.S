/*
 * Boot-loader headers. Both live at the start of the .boot section, which
 * the linker places first in the file:
 *
 *  - Multiboot 2 (GRUB's `multiboot2` command, BIOS and UEFI). GRUB loads
 *    the ELF segments at their physical addresses and enters _start in
 *    32-bit protected mode. The framebuffer tag asks for a linear
 *    framebuffer, which is the only screen UEFI gives us.
 *  - Multiboot 1 with the address fields (flag bit 16), so that
 *    `qemu-system-x86_64 -kernel kernel.elf` boots this ELF64: QEMU only
 *    loads ELF32 itself, but honours the address fields and copies the
 *    file raw from load_addr to bss_end_addr.
 */
#include <asm/page.h>
#include <asm/multiboot.h>

	.section .multiboot, "a"

	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0				/* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))

	.balign 8
	.short MB2_HEADER_TAG_FRAMEBUFFER
	.short MB2_HEADER_TAG_OPTIONAL
	.long 20
	.long 1024			/* width */
	.long 768			/* height */
	.long 32			/* depth */

	.balign 8
	.short MB2_HEADER_TAG_END
	.short 0
	.long 8
mb2_header_end:

	.balign 4
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_HEADER_FLAGS
	.long -(MB1_HEADER_MAGIC + MB1_HEADER_FLAGS)
	.long mb1_header		/* header_addr */
	.long _boot_start		/* load_addr */
	.long _edata - KERNEL_VMA	/* load_end_addr */
	.long _end - KERNEL_VMA		/* bss_end_addr */
	.long _start			/* entry_addr */
