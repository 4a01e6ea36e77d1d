/*
 * AHCI 1.3.1: the registers and memory structures of a Serial ATA AHCI
 * host bus adapter, and the driver's host and port state (Linux keeps
 * them in drivers/ata/ahci.h; here the ktests use them too).
 * drivers/ata/ahci.c is the PCI driver, libahci.c the port operations;
 * docs/block.md has the picture.
 *
 * The HBA's registers are memory-mapped at ABAR (BAR 5): the generic host
 * control registers at 0, then 0x80 bytes per port from 0x100. Each port
 * has, in system memory, a command list (32 command headers, one per
 * slot), a received-FIS area (where the device's status frames land) and
 * a command table per slot (the command FIS, then the PRD table: the DMA
 * segments of the data).
 */
#ifndef KESTREL_AHCI_H
#define KESTREL_AHCI_H

#include <kestrel/interrupt.h>
#include <kestrel/libata.h>
#include <kestrel/pci.h>

#define AHCI_MAX_PORTS 32
#define AHCI_MAX_CMDS 32
#define AHCI_MAX_PRD_BYTES (4U << 20)	/* one PRD entry: 4 MiB */

/* ---- generic host control (3.1) ---- */
enum {
	HOST_CAP = 0x00,		/* capabilities */
	HOST_CTL = 0x04,		/* global host control (GHC) */
	HOST_IRQ_STAT = 0x08,		/* interrupt status: one bit per port */
	HOST_PORTS_IMPL = 0x0c,		/* ports implemented (PI) */
	HOST_VERSION = 0x10,
	HOST_CAP2 = 0x24,
	HOST_BOHC = 0x28,		/* BIOS/OS handoff control and status */

	/* HOST_CTL */
	HOST_RESET = (1U << 0),		/* HR: reset the whole HBA */
	HOST_IRQ_EN = (1U << 1),	/* IE */
	HOST_AHCI_EN = (1U << 31),	/* AE: AHCI mode (not legacy IDE) */

	/* HOST_CAP */
	HOST_CAP_SXS = (1U << 5),
	HOST_CAP_NP_MASK = 0x1f,	/* ports - 1 */
	HOST_CAP_NCS_SHIFT = 8,		/* command slots - 1, bits 12:8 */
	HOST_CAP_PART = (1U << 13),
	HOST_CAP_SSC = (1U << 14),
	HOST_CAP_PMP = (1U << 17),
	HOST_CAP_ONLY = (1U << 18),	/* SAM: AHCI mode only */
	HOST_CAP_ISS_SHIFT = 20,	/* interface speed, bits 23:20 */
	HOST_CAP_CLO = (1U << 24),
	HOST_CAP_LED = (1U << 25),
	HOST_CAP_ALPM = (1U << 26),
	HOST_CAP_SSS = (1U << 27),	/* staggered spin-up */
	HOST_CAP_MPS = (1U << 28),	/* mechanical presence switch */
	HOST_CAP_SNTF = (1U << 29),
	HOST_CAP_NCQ = (1U << 30),
	HOST_CAP_64 = (1U << 31),	/* 64-bit DMA addresses */

	/* HOST_CAP2 */
	HOST_CAP2_BOH = (1U << 0),	/* BIOS/OS handoff */

	/* HOST_BOHC */
	HOST_BOHC_BOS = (1U << 0),	/* the BIOS owns the HBA */
	HOST_BOHC_OOS = (1U << 1),	/* the OS asks for it */
	HOST_BOHC_OOC = (1U << 3),	/* ownership changed (write 1 to clear) */
	HOST_BOHC_BB = (1U << 4),	/* the BIOS is busy handing over */
};

/* ---- per-port registers (3.3), offsets from 0x100 + port * 0x80 ---- */
enum {
	PORT_LST_ADDR = 0x00,		/* PxCLB: command list, 1 KiB aligned */
	PORT_LST_ADDR_HI = 0x04,
	PORT_FIS_ADDR = 0x08,		/* PxFB: received FIS area, 256-byte aligned */
	PORT_FIS_ADDR_HI = 0x0c,
	PORT_IRQ_STAT = 0x10,		/* PxIS */
	PORT_IRQ_MASK = 0x14,		/* PxIE */
	PORT_CMD = 0x18,		/* PxCMD */
	PORT_TFDATA = 0x20,		/* PxTFD: status 7:0, error 15:8 */
	PORT_SIG = 0x24,		/* PxSIG: the device's signature */
	PORT_SCR_STAT = 0x28,		/* PxSSTS: SStatus */
	PORT_SCR_CTL = 0x2c,		/* PxSCTL: SControl */
	PORT_SCR_ERR = 0x30,		/* PxSERR: SError */
	PORT_SCR_ACT = 0x34,		/* PxSACT: NCQ tags outstanding */
	PORT_CMD_ISSUE = 0x38,		/* PxCI: slots issued */

