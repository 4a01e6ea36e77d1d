/*
 * libata: ATA disks behind a Serial ATA host adapter (drivers/ata/,
 * docs/block.md), Linux's libata without its SCSI layer: each ATA disk is
 * a gendisk of its own, sda, sdb, ... (major 8, 16 minors per disk, as
 * Linux's sd names them).
 *
 * Three layers:
 *  - the host driver (drivers/ata/ahci.c + libahci.c for AHCI) owns the
 *    registers: it finds ports and devices, builds and issues commands,
 *    takes completions in its interrupt handler and resets links; it
 *    gives libata a struct ata_port per port with ata_port_operations;
 *  - the disk (drivers/ata/libata-sd.c) turns block requests into
 *    commands: a blk-mq hardware queue per disk whose tags are the
 *    command slots and NCQ tags;
 *  - error handling (drivers/ata/libata-eh.c): after an error interrupt
 *    or a request timeout it freezes the port, resets it, fails the
 *    culprit with EIO and sends the innocent commands again.
 *
 * Locks: ap->lock (irq-safe spinlock) guards the port's command state
 * (which slots are on the device, frozen or not) and is taken by
 * ->queue_rq (inside hctx->lock), by the interrupt handler and by error
 * handling; ap->eh_mutex serializes error handling (it sleeps: resets,
 * waits). Order: eh_mutex > hctx->lock > ap->lock.
 */
#ifndef KESTREL_LIBATA_H
#define KESTREL_LIBATA_H

#include <kestrel/ata.h>
#include <kestrel/blk-mq.h>
#include <kestrel/list.h>
#include <kestrel/mutex.h>
#include <kestrel/spinlock.h>
#include <kestrel/workqueue.h>

struct ata_port;
struct ata_device;

#define ATA_MAX_PRD 256			/* DMA segments per command (1 MiB of scattered pages) */
#define ATA_EH_MAX_TRIES 5		/* issues of one request before it fails for good */
#define ATA_TMOUT_INTERNAL 10000	/* ms for IDENTIFY and other internal commands */

/* What error handling learned about a failed command (Linux's AC_ERR_*). */
#define AC_ERR_DEV (1 << 0)		/* the device said no (status ERR): final */
#define AC_ERR_HSM (1 << 1)		/* the device broke the protocol */
#define AC_ERR_TIMEOUT (1 << 2)		/* no answer in time */
#define AC_ERR_ATA_BUS (1 << 4)		/* transfer error on the link (CRC): worth a retry */
#define AC_ERR_HOST_BUS (1 << 5)	/* the host adapter's DMA failed */
#define AC_ERR_SYSTEM (1 << 6)
#define AC_ERR_INVALID (1 << 7)		/* a command we could not build */
#define AC_ERR_OTHER (1 << 8)		/* an innocent bystander of another command's error */

/* The class of device a reset found on a port. */
enum ata_dev_class {
	ATA_DEV_NONE,			/* nothing: link down */
	ATA_DEV_ATA,			/* a disk */
	ATA_DEV_ATAPI,			/* a packet device (CD/DVD): not supported */
	ATA_DEV_PMP,			/* a port multiplier: not supported */
	ATA_DEV_UNKNOWN,
};

/* qc->flags */
#define ATA_QCFLAG_RETRY (1 << 0)	/* sent back by error handling: keep tries and ALONE */
#define ATA_QCFLAG_ALONE (1 << 1)	/* issue without NCQ, nothing else on the device */

/*
 * One command: the blk-mq pdu of each request of an ATA disk. Its tag is
 * the request's tag, the AHCI command slot and the NCQ tag at once.
 * [c] constant; [q] written by ->queue_rq (hctx->lock) and error handling
 * (queue quiesced), read by the completion.
 */
struct ata_queued_cmd {
	struct ata_device *dev;		/* [c] */
	unsigned int tag;		/* [c] */
	struct ata_taskfile tf;		/* [q] the command */
	struct ata_taskfile result_tf;	/* [q] status and error it ended with */
	unsigned int flags;		/* [q] ATA_QCFLAG_* */
	unsigned int err_mask;		/* [q] AC_ERR_*: 0 = success */
	unsigned int tries;		/* [q] issues left */
	unsigned int n_elem;		/* [q] entries of sg */
	unsigned int nbytes;		/* [q] bytes of data */
	struct scatterlist sg[ATA_MAX_PRD];	/* [q] the data's memory */
};

