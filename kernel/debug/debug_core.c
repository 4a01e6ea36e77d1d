/*
 * kgdb's core: entering and leaving the debugger, stopping and releasing
 * the other CPUs, software breakpoints, memory access that cannot fault,
 * tasks as gdb's threads (include/kestrel/kgdb.h; the protocol is
 * gdbstub.c, the machine arch/x86/kernel/kgdb.c).
 *
 * Entering. A CPU that takes a debug event (int3, #DB, an oops, kgdboc's
 * interrupt) calls kgdb_cpu_enter() wanting to be the master: it takes
 * dbg_master_lock (spinning, interrupts off, while another CPU is the
 * master: it counts as stopped meanwhile, and becomes the master after),
 * takes dbg_slave_lock and sends every other CPU an NMI; each enters
 * kgdb_cpu_enter() from its NMI handler as a slave and spins until the
 * slave lock is free again. When every online CPU is in (or after two
 * seconds: a CPU stuck with NMIs blocked is left alone), the master
 * removes its software breakpoints from the text (gdb sees the real
 * code) and talks to gdb.
 *
 * Leaving. Continue: the master plants the breakpoints again, lets the
 * watchdogs forget the stop, frees the slave lock and waits until every
 * slave has left. Single step: the slaves stay where they are; the
 * master runs one instruction and comes back through #DB, skipping the
 * round-up. Each CPU loads the hardware breakpoints into its debug
 * registers on its way out (and clears DR7 on its way in).
 *
 * Locking: dbg_master_lock and dbg_slave_lock are bare arch spinlocks
 * (no validator: any CPU may be stopped inside the validator). Everything
 * else here is written by the master only, while every other CPU is
 * stopped, or by a CPU about its own kgdb_info[] entry:
 *	[M] the master, others stopped    [o] the CPU itself    [a] atomic
 */
#include <kestrel/atomic.h>
#include <kestrel/errno.h>
#include <kestrel/kgdb.h>
#include <kestrel/pid.h>
#include <kestrel/printk.h>
#include <kestrel/rcupdate.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/smp.h>
#include <kestrel/spinlock.h>
#include <kestrel/time.h>
#include <kestrel/vm.h>
#include <kestrel/watchdog.h>
#include <asm/extable.h>
#include <asm/irq_vectors.h>
#include <asm/kgdb.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/smap.h>
#include <asm/text-patching.h>
#include "debug_core.h"

struct debuggerinfo_struct kgdb_info[NR_CPUS];	/* [o] each CPU its own entry */
const struct kgdb_io *dbg_io_ops;		/* [c] once registered */
int kgdb_active = -1;				/* [a] the master CPU, or -1 */
bool kgdb_connected;				/* [M] gdb attached and did not detach */

static arch_spinlock_t dbg_master_lock = __ARCH_SPIN_LOCK_UNLOCKED;	/* held by the master */
static arch_spinlock_t dbg_slave_lock = __ARCH_SPIN_LOCK_UNLOCKED;	/* held while slaves must stay */
static atomic_t masters_in_kgdb = ATOMIC_INIT(0);	/* [a] CPUs in, wanting to be master */
static atomic_t slaves_in_kgdb = ATOMIC_INIT(0);	/* [a] CPUs in as slaves */
static bool kgdb_single_step;				/* [M] the master runs one instruction */
static int kgdb_step_cpu = -1;				/* [a] which CPU, or -1 */
static bool kgdb_oops_entered;				/* [M] an oops stopped here: panic need not */

#define ROUNDUP_WAIT_MS 2000	/* TCG may not run a virtual CPU for a while */

bool kgdb_enabled(void)
{
	return READ_ONCE(dbg_io_ops) != NULL;
}

int kgdb_register_io_module(const struct kgdb_io *io)
{
	int err = text_poke_init();

	if (err)
		return err;
	if (cmpxchg(&dbg_io_ops, NULL, io) != NULL)
		return -EBUSY;
	pr_info("kgdb: registered I/O driver %s\n", io->name);
	return 0;
}

bool kgdb_stepping_cpu_is(unsigned int cpu)
{
	return READ_ONCE(kgdb_step_cpu) == (int)cpu;
}

/* ---------------------------------------------------------------- memory */

int kgdb_read_mem(void *dst, unsigned long addr, size_t len)
{
	long err;

	stac();		/* a user address of the current task is fine too */
	err = copy_from_kernel_nofault(dst, (const void *)addr, len);
	clac();
	return err ? -EFAULT : 0;
}

