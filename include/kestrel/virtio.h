/*
 * virtio (Virtual I/O Device specification 1.2, OASIS): devices a
 * hypervisor (QEMU) offers, and the drivers for them (drivers/virtio/,
 * docs/block.md).
 *
 * A virtio device has feature bits (both sides must agree), a status
 * byte the driver advances (ACKNOWLEDGE, DRIVER, FEATURES_OK,
 * DRIVER_OK), a device-specific configuration space, and virtqueues:
 * rings of buffer descriptors the driver fills and the device consumes
 * and returns. A transport (drivers/virtio/virtio_pci_modern.c: virtio
 * 1.x over PCI) finds the device and gives it to the virtio core
 * (register_virtio_device), which negotiates features and probes the
 * matching virtio_driver (drivers/block/virtio_blk.c).
 *
 * Kestrel drives only virtio 1.x ("modern") devices: VIRTIO_F_VERSION_1
 * is required; QEMU's transitional devices (1af4:1000-103f) offer it
 * alongside their legacy interface, which is not used.
 *
 * Locks used to protect struct members in this file:
 *	[c] constant after the transport set it up (before the driver's probe
 *	    returns; a reset keeps them)
 *	[a] atomic
 *	[v] virtio_devices_lock (drivers/virtio/virtio.c)
 *	[x] the driver's own rule (virtio_blk: the queue's spinlock around
 *	    every ring operation)
 */
#ifndef KESTREL_VIRTIO_H
#define KESTREL_VIRTIO_H

#include <kestrel/blk-mq.h>
#include <kestrel/interrupt.h>
#include <kestrel/list.h>
#include <kestrel/pci.h>
#include <kestrel/printk.h>
#include <kestrel/types.h>

/* Device status bits (spec 2.1) */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1	/* the guest noticed the device */
#define VIRTIO_CONFIG_S_DRIVER 2	/* and has a driver for it */
#define VIRTIO_CONFIG_S_DRIVER_OK 4	/* the driver is ready: the device may work */
#define VIRTIO_CONFIG_S_FEATURES_OK 8	/* feature negotiation done */
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40	/* the device failed and needs a reset */
#define VIRTIO_CONFIG_S_FAILED 0x80	/* the driver gave up */

/* Feature bits every device may have (spec 6) */
#define VIRTIO_RING_F_INDIRECT_DESC 28	/* a descriptor may point to a table of descriptors */
#define VIRTIO_RING_F_EVENT_IDX 29	/* used_event / avail_event suppress notifications */
#define VIRTIO_F_VERSION_1 32		/* virtio 1.x (little-endian, modern layout) */
#define VIRTIO_F_ACCESS_PLATFORM 33

/* Device types (spec 5) */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2

struct virtio_device;
struct virtqueue;

typedef void vq_callback_t(struct virtqueue *);

/*
 * A virtqueue, as drivers see it. The ring operations below need the
 * driver's own lock around them (the ring has none): drivers/block/virtio_blk.c
 * holds its per-queue spinlock.
 */
struct virtqueue {
	struct list_head list;		/* [c] in vdev->vqs */
	vq_callback_t *callback;	/* [c] called from the interrupt when buffers come back */
	const char *name;		/* [c] */
	struct virtio_device *vdev;	/* [c] */
	unsigned int index;		/* [c] the queue number on the device */
	unsigned int num_free;		/* [x] free descriptors */
	void *priv;			/* [c] the transport's */
};

struct virtio_device_id {
	u32 device;			/* VIRTIO_ID_*; 0 ends a table */
	u32 vendor;			/* VIRTIO_DEV_ANY_ID matches all */
};
#define VIRTIO_DEV_ANY_ID 0xffffffffU

/* What a transport does for the core and the drivers. */
struct virtio_config_ops {
	void (*get)(struct virtio_device *vdev, unsigned int offset, void *buf, unsigned int len);
	u32 (*generation)(struct virtio_device *vdev);
	u8 (*get_status)(struct virtio_device *vdev);
	void (*set_status)(struct virtio_device *vdev, u8 status);
	/* Reset the device and wait until it is reset (it forgets queues and features). */
	void (*reset)(struct virtio_device *vdev);
	/*
	 * Set up nvqs queues with their callbacks, each with its own
	 * interrupt vector when the device allows (queue i after pre_vectors
	 * aimed at CPU i, round robin). 0 or -errno.
	 */
	int (*find_vqs)(struct virtio_device *vdev, unsigned int nvqs, struct virtqueue *vqs[],
			vq_callback_t *callbacks[], const char *const names[],
			const struct irq_affinity *desc);
	void (*del_vqs)(struct virtio_device *vdev);
	/* After a reset: the same queues again, empty, on the device (features negotiated again first). */
	int (*restore_vqs)(struct virtio_device *vdev);
	u64 (*get_features)(struct virtio_device *vdev);
	/* Write vdev->features to the device. */
	int (*finalize_features)(struct virtio_device *vdev);
	const char *(*bus_name)(struct virtio_device *vdev);
	/* How many queues the transport has interrupt vectors for (1: they share one). */
	unsigned int (*max_vq_vectors)(struct virtio_device *vdev);
};

