/* Linux errno values: Kestrel returns them negated, as Linux does. */
#ifndef KESTREL_ERRNO_H
#define KESTREL_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define EWOULDBLOCK EAGAIN
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define ENOTBLK 15
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define ETXTBSY 26
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EMLINK 31
#define EPIPE 32
#define EDOM 33
#define ERANGE 34
#define EDEADLK 35
#define ENAMETOOLONG 36
#define ENOLCK 37
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define ENOMSG 42
#define ENODATA 61
#define ENOLINK 67
#define ETIME 62
#define EOVERFLOW 75
#define EBADFD 77
#define ELIBBAD 80	/* exec: the ELF interpreter is not a valid ELF file */
#define EILSEQ 84
#define ENOTSOCK 88
#define EOPNOTSUPP 95
#define EADDRINUSE 98
#define ETIMEDOUT 110
#define EALREADY 114
#define EINPROGRESS 115
#define EUCLEAN 117
#define EREMOTEIO 121
#define EDQUOT 122
#define ECANCELED 125

/*
 * Kernel-internal: a syscall interrupted by a signal returns one of these;
 * signal delivery (kernel/signal.c) turns it into a restart of the call or
 * -EINTR. User space never sees them (Linux's values).
 */
#define ERESTARTSYS 512		/* restart if SA_RESTART, else EINTR */
#define ERESTARTNOINTR 513	/* always restart */
#define ERESTARTNOHAND 514	/* restart if no handler ran, else EINTR */
#define ERESTART_RESTARTBLOCK 516	/* restart through restart_syscall(2) */

#define MAX_ERRNO 4095

#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long err) { return (void *)err; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline int IS_ERR(const void *p) { return IS_ERR_VALUE(p); }
static inline int IS_ERR_OR_NULL(const void *p) { return !p || IS_ERR_VALUE(p); }

#endif
