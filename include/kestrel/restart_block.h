/*
 * Restarting a sleep that a signal interrupted (Linux's restart_block).
 *
 * A sleeping syscall whose arguments cannot simply be replayed (a relative
 * nanosleep, a FUTEX_WAIT with a timeout) saves what it needs to go on in
 * current->restart_block, sets .fn, and returns -ERESTART_RESTARTBLOCK.
 * Signal delivery (the signal helper, arch/x86/kernel/signal.c) then does
 * what Linux does: a handler ran -> the syscall returns -EINTR; no handler
 * (the signal was ignored, or stopped and continued the task) -> the task
 * re-enters the kernel with restart_syscall(2) (rax = __NR_restart_syscall),
 * which calls current->restart_block.fn and so sleeps only what is left.
 *
 * Only the task itself reads or writes its restart_block. fn == NULL (or
 * do_no_restart_syscall) means nothing to restart: restart_syscall returns
 * -EINTR. Delivering a signal to a handler should reset fn to NULL, as
 * Linux's rt_sigreturn resets it to do_no_restart_syscall.
 */
#ifndef KESTREL_RESTART_BLOCK_H
#define KESTREL_RESTART_BLOCK_H

#include <kestrel/compiler.h>
#include <kestrel/types.h>

struct pollfd;

struct restart_block {
	long (*fn)(struct restart_block *rb);
	union {
		/* nanosleep / clock_nanosleep (kernel/time/sleep.c) */
		struct {
			int clockid;
			u64 expires;		/* absolute, in that clock's ns */
			void __user *rmtp;	/* where the time left goes on another signal */
		} nanosleep;
		/* FUTEX_WAIT with a timeout (kernel/futex/) */
		struct {
			u32 __user *uaddr;
			u32 val;
			u32 flags;
			u32 bitset;
			u64 deadline;		/* ktime_get_ns() value */
		} futex;
		/* poll with a timeout (fs/select.c) */
		struct {
			struct pollfd __user *ufds;
			unsigned int nfds;
			u64 end;		/* ktime_get_ns() value */
		} poll;
	};
};

/* restart_syscall(2) when nothing is to be restarted: -EINTR. */
long do_no_restart_syscall(struct restart_block *rb);

#endif
