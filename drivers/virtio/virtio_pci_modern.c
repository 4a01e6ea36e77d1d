/*
 * virtio over PCI, the 1.x ("modern") interface (virtio 1.2, 4.1).
 *
 * The device describes where its registers are with vendor-specific PCI
 * capabilities, each naming a BAR, an offset and a length:
 *   COMMON  features, status, number of queues, and per queue (after
 *           writing queue_select): size, MSI-X vector, enable, notify
 *           offset, and the physical addresses of its three rings;
 *   NOTIFY  where to write a queue's index to tell the device it has work
 *           (queue_notify_off x notify_off_multiplier);
 *   ISR     read to acknowledge an INTx interrupt (bit 0: a queue, bit 1:
 *           the configuration changed);
 *   DEVICE  the device type's configuration (virtio_blk's capacity...).
 * PCI ids: vendor 1af4, device 1040 + type (modern), or 1000-103f with
 * the type as subsystem id (transitional: QEMU's default, which offers
 * the modern interface too and is driven through it).
 *
 * Interrupts, as Linux: one MSI-X vector for configuration changes and
 * one per queue (aimed at CPU i for queue i, so a queue's completions
 * come back to the CPU that submits on it); else one vector shared by
 * the queues; else the INTx line, shared, read through ISR.
 */
#include <kestrel/errno.h>
#include <kestrel/pci.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/virtio.h>
#include <asm/ioremap.h>
#include "virtio_ring.h"

/* Capability types (4.1.4) */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4

/* Offsets in a virtio_pci_cap */
#define VIRTIO_PCI_CAP_CFG_TYPE 3
#define VIRTIO_PCI_CAP_BAR 4
#define VIRTIO_PCI_CAP_OFFSET 8
#define VIRTIO_PCI_CAP_LENGTH 12
#define VIRTIO_PCI_NOTIFY_CAP_MULT 16

/* struct virtio_pci_common_cfg (4.1.4.3) */
#define VIRTIO_PCI_COMMON_DFSELECT 0x00
#define VIRTIO_PCI_COMMON_DF 0x04
#define VIRTIO_PCI_COMMON_GFSELECT 0x08
#define VIRTIO_PCI_COMMON_GF 0x0c
#define VIRTIO_PCI_COMMON_MSIX 0x10
#define VIRTIO_PCI_COMMON_NUMQ 0x12
#define VIRTIO_PCI_COMMON_STATUS 0x14
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15
#define VIRTIO_PCI_COMMON_Q_SELECT 0x16
#define VIRTIO_PCI_COMMON_Q_SIZE 0x18
#define VIRTIO_PCI_COMMON_Q_MSIX 0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE 0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF 0x1e
#define VIRTIO_PCI_COMMON_Q_DESCLO 0x20
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28
#define VIRTIO_PCI_COMMON_Q_USEDLO 0x30

#define VIRTIO_MSI_NO_VECTOR 0xffff
#define VIRTIO_PCI_ISR_QUEUE 0x1
#define VIRTIO_PCI_ISR_CONFIG 0x2

#define VIRTIO_RESET_TIMEOUT_MS 1000

struct virtio_pci_device {
	struct virtio_device vdev;
	struct pci_dev *pci_dev;
	void __iomem *common;
	void __iomem *isr;
	void __iomem *device;
	size_t device_len;
	void __iomem *notify_base;
	size_t notify_len;
	u32 notify_off_multiplier;
	unsigned int nvqs;		/* queues set up by find_vqs */
	struct virtqueue **vqs;
	void __iomem **notify_addr;	/* per queue */
	char (*vq_names)[24];		/* per queue, for its irq */
	char config_name[24];
	bool msix;			/* MSI-X vectors (else INTx) */
	bool per_vq_vectors;		/* one vector per queue (else one shared) */
};

#define to_vp(v) container_of(v, struct virtio_pci_device, vdev)

/* ---------------------------------------------------------------- registers */

static void __iomem *cfg(struct virtio_pci_device *vp, unsigned int off)
{
	return (u8 __iomem *)vp->common + off;
}

static void write64_twopart(struct virtio_pci_device *vp, unsigned int off, u64 v)
{
	writel((u32)v, cfg(vp, off));
	writel(v >> 32, cfg(vp, off + 4));
}

