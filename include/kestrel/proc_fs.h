/*
 * procfs (fs/proc/): what the rest of the kernel calls. The files of
 * /proc and how they are generated are described in fs/proc/internal.h.
 */
#ifndef KESTREL_PROC_FS_H
#define KESTREL_PROC_FS_H

/* Register the "proc" file system type and its inode cache (fs_root_init, at boot). */
int proc_root_init(void);

#endif
