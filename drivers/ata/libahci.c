/*
 * AHCI port operations (Linux's drivers/ata/libahci.c): starting and
 * stopping a port's engines, COMRESET and device detection, building a
 * command in its slot, the interrupt handler, and what error handling
 * needs (freeze, thaw, the error registers, internal commands).
 *
 * A command: its slot's command table gets the command FIS (the task file
 * as a host-to-device register FIS) and the PRD table (one entry per DMA
 * segment); its command header in the command list gets the FIS length,
 * the direction, the PRD count and the table's address. Issuing sets the
 * slot's bit in PxCI (and, for NCQ, first in PxSACT). The HBA fetches the
 * header, sends the FIS, moves the data through the PRDs, and clears the
 * PxCI bit when the device accepted the command (NCQ) or finished it; an
 * NCQ command is finished when the device's Set Device Bits FIS clears
 * its PxSACT bit. So a slot is done when its bit is clear in both.
 *
 * Errors (AHCI 6.2): the device's ERR status raises PxIS.TFES; host and
 * link trouble raise other PxIS bits. The interrupt handler then leaves
 * the port to error handling (libata-eh.c), which stops the port, resets
 * the link with COMRESET (PxSCTL.DET = 1, then 0) and starts it again.
 * QEMU 7.2 reports an NCQ command's ERR only in PxTFD with an SDB FIS
 * (no TFES), so the handler looks at PxTFD there too; if even that is
 * missed, the request's timeout catches it.
 */
#include <kestrel/ahci.h>
#include <kestrel/errno.h>
#include <kestrel/interrupt.h>
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/timer.h>

#define AHCI_TBL_ORDER 1		/* a slot's table: 2 pages hold AHCI_CMD_TBL_SZ(256) */
#define AHCI_INTERNAL_TBL 0x500		/* in the port's page, after list (0) and FIS (0x400) */
#define LINK_WAIT_MS 2000		/* for a link that is coming up */
#define LINK_DOWN_STABLE_MS 100		/* no device seen for this long: nothing there */
#define DEVICE_READY_MS 10000		/* for BSY and DRQ to clear after a reset */
#define ENGINE_STOP_MS 500		/* AHCI 10.1.2: CR and FR clear within 500 ms */

static struct ahci_port_priv *ahci_pp(struct ata_port *ap)
{
	return ap->private_data;
}

static void __iomem *port_reg(struct ata_port *ap, unsigned int reg)
{
	return (u8 __iomem *)ahci_pp(ap)->port_mmio + reg;
}

/*
 * Poll reg until (value & mask) == val, for at most timeout_ms: a short
 * spin first (QEMU and most hardware answer at once), then 1 ms sleeps.
 * Task context. Returns whether it matched.
 */
static bool ahci_wait_reg(void __iomem *reg, u32 mask, u32 val, unsigned int timeout_ms)
{
	u64 deadline = ktime_get_ns() + (u64)timeout_ms * 1000000;

	for (int i = 0; i < 20; i++) {
		if ((readl(reg) & mask) == val)
			return true;
		udelay(5);
	}
	while (ktime_get_ns() < deadline) {
		if ((readl(reg) & mask) == val)
			return true;
		msleep(1);
	}
	return (readl(reg) & mask) == val;
}

/* ---------------------------------------------------------------- engines */

/* Stop processing the command list (PxCMD.ST = 0; the HBA clears PxCI and PxSACT). */
static int ahci_stop_engine(void __iomem *port_mmio)
{
	u32 cmd = readl((u8 __iomem *)port_mmio + PORT_CMD);

	if (!(cmd & (PORT_CMD_START | PORT_CMD_LIST_ON)))
		return 0;
	writel(cmd & ~PORT_CMD_START, (u8 __iomem *)port_mmio + PORT_CMD);
	if (!ahci_wait_reg((u8 __iomem *)port_mmio + PORT_CMD, PORT_CMD_LIST_ON, 0, ENGINE_STOP_MS))
		return -EIO;
	return 0;
}

