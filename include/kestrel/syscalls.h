/*
 * System calls: how a subsystem adds one.
 *
 *	SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count)
 *	{
 *		...
 *	}
 *
 * defines `long sys_read(unsigned int fd, char __user *buf, size_t count)`
 * in the file that owns the call, and __x64_sys_read(regs), the stub that
 * takes the arguments out of the registers and calls it. The row
 * `0 common read sys_read` of arch/x86/entry/syscalls/syscall_64.tbl puts
 * that stub at number 0 of the dispatch table (arch/x86/entry/syscall_64.c,
 * generated at build time by tools/syscalltbl): adding a syscall is its row
 * plus its SYSCALL_DEFINE (docs/process.md). The build fails when either is
 * missing. A number with no entry point returns -ENOSYS (logged once).
 *
 * Arguments arrive in rdi, rsi, rdx, r10, r8, r9 and are cast to the
 * declared types (an int argument is the low 32 bits, as on Linux).
 * A syscall returns a value >= 0 or a negative errno. It may return
 * -ERESTARTSYS / -ERESTARTNOINTR / -ERESTARTNOHAND / -ERESTART_RESTARTBLOCK
 * (include/kestrel/errno.h) when a signal interrupted it: signal delivery
 * turns those into -EINTR or a restart, never user space.
 */
#ifndef KESTREL_SYSCALLS_H
#define KESTREL_SYSCALLS_H

#include <kestrel/compiler.h>
#include <kestrel/fs_types.h>
#include <kestrel/types.h>

struct pt_regs;

/* A dispatch-table entry: unpacks the registers and calls sys_<name>. */
typedef long (*syscall_fn_t)(const struct pt_regs *regs);

/* The registers of the syscall being handled by current (for fork, exec, sigreturn, ...). */
struct pt_regs *current_pt_regs(void);

/* Linux's name of syscall nr (syscall_64.tbl, implemented or not), or NULL if nr is no syscall. */
const char *syscall_name(unsigned long nr);

#define __SC_ARGS0() void
#define __SC_ARGS1(t1, a1) t1 a1
#define __SC_ARGS2(t1, a1, t2, a2) t1 a1, t2 a2
#define __SC_ARGS3(t1, a1, t2, a2, t3, a3) t1 a1, t2 a2, t3 a3
#define __SC_ARGS4(t1, a1, t2, a2, t3, a3, t4, a4) t1 a1, t2 a2, t3 a3, t4 a4
#define __SC_ARGS5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) t1 a1, t2 a2, t3 a3, t4 a4, t5 a5
#define __SC_ARGS6(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6

#define __SC_CASTS0()
#define __SC_CASTS1(t1, a1) (t1)__r[0]
#define __SC_CASTS2(t1, a1, t2, a2) (t1)__r[0], (t2)__r[1]
#define __SC_CASTS3(t1, a1, t2, a2, t3, a3) (t1)__r[0], (t2)__r[1], (t3)__r[2]
#define __SC_CASTS4(t1, a1, t2, a2, t3, a3, t4, a4) \
	(t1)__r[0], (t2)__r[1], (t3)__r[2], (t4)__r[3]
#define __SC_CASTS5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	(t1)__r[0], (t2)__r[1], (t3)__r[2], (t4)__r[3], (t5)__r[4]
#define __SC_CASTS6(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	(t1)__r[0], (t2)__r[1], (t3)__r[2], (t4)__r[3], (t5)__r[4], (t6)__r[5]

/* The six argument registers of a syscall frame, in ABI order. */
void syscall_get_arguments(const struct pt_regs *regs, unsigned long args[6]);

#define __SYSCALL_DEFINEx(x, name, ...)                                              \
	long sys_##name(__SC_ARGS##x(__VA_ARGS__));                                   \
	long __x64_sys_##name(const struct pt_regs *regs);                            \
	long __x64_sys_##name(const struct pt_regs *regs)                             \
	{                                                                             \
		unsigned long __r[6];                                                 \
		syscall_get_arguments(regs, __r);                                     \
		(void)__r;                                                            \
		return sys_##name(__SC_CASTS##x(__VA_ARGS__));                        \
	}                                                                             \
	long sys_##name(__SC_ARGS##x(__VA_ARGS__))