/* Read-only memory (text, rodata) is written through text_poke's alias. */
int kgdb_write_mem(unsigned long addr, const void *src, size_t len)
{
	long err;

	stac();
	err = copy_to_kernel_nofault((void *)addr, src, len);
	clac();
	if (!err)
		return 0;
	if (addr < TASK_SIZE_LIMIT)
		return -EFAULT;
	return text_poke((void *)addr, src, len) ? -EFAULT : 0;
}

/* ---------------------------------------------------------------- software breakpoints */

#define KGDB_MAX_BREAKPOINTS 64

enum kgdb_bpstate {
	BP_UNDEFINED = 0,
	BP_REMOVED,	/* gdb removed it: a CPU that hit it before is sent back (kgdb_handle_int3) */
	BP_SET,		/* wanted: planted when the kernel runs */
	BP_ACTIVE,	/* the int3 is in the text now */
};

static struct kgdb_bkpt {
	unsigned long addr;
	u8 saved;		/* the byte the int3 replaced */
	enum kgdb_bpstate state;
} kgdb_break[KGDB_MAX_BREAKPOINTS];	/* [M]; the int3 handler reads it racily */

static struct kgdb_bkpt *find_break(unsigned long addr)
{
	for (int i = 0; i < KGDB_MAX_BREAKPOINTS; i++)
		if (kgdb_break[i].state != BP_UNDEFINED && kgdb_break[i].addr == addr)
			return &kgdb_break[i];
	return NULL;
}

bool kgdb_is_sw_break(unsigned long addr)
{
	struct kgdb_bkpt *b = find_break(addr);

	return b && (b->state == BP_SET || b->state == BP_ACTIVE);
}

static bool kgdb_is_removed_break(unsigned long addr)
{
	struct kgdb_bkpt *b = find_break(addr);

	return b && b->state == BP_REMOVED;
}

int dbg_set_sw_break(unsigned long addr)
{
	struct kgdb_bkpt *b = find_break(addr);
	u8 byte;

	if (b && (b->state == BP_SET || b->state == BP_ACTIVE))
		return -EEXIST;
	/* The address must be kernel text we can read and patch. */
	if (addr < TASK_SIZE_LIMIT || kgdb_read_mem(&byte, addr, 1) ||
	    kernel_virt_to_phys(addr) == (phys_addr_t)-1)
		return -EFAULT;
	if (!b) {
		for (int i = 0; i < KGDB_MAX_BREAKPOINTS && !b; i++)
			if (kgdb_break[i].state == BP_UNDEFINED)
				b = &kgdb_break[i];
		for (int i = 0; i < KGDB_MAX_BREAKPOINTS && !b; i++)
			if (kgdb_break[i].state == BP_REMOVED)
				b = &kgdb_break[i];
		if (!b)
			return -ENOSPC;
	}
	b->addr = addr;
	b->state = BP_SET;
	return 0;
}

int dbg_remove_sw_break(unsigned long addr)
{
	struct kgdb_bkpt *b = find_break(addr);

	if (!b || b->state == BP_REMOVED)
		return -ENOENT;
	b->state = BP_REMOVED;
	return 0;
}

void dbg_remove_all_break(void)
{
	for (int i = 0; i < KGDB_MAX_BREAKPOINTS; i++)
		if (kgdb_break[i].state == BP_SET)
			kgdb_break[i].state = BP_REMOVED;
	kgdb_arch_remove_all_hw_break();
}

/* Plant every wanted breakpoint (leaving the debugger). */
static void dbg_activate_sw_breakpoints(void)
{
	for (int i = 0; i < KGDB_MAX_BREAKPOINTS; i++) {
		struct kgdb_bkpt *b = &kgdb_break[i];

		if (b->state != BP_SET)
			continue;
		if (kgdb_arch_set_breakpoint(b->addr, &b->saved) == 0)
			b->state = BP_ACTIVE;
		else
			b->state = BP_REMOVED;	/* unpatchable now: gdb learns it at the next stop */
	}
}

/* Take every planted int3 out of the text (entering the debugger). */
static void dbg_deactivate_sw_breakpoints(void)
{
	for (int i = 0; i < KGDB_MAX_BREAKPOINTS; i++) {
		struct kgdb_bkpt *b = &kgdb_break[i];

		if (b->state != BP_ACTIVE)
			continue;
		kgdb_arch_remove_breakpoint(b->addr, b->saved);
		b->state = BP_SET;
	}
}

/* ---------------------------------------------------------------- tasks as threads */

unsigned long kgdb_task_tid(struct task_struct *p)
{
	/* Every idle task has pid 0: gdb needs a distinct, non-zero id for each. */
	return p->pid > 0 ? (unsigned long)p->pid : PID_MAX_DEFAULT + task_cpu(p);
}

struct task_struct *kgdb_tid_task(unsigned long tid)
{
	struct task_struct *p;

