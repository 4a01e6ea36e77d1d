/*
 * Split virtqueues (virtio 1.2, 2.7): three arrays in guest memory.
 *
 *   descriptor table  num x { addr, len, flags, next }: the buffers;
 *                      chains link by next (VRING_DESC_F_NEXT); a
 *                      descriptor with VRING_DESC_F_INDIRECT points at a
 *                      table of descriptors instead of at data
 *   available ring    written by the driver: { flags, idx, ring[num],
 *                      used_event }: heads of chains the device may use
 *   used ring         written by the device: { flags, idx,
 *                      ring[num] of { id, len }, avail_event }: chains it
 *                      finished, with the bytes it wrote
 *
 * Adding a buffer: take descriptors off the free list, fill them, put
 * the head in the available ring, then (after a write barrier) advance
 * avail->idx. The device is told (notified) only when it asked to be:
 * with VIRTIO_RING_F_EVENT_IDX, when avail->idx passes the avail_event
 * it published; otherwise unless it set VRING_USED_F_NO_NOTIFY. Getting
 * a buffer back: compare used->idx with our last_used_idx; each new entry
 * names a chain's head, whose descriptors go back to the free list.
 * Interrupts are asked for the same way (used_event, or
 * VRING_AVAIL_F_NO_INTERRUPT to refuse them).
 *
 * No lock here: the driver holds its own around every call.
 * Little endian (VIRTIO_F_VERSION_1) is x86's, so fields are stored as is.
 */
#include <kestrel/errno.h>
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/virtio.h>
#include "virtio_ring.h"

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_USED_F_NO_NOTIFY 1
#define VRING_AVAIL_F_NO_INTERRUPT 1

struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct vring_avail {
	u16 flags;
	u16 idx;
	u16 ring[];		/* then u16 used_event */
};

struct vring_used_elem {
	u32 id;
	u32 len;
};

struct vring_used {
	u16 flags;
	u16 idx;
	struct vring_used_elem ring[];	/* then u16 avail_event */
};

struct vring_virtqueue {
	struct virtqueue vq;
	unsigned int num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	unsigned int desc_order, avail_order, used_order;	/* page allocation orders */
	bool indirect;			/* VIRTIO_RING_F_INDIRECT_DESC */
	bool event;			/* VIRTIO_RING_F_EVENT_IDX */
	u16 free_head;			/* first free descriptor */
	u16 avail_idx_shadow;		/* our copy of avail->idx */
	u16 avail_flags_shadow;
	u16 last_used_idx;		/* used entries we have taken */
	u16 num_added;			/* added since the last kick_prepare */
	bool (*notify)(struct virtqueue *vq);
	void **data;			/* per head: the caller's token */
	struct vring_desc **indir;	/* per head: its indirect table, or NULL */
};

#define to_vvq(_vq) container_of(_vq, struct vring_virtqueue, vq)

static u16 *used_event(struct vring_virtqueue *vq)
{
	return &vq->avail->ring[vq->num];
}

static u16 *avail_event(struct vring_virtqueue *vq)
{
	return (u16 *)&vq->used->ring[vq->num];
}

/* Whether moving an index from old to new_idx passed event (spec 2.7.10). */
static bool vring_need_event(u16 event, u16 new_idx, u16 old)
{
	return (u16)(new_idx - event - 1) < (u16)(new_idx - old);
}

static void *alloc_ring(size_t size, unsigned int *order)
{
	struct page *page;

	*order = get_order(size);
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, *order);
	return page ? page_address(page) : NULL;
}

static void free_ring(void *p, unsigned int order)
{
	if (p)
		__free_pages(virt_to_page(p), order);
}

void virtqueue_reset_ring(struct virtqueue *vq)
{
	vring_reset(vq);
}

void vring_reset(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	memset(vq->desc, 0, vq->num * sizeof(struct vring_desc));
	memset(vq->avail, 0, sizeof(struct vring_avail) + (vq->num + 1) * sizeof(u16));
	memset(vq->used, 0, sizeof(struct vring_used) +
			    vq->num * sizeof(struct vring_used_elem) + sizeof(u16));
	for (unsigned int i = 0; i < vq->num - 1; i++)
		vq->desc[i].next = i + 1;
	vq->free_head = 0;
	vq->avail_idx_shadow = 0;
	vq->avail_flags_shadow = 0;
	vq->last_used_idx = 0;
	vq->num_added = 0;
	vq->vq.num_free = vq->num;
}

