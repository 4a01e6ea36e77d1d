/*
 * devpts (fs/devpts/inode.c): the nodes of pseudo-terminal slaves,
 * /dev/pts/N, for drivers/tty/pty.c.
 */
#ifndef KESTREL_DEVPTS_FS_H
#define KESTREL_DEVPTS_FS_H

#include <kestrel/dcache.h>

/* Register devpts and make its one instance (boot, before it is mounted on /dev/pts). */
int devpts_init(void);
/* The node /dev/pts/<index> (136:index), owned by current; its dentry or ERR_PTR. */
struct dentry *devpts_pty_new(unsigned int index);
/* The kernel's own mount of the instance (to open a node without a path walk). */
struct vfsmount *devpts_mnt(void);
/* Remove a node devpts_pty_new made. */
void devpts_pty_kill(struct dentry *dentry);

#endif
