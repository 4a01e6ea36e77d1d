/*
 * The vDSO in every process (Linux's arch/x86/entry/vdso/vma.c).
 *
 * The image (linux-vdso.so.1, built from vclock_gettime.c and vgetcpu.c
 * with vdso.lds, embedded by vdso-image.S) is copied at boot into pages
 * of its own; one more page holds struct vdso_data (include/vdso/
 * datapage.h), what the image's clock functions read. Exec maps both into
 * the new address space, the data page right below the image:
 *
 *	[vvar]  1 page, read-only            the data page
 *	[vdso]  the image, read and execute  AT_SYSINFO_EHDR points here
 *
 * as VM_PFNMAP mappings of the same frames in every process (no page
 * references, nothing to copy at fork, never writable: no VM_MAYWRITE).
 * The C library finds __vdso_clock_gettime & co. through the image's
 * dynamic symbol table and calls them instead of making system calls.
 *
 * The TSC fields of the data page are written once, at boot, before any
 * process exists. real_offset follows clock_settime/settimeofday
 * (vdso_update_realtime): vdso_lock orders the writers, the page's seq
 * lets the readers in user space see a consistent value.
 */
#include <kestrel/atomic.h>
#include <kestrel/elf.h>
#include <kestrel/errno.h>
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/vm.h>
#include <asm/tsc.h>
#include <asm/vdso.h>
#include <vdso/datapage.h>

extern const char vdso_image_start[], vdso_image_end[];

static struct vdso_data *vdso_data;	/* the [vvar] page, direct-map address [c] */
static unsigned long vvar_pfn, vdso_pfn;	/* [c] after vdso_init */
static unsigned long vdso_size;		/* the image, page aligned [c] */
static DEFINE_SPINLOCK(vdso_lock);	/* writers of vdso_data->seq and real_offset */

static const char *vdso_vma_name(struct vm_area_struct *vma)
{
	return "[vdso]";
}

static const char *vvar_vma_name(struct vm_area_struct *vma)
{
	return "[vvar]";
}

static const struct vm_operations_struct vdso_vm_ops = { .name = vdso_vma_name };
static const struct vm_operations_struct vvar_vm_ops = { .name = vvar_vma_name };

/* Publish the current CLOCK_REALTIME offset; readers retry while seq is odd. */
void vdso_update_realtime(void)
{
	if (!vdso_data)
		return;
	spin_lock(&vdso_lock);
	WRITE_ONCE(vdso_data->seq, vdso_data->seq + 1);
	smp_wmb();
	/* Read under the lock: of two racing clock_settime calls, the last stored wins here too. */
	WRITE_ONCE(vdso_data->real_offset, ktime_get_real_offset());
	smp_wmb();
	WRITE_ONCE(vdso_data->seq, vdso_data->seq + 1);
	spin_unlock(&vdso_lock);
}

static void vdso_data_init(struct vdso_data *vd)
{
	vd->seq = 0;
	vd->tsc_boot = ktime_tsc_base();
	vd->tsc_mult = tsc_ns_mult();
	vd->tsc_shift = TSC_SHIFT;
	vd->tick_nsec = NSEC_PER_SEC / HZ;
	vd->real_offset = ktime_get_real_offset();
	/* Without a calibrated TSC the kernel's clocks read 0: let the system calls answer. */
	vd->clock_mode = READ_ONCE(tsc_khz) ? VDSO_CLOCKMODE_TSC : VDSO_CLOCKMODE_NONE;
}

int vdso_init(void)
{
	size_t len = vdso_image_end - vdso_image_start;
	unsigned int order;
	struct page *image, *data;

	if (len < sizeof(Elf64_Ehdr) || memcmp(vdso_image_start, ELFMAG, SELFMAG)) {
		pr_err("vdso: the embedded image is not an ELF file\n");
		return -ENOEXEC;
	}
	vdso_size = PAGE_ALIGN(len);
	order = get_order(vdso_size);
	image = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	data = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!image || !data) {
		if (image)
			__free_pages(image, order);
		if (data)
			__free_pages(data, 0);
		pr_err("vdso: no memory for the image\n");
		return -ENOMEM;
	}
	memcpy(page_address(image), vdso_image_start, len);
	vdso_pfn = page_to_pfn(image);
	vvar_pfn = page_to_pfn(data);
	vdso_data_init(page_address(data));
	vdso_data = page_address(data);
	return 0;
}

unsigned long arch_setup_additional_pages(struct mm_struct *mm)
{
	unsigned long addr;
	int err;

	if (!vdso_data)
		return 0;	/* no vDSO: the C library makes system calls */
	down_write(&mm->mmap_lock);
	addr = get_unmapped_area(NULL, 0, PAGE_SIZE + vdso_size, 0, 0);
	if (IS_ERR_VALUE(addr)) {
		err = (long)addr;
		goto out;
	}
	err = install_special_mapping(mm, addr, PAGE_SIZE, VM_READ | VM_MAYREAD, &vvar_vm_ops,
				      vvar_pfn);
	if (err)
		goto out;
	err = install_special_mapping(mm, addr + PAGE_SIZE, vdso_size,
				      VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYEXEC, &vdso_vm_ops,
				      vdso_pfn);
	if (err)
		do_munmap(mm, addr, PAGE_SIZE);
out:
	up_write(&mm->mmap_lock);
	return err ? (unsigned long)(long)err : addr + PAGE_SIZE;
}