/* A virtio device: set up by the transport and the core before the driver's probe. */
struct virtio_device {
	int index;				/* [c] virtio<index> */
	char name[16];				/* [c] "virtio0" */
	struct virtio_device_id id;		/* [c] */
	const struct virtio_config_ops *config;	/* [c] */
	u64 features;				/* [c] negotiated */
	struct list_head vqs;			/* [c] the transport's queues */
	struct virtio_driver *driver;		/* [v] the bound driver */
	void *priv;				/* [x] */
	struct list_head node;			/* [v] in the core's device list */
	bool config_enabled;			/* [a] config-change callbacks on */
};

struct virtio_driver {
	const char *name;
	const struct virtio_device_id *id_table;
	const unsigned int *feature_table;	/* the device features the driver understands */
	unsigned int feature_table_size;
	int (*probe)(struct virtio_device *vdev);
	/* The device changed its configuration (or needs a reset). Interrupt context. */
	void (*config_changed)(struct virtio_device *vdev);
	struct list_head node;
};

static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned int fbit)
{
	return fbit < 64 && (vdev->features & (1ULL << fbit));
}

/* Linux's dev_printk: "virtio_blk virtio0: ..." (the bus name before a driver binds). */
#define dev_printk_virtio(lvl, vdev, fmt, ...)                                   \
	printk(lvl "%s %s: " fmt, (vdev)->driver ? (vdev)->driver->name : "virtio", \
	       (vdev)->name, ##__VA_ARGS__)

/* ---- the core (drivers/virtio/virtio.c) ---- */
int register_virtio_driver(struct virtio_driver *drv);
/* A transport found a device: negotiate and probe a driver for it. */
int register_virtio_device(struct virtio_device *vdev);
/* DRIVER_OK: the driver is ready (after find_vqs, before the first kick). */
void virtio_device_ready(struct virtio_device *vdev);
/*
 * Resetting a working device (a timeout, or the device asked for it):
 * the driver, holding every queue's lock, calls vdev->config->reset(),
 * takes back each queue's buffers (virtqueue_detach_unused_buf) and
 * empties the rings (virtqueue_reset_ring); then, without the locks,
 * virtio_restore() negotiates the same features again and puts the
 * queues back on the device. 0 or -errno (the device is marked FAILED).
 */
int virtio_restore(struct virtio_device *vdev);
/* Called by a transport's interrupt: the configuration changed. */
void virtio_config_changed(struct virtio_device *vdev);

/* Read len bytes of the device's configuration at offset, consistently (generation counter). */
void virtio_cread_bytes(struct virtio_device *vdev, unsigned int offset, void *buf, unsigned int len);
#define virtio_cread(vdev, structname, member, ptr)                                     \
	virtio_cread_bytes((vdev), __builtin_offsetof(structname, member), (ptr),       \
			   sizeof(*(ptr)))
/* virtio_cread only if the feature was negotiated: 0, or -ENOENT. */
#define virtio_cread_feature(vdev, fbit, structname, member, ptr)                       \
	(virtio_has_feature((vdev), (fbit)) ? (virtio_cread(vdev, structname, member, ptr), 0) \
					    : -ENOENT)

/* ---- virtqueues (drivers/virtio/virtio_ring.c) ---- */
/*
 * Expose a buffer to the device: sg[0..out_num) are read by the device,
 * sg[out_num..out_num+in_num) written by it. data comes back from
 * virtqueue_get_buf when the device is done. Uses one indirect table
 * when the ring has VIRTIO_RING_F_INDIRECT_DESC and more than one entry.
 * 0, or -ENOSPC when the ring is full (try again after a completion).
 * (Linux's virtqueue_add_sgs takes lists of scatterlist chains; this
 * takes one flat array.)
 */
int virtqueue_add_sgs(struct virtqueue *vq, const struct scatterlist *sg, unsigned int out_num,
		      unsigned int in_num, void *data);
/* After adding: whether the device must be told (with EVENT_IDX it often need not). */
bool virtqueue_kick_prepare(struct virtqueue *vq);
/* Tell the device (no lock needed). */
void virtqueue_notify(struct virtqueue *vq);
/* The next buffer the device returned, with the bytes it wrote; NULL if none. */
void *virtqueue_get_buf(struct virtqueue *vq, unsigned int *len);
void virtqueue_disable_cb(struct virtqueue *vq);
/* Ask for interrupts again; false if buffers came back meanwhile (get them first). */
bool virtqueue_enable_cb(struct virtqueue *vq);
/* Take back a buffer the device never returned (after a reset); NULL when none is left. */
void *virtqueue_detach_unused_buf(struct virtqueue *vq);
unsigned int virtqueue_get_vring_size(const struct virtqueue *vq);
/* Empty the ring, as a freshly reset device expects (every buffer detached first). */
void virtqueue_reset_ring(struct virtqueue *vq);
/* The interrupt handler of one queue (or of all, for a shared vector). */
irqreturn_t vring_interrupt(int irq, void *vq);
/* Whether the device returned buffers not yet taken. */
bool virtqueue_more_used(const struct virtqueue *vq);

/* Register the virtio PCI transport driver (drivers/base/init.c, at boot). */
int virtio_pci_init(void);

#endif