/* ehi->causes: what went wrong, as error handling needs to know it. */
#define ATA_EH_DEV_ERR (1 << 0)		/* the device reported ERR in its status */
#define ATA_EH_HOST_ERR (1 << 1)	/* the host adapter: bus, data or protocol error */
#define ATA_EH_LINK_CHANGE (1 << 2)	/* the link went down or changed */

/* What error handling was told about a port's error. */
struct ata_eh_info {
	u32 irq_stat;			/* the host driver's interrupt status, for the log */
	unsigned int causes;		/* ATA_EH_* (->error_info) */
	u32 serror;			/* SError */
	u8 status, error;		/* the task file registers */
	bool ncq;			/* the commands on the device were NCQ */
};

struct ata_port_operations {
	/*
	 * Build qc's command in its slot (the slot is the request's own: no
	 * lock). 0, or -errno for memory the host cannot use.
	 */
	int (*qc_prep)(struct ata_queued_cmd *qc);
	/* Hand qc's slot to the device. ap->lock held, interrupts off. */
	void (*qc_issue)(struct ata_queued_cmd *qc);
	/* The slots the device is still working on (the others are done). ap->lock held. */
	u32 (*qc_active)(struct ata_port *ap);
	/* Stop / restart completion interrupts (error handling owns the port meanwhile). ap->lock held. */
	void (*freeze)(struct ata_port *ap);
	void (*thaw)(struct ata_port *ap);
	/*
	 * Fill ehi with what the port's registers say (irq_stat comes in
	 * with what the interrupt handler saw). ap->lock held, frozen.
	 */
	void (*error_info)(struct ata_port *ap, struct ata_eh_info *ehi);
	/*
	 * Stop the port, reset the link (COMRESET), wait for the device and
	 * restart the port; *class says what answered. Task context, frozen.
	 * 0, or -errno when the port could not be brought back.
	 */
	int (*hardreset)(struct ata_port *ap, enum ata_dev_class *class);
	/*
	 * Run one command alone (the port frozen, nothing else issued), data
	 * in buf (physically contiguous, len bytes, 0 for none), and wait at
	 * most timeout ms. Task context. 0, -EIO (status ERR: *tf has the
	 * registers), -ETIMEDOUT.
	 */
	int (*exec_internal)(struct ata_port *ap, struct ata_taskfile *tf, void *buf,
			     unsigned int len, unsigned int timeout_ms);
};

/* ap->pflags */
#define ATA_PFLAG_FROZEN (1 << 0)	/* error handling owns the port: no issue, no completion */
#define ATA_PFLAG_DEAD (1 << 1)		/* the device did not come back: every request fails */

/*
 * Counters for tests and for reading what a port did (commands by kind,
 * error handling runs). [l] ap->lock, except resets [e] eh_mutex.
 */
struct ata_port_stats {
	unsigned long ncq_cmds, dma_cmds, nodata_cmds;	/* [l] issued */
	unsigned long eh_runs, resets;			/* [e] */
	unsigned long failed, retried;			/* [e] requests */
};

/*
 * One port of a host adapter. [c] constant after probe; [l] ap->lock;
 * [e] ap->eh_mutex.
 */
struct ata_port {
	spinlock_t lock;
	unsigned int print_id;		/* [c] ataN: numbered from 1 across all hosts */
	unsigned int port_no;		/* [c] on its host */
	char name[8];			/* [c] "ata1" */
	const struct ata_port_operations *ops;	/* [c] */
	void *private_data;		/* [c] the host driver's */
	unsigned int max_prd;		/* [c] DMA segments per command */
	unsigned int max_slots;		/* [c] command slots (NCQ tags) of the host */
	bool host_ncq;			/* [c] the host adapter does NCQ */
	enum ata_dev_class class;	/* [e] what the last reset found */
	struct ata_device *dev;		/* [c] the disk on the port, or NULL */
	unsigned int pflags;		/* [l] ATA_PFLAG_* */
	u32 qc_active;			/* [l] slots on the device */
	bool ncq_active;		/* [l] and they are NCQ commands */
	u32 eh_irq_stat;		/* [l] error interrupt causes waiting for error handling */
	/*
	 * Fault injection for tests (Linux's fail_io_timeout): the next
	 * test_lose commands are issued but their completions ignored, so
	 * they time out. test_lost: their slots. [l]
	 */
	unsigned int test_lose;
	u32 test_lost;
	struct ata_port_stats stats;
	struct mutex eh_mutex;		/* one error handler at a time */
	struct work_struct eh_work;	/* error handling after an error interrupt */
	struct list_head node;		/* [c] in ata_ports */
};