static void ahci_start_engine(void __iomem *port_mmio)
{
	u32 cmd = readl((u8 __iomem *)port_mmio + PORT_CMD);

	writel(cmd | PORT_CMD_START, (u8 __iomem *)port_mmio + PORT_CMD);
	readl((u8 __iomem *)port_mmio + PORT_CMD);	/* flush */
}

static int ahci_stop_fis_rx(void __iomem *port_mmio)
{
	u32 cmd = readl((u8 __iomem *)port_mmio + PORT_CMD);

	if (!(cmd & (PORT_CMD_FIS_RX | PORT_CMD_FIS_ON)))
		return 0;
	writel(cmd & ~PORT_CMD_FIS_RX, (u8 __iomem *)port_mmio + PORT_CMD);
	if (!ahci_wait_reg((u8 __iomem *)port_mmio + PORT_CMD, PORT_CMD_FIS_ON, 0, ENGINE_STOP_MS))
		return -EIO;
	return 0;
}

/* Tell the port where its command list and received-FIS area are, and receive FISes. */
static void ahci_start_fis_rx(struct ata_port *ap)
{
	struct ahci_port_priv *pp = ahci_pp(ap);
	phys_addr_t list = __pa(pp->cmd_slot), fis = __pa(pp->rx_fis);

	writel((u32)list, port_reg(ap, PORT_LST_ADDR));
	writel((u32)(list >> 32), port_reg(ap, PORT_LST_ADDR_HI));
	writel((u32)fis, port_reg(ap, PORT_FIS_ADDR));
	writel((u32)(fis >> 32), port_reg(ap, PORT_FIS_ADDR_HI));
	writel(readl(port_reg(ap, PORT_CMD)) | PORT_CMD_FIS_RX, port_reg(ap, PORT_CMD));
	readl(port_reg(ap, PORT_CMD));
}

/* Power the device up (spin-up under staggered spin-up) and the link to active. */
static void ahci_power_up(struct ata_port *ap, u32 host_cap)
{
	u32 cmd = readl(port_reg(ap, PORT_CMD)) & ~PORT_CMD_ICC_MASK;

	if (host_cap & HOST_CAP_SSS) {
		cmd |= PORT_CMD_SPIN_UP;
		writel(cmd, port_reg(ap, PORT_CMD));
	}
	writel(cmd | PORT_CMD_ICC_ACTIVE, port_reg(ap, PORT_CMD));
}

int ahci_port_start(struct ata_port *ap)
{
	struct ahci_port_priv *pp = ahci_pp(ap);
	struct page *page = alloc_pages(pp->hpriv->dma_gfp | __GFP_ZERO, 0);
	u8 *mem;

	if (!page)
		return -ENOMEM;
	pp->page = page;
	mem = page_address(page);
	pp->cmd_slot = (struct ahci_cmd_hdr *)mem;	/* 1 KiB aligned */
	pp->rx_fis = mem + AHCI_CMD_SLOT_SZ;		/* 256-byte aligned */
	pp->internal_tbl = mem + AHCI_INTERNAL_TBL;	/* 128-byte aligned, one PRD */

	/* The firmware may have left the port running: stop it before moving its memory. */
	if (ahci_stop_engine(pp->port_mmio) || ahci_stop_fis_rx(pp->port_mmio))
		pr_warn("%s: port engines did not stop\n", ap->name);
	writel(0, port_reg(ap, PORT_IRQ_MASK));		/* frozen until a disk is live */
	writel(readl(port_reg(ap, PORT_SCR_ERR)), port_reg(ap, PORT_SCR_ERR));
	writel(readl(port_reg(ap, PORT_IRQ_STAT)), port_reg(ap, PORT_IRQ_STAT));
	ahci_power_up(ap, pp->hpriv->cap);
	ahci_start_fis_rx(ap);
	return 0;
}

void ahci_port_stop(struct ata_port *ap)
{
	struct ahci_port_priv *pp = ahci_pp(ap);

	ahci_stop_engine(pp->port_mmio);
	ahci_stop_fis_rx(pp->port_mmio);
	for (unsigned int i = 0; i < AHCI_MAX_CMDS; i++)
		if (pp->cmd_tbl[i])
			__free_pages(virt_to_page(pp->cmd_tbl[i]), AHCI_TBL_ORDER);
	if (pp->page)
		__free_pages(pp->page, 0);
	memset(pp->cmd_tbl, 0, sizeof(pp->cmd_tbl));
	pp->page = NULL;
}

