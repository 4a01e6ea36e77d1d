/*
 * The AHCI PCI driver (Linux's drivers/ata/ahci.c): every Serial ATA
 * host bus adapter in AHCI mode (PCI class 01 06 01), QEMU q35's built-in
 * ICH9 controller (8086:2922 at 00:1f.2) and `-device ahci` among them.
 *
 * Probe, in AHCI 1.3.1's order (10.1, 10.6):
 *  1. BIOS/OS handoff: if the HBA supports it (CAP2.BOH), ask for
 *     ownership (BOHC.OOS) and wait for the firmware to let go (BOS);
 *  2. reset the HBA (GHC.HR) with AHCI mode on (GHC.AE), keeping the
 *     capability and port bits the firmware wrote (they are write-once);
 *  3. one interrupt vector (MSI, else INTx) for the whole HBA;
 *  4. each implemented port: its memory (command list, received-FIS area),
 *     engines stopped, FIS receive on;
 *  5. COMRESET every port at once and see which links come up, and with
 *     what: an ATA disk becomes sda, sdb, ... in port order; an ATAPI
 *     device (a CD) is named in the log and skipped.
 */
#include <kestrel/ahci.h>
#include <kestrel/errno.h>
#include <kestrel/interrupt.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/timer.h>
#include <asm/ioremap.h>

#define AHCI_PCI_BAR 5			/* ABAR */
#define BOHC_WAIT_MS 25			/* for the BIOS to release the HBA ... */
#define BOHC_BUSY_WAIT_MS 2000		/* ... or to finish when it says it is busy */
#define HOST_RESET_MS 1000		/* AHCI 10.4.3: HR clears within 1 s */

static const struct pci_device_id ahci_pci_tbl[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_INTEL, 0x2922) },	/* ICH9: QEMU's q35 and -device ahci */
	{ PCI_DEVICE_CLASS(PCI_CLASS_STORAGE_SATA_AHCI, 0xffffff) },
	{ 0 },
};

static bool hba_wait(struct ahci_host_priv *hpriv, unsigned int reg, u32 mask, u32 val,
		     unsigned int timeout_ms)
{
	u64 deadline = ktime_get_ns() + (u64)timeout_ms * 1000000;

	while ((readl((u8 __iomem *)hpriv->mmio + reg) & mask) != val) {
		if (ktime_get_ns() >= deadline)
			return false;
		msleep(1);
	}
	return true;
}

/* AHCI 10.6.3: take the HBA from the firmware's SMM code, if it has it. */
static void ahci_bios_handoff(struct ahci_host_priv *hpriv)
{
	u8 __iomem *mmio = hpriv->mmio;
	u32 bohc;

	if (!(readl(mmio + HOST_CAP2) & HOST_CAP2_BOH))
		return;
	bohc = readl(mmio + HOST_BOHC);
	writel(bohc | HOST_BOHC_OOS, mmio + HOST_BOHC);
	if (!hba_wait(hpriv, HOST_BOHC, HOST_BOHC_BOS, 0, BOHC_WAIT_MS) &&
	    (readl(mmio + HOST_BOHC) & HOST_BOHC_BB))
		hba_wait(hpriv, HOST_BOHC, HOST_BOHC_BOS, 0, BOHC_BUSY_WAIT_MS);
	bohc = readl(mmio + HOST_BOHC);
	if (bohc & HOST_BOHC_BOS)
		pci_warn(hpriv->pdev, "the BIOS did not release the HBA (BOHC 0x%x): taking it\n",
			 bohc);
	else
		pci_info(hpriv->pdev, "BIOS/OS handoff done\n");
	writel(HOST_BOHC_OOS | HOST_BOHC_OOC, mmio + HOST_BOHC);	/* OOC is write-1-to-clear */
}

/* GHC.AE: some HBAs need it set twice (Linux tries five times). */
static void ahci_enable_ahci(struct ahci_host_priv *hpriv)
{
	u8 __iomem *mmio = hpriv->mmio;

	for (int i = 0; i < 5; i++) {
		u32 ctl = readl(mmio + HOST_CTL);

		if (ctl & HOST_AHCI_EN)
			return;
		writel(ctl | HOST_AHCI_EN, mmio + HOST_CTL);
		if (readl(mmio + HOST_CTL) & HOST_AHCI_EN)
			return;
		msleep(10);
	}
	pci_warn(hpriv->pdev, "AHCI mode does not turn on\n");
}