struct virtqueue *vring_create_virtqueue(unsigned int index, unsigned int num,
					 struct virtio_device *vdev, bool indirect, bool event_idx,
					 bool (*notify)(struct virtqueue *vq),
					 vq_callback_t *callback, const char *name)
{
	struct vring_virtqueue *vq;

	if (!num || (num & (num - 1)) || num > 32768)
		return NULL;
	vq = kzalloc(sizeof(*vq), GFP_KERNEL);
	if (!vq)
		return NULL;
	vq->num = num;
	vq->desc = alloc_ring(num * sizeof(struct vring_desc), &vq->desc_order);
	vq->avail = alloc_ring(sizeof(struct vring_avail) + (num + 1) * sizeof(u16),
			       &vq->avail_order);
	vq->used = alloc_ring(sizeof(struct vring_used) + num * sizeof(struct vring_used_elem) +
			      sizeof(u16), &vq->used_order);
	vq->data = kcalloc(num, sizeof(void *), GFP_KERNEL);
	vq->indir = kcalloc(num, sizeof(struct vring_desc *), GFP_KERNEL);
	if (!vq->desc || !vq->avail || !vq->used || !vq->data || !vq->indir) {
		vring_del_virtqueue(&vq->vq);
		return NULL;
	}
	vq->indirect = indirect;
	vq->event = event_idx;
	vq->notify = notify;
	vq->vq.callback = callback;
	vq->vq.name = name;
	vq->vq.vdev = vdev;
	vq->vq.index = index;
	INIT_LIST_HEAD(&vq->vq.list);
	vring_reset(&vq->vq);
	return &vq->vq;
}

void vring_del_virtqueue(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq->indir)
		for (unsigned int i = 0; i < vq->num; i++)
			kfree(vq->indir[i]);
	free_ring(vq->desc, vq->desc_order);
	free_ring(vq->avail, vq->avail_order);
	free_ring(vq->used, vq->used_order);
	kfree(vq->data);
	kfree(vq->indir);
	kfree(vq);
}

phys_addr_t virtqueue_get_desc_addr(struct virtqueue *vq)
{
	return __pa(to_vvq(vq)->desc);
}

phys_addr_t virtqueue_get_avail_addr(struct virtqueue *vq)
{
	return __pa(to_vvq(vq)->avail);
}

phys_addr_t virtqueue_get_used_addr(struct virtqueue *vq)
{
	return __pa(to_vvq(vq)->used);
}

unsigned int virtqueue_get_vring_size(const struct virtqueue *vq)
{
	return container_of(vq, struct vring_virtqueue, vq)->num;
}

/* ---------------------------------------------------------------- adding */

static void fill_desc(struct vring_desc *d, const struct scatterlist *sg, bool write)
{
	d->addr = sg_dma_address(sg);
	d->len = sg_dma_len(sg);
	d->flags = write ? VRING_DESC_F_WRITE : 0;
}

int virtqueue_add_sgs(struct virtqueue *_vq, const struct scatterlist *sg, unsigned int out_num,
		      unsigned int in_num, void *data)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	unsigned int total = out_num + in_num, i;
	struct vring_desc *table = NULL;
	u16 head = vq->free_head, idx;

	if (WARN_ON(!total || !data))
		return -EINVAL;
	/* An indirect table takes one ring entry whatever the length (kmalloc: never sleeps). */
	if (vq->indirect && total > 1 && total <= PAGE_SIZE / sizeof(struct vring_desc))
		table = kmalloc(total * sizeof(struct vring_desc), GFP_ATOMIC);
	if (table) {
		if (!vq->vq.num_free) {
			kfree(table);
			return -ENOSPC;
		}
		for (i = 0; i < total; i++) {
			fill_desc(&table[i], &sg[i], i >= out_num);
			if (i + 1 < total) {
				table[i].flags |= VRING_DESC_F_NEXT;
				table[i].next = i + 1;
			}
		}
		vq->desc[head].addr = __pa(table);
		vq->desc[head].len = total * sizeof(struct vring_desc);
		vq->desc[head].flags = VRING_DESC_F_INDIRECT;
		vq->free_head = vq->desc[head].next;
		vq->vq.num_free--;
	} else {
		u16 d = head, last = head;

		if (vq->vq.num_free < total)
			return -ENOSPC;
		for (i = 0; i < total; i++) {
			fill_desc(&vq->desc[d], &sg[i], i >= out_num);
			if (i + 1 < total)
				vq->desc[d].flags |= VRING_DESC_F_NEXT;
			last = d;
			d = vq->desc[d].next;
		}
		vq->free_head = vq->desc[last].next;
		vq->vq.num_free -= total;
	}
	vq->data[head] = data;
	vq->indir[head] = table;
	idx = vq->avail_idx_shadow & (vq->num - 1);
	vq->avail->ring[idx] = head;
	/* The descriptors and ring entry before the index the device reads. */
	smp_wmb();
	vq->avail_idx_shadow++;
	WRITE_ONCE(vq->avail->idx, vq->avail_idx_shadow);
	vq->num_added++;
	return 0;
}

