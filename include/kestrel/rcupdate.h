/*
 * RCU (read-copy update): readers that take no lock and never wait, and
 * updaters that wait until no reader can still see what they removed.
 * docs/rcu.md explains it for a first reading; kernel/rcu/rcu.c has the
 * grace-period machinery.
 *
 *	reader:					updater (holding the update-side lock):
 *	rcu_read_lock();			old = rcu_dereference_protected(gp, held);
 *	p = rcu_dereference(gp);		rcu_assign_pointer(gp, new);
 *	if (p) use(p->field);			synchronize_rcu();   // or call_rcu()
 *	rcu_read_unlock();			kfree(old);
 *
 * The guarantee: a reader that began before synchronize_rcu() was called
 * has ended before it returns; a call_rcu() callback runs only after every
 * reader that began before call_rcu() has ended. So after unpublishing an
 * object, waiting one grace period makes it unreachable for all readers.
 *
 * Kestrel's flavour ("RCU-sched"): rcu_read_lock() disables preemption,
 * so a reader runs on one CPU from start to end and cannot be switched
 * out. A read-side critical section must therefore NOT SLEEP (no mutex,
 * no msleep, no wait_event, no GFP_KERNEL allocation that may block):
 * schedule() inside it is reported as "scheduling while atomic", and
 * synchronize_rcu() inside it is reported (and refused: it returns at
 * once, because waiting would deadlock). Any region with preemption or
 * interrupts disabled (a spinlock holder, an interrupt handler) also holds
 * off grace periods, like Linux's rcu_read_lock_sched(). Sections nest.
 *
 * Interrupt handlers may be readers. NMI handlers must not be (an NMI
 * that hits an idle CPU is not seen by the grace-period machinery).
 *
 * call_rcu() callbacks run in the per-CPU kthread "rcuc/N" of the CPU
 * that queued them, in the order queued on that CPU, never in interrupt
 * context; they must not sleep either (so that one slow callback does not
 * hold up the others). Each callback runs exactly once.
 */
#ifndef KESTREL_RCUPDATE_H
#define KESTREL_RCUPDATE_H

#include <kestrel/atomic.h>
#include <kestrel/compiler.h>
#include <kestrel/lockdep.h>
#include <kestrel/percpu.h>
#include <kestrel/preempt.h>

/* Put one in every object freed with call_rcu()/kfree_rcu(). */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
typedef void (*rcu_callback_t)(struct rcu_head *head);

/*
 * Read-side nesting depth of each CPU (kernel/rcu/rcu.c). Exact because a
 * reader cannot migrate; an interrupt handler's reader section is balanced
 * before it returns, so it leaves the interrupted count unchanged.
 */
struct rcu_reader {
	int nesting;
	/*
	 * The running grace period waits for this CPU: the next outermost
	 * rcu_read_unlock() reports the quiescent state at once. Set by the
	 * GP start, cleared by this CPU's report (both under the GP lock).
	 */
	bool need_qs;
} __aligned(64);	/* a cache line each: CPUs' readers do not share lines */
extern struct rcu_reader rcu_readers[NR_CPUS];

static __always_inline void rcu_read_lock(void)
{
	preempt_disable();
	rcu_readers[smp_processor_id()].nesting++;
	barrier();
}

void rcu_read_unlock_underflow(void);
void rcu_read_unlock_special(void);

static __always_inline void rcu_read_unlock(void)
{
	barrier();
	if (unlikely(--rcu_readers[smp_processor_id()].nesting < 0))
		rcu_read_unlock_underflow();
	preempt_enable();
	/*
	 * A CPU running reader after reader would rarely be caught by a tick
	 * between two sections: report right here when a GP waits for us.
	 */
	if (unlikely(READ_ONCE(rcu_readers[smp_processor_id()].need_qs)))
		rcu_read_unlock_special();
}

/* Inside rcu_read_lock()/rcu_read_unlock() on this CPU. */
static __always_inline bool rcu_read_lock_held(void)
{
	return rcu_readers[smp_processor_id()].nesting > 0;
}

/*
 * Anything that holds off grace periods: a reader section, or preemption
 * or interrupts disabled (RCU-sched semantics). What rcu_dereference()
 * accepts.
 */
static __always_inline bool rcu_read_lock_any_held(void)
{
	return preempt_count() != 0 || irqs_disabled() || rcu_read_lock_held();
}

/*
 * Report (once, through the lock validator, so a test run fails on it)
 * an RCU-protected pointer used outside any reader section and without
 * the update-side protection the caller claimed.
 */
void rcu_lockdep_suspicious(const char *file, int line, const char *what);

#ifdef CONFIG_LOCKDEP
#define RCU_LOCKDEP_WARN(c, what)                                        \
	do {                                                             \
		if (debug_locks && unlikely(c))                          \
			rcu_lockdep_suspicious(__FILE__, __LINE__, what); \
	} while (0)
#else
#define RCU_LOCKDEP_WARN(c, what) do { (void)sizeof(c); } while (0)
#endif

