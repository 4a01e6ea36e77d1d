/*
 * The lock validator (see include/kestrel/lockdep.h for what it proves).
 *
 * lock_acquire() runs before a lock is taken (so a report comes before a
 * real deadlock can hang the CPU) and does, for the new lock N:
 *  1. find N's class (cached in its lockdep_map);
 *  2. record how the class is used: in a hardirq, or with interrupts on;
 *     a class used both ways is reported (an interrupt can come while the
 *     lock is held and spin on it), and so is a path in the order graph
 *     from an irq-safe class to an irq-unsafe one;
 *  3. unless N is a trylock: if a lock of N's class is already held,
 *     report recursive locking; then for the lock P held just before N
 *     (and the ones under it while those were trylocks) add the edge
 *     P -> N to the order graph, first searching the graph for a path
 *     N -> ... -> P: if there is one, the new edge closes a cycle and the
 *     two chains are reported;
 *  4. push N on the context's held-lock stack.
 * lock_release() pops it (in any order); releasing a lock that is not
 * held is reported.
 *
 * Contexts: each task has its held-lock stack (task_struct.held_locks).
 * A hardirq runs on top of the interrupted task's stack, but
 * its locks are not ordered against the interrupted ones (the interrupt
 * may come at any point: that relation is what the usage states track).
 *
 * Locking and re-entry:
 *  - graph_lock (a raw arch spinlock, invisible to the validator) protects
 *    the class and edge pools, usage bits and traces, and serializes
 *    reports. Lookups of existing classes and edges (the common case) run
 *    without it; see lockdep_graph.h. It is only ever taken with
 *    interrupts off (so never preempted either): an interrupt handler or
 *    the next task on the CPU may need it too.
 *  - The detectors' reports (lockdep_report_context/_task: hard lockup,
 *    hung task, RCU stall...) wait for graph_lock a bounded time only: the
 *    CPU they report on may be the one stuck holding it. If it stays busy
 *    the report is printed without it (not captured, not serialized).
 *  - Every hook runs with interrupts off, and a per-CPU recursion count
 *    makes locks taken by the validator itself (printk's lock, while it
 *    prints a report) invisible to it.
 *  - A held-lock stack is only changed by its own task (and its CPU's
 *    interrupt handlers, which leave it as they found it); others only
 *    read it to print it (sysrq, oops), racily.
 *
 * Reports: the first one switches the validator off (debug_locks = 0;
 * after a bug its state may be inconsistent); lines start with
 * "WARNING:"/"BUG:" and end with a "lockdep:" line, which the test
 * harness counts as a failure (tools/dirty-log). A test that provokes a
 * report on purpose arms lockdep_expect_report(): the next report then
 * goes into a buffer the test checks (the log only gets a one-line
 * "locking: expected report" note), and checking goes on.
 */
#include <stdarg.h>
#include <kestrel/atomic.h>
#include <kestrel/cmdline.h>
#include <kestrel/kallsyms.h>
#include <kestrel/lockdep.h>
#include <kestrel/lockdep_graph.h>
#include <kestrel/percpu.h>
#include <kestrel/preempt.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <asm/extable.h>
#include <asm/processor.h>

#ifdef CONFIG_LOCKDEP

int debug_locks;			/* 1 while checking; a report sets it to 0 */
static bool lockdep_disabled_by_user;	/* lockdep=off on the command line */

static struct lock_graph graph;		/* classes and edges: under graph_lock */
/* protects graph's changes, usage bits, traces, expect_* and serializes reports */
static arch_spinlock_t graph_lock = __ARCH_SPIN_LOCK_UNLOCKED;

/* Per-CPU state, indexed by CPU number; only touched by that CPU with interrupts off. */
static unsigned int recursion[NR_CPUS];		/* > 0 inside the validator */
static struct held_locks cpu_held_locks[NR_CPUS];	/* before the CPU has a task */

/* Report capture for tests (lockdep_expect_report): state under graph_lock. */
static int expect_armed;		/* the next report is expected */
static bool capturing;			/* the report being printed is the expected one */
static char expect_buf[4096];
static size_t expect_len;
static bool expect_seen;

static int lockdep_param(const char *val)
{
	if (!strcmp(val, "off"))
		lockdep_disabled_by_user = true;
	else if (strcmp(val, "on"))
		return -1;
	return 0;
}
KERNEL_PARAM("lockdep", lockdep_param, "on|off: lock validator (off for benchmarks)");

