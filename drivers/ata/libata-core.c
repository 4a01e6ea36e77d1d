/*
 * The ATA protocol, independent of any host adapter (Linux's
 * drivers/ata/libata-core.c): reading IDENTIFY data, building the task
 * file of a read or write, turning a task file into the frame (FIS) a
 * Serial ATA host sends, naming commands and register bits for log
 * lines; and the ports: numbering them, and probing the device a reset
 * found (IDENTIFY, configure, make the disk). include/kestrel/ata.h has
 * the protocol's definitions, include/kestrel/libata.h the driver's;
 * docs/block.md tells how a request becomes a command.
 */
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>
#include <kestrel/libata.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>

/* ---------------------------------------------------------------- IDENTIFY */

unsigned int ata_id_major_version(const u16 *id)
{
	u16 w = id[ATA_ID_MAJOR_VER];

	if (w == 0x0000 || w == 0xffff)
		return 0;
	for (unsigned int v = 14; v >= 1; v--)
		if (w & (1 << v))
			return v;
	return 0;
}

void ata_id_string(const u16 *id, char *s, unsigned int ofs, unsigned int len)
{
	/* Each word holds two characters, the first in its high byte. */
	for (unsigned int i = 0; i < len; i += 2) {
		u16 w = id[ofs + i / 2];

		s[i] = w >> 8;
		if (i + 1 < len)
			s[i + 1] = w & 0xff;
	}
}

void ata_id_c_string(const u16 *id, char *s, unsigned int ofs, unsigned int len)
{
	unsigned int n = len;

	ata_id_string(id, s, ofs, len);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\0'))
		n--;
	s[n] = '\0';
}

u64 ata_id_n_sectors(const u16 *id)
{
	if (!ata_id_has_lba(id))
		return 0;
	if (ata_id_has_lba48(id))
		return (u64)id[ATA_ID_LBA_CAPACITY_2] | (u64)id[ATA_ID_LBA_CAPACITY_2 + 1] << 16 |
		       (u64)id[ATA_ID_LBA_CAPACITY_2 + 2] << 32 |
		       (u64)id[ATA_ID_LBA_CAPACITY_2 + 3] << 48;
	return (u64)id[ATA_ID_LBA_CAPACITY] | (u64)id[ATA_ID_LBA_CAPACITY + 1] << 16;
}

unsigned int ata_id_logical_sector_size(const u16 *id)
{
	u16 w = id[ATA_ID_SECTOR_SIZE];

	/* Bit 12: the logical sector is longer than 256 words; words 117-118 say how long. */
	if (ata_id_word_valid(w) && (w & (1 << 12))) {
		u32 words = id[ATA_ID_LOGICAL_SECTOR_SIZE] |
			    (u32)id[ATA_ID_LOGICAL_SECTOR_SIZE + 1] << 16;

		if (words >= 256 && words <= 0x8000 && !(words & (words - 1)))
			return words * 2;
	}
	return ATA_SECT_SIZE;
}

unsigned int ata_id_logical_per_physical_sectors(const u16 *id)
{
	u16 w = id[ATA_ID_SECTOR_SIZE];

	/* Bit 13: several logical sectors per physical one, 2^(bits 3:0) of them. */
	if (ata_id_word_valid(w) && (w & (1 << 13)))
		return 1U << (w & 0xf);
	return 1;
}

bool ata_id_checksum_ok(const u16 *id)
{
	const u8 *bytes = (const u8 *)id;
	u8 sum = 0;

	if ((id[ATA_ID_INTEGRITY] & 0xff) != 0xa5)
		return true;	/* no checksum offered */
	for (int i = 0; i < ATA_ID_WORDS * 2; i++)
		sum += bytes[i];
	return sum == 0;
}

const char *ata_id_xfer_mode_name(const u16 *id)
{
	static const char *const udma[] = {
		"UDMA/16", "UDMA/25", "UDMA/33", "UDMA/44", "UDMA/66", "UDMA/100", "UDMA/133",
	};

	if (id[ATA_ID_FIELD_VALID] & (1 << 2)) {
		for (int m = 6; m >= 0; m--)
			if (id[ATA_ID_UDMA_MODES] & (1 << m))
				return udma[m];
	}
	if (id[ATA_ID_MWDMA_MODES] & 0x7)
		return "MWDMA";
	return "PIO";
}

