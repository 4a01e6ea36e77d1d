/*
 * The initramfs: unpack cpio newc archives into the tmpfs root, as Linux's
 * init/initramfs.c does, so that /init and its programs exist before the
 * first user process is started.
 *
 * The archive comes from the first boot module (QEMU -initrd, GRUB's
 * module2 line; arch/x86/kernel/bootinfo.c recorded it and mm/memblock.c
 * reserved its pages). lib/cpio.c parses it (pure, host-tested); this file
 * only turns entries into files through the ksys_* calls, with Linux's
 * rules:
 *   - an existing entry of another type is removed first (clean_path);
 *     an existing directory is kept and gets the archive's owner and mode;
 *   - hard links: entries with nlink >= 2 and the same (dev, ino, type)
 *     within one archive are linked to the first such name; the body may
 *     come with any of them (GNU cpio puts it on the last);
 *   - owner, then mode (chown clears set-id bits), then mtime; directory
 *     mtimes are set at the very end, since creating entries inside them
 *     changes them;
 *   - a refused entry (say, its parent is missing) is counted and logged,
 *     not fatal; a corrupt archive stops the unpacking with -EINVAL.
 * Runs once at boot in the init task (start_kernel, before any user
 * process), so nothing here needs a lock; the hard-link table and the
 * directory list live only for one call.
 */
#define pr_fmt(fmt) "initramfs: " fmt

#include <kestrel/bootinfo.h>
#include <kestrel/cpio.h>
#include <kestrel/fs.h>
#include <kestrel/initramfs.h>
#include <kestrel/list.h>
#include <kestrel/mm.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>

#define LINK_HASH_SIZE 32
#define MAX_REPORTED_FAILURES 8

/* A name already created for a hard-linked inode of the archive. */
struct link_entry {
	struct link_entry *next;
	u32 ino, devmajor, devminor, type;
	char name[];
};

/* A directory whose mtime is set once everything is unpacked. */
struct dir_mtime {
	struct list_head list;
	s64 mtime;
	char name[];
};

struct unpack_state {
	struct initramfs_stats *st;
	char *path;			/* PATH_MAX buffer: "/" + the entry's name */
	struct link_entry *links[LINK_HASH_SIZE];
	struct list_head dirs;		/* struct dir_mtime */
};

/* "./a/b", "/a/b" and "a/b" all mean /a/b; "." and "" mean "/". */
static void build_path(struct unpack_state *s, const char *name)
{
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else if (name[0] == '.' && name[1] == '\0')
			name++;
		else
			break;
	}
	s->path[0] = '/';
	strlcpy(s->path + 1, name, PATH_MAX - 1);
}

static void report_failure(struct unpack_state *s, const char *what, long err)
{
	if (s->st->failed++ < MAX_REPORTED_FAILURES)
		pr_err("cannot %s %s: error %ld\n", what, s->path, err);
}

static unsigned int link_hash(const struct cpio_entry *e)
{
	return (e->ino ^ e->devmajor * 31 ^ e->devminor * 17) % LINK_HASH_SIZE;
}

/* The name of an earlier link to e's inode, or NULL (and e's name is remembered). */
static const char *find_link(struct unpack_state *s, const struct cpio_entry *e)
{
	struct link_entry **head = &s->links[link_hash(e)], *l;
	size_t len = strlen(s->path) + 1;

	for (l = *head; l; l = l->next)
		if (l->ino == e->ino && l->devmajor == e->devmajor &&
		    l->devminor == e->devminor && l->type == (e->mode & S_IFMT))
			return l->name;
	l = kmalloc(sizeof(*l) + len, GFP_KERNEL);
	if (!l)
		return NULL;	/* out of memory: the next link becomes a copy */
	*l = (struct link_entry){ .next = *head, .ino = e->ino, .devmajor = e->devmajor,
				  .devminor = e->devminor, .type = e->mode & S_IFMT };
	memcpy(l->name, s->path, len);
	*head = l;
	return NULL;
}

