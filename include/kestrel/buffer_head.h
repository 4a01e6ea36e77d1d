/*
 * Buffer heads (fs/buffer.c): a file system's view of one block of a
 * block device, kept in the page cache (Linux's include/linux/buffer_head.h).
 *
 * A folio of a block device's cache (or of a file that maps its blocks
 * through get_block) may carry buffer heads, one per block it holds,
 * linked in a ring by b_this_page and hung on folio->private. A buffer
 * knows its block (b_blocknr, in b_size units), its bytes (b_data) and
 * its state bits. File systems read metadata with sb_bread(), change it
 * in b_data, mark_buffer_dirty() it (writeback writes it later) or
 * sync_dirty_buffer() it (written now), and brelse() it.
 *
 *	struct buffer_head *bh = sb_bread(sb, block);	// NULL: I/O error
 *	if (!bh)
 *		return -EIO;
 *	memcpy(&raw, bh->b_data + offset, sizeof(raw));
 *	...
 *	mark_buffer_dirty(bh);
 *	brelse(bh);
 *
 * I/O on a buffer: lock_buffer() (BH_Lock, a sleeping bit lock), set
 * b_end_io, submit_bh(); the completion calls b_end_io (through
 * vfs_call_b_end_io, include/kestrel/contract/buffer_head.h) from the bio's
 * completion, in interrupt context, with the buffer still locked; it
 * records the result and unlocks. wait_on_buffer() sleeps until then.
 *
 * Locking: the folio lock covers creating and freeing a folio's buffers;
 * BH_Lock covers a buffer's I/O; the state bits are atomic. b_count keeps
 * a buffer (and its folio's buffers) from being freed; the folio itself
 * holds a reference while it has buffers.
 */
#ifndef KESTREL_BUFFER_HEAD_H
#define KESTREL_BUFFER_HEAD_H

#include <kestrel/atomic.h>
#include <kestrel/bitops.h>
#include <kestrel/blk_types.h>
#include <kestrel/fs.h>

struct folio;
struct page;

enum bh_state_bits {
	BH_Uptodate,	/* b_data holds the block's contents */
	BH_Dirty,	/* b_data is newer than the disk */
	BH_Lock,	/* I/O in flight (or the owner is about to start some) */
	BH_Req,		/* I/O was started at least once */
	BH_Mapped,	/* b_bdev and b_blocknr are valid */
	BH_New,		/* get_block just allocated the block: its disk contents are garbage */
	BH_Async_Read,	/* part of a folio read (the folio's last one ends the folio) */
	BH_Async_Write,	/* part of a folio write */
	BH_Write_EIO,	/* the last write failed */
	BH_Meta,	/* file-system metadata */
};

struct buffer_head;
typedef void(bh_end_io_t)(struct buffer_head *bh, int uptodate);

/*
 * Locks used to protect struct members:
 *	[a] atomic: bitops on b_state, b_count
 *	[S] a lock itself
 *	[f] the folio lock (creating and freeing a folio's buffers)
 *	[l] BH_Lock, held by whoever does the buffer's I/O (or maps it)
 */
struct buffer_head {
	unsigned long b_state;		/* [a] BH_* bits */
	struct buffer_head *b_this_page; /* [f] next buffer of the folio (a ring) */
	struct folio *b_folio;		/* [f] the folio holding it */
	struct page *b_page;		/* [f] b_folio's page */
	sector_t b_blocknr;		/* [l] block number, in b_size units */
	size_t b_size;			/* [f] bytes */
	char *b_data;			/* [f] where they are */
	struct block_device *b_bdev;	/* [l] */
	bh_end_io_t *b_end_io;		/* [l] I/O completion */
	void *b_private;		/* [l] for b_end_io */
	atomic_t b_count;		/* [a] users */
	spinlock_t b_uptodate_lock;	/* [S] the first buffer's: serializes the folio's async completions */
};