/* Reset the HBA; put back the write-once bits the firmware had set (Linux does the same). */
static int ahci_reset_controller(struct ahci_host_priv *hpriv)
{
	u8 __iomem *mmio = hpriv->mmio;

	ahci_enable_ahci(hpriv);
	writel(readl(mmio + HOST_CTL) | HOST_RESET, mmio + HOST_CTL);
	readl(mmio + HOST_CTL);
	if (!hba_wait(hpriv, HOST_CTL, HOST_RESET, 0, HOST_RESET_MS)) {
		pci_err(hpriv->pdev, "HBA reset did not finish\n");
		return -EIO;
	}
	ahci_enable_ahci(hpriv);
	writel(hpriv->cap & (HOST_CAP_SSS | HOST_CAP_MPS), mmio + HOST_CAP);
	writel(hpriv->port_map, mmio + HOST_PORTS_IMPL);
	return 0;
}

/* CAP and PI as the firmware left them; PI 0 (some firmware) means CAP.NP's ports. */
static void ahci_save_initial_config(struct ahci_host_priv *hpriv)
{
	u8 __iomem *mmio = hpriv->mmio;
	unsigned int np;

	hpriv->cap = readl(mmio + HOST_CAP);
	hpriv->cap2 = readl(mmio + HOST_CAP2);
	hpriv->port_map = readl(mmio + HOST_PORTS_IMPL);
	np = (hpriv->cap & HOST_CAP_NP_MASK) + 1;
	if (!hpriv->port_map) {
		hpriv->port_map = np >= 32 ? ~0U : (1U << np) - 1;
		pci_warn(hpriv->pdev, "no ports implemented says PI: using CAP's %u\n", np);
	}
	hpriv->n_ports = 32 - __builtin_clz(hpriv->port_map);
}

static void ahci_print_info(struct ahci_host_priv *hpriv)
{
	static const char *const speeds[] = { "?", "1.5", "3", "6" };
	static const struct {
		u32 bit;
		const char *name;
	} flags[] = {
		{ HOST_CAP_64, "64bit" }, { HOST_CAP_NCQ, "ncq" }, { HOST_CAP_SNTF, "sntf" },
		{ HOST_CAP_SSS, "stag" }, { HOST_CAP_ALPM, "alpm" }, { HOST_CAP_CLO, "clo" },
		{ HOST_CAP_PMP, "pmp" }, { HOST_CAP_ONLY, "only" },
	};
	u32 vers = readl((u8 __iomem *)hpriv->mmio + HOST_VERSION), cap = hpriv->cap;
	unsigned int iss = (cap >> HOST_CAP_ISS_SHIFT) & 0xf;
	char buf[64] = "";
	size_t len = 0;

	pci_info(hpriv->pdev, "AHCI %02x%02x.%02x%02x %u slots %u ports %s Gbps 0x%x impl %s mode\n",
		 (vers >> 24) & 0xff, (vers >> 16) & 0xff, (vers >> 8) & 0xff, vers & 0xff,
		 ((cap >> HOST_CAP_NCS_SHIFT) & 0x1f) + 1, (cap & HOST_CAP_NP_MASK) + 1,
		 iss < 4 ? speeds[iss] : "?", hpriv->port_map,
		 cap & HOST_CAP_ONLY ? "SATA" : "IDE");
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if ((cap & flags[i].bit) && len < sizeof(buf))
			len += snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "",
					flags[i].name);
	pci_info(hpriv->pdev, "flags: %s\n", buf);
}

/* An ata_port with its memory for every implemented port. */
static int ahci_alloc_ports(struct ahci_host_priv *hpriv)
{
	struct resource *abar = &hpriv->pdev->resource[AHCI_PCI_BAR];

	for (unsigned int i = 0; i < hpriv->n_ports; i++) {
		struct ahci_port_priv *pp;
		struct ata_port *ap;
		int err;

		if (!(hpriv->port_map & (1U << i)))
			continue;
		pp = kzalloc(sizeof(*pp), GFP_KERNEL);
		if (!pp)
			return -ENOMEM;
		pp->hpriv = hpriv;
		pp->port_mmio = ahci_port_base(hpriv, i);
		ap = ata_port_alloc(i, &ahci_ops, pp);
		if (!ap) {
			kfree(pp);
			return -ENOMEM;
		}
		ap->max_prd = ATA_MAX_PRD;
		ap->max_slots = ((hpriv->cap >> HOST_CAP_NCS_SHIFT) & 0x1f) + 1;
		ap->host_ncq = hpriv->cap & HOST_CAP_NCQ;
		hpriv->ports[i] = ap;
		err = ahci_port_start(ap);
		if (err)
			return err;
		pr_info("%s: SATA max UDMA/133 abar m%llu@0x%llx port 0x%llx irq %d\n", ap->name,
			(unsigned long long)resource_size(abar), (unsigned long long)abar->start,
			(unsigned long long)abar->start + 0x100 + i * 0x80, hpriv->irq);
	}
	return 0;
}