/* The command tables of a port that has a disk (one per slot, room for max_prd PRDs). */
int ahci_port_alloc_tables(struct ata_port *ap)
{
	struct ahci_port_priv *pp = ahci_pp(ap);

	for (unsigned int i = 0; i < ap->max_slots; i++) {
		struct page *page;

		if (pp->cmd_tbl[i])
			continue;
		page = alloc_pages(pp->hpriv->dma_gfp | __GFP_ZERO, AHCI_TBL_ORDER);
		if (!page)
			return -ENOMEM;
		pp->cmd_tbl[i] = page_address(page);
	}
	return 0;
}

/* ---------------------------------------------------------------- reset */

static enum ata_dev_class ahci_classify(u32 sig)
{
	switch (sig) {
	case ATA_SIG_ATA:
		return ATA_DEV_ATA;
	case ATA_SIG_ATAPI:
		return ATA_DEV_ATAPI;
	case ATA_SIG_PMP:
		return ATA_DEV_PMP;
	default:
		return ATA_DEV_UNKNOWN;
	}
}

/*
 * COMRESET every port in mask at once (SControl DET 1 for at least a
 * millisecond, then 0; AHCI 10.4.2), then wait for their links: a port
 * whose SStatus DET reads 3 has a device talking; one that stays 0 for
 * LINK_DOWN_STABLE_MS has nothing. Then, on each live link, wait for the
 * device's first status FIS (BSY and DRQ clear) and read its signature.
 * Ports are stopped first and started again after. Task context.
 */
void ahci_hardreset_ports(struct ahci_host_priv *hpriv, u32 mask, enum ata_dev_class *classes)
{
	u64 start, now;
	u32 pending = mask, up = 0;

	for (u32 m = mask; m; m &= m - 1) {
		struct ata_port *ap = hpriv->ports[__builtin_ctz(m)];
		u32 sctl;

		classes[ap->port_no] = ATA_DEV_NONE;
		if (ahci_stop_engine(ahci_pp(ap)->port_mmio))
			pr_warn("%s: command engine did not stop; resetting anyway\n", ap->name);
		writel(~0U, port_reg(ap, PORT_SCR_ERR));
		sctl = readl(port_reg(ap, PORT_SCR_CTL)) & ~SCR_CTL_DET_MASK;
		writel(sctl | SCR_CTL_IPM_NO_PS | SCR_CTL_DET_COMRESET, port_reg(ap, PORT_SCR_CTL));
	}
	msleep(1);
	for (u32 m = mask; m; m &= m - 1) {
		struct ata_port *ap = hpriv->ports[__builtin_ctz(m)];
		u32 sctl = readl(port_reg(ap, PORT_SCR_CTL)) & ~SCR_CTL_DET_MASK;

		writel(sctl | SCR_CTL_IPM_NO_PS, port_reg(ap, PORT_SCR_CTL));
	}

	start = ktime_get_ns();
	while (pending) {
		now = ktime_get_ns();
		for (u32 m = pending; m; m &= m - 1) {
			unsigned int port = __builtin_ctz(m);
			u32 det = readl(port_reg(hpriv->ports[port], PORT_SCR_STAT)) & 0xf;

			if (det == SATA_DET_PHY_UP)
				up |= 1U << port;
			if (det == SATA_DET_PHY_UP || det == SATA_DET_OFFLINE ||
			    (det == SATA_DET_NONE && now - start >= LINK_DOWN_STABLE_MS * 1000000ULL) ||
			    now - start >= LINK_WAIT_MS * 1000000ULL)
				pending &= ~(1U << port);
		}
		if (pending)
			msleep(1);
	}

	for (u32 m = mask; m; m &= m - 1) {
		struct ata_port *ap = hpriv->ports[__builtin_ctz(m)];

		ata_print_link_status(ap, readl(port_reg(ap, PORT_SCR_STAT)),
				      readl(port_reg(ap, PORT_SCR_CTL)));
		if (!(up & (1U << ap->port_no)))
			continue;
		/* The device's register FIS after the reset ends BSY and brings the signature. */
		if (!ahci_wait_reg(port_reg(ap, PORT_TFDATA), ATA_BUSY | ATA_DRQ, 0, DEVICE_READY_MS)) {
			pr_warn("%s: device not ready after reset (status 0x%02x)\n", ap->name,
				readl(port_reg(ap, PORT_TFDATA)) & 0xff);
			classes[ap->port_no] = ATA_DEV_UNKNOWN;
			continue;
		}
		writel(~0U, port_reg(ap, PORT_SCR_ERR));	/* the reset's own SError bits */
		writel(readl(port_reg(ap, PORT_IRQ_STAT)), port_reg(ap, PORT_IRQ_STAT));
		classes[ap->port_no] = ahci_classify(readl(port_reg(ap, PORT_SIG)));
		if (classes[ap->port_no] == ATA_DEV_UNKNOWN)
			pr_warn("%s: unknown device signature 0x%08x\n", ap->name,
				readl(port_reg(ap, PORT_SIG)));
		ahci_start_engine(ahci_pp(ap)->port_mmio);
	}
}

