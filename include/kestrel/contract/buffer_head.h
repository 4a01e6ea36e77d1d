/*
 * The checked call of buffer_head's ->b_end_io: "called from interrupts
 * ... bh is locked, but that's all warranties we have" (the spec).
 * fs/buffer.c calls it from a bio's completion (the driver's interrupt,
 * or the submitter's context when the bio failed before reaching a
 * device): the buffer must be locked, and the handler runs in a
 * must-not-block section, so one that sleeps is reported wherever it
 * runs. How a rule is checked, and the CONTRACT lines:
 * include/kestrel/contract.h.
 */
#ifndef KESTREL_CONTRACT_BUFFER_HEAD_H
#define KESTREL_CONTRACT_BUFFER_HEAD_H

#include <kestrel/buffer_head.h>
#include <kestrel/contract.h>
#include <kestrel/printk.h>

/* CONTRACT buffer_head.b_end_io | bh lock: yes; called from interrupts | no | vfs_call_b_end_io */
static inline void vfs_call_b_end_io(struct buffer_head *bh, int uptodate)
{
	WARN_ON(!buffer_locked(bh));
	VFS_NOSLEEP_VOID(bh->b_end_io(bh, uptodate));
}

#endif
