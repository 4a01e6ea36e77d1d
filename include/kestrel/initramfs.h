/*
 * The initramfs: cpio newc archives from the first boot module (QEMU
 * -initrd, a GRUB `module2` line) unpacked into the tmpfs root
 * (fs/initramfs.c; the archive reader is lib/cpio.c).
 */
#ifndef KESTREL_INITRAMFS_H
#define KESTREL_INITRAMFS_H

#include <kestrel/types.h>

struct initramfs_stats {
	unsigned long files;	/* entries created (files, dirs, links, nodes) */
	unsigned long failed;	/* entries the VFS refused (e.g. a missing parent) */
	unsigned long bytes;	/* file body bytes written */
};

/*
 * Unpack the archive(s) at buf into "/" with the ksys_* calls. Names are
 * taken relative to "/". Returns 0, or -EINVAL on a corrupt archive (after
 * logging why and where; what came before the damage stays unpacked).
 */
int unpack_to_rootfs(const void *buf, size_t len, struct initramfs_stats *st);

/* Boot: unpack the first boot module, log the result, free its pages. */
void populate_rootfs(void);

#endif