static int ahci_hardreset(struct ata_port *ap, enum ata_dev_class *class)
{
	enum ata_dev_class classes[AHCI_MAX_PORTS];

	ahci_hardreset_ports(ahci_pp(ap)->hpriv, 1U << ap->port_no, classes);
	*class = classes[ap->port_no];
	return *class == ATA_DEV_ATA || *class == ATA_DEV_ATAPI ? 0 : -ENODEV;
}

/* ---------------------------------------------------------------- commands */

int ahci_fill_prdt(struct ahci_sg *prd, unsigned int max, const struct scatterlist *sg,
		   unsigned int n_elem)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < n_elem; i++) {
		phys_addr_t addr = sg_dma_address(&sg[i]);
		unsigned int left = sg_dma_len(&sg[i]);

		if ((addr & 1) || (left & 1) || !left)
			return -EINVAL;
		while (left) {
			unsigned int len = min(left, AHCI_MAX_PRD_BYTES);

			if (n == max)
				return -E2BIG;
			prd[n].addr = (u32)addr;
			prd[n].addr_hi = (u32)(addr >> 32);
			prd[n].reserved = 0;
			prd[n].flags_size = len - 1;	/* no per-PRD interrupt: the FIS says done */
			n++;
			addr += len;
			left -= len;
		}
	}
	return n;
}

static void ahci_fill_cmd_slot(struct ahci_port_priv *pp, unsigned int slot, u32 opts, void *tbl)
{
	struct ahci_cmd_hdr *hdr = &pp->cmd_slot[slot];
	phys_addr_t addr = __pa(tbl);

	hdr->opts = opts;
	hdr->status = 0;
	hdr->tbl_addr = (u32)addr;
	hdr->tbl_addr_hi = (u32)(addr >> 32);
}

/* The command FIS and PRD table in qc's slot. No lock: the slot is the request's own. */
static int ahci_qc_prep(struct ata_queued_cmd *qc)
{
	struct ata_port *ap = qc->dev->ap;
	struct ahci_port_priv *pp = ahci_pp(ap);
	u8 *tbl = pp->cmd_tbl[qc->tag];
	int n;

	ata_tf_to_fis(&qc->tf, 0, true, tbl);
	n = ahci_fill_prdt((struct ahci_sg *)(tbl + AHCI_CMD_TBL_HDR_SZ), ap->max_prd, qc->sg,
			   qc->n_elem);
	if (n < 0)
		return n;
	if (!(pp->hpriv->cap & HOST_CAP_64)) {
		for (unsigned int i = 0; i < qc->n_elem; i++)
			if (sg_dma_address(&qc->sg[i]) + sg_dma_len(&qc->sg[i]) > (1ULL << 32))
				return -EFAULT;	/* the HBA cannot reach it (no bounce buffers) */
	}
	ahci_fill_cmd_slot(pp, qc->tag, (SATA_FIS_H2D_LEN / 4) | (u32)n << 16 |
			   (qc->tf.flags & ATA_TFLAG_WRITE ? AHCI_CMD_WRITE : 0), tbl);
	return 0;
}