static u64 vp_get_features(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp(vdev);
	u64 features;

	writel(0, cfg(vp, VIRTIO_PCI_COMMON_DFSELECT));
	features = readl(cfg(vp, VIRTIO_PCI_COMMON_DF));
	writel(1, cfg(vp, VIRTIO_PCI_COMMON_DFSELECT));
	features |= (u64)readl(cfg(vp, VIRTIO_PCI_COMMON_DF)) << 32;
	return features;
}

static int vp_finalize_features(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp(vdev);

	writel(0, cfg(vp, VIRTIO_PCI_COMMON_GFSELECT));
	writel((u32)vdev->features, cfg(vp, VIRTIO_PCI_COMMON_GF));
	writel(1, cfg(vp, VIRTIO_PCI_COMMON_GFSELECT));
	writel(vdev->features >> 32, cfg(vp, VIRTIO_PCI_COMMON_GF));
	return 0;
}

static u8 vp_get_status(struct virtio_device *vdev)
{
	return readb(cfg(to_vp(vdev), VIRTIO_PCI_COMMON_STATUS));
}

static void vp_set_status(struct virtio_device *vdev, u8 status)
{
	writeb(status, cfg(to_vp(vdev), VIRTIO_PCI_COMMON_STATUS));
}

static void vp_reset(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp(vdev);

	writeb(0, cfg(vp, VIRTIO_PCI_COMMON_STATUS));
	/* 4.1.4.3.2: the reset is done when the status reads back 0. */
	for (int i = 0; i < VIRTIO_RESET_TIMEOUT_MS * 10; i++) {
		if (!readb(cfg(vp, VIRTIO_PCI_COMMON_STATUS)))
			return;
		udelay(100);
	}
	dev_printk_virtio(KERN_ERR, vdev, "device did not reset within %d ms\n",
			  VIRTIO_RESET_TIMEOUT_MS);
}

static u32 vp_generation(struct virtio_device *vdev)
{
	return readb(cfg(to_vp(vdev), VIRTIO_PCI_COMMON_CFGGENERATION));
}

static void vp_get(struct virtio_device *vdev, unsigned int offset, void *buf, unsigned int len)
{
	struct virtio_pci_device *vp = to_vp(vdev);
	u8 __iomem *p = (u8 __iomem *)vp->device + offset;
	u8 *out = buf;

	if (!vp->device || offset + len > vp->device_len) {
		memset(buf, 0, len);
		return;
	}
	/* Naturally sized accesses, as the spec asks (4.1.3.1). */
	switch (len) {
	case 1:
		*out = readb(p);
		break;
	case 2: {
		u16 v = readw(p);
		memcpy(buf, &v, 2);
		break;
	}
	case 4: {
		u32 v = readl(p);
		memcpy(buf, &v, 4);
		break;
	}
	case 8: {
		u32 lo = readl(p), hi = readl(p + 4);
		memcpy(out, &lo, 4);
		memcpy(out + 4, &hi, 4);
		break;
	}
	default:
		for (unsigned int i = 0; i < len; i++)
			out[i] = readb(p + i);
	}
}

static const char *vp_bus_name(struct virtio_device *vdev)
{
	return pci_name(to_vp(vdev)->pci_dev);
}

static unsigned int vp_max_vq_vectors(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp(vdev);

	return vp->per_vq_vectors ? vp->nvqs : 1;
}

/* ---------------------------------------------------------------- queues */

static bool vp_notify(struct virtqueue *vq)
{
	struct virtio_pci_device *vp = to_vp(vq->vdev);

	writew(vq->index, vp->notify_addr[vq->index]);
	return true;
}

/* Program queue vq on the device (after find_vqs or a reset) and enable it. */
static int vp_activate_vq(struct virtio_pci_device *vp, struct virtqueue *vq, u16 msix_vec)
{
	u16 off;

	writew(vq->index, cfg(vp, VIRTIO_PCI_COMMON_Q_SELECT));
	writew(virtqueue_get_vring_size(vq), cfg(vp, VIRTIO_PCI_COMMON_Q_SIZE));
	write64_twopart(vp, VIRTIO_PCI_COMMON_Q_DESCLO, virtqueue_get_desc_addr(vq));
	write64_twopart(vp, VIRTIO_PCI_COMMON_Q_AVAILLO, virtqueue_get_avail_addr(vq));
	write64_twopart(vp, VIRTIO_PCI_COMMON_Q_USEDLO, virtqueue_get_used_addr(vq));
	writew(msix_vec, cfg(vp, VIRTIO_PCI_COMMON_Q_MSIX));
	if (msix_vec != VIRTIO_MSI_NO_VECTOR &&
	    readw(cfg(vp, VIRTIO_PCI_COMMON_Q_MSIX)) == VIRTIO_MSI_NO_VECTOR)
		return -EBUSY;	/* the device could not take the vector */
	off = readw(cfg(vp, VIRTIO_PCI_COMMON_Q_NOFF));
	if ((size_t)off * vp->notify_off_multiplier + 2 > vp->notify_len)
		return -EINVAL;
	vp->notify_addr[vq->index] = (u8 __iomem *)vp->notify_base +
				     (size_t)off * vp->notify_off_multiplier;
	writew(1, cfg(vp, VIRTIO_PCI_COMMON_Q_ENABLE));
	return 0;
}