static void free_links(struct unpack_state *s)
{
	for (int i = 0; i < LINK_HASH_SIZE; i++) {
		while (s->links[i]) {
			struct link_entry *l = s->links[i];
			s->links[i] = l->next;
			kfree(l);
		}
	}
}

/* 1: linked to an earlier name; 0: not a link (create it); <0: link failed. */
static int maybe_link(struct unpack_state *s, const struct cpio_entry *e)
{
	const char *old;
	long err;

	if (e->nlink < 2)
		return 0;
	old = find_link(s, e);
	if (!old)
		return 0;
	ksys_unlink(s->path);	/* Linux's clean_path: the archive wins */
	err = ksys_link(old, s->path);
	if (err) {
		report_failure(s, "link", err);
		return err;
	}
	return 1;
}

/* Remove what is at s->path if its type differs from mode's (Linux's clean_path). */
static void clean_path(struct unpack_state *s, u32 mode)
{
	struct stat st;

	if (ksys_newfstatat(AT_FDCWD, s->path, &st, AT_SYMLINK_NOFOLLOW))
		return;
	if (!((st.st_mode ^ mode) & S_IFMT))
		return;
	if (S_ISDIR(st.st_mode))
		ksys_rmdir(s->path);
	else
		ksys_unlink(s->path);
}

static void set_mtime(const char *path, s64 mtime)
{
	struct timespec64 t[2] = { { mtime, 0 }, { mtime, 0 } };

	ksys_utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW);
}

static long write_all(unsigned int fd, const u8 *data, size_t size)
{
	while (size) {
		ssize_t n = ksys_write(fd, (const char *)data, size);

		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;
		data += n;
		size -= n;
	}
	return 0;
}

static long create_file(struct unpack_state *s, const struct cpio_entry *e)
{
	int flags = O_WRONLY | O_CREAT, ml;
	long fd, err;

	clean_path(s, e->mode);
	ml = maybe_link(s, e);
	if (ml < 0)
		return ml;
	if (ml == 0)
		flags |= O_TRUNC;
	fd = ksys_open(s->path, flags, e->mode & 07777);
	if (fd < 0)
		return fd;
	err = write_all(fd, e->data, e->size);
	if (!err)
		err = ksys_fchown(fd, e->uid, e->gid);
	if (!err)
		err = ksys_fchmod(fd, e->mode & 07777);
	ksys_close(fd);
	if (!err) {
		s->st->bytes += e->size;
		set_mtime(s->path, e->mtime);
	}
	return err;
}

static long create_dir(struct unpack_state *s, const struct cpio_entry *e)
{
	size_t len = strlen(s->path) + 1;
	struct dir_mtime *d;
	long err;

	clean_path(s, e->mode);
	err = ksys_mkdir(s->path, e->mode & 07777);
	if (err && err != -EEXIST)
		return err;
	err = ksys_chown(s->path, e->uid, e->gid);
	if (!err)
		err = ksys_chmod(s->path, e->mode & 07777);
	d = kmalloc(sizeof(*d) + len, GFP_KERNEL);
	if (d) {		/* without memory only the mtime is lost */
		d->mtime = e->mtime;
		memcpy(d->name, s->path, len);
		list_add_tail(&d->list, &s->dirs);
	}
	return err;
}

static long create_symlink(struct unpack_state *s, const struct cpio_entry *e)
{
	char *target = kmalloc(e->size + 1, GFP_KERNEL);
	long err;

	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, e->size);
	target[e->size] = '\0';
	clean_path(s, e->mode);
	err = ksys_symlink(target, s->path);
	kfree(target);
	if (!err)
		err = ksys_lchown(s->path, e->uid, e->gid);
	if (!err)
		set_mtime(s->path, e->mtime);
	return err;
}

