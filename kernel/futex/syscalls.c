/*
 * futex(2), set_robust_list(2), get_robust_list(2), set_tid_address(2),
 * and the exit/exec hooks (futex_exit_release, futex_wake_tid).
 *
 * This file turns a user address into a struct futex_key and a user
 * timeout into a deadline on ktime_get_ns(); kernel/futex/core.c does the
 * queueing. Keys (include/kestrel/futex.h):
 *   FUTEX_PRIVATE_FLAG                 (current->mm, address)
 *   otherwise, a VM_SHARED file VMA    (inode, byte offset in the file), with
 *                                      a reference on the inode held while
 *                                      the caller sleeps on it
 *   otherwise (private memory)         (current->mm, address), the same key
 *                                      as the private form, as on Linux
 *
 * Atomic updates of a user word (FUTEX_WAKE_OP, robust-list owner-died
 * marking) use `lock cmpxchg` on the user address with an exception-table
 * entry: the page-fault handler makes the page present (or the fixup
 * returns -EFAULT), like copy_to_user.
 */
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/futex.h>
#include <kestrel/might_sleep.h>
#include <kestrel/mm_types.h>
#include <kestrel/printk.h>
#include <kestrel/restart_block.h>
#include <kestrel/rwsem.h>
#include <kestrel/sched.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>
#include <asm/extable.h>
#include <asm/page.h>
#include <asm/smap.h>

#define CAP_SYS_PTRACE 19

/* A key for a user address, and the inode reference it holds (shared file keys). */
struct futex_ukey {
	struct futex_key key;
	struct inode *inode;	/* ihold()'d, or NULL */
};

/* ---- user memory ---- */

static int futex_read_user(const void *addr, u32 *val)
{
	return get_user(*val, (u32 __user *)addr);
}

/*
 * *uaddr = newval if it holds oldval, atomically; *curval gets what it held.
 * 0 or -EFAULT. May fault in the page (and sleep): no spinlocks held.
 */
static int futex_cmpxchg_user(u32 __user *uaddr, u32 oldval, u32 newval, u32 *curval)
{
	u32 *p = (u32 __force_kernel *)uaddr;
	int ret = -EFAULT;

	if (!access_ok(uaddr, sizeof(u32)))
		return -EFAULT;
	stac();
	asm volatile("1:	lock cmpxchgl %3, %1\n"
		     "	xorl %0, %0\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : "+r"(ret), "+m"(*p), "+a"(oldval)
		     : "r"(newval)
		     : "memory", "cc");
	clac();
	*curval = oldval;
	return ret;
}

/* ---- keys ---- */