	/* No tasklist_lock: every CPU is stopped, one of them maybe holding it. */
	for_each_task(p)
		if (kgdb_task_tid(p) == tid)
			return p;
	return NULL;
}

int kgdb_task_cpu(struct task_struct *p)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		if (READ_ONCE(kgdb_info[cpu].enter_kgdb) && kgdb_info[cpu].task == p &&
		    kgdb_info[cpu].regs)
			return cpu;
	return -1;
}

/* ---------------------------------------------------------------- entering and leaving */

/* The whole machine was stopped: the lockup, stall and hung-task clocks restart. */
static void dbg_touch_watchdogs(void)
{
	watchdog_touch_all();
	rcu_cpu_stall_reset();
	hung_task_touch_all();
}

static void kgdb_roundup_cpus(int me)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		if ((int)cpu == me || READ_ONCE(kgdb_info[cpu].enter_kgdb))
			continue;
		WRITE_ONCE(kgdb_info[cpu].roundup_pending, true);
		kgdb_roundup_cpu(cpu);
	}
	for (int ms = 0; ms < ROUNDUP_WAIT_MS; ms++) {
		if ((unsigned int)(atomic_read(&masters_in_kgdb) + atomic_read(&slaves_in_kgdb)) >=
		    num_online_cpus())
			return;
		mdelay(1);
	}
}

/* A slave: wait until the master frees the slave lock. */
static void kgdb_slave_wait(void)
{
	while (arch_spin_is_locked(&dbg_slave_lock))
		cpu_relax();
}

static void kgdb_leave_cpu(int cpu, atomic_t *count)
{
	kgdb_arch_correct_hw_break();
	kgdb_info[cpu].regs = NULL;
	kgdb_info[cpu].task = NULL;
	kgdb_info[cpu].exception_state = 0;
	smp_mb__before_atomic();
	WRITE_ONCE(kgdb_info[cpu].enter_kgdb, kgdb_info[cpu].enter_kgdb - 1);
	atomic_dec(count);
}

static bool kgdb_int3_gone(struct pt_regs *regs)
{
	unsigned long addr = regs->rip - BREAK_INSTR_SIZE;

	if (addr == kgdb_breakpoint_addr || kgdb_is_sw_break(addr))
		return false;
	/* gdb removed it while this CPU waited for the debugger: run the real instruction. */
	regs->rip = addr;
	return true;
}

static void kgdb_cpu_enter(struct kgdb_state *ks, struct pt_regs *regs, int state)
{
	int cpu = smp_processor_id();
	unsigned long flags = local_irq_save();
	int ret;

	kgdb_info[cpu].regs = regs;
	kgdb_info[cpu].task = current;
	kgdb_info[cpu].exception_state = state;
	WRITE_ONCE(kgdb_info[cpu].roundup_pending, false);
	WRITE_ONCE(kgdb_info[cpu].enter_kgdb, kgdb_info[cpu].enter_kgdb + 1);
	kgdb_arch_disable_hw_break();
	if (state == DCPU_IS_SLAVE) {
		atomic_inc(&slaves_in_kgdb);
		kgdb_slave_wait();
		kgdb_leave_cpu(cpu, &slaves_in_kgdb);
		local_irq_restore(flags);
		return;
	}

	atomic_inc(&masters_in_kgdb);
	for (;;) {
		int stepper = READ_ONCE(kgdb_step_cpu);

		/* While the master steps one instruction, nobody else takes over. */
		if ((stepper < 0 || stepper == cpu) && arch_spin_trylock(&dbg_master_lock))
			break;
		cpu_relax();
	}
	WRITE_ONCE(kgdb_active, cpu);

	if (ks->ex_vector == X86_TRAP_BP && kgdb_int3_gone(regs)) {
		/* Its breakpoint went away while it waited: nothing to report. */
		WRITE_ONCE(kgdb_active, -1);
		arch_spin_unlock(&dbg_master_lock);
		kgdb_leave_cpu(cpu, &masters_in_kgdb);
		local_irq_restore(flags);
		return;
	}

	if (!kgdb_single_step) {
		arch_spin_lock(&dbg_slave_lock);
		kgdb_roundup_cpus(cpu);
	}
	kgdb_single_step = false;
	WRITE_ONCE(kgdb_step_cpu, -1);
	dbg_deactivate_sw_breakpoints();
	if (dbg_io_ops->pre_exception)
		dbg_io_ops->pre_exception();

	ks->cpu = cpu;
	ks->linux_regs = regs;
	ret = gdb_serial_stub(ks);

	if (ret == DBG_DETACH) {
		dbg_remove_all_break();
		kgdb_connected = false;
	}
	if (ret == DBG_STEP) {
		kgdb_single_step = true;
		WRITE_ONCE(kgdb_step_cpu, cpu);
		kgdb_arch_arm_step(regs);
	}
	kgdb_arch_prepare_resume(regs);
	dbg_activate_sw_breakpoints();
	if (dbg_io_ops->flush)
		dbg_io_ops->flush();
	if (dbg_io_ops->post_exception)
		dbg_io_ops->post_exception();
	dbg_touch_watchdogs();

	kgdb_leave_cpu(cpu, &masters_in_kgdb);
	WRITE_ONCE(kgdb_active, -1);
	arch_spin_unlock(&dbg_master_lock);
	if (!kgdb_single_step) {
		arch_spin_unlock(&dbg_slave_lock);
		while (atomic_read(&slaves_in_kgdb))
			cpu_relax();
	}
	local_irq_restore(flags);
}