void lockdep_init(void)
{
	lg_init(&graph);
	if (lockdep_disabled_by_user) {
		pr_info("locking: validator disabled on the command line\n");
		return;
	}
	smp_store_release(&debug_locks, 1);
	pr_info("locking: validator on (%d classes, %d dependencies, %u locks deep at most)\n",
		MAX_LOCK_CLASSES, MAX_LOCK_DEPS, MAX_LOCK_DEPTH);
}

/*
 * The current context's held locks: the running task's. An interrupt
 * handler's locks go on top of the interrupted task's (marked hardirq).
 * Before a CPU has a task (an AP early in its bring-up) it uses a stack
 * of its own.
 */
struct held_locks *lockdep_current_held_locks(void)
{
	struct task_struct *t = this_cpu_read(current_task);

	return t ? &t->held_locks : &cpu_held_locks[smp_processor_id()];
}

unsigned int lockdep_depth(void)
{
	return debug_locks ? lockdep_current_held_locks()->depth : 0;
}

static bool in_hardirq_context(void)
{
	return in_irq();
}

/* "comm/pid" of the running task, for reports. */
static const char *current_name(char *buf, size_t size)
{
	struct task_struct *t = this_cpu_read(current_task);

	if (!t)
		snprintf(buf, size, "CPU %u (no task yet)", smp_processor_id());
	else
		snprintf(buf, size, "%s/%d", t->comm, t->pid);
	return buf;
}

/* Enter the validator: false if it is off or already running on this CPU. */
static bool lockdep_enter(void)
{
	if (!READ_ONCE(debug_locks))
		return false;
	if (recursion[smp_processor_id()]++) {
		recursion[smp_processor_id()]--;
		return false;
	}
	return true;
}

static void lockdep_leave(void)
{
	recursion[smp_processor_id()]--;
}

/* ---- call chains ---- */

/*
 * The call chain starting at ip (the return address into the code that
 * called the lock function): the frame-pointer chain above the validator,
 * read with copy_from_kernel_nofault (the stack may be anything).
 */
static void save_trace(struct lock_trace *t, unsigned long ip)
{
	unsigned long rbp = (unsigned long)__builtin_frame_address(0);
	unsigned long frame[2];	/* saved rbp, return address */
	bool found = false;

	t->nr = 0;
	t->entries[t->nr++] = ip;
	for (int walked = 0; walked < 64 && t->nr < LOCK_TRACE_DEPTH; walked++) {
		if (!IS_ALIGNED(rbp, 8) || copy_from_kernel_nofault(frame, (void *)rbp, sizeof(frame)))
			break;
		if (!frame[1])
			break;
		if (found)
			t->entries[t->nr++] = frame[1];
		else if (frame[1] == ip)
			found = true;
		if (frame[0] <= rbp)
			break;	/* callers' frames are above: anything else ends the chain */
		rbp = frame[0];
	}
}

/* ---- reports ---- */

static void capture_append(const char *s, size_t n)
{
	if (expect_len + n + 2 >= sizeof(expect_buf))
		return;
	memcpy(expect_buf + expect_len, s, n);
	expect_len += n;
	expect_buf[expect_len++] = '\n';
	expect_buf[expect_len] = 0;
}

/* One line of a report: to the log, or captured and printed as expected. */
static void rpt(const char *fmt, ...) __printf(1, 2);
static void rpt(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!capturing) {
		printk(KERN_ERR "%s\n", line);
		return;
	}
	capture_append(line, n);
}

static void rpt_trace(const char *indent, const struct lock_trace *t)
{
	char sym[KSYM_NAME_LEN + 48];

	for (unsigned int i = 0; i < t->nr; i++) {
		if (kallsyms_sprint(sym, sizeof(sym), t->entries[i], true))
			rpt("%s%s", indent, sym);
		else
			rpt("%s%016lx", indent, t->entries[i]);
	}
}

/* "name" or "name/subclass". */
static const char *class_name(const struct lock_class *c, char *buf, size_t size)
{
	if (c->subclass)
		snprintf(buf, size, "%s/%u", c->name, c->subclass);
	else
		snprintf(buf, size, "%s", c->name);
	return buf;
}

#define CN(c) class_name((c), (char[96]){ 0 }, 96)

/*
 * Start a report (graph_lock held): kind is "WARNING" or "BUG". Returns
 * false if it must not be printed: the validator already reported once.
 */