/* ---------------------------------------------------------------- commands */

static void tf_set_lba48(struct ata_taskfile *tf, u64 block)
{
	tf->hob_lbah = block >> 40;
	tf->hob_lbam = block >> 32;
	tf->hob_lbal = block >> 24;
	tf->lbah = block >> 16;
	tf->lbam = block >> 8;
	tf->lbal = block;
}

int ata_build_rw_tf(struct ata_taskfile *tf, u64 block, u32 n_block, bool write, bool fua,
		    bool lba48, bool ncq, unsigned int tag)
{
	memset(tf, 0, sizeof(*tf));
	if (!n_block || (ncq && tag >= ATA_MAX_QUEUE))
		return -ERANGE;
	if (fua && !lba48)
		return -EINVAL;
	tf->flags = ATA_TFLAG_LBA | (write ? ATA_TFLAG_WRITE : 0) | (fua ? ATA_TFLAG_FUA : 0);

	if (lba48) {
		if (n_block > ATA_MAX_SECTORS_LBA48 + 1 || block + n_block > (1ULL << 48))
			return -ERANGE;
		tf->flags |= ATA_TFLAG_LBA48;
		tf_set_lba48(tf, block);
		tf->device = ATA_LBA;
		if (ncq) {
			/* The count moves to the features; the count register carries the tag. */
			tf->protocol = ATA_PROT_NCQ;
			tf->command = write ? ATA_CMD_FPDMA_WRITE : ATA_CMD_FPDMA_READ;
			tf->nsect = tag << 3;
			tf->feature = n_block & 0xff;
			tf->hob_feature = (n_block >> 8) & 0xff;
			if (fua)
				tf->device |= ATA_NCQ_FUA;
			return 0;
		}
		tf->protocol = ATA_PROT_DMA;
		tf->command = !write ? ATA_CMD_READ_EXT :
			      fua ? ATA_CMD_WRITE_FUA_EXT : ATA_CMD_WRITE_EXT;
		tf->nsect = n_block & 0xff;		/* 65536 is a count of 0 */
		tf->hob_nsect = (n_block >> 8) & 0xff;
		return 0;
	}
	/* LBA28: 28 address bits, at most 256 sectors, no queueing. */
	if (ncq || n_block > ATA_MAX_SECTORS || block + n_block > (1ULL << 28))
		return -ERANGE;
	tf->protocol = ATA_PROT_DMA;
	tf->command = write ? ATA_CMD_WRITE : ATA_CMD_READ;
	tf->nsect = n_block & 0xff;			/* 256 is a count of 0 */
	tf->lbah = block >> 16;
	tf->lbam = block >> 8;
	tf->lbal = block;
	tf->device = ATA_LBA | ((block >> 24) & 0xf);
	return 0;
}

void ata_tf_to_fis(const struct ata_taskfile *tf, u8 pmp, bool is_cmd, u8 *fis)
{
	fis[0] = SATA_FIS_REG_H2D;
	fis[1] = (pmp & 0xf) | (is_cmd ? SATA_FIS_H2D_C : 0);
	fis[2] = tf->command;
	fis[3] = tf->feature;
	fis[4] = tf->lbal;
	fis[5] = tf->lbam;
	fis[6] = tf->lbah;
	fis[7] = tf->device;
	fis[8] = tf->hob_lbal;
	fis[9] = tf->hob_lbam;
	fis[10] = tf->hob_lbah;
	fis[11] = tf->hob_feature;
	fis[12] = tf->nsect;
	fis[13] = tf->hob_nsect;
	fis[14] = 0;
	fis[15] = tf->ctl;
	fis[16] = fis[17] = fis[18] = fis[19] = 0;
}

void ata_tf_from_fis(const u8 *fis, struct ata_taskfile *tf)
{
	tf->status = fis[2];
	tf->error = fis[3];
	tf->lbal = fis[4];
	tf->lbam = fis[5];
	tf->lbah = fis[6];
	tf->device = fis[7];
	tf->hob_lbal = fis[8];
	tf->hob_lbam = fis[9];
	tf->hob_lbah = fis[10];
	tf->nsect = fis[12];
	tf->hob_nsect = fis[13];
}

const char *ata_get_cmd_name(u8 command)
{
	switch (command) {
	case ATA_CMD_READ:		return "READ DMA";
	case ATA_CMD_WRITE:		return "WRITE DMA";
	case ATA_CMD_READ_EXT:		return "READ DMA EXT";
	case ATA_CMD_WRITE_EXT:		return "WRITE DMA EXT";
	case ATA_CMD_WRITE_FUA_EXT:	return "WRITE DMA FUA EXT";
	case ATA_CMD_FPDMA_READ:	return "READ FPDMA QUEUED";
	case ATA_CMD_FPDMA_WRITE:	return "WRITE FPDMA QUEUED";
	case ATA_CMD_FLUSH:		return "FLUSH CACHE";
	case ATA_CMD_FLUSH_EXT:		return "FLUSH CACHE EXT";
	case ATA_CMD_ID_ATA:		return "IDENTIFY DEVICE";
	case ATA_CMD_ID_ATAPI:		return "IDENTIFY PACKET DEVICE";
	case ATA_CMD_SET_FEATURES:	return "SET FEATURES";
	case ATA_CMD_READ_LOG_EXT:	return "READ LOG EXT";
	default:			return "unknown";
	}
}

/* "{ A B }" of the names of the bits set in v, most significant first. */
static void bits_desc(u8 v, const char *const names[8], char *buf, size_t size)
{
	size_t len = strlcpy(buf, "{", size);

	for (int bit = 7; bit >= 0; bit--)
		if ((v & (1 << bit)) && len < size)
			len += snprintf(buf + len, size - len, " %s", names[bit]);
	if (len < size)
		snprintf(buf + len, size - len, " }");
}

void ata_status_desc(u8 status, char *buf, size_t size)
{
	static const char *const names[8] = { "ERR", "IDX", "SENSE", "DRQ", "DSC", "DF", "DRDY", "BSY" };

	bits_desc(status, names, buf, size);
}

void ata_error_desc(u8 error, char *buf, size_t size)
{
	static const char *const names[8] = { "AMNF", "TRK0NF", "ABRT", "MCR", "IDNF", "MC", "UNC", "ICRC" };

	bits_desc(error, names, buf, size);
}

/* ---------------------------------------------------------------- ports and devices */

LIST_HEAD(ata_ports);
static unsigned int ata_print_id;	/* [c] ports numbered at probe, which is serial */
static bool force_noncq;		/* [c] libata.force=noncq */

static int libata_force_param(const char *val)
{
	while (val && *val) {
		const char *comma = strchr(val, ',');
		size_t len = comma ? (size_t)(comma - val) : strlen(val);

		if (len == 5 && !strncmp(val, "noncq", 5))
			force_noncq = true;
		else
			return -1;
		val = comma ? comma + 1 : NULL;
	}
	return 0;
}
KERNEL_PARAM("libata.force", libata_force_param, "libata.force=noncq (no NCQ on any ATA disk)");

bool ata_force_noncq(void)
{
	return force_noncq;
}

struct ata_port *ata_port_alloc(unsigned int port_no, const struct ata_port_operations *ops,
				void *private_data)
{
	struct ata_port *ap = kzalloc(sizeof(*ap), GFP_KERNEL);

	if (!ap)
		return NULL;
	spin_lock_init(&ap->lock);
	mutex_init(&ap->eh_mutex);
	INIT_WORK(&ap->eh_work, ata_eh_work);
	ap->print_id = ++ata_print_id;
	ap->port_no = port_no;
	snprintf(ap->name, sizeof(ap->name), "ata%u", ap->print_id);
	ap->ops = ops;
	ap->private_data = private_data;
	ap->pflags = ATA_PFLAG_FROZEN;	/* until a disk is live on it */
	list_add_tail(&ap->node, &ata_ports);
	return ap;
}

void ata_port_free(struct ata_port *ap)
{
	list_del(&ap->node);
	kfree(ap);
}

void ata_print_link_status(struct ata_port *ap, u32 sstatus, u32 scontrol)
{
	static const char *const speeds[] = { "1.5", "3.0", "6.0" };
	unsigned int spd = (sstatus >> 4) & 0xf;

	if ((sstatus & 0xf) == SATA_DET_PHY_UP)
		pr_info("%s: SATA link up %s Gbps (SStatus %x SControl %x)\n", ap->name,
			spd >= 1 && spd <= 3 ? speeds[spd - 1] : "<unknown>", sstatus, scontrol);
	else
		pr_info("%s: SATA link down (SStatus %x SControl %x)\n", ap->name, sstatus, scontrol);
}

int ata_dev_read_id(struct ata_port *ap, bool atapi, u16 *id)
{
	struct ata_taskfile tf = {
		.protocol = ATA_PROT_PIO,
		.command = atapi ? ATA_CMD_ID_ATAPI : ATA_CMD_ID_ATA,
		.device = ATA_DEVICE_OBS,
	};
	int err = ap->ops->exec_internal(ap, &tf, id, ATA_ID_WORDS * 2, ATA_TMOUT_INTERNAL);

	if (err) {
		pr_warn("%s.00: %s failed (%s, status 0x%02x error 0x%02x)\n", ap->name,
			ata_get_cmd_name(tf.command), err == -ETIMEDOUT ? "timeout" : "error",
			tf.status, tf.error);
		return err;
	}
	if (!ata_id_checksum_ok(id) || ata_id_is_ata(id) == atapi) {
		pr_warn("%s.00: IDENTIFY data is corrupt (checksum or device type)\n", ap->name);
		return -EIO;
	}
	return 0;
}

/* What IDENTIFY says, into dev's fields, with Linux's two lines about the disk. */
static int ata_dev_configure(struct ata_device *dev)
{
	const u16 *id = dev->id;
	char ncq_desc[24] = "";

	ata_id_c_string(id, dev->model, ATA_ID_PROD, ATA_ID_PROD_LEN);
	ata_id_c_string(id, dev->serial, ATA_ID_SERNO, ATA_ID_SERNO_LEN);
	ata_id_c_string(id, dev->fw_rev, ATA_ID_FW_REV, ATA_ID_FW_REV_LEN);
	pr_info("%s: ATA-%u: %s, %s, max %s\n", dev->name, ata_id_major_version(id), dev->model,
		dev->fw_rev, ata_id_xfer_mode_name(id));
	if (!ata_id_has_lba(id) || !ata_id_has_dma(id)) {
		pr_err("%s: no LBA or no DMA: not supported\n", dev->name);
		return -EOPNOTSUPP;
	}
	dev->n_sectors = ata_id_n_sectors(id);
	dev->sector_size = ata_id_logical_sector_size(id);
	dev->phys_per_log = ata_id_logical_per_physical_sectors(id);
	if (!dev->n_sectors || dev->sector_size > PAGE_SIZE ||
	    dev->sector_size * dev->phys_per_log > 65536) {
		pr_err("%s: %llu sectors of %u bytes: not supported\n", dev->name,
		       (unsigned long long)dev->n_sectors, dev->sector_size);
		return -EOPNOTSUPP;
	}
	dev->flags = 0;
	if (ata_id_has_lba48(id))
		dev->flags |= ATA_DFLAG_LBA48;
	if (ata_id_has_flush_ext(id))
		dev->flags |= ATA_DFLAG_FLUSH_EXT;
	if (ata_id_wcache_enabled(id))
		dev->flags |= ATA_DFLAG_WCACHE;
	if ((dev->flags & ATA_DFLAG_LBA48) && ata_id_has_fua(id))
		dev->flags |= ATA_DFLAG_FUA;
	if ((dev->flags & ATA_DFLAG_LBA48) && ata_id_has_ncq(id)) {
		if (!dev->ap->host_ncq) {
			snprintf(ncq_desc, sizeof(ncq_desc), "NCQ (not used)");
		} else {
			dev->flags |= ATA_DFLAG_NCQ;
			dev->ncq_depth = min(ata_id_queue_depth(id), dev->ap->max_slots);
			dev->ncq_enabled = !force_noncq;
			snprintf(ncq_desc, sizeof(ncq_desc), "NCQ (depth %u%s)", dev->ncq_depth,
				 force_noncq ? ", off" : "");
		}
	}
	pr_info("%s: %llu sectors, multi %u: %s %s\n", dev->name,
		(unsigned long long)dev->n_sectors, id[ATA_ID_MAX_MULTSECT] & 0xff,
		dev->flags & ATA_DFLAG_LBA48 ? "LBA48" : "LBA", ncq_desc);
	return 0;
}

