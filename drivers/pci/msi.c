/*
 * Message-signalled interrupts (PCI 3.0 chapter 6.8): instead of pulling
 * a shared line, the device writes a message (data) to an address, which
 * on x86 is the local APIC of a CPU: address 0xFEE00000 | APIC id << 12,
 * data the vector (fixed delivery, edge). Each message is its own irq,
 * so nothing is shared and no IOAPIC is involved.
 *
 *  - MSI-X: a table in one of the device's memory BARs, one entry
 *    (address, data, mask bit) per vector, up to 2048. Every entry is
 *    programmed masked; request_irq unmasks it, free_irq masks it again.
 *  - MSI: one address/data pair in the capability. Several MSI vectors
 *    must be consecutive and aligned and all go to one CPU; Linux on x86
 *    without interrupt remapping gives a device one, and so does Kestrel.
 *  - INTx (irq.c) when neither is possible or pci=nomsi was given.
 *
 * The vectors belong to the device's driver: it allocates them in probe
 * and requests and frees their irqs itself.
 */
#include <kestrel/errno.h>
#include <kestrel/irq.h>
#include <kestrel/pci.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/smp.h>
#include <asm/apic.h>
#include <asm/ioremap.h>

#define MSI_ADDRESS_BASE 0xfee00000U
#define MSI_ADDRESS_DEST_SHIFT 12

/* An irq's place in its device: chip_data of MSI/MSI-X irqs. */
struct msi_entry {
	struct pci_dev *dev;
	unsigned int index;		/* the MSI-X table entry */
	void __iomem *entry;		/* MSI-X: the table entry; NULL for MSI */
};

struct pci_irq_vectors {
	unsigned int nr;
	void __iomem *msix_table;	/* mapped table (MSI-X) */
	struct msi_entry *entries;	/* MSI, MSI-X: one per vector */
	int irqs[];			/* irq numbers */
};

static u32 msi_address(unsigned int cpu)
{
	return MSI_ADDRESS_BASE | (u32)apic_cpu_to_id(cpu) << MSI_ADDRESS_DEST_SHIFT;
}

/* ---------------------------------------------------------------- MSI-X */

static void msix_mask(struct irq_desc *desc)
{
	struct msi_entry *e = desc->chip_data;
	u8 __iomem *ctrl = (u8 __iomem *)e->entry + PCI_MSIX_ENTRY_VECTOR_CTRL;

	writel(readl(ctrl) | PCI_MSIX_ENTRY_CTRL_MASKBIT, ctrl);
	readl(ctrl);	/* flush the posted write: masked when we return */
}

static void msix_unmask(struct irq_desc *desc)
{
	struct msi_entry *e = desc->chip_data;
	u8 __iomem *ctrl = (u8 __iomem *)e->entry + PCI_MSIX_ENTRY_VECTOR_CTRL;

	writel(readl(ctrl) & ~PCI_MSIX_ENTRY_CTRL_MASKBIT, ctrl);
}

static int msix_startup(struct irq_desc *desc)
{
	msix_unmask(desc);
	return 0;
}

static const struct irq_chip msix_chip = {
	.name = "PCI-MSIX",
	.irq_startup = msix_startup,
	.irq_shutdown = msix_mask,
	.irq_mask = msix_mask,
	.irq_unmask = msix_unmask,
};

/* ---------------------------------------------------------------- MSI */

