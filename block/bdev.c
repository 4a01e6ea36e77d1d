/*
 * struct block_device and its inode; opening and closing a block device.
 *
 * Every block_device lives in a struct bdev_inode together with an inode
 * of the internal "bdev" file system (as Linux). The inode's page cache
 * is the device's: /dev/vda's read() and write(), and the buffer heads
 * of a file system on it, use bd_inode->i_mapping. The inode is on the
 * bdev super block, so sync(2) and the flusher thread write its dirty
 * pages back like any file's.
 *
 * Opening (blkdev_get_by_dev): under the disk's open_mutex, as the spec
 * requires for ->open and ->release. Opening a partition opens the whole
 * disk too. The first open of a disk whose table must be read
 * (GD_NEED_PART_SCAN) reads it. The last close of a device writes its
 * dirty pages back and empties its cache, as Linux does.
 */
#include <kestrel/blk-mq.h>
#include <kestrel/contract/blkdev.h>
#include <kestrel/errno.h>
#include <kestrel/mount.h>
#include <kestrel/namei.h>
#include <kestrel/pagemap.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include "blk.h"

#define BDEVFS_MAGIC 0x62646576

struct bdev_inode {
	struct block_device bdev;
	struct inode vfs_inode;
};

static struct kmem_cache *bdev_cachep;
static struct super_block *blockdev_superblock;

static struct bdev_inode *BDEV_I(struct inode *inode)
{
	return container_of(inode, struct bdev_inode, vfs_inode);
}

struct block_device *I_BDEV(struct inode *inode)
{
	return &BDEV_I(inode)->bdev;
}

/* ---------------------------------------------------------------- the bdev file system */

static struct inode *bdev_alloc_inode(struct super_block *sb)
{
	struct bdev_inode *bi = kmem_cache_alloc(bdev_cachep, GFP_KERNEL);

	if (!bi)
		return NULL;
	memset(&bi->bdev, 0, sizeof(bi->bdev));
	return &bi->vfs_inode;
}

static void bdev_free_inode(struct inode *inode)
{
	kmem_cache_free(bdev_cachep, BDEV_I(inode));
}

static const struct super_operations bdev_sops = {
	.alloc_inode = bdev_alloc_inode,
	.free_inode = bdev_free_inode,
	.drop_inode = generic_delete_inode,
	.statfs = simple_statfs,
};

static int bdev_fill_super(struct super_block *sb, void *data, int silent)
{
	sb->s_op = &bdev_sops;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	return simple_fill_super_root(sb, BDEVFS_MAGIC, 0700);
}

static struct dentry *bdev_mount(struct file_system_type *fs_type, int flags,
				 const char *dev_name, void *data)
{
	return mount_nodev(fs_type, flags, data, bdev_fill_super);
}

static struct file_system_type bd_type = {
	.name = "bdev",
	.mount = bdev_mount,
	.kill_sb = kill_anon_super,
};

void bdev_init(void)
{
	struct vfsmount *mnt;

	bdev_cachep = kmem_cache_create("bdev_cache", sizeof(struct bdev_inode), 0,
					SLAB_HWCACHE_ALIGN);
	if (!bdev_cachep || register_filesystem(&bd_type))
		panic("block: cannot register the bdev file system");
	mnt = kern_mount(&bd_type);
	if (IS_ERR(mnt))
		panic("block: cannot mount the bdev file system (%ld)", PTR_ERR(mnt));
	blockdev_superblock = mnt->mnt_sb;
}

struct block_device *bdev_alloc(struct gendisk *disk, u8 partno)
{
	struct inode *inode = new_inode(blockdev_superblock);
	struct block_device *bdev;

	if (!inode)
		return NULL;
	inode->i_mode = S_IFBLK;
	inode->i_ino = get_next_ino();
	inode->i_data.a_ops = &def_blk_aops;
	inode->i_blkbits = PAGE_SHIFT;
	bdev = I_BDEV(inode);
	spin_lock_init(&bdev->bd_size_lock);
	spin_lock_init(&bdev->bd_stats_lock);
	bdev->bd_disk = disk;
	bdev->bd_queue = disk->queue;
	bdev->bd_partno = partno;
	bdev->bd_inode = inode;
	bdev->bd_stats.stamp = jiffies;
	return bdev;
}

void bdev_free(struct block_device *bdev)
{
	iput(bdev->bd_inode);	/* the bdev goes with its inode */
}

void bdev_set_nr_sectors(struct block_device *bdev, sector_t sectors)
{
	spin_lock(&bdev->bd_size_lock);
	WRITE_ONCE(bdev->bd_nr_sectors, sectors);
	i_size_write(bdev->bd_inode, (loff_t)sectors << SECTOR_SHIFT);
	spin_unlock(&bdev->bd_size_lock);
}

/* ---------------------------------------------------------------- the cache */

int sync_blockdev(struct block_device *bdev)
{
	return filemap_write_and_wait(bdev->bd_inode->i_mapping);
}

void invalidate_bdev(struct block_device *bdev)
{
	invalidate_mapping_pages(bdev->bd_inode->i_mapping, 0, ~0UL);
}

/* Throw the whole cache away (after sync_blockdev): the last close, a block size change. */
static void kill_bdev(struct block_device *bdev)
{
	struct address_space *mapping = bdev->bd_inode->i_mapping;

	if (!mapping->nrpages)
		return;
	filemap_invalidate_lock(mapping);
	truncate_inode_pages(mapping, 0);
	filemap_invalidate_unlock(mapping);
}