/* dev->flags */
#define ATA_DFLAG_LBA48 (1 << 0)
#define ATA_DFLAG_NCQ (1 << 1)		/* device and host both do NCQ */
#define ATA_DFLAG_FUA (1 << 2)		/* WRITE DMA FUA EXT and NCQ FUA */
#define ATA_DFLAG_FLUSH_EXT (1 << 3)
#define ATA_DFLAG_WCACHE (1 << 4)	/* volatile write cache enabled */

/*
 * An ATA disk on a port. [c] constant after probe; [q] changed only with
 * the queue quiesced (error handling, ata_dev_set_ncq); [e] used only by
 * error handling, under ap->eh_mutex.
 */
struct ata_device {
	struct ata_port *ap;		/* [c] */
	char name[16];			/* [c] "ata1.00" */
	u16 *id;			/* [q] IDENTIFY DEVICE data (ATA_ID_WORDS) */
	u16 *eh_id;			/* [e] error handling's IDENTIFY buffer: it allocates nothing */
	char model[ATA_ID_PROD_LEN + 1];	/* [c] */
	char serial[ATA_ID_SERNO_LEN + 1];	/* [c] */
	char fw_rev[ATA_ID_FW_REV_LEN + 1];	/* [c] */
	u64 n_sectors;			/* [c] logical sectors */
	unsigned int sector_size;	/* [c] logical sector size in bytes */
	unsigned int phys_per_log;	/* [c] logical sectors per physical sector */
	unsigned int flags;		/* [c] ATA_DFLAG_* */
	unsigned int ncq_depth;		/* [c] tags used when NCQ is on */
	bool ncq_enabled;		/* [q] send reads and writes as NCQ commands */
	int index;			/* [c] 0 = sda */
	struct gendisk *disk;		/* [c] */
	struct blk_mq_tag_set tag_set;	/* [c] */
};

/* Every port of every host, in probe order; read-only after boot. */
extern struct list_head ata_ports;

/* ---- for host drivers ---- */

/* A port with the host driver's ops and data; NULL on failure. */
struct ata_port *ata_port_alloc(unsigned int port_no, const struct ata_port_operations *ops,
				void *private_data);
/* Undo ata_port_alloc (a host probe that failed before any disk). */
void ata_port_free(struct ata_port *ap);
/*
 * After a reset found a device of class: IDENTIFY it, print what it is,
 * and for an ATA disk make its gendisk (sda...). Port frozen; thawed when
 * the disk is live. 0, or -errno (the port stays without a disk).
 */
int ata_port_probe(struct ata_port *ap, enum ata_dev_class class);
/* "ata1: SATA link up 1.5 Gbps (SStatus 113 SControl 300)" or "link down". */
void ata_print_link_status(struct ata_port *ap, u32 sstatus, u32 scontrol);
/*
 * End the commands of the slots in done with success (the interrupt
 * handler, after taking them off ap->qc_active). Without ap->lock: ending
 * a request may dispatch the next one.
 */
void ata_qc_complete_mask(struct ata_port *ap, u32 done);
/*
 * From the interrupt handler (ap->lock held): an error. Freezes the port
 * and schedules error handling; irq_stat (the host driver's interrupt
 * status) goes to ->error_info.
 */
void ata_port_schedule_eh(struct ata_port *ap, u32 irq_stat);

/* ---- libata-sd.c: the disk ---- */
int ata_dev_add_disk(struct ata_device *dev);
extern const struct blk_mq_ops ata_mq_ops;

/* ---- libata-eh.c: error handling ---- */
/* Run error handling for ap (task context); timed_out: the request that overran, or NULL. */
void ata_port_eh(struct ata_port *ap, struct request *timed_out);
void ata_eh_work(struct work_struct *work);
/*
 * IDENTIFY DEVICE (or PACKET DEVICE for atapi) into id, checked: the
 * device writes it by DMA, so id is a kmalloc'd ATA_ID_WORDS * 2 bytes
 * (aligned to its size: one physically contiguous piece). 0 or -errno.
 */
int ata_dev_read_id(struct ata_port *ap, bool atapi, u16 *id);

/* ---- tests and tuning ---- */
/* The ATA disk behind gendisk disk, or NULL if it is not one. */
struct ata_device *ata_dev_of_disk(struct gendisk *disk);
/* Send reads and writes as NCQ commands or not (quiesces the queue meanwhile). -EINVAL if the disk cannot. */
int ata_dev_set_ncq(struct ata_device *dev, bool on);
/* Whether libata.force=noncq was given (NCQ off on every disk from boot). */
bool ata_force_noncq(void);

#endif