static bool report_begin(const char *kind, const char *title)
{
	capturing = false;
	if (expect_armed) {
		expect_armed = 0;
		capturing = true;
		expect_seen = true;
		expect_len = 0;
		expect_buf[0] = 0;
	} else if (!xchg(&debug_locks, 0)) {
		return false;
	}
	if (capturing) {
		/* The buffer gets the real title; the log line must not look like a failure. */
		char line[200];
		int n = scnprintf(line, sizeof(line), "%s: %s", kind, title);

		capture_append(line, n);
		printk(KERN_INFO "locking: expected report (%s): %s\n",
		       strcmp(kind, "BUG") ? "warning" : "bug", title);
	} else {
		rpt("%s", "");
		rpt("%s: %s", kind, title);
	}
	rpt("task %s on CPU %u%s", current_name((char[48]){ 0 }, 48), smp_processor_id(),
	    in_hardirq_context() ? ", in an interrupt handler" : "");
	return true;
}

static void rpt_held_locks(const struct held_locks *h, const char *who)
{
	if (!h->depth) {
		rpt("no locks held by %s.", who);
		return;
	}
	rpt("%u lock%s held by %s:", h->depth, h->depth == 1 ? "" : "s", who);
	for (unsigned int i = 0; i < h->depth; i++) {
		const struct held_lock *hl = &h->stack[i];
		rpt(" #%u: (%s)%s%s%s, at: %pS", i, CN(hl->class),
		    hl->read ? (hl->read == 2 ? " read, recursive" : " read") : "",
		    hl->trylock ? " trylock" : "", hl->hardirq ? " in hardirq" : "", (void *)hl->ip);
	}
}

static void report_end(unsigned long ip)
{
	struct lock_trace t;

	rpt("%s", "");
	rpt_held_locks(lockdep_current_held_locks(), current_name((char[48]){ 0 }, 48));
	rpt("%s", "");
	rpt("%s", "stack backtrace:");
	save_trace(&t, ip);
	rpt_trace("  ", &t);
	if (capturing)
		printk(KERN_INFO "locking: expected report captured (%zu bytes); checking goes on\n",
		       expect_len);
	else
		printk(KERN_ERR "lockdep: turning off the locking correctness validator.\n");
	capturing = false;
}

static void rpt_dep(const struct lock_dep *d)
{
	rpt("-> (%s) acquired while holding (%s), which was taken at %pS:",
	    CN(&graph.classes[d->to]), CN(&graph.classes[d->from]), (void *)d->from_ip);
	rpt_trace("     ", &d->trace);
}

static void rpt_path(struct lock_dep **path, int n)
{
	for (int i = 0; i < n; i++)
		rpt_dep(path[i]);
}

/* Pool or stack exhausted: the validator cannot go on. */
static void report_limit(const char *what, unsigned long ip)
{
	if (!report_begin("BUG", what))
		return;
	rpt("%s", "the validator's fixed-size tables are full: raise the limit in lockdep_graph.h");
	report_end(ip);
}

static struct lock_dep *path_buf[MAX_LOCK_CLASSES];	/* under graph_lock */
static struct lock_dep *path_buf2[MAX_LOCK_CLASSES];	/* under graph_lock */

/* prev -> next would close the cycle next -> ... -> prev (path_buf, n edges). */
static void report_circular(const struct held_lock *prev, struct lock_class *next,
			    int n, unsigned long ip)
{
	struct lock_trace t;

	if (!report_begin("WARNING", "possible circular locking dependency detected"))
		return;
	rpt("this task is trying to acquire lock (%s) at %pS", CN(next), (void *)ip);
	rpt("but already holds lock (%s), taken at %pS,", CN(prev->class), (void *)prev->ip);
	rpt("and (%s) already depends on (%s): the existing chain is", CN(prev->class), CN(next));
	rpt_path(path_buf, n);
	rpt("the new dependency: (%s) acquired while holding (%s), at:", CN(next),
	    CN(prev->class));
	save_trace(&t, ip);
	rpt_trace("     ", &t);
	rpt("%s", "");
	rpt("%s", "possible unsafe locking scenario:");
	rpt("       CPU0                    CPU1");
	rpt("       ----                    ----");
	rpt("  lock(%s);", CN(prev->class));
	rpt("                               lock(%s);", CN(next));
	rpt("                               lock(%s);", CN(prev->class));
	rpt("  lock(%s);", CN(next));
	rpt("%s", " *** DEADLOCK ***");
	report_end(ip);
}