void kgdb_handle_exception(int vector, int signo, struct pt_regs *regs)
{
	struct kgdb_state ks = { .ex_vector = vector, .signo = signo };

	if (!kgdb_enabled())
		return;
	kgdb_cpu_enter(&ks, regs, DCPU_WANT_MASTER);
}

void kgdb_handle_watchpoint(struct pt_regs *regs, unsigned long addr, enum kgdb_bptype type)
{
	struct kgdb_state ks = { .ex_vector = X86_TRAP_DB, .signo = SIGTRAP, .watch_hit = true,
				 .watch_addr = addr, .watch_type = type };

	if (!kgdb_enabled())
		return;
	kgdb_cpu_enter(&ks, regs, DCPU_WANT_MASTER);
}

bool kgdb_nmicallback(struct pt_regs *regs)
{
	int cpu = smp_processor_id();
	struct kgdb_state ks = { .ex_vector = X86_TRAP_NMI, .signo = SIGTRAP };

	if (!kgdb_enabled())
		return false;
	if (READ_ONCE(kgdb_info[cpu].enter_kgdb))
		return true;	/* in already (waiting to be master): nothing more to do */
	if (!READ_ONCE(kgdb_info[cpu].roundup_pending))
		return false;	/* somebody else's NMI */
	WRITE_ONCE(kgdb_info[cpu].roundup_pending, false);
	if (READ_ONCE(kgdb_active) < 0 && !arch_spin_is_locked(&dbg_slave_lock))
		return true;	/* the stop ended before our NMI came: swallow it */
	kgdb_cpu_enter(&ks, regs, DCPU_IS_SLAVE);
	return true;
}

bool kgdb_handle_int3(struct pt_regs *regs)
{
	unsigned long addr = regs->rip - BREAK_INSTR_SIZE;

	if (!kgdb_enabled())
		return false;
	if (addr != kgdb_breakpoint_addr && !kgdb_is_sw_break(addr)) {
		if (!kgdb_is_removed_break(addr))
			return false;	/* not ours: traps.c's own handling (a stray int3) */
		/* Hit just before gdb removed it (this CPU was held meanwhile): run the real byte. */
		regs->rip = addr;
		return true;
	}
	kgdb_handle_exception(X86_TRAP_BP, SIGTRAP, regs);
	return true;
}

/*
 * The int3 kgdb_breakpoint() stops at; kgdb_breakpoint_addr holds its
 * address (a data word, not a text symbol, so backtraces still say
 * kgdb_breakpoint+off).
 */
__noinline __noclone void kgdb_breakpoint(void)
{
	if (!kgdb_enabled())
		return;
	__asm__ volatile("1:	int3\n"
			 "	.pushsection .rodata\n"
			 "	.balign 8\n"
			 "	.globl kgdb_breakpoint_addr\n"
			 "kgdb_breakpoint_addr:\n"
			 "	.quad 1b\n"
			 "	.popsection\n" ::: "memory");
}

void kgdb_oops(int signo, struct pt_regs *regs)
{
	if (!kgdb_enabled() || READ_ONCE(kgdb_info[smp_processor_id()].enter_kgdb))
		return;	/* no debugger, or the debugger itself faulted */
	kgdb_oops_entered = true;
	pr_emerg("kgdb: entering the debugger (%s); gdb: target remote on %s\n",
		 kgdb_connected ? "gdb attached" : "waiting for gdb", dbg_io_ops->name);
	kgdb_handle_exception((int)regs->vector, signo, regs);
}

void kgdb_panic(const char *msg)
{
	if (!kgdb_enabled() || kgdb_oops_entered ||
	    READ_ONCE(kgdb_info[smp_processor_id()].enter_kgdb))
		return;
	pr_emerg("kgdb: panic (%s): entering the debugger; gdb: target remote on %s\n", msg,
		 dbg_io_ops->name);
	kgdb_breakpoint();
}
