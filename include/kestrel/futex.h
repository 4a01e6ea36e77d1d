/*
 * Fast user-space mutexes (kernel/futex/, docs/process.md).
 *
 * A futex is a 32-bit word in user memory. User space does the
 * uncontended work with atomic instructions and calls futex(2) only to
 * sleep until the word changes (FUTEX_WAIT) or to wake sleepers
 * (FUTEX_WAKE). The kernel keeps the sleepers in a hash table keyed by
 * what the word *is*, not where it is mapped:
 *
 *   private (FUTEX_PRIVATE_FLAG, or private anonymous memory):
 *                      (mm, virtual address)
 *   shared file or shmem mapping (MAP_SHARED, also MAP_SHARED|MAP_ANONYMOUS,
 *   which is a tmpfs file): (inode, byte offset in the file)
 *
 * so two processes mapping one file at different addresses meet on the
 * same key.
 *
 * Exit and exec (the proc helper's kernel/exit.c, fs/exec.c) call
 * futex_exit_release(): it walks the robust list (set_robust_list) and
 * marks every futex the thread still owned FUTEX_OWNER_DIED, waking one
 * waiter; then, for CLONE_CHILD_CLEARTID / set_tid_address, it writes 0
 * to clear_child_tid and wakes one waiter there (pthread_join sleeps on
 * it). Both run in the exiting task's context (they use current->mm).
 */
#ifndef KESTREL_FUTEX_H
#define KESTREL_FUTEX_H

#include <kestrel/compiler.h>
#include <kestrel/types.h>

/* futex(2) operations (Linux's uapi values). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffU

/* FUTEX_WAKE_OP's encoded operation: op, cmp, oparg, cmparg (Linux's layout). */
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_LT 2
#define FUTEX_OP_CMP_LE 3
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP_CMP_GE 5

/* Robust futex words: the owner's tid plus these bits. */
#define FUTEX_WAITERS 0x80000000U
#define FUTEX_OWNER_DIED 0x40000000U
#define FUTEX_TID_MASK 0x3fffffffU

/* Linux's struct robust_list_head (set_robust_list's argument, 24 bytes). */
struct robust_list {
	struct robust_list __user *next;
};

struct robust_list_head {
	struct robust_list list;		/* circular: ends when it points back here */
	long futex_offset;			/* entry + futex_offset = the futex word */
	struct robust_list __user *list_op_pending;	/* being locked or unlocked now */
};

/* At most this many entries are walked at exit (a corrupt or circular list ends). */
#define ROBUST_LIST_LIMIT 2048

struct task_struct;
struct mm_struct;

/*
 * Exit or exec of tsk (== current, its mm still attached): walk its robust
 * list, then clear and wake its clear_child_tid (if another user of the mm
 * remains, as Linux's mm_release). Clears both pointers. May sleep.
 */
void futex_exit_release(struct task_struct *tsk);

/* Write 0 to *uaddr (current->mm) and wake one FUTEX_WAKE waiter there (pthread_join). */
void futex_wake_tid(int __user *uaddr);

/*
 * The core, keyed: for the syscall and for ktests, which have no user
 * memory. A key names the futex word's object and offset (see above).
 * Keys are compared by value; object is never dereferenced by the core.
 */
struct futex_key {
	const void *object;	/* mm_struct, inode, or any unique kernel address (tests) */
	unsigned long offset;	/* user address (mm) or byte offset in the file (inode) */
};

/* Reads the futex word for the core: 0 or -EFAULT. May sleep (a user read may fault). */
typedef int (*futex_read_fn)(const void *addr, u32 *val);

/*
 * Sleep on key unless read(addr) != val (-EAGAIN). bitset: FUTEX_WAIT_BITSET's
 * mask (FUTEX_BITSET_MATCH_ANY for FUTEX_WAIT). deadline_ns: ktime_get_ns()
 * value at which to give up with -ETIMEDOUT, or 0 for none. Returns 0 when
 * woken, -EAGAIN, -ETIMEDOUT, -EFAULT, or -ERESTARTSYS on a signal.
 */
int futex_wait_key(const struct futex_key *key, futex_read_fn read, const void *addr, u32 val,
		   u32 bitset, u64 deadline_ns);
/* Wake up to nr waiters on key whose bitset meets bitset; returns how many. */
int futex_wake_key(const struct futex_key *key, int nr, u32 bitset);
/*
 * Wake up to nr_wake waiters of key1 and move up to nr_requeue more to key2.
 * Returns woken + requeued.
 */
int futex_requeue_key(const struct futex_key *key1, const struct futex_key *key2, int nr_wake,
		      int nr_requeue);
/* Waiters queued on key now (tests, debugging). */
int futex_waiters_key(const struct futex_key *key);

#endif