static void report_recursive(const struct held_lock *held, struct lock_class *c,
			     unsigned long ip)
{
	if (!report_begin("WARNING", "possible recursive locking detected"))
		return;
	rpt("this task is trying to acquire lock (%s) at %pS", CN(c), (void *)ip);
	rpt("but already holds a lock of the same class, taken at %pS", (void *)held->ip);
	rpt("%s", "(two locks of one class nested on purpose need a subclass: the *_nested() calls)");
	report_end(ip);
}

static const char *const usage_names[LOCK_USAGE_STATES] = {
	[LOCK_USED_IN_HARDIRQ] = "IN-HARDIRQ-W",
	[LOCK_USED_IN_HARDIRQ_READ] = "IN-HARDIRQ-R",
	[LOCK_ENABLED_HARDIRQ] = "HARDIRQ-ON-W",
	[LOCK_ENABLED_HARDIRQ_READ] = "HARDIRQ-ON-R",
};

/* Usage bits of the same class that conflict with usage bit `bit`. */
static unsigned int usage_conflicts(unsigned int bit)
{
	switch (bit) {
	case LOCK_USED_IN_HARDIRQ:
		return LOCKF_ENABLED_HARDIRQ_ANY;
	case LOCK_USED_IN_HARDIRQ_READ:
		return LOCKF(LOCK_ENABLED_HARDIRQ);
	case LOCK_ENABLED_HARDIRQ:
		return LOCKF_USED_IN_HARDIRQ_ANY;
	default:
		return LOCKF(LOCK_USED_IN_HARDIRQ);
	}
}

static void report_inconsistent(struct lock_class *c, unsigned int new_bit, unsigned int old_bit,
				unsigned long ip)
{
	if (!report_begin("WARNING", "inconsistent lock state"))
		return;
	rpt("inconsistent {%s} -> {%s} usage.", usage_names[old_bit], usage_names[new_bit]);
	rpt("lock (%s) is taken %s at %pS,", CN(c),
	    new_bit <= LOCK_USED_IN_HARDIRQ_READ ? "in an interrupt handler" : "with interrupts on",
	    (void *)ip);
	rpt("but was taken %s before, at:",
	    old_bit <= LOCK_USED_IN_HARDIRQ_READ ? "in an interrupt handler" : "with interrupts on");
	rpt_trace("     ", &c->usage_trace[old_bit]);
	rpt("%s", "an interrupt arriving while the lock is held with interrupts on spins on it");
	rpt("%s", "forever: take it with spin_lock_irqsave() outside interrupts.");
	rpt("%s", "possible unsafe locking scenario:");
	rpt("       CPU0");
	rpt("       ----");
	rpt("  lock(%s);", CN(c));
	rpt("  <Interrupt>");
	rpt("    lock(%s);", CN(c));
	rpt("%s", " *** DEADLOCK ***");
	report_end(ip);
}

static void report_irq_inversion(struct lock_class *safe, int n_safe, struct lock_class *unsafe,
				 int n_unsafe, const char *how, unsigned long ip)
{
	if (!report_begin("WARNING", "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected"))
		return;
	rpt("%s", how);
	rpt("(%s) is taken in interrupt handlers; it was first at:", CN(safe));
	rpt_trace("     ", &safe->usage_trace[safe->usage & LOCKF(LOCK_USED_IN_HARDIRQ) ?
					      LOCK_USED_IN_HARDIRQ : LOCK_USED_IN_HARDIRQ_READ]);
	rpt("(%s) is taken with interrupts on; it was first at:", CN(unsafe));
	rpt_trace("     ", &unsafe->usage_trace[unsafe->usage & LOCKF(LOCK_ENABLED_HARDIRQ) ?
						LOCK_ENABLED_HARDIRQ : LOCK_ENABLED_HARDIRQ_READ]);
	rpt("and the order chain from (%s) to (%s) is:", CN(safe), CN(unsafe));
	rpt_path(path_buf, n_safe);
	rpt_path(path_buf2, n_unsafe);
	rpt("%s", "possible unsafe locking scenario:");
	rpt("       CPU0                    CPU1");
	rpt("       ----                    ----");
	rpt("  lock(%s);", CN(unsafe));
	rpt("                               local_irq_disable();");
	rpt("                               lock(%s);", CN(safe));
	rpt("                               lock(%s);", CN(unsafe));
	rpt("  <Interrupt>");
	rpt("    lock(%s);", CN(safe));
	rpt("%s", " *** DEADLOCK ***");
	report_end(ip);
}

