/*
 * The caller's side of the spec's buffer_head section: ->b_end_io is
 * "called from interrupts ... bh is locked, but that's all warranties we
 * have". fs/buffer.c calls it only through this wrapper, from the bio
 * completion (interrupt context, or the submitter's when a bio fails
 * before reaching the device): the buffer must be locked, and the
 * handler runs in a must-not-block section, so one that sleeps is
 * reported wherever it runs.
 */
#ifndef KESTREL_CONTRACT_BUFFER_HEAD_H
#define KESTREL_CONTRACT_BUFFER_HEAD_H

#include <kestrel/buffer_head.h>
#include <kestrel/might_sleep.h>
#include <kestrel/printk.h>

/* CONTRACT buffer_head.b_end_io | bh locked; called from interrupts | no | vfs_call_b_end_io */
static inline void vfs_call_b_end_io(struct buffer_head *bh, int uptodate)
{
	WARN_ON(!buffer_locked(bh));
	nosleep_begin();
	bh->b_end_io(bh, uptodate);
	nosleep_end();
}

#endif