	/* PORT_IRQ_STAT / PORT_IRQ_MASK */
	PORT_IRQ_D2H_REG_FIS = (1U << 0),	/* DHRS: a status frame came */
	PORT_IRQ_PIOS_FIS = (1U << 1),
	PORT_IRQ_DMAS_FIS = (1U << 2),
	PORT_IRQ_SDB_FIS = (1U << 3),		/* SDBS: NCQ completions */
	PORT_IRQ_UNK_FIS = (1U << 4),		/* UFS */
	PORT_IRQ_SG_DONE = (1U << 5),
	PORT_IRQ_CONNECT = (1U << 6),		/* PCS: port connect change */
	PORT_IRQ_DMPS = (1U << 7),
	PORT_IRQ_PHYRDY = (1U << 22),		/* PRCS: PhyRdy changed */
	PORT_IRQ_BAD_PMP = (1U << 23),
	PORT_IRQ_OVERFLOW = (1U << 24),		/* OFS: more data than the PRDs hold */
	PORT_IRQ_IF_NONFATAL = (1U << 26),	/* INFS */
	PORT_IRQ_IF_ERR = (1U << 27),		/* IFS: interface fatal */
	PORT_IRQ_HBUS_DATA_ERR = (1U << 28),	/* HBDS: host bus data error */
	PORT_IRQ_HBUS_ERR = (1U << 29),		/* HBFS: host bus fatal */
	PORT_IRQ_TF_ERR = (1U << 30),		/* TFES: status had ERR */
	PORT_IRQ_COLD_PRES = (1U << 31),

	/* The host adapter's own errors, and link changes: error handling. */
	PORT_IRQ_HOST_ERR = PORT_IRQ_HBUS_ERR | PORT_IRQ_HBUS_DATA_ERR | PORT_IRQ_IF_ERR |
			    PORT_IRQ_OVERFLOW | PORT_IRQ_UNK_FIS | PORT_IRQ_BAD_PMP,
	PORT_IRQ_LINK = PORT_IRQ_CONNECT | PORT_IRQ_PHYRDY,
	PORT_IRQ_ERROR = PORT_IRQ_HOST_ERR | PORT_IRQ_LINK | PORT_IRQ_TF_ERR,
	/* What we enable: completions of every kind, and every error. */
	DEF_PORT_IRQ = PORT_IRQ_ERROR | PORT_IRQ_SG_DONE | PORT_IRQ_SDB_FIS |
		       PORT_IRQ_DMAS_FIS | PORT_IRQ_PIOS_FIS | PORT_IRQ_D2H_REG_FIS,

	/* PORT_CMD */
	PORT_CMD_START = (1U << 0),	/* ST: process the command list */
	PORT_CMD_SPIN_UP = (1U << 1),	/* SUD */
	PORT_CMD_POWER_ON = (1U << 2),	/* POD */
	PORT_CMD_CLO = (1U << 3),
	PORT_CMD_FIS_RX = (1U << 4),	/* FRE: receive FISes */
	PORT_CMD_FIS_ON = (1U << 14),	/* FR: the FIS receive engine runs */
	PORT_CMD_LIST_ON = (1U << 15),	/* CR: the command list engine runs */
	PORT_CMD_ATAPI = (1U << 24),
	PORT_CMD_ICC_MASK = (0xfU << 28),
	PORT_CMD_ICC_ACTIVE = (0x1U << 28),

	/* PORT_SCR_CTL: DET 1 sends COMRESET; IPM 3 keeps the link out of partial/slumber */
	SCR_CTL_DET_MASK = 0xf,
	SCR_CTL_DET_COMRESET = 0x1,
	SCR_CTL_IPM_NO_PS = 0x300,
};

/* ---- memory structures (4.2) ---- */

/* One command header: slot n of the command list. */
struct ahci_cmd_hdr {
	u32 opts;			/* CFL 4:0 (dwords), A 5, W 6, P 7, ..., PRDTL 31:16 */
	u32 status;			/* PRDBC: bytes transferred */
	u32 tbl_addr;		/* CTBA: command table, 128-byte aligned */
	u32 tbl_addr_hi;
	u32 reserved[4];
};

