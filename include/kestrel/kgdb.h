/*
 * kgdb: the kernel's own gdb stub (kernel/debug/, arch/x86/kernel/kgdb.c),
 * for machines without QEMU's: gdb talks the remote serial protocol to it
 * over a serial line (drivers/tty/serial/kgdboc.c). docs/debugging.md,
 * "kgdb", is the guide.
 *
 * The debugger is entered by
 *	- kgdb_breakpoint() (the int3 in it), and kgdbwait at boot;
 *	- a software breakpoint gdb planted (int3), a hardware breakpoint or
 *	  watchpoint (DR0-DR3), the end of a single step (#DB);
 *	- SysRq g on the serial console, Ctrl-C from gdb on kgdboc's line;
 *	- an oops or a panic, once an I/O driver is registered.
 * The CPU that enters becomes the master: it stops every other CPU with
 * an NMI (they wait in kgdb_nmicallback, their registers saved), then
 * talks to gdb until gdb continues, steps or detaches.
 *
 * Everything here runs with interrupts off, other CPUs stopped
 * anywhere (holding any lock): the debugger takes no lock but its own
 * arch spinlocks, allocates nothing, and reads and writes memory only
 * through the exception table (a bad address is an error to gdb).
 */
#ifndef KESTREL_KGDB_H
#define KESTREL_KGDB_H

#include <kestrel/types.h>

struct pt_regs;
struct task_struct;

/* The I/O driver (kgdboc): polled characters, any context, interrupts off. */
struct kgdb_io {
	const char *name;
	int (*read_char)(void);		/* a byte, or -1 if none has come */
	void (*write_char)(u8 c);
	void (*flush)(void);		/* optional: wait until every byte is out */
	void (*pre_exception)(void);	/* optional: the debugger takes the line */
	void (*post_exception)(void);	/* optional: the kernel runs on */
	bool shares_console;		/* the console writes to the same line */
};

/* One driver at a time: 0, or -EBUSY. */
int kgdb_register_io_module(const struct kgdb_io *io);

/* Stop in the debugger here (no-op without an I/O driver). Linux's name. */
void kgdb_breakpoint(void);
/* The same, under the generic name (include/linux/kgdb.h has both). */
static inline void breakpoint(void)
{
	kgdb_breakpoint();
}

/* An I/O driver is registered: entering the debugger has somebody to talk to. */
bool kgdb_enabled(void);
/*
 * The CPU that talks to gdb (-1 when nobody is in the debugger). gdb's
 * helpers (tools/gdb/) read it to know they talk to this stub.
 */
extern int kgdb_active;
/* gdb attached (a packet came) and did not detach: Ctrl-C on a shared line is gdb's. */
extern bool kgdb_connected;

/*
 * Enter the debugger from an exception or interrupt with the interrupted
 * context's registers (which gdb may change): vector is the trap or
 * interrupt vector, signo what gdb is told (SIGTRAP, SIGINT, SIGSEGV...).
 * Returns when gdb continues, steps or detaches. Interrupts off.
 */
void kgdb_handle_exception(int vector, int signo, struct pt_regs *regs);

/* Hooks of arch/x86/kernel/traps.c: true if the debugger took the event. */
bool kgdb_handle_int3(struct pt_regs *regs);
bool kgdb_handle_debug(struct pt_regs *regs, unsigned long dr6);
bool kgdb_nmicallback(struct pt_regs *regs);
/* An oops (traps.c) or panic (kernel/panic.c): the debugger first, if enabled. */
void kgdb_oops(int signo, struct pt_regs *regs);
void kgdb_panic(const char *msg);

/* kgdboc shares ttyS0 and gdb is attached: a Ctrl-C from gdb stops the kernel (sysrq.c). */
bool kgdboc_ctrl_c_breaks(void);

#endif