/* Undo ahci_alloc_ports: the ports go away (no disk was made on them yet). */
static void ahci_free_ports(struct ahci_host_priv *hpriv)
{
	for (unsigned int i = 0; i < hpriv->n_ports; i++) {
		struct ata_port *ap = hpriv->ports[i];

		if (!ap)
			continue;
		hpriv->ports[i] = NULL;
		ahci_port_stop(ap);
		kfree(ap->private_data);
		ata_port_free(ap);
	}
}

static int ahci_init_one(struct pci_dev *pdev, const struct pci_device_id *id)
{
	enum ata_dev_class classes[AHCI_MAX_PORTS];
	struct ahci_host_priv *hpriv;
	u32 mask = 0;
	int err, nvec;

	err = pci_enable_device(pdev);
	if (err)
		return err;
	err = -ENOMEM;
	hpriv = kzalloc(sizeof(*hpriv), GFP_KERNEL);
	if (!hpriv)
		goto fail_disable;
	hpriv->pdev = pdev;
	hpriv->mmio = pci_ioremap_bar(pdev, AHCI_PCI_BAR);
	if (!hpriv->mmio) {
		pci_err(pdev, "no AHCI registers (BAR 5): not an AHCI controller in AHCI mode\n");
		err = -ENODEV;
		goto fail_free;
	}
	pci_set_master(pdev);

	ahci_bios_handoff(hpriv);
	ahci_enable_ahci(hpriv);	/* CAP and PI are AHCI registers */
	ahci_save_initial_config(hpriv);
	err = ahci_reset_controller(hpriv);
	if (err)
		goto fail_unmap;
	ahci_print_info(hpriv);
	hpriv->dma_gfp = hpriv->cap & HOST_CAP_64 ? 0 : GFP_DMA32;

	nvec = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX);
	if (nvec < 0) {
		err = nvec;
		goto fail_unmap;
	}
	hpriv->irq = pci_irq_vector(pdev, 0);
	err = ahci_alloc_ports(hpriv);
	if (err)
		goto fail_ports;
	writel(readl((u8 __iomem *)hpriv->mmio + HOST_IRQ_STAT),
	       (u8 __iomem *)hpriv->mmio + HOST_IRQ_STAT);
	err = request_irq(hpriv->irq, ahci_interrupt, pdev->msi_enabled ? 0 : IRQF_SHARED, "ahci",
			  hpriv);
	if (err)
		goto fail_ports;
	pci_set_drvdata(pdev, hpriv);
	writel(readl((u8 __iomem *)hpriv->mmio + HOST_CTL) | HOST_IRQ_EN,
	       (u8 __iomem *)hpriv->mmio + HOST_CTL);

	for (unsigned int i = 0; i < hpriv->n_ports; i++)
		if (hpriv->ports[i])
			mask |= 1U << i;
	ahci_hardreset_ports(hpriv, mask, classes);
	for (u32 m = mask; m; m &= m - 1) {
		struct ata_port *ap = hpriv->ports[__builtin_ctz(m)];

		if (classes[ap->port_no] == ATA_DEV_ATA && ahci_port_alloc_tables(ap)) {
			pr_err("%s: no memory for the command tables: port left alone\n", ap->name);
			continue;
		}
		ata_port_probe(ap, classes[ap->port_no]);
	}
	return 0;

fail_ports:
	ahci_free_ports(hpriv);
	pci_free_irq_vectors(pdev);
fail_unmap:
	pci_clear_master(pdev);
	iounmap(hpriv->mmio);
fail_free:
	kfree(hpriv);
fail_disable:
	pci_disable_device(pdev);
	pci_err(pdev, "AHCI probe failed (error %d)\n", err);
	return err;
}

static struct pci_driver ahci_pci_driver = {
	.name = "ahci",
	.id_table = ahci_pci_tbl,
	.probe = ahci_init_one,
};

int ahci_init(void)
{
	return pci_register_driver(&ahci_pci_driver);
}
