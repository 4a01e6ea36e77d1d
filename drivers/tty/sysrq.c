/*
 * SysRq-style keys on the serial console (see include/kestrel/sysrq.h).
 *
 * The serial driver passes every received byte to sysrq_input() under
 * its rx_lock, which therefore protects `armed`; a recognised key is only
 * recorded (pending_key) and run later by sysrq_run_pending(), outside
 * that lock, since printing the thread list takes a while and other
 * locks. handle_sysrq() keeps no state and may run anywhere that may
 * print.
 */
#include <kestrel/atomic.h>
#include <kestrel/kgdb.h>
#include <kestrel/lockdep.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/serial.h>
#include <kestrel/sysrq.h>
#include <kestrel/watchdog.h>

static bool armed;		/* a Ctrl-O came: the next byte is a key (under rx_lock) */
static int pending_key = -1;	/* a key to run, or -1: set under rx_lock, taken by xchg */

void show_state(void)
{
	/* show_tasks() prints each task's held locks too (sched_show_task). */
	show_tasks();
}

static void show_blocked_one(struct task_struct *p, void *unused)
{
	if (READ_ONCE(p->state) == TASK_UNINTERRUPTIBLE && !READ_ONCE(p->on_rq)) {
		unsigned long stack[16];
		unsigned int n = task_stack_trace(p, stack, ARRAY_SIZE(stack));

		sched_show_task(p);
		for (unsigned int i = 0; i < n; i++)
			printk(KERN_INFO "        %pS\n", (void *)stack[i]);
	}
}

bool handle_sysrq(char key)
{
	switch (key) {
	case 't':
		printk(KERN_INFO "sysrq: show state (every thread, its CPU and held locks)\n");
		show_state();
		return true;
	case 'w':
		printk(KERN_INFO "sysrq: show blocked threads\n");
		sched_for_each_task(show_blocked_one, NULL);
		return true;
	case 'g':
		if (!kgdb_enabled()) {
			printk(KERN_INFO "sysrq: no debugger: boot with kgdboc=ttyS0 or kgdboc=ttyS1\n");
			return false;
		}
		printk(KERN_INFO "sysrq: entering the debugger (kgdb)\n");
		kgdb_breakpoint();
		return true;
	case 'h':
		printk(KERN_INFO "sysrq: Ctrl-O then: t (threads and held locks), w (blocked threads), g (the debugger), h (help)\n");
		return true;
	default:
		printk(KERN_INFO "sysrq: unknown key %#x (Ctrl-O h for help)\n", (unsigned char)key);
		return false;
	}
}

bool sysrq_input(u8 c)
{
	if (c == 0x03 && kgdboc_ctrl_c_breaks()) {	/* gdb's Ctrl-C on the shared line */
		WRITE_ONCE(pending_key, 'g');
		return true;
	}
	if (armed) {
		armed = false;
		WRITE_ONCE(pending_key, c);
		return true;
	}
	if (c == SYSRQ_PREFIX) {
		armed = true;
		return true;
	}
	return false;
}

void sysrq_run_pending(void)
{
	int key;

	if (READ_ONCE(pending_key) < 0)
		return;
	key = xchg(&pending_key, -1);
	if (key >= 0)
		handle_sysrq((char)key);
}

void sysrq_poll(void)
{
	serial_poll();
	sysrq_run_pending();
}