/* ---- classes ---- */

static struct lock_class *map_class(struct lockdep_map *map, unsigned int subclass,
				    unsigned long ip)
{
	struct lock_class *c;
	const void *key;

	if (!subclass && (c = READ_ONCE(map->class_cache)))
		return c;
	if (subclass >= MAX_LOCKDEP_SUBCLASSES) {
		arch_spin_lock(&graph_lock);
		report_limit("lock subclass >= MAX_LOCKDEP_SUBCLASSES", ip);
		arch_spin_unlock(&graph_lock);
		return NULL;
	}
	/* A static lock's map is its own key: map + subclass stays inside the map. */
	key = map->key ? (const void *)&map->key->subkeys[subclass] : (const char *)map + subclass;
	c = lg_class_find(&graph, key);
	if (!c) {
		arch_spin_lock(&graph_lock);
		c = lg_class_get(&graph, key, map->name ? map->name : "(unnamed)", subclass);
		if (!c)
			report_limit("MAX_LOCK_CLASSES too low!", ip);
		arch_spin_unlock(&graph_lock);
	}
	if (c && !subclass)
		WRITE_ONCE(map->class_cache, c);
	return c;
}

void lockdep_init_map(struct lockdep_map *map, const char *name, struct lock_class_key *key)
{
	map->key = key;
	map->name = name;
	map->class_cache = NULL;
}

/* ---- usage states ---- */

static bool is_class_match(const struct lock_class *c, const void *data)
{
	return c == data;
}

static bool has_usage(const struct lock_class *c, const void *mask)
{
	return c->usage & *(const unsigned int *)mask;
}

/* A new usage bit was set on c: look for an irq-safe -> irq-unsafe order through it. */
static void check_usage_deps(struct lock_class *c, unsigned int bit, unsigned long ip)
{
	struct lock_class *other;
	unsigned int mask;
	int n;

	if (bit <= LOCK_USED_IN_HARDIRQ_READ) {
		/* c is now irq-safe: no lock taken after it may be irq-unsafe. */
		mask = LOCKF_ENABLED_HARDIRQ_ANY;
		other = lg_search(&graph, c, true, has_usage, &mask);
		if (other && other != c) {
			n = lg_path(&graph, c, other, true, path_buf, MAX_LOCK_CLASSES);
			report_irq_inversion(c, n, other, 0,
					     "a lock taken after it became irq-safe is irq-unsafe", ip);
		}
	} else {
		/* c is now irq-unsafe: no lock held before it may be irq-safe. */
		mask = LOCKF_USED_IN_HARDIRQ_ANY;
		other = lg_search(&graph, c, false, has_usage, &mask);
		if (other && other != c) {
			n = lg_path(&graph, c, other, false, path_buf, MAX_LOCK_CLASSES);
			report_irq_inversion(other, n, c, 0,
					     "a lock taken before it became irq-safe is irq-unsafe", ip);
		}
	}
}

static void mark_usage(struct held_lock *hl, bool irqs_on, unsigned long ip)
{
	struct lock_class *c = hl->class;
	unsigned int bit, conflicts;

	if (hl->hardirq)
		bit = hl->read ? LOCK_USED_IN_HARDIRQ_READ : LOCK_USED_IN_HARDIRQ;
	else if (irqs_on)
		bit = hl->read ? LOCK_ENABLED_HARDIRQ_READ : LOCK_ENABLED_HARDIRQ;
	else
		return;
	if (READ_ONCE(c->usage) & LOCKF(bit))
		return;
	arch_spin_lock(&graph_lock);
	if (!(c->usage & LOCKF(bit))) {
		save_trace(&c->usage_trace[bit], ip);
		c->usage |= LOCKF(bit);
		conflicts = c->usage & usage_conflicts(bit);
		if (conflicts)
			report_inconsistent(c, bit, (unsigned int)__builtin_ctz(conflicts), ip);
		else
			check_usage_deps(c, bit, ip);
	}
	arch_spin_unlock(&graph_lock);
}

/* ---- dependencies ---- */

