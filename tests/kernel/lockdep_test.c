/*
 * Tests of the lock validator (kernel/locking/lockdep.c). The negative
 * tests provoke a report on purpose inside lockdep_expect_report() /
 * lockdep_expect_end() and check its text: the report is captured (the
 * validator stays on and the log stays clean); the positive ones check
 * that correct patterns are not reported.
 *
 * Each test uses its own locks, so its classes and edges cannot meet any
 * other code's.
 */
#include <kestrel/ktest.h>
#include <kestrel/lockdep.h>
#include <kestrel/mutex.h>
#include <kestrel/preempt.h>
#include <kestrel/printk.h>
#include <kestrel/smp.h>
#include <kestrel/rwlock.h>
#include <kestrel/rwsem.h>
#include <kestrel/seqlock.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <asm/apic.h>
#include <asm/irq.h>

#ifdef CONFIG_LOCKDEP	/* a LOCKDEP=n build has nothing to test here */

static bool has(const char *report, const char *what)
{
	return report && strstr(report, what);
}

static DEFINE_SPINLOCK(abba_a);	/* test locks: protect nothing */
static DEFINE_SPINLOCK(abba_b);

KTEST(lockdep, abba_reported_before_deadlock)
{
	const char *r;

	KASSERT(debug_locks);
	/* A then B: records A -> B. */
	spin_lock(&abba_a);
	spin_lock(&abba_b);
	spin_unlock(&abba_b);
	spin_unlock(&abba_a);
	/* B then A in the same thread: no deadlock can happen, but it could on two CPUs. */
	lockdep_expect_report();
	spin_lock(&abba_b);
	spin_lock(&abba_a);
	spin_unlock(&abba_a);
	spin_unlock(&abba_b);
	r = lockdep_expect_end();
	KASSERT(r != NULL);
	KEXPECT(has(r, "WARNING: possible circular locking dependency detected"));
	KEXPECT(has(r, "trying to acquire lock (abba_a)"));
	KEXPECT(has(r, "already holds lock (abba_b)"));
	/* The existing chain A -> B, with where it was made. */
	KEXPECT(has(r, "-> (abba_b) acquired while holding (abba_a)"));
	KEXPECT(has(r, "ktest_lockdep_abba_reported_before_deadlock"));
	KEXPECT(has(r, "*** DEADLOCK ***"));
	KEXPECT(debug_locks);	/* an expected report leaves the validator on */
	KEXPECT_EQ(lockdep_depth(), 0);
}

static DEFINE_SPINLOCK(chain_a);	/* test locks: protect nothing */
static DEFINE_SPINLOCK(chain_b);
static DEFINE_SPINLOCK(chain_c);

KTEST(lockdep, three_lock_cycle)
{
	const char *r;

	spin_lock(&chain_a);
	spin_lock(&chain_b);
	spin_unlock(&chain_b);
	spin_unlock(&chain_a);
	spin_lock(&chain_b);
	spin_lock(&chain_c);
	spin_unlock(&chain_c);
	spin_unlock(&chain_b);
	/* C then A closes A -> B -> C -> A: both existing edges are in the report. */
	lockdep_expect_report();
	spin_lock(&chain_c);
	spin_lock(&chain_a);
	spin_unlock(&chain_a);
	spin_unlock(&chain_c);
	r = lockdep_expect_end();
	KASSERT(r != NULL);
	KEXPECT(has(r, "possible circular locking dependency"));
	KEXPECT(has(r, "-> (chain_b) acquired while holding (chain_a)"));
	KEXPECT(has(r, "-> (chain_c) acquired while holding (chain_b)"));
}

static DEFINE_SPINLOCK(order_a);	/* test locks: protect nothing */
static DEFINE_SPINLOCK(order_b);

KTEST(lockdep, consistent_order_not_reported)
{
	lockdep_expect_report();
	for (int i = 0; i < 3; i++) {
		spin_lock(&order_a);
		spin_lock(&order_b);
		spin_unlock(&order_a);	/* any release order is fine */
		spin_unlock(&order_b);
	}
	KEXPECT(lockdep_expect_end() == NULL);
}

static DEFINE_SPINLOCK(try_a);	/* test locks: protect nothing */
static DEFINE_SPINLOCK(try_b);

