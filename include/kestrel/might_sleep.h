/*
 * might_sleep(): a function that may block says so at its top. If it is
 * called where sleeping is not allowed (preemption disabled, which
 * includes holding a spinlock, or interrupts off, or inside an interrupt
 * handler) the validator reports
 *	BUG: sleeping function called from invalid context at FILE:LINE
 * with the locks held, even when this call happened not to sleep: the
 * next one might, and then the CPU deadlocks or the scheduler breaks.
 * Every blocking primitive (mutex_lock, down_read/down_write,
 * wait_for_completion, msleep ...) starts with it.
 */
#ifndef KESTREL_MIGHT_SLEEP_H
#define KESTREL_MIGHT_SLEEP_H

void __might_sleep(const char *file, int line);

#define might_sleep() __might_sleep(__FILE__, __LINE__)

#endif
