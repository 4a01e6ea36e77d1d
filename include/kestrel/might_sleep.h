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

#include <kestrel/types.h>

void __might_sleep(const char *file, int line);

#define might_sleep() __might_sleep(__FILE__, __LINE__)

/*
 * A must-not-block section of the running task, for code that must not
 * sleep although preemption is on: e.g. a file system's ->d_compare or
 * ->drop_inode, which the spec says may not block (the wrappers of
 * include/kestrel/contract/ make such calls inside one). might_sleep()
 * inside reports like in atomic context.
 * Sections nest; the count is per task.
 */
void nosleep_begin(void);
void nosleep_end(void);
bool in_nosleep_section(void);

#endif