#define AHCI_CMD_ATAPI (1U << 5)
#define AHCI_CMD_WRITE (1U << 6)
#define AHCI_CMD_PREFETCH (1U << 7)
#define AHCI_CMD_CLR_BUSY (1U << 10)

/* One PRD entry: a physically contiguous piece of the data. */
struct ahci_sg {
	u32 addr;			/* DBA: word aligned */
	u32 addr_hi;
	u32 reserved;
	u32 flags_size;		/* DBC 21:0: bytes - 1 (odd: even counts); I 31 */
};

#define AHCI_PRD_IRQ (1U << 31)

/* The command table: the FIS, the ATAPI command, then the PRD table. */
#define AHCI_CMD_TBL_CDB 0x40
#define AHCI_CMD_TBL_HDR_SZ 0x80
#define AHCI_CMD_TBL_SZ(nprd) (AHCI_CMD_TBL_HDR_SZ + (nprd) * sizeof(struct ahci_sg))

/* The received-FIS area: where each kind of device frame lands. */
#define AHCI_RX_FIS_SZ 256
#define RX_FIS_PIO_SETUP 0x20
#define RX_FIS_D2H_REG 0x40
#define RX_FIS_SDB 0x58

#define AHCI_CMD_SLOT_SZ (AHCI_MAX_CMDS * sizeof(struct ahci_cmd_hdr))	/* 1 KiB */

/* ---- the driver's state ---- */

/* One HBA. [c] constant after probe. */
struct ahci_host_priv {
	struct pci_dev *pdev;		/* [c] */
	void __iomem *mmio;		/* [c] ABAR */
	u32 cap, cap2, port_map;	/* [c] */
	unsigned int n_ports;		/* [c] highest implemented port + 1 */
	int irq;			/* [c] */
	gfp_t dma_gfp;			/* [c] GFP_DMA32 when the HBA has no 64-bit DMA */
	struct ata_port *ports[AHCI_MAX_PORTS];	/* [c] NULL where not implemented */
};

/*
 * One port's memory. [c] constant after probe; the command tables are
 * written by ->qc_issue under ap->lock, the internal one by error
 * handling or probe with the port frozen.
 */
struct ahci_port_priv {
	struct ahci_host_priv *hpriv;	/* [c] */
	void __iomem *port_mmio;	/* [c] */
	struct ahci_cmd_hdr *cmd_slot;	/* [c] the command list */
	void *rx_fis;			/* [c] */
	void *cmd_tbl[AHCI_MAX_CMDS];	/* [c] per slot, AHCI_CMD_TBL_SZ(ATA_MAX_PRD) */
	void *internal_tbl;		/* [c] for internal commands (one PRD) */
	struct page *page;		/* [c] command list + received FIS + internal table */
};

static inline void __iomem *ahci_port_base(struct ahci_host_priv *hpriv, unsigned int port)
{
	return (u8 __iomem *)hpriv->mmio + 0x100 + port * 0x80;
}

/* ahci.c: register the AHCI PCI driver (drivers/base/init.c, at boot). */
int ahci_init(void);

/* libahci.c */
extern const struct ata_port_operations ahci_ops;
/* Allocate and program the port's memory, stop its engines, start FIS receive. 0 or -errno. */
int ahci_port_start(struct ata_port *ap);
/* Stop the port's engines and free its memory (a probe that failed). */
void ahci_port_stop(struct ata_port *ap);
/* The command tables of a port with a disk. 0 or -ENOMEM. */
int ahci_port_alloc_tables(struct ata_port *ap);
/* COMRESET every port in mask at once, then wait for their links; classes out. */
void ahci_hardreset_ports(struct ahci_host_priv *hpriv, u32 mask, enum ata_dev_class *classes);
irqreturn_t ahci_interrupt(int irq, void *dev_instance);
/*
 * Fill prd (room for max entries) with the DMA segments sg[0..n_elem):
 * entries of at most 4 MiB, each address and length even, as AHCI wants.
 * Returns the number of entries, -EINVAL for an odd address or length,
 * -E2BIG when they do not fit in max.
 */
int ahci_fill_prdt(struct ahci_sg *prd, unsigned int max, const struct scatterlist *sg,
		   unsigned int n_elem);

#endif