/* Add prev -> next unless it exists; reports a cycle or irq inversion instead. */
static bool check_prev_add(const struct held_lock *prev, struct lock_class *next, int read,
			   unsigned long ip)
{
	struct lock_class *safe, *unsafe;
	struct lock_trace trace;
	unsigned int mask;
	bool ok = true;
	int n, n2;

	if (lg_dep_find(&graph, prev->class, next))
		return true;
	arch_spin_lock(&graph_lock);
	if (lg_dep_find(&graph, prev->class, next))
		goto out;
	/* A path next -> ... -> prev plus the new prev -> next is a cycle. */
	if (lg_search(&graph, next, true, is_class_match, prev->class)) {
		n = lg_path(&graph, next, prev->class, true, path_buf, MAX_LOCK_CLASSES);
		report_circular(prev, next, n, ip);
		ok = false;
		goto out;
	}
	/* An irq-safe lock at or before prev, an irq-unsafe one at or after next. */
	mask = LOCKF_USED_IN_HARDIRQ_ANY;
	safe = lg_search(&graph, prev->class, false, has_usage, &mask);
	if (safe) {
		n = lg_path(&graph, prev->class, safe, false, path_buf, MAX_LOCK_CLASSES);
		mask = LOCKF_ENABLED_HARDIRQ_ANY;
		unsafe = lg_search(&graph, next, true, has_usage, &mask);
		if (unsafe) {
			n2 = lg_path(&graph, next, unsafe, true, path_buf2, MAX_LOCK_CLASSES);
			report_irq_inversion(safe, n, unsafe, n2,
					     "a new order edge connects an irq-safe lock to an irq-unsafe one",
					     ip);
			ok = false;
			goto out;
		}
	}
	/* Recursive reads are checked but not recorded (they never wait for readers). */
	if (read == 2)
		goto out;
	save_trace(&trace, ip);
	if (!lg_dep_add(&graph, prev->class, next, prev->ip, &trace)) {
		report_limit("MAX_LOCK_DEPS too low!", ip);
		ok = false;
	}
out:
	arch_spin_unlock(&graph_lock);
	return ok;
}

static bool check_deadlock(struct held_locks *h, struct lock_class *c, int read, unsigned long ip)
{
	for (unsigned int i = 0; i < h->depth; i++) {
		struct held_lock *held = &h->stack[i];
		if (held->class != c)
			continue;
		/* A recursive reader may nest inside a reader of the same lock. */
		if (read == 2 && held->read)
			continue;
		arch_spin_lock(&graph_lock);
		report_recursive(held, c, ip);
		arch_spin_unlock(&graph_lock);
		return false;
	}
	return true;
}

static void check_prevs_add(struct held_locks *h, struct lock_class *next, int read, bool hardirq,
			    unsigned long ip)
{
	for (int i = (int)h->depth - 1; i >= 0; i--) {
		struct held_lock *prev = &h->stack[i];

		if (prev->hardirq != hardirq)
			break;	/* the interrupted context's locks: not ordered against ours */
		if (prev->read != 2 && prev->class != next && !check_prev_add(prev, next, read, ip))
			return;
		/* A trylock added no edge of its own: the lock below it orders too. */
		if (!prev->trylock)
			break;
	}
}

static void __lock_acquire(struct lockdep_map *map, unsigned int subclass, int trylock, int read,
			   unsigned long ip, bool irqs_on)
{
	struct held_locks *h = lockdep_current_held_locks();
	struct lock_class *c = map_class(map, subclass, ip);
	struct held_lock *hl;

	if (!c)
		return;
	if (h->depth >= MAX_LOCK_DEPTH) {
		arch_spin_lock(&graph_lock);
		report_limit("MAX_LOCK_DEPTH too low!", ip);
		arch_spin_unlock(&graph_lock);
		return;
	}
	hl = &h->stack[h->depth];
	*hl = (struct held_lock){
		.map = map,
		.class = c,
		.ip = ip,
		.read = (u8)read,
		.trylock = (u8)!!trylock,
		.hardirq = in_hardirq_context(),
	};
	mark_usage(hl, irqs_on, ip);
	if (!trylock && check_deadlock(h, c, read, ip))
		check_prevs_add(h, c, read, hl->hardirq, ip);
	h->depth++;
}

void lock_acquire(struct lockdep_map *map, unsigned int subclass, int trylock, int read,
		  unsigned long ip)
{
	unsigned long flags = local_irq_save();

	if (lockdep_enter()) {
		__lock_acquire(map, subclass, trylock, read, ip, flags & X86_EFLAGS_IF);
		lockdep_leave();
	}
	local_irq_restore(flags);
}

