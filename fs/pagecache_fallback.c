/*
 * The page-cache entry points the VFS core calls, for a kernel built
 * before mm/filemap.c, mm/truncate.c and mm/page-writeback.c exist (the
 * page-cache helper's). Each is weak: the real one replaces it at link
 * time, and then this file can go. Without a page cache no file has
 * cached pages (nrpages is always 0), so each does exactly what the real
 * one does in that case; a page found anyway is reported, not ignored.
 */
#include <kestrel/fs.h>
#include <kestrel/pagemap.h>

static void no_pages(struct address_space *mapping)
{
	WARN_ON(mapping->nrpages);
}

void __weak truncate_inode_pages_final(struct address_space *mapping)
{
	no_pages(mapping);
}

void __weak truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend)
{
	no_pages(mapping);
}

void __weak truncate_pagecache(struct inode *inode, loff_t newsize)
{
	no_pages(inode->i_mapping);
}

void __weak truncate_setsize(struct inode *inode, loff_t newsize)
{
	i_size_write(inode, newsize);
	truncate_pagecache(inode, newsize);
}

int __weak filemap_fdatawrite(struct address_space *mapping)
{
	no_pages(mapping);
	return 0;
}

int __weak filemap_write_and_wait_range(struct address_space *mapping, loff_t lstart, loff_t lend)
{
	no_pages(mapping);
	return 0;
}

int __weak file_write_and_wait_range(struct file *file, loff_t start, loff_t end)
{
	return filemap_write_and_wait_range(file->f_mapping, start, end);
}

/* Dirty inodes of sb: with no pages to write, their metadata (->write_inode). */
static void write_dirty_inodes(struct super_block *sb, int sync)
{
	for (;;) {
		struct inode *inode;

		spin_lock(&sb->s_inode_wblist_lock);
		if (list_empty(&sb->s_dirty)) {
			spin_unlock(&sb->s_inode_wblist_lock);
			return;
		}
		inode = list_first_entry(&sb->s_dirty, struct inode, i_io_list);
		list_del_init(&inode->i_io_list);
		/* An unused cached inode is written by evict at umount instead. */
		if (!atomic_inc_not_zero(&inode->i_count)) {
			spin_unlock(&sb->s_inode_wblist_lock);
			continue;
		}
		spin_unlock(&sb->s_inode_wblist_lock);
		write_inode_now(inode, sync);
		iput(inode);
	}
}

void __weak sync_inodes_sb(struct super_block *sb)
{
	write_dirty_inodes(sb, 1);
}

void __weak writeback_inodes_sb(struct super_block *sb)
{
	write_dirty_inodes(sb, 0);
}