static u16 vq_msix_vector(struct virtio_pci_device *vp, unsigned int i)
{
	if (!vp->msix)
		return VIRTIO_MSI_NO_VECTOR;
	return vp->per_vq_vectors ? i + 1 : 1;
}

static int vp_set_config_vector(struct virtio_pci_device *vp)
{
	if (!vp->msix)
		return 0;
	writew(0, cfg(vp, VIRTIO_PCI_COMMON_MSIX));
	return readw(cfg(vp, VIRTIO_PCI_COMMON_MSIX)) == VIRTIO_MSI_NO_VECTOR ? -EBUSY : 0;
}

static irqreturn_t vp_config_changed(int irq, void *opaque)
{
	struct virtio_pci_device *vp = opaque;

	virtio_config_changed(&vp->vdev);
	return IRQ_HANDLED;
}

/* One vector (or the INTx line) for every queue. */
static irqreturn_t vp_vring_interrupt(int irq, void *opaque)
{
	struct virtio_pci_device *vp = opaque;
	irqreturn_t ret = IRQ_NONE;

	for (unsigned int i = 0; i < vp->nvqs; i++)
		ret |= vring_interrupt(irq, vp->vqs[i]);
	return ret;
}

/* INTx: reading ISR says whether it was us, and clears it. */
static irqreturn_t vp_interrupt(int irq, void *opaque)
{
	struct virtio_pci_device *vp = opaque;
	u8 isr = readb(vp->isr);

	if (!isr)
		return IRQ_NONE;
	if (isr & VIRTIO_PCI_ISR_CONFIG)
		vp_config_changed(irq, vp);
	vp_vring_interrupt(irq, vp);
	return IRQ_HANDLED;
}

static void vp_free_irqs(struct virtio_pci_device *vp, unsigned int nr_vq_irqs)
{
	struct pci_dev *dev = vp->pci_dev;

	if (!vp->msix) {
		free_irq(pci_irq_vector(dev, 0), vp);
	} else {
		free_irq(pci_irq_vector(dev, 0), vp);
		if (vp->per_vq_vectors)
			for (unsigned int i = 0; i < nr_vq_irqs; i++)
				free_irq(pci_irq_vector(dev, i + 1), vp->vqs[i]);
		else if (nr_vq_irqs)
			free_irq(pci_irq_vector(dev, 1), vp);
	}
	pci_free_irq_vectors(dev);
}

/* Vectors: per queue, else shared, else INTx. Requests the irqs. */
static int vp_request_vectors(struct virtio_pci_device *vp, unsigned int nvqs,
			      const struct irq_affinity *desc)
{
	struct irq_affinity affd = { .pre_vectors = 1 };
	struct pci_dev *dev = vp->pci_dev;
	unsigned int i;
	int err;

	(void)desc;
	snprintf(vp->config_name, sizeof(vp->config_name), "%s-config", vp->vdev.name);
	if (pci_alloc_irq_vectors_affinity(dev, nvqs + 1, nvqs + 1, PCI_IRQ_MSIX, &affd) > 0) {
		vp->msix = vp->per_vq_vectors = true;
	} else if (pci_alloc_irq_vectors(dev, 2, 2, PCI_IRQ_MSIX) > 0) {
		vp->msix = true;
	} else {
		err = pci_alloc_irq_vectors(dev, 1, 1, PCI_IRQ_INTX);
		if (err < 0)
			return err;
		snprintf(vp->config_name, sizeof(vp->config_name), "%s", vp->vdev.name);
		return request_irq(pci_irq_vector(dev, 0), vp_interrupt, IRQF_SHARED,
				   vp->config_name, vp);
	}
	err = request_irq(pci_irq_vector(dev, 0), vp_config_changed, 0, vp->config_name, vp);
	if (err)
		goto fail_vectors;
	if (!vp->per_vq_vectors) {
		err = request_irq(pci_irq_vector(dev, 1), vp_vring_interrupt, 0, vp->vdev.name, vp);
		if (err) {
			free_irq(pci_irq_vector(dev, 0), vp);
			goto fail_vectors;
		}
		return 0;
	}
	for (i = 0; i < nvqs; i++) {
		err = request_irq(pci_irq_vector(dev, i + 1), vring_interrupt, 0, vp->vq_names[i],
				  vp->vqs[i]);
		if (err) {
			vp_free_irqs(vp, i);
			return err;
		}
	}
	return 0;
fail_vectors:
	pci_free_irq_vectors(dev);
	return err;
}