#define SYSCALL_DEFINE0(name) __SYSCALL_DEFINEx(0, name)
#define SYSCALL_DEFINE1(name, ...) __SYSCALL_DEFINEx(1, name, __VA_ARGS__)
#define SYSCALL_DEFINE2(name, ...) __SYSCALL_DEFINEx(2, name, __VA_ARGS__)
#define SYSCALL_DEFINE3(name, ...) __SYSCALL_DEFINEx(3, name, __VA_ARGS__)
#define SYSCALL_DEFINE4(name, ...) __SYSCALL_DEFINEx(4, name, __VA_ARGS__)
#define SYSCALL_DEFINE5(name, ...) __SYSCALL_DEFINEx(5, name, __VA_ARGS__)
#define SYSCALL_DEFINE6(name, ...) __SYSCALL_DEFINEx(6, name, __VA_ARGS__)

/* ---------------------------------------------------------------- ksys_* */

struct iovec;
struct kvec;
struct kstatfs;
struct linux_dirent64;
struct stat;
struct statx;
struct timespec64;

/*
 * The file system calls as kernel functions (ksys_*), for the kernel's
 * own use (the initramfs, the root mounts, tests): the system call's
 * semantics, a negative errno or the result. Path and buffer arguments
 * are kernel pointers: each SYSCALL_DEFINE next to its ksys_ function
 * copies the user's in (getname, copy_from_user) and out (copy_to_user),
 * except for file data: read(2), write(2) and their vector forms hand
 * the user's buffer to the file as an iov_iter, and ksys_read & co. pass
 * kernel buffers the same way (fs/read_write.c).
 * Owners: fs/open.c, read_write.c, stat.c, readdir.c, namei.c,
 * namespace.c, file.c, fcntl.c, xattr.c, fs_struct.c, sync in super.c;
 * flock: fs/locks.c; pipe2: fs/pipe.c. The memory calls (ksys_mmap, ...)
 * are in include/kestrel/mman.h.
 */
long ksys_open(const char *filename, int flags, umode_t mode);
long ksys_openat(int dfd, const char *filename, int flags, umode_t mode);
long ksys_creat(const char *filename, umode_t mode);
long ksys_close(unsigned int fd);
ssize_t ksys_read(unsigned int fd, char *buf, size_t count);
ssize_t ksys_write(unsigned int fd, const char *buf, size_t count);
ssize_t ksys_pread64(unsigned int fd, char *buf, size_t count, loff_t pos);
ssize_t ksys_pwrite64(unsigned int fd, const char *buf, size_t count, loff_t pos);
ssize_t ksys_readv(unsigned long fd, const struct kvec *vec, unsigned long vlen);
ssize_t ksys_writev(unsigned long fd, const struct kvec *vec, unsigned long vlen);
loff_t ksys_lseek(unsigned int fd, loff_t offset, unsigned int whence);
long ksys_dup(unsigned int fildes);
long ksys_dup2(unsigned int oldfd, unsigned int newfd);
long ksys_dup3(unsigned int oldfd, unsigned int newfd, int flags);
long ksys_fcntl(unsigned int fd, unsigned int cmd, unsigned long arg);
long ksys_stat(const char *filename, struct stat *statbuf);
long ksys_lstat(const char *filename, struct stat *statbuf);
long ksys_fstat(unsigned int fd, struct stat *statbuf);
long ksys_newfstatat(int dfd, const char *filename, struct stat *statbuf, int flag);
long ksys_statx(int dfd, const char *filename, unsigned flags, unsigned int mask,
		struct statx *buffer);
long ksys_getdents64(unsigned int fd, struct linux_dirent64 *dirent, unsigned int count);
long ksys_mkdir(const char *pathname, umode_t mode);
long ksys_mkdirat(int dfd, const char *pathname, umode_t mode);
long ksys_mknodat(int dfd, const char *filename, umode_t mode, unsigned int dev);
long ksys_rmdir(const char *pathname);
long ksys_unlink(const char *pathname);
long ksys_unlinkat(int dfd, const char *pathname, int flag);
long ksys_rename(const char *oldname, const char *newname);
long ksys_renameat2(int olddfd, const char *oldname, int newdfd, const char *newname,
		    unsigned int flags);
