/*
 * The ATA command set as the host sees it (Linux's include/linux/ata.h):
 * the IDENTIFY DEVICE words a driver reads, command opcodes, the status
 * and error register bits, the task file (a command's registers) and the
 * Serial ATA frame (FIS) that carries it. Pure definitions and inline
 * helpers: no driver state (that is include/kestrel/libata.h).
 *
 * Sources: ATA/ATAPI Command Set (ACS-3) for IDENTIFY and the commands,
 * Serial ATA 3.x for the FIS layout and NCQ. IDENTIFY data is 256
 * little-endian 16-bit words; its strings store two characters per word,
 * the first one in the high byte.
 */
#ifndef KESTREL_ATA_H
#define KESTREL_ATA_H

#include <kestrel/types.h>

#define ATA_SECT_SIZE 512
#define ATA_ID_WORDS 256
#define ATA_MAX_QUEUE 32		/* NCQ tags 0..31 */
#define ATA_MAX_SECTORS_LBA48 65535	/* per command (65536 would be a count of 0) */
#define ATA_MAX_SECTORS 256		/* LBA28 commands */

/* ---- IDENTIFY DEVICE word numbers (ACS-3 7.12.7) ---- */
enum {
	ATA_ID_CONFIG = 0,		/* bit 15: 0 for an ATA device */
	ATA_ID_SERNO = 10,		/* 20 characters */
	ATA_ID_FW_REV = 23,		/* 8 characters */
	ATA_ID_PROD = 27,		/* model number, 40 characters */
	ATA_ID_MAX_MULTSECT = 47,
	ATA_ID_CAPABILITY = 49,		/* bit 9: LBA, bit 8: DMA */
	ATA_ID_FIELD_VALID = 53,	/* bit 2: word 88 valid */
	ATA_ID_LBA_CAPACITY = 60,	/* words 60-61: LBA28 sectors */
	ATA_ID_MWDMA_MODES = 63,
	ATA_ID_QUEUE_DEPTH = 75,	/* bits 4:0: NCQ depth - 1 */
	ATA_ID_SATA_CAPABILITY = 76,	/* bit 8: NCQ; bits 3:1: Gen3/2/1 speeds */
	ATA_ID_MAJOR_VER = 80,		/* bit n: ATA/ATAPI-n (ACS-n: n >= 8) */
	ATA_ID_COMMAND_SET_1 = 82,	/* bit 5: write cache supported */
	ATA_ID_COMMAND_SET_2 = 83,	/* bit 13: FLUSH CACHE EXT, bit 10: LBA48 */
	ATA_ID_CFSSE = 84,		/* bit 6: WRITE DMA FUA EXT */
	ATA_ID_CFS_ENABLE_1 = 85,	/* bit 5: write cache enabled */
	ATA_ID_CFS_ENABLE_2 = 86,	/* bit 10: LBA48 enabled */
	ATA_ID_UDMA_MODES = 88,		/* bits 6:0: Ultra DMA modes supported */
	ATA_ID_LBA_CAPACITY_2 = 100,	/* words 100-103: LBA48 sectors */
	ATA_ID_SECTOR_SIZE = 106,	/* physical / logical sector size */
	ATA_ID_LOGICAL_SECTOR_SIZE = 117,	/* words 117-118: in words, if word 106 bit 12 */
	ATA_ID_ROT_SPEED = 217,		/* 1: not rotating (solid state) */
	ATA_ID_INTEGRITY = 255,		/* 0xA5 in bits 7:0, checksum in 15:8 */
};

#define ATA_ID_SERNO_LEN 20
#define ATA_ID_FW_REV_LEN 8
#define ATA_ID_PROD_LEN 40

/* The PxSIG / task-file signature a device leaves after reset. */
#define ATA_SIG_ATA 0x00000101
#define ATA_SIG_ATAPI 0xeb140101
#define ATA_SIG_PMP 0x96690101		/* port multiplier */
#define ATA_SIG_SEMB 0xc33c0101		/* enclosure bridge */

/* ---- commands ---- */
enum {
	ATA_CMD_READ = 0xc8,		/* READ DMA (LBA28) */
	ATA_CMD_WRITE = 0xca,		/* WRITE DMA (LBA28) */
	ATA_CMD_READ_EXT = 0x25,	/* READ DMA EXT */
	ATA_CMD_WRITE_EXT = 0x35,	/* WRITE DMA EXT */
	ATA_CMD_WRITE_FUA_EXT = 0x3d,	/* WRITE DMA FUA EXT */
	ATA_CMD_FPDMA_READ = 0x60,	/* READ FPDMA QUEUED (NCQ) */
	ATA_CMD_FPDMA_WRITE = 0x61,	/* WRITE FPDMA QUEUED (NCQ) */
	ATA_CMD_FLUSH = 0xe7,		/* FLUSH CACHE */
	ATA_CMD_FLUSH_EXT = 0xea,	/* FLUSH CACHE EXT */
	ATA_CMD_ID_ATA = 0xec,		/* IDENTIFY DEVICE */
	ATA_CMD_ID_ATAPI = 0xa1,	/* IDENTIFY PACKET DEVICE */
	ATA_CMD_SET_FEATURES = 0xef,
	ATA_CMD_READ_LOG_EXT = 0x2f,
};