static void ahci_qc_issue(struct ata_queued_cmd *qc)
{
	struct ata_port *ap = qc->dev->ap;
	u32 bit = 1U << qc->tag;

	if (ap->test_lose) {
		/* Fault injection for tests: the device gets it, its completion is ignored. */
		ap->test_lose--;
		ap->test_lost |= bit;
	}
	barrier();	/* the command table and header are in memory before the HBA looks */
	if (qc->tf.protocol == ATA_PROT_NCQ) {
		writel(bit, port_reg(ap, PORT_SCR_ACT));
		ap->stats.ncq_cmds++;
	} else if (qc->tf.protocol == ATA_PROT_DMA) {
		ap->stats.dma_cmds++;
	} else {
		ap->stats.nodata_cmds++;
	}
	writel(bit, port_reg(ap, PORT_CMD_ISSUE));
}

static u32 ahci_qc_active(struct ata_port *ap)
{
	/* SACT first: an NCQ command leaves PxCI before it leaves PxSACT. */
	u32 sact = readl(port_reg(ap, PORT_SCR_ACT));

	return sact | readl(port_reg(ap, PORT_CMD_ISSUE));
}

static int ahci_exec_internal(struct ata_port *ap, struct ata_taskfile *tf, void *buf,
			      unsigned int len, unsigned int timeout_ms)
{
	struct ahci_port_priv *pp = ahci_pp(ap);
	struct scatterlist sg = { .dma_address = buf ? __pa(buf) : 0, .length = len };
	u8 *tbl = pp->internal_tbl;
	u64 deadline = ktime_get_ns() + (u64)timeout_ms * 1000000;
	u32 is = 0, tfd;
	int n = 0;

	ata_tf_to_fis(tf, 0, true, tbl);
	if (len) {
		n = ahci_fill_prdt((struct ahci_sg *)(tbl + AHCI_CMD_TBL_HDR_SZ), 1, &sg, 1);
		if (n < 0)
			return n;
	}
	ahci_fill_cmd_slot(pp, 0, (SATA_FIS_H2D_LEN / 4) | (u32)n << 16 |
			   (tf->flags & ATA_TFLAG_WRITE ? AHCI_CMD_WRITE : 0), tbl);
	writel(~0U, port_reg(ap, PORT_IRQ_STAT));
	barrier();
	writel(1, port_reg(ap, PORT_CMD_ISSUE));
	for (int spins = 0;; spins++) {
		is = readl(port_reg(ap, PORT_IRQ_STAT));
		if (!(readl(port_reg(ap, PORT_CMD_ISSUE)) & 1) || (is & PORT_IRQ_ERROR))
			break;
		if (ktime_get_ns() >= deadline) {
			tfd = readl(port_reg(ap, PORT_TFDATA));
			tf->status = tfd & 0xff;
			tf->error = (tfd >> 8) & 0xff;
			return -ETIMEDOUT;
		}
		if (spins < 20)
			udelay(5);
		else
			msleep(1);
	}
	barrier();
	tfd = readl(port_reg(ap, PORT_TFDATA));
	tf->status = tfd & 0xff;
	tf->error = (tfd >> 8) & 0xff;
	writel(is, port_reg(ap, PORT_IRQ_STAT));
	if ((is & PORT_IRQ_ERROR) || (tf->status & (ATA_ERR | ATA_DF)))
		return -EIO;
	return 0;
}

/* ---------------------------------------------------------------- interrupts */

static void ahci_freeze(struct ata_port *ap)
{
	writel(0, port_reg(ap, PORT_IRQ_MASK));
	readl(port_reg(ap, PORT_IRQ_MASK));
}

