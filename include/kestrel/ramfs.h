/*
 * ramfs (fs/ramfs/inode.c) and the pieces tmpfs (mm/shmem.c) and
 * devtmpfs share with it: how a device node or FIFO inode gets its file
 * operations.
 *
 * Mount options: mode=OCTAL (of the root directory); as Linux's ramfs,
 * every other option is ignored.
 */
#ifndef KESTREL_RAMFS_H
#define KESTREL_RAMFS_H

#include <kestrel/fs.h>

#define RAMFS_MAGIC 0x858458f6

/* Register ramfs (boot: fs_root_init). */
int ramfs_init(void);

struct inode *ramfs_get_inode(struct super_block *sb, const struct inode *dir, umode_t mode,
			      dev_t dev);
extern const struct file_operations ramfs_file_operations;

/* init_special_inode plus i_fop: def_chr_fops, pipefifo_fops (fs/pipe.c), or ENXIO on open. */
void ramfs_init_special_inode(struct inode *inode, umode_t mode, dev_t dev);
/* Whether mode is a type mknod can make (EINVAL otherwise). */
bool ramfs_special_ok(umode_t mode);

#endif
