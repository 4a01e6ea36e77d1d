/*
 * Shared by kernel/debug/debug_core.c (entering and leaving the debugger,
 * the CPUs, breakpoints) and kernel/debug/gdbstub.c (the protocol). Not
 * for other subsystems: they use include/kestrel/kgdb.h.
 */
#ifndef KERNEL_DEBUG_CORE_H
#define KERNEL_DEBUG_CORE_H

#include <kestrel/kgdb.h>
#include <kestrel/percpu.h>
#include <asm/kgdb.h>

/*
 * Why the master entered, and what it decided (gdb_serial_stub's result).
 * Only the master touches it.
 */
struct kgdb_state {
	int ex_vector;			/* trap or interrupt vector that entered */
	int signo;			/* what gdb is told */
	int cpu;			/* the master */
	struct pt_regs *linux_regs;	/* its interrupted context */
	unsigned long watch_addr;	/* a watchpoint's address, for the stop reply */
	enum kgdb_bptype watch_type;
	bool watch_hit;
};

/* gdb_serial_stub() results */
#define DBG_CONTINUE 0		/* run on */
#define DBG_STEP 1		/* run one instruction, then back */
#define DBG_DETACH 2		/* gdb is gone: breakpoints removed, run on */

/* Per CPU, while it is in the debugger (written by that CPU, read by the master). */
struct debuggerinfo_struct {
	struct pt_regs *regs;		/* its interrupted context: gdb's registers for its task */
	struct task_struct *task;	/* the task it was running */
	int exception_state;		/* DCPU_* */
	int enter_kgdb;			/* > 0 while inside kgdb_cpu_enter */
	bool roundup_pending;		/* the master sent it the stop NMI */
};
#define DCPU_WANT_MASTER 0x1	/* entered by an exception: will talk to gdb */
#define DCPU_IS_SLAVE 0x4	/* stopped by the master's NMI */

extern struct debuggerinfo_struct kgdb_info[NR_CPUS];
extern const struct kgdb_io *dbg_io_ops;

/* The protocol loop (gdbstub.c): returns DBG_*. */
int gdb_serial_stub(struct kgdb_state *ks);

/* Software breakpoints (debug_core.c): 0 or -errno. */
int dbg_set_sw_break(unsigned long addr);
int dbg_remove_sw_break(unsigned long addr);
void dbg_remove_all_break(void);

/* Memory gdb reads and writes: never faults; 0 or -EFAULT. */
int kgdb_read_mem(void *dst, unsigned long addr, size_t len);
int kgdb_write_mem(unsigned long addr, const void *src, size_t len);

/* Tasks as gdb's threads. */
unsigned long kgdb_task_tid(struct task_struct *p);
struct task_struct *kgdb_tid_task(unsigned long tid);
/* The stopped CPU running p, or -1 if p is switched out. */
int kgdb_task_cpu(struct task_struct *p);

#endif
