/* drivers/block/virtio_blk.c: what tests reach besides the driver model. */
#ifndef KESTREL_VIRTIO_BLK_H
#define KESTREL_VIRTIO_BLK_H

#include <kestrel/genhd.h>

/* Reset a virtio-blk disk as a timeout would (for tests). 0, or -ENODEV if it is not one. */
int virtblk_test_reset(struct gendisk *disk);
/* Resets the disk went through since boot, and the requests they took back (for tests). */
unsigned long virtblk_resets(struct gendisk *disk, unsigned long *taken_back);
/*
 * Tests: put requests on the rings without notifying the device (hold),
 * so they are certainly still there for a reset to take back. 0 or -ENODEV.
 */
int virtblk_test_hold_notify(struct gendisk *disk, bool hold);

/* Register the virtio-blk driver (drivers/base/init.c, at boot). */
int virtio_blk_init(void);

#endif
