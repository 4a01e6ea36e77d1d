/*
 * Character devices (drivers/char/chrdev.c): a registry from device
 * numbers to file_operations.
 *
 * A driver registers a range of minors of one major with its fops. A
 * character-device inode (mknod, devtmpfs) gets i_fop = &def_chr_fops;
 * opening it looks the inode's i_rdev up here, switches the file to the
 * driver's fops and calls the driver's ->open (Linux's chrdev_open).
 *
 * Device numbers Kestrel uses (Linux's): 1:3 null, 1:5 zero, 1:7 full,
 * 1:8 random, 1:9 urandom, 1:11 kmsg; 4:N and 5:0, 5:1 are ttys (tty.h).
 */
#ifndef KESTREL_CHRDEV_H
#define KESTREL_CHRDEV_H

#include <kestrel/fs.h>

#define MEM_MAJOR 1
#define TTYAUX_MAJOR 5

int register_chrdev_region_fops(unsigned int major, unsigned int baseminor, unsigned int count,
				const char *name, const struct file_operations *fops);
void unregister_chrdev_region_fops(unsigned int major, unsigned int baseminor,
				   unsigned int count);
/* The fops registered for dev, or NULL. */
const struct file_operations *chrdev_lookup(dev_t dev);

/* i_fop of every character-device inode. */
extern const struct file_operations def_chr_fops;

static inline unsigned int iminor(const struct inode *inode)
{
	return MINOR(inode->i_rdev);
}

static inline unsigned int imajor(const struct inode *inode)
{
	return MAJOR(inode->i_rdev);
}

/* drivers/char/mem.c: register the mem devices (major 1). */
int chr_dev_init(void);

#endif
