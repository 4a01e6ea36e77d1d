/* The vDSO (arch/x86/entry/vdso/vma.c): linux-vdso.so.1 and its data page in every process. */
#ifndef ASM_VDSO_H
#define ASM_VDSO_H

struct mm_struct;

/* Boot, after the TSC and the RTC: the image's pages and the data page. 0 or -errno. */
int vdso_init(void);

/*
 * Exec: map [vvar] and [vdso] into mm (the new, current mm). Returns the
 * image's address (AT_SYSINFO_EHDR), 0 when there is no vDSO, or -errno.
 */
unsigned long arch_setup_additional_pages(struct mm_struct *mm);

/* clock_settime/settimeofday moved CLOCK_REALTIME: tell the data page. */
void vdso_update_realtime(void);

#endif
