/*
 * SysRq-style debugging keys on the serial console (drivers/tty/sysrq.c).
 *
 * Type Ctrl-O (0x0f) then a key on the serial line:
 *	t	every thread: pid, name, state, CPU, and the locks it holds
 *	w	only the blocked (TASK_UNINTERRUPTIBLE) threads, with their stacks
 *	g	stop in the kernel's debugger (kgdb, with kgdboc=; docs/debugging.md)
 *	h	this help
 * The serial driver filters every received byte through sysrq_input(),
 * both in its receive interrupt and when the boot CPU's tick drains the
 * UART, so a key works whether or not anybody reads the console, and
 * readers of ttyS0 never see the sequence. The key runs in interrupt
 * context (the receive interrupt or the tick).
 */
#ifndef KESTREL_SYSRQ_H
#define KESTREL_SYSRQ_H

#include <kestrel/types.h>

#define SYSRQ_PREFIX 0x0f	/* Ctrl-O */

/*
 * Feed one received byte (serial driver, under its rx_lock); true if the
 * SysRq machinery kept it. A complete key is only recorded: run it with
 * sysrq_run_pending() once the lock is dropped.
 */
bool sysrq_input(u8 c);
void sysrq_run_pending(void);
/* Run the action of key (as if typed after Ctrl-O); false for an unknown key. */
bool handle_sysrq(char key);
/* From the boot CPU's tick: drain the serial port, run a key that came. */
void sysrq_poll(void);
/* Every thread with state, CPU and held locks (SysRq t; also on every oops). */
void show_state(void);

#endif