bool virtqueue_kick_prepare(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	u16 new_idx = vq->avail_idx_shadow, old = new_idx - vq->num_added;

	/* Our avail->idx must be visible before we read what the device asked. */
	smp_mb();
	vq->num_added = 0;
	if (vq->event)
		return vring_need_event(READ_ONCE(*avail_event(vq)), new_idx, old);
	return !(READ_ONCE(vq->used->flags) & VRING_USED_F_NO_NOTIFY);
}

void virtqueue_notify(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	vq->notify(_vq);
}

/* ---------------------------------------------------------------- getting back */

static void detach_buf(struct vring_virtqueue *vq, u16 head)
{
	u16 d = head;
	unsigned int n = 1;

	vq->data[head] = NULL;
	if (vq->indir[head]) {
		kfree(vq->indir[head]);
		vq->indir[head] = NULL;
	} else {
		while (vq->desc[d].flags & VRING_DESC_F_NEXT) {
			d = vq->desc[d].next;
			n++;
		}
	}
	vq->desc[d].next = vq->free_head;
	vq->free_head = head;
	vq->vq.num_free += n;
}

bool virtqueue_more_used(const struct virtqueue *_vq)
{
	const struct vring_virtqueue *vq = container_of(_vq, struct vring_virtqueue, vq);

	return vq->last_used_idx != READ_ONCE(vq->used->idx);
}

void *virtqueue_get_buf(struct virtqueue *_vq, unsigned int *len)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	struct vring_used_elem e;
	void *data;

	if (!virtqueue_more_used(_vq))
		return NULL;
	/* The entry after the index that announced it. */
	smp_rmb();
	e = vq->used->ring[vq->last_used_idx & (vq->num - 1)];
	if (e.id >= vq->num || !vq->data[e.id]) {
		pr_err("virtio %s: queue %s: the device returned descriptor %u, not in use\n",
		       vq->vq.vdev->name, vq->vq.name, e.id);
		vq->last_used_idx++;
		return NULL;
	}
	data = vq->data[e.id];
	detach_buf(vq, e.id);
	vq->last_used_idx++;
	if (len)
		*len = e.len;
	/* Interrupt us for the next one (while interrupts are wanted). */
	if (vq->event && !(vq->avail_flags_shadow & VRING_AVAIL_F_NO_INTERRUPT))
		WRITE_ONCE(*used_event(vq), vq->last_used_idx);
	return data;
}

void virtqueue_disable_cb(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	vq->avail_flags_shadow |= VRING_AVAIL_F_NO_INTERRUPT;
	if (!vq->event)
		WRITE_ONCE(vq->avail->flags, vq->avail_flags_shadow);
}

bool virtqueue_enable_cb(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	vq->avail_flags_shadow &= ~VRING_AVAIL_F_NO_INTERRUPT;
	if (vq->event)
		WRITE_ONCE(*used_event(vq), vq->last_used_idx);
	else
		WRITE_ONCE(vq->avail->flags, vq->avail_flags_shadow);
	/* Published before we look: a buffer returned meanwhile either interrupts or is seen. */
	smp_mb();
	return !virtqueue_more_used(_vq);
}

void *virtqueue_detach_unused_buf(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	for (unsigned int i = 0; i < vq->num; i++) {
		void *data = vq->data[i];

		if (data) {
			detach_buf(vq, i);
			return data;
		}
	}
	return NULL;
}

irqreturn_t vring_interrupt(int irq, void *_vq)
{
	struct virtqueue *vq = _vq;

	if (!virtqueue_more_used(vq))
		return IRQ_NONE;
	if (vq->callback)
		vq->callback(vq);
	return IRQ_HANDLED;
}
