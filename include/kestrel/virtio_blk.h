/* drivers/block/virtio_blk.c: what tests reach besides the driver model. */
#ifndef KESTREL_VIRTIO_BLK_H
#define KESTREL_VIRTIO_BLK_H

#include <kestrel/genhd.h>

/* Reset a virtio-blk disk as a timeout would (for tests). 0, or -ENODEV if it is not one. */
int virtblk_test_reset(struct gendisk *disk);
/* Resets the disk went through since boot (for tests). */
unsigned long virtblk_resets(struct gendisk *disk);

#endif