static void vp_del_vqs(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp(vdev);

	if (!vp->vqs)
		return;
	vp_reset(vdev);	/* the device forgets the rings before we free them */
	vp_free_irqs(vp, vp->nvqs);
	for (unsigned int i = 0; i < vp->nvqs; i++)
		if (vp->vqs[i])
			vring_del_virtqueue(vp->vqs[i]);
	kfree(vp->vqs);
	kfree(vp->notify_addr);
	kfree(vp->vq_names);
	vp->vqs = NULL;
	vp->nvqs = 0;
	INIT_LIST_HEAD(&vdev->vqs);
}

static int vp_find_vqs(struct virtio_device *vdev, unsigned int nvqs, struct virtqueue *vqs[],
		       vq_callback_t *callbacks[], const char *const names[],
		       const struct irq_affinity *desc)
{
	struct virtio_pci_device *vp = to_vp(vdev);
	unsigned int i, max = readw(cfg(vp, VIRTIO_PCI_COMMON_NUMQ));
	int err = -ENOMEM;

	if (!nvqs || nvqs > max)
		return -ENOENT;
	vp->vqs = kcalloc(nvqs, sizeof(*vp->vqs), GFP_KERNEL);
	vp->notify_addr = kcalloc(nvqs, sizeof(*vp->notify_addr), GFP_KERNEL);
	vp->vq_names = kcalloc(nvqs, sizeof(*vp->vq_names), GFP_KERNEL);
	if (!vp->vqs || !vp->notify_addr || !vp->vq_names)
		goto fail;
	vp->nvqs = nvqs;
	for (i = 0; i < nvqs; i++) {
		u16 num;

		writew(i, cfg(vp, VIRTIO_PCI_COMMON_Q_SELECT));
		num = readw(cfg(vp, VIRTIO_PCI_COMMON_Q_SIZE));
		if (!num || readw(cfg(vp, VIRTIO_PCI_COMMON_Q_ENABLE))) {
			err = -ENOENT;
			goto fail;
		}
		snprintf(vp->vq_names[i], sizeof(vp->vq_names[i]), "%s-%s", vdev->name, names[i]);
		vp->vqs[i] = vring_create_virtqueue(i, min(num, (u16)VIRTQUEUE_MAX_SIZE), vdev,
						    virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC),
						    virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX),
						    vp_notify, callbacks[i], names[i]);
		if (!vp->vqs[i]) {
			err = -ENOMEM;
			goto fail;
		}
		list_add_tail(&vp->vqs[i]->list, &vdev->vqs);
		vqs[i] = vp->vqs[i];
	}
	err = vp_request_vectors(vp, nvqs, desc);
	if (err)
		goto fail;
	err = vp_set_config_vector(vp);
	for (i = 0; !err && i < nvqs; i++)
		err = vp_activate_vq(vp, vp->vqs[i], vq_msix_vector(vp, i));
	if (err) {
		vp_reset(vdev);
		vp_free_irqs(vp, nvqs);
		goto fail;
	}
	return 0;
fail:
	for (i = 0; vp->vqs && i < nvqs; i++)
		if (vp->vqs[i])
			vring_del_virtqueue(vp->vqs[i]);
	kfree(vp->vqs);
	kfree(vp->notify_addr);
	kfree(vp->vq_names);
	vp->vqs = NULL;
	vp->nvqs = 0;
	INIT_LIST_HEAD(&vdev->vqs);
	return err;
}

static int vp_restore_vqs(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp(vdev);
	int err = vp_set_config_vector(vp);

	/* The driver emptied the rings under its locks: only the device's registers are left. */
	for (unsigned int i = 0; !err && i < vp->nvqs; i++)
		err = vp_activate_vq(vp, vp->vqs[i], vq_msix_vector(vp, i));
	return err;
}

