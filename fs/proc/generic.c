/*
 * /proc entries that subsystems register at boot (include/kestrel/proc_fs.h):
 * a tree of proc_dir_entry, each directory with a list of children.
 * The root's children are listed in /proc after its fixed table
 * (root.c); a registered directory's inode looks names up in its list.
 *
 * proc_subdir_lock (a mutex) protects every children list. Entries are
 * never freed, so an inode may keep a pointer to its entry.
 */
#include <kestrel/dcache.h>
#include <kestrel/errno.h>
#include <kestrel/mutex.h>
#include <kestrel/proc_fs.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include "internal.h"

#define PROC_DYN_INO_BASE 0x8000	/* below PROC_PID_INO_BASE */

struct proc_dir_entry {
	struct proc_entry entry;		/* [c] name, mode, show (files); first: inodes point here */
	struct proc_dir_entry *parent;		/* [c] */
	struct list_head children;		/* [s] proc_subdir_lock */
	struct list_head node;			/* [s] in the parent's children */
	unsigned long ino;			/* [c] */
};

static DEFINE_MUTEX(proc_subdir_lock);
static unsigned long next_ino = PROC_DYN_INO_BASE;	/* [s] */
static unsigned int nr_root_entries;			/* [s] registered in /proc itself */
static struct proc_dir_entry proc_root_pde = {
	.children = LIST_HEAD_INIT(proc_root_pde.children),
};

static struct proc_dir_entry *pde_of(const struct inode *inode)
{
	return container_of(PROC_I((struct inode *)inode)->entry, struct proc_dir_entry, entry);
}

static struct proc_dir_entry *find_child(struct proc_dir_entry *dir, const char *name, size_t len)
{
	struct proc_dir_entry *p;

	list_for_each_entry(p, &dir->children, node)
		if (strlen(p->entry.name) == len && !memcmp(p->entry.name, name, len))
			return p;
	return NULL;
}

static const struct inode_operations proc_dir_inode_operations;
static const struct file_operations proc_dir_operations;

static struct inode *pde_inode(struct super_block *sb, struct proc_dir_entry *pde)
{
	struct inode *inode = proc_new_inode(sb, pde->entry.mode, pde->ino);

	if (!inode)
		return NULL;
	PROC_I(inode)->entry = &pde->entry;
	if (S_ISDIR(pde->entry.mode)) {
		inode->i_op = &proc_dir_inode_operations;
		inode->i_fop = &proc_dir_operations;
	}
	return inode;
}

/* Look dentry's name up among dir's registered children: 1 found (added), 0 not, -errno. */
static int pde_lookup(struct proc_dir_entry *dir, struct inode *parent, struct dentry *dentry)
{
	struct proc_dir_entry *pde;
	struct inode *inode;

	mutex_lock(&proc_subdir_lock);
	pde = find_child(dir, (const char *)dentry->d_name.name, dentry->d_name.len);
	mutex_unlock(&proc_subdir_lock);
	if (!pde)
		return 0;
	inode = pde_inode(parent->i_sb, pde);
	if (!inode)
		return -ENOMEM;
	d_add(dentry, inode);
	return 1;
}

/*
 * Emit dir's children from position ctx->pos, the first child being at
 * position first. Returns false when the caller's buffer filled up.
 */
static bool pde_readdir(struct proc_dir_entry *dir, struct dir_context *ctx, loff_t first)
{
	struct proc_dir_entry *p;
	loff_t pos = first;
	bool more = true;

	mutex_lock(&proc_subdir_lock);
	list_for_each_entry(p, &dir->children, node) {
		if (pos < ctx->pos) {
			pos++;
			continue;
		}
		ctx->pos = pos;
		if (!dir_emit(ctx, p->entry.name, strlen(p->entry.name), p->ino,
			      S_ISDIR(p->entry.mode) ? DT_DIR : DT_REG)) {
			more = false;
			break;
		}
		ctx->pos = ++pos;
	}
	mutex_unlock(&proc_subdir_lock);
	return more;
}

int proc_root_dyn_lookup(struct inode *dir, struct dentry *dentry)
{
	return pde_lookup(&proc_root_pde, dir, dentry);
}

bool proc_root_dyn_readdir(struct dir_context *ctx, loff_t first)
{
	return pde_readdir(&proc_root_pde, ctx, first);
}

static struct dentry *proc_dir_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	int found = pde_lookup(pde_of(dir), dir, dentry);

	if (found < 0)
		return ERR_PTR(found);
	if (!found)
		d_add(dentry, NULL);
	return NULL;
}

static int proc_dir_readdir(struct file *file, struct dir_context *ctx)
{
	if (!dir_emit_dots(file, ctx))
		return 0;
	pde_readdir(pde_of(file_inode(file)), ctx, 2);
	return 0;
}

static const struct inode_operations proc_dir_inode_operations = {
	.lookup = proc_dir_lookup,
};

static const struct file_operations proc_dir_operations = {
	.iterate_shared = proc_dir_readdir,
	.read = generic_read_dir,
	.llseek = generic_file_llseek,
};

static struct proc_dir_entry *proc_register(const char *name, umode_t mode,
					    struct proc_dir_entry *parent,
					    int (*show)(struct seq_file *, void *))
{
	struct proc_dir_entry *pde;

	if (!parent)
		parent = &proc_root_pde;
	if (!name || !*name || strchr(name, '/'))
		return NULL;
	pde = kzalloc(sizeof(*pde), GFP_KERNEL);
	if (!pde)
		return NULL;
	pde->entry.name = name;
	pde->entry.mode = mode;
	pde->entry.show = show;
	pde->parent = parent;
	INIT_LIST_HEAD(&pde->children);
	mutex_lock(&proc_subdir_lock);
	if (find_child(parent, name, strlen(name)) ||
	    (parent == &proc_root_pde &&
	     (proc_root_name_taken(name) || nr_root_entries == PROC_ROOT_DYN_MAX))) {
		mutex_unlock(&proc_subdir_lock);
		kfree(pde);
		return NULL;
	}
	pde->ino = next_ino++;
	if (parent == &proc_root_pde)
		nr_root_entries++;
	list_add_tail(&pde->node, &parent->children);
	mutex_unlock(&proc_subdir_lock);
	return pde;
}

struct proc_dir_entry *proc_mkdir(const char *name, struct proc_dir_entry *parent)
{
	return proc_register(name, S_IFDIR | 0555, parent, NULL);
}

struct proc_dir_entry *proc_create_single(const char *name, umode_t mode,
					  struct proc_dir_entry *parent,
					  int (*show)(struct seq_file *m, void *v))
{
	if (!show)
		return NULL;
	return proc_register(name, S_IFREG | (mode & 0777), parent, show);
}