KTEST(lockdep, trylock_adds_no_edge)
{
	lockdep_expect_report();
	spin_lock(&try_a);
	KEXPECT(spin_trylock(&try_b));	/* no A -> B edge: a trylock cannot wait */
	spin_unlock(&try_b);
	spin_unlock(&try_a);
	spin_lock(&try_b);
	spin_lock(&try_a);
	spin_unlock(&try_a);
	spin_unlock(&try_b);
	KEXPECT(lockdep_expect_end() == NULL);
}

struct two_locks {
	spinlock_t lock;	/* test lock: protects nothing */
};

KTEST(lockdep, same_class_recursion)
{
	struct two_locks x[2];
	const char *r;

	for (int i = 0; i < 2; i++)
		spin_lock_init(&x[i].lock);	/* one init site: one class */
	/* Nested on purpose with a subclass: fine. */
	lockdep_expect_report();
	spin_lock(&x[0].lock);
	spin_lock_nested(&x[1].lock, 1);
	spin_unlock(&x[1].lock);
	spin_unlock(&x[0].lock);
	KEXPECT(lockdep_expect_end() == NULL);
	/* Without one: two locks of a class nested is a possible self-deadlock. */
	lockdep_expect_report();
	spin_lock(&x[0].lock);
	spin_lock(&x[1].lock);
	spin_unlock(&x[1].lock);
	spin_unlock(&x[0].lock);
	r = lockdep_expect_end();
	KEXPECT(has(r, "WARNING: possible recursive locking detected"));
	KEXPECT(has(r, "x[i].lock"));
}

struct set_class_obj {
	spinlock_t lock;	/* test lock: protects nothing */
};

KTEST(lockdep, set_class)
{
	static struct lock_class_key key_a, key_b;
	struct set_class_obj x, y;
	const char *r;

	/* One init site, but set to different classes: nesting them is fine... */
	for (int i = 0; i < 2; i++)
		spin_lock_init(i ? &y.lock : &x.lock);
	lockdep_set_class(&x.lock, &key_a);
	lockdep_set_class(&y.lock, &key_b);
	lockdep_expect_report();
	spin_lock(&x.lock);
	spin_lock(&y.lock);
	spin_unlock(&y.lock);
	spin_unlock(&x.lock);
	KEXPECT(lockdep_expect_end() == NULL);
	/* ...and their order is checked under the new names. */
	lockdep_expect_report();
	spin_lock(&y.lock);
	spin_lock(&x.lock);
	spin_unlock(&x.lock);
	spin_unlock(&y.lock);
	r = lockdep_expect_end();
	KEXPECT(has(r, "possible circular locking dependency"));
	KEXPECT(has(r, "(&key_a)"));
	KEXPECT(has(r, "(&key_b)"));
}

static DEFINE_RWLOCK(rw_test);	/* test lock: protects nothing */

KTEST(lockdep, rwlock_recursive_read)
{
	lockdep_expect_report();
	read_lock(&rw_test);
	read_lock(&rw_test);	/* readers nest: rwlocks prefer readers */
	KEXPECT_EQ(lockdep_depth(), 2);
	read_unlock(&rw_test);
	read_unlock(&rw_test);
	KEXPECT(lockdep_expect_end() == NULL);
}

static DEFINE_SPINLOCK(assert_lock);	/* test lock: protects nothing */

KTEST(lockdep, assert_held)
{
	const char *r;

	lockdep_expect_report();
	spin_lock(&assert_lock);
	lockdep_assert_held(&assert_lock);
	lockdep_assert_held_write(&assert_lock);
	spin_unlock(&assert_lock);
	lockdep_assert_not_held(&assert_lock);
	KEXPECT(lockdep_expect_end() == NULL);

	lockdep_expect_report();
	lockdep_assert_held(&assert_lock);
	r = lockdep_expect_end();
	KEXPECT(has(r, "WARNING: lock (assert_lock) must be held here"));
	KEXPECT(has(r, "ktest_lockdep_assert_held"));
}

static DEFINE_RWLOCK(assert_rw);	/* test lock: protects nothing */