/*
 * Load an RCU-protected pointer for dereferencing. READ_ONCE gives one
 * load the compiler cannot repeat or tear; loads through the result
 * depend on it, and every CPU Kestrel runs on (x86: loads are not
 * reordered with older loads) orders dependent loads, so no barrier
 * instruction is needed after it (Alpha would need one).
 */
#define rcu_dereference_raw(p) READ_ONCE(p)

/* c: the caller's other protection, e.g. lockdep_is_held(&lock). */
#define rcu_dereference_check(p, c)                                         \
	({                                                                  \
		RCU_LOCKDEP_WARN(!(c) && !rcu_read_lock_any_held(),         \
				 "suspicious rcu_dereference_check() usage"); \
		rcu_dereference_raw(p);                                     \
	})

#define rcu_dereference(p) rcu_dereference_check(p, 0)

/*
 * The updater's read, with the update-side lock held (c says so): no
 * reader can change the pointer meanwhile, so a plain load is enough.
 */
#define rcu_dereference_protected(p, c)                                       \
	({                                                                    \
		RCU_LOCKDEP_WARN(!(c), "suspicious rcu_dereference_protected() usage"); \
		(p);                                                          \
	})

/* The pointer's value only (compare with NULL, no dereference): no check. */
#define rcu_access_pointer(p) READ_ONCE(p)

/* lockdep_is_held(&lock) for the c argument above (unless lockdep.h has it). */
#ifndef lockdep_is_held
#ifdef CONFIG_LOCKDEP
#define lockdep_is_held(l) lock_is_held(&(l)->dep_map)
#else
#define lockdep_is_held(l) 1
#endif
#endif

/*
 * Publish v in p: every store that initialised *v is ordered before the
 * store of the pointer (release), so a reader that sees the pointer sees
 * the initialised object.
 */
#define rcu_assign_pointer(p, v) smp_store_release(&(p), (v))

/* Store without ordering: NULL, or an object that readers cannot reach yet. */
#define RCU_INIT_POINTER(p, v) WRITE_ONCE(p, v)

/*
 * Wait until every reader that began before the call has ended. Sleeps
 * (never call it in a reader, a spinlock or an interrupt handler). Works
 * from any thread, on any number of CPUs.
 */
void synchronize_rcu(void);

/*
 * Run func(head) after a grace period, in the kthread rcuc/N of this CPU.
 * Any context, interrupt handlers included; never sleeps.
 */
void call_rcu(struct rcu_head *head, rcu_callback_t func);

/*
 * Wait until every callback queued (on any CPU) before the call has run.
 * Sleeps. Needed before freeing the code or data a callback uses.
 */
void rcu_barrier(void);

/*
 * kfree(ptr) after a grace period; field is ptr's struct rcu_head member.
 * The offset of the member travels in place of the callback function
 * (offsets are below 4096, functions are not), as in Linux.
 */
#define KFREE_RCU_MAX_OFFSET 4096
void __kfree_rcu(struct rcu_head *head, unsigned long offset);
#define kfree_rcu(ptr, field)                                                   \
	do {                                                                    \
		BUILD_BUG_ON(offsetof(__typeof__(*(ptr)), field) >= KFREE_RCU_MAX_OFFSET); \
		__kfree_rcu(&(ptr)->field, offsetof(__typeof__(*(ptr)), field)); \
	} while (0)

/*
 * Polling: a cookie naming "a full grace period from now" and whether it
 * has passed. start_poll_synchronize_rcu() also makes sure one starts.
 */
unsigned long get_state_synchronize_rcu(void);
unsigned long start_poll_synchronize_rcu(void);
bool poll_state_synchronize_rcu(unsigned long cookie);

/* ---- hooks for the scheduler, the tick and the interrupt entry ---- */

/* schedule(): this CPU is in a quiescent state (interrupts off). */
void rcu_note_context_switch(void);
/* Idle loop, interrupts off, around the halt: the CPU leaves RCU's sight. */
void rcu_idle_enter(void);
void rcu_idle_exit(void);
/* do_interrupt(): an interrupt makes an idle CPU a possible reader again. */
void rcu_irq_enter(void);
void rcu_irq_exit(void);
/* The tick on every CPU (hardirq): user = it interrupted user mode. */
void rcu_sched_clock_irq(int user);

/* Boot: rcu_init() after sched_init(), rcu_init_late() once all CPUs are up. */
void rcu_init(void);
void rcu_init_late(void);

/*
 * Stall detection: a grace period running longer than this (default 21 s,
 * boot option rcu_stall_timeout=SECONDS, 0 = off) is reported once, as
 *	WARNING: RCU grace period stall
 * naming the CPUs that have not passed a quiescent state (stuck in a
 * reader, or with preemption or interrupts off, for that long).
 */
void rcu_set_stall_timeout_ms(unsigned int ms);
/* The whole machine was stopped (the debugger): the grace period's clock restarts. */
void rcu_cpu_stall_reset(void);
unsigned int rcu_get_stall_timeout_ms(void);

/* For tests and introspection: grace periods completed since boot. */
unsigned long rcu_gp_completed(void);
/* Callbacks queued by call_rcu() on all CPUs whose invocation has not started. */
long rcu_callbacks_pending(void);

#endif
