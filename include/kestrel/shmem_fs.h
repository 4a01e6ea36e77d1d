/*
 * tmpfs (mm/shmem.c, Linux's shmem): ramfs with limits, xattrs and
 * accounting, and the memory behind MAP_SHARED|MAP_ANONYMOUS mappings.
 * Also the base of devtmpfs (a tmpfs instance the kernel fills with
 * device nodes).
 *
 * Mount options (comma separated, as Linux's tmpfs):
 *   size=N[k|m|g|%]   byte limit, rounded up to pages (% of RAM); 0: none
 *   nr_blocks=N       the same in pages
 *   nr_inodes=N[k|m|g]  inode limit; 0: none
 *   mode=OCTAL, uid=N, gid=N   of the root directory
 * ramfs has its own parser (mode= only; include/kestrel/ramfs.h).
 */
#ifndef KESTREL_SHMEM_FS_H
#define KESTREL_SHMEM_FS_H

#include <kestrel/fs.h>

#define TMPFS_MAGIC 0x01021994

struct shmem_options {
	unsigned long long max_blocks;	/* pages; 0: unlimited */
	unsigned long long max_inodes;	/* 0: unlimited */
	umode_t mode;			/* root directory permission bits */
	kuid_t uid;
	kgid_t gid;
	unsigned int seen;		/* TMPFS_OPT_* given explicitly */
};

#define SHMEM_SEEN_BLOCKS 0x1
#define SHMEM_SEEN_INODES 0x2
#define SHMEM_SEEN_MODE 0x4
#define SHMEM_SEEN_UID 0x8
#define SHMEM_SEEN_GID 0x10

/*
 * Parse a mount-option string (tests/kernel/shmem_options_test.c).
 * data may be NULL. total_pages is RAM in pages, for size=N%. Unknown
 * options are -EINVAL unless ignore_unknown. opts is filled in over its
 * current values (the caller sets defaults first).
 */
int shmem_parse_options(const char *data, struct shmem_options *opts,
			unsigned long long total_pages, bool ignore_unknown);

/* fill_super of tmpfs (devtmpfs uses it too); data: the option string. */
int shmem_fill_super(struct super_block *sb, void *data, int silent);
void shmem_kill_sb(struct super_block *sb);	/* kill_sb of every sb shmem_fill_super filled */
/* Pages and inodes in use and the limits of a tmpfs super block (tests, /proc). */
struct shmem_usage {
	unsigned long used_blocks, max_blocks;
	unsigned long used_inodes, max_inodes;
};
void shmem_get_usage(struct super_block *sb, struct shmem_usage *u);
/* Pages charged to tmpfs files, all instances (/proc/meminfo Shmem). */
unsigned long shmem_total_pages(void);

/*
 * An unlinked file of size bytes on the kernel's internal tmpfs, open
 * read-write (MAP_SHARED|MAP_ANONYMOUS memory); ERR_PTR on failure.
 */
struct file *shmem_file_setup(const char *name, loff_t size);

/* Register tmpfs (boot) and mount the internal tmpfs. */
int shmem_init(void);
/* Slab statistics of tmpfs inodes (leak tests). */
struct kmem_cache_stats;
void shmem_inode_cache_stats(struct kmem_cache_stats *st);

/*
 * fs/do_mounts.c: register tmpfs, ramfs, procfs and devtmpfs, mount a
 * tmpfs as / and devtmpfs on /dev, procfs on /proc (start_kernel, after
 * the VFS and page cache are initialized).
 */
void fs_root_init(void);

#endif