KTEST(lockdep, assert_held_read_write)
{
	const char *r;

	lockdep_expect_report();
	read_lock(&assert_rw);
	lockdep_assert_held_read(&assert_rw);
	read_unlock(&assert_rw);
	write_lock(&assert_rw);
	lockdep_assert_held_write(&assert_rw);
	write_unlock(&assert_rw);
	KEXPECT(lockdep_expect_end() == NULL);

	lockdep_expect_report();
	read_lock(&assert_rw);
	lockdep_assert_held_write(&assert_rw);
	read_unlock(&assert_rw);
	r = lockdep_expect_end();
	KEXPECT(has(r, "must be held for write"));
}

KTEST(lockdep, bad_unlock)
{
	static struct lockdep_map map = STATIC_LOCKDEP_MAP_INIT("bad_unlock_map");
	const char *r;

	lockdep_expect_report();
	lock_release(&map, _THIS_IP_);
	r = lockdep_expect_end();
	KEXPECT(has(r, "WARNING: bad unlock balance detected!"));
	KEXPECT(has(r, "bad_unlock_map"));
}

/* ---- interrupts ---- */

static DEFINE_SPINLOCK(irq_unsafe_lock);	/* test lock: taken by irq_test_handler */
static DEFINE_SPINLOCK(irq_safe_lock);		/* test lock: taken by irq_test_handler */
static spinlock_t *irq_test_target;		/* the lock the handler takes */
static int irq_test_hits;

static void irq_test_handler(struct pt_regs *regs, void *data)
{
	spin_lock(irq_test_target);
	spin_unlock(irq_test_target);
	WRITE_ONCE(irq_test_hits, irq_test_hits + 1);
	apic_eoi();
}

/* Take target in an interrupt handler (a self-IPI); false if it did not run. */
static bool take_in_irq(spinlock_t *target)
{
	int vector = irq_alloc_vector(irq_test_handler, NULL);
	int before = READ_ONCE(irq_test_hits);

	if (vector < 0)
		return false;
	irq_test_target = target;
	apic_send_ipi_self(vector);
	for (int i = 0; i < 1000 && READ_ONCE(irq_test_hits) == before; i++)
		udelay(10);
	irq_free_handler(vector);
	return READ_ONCE(irq_test_hits) != before;
}

KTEST(lockdep, irq_unsafe_lock_in_interrupt)
{
	const char *r;

	KASSERT(!irqs_disabled());
	spin_lock(&irq_unsafe_lock);	/* interrupts on: irq-unsafe */
	spin_unlock(&irq_unsafe_lock);
	lockdep_expect_report();
	KEXPECT(take_in_irq(&irq_unsafe_lock));
	r = lockdep_expect_end();
	KASSERT(r != NULL);
	KEXPECT(has(r, "WARNING: inconsistent lock state"));
	KEXPECT(has(r, "{HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage"));
	KEXPECT(has(r, "in an interrupt handler"));
	KEXPECT(has(r, "irq_unsafe_lock"));
	KEXPECT(has(r, "ktest_lockdep_irq_unsafe_lock_in_interrupt"));
}

/*
 * lockdep_expect_report()/lockdep_expect_end() take the validator's
 * graph_lock from a task with interrupts on; an interrupt whose handler
 * needs graph_lock (here: lockdep_expect_end() itself; in real life a new
 * class, edge or usage bit, or a report) must not come while the task
 * holds it, or the CPU spins on a lock it holds itself, interrupts off.
 * Another CPU floods this one with interrupts while the test arms and
 * disarms captures in a loop. Without interrupts off around graph_lock
 * this hung the kernel (one run in three of ktest=lockdep.* on a busy host).
 */
static int flood_vector;
static u32 flood_target;		/* APIC id of the CPU running the test */
static int flood_stop;			/* set by the test: the flood ends */
static int flood_sent, flood_hits;
static int flood_done;			/* set by the flooder when it sends no more */

static void flood_handler(struct pt_regs *regs, void *data)
{
	lockdep_expect_end();	/* takes graph_lock: nothing armed, nothing seen */
	WRITE_ONCE(flood_hits, flood_hits + 1);
	apic_eoi();
}