static void msi_set_mask(struct irq_desc *desc, bool masked)
{
	struct msi_entry *e = desc->chip_data;
	struct pci_dev *dev = e->dev;
	u16 flags;
	int reg;

	pci_read_config_word(dev, dev->msi_cap + PCI_MSI_FLAGS, &flags);
	if (!(flags & PCI_MSI_FLAGS_MASKBIT))
		return;	/* no per-vector mask: MSI is edge, it cannot storm */
	reg = dev->msi_cap + (flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
	pci_write_config_dword(dev, reg, masked ? 1 : 0);
}

static void msi_mask(struct irq_desc *desc)
{
	msi_set_mask(desc, true);
}

static void msi_unmask(struct irq_desc *desc)
{
	msi_set_mask(desc, false);
}

static int msi_startup(struct irq_desc *desc)
{
	msi_set_mask(desc, false);
	return 0;
}

static const struct irq_chip msi_chip = {
	.name = "PCI-MSI",
	.irq_startup = msi_startup,
	.irq_shutdown = msi_mask,
	.irq_mask = msi_mask,
	.irq_unmask = msi_unmask,
};

/* ---------------------------------------------------------------- allocation */

/* The nth online CPU (round robin), for spreading queue vectors. */
static unsigned int spread_cpu(unsigned int n)
{
	unsigned int online = num_online_cpus(), cpu, i = 0;

	n %= online;
	for_each_online_cpu(cpu)
		if (i++ == n)
			return cpu;
	return 0;
}

static struct pci_irq_vectors *alloc_vectors(unsigned int nr)
{
	struct pci_irq_vectors *v = kzalloc(sizeof(*v) + nr * sizeof(int), GFP_KERNEL);

	if (!v)
		return NULL;
	v->entries = kcalloc(nr, sizeof(*v->entries), GFP_KERNEL);
	if (!v->entries) {
		kfree(v);
		return NULL;
	}
	for (unsigned int i = 0; i < nr; i++)
		v->irqs[i] = -1;
	return v;
}

static void free_vectors(struct pci_irq_vectors *v)
{
	for (unsigned int i = 0; i < v->nr; i++)
		if (v->irqs[i] >= 0)
			irq_free_desc(v->irqs[i]);
	if (v->msix_table)
		iounmap(v->msix_table);
	kfree(v->entries);
	kfree(v);
}

static int msix_capable(struct pci_dev *dev)
{
	u16 flags;

	if (!dev->msix_cap)
		return 0;
	pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, &flags);
	return (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
}

static int setup_msix(struct pci_dev *dev, unsigned int nvec, const struct irq_affinity *affd)
{
	unsigned int pre = affd ? affd->pre_vectors : 0;
	struct pci_irq_vectors *v;
	u32 table;
	u16 ctrl;
	int bir;
	resource_size_t offset;

	pci_read_config_dword(dev, dev->msix_cap + PCI_MSIX_TABLE, &table);
	bir = table & PCI_MSIX_TABLE_BIR;
	offset = table & PCI_MSIX_TABLE_OFFSET;
	if (bir >= PCI_STD_NUM_BARS || !(dev->resource[bir].flags & IORESOURCE_MEM) ||
	    (dev->resource[bir].flags & IORESOURCE_UNSET) ||
	    offset + nvec * PCI_MSIX_ENTRY_SIZE > resource_size(&dev->resource[bir]))
		return -EINVAL;
	v = alloc_vectors(nvec);
	if (!v)
		return -ENOMEM;
	v->nr = nvec;
	v->msix_table = ioremap(dev->resource[bir].start + offset, nvec * PCI_MSIX_ENTRY_SIZE);
	if (!v->msix_table) {
		free_vectors(v);
		return -ENOMEM;
	}
	/* Enabled with every vector masked while the entries are written. */
	pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, &ctrl);
	pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS,
			      ctrl | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	for (unsigned int i = 0; i < nvec; i++) {
		unsigned int cpu = i < pre ? 0 : spread_cpu(i - pre);
		struct msi_entry *e = &v->entries[i];
		u8 __iomem *ent = (u8 __iomem *)v->msix_table + i * PCI_MSIX_ENTRY_SIZE;
		int irq;

		e->dev = dev;
		e->index = i;
		e->entry = ent;
		writel(readl(ent + PCI_MSIX_ENTRY_VECTOR_CTRL) | PCI_MSIX_ENTRY_CTRL_MASKBIT,
		       ent + PCI_MSIX_ENTRY_VECTOR_CTRL);
		irq = irq_alloc_desc(-1, cpu, &msix_chip, e);
		if (irq < 0) {
			pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, ctrl);
			free_vectors(v);
			return irq;
		}
		v->irqs[i] = irq;
		writel(msi_address(cpu), ent + PCI_MSIX_ENTRY_LOWER_ADDR);
		writel(0, ent + PCI_MSIX_ENTRY_UPPER_ADDR);
		writel(irq_to_desc(irq)->vector, ent + PCI_MSIX_ENTRY_DATA);
	}
	pci_intx(dev, false);
	pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS,
			      (ctrl | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
	dev->irqs = v;
	dev->msix_enabled = true;
	return nvec;
}