/*
 * The buffer size the device starts with: its logical block size, doubled
 * while the device size stays a multiple of it, up to a page (Linux's
 * set_init_blocksize).
 */
static void set_init_blocksize(struct block_device *bdev)
{
	unsigned int bsize = bdev_logical_block_size(bdev);
	loff_t size = i_size_read(bdev->bd_inode);

	while (bsize < PAGE_SIZE && !(size & bsize))
		bsize <<= 1;
	bdev->bd_inode->i_blkbits = blksize_bits(bsize);
}

int set_blocksize(struct block_device *bdev, int size)
{
	if (size > (int)PAGE_SIZE || size < SECTOR_SIZE || (size & (size - 1)))
		return -EINVAL;
	if ((unsigned int)size < bdev_logical_block_size(bdev))
		return -EINVAL;
	if (bdev->bd_inode->i_blkbits != blksize_bits(size)) {
		sync_blockdev(bdev);
		inode_lock(bdev->bd_inode);
		bdev->bd_inode->i_blkbits = blksize_bits(size);
		kill_bdev(bdev);
		inode_unlock(bdev->bd_inode);
	}
	return 0;
}

int blkdev_issue_flush(struct block_device *bdev)
{
	struct bio *bio;
	int err;

	if (!bdev_write_cache(bdev))
		return 0;
	bio = bio_alloc(bdev, 0, REQ_OP_FLUSH | REQ_SYNC, GFP_KERNEL);
	if (!bio)
		return -ENOMEM;
	err = submit_bio_wait(bio);
	bio_put(bio);
	return err;
}

/* ---------------------------------------------------------------- open and close */

static bool bd_may_claim(struct block_device *bdev, void *holder)
{
	struct block_device *whole = bdev_whole(bdev);

	if (bdev->bd_holder)
		return bdev->bd_holder == holder;
	return whole == bdev || !whole->bd_holder || whole->bd_holder == holder;
}

static int blkdev_get_whole(struct block_device *bdev, fmode_t mode)
{
	struct gendisk *disk = bdev->bd_disk;
	int err;

	if (disk->fops->open) {
		err = vfs_call_bd_open(bdev, mode);
		if (err)
			return err;
	}
	if (!bdev->bd_openers)
		set_init_blocksize(bdev);
	if (test_bit_acquire(GD_NEED_PART_SCAN, &disk->state)) {
		clear_bit(GD_NEED_PART_SCAN, &disk->state);
		err = disk_scan_partitions(disk);
		if (err && err != -EINVAL)
			pr_warn("%s: partition table not read (error %d)\n", disk->disk_name, err);
	}
	bdev->bd_openers++;
	return 0;
}

static void blkdev_put_whole(struct block_device *bdev, fmode_t mode)
{
	struct gendisk *disk = bdev->bd_disk;

	if (--bdev->bd_openers == 0) {
		sync_blockdev(bdev);
		kill_bdev(bdev);
	}
	if (disk->fops->release)
		vfs_call_bd_release(disk, mode);
}

struct block_device *blkdev_get_by_dev(dev_t dev, fmode_t mode, void *holder)
{
	struct block_device *bdev = NULL;
	struct gendisk *disk;
	int partno, err;

	disk = get_gendisk(dev, &partno);
	if (!disk)
		return ERR_PTR(-ENXIO);
	mutex_lock(&disk->open_mutex);
	err = -ENXIO;
	if (test_bit_acquire(GD_DEAD, &disk->state) || !disk->part_tbl ||
	    !(bdev = disk->part_tbl[partno]))
		goto fail;
	err = -EBUSY;
	if (holder && !bd_may_claim(bdev, holder))
		goto fail;
	err = blkdev_get_whole(disk->part0, mode);
	if (err)
		goto fail;
	if (partno) {
		if (!bdev->bd_openers++) {
			set_init_blocksize(bdev);
			disk->open_partitions++;
		}
	}
	if (holder) {
		bdev->bd_holder = holder;
		bdev->bd_holders++;
	}
	mutex_unlock(&disk->open_mutex);
	return bdev;	/* keeps the disk reference until blkdev_put */
fail:
	mutex_unlock(&disk->open_mutex);
	put_disk(disk);
	return ERR_PTR(err);
}

void blkdev_put(struct block_device *bdev, fmode_t mode, void *holder)
{
	struct gendisk *disk = bdev->bd_disk;

	mutex_lock(&disk->open_mutex);
	if (holder && !WARN_ON(bdev->bd_holder != holder) && --bdev->bd_holders == 0)
		bdev->bd_holder = NULL;
	if (bdev_is_partition(bdev) && --bdev->bd_openers == 0) {
		sync_blockdev(bdev);
		kill_bdev(bdev);
		disk->open_partitions--;
	}
	blkdev_put_whole(disk->part0, mode);
	mutex_unlock(&disk->open_mutex);
	put_disk(disk);
}

int lookup_bdev(const char *pathname, dev_t *dev)
{
	struct path path;
	struct inode *inode;
	int err;

	if (!pathname || !*pathname)
		return -EINVAL;
	err = kern_path(pathname, LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	inode = d_inode(path.dentry);
	if (!S_ISBLK(inode->i_mode))
		err = -ENOTBLK;
	else if (path.mnt->mnt_flags & MNT_NODEV)
		err = -EACCES;
	else
		*dev = inode->i_rdev;
	path_put(&path);
	return err;
}
