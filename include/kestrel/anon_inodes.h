/*
 * Files with no name in any directory (fs/anon_inodes.c): the
 * descriptors epoll_create1, eventfd, timerfd_create and signalfd hand
 * out. They all share one inode of an internal file system,
 * anon_inodefs; each file gets a dentry of its own, named after its
 * kind, so /proc/<pid>/fd shows "anon_inode:[eventfd]" as on Linux.
 */
#ifndef KESTREL_ANON_INODES_H
#define KESTREL_ANON_INODES_H

#include <kestrel/fs.h>

/*
 * An opened file whose f_op is fops and private_data priv; flags give
 * O_ACCMODE and O_NONBLOCK (O_CLOEXEC is the descriptor's). ERR_PTR on
 * failure.
 */
struct file *anon_inode_getfile(const char *name, const struct file_operations *fops, void *priv,
				int flags);
/* The same, installed in a new descriptor (O_CLOEXEC honoured): the fd or -errno. */
int anon_inode_getfd(const char *name, const struct file_operations *fops, void *priv, int flags);

#endif
