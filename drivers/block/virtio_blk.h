/* drivers/block/virtio_blk.c's entry points outside the driver model. */
#ifndef DRIVERS_BLOCK_VIRTIO_BLK_H
#define DRIVERS_BLOCK_VIRTIO_BLK_H

#include <kestrel/genhd.h>

/* Reset a virtio-blk disk as a timeout would (for tests). 0, or -ENODEV if it is not one. */
int virtblk_test_reset(struct gendisk *disk);
/* Resets the disk went through since boot (for tests). */
unsigned long virtblk_resets(struct gendisk *disk);

#endif
