/*
 * /dev/fb0: the boot framebuffer as a character device (major 29, minor
 * 0, as Linux's fbdev): read(), write() and lseek() on its bytes, and
 * mmap() of them.
 *
 * The framebuffer is not RAM: it has no struct pages. Its mapping is a
 * VM_PFNMAP | VM_IO VMA whose PTEs ->mmap installs all at once
 * (remap_pfn_range, uncached), read-only; the first write to each page
 * faults into ->pfn_mkwrite, which counts it (a driver with a shadow
 * buffer would note the damaged area here) and lets the fault make the
 * entry writable. ->access reads and writes the pixels for
 * /proc/<pid>/mem, which cannot reach a page-less frame otherwise.
 *
 * Locking: fbmem is set once (boot, or a test before anything opened the
 * device) and read-only afterwards; writes_seen is atomic.
 */
#include <kestrel/chrdev.h>
#include <kestrel/device.h>
#include <kestrel/errno.h>
#include <kestrel/fb.h>
#include <kestrel/fs.h>
#include <kestrel/mman.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <kestrel/uio.h>
#include <kestrel/vm.h>

#define FB_MAJOR 29

static struct {
	phys_addr_t phys;	/* first byte, page aligned */
	u8 *virt;		/* the kernel's mapping of it */
	size_t size;		/* bytes (pitch * height) */
} fbmem;

static atomic_long_t writes_seen = ATOMIC_LONG_INIT(0);

long fbmem_mmap_writes(void)
{
	return atomic_long_read(&writes_seen);
}

/* The pixels at ki_pos to the reader (read(2): straight into user memory). */
static ssize_t fb_read(struct kiocb *iocb, struct iov_iter *to)
{
	loff_t pos = iocb->ki_pos;
	size_t count = iov_iter_count(to), n;

	if (pos < 0)
		return -EINVAL;
	if ((u64)pos >= fbmem.size)
		return 0;
	if (count > fbmem.size - pos)
		count = fbmem.size - pos;
	n = copy_to_iter(fbmem.virt + pos, count, to);
	if (!n && count)
		return -EFAULT;
	iocb->ki_pos = pos + n;
	return n;
}

static ssize_t fb_write(struct kiocb *iocb, struct iov_iter *from)
{
	loff_t pos = iocb->ki_pos;
	size_t count = iov_iter_count(from), n;

	if (pos < 0)
		return -EINVAL;
	if ((u64)pos >= fbmem.size)
		return count ? -ENOSPC : 0;
	if (count > fbmem.size - pos)
		count = fbmem.size - pos;
	n = copy_from_iter(fbmem.virt + pos, count, from);
	if (!n && count)
		return -EFAULT;
	iocb->ki_pos = pos + n;
	return n;
}

static loff_t fb_llseek(struct file *file, loff_t offset, int whence)
{
	return generic_file_llseek_size(file, offset, whence, fbmem.size, fbmem.size);
}

/* The first write to a page of the mapping (a page-less PTE): note it; the fault makes it writable. */
static vm_fault_t fb_pfn_mkwrite(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	(void)vma;
	(void)vmf;
	atomic_long_inc(&writes_seen);
	return 0;
}

/* /proc/<pid>/mem on the mapping: the bytes through the kernel's own mapping. */
static int fb_vm_access(struct vm_area_struct *vma, unsigned long addr, void *buf, int len,
			int write)
{
	unsigned long off = (vma->vm_pgoff << PAGE_SHIFT) + (addr - vma->vm_start);

	if (off >= fbmem.size)
		return -EINVAL;
	if ((unsigned long)len > fbmem.size - off)
		len = (int)(fbmem.size - off);
	if (write)
		memcpy(fbmem.virt + off, buf, len);
	else
		memcpy(buf, fbmem.virt + off, len);
	return len;
}

static const struct vm_operations_struct fb_vm_ops = {
	.pfn_mkwrite = fb_pfn_mkwrite,
	.access = fb_vm_access,
};

static int fb_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long off = vma->vm_pgoff << PAGE_SHIFT, len = vma->vm_end - vma->vm_start;
	unsigned long total = PAGE_ALIGN(fbmem.size);

	(void)file;
	if (vma->vm_pgoff > total >> PAGE_SHIFT || off > total || len > total - off)
		return -EINVAL;
	/* A private copy of a page-less frame cannot be made: shared, or read-only for good. */
	if (!(vma->vm_flags & VM_SHARED)) {
		if (vma->vm_flags & VM_WRITE)
			return -EINVAL;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_ops = &fb_vm_ops;
	return remap_pfn_range(vma, vma->vm_start, PFN_DOWN(fbmem.phys) + vma->vm_pgoff, len,
			       vma->vm_page_prot);
}

static int fb_open(struct inode *inode, struct file *file)
{
	(void)file;
	if (iminor(inode) != 0 || !fbmem.size)
		return -ENODEV;
	return 0;
}

static const struct file_operations fb_fops = {
	.open = fb_open,
	.read_iter = fb_read,
	.write_iter = fb_write,
	.llseek = fb_llseek,
	.mmap = fb_mmap,
};

int fbmem_setup(phys_addr_t phys, void *virt, size_t size)
{
	if (fbmem.size)
		return -EBUSY;
	if (!IS_ALIGNED(phys, PAGE_SIZE) || !size)
		return -EINVAL;
	fbmem.phys = phys;
	fbmem.virt = virt;
	fbmem.size = size;
	return 0;
}

int fbmem_init(void)
{
	struct device *dev;
	int err;

	if (!fbmem.size)
		return 0;	/* no framebuffer: no /dev/fb0 */
	err = register_chrdev_region_fops(FB_MAJOR, 0, 1, "fb", &fb_fops);
	if (err)
		return err;
	dev = device_create("fb0", S_IFCHR | 0660, MKDEV(FB_MAJOR, 0));
	return IS_ERR(dev) ? PTR_ERR(dev) : 0;
}
