/* drivers/virtio/ internals: the split ring, as transports see it. */
#ifndef DRIVERS_VIRTIO_RING_H
#define DRIVERS_VIRTIO_RING_H

#include <kestrel/virtio.h>

#define VIRTQUEUE_MAX_SIZE 256	/* ring entries Kestrel uses at most (QEMU's default) */

/*
 * A split ring of num entries (a power of two) for queue index, its
 * memory zeroed and page-allocated (physically contiguous, for DMA).
 * indirect/event_idx: the negotiated ring features.
 */
struct virtqueue *vring_create_virtqueue(unsigned int index, unsigned int num,
					 struct virtio_device *vdev, bool indirect, bool event_idx,
					 bool (*notify)(struct virtqueue *vq),
					 vq_callback_t *callback, const char *name);
void vring_del_virtqueue(struct virtqueue *vq);
/* The rings' physical addresses, for the transport's registers. */
phys_addr_t virtqueue_get_desc_addr(struct virtqueue *vq);
phys_addr_t virtqueue_get_avail_addr(struct virtqueue *vq);
phys_addr_t virtqueue_get_used_addr(struct virtqueue *vq);
/* Back to empty, as a freshly reset device expects (every buffer detached first). */
void vring_reset(struct virtqueue *vq);

#endif