long ksys_link(const char *oldname, const char *newname);
long ksys_linkat(int olddfd, const char *oldname, int newdfd, const char *newname, int flags);
long ksys_symlink(const char *oldname, const char *newname);
long ksys_symlinkat(const char *oldname, int newdfd, const char *newname);
long ksys_readlink(const char *path, char *buf, int bufsiz);
long ksys_readlinkat(int dfd, const char *path, char *buf, int bufsiz);
long ksys_chmod(const char *filename, umode_t mode);
long ksys_fchmod(unsigned int fd, umode_t mode);
long ksys_fchmodat(int dfd, const char *filename, umode_t mode);
long ksys_chown(const char *filename, uid_t user, gid_t group);
long ksys_lchown(const char *filename, uid_t user, gid_t group);
long ksys_fchown(unsigned int fd, uid_t user, gid_t group);
long ksys_fchownat(int dfd, const char *filename, uid_t user, gid_t group, int flag);
long ksys_utimensat(int dfd, const char *filename, const struct timespec64 *times, int flags);
long ksys_access(const char *filename, int mode);
long ksys_faccessat(int dfd, const char *filename, int mode);
long ksys_truncate(const char *path, loff_t length);
long ksys_ftruncate(unsigned int fd, loff_t length);
long ksys_fsync(unsigned int fd);
long ksys_fdatasync(unsigned int fd);
void ksys_sync(void);
long ksys_syncfs(int fd);
long ksys_statfs(const char *path, struct kstatfs *buf);
long ksys_fstatfs(unsigned int fd, struct kstatfs *buf);
long ksys_mount(const char *dev_name, const char *dir_name, const char *type,
		unsigned long flags, void *data);
long ksys_umount(const char *name, int flags);
long ksys_chdir(const char *filename);
long ksys_fchdir(unsigned int fd);
long ksys_chroot(const char *filename);
long ksys_getcwd(char *buf, unsigned long size);
long ksys_setxattr(const char *path, const char *name, const void *value, size_t size, int flags);
long ksys_lsetxattr(const char *path, const char *name, const void *value, size_t size,
		    int flags);
long ksys_fsetxattr(int fd, const char *name, const void *value, size_t size, int flags);
ssize_t ksys_getxattr(const char *path, const char *name, void *value, size_t size);
ssize_t ksys_lgetxattr(const char *path, const char *name, void *value, size_t size);
ssize_t ksys_fgetxattr(int fd, const char *name, void *value, size_t size);
ssize_t ksys_listxattr(const char *path, char *list, size_t size);
ssize_t ksys_llistxattr(const char *path, char *list, size_t size);
ssize_t ksys_flistxattr(int fd, char *list, size_t size);
long ksys_removexattr(const char *path, const char *name);
long ksys_lremovexattr(const char *path, const char *name);
long ksys_fremovexattr(int fd, const char *name);
long ksys_flock(unsigned int fd, unsigned int cmd);	/* fs/locks.c */
long ksys_pipe2(int *fildes, int flags);		/* fs/pipe.c */

/* ---------------------------------------------------------------- sys_* */

struct __kernel_timespec;

/*
 * The system calls that other files call by name: the ktests, with kernel
 * and unmapped user pointers (Linux declares every sys_* in
 * include/linux/syscalls.h). Each SYSCALL_DEFINE declares its sys_<name>
 * again, so the compiler checks these against the definitions.
 */
long sys_read(unsigned int fd, char __user *buf, size_t count);
long sys_write(unsigned int fd, const char __user *buf, size_t count);
long sys_openat(int dfd, const char __user *filename, int flags, umode_t mode);
long sys_newfstatat(int dfd, const char __user *filename, struct stat __user *statbuf, int flag);
long sys_fstat(unsigned int fd, struct stat __user *statbuf);
long sys_getdents64(unsigned int fd, struct linux_dirent64 __user *dirent, unsigned int count);
long sys_getcwd(char __user *buf, unsigned long size);
long sys_mkdirat(int dfd, const char __user *pathname, umode_t mode);
long sys_pipe2(int __user *fildes, int flags);
long sys_getpid(void);
long sys_gettid(void);
long sys_getuid(void);
long sys_geteuid(void);
long sys_setuid(u32 uid);
long sys_setgid(u32 gid);
long sys_setreuid(u32 ruid, u32 euid);
long sys_setresuid(u32 ruid, u32 euid, u32 suid);
long sys_setfsuid(u32 uid);
long sys_futex(u32 __user *uaddr, int op, u32 val, const struct __kernel_timespec __user *utime,
	       u32 __user *uaddr2, u32 val3);

#endif
