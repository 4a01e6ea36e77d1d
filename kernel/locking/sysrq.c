/*
 * SysRq-style keys on the serial console (see include/kestrel/sysrq.h).
 *
 * State: `armed` (a Ctrl-O came, the next byte is a command) belongs to
 * the boot CPU's tick, the only caller of sysrq_poll(); handle_sysrq()
 * itself keeps no state and may run anywhere that may print.
 */
#include <kestrel/lockdep.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/serial.h>
#include <kestrel/sysrq.h>
#include <kestrel/watchdog.h>

static bool armed;

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
	case 'h':
		printk(KERN_INFO "sysrq: Ctrl-O then: t (threads and held locks), w (blocked threads), h (help)\n");
		return true;
	default:
		printk(KERN_INFO "sysrq: unknown key %#x (Ctrl-O h for help)\n", (unsigned char)key);
		return false;
	}
}

bool sysrq_input(u8 c)
{
	if (armed) {
		armed = false;
		handle_sysrq((char)c);
		return true;
	}
	if (c == SYSRQ_PREFIX) {
		armed = true;
		return true;
	}
	return false;
}

void sysrq_poll(void)
{
	int c;

	/* At most a FIFO's worth per tick: never stay long in the interrupt. */
	for (int i = 0; i < 16 && (c = serial_getc()) >= 0; i++)
		sysrq_input((u8)c);
}