/* ---- status register ---- */
#define ATA_BUSY 0x80
#define ATA_DRDY 0x40
#define ATA_DF 0x20			/* device fault */
#define ATA_DSC 0x10
#define ATA_DRQ 0x08
#define ATA_SENSE 0x02
#define ATA_ERR 0x01

/* ---- error register ---- */
#define ATA_ICRC 0x80			/* interface CRC error */
#define ATA_UNC 0x40			/* uncorrectable data */
#define ATA_MC 0x20
#define ATA_IDNF 0x10			/* address not found */
#define ATA_MCR 0x08
#define ATA_ABORTED 0x04
#define ATA_TRK0NF 0x02
#define ATA_AMNF 0x01

/* Device register: LBA addressing (bit 6), and the obsolete bits 7 and 5 of old commands. */
#define ATA_LBA 0x40
#define ATA_DEVICE_OBS 0xa0
#define ATA_NCQ_FUA 0x80		/* device register of an NCQ write: forced unit access */

/* ---- the task file: one command's registers ---- */
enum ata_tf_protocols {
	ATA_PROT_UNKNOWN,
	ATA_PROT_NODATA,		/* no data phase (FLUSH CACHE) */
	ATA_PROT_PIO,			/* data by PIO (IDENTIFY) */
	ATA_PROT_DMA,			/* data by DMA, one command at a time */
	ATA_PROT_NCQ,			/* first-party DMA, queued by tag */
};

#define ATA_TFLAG_LBA48 (1 << 0)	/* the hob_* registers count */
#define ATA_TFLAG_WRITE (1 << 3)	/* data goes to the device */
#define ATA_TFLAG_LBA (1 << 4)
#define ATA_TFLAG_FUA (1 << 5)

struct ata_taskfile {
	unsigned int flags;		/* ATA_TFLAG_* */
	u8 protocol;			/* enum ata_tf_protocols */
	u8 command;
	u8 feature, hob_feature;	/* features 7:0 and 15:8 */
	u8 nsect, hob_nsect;		/* count 7:0 and 15:8 */
	u8 lbal, lbam, lbah;		/* LBA 7:0, 15:8, 23:16 */
	u8 hob_lbal, hob_lbam, hob_lbah;	/* LBA 31:24, 39:32, 47:40 */
	u8 device;
	u8 ctl;				/* device control */
	u8 status, error;		/* what came back (result task files) */
};

/* ---- Serial ATA frames (SATA 3.x 10.5) ---- */
enum {
	SATA_FIS_REG_H2D = 0x27,	/* host to device: a command */
	SATA_FIS_REG_D2H = 0x34,	/* device to host: status */
	SATA_FIS_DMA_SETUP = 0x41,
	SATA_FIS_PIO_SETUP = 0x5f,
	SATA_FIS_SDB = 0xa1,		/* set device bits: NCQ completions */
};
#define SATA_FIS_H2D_LEN 20		/* bytes */
#define SATA_FIS_H2D_C (1 << 7)		/* byte 1: this FIS carries a command */

/* SStatus (SCR0) DET: what the link sees. SControl DET 1: send COMRESET. */
#define SATA_DET_NONE 0x0
#define SATA_DET_PRESENT 0x1		/* device there, no communication yet */
#define SATA_DET_PHY_UP 0x3		/* device there and talking */
#define SATA_DET_OFFLINE 0x4

/* ---- reading IDENTIFY data ---- */

/* Both words of a "valid if bit 14 is 1 and bit 15 is 0" pair. */
static inline bool ata_id_word_valid(u16 w)
{
	return (w & 0xc000) == 0x4000;
}

static inline bool ata_id_is_ata(const u16 *id)
{
	return !(id[ATA_ID_CONFIG] & (1 << 15));
}

static inline bool ata_id_has_lba(const u16 *id)
{
	return id[ATA_ID_CAPABILITY] & (1 << 9);
}

static inline bool ata_id_has_dma(const u16 *id)
{
	return id[ATA_ID_CAPABILITY] & (1 << 8);
}