/* Runs on the other CPU (a call-function IPI, interrupts off): at most 2 s. */
static void flood_fn(void *unused)
{
	u64 end = ktime_get_ns() + 2000ULL * 1000 * 1000;

	while (!READ_ONCE(flood_stop) && ktime_get_ns() < end) {
		apic_send_ipi(flood_target, (unsigned int)flood_vector);
		WRITE_ONCE(flood_sent, flood_sent + 1);
		udelay(2);
	}
	WRITE_ONCE(flood_stop, 1);
	smp_store_release(&flood_done, 1);
}

KTEST(lockdep, expect_capture_vs_interrupt)
{
	unsigned int cpu, other;
	int i;

	if (num_online_cpus() < 2) {
		printk(KERN_INFO "    # expect_capture_vs_interrupt: one CPU: skipped\n");
		return;
	}
	flood_vector = irq_alloc_vector(flood_handler, NULL);
	KASSERT(flood_vector >= 0);
	preempt_disable();	/* stay on the flooded CPU */
	cpu = smp_processor_id();
	other = cpu ? 0 : 1;
	flood_target = (u32)apic_cpu_to_id(cpu);
	WRITE_ONCE(flood_stop, 0);
	WRITE_ONCE(flood_sent, 0);
	WRITE_ONCE(flood_hits, 0);
	WRITE_ONCE(flood_done, 0);
	if (smp_call_function_single(other, flood_fn, NULL, false)) {
		preempt_enable();
		irq_free_handler((unsigned int)flood_vector);
		KEXPECT(false);
		return;
	}
	/* The flood must have begun (TCG may start the other CPU late). */
	for (i = 0; i < 2000 && !READ_ONCE(flood_sent); i++)
		udelay(500);
	for (i = 0; i < 20000 && !READ_ONCE(flood_stop); i++) {
		lockdep_expect_report();
		lockdep_expect_end();
		if (i >= 5000 && READ_ONCE(flood_hits) >= 200)
			WRITE_ONCE(flood_stop, 1);
	}
	WRITE_ONCE(flood_stop, 1);
	for (i = 0; i < 3000 && !smp_load_acquire(&flood_done); i++)
		mdelay(1);
	mdelay(1);	/* the last interrupt sent arrives (interrupts are on) */
	preempt_enable();
	KEXPECT(smp_load_acquire(&flood_done));
	irq_free_handler((unsigned int)flood_vector);
	KEXPECT(READ_ONCE(flood_sent) > 0);
	KEXPECT(READ_ONCE(flood_hits) > 0);
}

static DEFINE_SPINLOCK(inv_unsafe);	/* test lock: protects nothing */

KTEST(lockdep, irq_safe_to_unsafe_order)
{
	unsigned long flags;
	const char *r;

	lockdep_expect_report();
	KEXPECT(take_in_irq(&irq_safe_lock));	/* irq-safe */
	spin_lock_irqsave(&irq_safe_lock, flags);	/* correct: irqs off where the handler takes it */
	spin_unlock_irqrestore(&irq_safe_lock, flags);
	spin_lock(&inv_unsafe);			/* irq-unsafe */
	spin_unlock(&inv_unsafe);
	KEXPECT(lockdep_expect_end() == NULL);

	lockdep_expect_report();
	spin_lock_irqsave(&irq_safe_lock, flags);
	spin_lock(&inv_unsafe);			/* safe -> unsafe: an interrupt can deadlock */
	spin_unlock(&inv_unsafe);
	spin_unlock_irqrestore(&irq_safe_lock, flags);
	r = lockdep_expect_end();
	KEXPECT(has(r, "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected"));
	KEXPECT(has(r, "(irq_safe_lock) is taken in interrupt handlers"));
	KEXPECT(has(r, "(inv_unsafe) is taken with interrupts on"));
}

static DEFINE_SEQLOCK(seq_test);	/* test lock: protects nothing */

KTEST(lockdep, seqlock_annotations)
{
	unsigned int seq;

	lockdep_expect_report();
	write_seqlock(&seq_test);
	KEXPECT_EQ(lockdep_depth(), 2);	/* the spinlock and the count */
	write_sequnlock(&seq_test);
	seq = read_seqbegin(&seq_test);
	KEXPECT_EQ(lockdep_depth(), 0);	/* a reader holds nothing */
	KEXPECT(!read_seqretry(&seq_test, seq));
	KEXPECT(lockdep_expect_end() == NULL);
}