static long create_node(struct unpack_state *s, const struct cpio_entry *e)
{
	long err;
	int ml;

	clean_path(s, e->mode);
	ml = maybe_link(s, e);
	if (ml)
		return ml < 0 ? ml : 0;
	err = ksys_mknodat(AT_FDCWD, s->path, e->mode & (S_IFMT | 07777),
			   MKDEV(e->rdevmajor, e->rdevminor));
	if (!err)
		err = ksys_chown(s->path, e->uid, e->gid);
	if (!err)
		err = ksys_chmod(s->path, e->mode & 07777);
	if (!err)
		set_mtime(s->path, e->mtime);
	return err;
}

static void create_entry(struct unpack_state *s, const struct cpio_entry *e)
{
	long err;

	build_path(s, e->name);
	switch (e->mode & S_IFMT) {
	case S_IFREG:
		err = create_file(s, e);
		break;
	case S_IFDIR:
		err = create_dir(s, e);
		break;
	case S_IFLNK:
		err = create_symlink(s, e);
		break;
	default:
		err = create_node(s, e);
		break;
	}
	if (err)
		report_failure(s, "create", err);
	else
		s->st->files++;
}

/* Directory mtimes last, and free the list. */
static void finish_dirs(struct unpack_state *s)
{
	struct dir_mtime *d, *tmp;

	list_for_each_entry_safe(d, tmp, &s->dirs, list) {
		set_mtime(d->name, d->mtime);
		list_del(&d->list);
		kfree(d);
	}
}

int unpack_to_rootfs(const void *buf, size_t len, struct initramfs_stats *st)
{
	struct unpack_state s = { .st = st };
	struct cpio_reader r;
	struct cpio_entry e;
	int ret;

	*st = (struct initramfs_stats){ 0 };
	s.path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!s.path)
		return -ENOMEM;
	INIT_LIST_HEAD(&s.dirs);
	cpio_reader_init(&r, buf, len);
	while ((ret = cpio_next(&r, &e)) > 0) {
		if (ret == CPIO_TRAILER)
			free_links(&s);	/* inode numbers are per archive */
		else
			create_entry(&s, &e);
	}
	if (ret < 0)
		pr_err("corrupt archive at byte %zu of %zu: %s\n", r.entry_pos, len, r.error);
	free_links(&s);
	finish_dirs(&s);
	kfree(s.path);
	return ret;
}

/*
 * Give the module's pages to the page allocator: mm/memblock.c reserved
 * them (PG_reserved) and nothing else refers to them now. Only whole pages
 * inside [start, end) are freed: the partial pages at the edges may hold
 * the loader's other data (its information block, another module).
 */
static unsigned long free_initrd_mem(phys_addr_t start, phys_addr_t end)
{
	unsigned long pfn, freed = 0;

	for (pfn = PFN_UP(start); pfn < PFN_DOWN(end) && pfn_valid(pfn); pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (!(page->flags & PG_reserved))
			continue;
		page->flags &= ~PG_reserved;
		set_page_count(page, 1);
		page->order = 0;
		__free_page(page);
		freed++;
	}
	return freed;
}

void populate_rootfs(void)
{
	const struct boot_module *m = &boot_info.modules[0];
	struct initramfs_stats st;
	unsigned long freed;
	size_t len;
	int err;

	if (!boot_info.nr_modules) {
		pr_info("no boot module: the root stays empty\n");
		return;
	}
	len = m->end - m->start;
	err = unpack_to_rootfs(__va(m->start), len, &st);
	pr_info("unpacked %lu files, %zu KiB%s\n", st.files, (len + 1023) >> 10,
		err ? " before the damage (-EINVAL)" : "");
	if (st.failed)
		pr_err("%lu entries could not be created\n", st.failed);
	freed = free_initrd_mem(m->start, m->end);
	pr_info("freed %lu KiB of boot module memory\n", freed << (PAGE_SHIFT - 10));
}