#define BUFFER_FNS(bit, name)                                                        \
	static inline bool buffer_##name(const struct buffer_head *bh)               \
	{                                                                            \
		return test_bit_acquire(BH_##bit, &bh->b_state);                      \
	}                                                                            \
	static inline void set_buffer_##name(struct buffer_head *bh)                 \
	{                                                                            \
		set_bit(BH_##bit, &bh->b_state);                                     \
	}                                                                            \
	static inline void clear_buffer_##name(struct buffer_head *bh)               \
	{                                                                            \
		clear_bit(BH_##bit, &bh->b_state);                                   \
	}                                                                            \
	static inline bool test_set_buffer_##name(struct buffer_head *bh)            \
	{                                                                            \
		return test_and_set_bit(BH_##bit, &bh->b_state);                     \
	}                                                                            \
	static inline bool test_clear_buffer_##name(struct buffer_head *bh)          \
	{                                                                            \
		return test_and_clear_bit(BH_##bit, &bh->b_state);                   \
	}

BUFFER_FNS(Uptodate, uptodate)
BUFFER_FNS(Dirty, dirty)
BUFFER_FNS(Lock, locked)
BUFFER_FNS(Req, req)
BUFFER_FNS(Mapped, mapped)
BUFFER_FNS(New, new)
BUFFER_FNS(Async_Read, async_read)
BUFFER_FNS(Async_Write, async_write)
BUFFER_FNS(Write_EIO, write_io_error)
BUFFER_FNS(Meta, meta)

static inline void get_bh(struct buffer_head *bh) { atomic_inc(&bh->b_count); }
static inline void put_bh(struct buffer_head *bh) { atomic_dec(&bh->b_count); }

/* The first buffer of a folio, or NULL. */
struct buffer_head *folio_buffers(struct folio *folio);

/* Point bh at block of the super block's device (get_block's job). */
static inline void map_bh(struct buffer_head *bh, struct super_block *sb, sector_t block)
{
	set_buffer_mapped(bh);
	bh->b_bdev = sb->s_bdev;
	bh->b_blocknr = block;
	bh->b_size = sb->s_blocksize;
}

/* ---- locking and waiting ---- */
void lock_buffer(struct buffer_head *bh);
bool trylock_buffer(struct buffer_head *bh);
/* Clear BH_Lock and wake its waiters. Any context. */
void unlock_buffer(struct buffer_head *bh);
void wait_on_buffer(struct buffer_head *bh);

/* ---- getting buffers (a reference each: brelse) ---- */
/* The buffer of block (size bytes) of bdev, cached or new (not read); NULL without memory. */
struct buffer_head *__getblk(struct block_device *bdev, sector_t block, unsigned int size);
/* The same, read from the device if not uptodate; NULL on an I/O error or without memory. */
struct buffer_head *__bread(struct block_device *bdev, sector_t block, unsigned int size);
static inline struct buffer_head *sb_bread(struct super_block *sb, sector_t block)
{
	return __bread(sb->s_bdev, block, sb->s_blocksize);
}
static inline struct buffer_head *sb_getblk(struct super_block *sb, sector_t block)
{
	return __getblk(sb->s_bdev, block, sb->s_blocksize);
}
/* A cached buffer only (no I/O, no allocation), or NULL. */
struct buffer_head *__find_get_block(struct block_device *bdev, sector_t block, unsigned int size);
/* Drop a reference (NULL is fine). */
void __brelse(struct buffer_head *bh);
static inline void brelse(struct buffer_head *bh)
{
	if (bh)
		__brelse(bh);
}
/* brelse, and the block's contents are not wanted any more: forget it is dirty. */
void bforget(struct buffer_head *bh);

/* ---- I/O ---- */
/* Start I/O of a locked buffer (its b_end_io set). REQ_OP_READ or REQ_OP_WRITE with flags. */
void submit_bh(blk_opf_t opf, struct buffer_head *bh);
/* Read a locked buffer and wait: 0 or -EIO (it is unlocked on return). */
int bh_read_locked_sync(struct buffer_head *bh);
/* The b_end_io of synchronous reads and writes: record, unlock, drop the I/O's reference. */
void end_buffer_read_sync(struct buffer_head *bh, int uptodate);
void end_buffer_write_sync(struct buffer_head *bh, int uptodate);
/* Dirty the buffer and its folio: writeback will write it. */
void mark_buffer_dirty(struct buffer_head *bh);
/* Write it now if dirty and wait: 0 or -EIO. */
int sync_dirty_buffer(struct buffer_head *bh);
int __sync_dirty_buffer(struct buffer_head *bh, blk_opf_t op_flags);

/* ---- buffers of a folio ---- */
/*
 * Give a locked folio buffers of blocksize bytes, each with the state
 * bits b_state (plus uptodate/dirty if the folio is). Returns the first,
 * or NULL without memory.
 */
struct buffer_head *create_empty_buffers(struct folio *folio, unsigned long blocksize,
					 unsigned long b_state);
/* Free a locked folio's buffers if none is in use or dirty or locked; true if it has none now. */
bool try_to_free_buffers(struct folio *folio);

/* ---- page-cache operations on buffers, for a file system's address_space_operations ---- */
typedef int(get_block_t)(struct inode *inode, sector_t iblock, struct buffer_head *bh_result,
			 int create);
int block_read_full_folio(struct folio *folio, get_block_t *get_block);
int __block_write_full_folio(struct inode *inode, struct folio *folio, get_block_t *get_block,
			     struct writeback_control *wbc);
int block_write_begin(struct address_space *mapping, loff_t pos, unsigned len,
		      struct folio **foliop, get_block_t *get_block);
int block_write_end(struct file *file, struct address_space *mapping, loff_t pos, unsigned len,
		    unsigned copied, struct folio *folio, void *fsdata);
/* block_write_end, then i_size moves if the write went past it (the VFS's ->write_end). */
int generic_write_end(struct file *file, struct address_space *mapping, loff_t pos, unsigned len,
		      unsigned copied, struct folio *folio, void *fsdata);
bool block_dirty_folio(struct address_space *mapping, struct folio *folio);
void block_invalidate_folio(struct folio *folio, size_t offset, size_t length);
bool block_release_folio(struct folio *folio, gfp_t gfp);
/* Whole-folio reads without buffers when the blocks are contiguous (fs/mpage.c). */
int mpage_read_folio(struct folio *folio, get_block_t *get_block);
void mpage_readahead(struct readahead_control *rac, get_block_t *get_block);

void buffer_init(void);

#endif
