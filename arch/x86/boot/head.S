/*
 * The first instructions: 32-bit protected mode to 64-bit long mode.
 *
 * Both boot loaders enter _start in 32-bit protected mode with paging off,
 * EAX holding the boot-loader magic and EBX the physical address of the
 * boot information. This code runs at its physical address (the .boot
 * section is linked where it is loaded) and:
 *
 *   1. checks that the CPU can run 64-bit code (else says so and halts);
 *   2. zeroes .bss and builds the boot page tables there, mapping the first
 *      4 GiB with 2 MiB pages three times: identity (for the jump into
 *      long mode), at PAGE_OFFSET (the direct map, so C can read the boot
 *      information and ACPI tables before mm/ builds the full map) and the
 *      first 1 GiB at KERNEL_VMA (the kernel image, -2 GiB);
 *   3. enables PAE, long mode, NX when present, and paging;
 *   4. jumps to 64-bit code in the higher half and calls start_kernel().
 *
 * mm/ replaces these tables with the final ones once it knows the memory map.
 */
#include <asm/page.h>
#include <asm/multiboot.h>
#include <asm/ptrace.h>

#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80
#define BOOT_STACK_SIZE 16384

#define PHYS(x) ((x) - KERNEL_VMA)

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	mov	%eax, %ebp		/* boot-loader magic */
	mov	%ebx, %esi		/* boot information (physical) */

	/* Zero .bss: the page tables and stack below live there. */
	mov	$PHYS(__bss_start), %edi
	mov	$PHYS(_end), %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
	rep stosl
	mov	$PHYS(boot_stack_top), %esp

	/* Long mode? CPUID leaf 0x80000001 EDX bit 29. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx
	jnc	no_long_mode
	mov	%edx, boot_ext_features	/* bit 20 is NX, read below */

	/* Four page directories of 2 MiB pages: physical 0 - 4 GiB. */
	mov	$PHYS(boot_pd), %ebx
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$21, %eax
	or	$(PTE_P | PTE_W | PTE_PS), %eax
	mov	%eax, (%ebx, %ecx, 8)
	mov	%ecx, %eax
	shr	$11, %eax		/* bits 32+ of (ecx << 21) */
	mov	%eax, 4(%ebx, %ecx, 8)
	inc	%ecx
	cmp	$2048, %ecx
	jb	1b

	/* PDPT for the low 4 GiB (identity and direct map share it). */
	mov	$PHYS(boot_pdpt_low), %edx
	lea	(PTE_P | PTE_W)(%ebx), %eax
	mov	%eax, 0(%edx)
	add	$4096, %eax
	mov	%eax, 8(%edx)
	add	$4096, %eax
	mov	%eax, 16(%edx)
	add	$4096, %eax
	mov	%eax, 24(%edx)

	/* PDPT for the kernel image: -2 GiB maps physical 0 - 1 GiB. */
	mov	$PHYS(boot_pdpt_high), %edx
	lea	(PTE_P | PTE_W)(%ebx), %eax
	mov	%eax, (510 * 8)(%edx)

	/* PML4: identity [0], direct map [273] = 0xffff888000000000, image [511]. */
	mov	$PHYS(boot_pml4), %edx
	mov	$PHYS(boot_pdpt_low), %eax
	or	$(PTE_P | PTE_W), %eax
	mov	%eax, 0(%edx)
	mov	%eax, (273 * 8)(%edx)
	mov	$PHYS(boot_pdpt_high), %eax
	or	$(PTE_P | PTE_W), %eax
	mov	%eax, (511 * 8)(%edx)

	mov	%edx, %cr3
	mov	%cr4, %eax
	or	$(1 << 5), %eax		/* PAE */
	mov	%eax, %cr4

	mov	$0xc0000080, %ecx	/* EFER */
	rdmsr
	or	$(1 << 8), %eax		/* LME */
	btl	$20, boot_ext_features
	jnc	2f
	or	$(1 << 11), %eax	/* NXE */
2:	wrmsr

	mov	%cr0, %eax
	or	$((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
	mov	%eax, %cr0

	mov	%ebp, %edi		/* start_kernel(magic, info) */
	lgdt	boot_gdt_desc
	ljmp	$0x08, $start64_low

no_long_mode:
	mov	$no_lm_msg, %esi
	mov	$0xb8000, %edi
3:	lodsb
	test	%al, %al
	jz	5f
	mov	%al, %bl		/* COM1 data, no init: enough for a VM */
	mov	$0x3f8, %dx
	outb	%al, %dx
	mov	%bl, (%edi)
	movb	$0x4f, 1(%edi)		/* white on red */
	add	$2, %edi
	jmp	3b
5:	cli
	hlt
	jmp	5b

	.code64
start64_low:
	movabs	$start64_high, %rax
	jmp	*%rax

	.section .boot.data, "aw"
boot_ext_features:
	.long	0
no_lm_msg:
	.asciz	"Kestrel: this CPU cannot run 64-bit code (no long mode); halting."

	.balign 8
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
	.short	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	/* CFI into .debug_frame: the linker script discards .eh_frame. */
	.cfi_sections .debug_frame

	.section .text.entry, "ax"
	.code64
	.globl start64_high
	.type start64_high, @function
start64_high:
	.cfi_startproc
	.cfi_undefined rip		/* gdb: the unwind ends here */
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	xor	%eax, %eax
	mov	%ax, %fs
	mov	%ax, %gs
	/* Below a struct pt_regs' room: the init task's user registers go there (exec of init). */
	movabs	$boot_stack_top - PTREGS_SIZE, %rsp
	xor	%ebp, %ebp		/* the frame-pointer chain ends here */
	mov	%edi, %edi		/* zero-extend magic and info address */
	mov	%esi, %esi
	call	start_kernel
1:	cli
	hlt
	jmp	1b
	.cfi_endproc
	.size start64_high, . - start64_high

	.section .bss
	.balign 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
	/* The boot stack (later init's kernel stack) with a guard page below:
	 * paging_init leaves the guard unmapped, so an overflow faults. */
	.globl boot_stack_guard, boot_stack, boot_stack_top
	.balign 4096
boot_stack_guard:	.skip 4096
boot_stack:	.skip BOOT_STACK_SIZE
boot_stack_top:
