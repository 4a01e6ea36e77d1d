/*
 * The small types and constants of the file-system interface: what a
 * system call passes in (open flags, mode bits, *at() flags, rename
 * flags) and the plain records the VFS hands to file systems (qstr,
 * kstat, kstatfs, iattr, timespec64). No locks live here: the objects
 * that have locks are in fs.h, dcache.h and mount.h.
 *
 * Values are Linux's x86_64 ABI values, so the system calls pass them
 * through unchanged.
 */
#ifndef KESTREL_FS_TYPES_H
#define KESTREL_FS_TYPES_H

#include <kestrel/types.h>

typedef s64 loff_t;		/* a file offset */
typedef u16 umode_t;		/* S_IFMT type bits and permission bits */
typedef u32 dev_t;		/* MKDEV(major, minor) */
typedef u64 ino_t;
typedef unsigned long pgoff_t;	/* a page index in a file */
typedef u64 sector_t;
typedef u32 fmode_t;		/* FMODE_* of an open file */
typedef u32 uid_t;
typedef u32 gid_t;
typedef u32 kuid_t;		/* no user namespaces: a kuid is a uid */
typedef u32 kgid_t;

#define MINORBITS 20
#define MKDEV(ma, mi) (((dev_t)(ma) << MINORBITS) | (dev_t)(mi))
#define MAJOR(d) ((unsigned int)((d) >> MINORBITS))
#define MINOR(d) ((unsigned int)((d) & ((1U << MINORBITS) - 1)))

#define PATH_MAX 4096		/* bytes in a path, including the final NUL */
#define NAME_MAX 255		/* bytes in one path component */
#define MAXSYMLINKS 40		/* symlinks followed in one walk before ELOOP */

/* ---- mode bits (st_mode) ---- */
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 0004000
#define S_ISGID 0002000
#define S_ISVTX 0001000
#define S_IRWXU 00700
#define S_IRUSR 00400
#define S_IWUSR 00200
#define S_IXUSR 00100
#define S_IRWXG 00070
#define S_IRGRP 00040
#define S_IWGRP 00020
#define S_IXGRP 00010
#define S_IRWXO 00007
#define S_IROTH 00004
#define S_IWOTH 00002
#define S_IXOTH 00001
#define S_IALLUGO (S_ISUID | S_ISGID | S_ISVTX | S_IRWXU | S_IRWXG | S_IRWXO)

#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

/* ---- open(2) flags ---- */
#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_NOCTTY 00000400
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DSYNC 00010000
#define O_DIRECT 00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW 00400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_PATH 010000000

/* ---- *at() ---- */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000

/* ---- renameat2(2) ---- */
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#define RENAME_WHITEOUT (1 << 2)

/* ---- lseek(2) ---- */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3	/* next data at or after offset (all of a file is data here) */
#define SEEK_HOLE 4	/* next hole at or after offset (i_size here) */
#define SEEK_MAX SEEK_HOLE

/* ---- fallocate(2) modes ---- */
#define FALLOC_FL_KEEP_SIZE 0x01	/* do not change i_size */
#define FALLOC_FL_PUNCH_HOLE 0x02	/* free the range (with KEEP_SIZE only) */
#define FALLOC_FL_SUPPORTED_MASK (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | 0x04 | 0x08 | 0x10 | 0x20 | 0x40)

/* ---- fcntl(2) ---- */
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1

/* ---- umount2(2) ---- */
#define MNT_FORCE 0x1
#define MNT_DETACH 0x2
#define MNT_EXPIRE 0x4		/* first call marks an unused mount (EAGAIN), second unmounts */
#define UMOUNT_NOFOLLOW 0x8	/* do not follow a final symlink */

/* ---- utimensat(2) ---- */
#define UTIME_NOW ((1L << 30) - 1L)
#define UTIME_OMIT ((1L << 30) - 2L)

/* ---- xattr flags ---- */
#define XATTR_CREATE 0x1	/* set value, fail if attr already exists */
#define XATTR_REPLACE 0x2	/* set value, fail if attr does not exist */
#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536
#define XATTR_LIST_MAX 65536
#define XATTR_USER_PREFIX "user."

/* ---- permission mask bits for ->permission() / inode_permission() ---- */
#define MAY_EXEC 0x01
#define MAY_WRITE 0x02
#define MAY_READ 0x04
#define MAY_APPEND 0x08
#define MAY_ACCESS 0x10
#define MAY_OPEN 0x20
#define MAY_CHDIR 0x40
#define MAY_NOT_BLOCK 0x80	/* rcu-walk: ->permission() must not block */

/* ---- file types in getdents64 (d_type) ---- */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