static const char *const ata_class_names[] = {
	[ATA_DEV_NONE] = "none", [ATA_DEV_ATA] = "ATA", [ATA_DEV_ATAPI] = "ATAPI",
	[ATA_DEV_PMP] = "port multiplier", [ATA_DEV_UNKNOWN] = "unknown",
};

/* Say what the packet device is, and that it is left alone. */
static void ata_atapi_skip(struct ata_port *ap)
{
	u16 *id = kmalloc(ATA_ID_WORDS * 2, GFP_KERNEL);
	char model[ATA_ID_PROD_LEN + 1], fw[ATA_ID_FW_REV_LEN + 1];

	if (id && !ata_dev_read_id(ap, true, id)) {
		ata_id_c_string(id, model, ATA_ID_PROD, ATA_ID_PROD_LEN);
		ata_id_c_string(id, fw, ATA_ID_FW_REV, ATA_ID_FW_REV_LEN);
		pr_info("%s.00: ATAPI: %s, %s, max %s\n", ap->name, model, fw,
			ata_id_xfer_mode_name(id));
	}
	pr_info("%s.00: ATAPI devices (CD/DVD) are not supported: skipped\n", ap->name);
	kfree(id);
}

int ata_port_probe(struct ata_port *ap, enum ata_dev_class class)
{
	struct ata_device *dev;
	unsigned long flags;
	int err;

	ap->class = class;
	switch (class) {
	case ATA_DEV_NONE:
		return -ENODEV;
	case ATA_DEV_ATA:
		break;
	case ATA_DEV_ATAPI:
		ata_atapi_skip(ap);
		return -EOPNOTSUPP;
	default:
		pr_info("%s: %s device: not supported, skipped\n", ap->name, ata_class_names[class]);
		return -EOPNOTSUPP;
	}
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->id = kmalloc(ATA_ID_WORDS * 2, GFP_KERNEL);
	dev->eh_id = kmalloc(ATA_ID_WORDS * 2, GFP_KERNEL);
	if (!dev->id || !dev->eh_id) {
		err = -ENOMEM;
		goto fail;
	}
	dev->ap = ap;
	snprintf(dev->name, sizeof(dev->name), "%s.00", ap->name);
	err = ata_dev_read_id(ap, false, dev->id);
	if (!err)
		err = ata_dev_configure(dev);
	if (err)
		goto fail;
	ap->dev = dev;
	/* Live: completions flow from here on (the partition scan needs them). */
	spin_lock_irqsave(&ap->lock, flags);
	ap->pflags &= ~ATA_PFLAG_FROZEN;
	ap->ops->thaw(ap);
	spin_unlock_irqrestore(&ap->lock, flags);
	err = ata_dev_add_disk(dev);
	if (err) {
		spin_lock_irqsave(&ap->lock, flags);
		ap->pflags |= ATA_PFLAG_FROZEN;
		ap->ops->freeze(ap);
		spin_unlock_irqrestore(&ap->lock, flags);
		ap->dev = NULL;
		goto fail;
	}
	return 0;
fail:
	kfree(dev->id);
	kfree(dev->eh_id);
	kfree(dev);
	return err;
}
