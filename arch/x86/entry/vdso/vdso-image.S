/*
 * The vDSO image (build/vdso/vdso.so, linked from vclock_gettime.c and
 * vgetcpu.c with vdso.lds) inside the kernel, page aligned; vma.c copies
 * it into pages of its own at boot. VDSO_IMAGE is its path (Makefile).
 */
	.section .rodata, "a"
	.balign 4096
	.globl vdso_image_start, vdso_image_end
vdso_image_start:
	.incbin VDSO_IMAGE
vdso_image_end:
	.balign 4096