static inline unsigned char fs_umode_to_dtype(umode_t mode)
{
	return (mode & S_IFMT) >> 12;
}

struct timespec64 {
	s64 tv_sec;
	long tv_nsec;
};

/*
 * A name and its hash, as the dcache compares it. name is not
 * NUL-terminated in general (a component points into the path).
 */
struct qstr {
	union {
		struct {
			u32 hash;
			u32 len;
		};
		u64 hash_len;
	};
	const unsigned char *name;
};

#define QSTR_INIT(n, l) { { { .hash = 0, .len = (l) } }, .name = (const unsigned char *)(n) }

/* ---- getattr/statx ---- */
#define STATX_TYPE 0x0001U
#define STATX_MODE 0x0002U
#define STATX_NLINK 0x0004U
#define STATX_UID 0x0008U
#define STATX_GID 0x0010U
#define STATX_ATIME 0x0020U
#define STATX_MTIME 0x0040U
#define STATX_CTIME 0x0080U
#define STATX_INO 0x0100U
#define STATX_SIZE 0x0200U
#define STATX_BLOCKS 0x0400U
#define STATX_BASIC_STATS 0x07ffU
#define STATX_BTIME 0x0800U

struct kstat {
	u32 result_mask;	/* STATX_* filled in */
	umode_t mode;
	unsigned int nlink;
	u32 blksize;
	u64 attributes;
	u64 ino;
	dev_t dev;
	dev_t rdev;
	kuid_t uid;
	kgid_t gid;
	loff_t size;
	struct timespec64 atime;
	struct timespec64 mtime;
	struct timespec64 ctime;
	struct timespec64 btime;
	u64 blocks;		/* 512-byte units */
};

/* struct statx as user space sees it (Linux's layout). */
struct statx_timestamp {
	s64 tv_sec;
	u32 tv_nsec;
	s32 __reserved;
};

struct statx {
	u32 stx_mask;
	u32 stx_blksize;
	u64 stx_attributes;
	u32 stx_nlink;
	u32 stx_uid;
	u32 stx_gid;
	u16 stx_mode;
	u16 __spare0;
	u64 stx_ino;
	u64 stx_size;
	u64 stx_blocks;
	u64 stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	u32 stx_rdev_major, stx_rdev_minor;
	u32 stx_dev_major, stx_dev_minor;
	u64 __spare2[14];
};

/* struct stat as x86_64 user space sees it. */
struct stat {
	u64 st_dev;
	u64 st_ino;
	u64 st_nlink;
	u32 st_mode;
	u32 st_uid;
	u32 st_gid;
	u32 __pad0;
	u64 st_rdev;
	s64 st_size;
	s64 st_blksize;
	s64 st_blocks;
	u64 st_atime;
	u64 st_atime_nsec;
	u64 st_mtime;
	u64 st_mtime_nsec;
	u64 st_ctime;
	u64 st_ctime_nsec;
	s64 __reserved[3];
};

struct kstatfs {
	long f_type;
	long f_bsize;
	u64 f_blocks;
	u64 f_bfree;
	u64 f_bavail;
	u64 f_files;
	u64 f_ffree;
	u64 f_fsid;
	long f_namelen;
	long f_frsize;
	long f_flags;
};

/* ---- setattr ---- */
#define ATTR_MODE (1 << 0)
#define ATTR_UID (1 << 1)
#define ATTR_GID (1 << 2)
#define ATTR_SIZE (1 << 3)
#define ATTR_ATIME (1 << 4)
#define ATTR_MTIME (1 << 5)
#define ATTR_CTIME (1 << 6)
#define ATTR_ATIME_SET (1 << 7)
#define ATTR_MTIME_SET (1 << 8)
#define ATTR_FORCE (1 << 9)	/* not a change: skip the permission checks */
#define ATTR_KILL_SUID (1 << 11)
#define ATTR_FILE (1 << 13)	/* ia_file is set */
#define ATTR_KILL_SGID (1 << 12)
#define ATTR_OPEN (1 << 15)	/* truncation from open(O_TRUNC) */
#define ATTR_TIMES_SET (1 << 16)

struct file;

struct iattr {
	unsigned int ia_valid;	/* ATTR_* */
	umode_t ia_mode;
	kuid_t ia_uid;
	kgid_t ia_gid;
	loff_t ia_size;
	struct timespec64 ia_atime;
	struct timespec64 ia_mtime;
	struct timespec64 ia_ctime;
	struct file *ia_file;	/* with ATTR_FILE: the open file (ftruncate) */
};

/* One directory entry as getdents64 returns it. */
struct linux_dirent64 {
	u64 d_ino;
	s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

#endif
