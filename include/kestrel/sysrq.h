/*
 * SysRq-style debugging keys on the serial console (kernel/locking/sysrq.c).
 *
 * Type Ctrl-O (0x0f) then a key on the serial line:
 *	t	every thread: pid, name, state, CPU, and the locks it holds
 *	w	only the blocked (TASK_UNINTERRUPTIBLE) threads, with their stacks
 *	h	this help
 * The serial port is polled from the boot CPU's tick (no receive
 * interrupt yet), so a key takes effect within a tick; the output is
 * printed from that interrupt. A console driver that reads the serial
 * input itself must pass each byte to sysrq_input() instead.
 */
#ifndef KESTREL_SYSRQ_H
#define KESTREL_SYSRQ_H

#include <kestrel/types.h>

#define SYSRQ_PREFIX 0x0f	/* Ctrl-O */

/* Feed one received byte; true if the SysRq machinery consumed it. */
bool sysrq_input(u8 c);
/* Run the action of key (as if typed after Ctrl-O); false for an unknown key. */
bool handle_sysrq(char key);
/* From the boot CPU's tick: read waiting serial bytes into sysrq_input(). */
void sysrq_poll(void);
/* Every thread with state, CPU and held locks (SysRq t; also on every oops). */
void show_state(void);

#endif