KTEST(lockdep, lock_held_on_return_to_user)
{
	static DEFINE_SPINLOCK(user_ret);	/* test lock: protects nothing */
	const char *r;

	lockdep_expect_report();
	lockdep_sys_exit();	/* nothing held: fine */
	KEXPECT(lockdep_expect_end() == NULL);
	lockdep_expect_report();
	spin_lock(&user_ret);
	lockdep_sys_exit();
	spin_unlock(&user_ret);
	r = lockdep_expect_end();
	KEXPECT(has(r, "BUG: lock held when returning to user space!"));
	KEXPECT(has(r, "(user_ret)"));
}

KTEST(lockdep, depth_and_held)
{
	static DEFINE_SPINLOCK(d1);	/* test lock: protects nothing */
	unsigned int base = lockdep_depth();

	KEXPECT(!lock_is_held(&d1.dep_map));
	spin_lock(&d1);
	KEXPECT_EQ(lockdep_depth(), base + 1);
	KEXPECT(lock_is_held(&d1.dep_map));
	spin_unlock(&d1);
	KEXPECT_EQ(lockdep_depth(), base);
}

/* ---------------------------------------------------------------- sleeping locks */

static DEFINE_MUTEX(mutex_a);	/* test locks: protect nothing */
static DEFINE_MUTEX(mutex_b);

KTEST(lockdep, mutex_abba)
{
	const char *r;

	mutex_lock(&mutex_a);
	mutex_lock(&mutex_b);
	mutex_unlock(&mutex_b);
	mutex_unlock(&mutex_a);
	lockdep_expect_report();
	mutex_lock(&mutex_b);
	mutex_lock(&mutex_a);
	mutex_unlock(&mutex_a);
	mutex_unlock(&mutex_b);
	r = lockdep_expect_end();
	KEXPECT(has(r, "possible circular locking dependency detected"));
	KEXPECT(has(r, "(mutex_a)"));
	KEXPECT(has(r, "(mutex_b)"));
}

static DECLARE_RWSEM(rwsem_rec);	/* test lock: protects nothing */
static DECLARE_RWSEM(rwsem_x);		/* test lock: protects nothing */

KTEST(lockdep, rwsem_read_recursion)
{
	const char *r;

	/* A writer queued between two down_read()s would deadlock both: reported. */
	lockdep_expect_report();
	down_read(&rwsem_rec);
	down_read(&rwsem_rec);
	up_read(&rwsem_rec);
	up_read(&rwsem_rec);
	r = lockdep_expect_end();
	KEXPECT(has(r, "possible recursive locking detected"));
	KEXPECT(has(r, "(rwsem_rec)"));
}

KTEST(lockdep, rwsem_read_write_order)
{
	const char *r;

	/* Read A then write X, then X then read A: a cycle even with readers. */
	down_read(&rwsem_rec);
	down_write(&rwsem_x);
	up_write(&rwsem_x);
	up_read(&rwsem_rec);
	lockdep_expect_report();
	down_write(&rwsem_x);
	down_read(&rwsem_rec);
	up_read(&rwsem_rec);
	up_write(&rwsem_x);
	r = lockdep_expect_end();
	KEXPECT(has(r, "possible circular locking dependency detected"));
}

KTEST(lockdep, rwsem_asserts)
{
	const char *r;

	lockdep_expect_report();
	down_write(&rwsem_x);
	lockdep_assert_held_write(&rwsem_x);
	downgrade_write(&rwsem_x);
	lockdep_assert_held_read(&rwsem_x);
	up_read(&rwsem_x);
	lockdep_assert_not_held(&rwsem_x);
	KEXPECT(lockdep_expect_end() == NULL);

	lockdep_expect_report();
	down_read(&rwsem_x);
	lockdep_assert_held_write(&rwsem_x);
	up_read(&rwsem_x);
	r = lockdep_expect_end();
	KEXPECT(has(r, "(rwsem_x) must be held for write"));
}

#endif /* CONFIG_LOCKDEP */
