/*
 * The character-device registry: (major, minor range) -> file_operations.
 *
 * chrdevs_lock (a spinlock: lookups are short and never sleep) protects
 * the chrdevs list. Entries are static driver data that is never freed
 * while registered, so chrdev_open may use the fops after dropping the
 * lock (drivers are built in: nothing unloads).
 */
#include <kestrel/chrdev.h>
#include <kestrel/errno.h>
#include <kestrel/list.h>
#include <kestrel/slab.h>
#include <kestrel/spinlock.h>

struct char_device_region {
	struct list_head list;		/* in chrdevs */
	unsigned int major, baseminor, count;
	const char *name;
	const struct file_operations *fops;
};

static DEFINE_SPINLOCK(chrdevs_lock);	/* chrdevs */
static LIST_HEAD(chrdevs);

static bool overlaps(const struct char_device_region *r, unsigned int major,
		     unsigned int baseminor, unsigned int count)
{
	return r->major == major && baseminor < r->baseminor + r->count &&
	       r->baseminor < baseminor + count;
}

int register_chrdev_region_fops(unsigned int major, unsigned int baseminor, unsigned int count,
				const char *name, const struct file_operations *fops)
{
	struct char_device_region *r = kzalloc(sizeof(*r), GFP_KERNEL), *p;

	if (!r)
		return -ENOMEM;
	r->major = major;
	r->baseminor = baseminor;
	r->count = count;
	r->name = name;
	r->fops = fops;
	spin_lock(&chrdevs_lock);
	list_for_each_entry(p, &chrdevs, list) {
		if (overlaps(p, major, baseminor, count)) {
			spin_unlock(&chrdevs_lock);
			kfree(r);
			return -EBUSY;
		}
	}
	list_add_tail(&r->list, &chrdevs);
	spin_unlock(&chrdevs_lock);
	return 0;
}

void unregister_chrdev_region_fops(unsigned int major, unsigned int baseminor,
				   unsigned int count)
{
	struct char_device_region *p, *found = NULL;

	spin_lock(&chrdevs_lock);
	list_for_each_entry(p, &chrdevs, list) {
		if (p->major == major && p->baseminor == baseminor && p->count == count) {
			list_del(&p->list);
			found = p;
			break;
		}
	}
	spin_unlock(&chrdevs_lock);
	kfree(found);
}

const struct file_operations *chrdev_lookup(dev_t dev)
{
	const struct file_operations *fops = NULL;
	struct char_device_region *p;

	spin_lock(&chrdevs_lock);
	list_for_each_entry(p, &chrdevs, list) {
		if (overlaps(p, MAJOR(dev), MINOR(dev), 1)) {
			fops = p->fops;
			break;
		}
	}
	spin_unlock(&chrdevs_lock);
	return fops;
}

/* ->open of a character-device inode: become the driver's file. */
static int chrdev_open(struct inode *inode, struct file *filp)
{
	const struct file_operations *fops = chrdev_lookup(inode->i_rdev);

	if (!fops)
		return -ENXIO;
	filp->f_op = fops;
	if (fops->open)
		return fops->open(inode, filp);
	return 0;
}

const struct file_operations def_chr_fops = {
	.open = chrdev_open,
};