static void report_bad_unlock(struct lockdep_map *map, unsigned long ip)
{
	arch_spin_lock(&graph_lock);
	if (report_begin("WARNING", "bad unlock balance detected!")) {
		rpt("this task is trying to release lock (%s) at %pS,",
		    map->name ? map->name : "(unnamed)", (void *)ip);
		rpt("%s", "but there are no more locks to release!");
		report_end(ip);
	}
	arch_spin_unlock(&graph_lock);
}

/* The innermost entry for map in h (the last acquired), or -1 if it is not held. */
static int find_held_lock(const struct held_locks *h, const struct lockdep_map *map)
{
	int i;

	for (i = (int)h->depth - 1; i >= 0 && h->stack[i].map != map; i--)
		;
	return i;
}

void lock_release(struct lockdep_map *map, unsigned long ip)
{
	unsigned long flags = local_irq_save();
	struct held_locks *h;
	int i;

	if (!lockdep_enter())
		goto out;
	h = lockdep_current_held_locks();
	i = find_held_lock(h, map);
	if (i < 0) {
		report_bad_unlock(map, ip);
	} else {
		/* Any release order is fine: close the gap. */
		memmove(&h->stack[i], &h->stack[i + 1], (h->depth - i - 1) * sizeof(h->stack[0]));
		h->depth--;
	}
	lockdep_leave();
out:
	local_irq_restore(flags);
}

void lock_downgrade(struct lockdep_map *map, unsigned long ip)
{
	unsigned long flags = local_irq_save();
	struct held_locks *h;
	int i;

	if (!lockdep_enter())
		goto out;
	h = lockdep_current_held_locks();
	i = find_held_lock(h, map);
	if (i < 0)
		report_bad_unlock(map, ip);
	else
		h->stack[i].read = 1;
	lockdep_leave();
out:
	local_irq_restore(flags);
}

bool lock_is_held_type(const struct lockdep_map *map, int read)
{
	unsigned long flags;
	struct held_locks *h;
	bool held = false;

	if (!READ_ONCE(debug_locks))
		return true;	/* no answer: do not make asserts fire */
	flags = local_irq_save();
	h = lockdep_current_held_locks();
	for (unsigned int i = 0; i < h->depth && !held; i++) {
		const struct held_lock *hl = &h->stack[i];
		held = hl->map == map && (read < 0 || (read == 0) == (hl->read == 0));
	}
	local_irq_restore(flags);
	return held;
}

void lockdep_assert_failed(const struct lockdep_map *map, const char *what, unsigned long ip)
{
	char title[160];
	unsigned long flags = local_irq_save();

	if (!lockdep_enter())
		goto out;
	snprintf(title, sizeof(title), "lock (%s) must be %s here",
		 map->name ? map->name : "(unnamed)", what);
	arch_spin_lock(&graph_lock);
	if (report_begin("WARNING", title)) {
		rpt("assertion at %pS", (void *)ip);
		report_end(ip);
	}
	arch_spin_unlock(&graph_lock);
	lockdep_leave();
out:
	local_irq_restore(flags);
}

void lockdep_sys_exit(void)
{
	unsigned long flags = local_irq_save();

	if (!lockdep_enter())
		goto out;
	if (lockdep_current_held_locks()->depth) {
		arch_spin_lock(&graph_lock);
		if (report_begin("BUG", "lock held when returning to user space!"))
			report_end(_RET_IP_);
		arch_spin_unlock(&graph_lock);
	}
	lockdep_leave();
out:
	local_irq_restore(flags);
}

/* How long a detector's report waits for graph_lock before it goes without. */
#define REPORT_LOCK_WAIT_NS (2000ULL * 1000 * 1000)

/*
 * graph_lock for a report that must come out even if the lock is never
 * freed (its holder may be the stuck CPU being reported). False after
 * REPORT_LOCK_WAIT_NS: then the caller prints without it.
 */
static bool graph_lock_bounded(void)
{
	u64 end = ktime_get_ns() + REPORT_LOCK_WAIT_NS;

	while (!arch_spin_trylock(&graph_lock)) {
		if (ktime_get_ns() > end)
			return false;
		cpu_relax();
	}
	return true;
}

/* The start of a report printed without graph_lock: not captured, validator off. */
static void report_unlocked(const char *kind, const char *title)
{
	WRITE_ONCE(debug_locks, 0);
	printk(KERN_ERR "\n%s: %s\n", kind, title);
	printk(KERN_ERR "(the validator's graph lock stayed busy for %llu ms: printed without it)\n",
	       REPORT_LOCK_WAIT_NS / 1000000);
}

