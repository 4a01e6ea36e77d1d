/*
 * The scheduler's system calls: sched_yield, sched_getaffinity and
 * sched_setaffinity (Linux's semantics on Kestrel's scheduler,
 * kernel/sched/core.c).
 *
 * An affinity mask crosses the ABI as an array of unsigned longs; Kestrel
 * has at most 64 CPUs (cpumask_t is one word), so the kernel's mask is 8
 * bytes: getaffinity wants a buffer of at least that (a multiple of
 * sizeof(long)) and returns 8; setaffinity reads up to 8 bytes and ignores
 * the rest. The task is found with find_get_task_by_vpid (a reference);
 * set_cpus_allowed() does the locking.
 */
#include <kestrel/cpumask.h>
#include <kestrel/cred.h>
#include <kestrel/errno.h>
#include <kestrel/pid.h>
#include <kestrel/sched.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>

SYSCALL_DEFINE0(sched_yield)
{
	yield();
	return 0;
}

/* pid's task (0: current), referenced; NULL if there is none. */
static struct task_struct *affinity_task(int pid)
{
	if (pid < 0)
		return NULL;
	if (!pid) {
		get_task_struct(current);
		return current;
	}
	return find_get_task_by_vpid(pid);
}

SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned int, len, unsigned long __user *, user_mask)
{
	struct task_struct *p;
	u64 bits;

	if (len < sizeof(cpumask_t) || (len & (sizeof(unsigned long) - 1)))
		return -EINVAL;
	if (pid < 0)
		return -ESRCH;
	p = affinity_task(pid);
	if (!p)
		return -ESRCH;
	bits = READ_ONCE(p->cpus_allowed.bits) & sched_cpus_active().bits;
	put_task_struct(p);
	if (copy_to_user(user_mask, &bits, sizeof(bits)))
		return -EFAULT;
	return sizeof(bits);
}

/* Is p's uid or euid our euid? p may commit new creds meanwhile: read them under RCU. */
static bool same_owner_as(const struct cred *cred, struct task_struct *p)
{
	const struct cred *tcred;
	bool same;

	rcu_read_lock();
	tcred = __task_cred(p);
	same = !tcred || cred->euid == tcred->euid || cred->euid == tcred->uid;
	rcu_read_unlock();
	return same;
}

SYSCALL_DEFINE3(sched_setaffinity, int, pid, unsigned int, len, unsigned long __user *, user_mask)
{
	const struct cred *cred = current_cred();
	struct task_struct *p;
	cpumask_t mask = CPU_MASK_NONE;
	int ret;

	if (copy_from_user(&mask.bits, user_mask, len < sizeof(mask.bits) ? len : sizeof(mask.bits)))
		return -EFAULT;
	if (pid < 0)
		return -ESRCH;
	p = affinity_task(pid);
	if (!p)
		return -ESRCH;
	ret = -EINVAL;
	if (p->flags & (PF_KTHREAD | PF_IDLE))
		goto out;	/* as Linux's PF_NO_SETAFFINITY kernel threads */
	ret = -EPERM;
	/* As Linux's check_same_owner: our euid is the target's uid or euid, or CAP_SYS_NICE. */
	if (p != current && !same_owner_as(cred, p) && !capable(CAP_SYS_NICE))
		goto out;
	mask.bits &= sched_cpus_active().bits;
	ret = mask.bits ? set_cpus_allowed(p, mask) : -EINVAL;
out:
	put_task_struct(p);
	return ret;
}

/*
 * getcpu: the CPU the caller runs on (already possibly stale when it
 * returns, as everywhere) and its NUMA node, always 0. The third argument
 * is ignored since Linux 2.6.24. The vDSO answers the same without a
 * system call (arch/x86/entry/vdso/vgetcpu.c).
 */
SYSCALL_DEFINE3(getcpu, unsigned int __user *, cpup, unsigned int __user *, nodep, void __user *,
		unused)
{
	unsigned int cpu = smp_processor_id();

	if (cpup && put_user(cpu, cpup))
		return -EFAULT;
	if (nodep && put_user(0U, nodep))
		return -EFAULT;
	return 0;
}