static int setup_msi(struct pci_dev *dev)
{
	struct pci_irq_vectors *v = alloc_vectors(1);
	u16 flags;
	int irq, cap = dev->msi_cap;

	if (!v)
		return -ENOMEM;
	v->nr = 1;
	v->entries[0].dev = dev;
	pci_read_config_word(dev, cap + PCI_MSI_FLAGS, &flags);
	irq = irq_alloc_desc(-1, 0, &msi_chip, &v->entries[0]);
	if (irq < 0) {
		free_vectors(v);
		return irq;
	}
	v->irqs[0] = irq;
	if (flags & PCI_MSI_FLAGS_MASKBIT)
		pci_write_config_dword(dev, cap + (flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_MASK_64
									: PCI_MSI_MASK_32), 1);
	pci_write_config_dword(dev, cap + PCI_MSI_ADDRESS_LO, msi_address(0));
	if (flags & PCI_MSI_FLAGS_64BIT) {
		pci_write_config_dword(dev, cap + PCI_MSI_ADDRESS_HI, 0);
		pci_write_config_word(dev, cap + PCI_MSI_DATA_64, irq_to_desc(irq)->vector);
	} else {
		pci_write_config_word(dev, cap + PCI_MSI_DATA_32, irq_to_desc(irq)->vector);
	}
	pci_intx(dev, false);
	/* One vector enabled (QSIZE 0), then on. */
	pci_write_config_word(dev, cap + PCI_MSI_FLAGS,
			      (flags & ~PCI_MSI_FLAGS_QSIZE) | PCI_MSI_FLAGS_ENABLE);
	dev->irqs = v;
	dev->msi_enabled = true;
	return 1;
}

static int setup_intx(struct pci_dev *dev)
{
	struct pci_irq_vectors *v;
	int err = pci_setup_intx_irq(dev);

	if (err)
		return err;
	v = alloc_vectors(1);
	if (!v)
		return -ENOMEM;
	v->nr = 1;
	v->irqs[0] = dev->irq;
	/* The GSI's descriptor is shared by every device on the line: never ours to free. */
	dev->irqs = v;
	pci_intx(dev, true);
	return 1;
}

int pci_alloc_irq_vectors_affinity(struct pci_dev *dev, unsigned int min_vecs,
				   unsigned int max_vecs, unsigned int flags,
				   const struct irq_affinity *affd)
{
	int ret = -ENOSPC;

	if (dev->irqs || !min_vecs || max_vecs < min_vecs)
		return -EINVAL;
	if ((flags & PCI_IRQ_MSIX) && !pci_msi_disabled()) {
		int n = msix_capable(dev);

		if (n >= (int)min_vecs) {
			ret = setup_msix(dev, min((unsigned int)n, max_vecs), affd);
			if (ret > 0)
				return ret;
		}
	}
	if ((flags & PCI_IRQ_MSI) && !pci_msi_disabled() && dev->msi_cap && min_vecs == 1) {
		ret = setup_msi(dev);
		if (ret > 0)
			return ret;
	}
	if ((flags & PCI_IRQ_INTX) && min_vecs == 1) {
		ret = setup_intx(dev);
		if (ret > 0)
			return ret;
	}
	return ret;
}

void pci_free_irq_vectors(struct pci_dev *dev)
{
	struct pci_irq_vectors *v = dev->irqs;
	u16 ctrl;

	if (!v)
		return;
	if (dev->msix_enabled) {
		pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, &ctrl);
		pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, ctrl & ~PCI_MSIX_FLAGS_ENABLE);
		dev->msix_enabled = false;
	} else if (dev->msi_enabled) {
		pci_read_config_word(dev, dev->msi_cap + PCI_MSI_FLAGS, &ctrl);
		pci_write_config_word(dev, dev->msi_cap + PCI_MSI_FLAGS, ctrl & ~PCI_MSI_FLAGS_ENABLE);
		dev->msi_enabled = false;
	} else {
		v->irqs[0] = -1;	/* the shared GSI stays */
	}
	dev->irqs = NULL;
	free_vectors(v);
}

int pci_irq_vector(struct pci_dev *dev, unsigned int nr)
{
	if (!dev->irqs || nr >= dev->irqs->nr)
		return -EINVAL;
	return dev->irqs->irqs[nr];
}