static void ahci_thaw(struct ata_port *ap)
{
	struct ahci_host_priv *hpriv = ahci_pp(ap)->hpriv;

	/* Nothing is on the device: what the status says now is stale. */
	writel(readl(port_reg(ap, PORT_IRQ_STAT)), port_reg(ap, PORT_IRQ_STAT));
	writel(1U << ap->port_no, (u8 __iomem *)hpriv->mmio + HOST_IRQ_STAT);
	writel(DEF_PORT_IRQ, port_reg(ap, PORT_IRQ_MASK));
}

static void ahci_error_info(struct ata_port *ap, struct ata_eh_info *ehi)
{
	u32 is = readl(port_reg(ap, PORT_IRQ_STAT)), tfd = readl(port_reg(ap, PORT_TFDATA));

	writel(is, port_reg(ap, PORT_IRQ_STAT));
	ehi->irq_stat |= is;
	ehi->status = tfd & 0xff;
	ehi->error = (tfd >> 8) & 0xff;
	ehi->serror = readl(port_reg(ap, PORT_SCR_ERR));
	writel(ehi->serror, port_reg(ap, PORT_SCR_ERR));
	ehi->causes = 0;
	if ((ehi->irq_stat & PORT_IRQ_TF_ERR) || (ehi->status & ATA_ERR))
		ehi->causes |= ATA_EH_DEV_ERR;
	if (ehi->irq_stat & PORT_IRQ_HOST_ERR)
		ehi->causes |= ATA_EH_HOST_ERR;
	if (ehi->irq_stat & PORT_IRQ_LINK)
		ehi->causes |= ATA_EH_LINK_CHANGE;
}

/* One port's interrupt: what finished ends here; an error goes to error handling. */
static void ahci_port_intr(struct ata_port *ap)
{
	u32 status = readl(port_reg(ap, PORT_IRQ_STAT)), done;

	writel(status, port_reg(ap, PORT_IRQ_STAT));
	spin_lock(&ap->lock);
	if (ap->pflags & ATA_PFLAG_FROZEN) {
		ap->eh_irq_stat |= status & PORT_IRQ_ERROR;	/* error handling owns the port */
		spin_unlock(&ap->lock);
		return;
	}
	if ((status & PORT_IRQ_ERROR) ||
	    ((status & PORT_IRQ_SDB_FIS) && (readl(port_reg(ap, PORT_TFDATA)) & ATA_ERR))) {
		ata_port_schedule_eh(ap, status);
		spin_unlock(&ap->lock);
		return;
	}
	done = ap->qc_active & ~ahci_qc_active(ap) & ~ap->test_lost;
	ap->qc_active &= ~done;
	spin_unlock(&ap->lock);
	barrier();	/* the data the device wrote is read after its slot cleared */
	if (done)
		ata_qc_complete_mask(ap, done);
}

irqreturn_t ahci_interrupt(int irq, void *dev_instance)
{
	struct ahci_host_priv *hpriv = dev_instance;
	u8 __iomem *mmio = hpriv->mmio;
	u32 irq_stat = readl(mmio + HOST_IRQ_STAT), pending = irq_stat & hpriv->port_map;

	if (!pending)
		return IRQ_NONE;	/* a shared INTx line: someone else's */
	for (u32 m = pending; m; m &= m - 1) {
		unsigned int port = __builtin_ctz(m);

		if (hpriv->ports[port]) {
			ahci_port_intr(hpriv->ports[port]);
		} else {
			void __iomem *is = (u8 __iomem *)ahci_port_base(hpriv, port) + PORT_IRQ_STAT;

			writel(readl(is), is);
		}
	}
	/* IS latches while a port's PxIS has bits: clear it after them (AHCI 10.7.2). */
	writel(irq_stat, mmio + HOST_IRQ_STAT);
	return IRQ_HANDLED;
}

const struct ata_port_operations ahci_ops = {
	.qc_prep = ahci_qc_prep,
	.qc_issue = ahci_qc_issue,
	.qc_active = ahci_qc_active,
	.freeze = ahci_freeze,
	.thaw = ahci_thaw,
	.error_info = ahci_error_info,
	.hardreset = ahci_hardreset,
	.exec_internal = ahci_exec_internal,
};