static const struct virtio_config_ops virtio_pci_config_ops = {
	.get = vp_get,
	.generation = vp_generation,
	.get_status = vp_get_status,
	.set_status = vp_set_status,
	.reset = vp_reset,
	.find_vqs = vp_find_vqs,
	.del_vqs = vp_del_vqs,
	.restore_vqs = vp_restore_vqs,
	.get_features = vp_get_features,
	.finalize_features = vp_finalize_features,
	.bus_name = vp_bus_name,
	.max_vq_vectors = vp_max_vq_vectors,
};

/* ---------------------------------------------------------------- probing */

/* Map the structure of capability type, minlen bytes at least; NULL if absent. */
static void __iomem *map_capability(struct pci_dev *dev, int type, size_t minlen, size_t *len,
				    u32 *notify_mult)
{
	for (u8 pos = pci_find_capability(dev, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(dev, pos, PCI_CAP_ID_VNDR)) {
		u8 cfg_type, bar;
		u32 offset, length;

		pci_read_config_byte(dev, pos + VIRTIO_PCI_CAP_CFG_TYPE, &cfg_type);
		pci_read_config_byte(dev, pos + VIRTIO_PCI_CAP_BAR, &bar);
		if (cfg_type != type || bar >= PCI_STD_NUM_BARS ||
		    !(pci_resource_flags(dev, bar) & IORESOURCE_MEM) ||
		    (pci_resource_flags(dev, bar) & IORESOURCE_UNSET))
			continue;
		pci_read_config_dword(dev, pos + VIRTIO_PCI_CAP_OFFSET, &offset);
		pci_read_config_dword(dev, pos + VIRTIO_PCI_CAP_LENGTH, &length);
		if (length < minlen || (u64)offset + length > pci_resource_len(dev, bar)) {
			pci_warn(dev, "virtio capability %d does not fit BAR %d\n", type, bar);
			continue;
		}
		if (notify_mult)
			pci_read_config_dword(dev, pos + VIRTIO_PCI_NOTIFY_CAP_MULT, notify_mult);
		*len = length;
		return ioremap(pci_resource_start(dev, bar) + offset, length);
	}
	return NULL;
}

static int virtio_pci_probe(struct pci_dev *dev, const struct pci_device_id *id)
{
	struct virtio_pci_device *vp;
	size_t len;
	int err;

	if (dev->device < 0x1000 || dev->device > 0x107f)
		return -ENODEV;
	err = pci_enable_device(dev);
	if (err)
		return err;
	vp = kzalloc(sizeof(*vp), GFP_KERNEL);
	if (!vp)
		return -ENOMEM;
	vp->pci_dev = dev;
	vp->common = map_capability(dev, VIRTIO_PCI_CAP_COMMON_CFG, 0x38, &len, NULL);
	vp->isr = map_capability(dev, VIRTIO_PCI_CAP_ISR_CFG, 1, &len, NULL);
	vp->notify_base = map_capability(dev, VIRTIO_PCI_CAP_NOTIFY_CFG, 2, &vp->notify_len,
					 &vp->notify_off_multiplier);
	vp->device = map_capability(dev, VIRTIO_PCI_CAP_DEVICE_CFG, 0, &vp->device_len, NULL);
	if (!vp->common || !vp->isr || !vp->notify_base) {
		pci_err(dev, "virtio: no modern (1.x) interface: legacy devices are not supported\n");
		err = -ENODEV;
		goto fail;
	}
	vp->vdev.id.device = dev->device >= 0x1040 ? dev->device - 0x1040 : dev->subsystem_device;
	vp->vdev.id.vendor = dev->subsystem_vendor;
	vp->vdev.config = &virtio_pci_config_ops;
	pci_set_master(dev);
	pci_set_drvdata(dev, vp);
	return register_virtio_device(&vp->vdev);
fail:
	if (vp->common)
		iounmap(vp->common);
	if (vp->isr)
		iounmap(vp->isr);
	if (vp->notify_base)
		iounmap(vp->notify_base);
	if (vp->device)
		iounmap(vp->device);
	kfree(vp);
	pci_disable_device(dev);
	return err;
}

static const struct pci_device_id virtio_pci_id_table[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, PCI_ANY_ID) },
	{ 0 },
};

static struct pci_driver virtio_pci_driver = {
	.name = "virtio-pci",
	.id_table = virtio_pci_id_table,
	.probe = virtio_pci_probe,
};

int virtio_pci_init(void)
{
	return pci_register_driver(&virtio_pci_driver);
}