static int get_futex_key(u32 __user *uaddr, bool shared, struct futex_ukey *uk)
{
	unsigned long addr = (unsigned long)uaddr;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int err = 0;

	uk->inode = NULL;
	if (addr % sizeof(u32))
		return -EINVAL;
	if (!access_ok(uaddr, sizeof(u32)) || !mm)
		return -EFAULT;
	uk->key.object = mm;
	uk->key.offset = addr;
	if (!shared)
		return 0;
	down_read(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (!vma || addr < vma->vm_start) {
		err = -EFAULT;
	} else if ((vma->vm_flags & VM_SHARED) && vma->vm_file) {
		uk->inode = file_inode(vma->vm_file);
		ihold(uk->inode);
		uk->key.object = uk->inode;
		uk->key.offset = (vma->vm_pgoff << PAGE_SHIFT) + (addr - vma->vm_start);
	}
	up_read(&mm->mmap_lock);
	return err;
}

static void put_futex_key(struct futex_ukey *uk)
{
	if (uk->inode)
		iput(uk->inode);
	uk->inode = NULL;
}

/* ---- operations ---- */

static long futex_wait_restart(struct restart_block *rb);

static long futex_wait(u32 __user *uaddr, bool shared, u32 val, u64 deadline, u32 bitset)
{
	struct futex_ukey uk;
	long ret = get_futex_key(uaddr, shared, &uk);

	if (ret)
		return ret;
	ret = futex_wait_key(&uk.key, futex_read_user, (const void __force_kernel *)uaddr, val,
			     bitset, deadline);
	put_futex_key(&uk);
	if (ret == -ERESTARTSYS && deadline) {
		/* A timed wait must not restart with its whole timeout again. */
		struct restart_block *rb = &current->restart_block;

		rb->fn = futex_wait_restart;
		rb->futex.uaddr = uaddr;
		rb->futex.val = val;
		rb->futex.flags = shared;
		rb->futex.bitset = bitset;
		rb->futex.deadline = deadline;
		ret = -ERESTART_RESTARTBLOCK;
	}
	return ret;
}

static long futex_wait_restart(struct restart_block *rb)
{
	return futex_wait(rb->futex.uaddr, rb->futex.flags, rb->futex.val, rb->futex.deadline,
			  rb->futex.bitset);
}

static long futex_wake(u32 __user *uaddr, bool shared, int nr, u32 bitset)
{
	struct futex_ukey uk;
	long ret = get_futex_key(uaddr, shared, &uk);

	if (ret)
		return ret;
	ret = futex_wake_key(&uk.key, nr, bitset);
	put_futex_key(&uk);
	return ret;
}

static long futex_requeue(u32 __user *uaddr1, bool shared, u32 __user *uaddr2, int nr_wake,
			  int nr_requeue, const u32 *cmpval)
{
	struct futex_ukey uk1, uk2;
	long ret;
	u32 cur;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	ret = get_futex_key(uaddr1, shared, &uk1);
	if (ret)
		return ret;
	ret = get_futex_key(uaddr2, shared, &uk2);
	if (ret)
		goto out1;
	/*
	 * FUTEX_CMP_REQUEUE's check is made before the buckets are locked (a
	 * user read may sleep): a change of *uaddr1 racing with the requeue
	 * itself is not seen. Waiters moved anyway sleep on uaddr2 and are
	 * woken there (user space's lock protocol wakes uaddr2 next).
	 */
	if (cmpval) {
		ret = futex_read_user((const void __force_kernel *)uaddr1, &cur);
		if (!ret && cur != *cmpval)
			ret = -EAGAIN;
		if (ret)
			goto out2;
	}
	ret = futex_requeue_key(&uk1.key, &uk2.key, nr_wake, nr_requeue);
out2:
	put_futex_key(&uk2);
out1:
	put_futex_key(&uk1);
	return ret;
}

/* FUTEX_WAKE_OP's operation on *uaddr: returns the old value in *oldval; 0 or -errno. */
static int futex_atomic_op_user(u32 encoded_op, u32 __user *uaddr, u32 *oldval)
{
	unsigned int op = (encoded_op >> 28) & 7;
	int oparg = (int)(encoded_op << 8) >> 20;	/* sign-extended 12 bits */
	u32 old, cur, newval;
	int err;

	if (encoded_op & ((u32)FUTEX_OP_OPARG_SHIFT << 28)) {
		if (oparg < 0 || oparg > 31)
			oparg &= 31;	/* Linux warns once and masks too */
		oparg = 1 << oparg;
	}
	err = get_user(old, uaddr);
	for (;;) {
		if (err)
			return err;
		switch (op) {
		case FUTEX_OP_SET: newval = (u32)oparg; break;
		case FUTEX_OP_ADD: newval = old + (u32)oparg; break;
		case FUTEX_OP_OR: newval = old | (u32)oparg; break;
		case FUTEX_OP_ANDN: newval = old & ~(u32)oparg; break;
		case FUTEX_OP_XOR: newval = old ^ (u32)oparg; break;
		default: return -ENOSYS;
		}
		err = futex_cmpxchg_user(uaddr, old, newval, &cur);
		if (!err && cur == old)
			break;
		old = cur;
	}
	*oldval = old;
	return 0;
}

static bool futex_op_cmp(u32 encoded_op, u32 oldval)
{
	unsigned int cmp = (encoded_op >> 24) & 15;
	int cmparg = (int)(encoded_op << 20) >> 20;
	int v = (int)oldval;

	switch (cmp) {
	case FUTEX_OP_CMP_EQ: return v == cmparg;
	case FUTEX_OP_CMP_NE: return v != cmparg;
	case FUTEX_OP_CMP_LT: return v < cmparg;
	case FUTEX_OP_CMP_LE: return v <= cmparg;
	case FUTEX_OP_CMP_GT: return v > cmparg;
	case FUTEX_OP_CMP_GE: return v >= cmparg;
	default: return false;
	}
}

/*
 * Change *uaddr2 atomically, wake nr_wake on uaddr1, and nr_wake2 on
 * uaddr2 if its old value passes the comparison. The change comes first,
 * then the wakes take the bucket locks: a waiter on uaddr2 either reads
 * the new value or is found queued (see kernel/futex/core.c).
 */
static long futex_wake_op(u32 __user *uaddr1, bool shared, u32 __user *uaddr2, int nr_wake,
			  int nr_wake2, u32 encoded_op)
{
	struct futex_ukey uk1, uk2;
	u32 oldval;
	long ret, ret2;

	ret = get_futex_key(uaddr1, shared, &uk1);
	if (ret)
		return ret;
	ret = get_futex_key(uaddr2, shared, &uk2);
	if (ret)
		goto out1;
	ret = futex_atomic_op_user(encoded_op, uaddr2, &oldval);
	if (ret)
		goto out2;
	ret = futex_wake_key(&uk1.key, nr_wake > 0 ? nr_wake : 1, FUTEX_BITSET_MATCH_ANY);
	if (futex_op_cmp(encoded_op, oldval)) {
		ret2 = futex_wake_key(&uk2.key, nr_wake2 > 0 ? nr_wake2 : 1, FUTEX_BITSET_MATCH_ANY);
		ret += ret2;
	}
out2:
	put_futex_key(&uk2);
out1:
	put_futex_key(&uk1);
	return ret;
}

/* The user timeout as a ktime_get_ns() deadline (0: none). */
static int futex_deadline(int cmd, bool clockrt, const struct __kernel_timespec __user *utime,
			  u64 *deadline)
{
	struct __kernel_timespec ts;
	u64 ns;
	s64 d;
	int err;

	*deadline = 0;
	if (!utime)
		return 0;
	err = get_timespec(&ts, utime);
	if (err)
		return err;
	ns = timespec_to_ns_sat(&ts);
	if (cmd == FUTEX_WAIT) {		/* relative, on the monotonic clock */
		u64 now = ktime_get_ns();

		*deadline = ns > U64_MAX_NS - now ? U64_MAX_NS : now + ns;
	} else if (clockrt) {			/* absolute CLOCK_REALTIME */
		if (ns > U64_MAX_NS / 2) {
			*deadline = U64_MAX_NS;
		} else {
			d = (s64)ns - ktime_get_real_offset();
			*deadline = d > 0 ? (u64)d : 1;
		}
	} else {				/* absolute CLOCK_MONOTONIC */
		*deadline = ns;
	}
	if (!*deadline)
		*deadline = 1;	/* already past: time out after the value check */
	return 0;
}

SYSCALL_DEFINE6(futex, u32 __user *, uaddr, int, op, u32, val,
		const struct __kernel_timespec __user *, utime, u32 __user *, uaddr2, u32, val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool shared = !(op & FUTEX_PRIVATE_FLAG), clockrt = op & FUTEX_CLOCK_REALTIME;
	int val2 = (int)(unsigned long)utime;	/* REQUEUE, CMP_REQUEUE, WAKE_OP: a count */
	u64 deadline;
	int err;

	if (clockrt && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		if (!val3)
			return -EINVAL;
		err = futex_deadline(cmd, clockrt, utime, &deadline);
		if (err)
			return err;
		return futex_wait(uaddr, shared, val, deadline, val3);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		if (!val3)
			return -EINVAL;
		/* As Linux: a count of 0 (or below) still wakes one. */
		return futex_wake(uaddr, shared, (int)val > 0 ? (int)val : 1, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, shared, uaddr2, (int)val, val2, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, shared, uaddr2, (int)val, val2, &val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, shared, uaddr2, (int)val, val2, val3);
	default:
		return -ENOSYS;	/* PI futexes, FUTEX_FD */
	}
}

/* ---- set_tid_address, robust lists, exit ---- */

SYSCALL_DEFINE1(set_tid_address, int __user *, tidptr)
{
	current->clear_child_tid = tidptr;
	return current->pid;
}

SYSCALL_DEFINE2(set_robust_list, struct robust_list_head __user *, head, size_t, len)
{
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	current->robust_list = head;
	current->robust_list_len = len;
	return 0;
}

struct robust_req {
	int pid;
	int tgid;
	bool found;
	void __user *head;
};

static void robust_one(struct task_struct *p, void *arg)
{
	struct robust_req *r = arg;

	if (r->found || p->pid != r->pid || (p->flags & PF_IDLE))
		return;
	r->found = true;
	r->tgid = p->tgid ? p->tgid : p->pid;
	r->head = READ_ONCE(p->robust_list);
}

SYSCALL_DEFINE3(get_robust_list, int, pid, struct robust_list_head __user * __user *, head_ptr,
		size_t __user *, len_ptr)
{
	struct robust_req r = { .pid = pid };
	int my_tgid = current->tgid ? current->tgid : current->pid;

	if (pid < 0)
		return -EINVAL;
	if (!pid || pid == current->pid) {
		r.head = current->robust_list;
	} else {
		sched_for_each_task(robust_one, &r);
		if (!r.found)
			return -ESRCH;
		/* Linux asks for ptrace read access; Kestrel: same process or CAP_SYS_PTRACE. */
		if (r.tgid != my_tgid && !capable(CAP_SYS_PTRACE))
			return -EPERM;
	}
	if (put_user(sizeof(struct robust_list_head), len_ptr))
		return -EFAULT;
	return put_user((struct robust_list_head __user *)r.head, head_ptr);
}

/*
 * The owner tsk died holding the futex at uaddr (or was taking it: pending).
 * Mark it FUTEX_OWNER_DIED, keep FUTEX_WAITERS, and wake one waiter so it
 * takes the lock over. Returns 0, or -1 to stop the walk (a fault).
 */
static int handle_futex_death(u32 __user *uaddr, struct task_struct *tsk, bool pending)
{
	u32 uval, nval, mval;

	if ((unsigned long)uaddr % sizeof(u32))
		return -1;
retry:
	if (get_user(uval, uaddr))
		return -1;
	/* Died between taking the lock in user space and naming it owned: wake one anyway. */
	if (pending && !uval) {
		futex_wake(uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
		return 0;
	}
	if ((uval & FUTEX_TID_MASK) != (u32)tsk->pid)
		return 0;
	mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (futex_cmpxchg_user(uaddr, uval, mval, &nval))
		return -1;
	if (nval != uval)
		goto retry;
	if (uval & FUTEX_WAITERS)
		futex_wake(uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
	return 0;
}

/* A list pointer: the entry, and bit 0 = a PI futex (Kestrel has none: skipped). */
static int fetch_robust_entry(struct robust_list __user **entry,
			      struct robust_list __user *__user *head, bool *pi)
{
	unsigned long v;

	if (get_user(v, (unsigned long __user *)head))
		return -EFAULT;
	*entry = (struct robust_list __user *)(v & ~1UL);
	*pi = v & 1;
	return 0;
}

static void exit_robust_list(struct task_struct *tsk)
{
	struct robust_list_head __user *head = tsk->robust_list;
	struct robust_list __user *entry, *next_entry, *pending;
	bool pi, next_pi, pip;
	unsigned int limit = ROBUST_LIST_LIMIT;
	long futex_offset;
	int rc;

	if (fetch_robust_entry(&entry, &head->list.next, &pi))
		return;
	if (get_user(futex_offset, &head->futex_offset))
		return;
	if (fetch_robust_entry(&pending, &head->list_op_pending, &pip))
		return;
	while (entry != &head->list) {
		rc = fetch_robust_entry(&next_entry, &entry->next, &next_pi);
		if (entry != pending && !pi &&
		    handle_futex_death((u32 __user *)((char __user *)entry + futex_offset), tsk, false))
			return;
		if (rc)
			return;
		entry = next_entry;
		pi = next_pi;
		if (!--limit)
			break;
		cond_resched();
	}
	if (pending && !pip)
		handle_futex_death((u32 __user *)((char __user *)pending + futex_offset), tsk, true);
}

void futex_wake_tid(int __user *uaddr)
{
	if (put_user(0, uaddr))
		return;
	futex_wake((u32 __user *)uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
}

void futex_exit_release(struct task_struct *tsk)
{
	might_sleep();
	if (WARN_ON(tsk != current) || !tsk->mm)
		return;
	if (tsk->robust_list) {
		exit_robust_list(tsk);
		tsk->robust_list = NULL;
	}
	if (tsk->clear_child_tid) {
		/* As Linux: only if somebody else still uses the mm (a thread to join us). */
		if (atomic_read(&tsk->mm->mm_users) > 1)
			futex_wake_tid(tsk->clear_child_tid);
		tsk->clear_child_tid = NULL;
	}
}