static inline bool ata_id_has_lba48(const u16 *id)
{
	if (!ata_id_word_valid(id[ATA_ID_COMMAND_SET_2]))
		return false;
	/* Supported (83) and enabled (86): a host-protected area can turn it off. */
	return (id[ATA_ID_COMMAND_SET_2] & (1 << 10)) && (id[ATA_ID_CFS_ENABLE_2] & (1 << 10));
}

static inline bool ata_id_has_flush_ext(const u16 *id)
{
	return ata_id_word_valid(id[ATA_ID_COMMAND_SET_2]) &&
	       (id[ATA_ID_COMMAND_SET_2] & (1 << 13));
}

static inline bool ata_id_has_fua(const u16 *id)
{
	return ata_id_word_valid(id[ATA_ID_CFSSE]) && (id[ATA_ID_CFSSE] & (1 << 6));
}

static inline bool ata_id_has_wcache(const u16 *id)
{
	return id[ATA_ID_COMMAND_SET_1] & (1 << 5);
}

static inline bool ata_id_wcache_enabled(const u16 *id)
{
	return id[ATA_ID_CFS_ENABLE_1] & (1 << 5);
}

/* Serial ATA word 76: 0x0000 and 0xffff mean "not reported". */
static inline bool ata_id_has_ncq(const u16 *id)
{
	u16 w = id[ATA_ID_SATA_CAPABILITY];

	return w != 0x0000 && w != 0xffff && (w & (1 << 8));
}

static inline unsigned int ata_id_queue_depth(const u16 *id)
{
	return (id[ATA_ID_QUEUE_DEPTH] & 0x1f) + 1;
}

static inline bool ata_id_is_ssd(const u16 *id)
{
	return id[ATA_ID_ROT_SPEED] == 0x0001;
}

/* ATA/ATAPI-n or ACS-n: the highest bit of word 80 (0 if not reported). */
unsigned int ata_id_major_version(const u16 *id);

/*
 * Copy len bytes (even) of the string at word ofs of id into s, turning
 * the words' byte order into character order (no terminator).
 */
void ata_id_string(const u16 *id, char *s, unsigned int ofs, unsigned int len);
/*
 * The same into a C string of size len + 1: trailing spaces (and NULs)
 * cut, terminated. ATA pads its strings with spaces.
 */
void ata_id_c_string(const u16 *id, char *s, unsigned int ofs, unsigned int len);

/* User-addressable sectors: the LBA48 count if LBA48 is on, else the LBA28 one (0 without LBA). */
u64 ata_id_n_sectors(const u16 *id);
/* Logical sector size in bytes (512 unless word 106 says otherwise). */
unsigned int ata_id_logical_sector_size(const u16 *id);
/* Logical sectors per physical sector (a power of two: 1, 2, 4, 8...). */
unsigned int ata_id_logical_per_physical_sectors(const u16 *id);
/* Whether word 255's checksum (when its 0xA5 signature is there) adds up. */
bool ata_id_checksum_ok(const u16 *id);

/* ---- building commands (drivers/ata/libata-core.c) ---- */

/*
 * The task file of a read or write of n_block logical sectors at block:
 * NCQ (READ/WRITE FPDMA QUEUED with tag) when ncq, else READ/WRITE DMA
 * EXT (LBA48) or READ/WRITE DMA (LBA28, when lba48 is false and the
 * range fits). fua asks for forced unit access on a write. Returns 0, or
 * -ERANGE when the range does not fit the addressing (or n_block is 0 or
 * too large), -EINVAL for fua without lba48.
 */
int ata_build_rw_tf(struct ata_taskfile *tf, u64 block, u32 n_block, bool write, bool fua,
		    bool lba48, bool ncq, unsigned int tag);
/* The 20-byte host-to-device register FIS carrying tf (pmp: port-multiplier port, 0). */
void ata_tf_to_fis(const struct ata_taskfile *tf, u8 pmp, bool is_cmd, u8 *fis);
/* The status and error registers a device-to-host FIS reports into tf. */
void ata_tf_from_fis(const u8 *fis, struct ata_taskfile *tf);
/* "READ FPDMA QUEUED", "FLUSH CACHE EXT", ... for log lines; "unknown" otherwise. */
const char *ata_get_cmd_name(u8 command);
/* "{ DRDY ERR }" / "{ UNC ABRT }" style descriptions of the two registers into buf. */
void ata_status_desc(u8 status, char *buf, size_t size);
void ata_error_desc(u8 error, char *buf, size_t size);
/* Highest Ultra DMA mode of IDENTIFY word 88, "UDMA/133" ... or "PIO" when none. */
const char *ata_id_xfer_mode_name(const u16 *id);

#endif