void lockdep_report_context(const char *kind, const char *title, const char *detail,
			    unsigned long ip)
{
	unsigned long flags = local_irq_save();

	if (!lockdep_enter())
		goto out;
	if (!graph_lock_bounded()) {
		report_unlocked(kind, title);
		if (detail)
			printk(KERN_ERR "%s\n", detail);
		dump_stack();
		printk(KERN_ERR "lockdep: turning off the locking correctness validator.\n");
		goto leave;
	}
	if (report_begin(kind, title)) {
		if (detail)
			rpt("%s", detail);
		report_end(ip);
	}
	arch_spin_unlock(&graph_lock);
leave:
	lockdep_leave();
out:
	local_irq_restore(flags);
}

void lockdep_report_task(const char *kind, const char *title, struct task_struct *p,
			 const unsigned long *stack, unsigned int n)
{
	char sym[KSYM_NAME_LEN + 48];
	unsigned long flags = local_irq_save();

	if (!lockdep_enter())
		goto out;
	if (!graph_lock_bounded()) {
		report_unlocked(kind, title);
		lockdep_print_held_locks(&p->held_locks, p->comm);
		for (unsigned int i = 0; i < n; i++)
			printk(KERN_ERR "  %pS\n", (void *)stack[i]);
		printk(KERN_ERR "lockdep: turning off the locking correctness validator.\n");
		goto leave;
	}
	if (report_begin(kind, title)) {
		rpt("task %s/%d, state %#lx, last on CPU %u", p->comm, p->pid, (unsigned long)p->state,
		    p->cpu);
		rpt_held_locks(&p->held_locks, p->comm);
		rpt("%s", "its stack:");
		for (unsigned int i = 0; i < n; i++) {
			if (kallsyms_sprint(sym, sizeof(sym), stack[i], true))
				rpt("  %s", sym);
			else
				rpt("  %016lx", stack[i]);
		}
		if (capturing)
			printk(KERN_INFO "locking: expected report captured (%zu bytes); checking goes on\n",
			       expect_len);
		else
			printk(KERN_ERR "lockdep: turning off the locking correctness validator.\n");
		capturing = false;
	}
	arch_spin_unlock(&graph_lock);
leave:
	lockdep_leave();
out:
	local_irq_restore(flags);
}

void lockdep_print_held_locks(const struct held_locks *h, const char *who)
{
	if (!h->depth)
		return;
	printk(KERN_INFO "%u lock%s held by %s:\n", h->depth, h->depth == 1 ? "" : "s", who);
	for (unsigned int i = 0; i < h->depth && i < MAX_LOCK_DEPTH; i++) {
		const struct held_lock *hl = &h->stack[i];
		const struct lock_class *c = READ_ONCE(hl->class);
		printk(KERN_INFO " #%u: (%s)%s, at: %pS\n", i, c ? CN(c) : "?",
		       hl->read ? " read" : "", (void *)hl->ip);
	}
}

/* ---- expected reports (tests) ---- */

/*
 * These run in a test task with interrupts on, but graph_lock is only
 * ever taken with them off: an interrupt here (or the preemption at its
 * end) while this CPU holds graph_lock, or has drawn its ticket for it,
 * keeps it held while this CPU's handler, or whatever task runs next,
 * spins on it with interrupts off (lock_acquire, a report): the CPU
 * hangs, and every other CPU with it as soon as it needs the lock (a new
 * class, edge or usage bit, a report, the hard-lockup watchdog's).
 */
void lockdep_expect_report(void)
{
	unsigned long flags = local_irq_save();

	arch_spin_lock(&graph_lock);
	expect_armed = 1;
	expect_seen = false;
	expect_len = 0;
	expect_buf[0] = 0;
	arch_spin_unlock(&graph_lock);
	local_irq_restore(flags);
}

bool lockdep_expect_captured(void)
{
	return READ_ONCE(expect_seen);
}

const char *lockdep_expect_end(void)
{
	unsigned long flags = local_irq_save();
	bool seen;

	arch_spin_lock(&graph_lock);
	expect_armed = 0;
	seen = expect_seen;
	expect_seen = false;
	arch_spin_unlock(&graph_lock);
	local_irq_restore(flags);
	return seen ? expect_buf : NULL;
}

#endif /* CONFIG_LOCKDEP */
