/*
 * /proc/<pid>/fd/ and /proc/<pid>/fdinfo/: the task's open descriptors.
 * fd/<n> is a symlink whose target is the file's path (readlink; opening
 * it opens that path again: Kestrel has no jump-to-file links, so a
 * deleted file or a pipe cannot be reopened through it); fdinfo/<n> is
 * "pos:", "flags:" (octal, O_CLOEXEC included as Linux), "mnt_id:", "ino:".
 *
 * The descriptor table is read under its file_lock (fs/file.c), which
 * is never held across anything that sleeps: listing copies a batch of
 * numbers out first, lookups take a file reference (get_file).
 * The table of another process is referenced as proc_task_mm does the mm
 * (base.c): a count taken only while it is not yet zero (base.c says what
 * that leaves open).
 */
#include <kestrel/bitops.h>
#include <kestrel/dcache.h>
#include <kestrel/errno.h>
#include <kestrel/fdtable.h>
#include <kestrel/mount.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include "internal.h"

#define FD_BATCH 64

/* The descriptor table of task pid (a reference: put_files_struct), or NULL. */
static struct files_struct *proc_files_get(int pid)
{
	struct task_struct *p = proc_get_task(pid);
	struct files_struct *files;

	if (!p)
		return NULL;
	if (p == current) {			/* ours: stable (init's for the boot thread) */
		files = current_files();
		get_files_struct(files);
	} else {
		/* Under the owner's task_files_lock: exit_files cannot free it meanwhile. */
		files = get_task_files(p);
		if (!files && (p->flags & PF_KTHREAD)) {	/* kernel threads use init's */
			files = &init_files;
			get_files_struct(files);
		}
	}
	put_task_struct(p);
	return files;
}

/* The open file at fd (a reference: fput), or NULL. */
static struct file *proc_fget(int pid, int fd, bool *cloexec)
{
	struct files_struct *files = proc_files_get(pid);
	struct file *f = NULL;

	if (!files)
		return NULL;
	spin_lock(&files->file_lock);
	if (fd >= 0 && (unsigned int)fd < files->fdt->max_fds) {
		f = files->fdt->fd[fd];
		if (f)
			get_file(f);
		if (cloexec)
			*cloexec = test_bit(fd, files->fdt->close_on_exec);
	}
	spin_unlock(&files->file_lock);
	put_files_struct(files);
	return f;
}

/* Up to FD_BATCH open descriptors >= from, ascending; how many. */
static int collect_fds(struct files_struct *files, int from, int *fds)
{
	int n = 0;

	spin_lock(&files->file_lock);
	for (unsigned int fd = from; fd < files->fdt->max_fds && n < FD_BATCH; fd++)
		if (files->fdt->fd[fd])
			fds[n++] = fd;
	spin_unlock(&files->file_lock);
	return n;
}

static int parse_fd(const char *name, int len)
{
	int fd = 0;

	if (len < 1 || len > 7 || (name[0] == '0' && len > 1))
		return -1;
	for (int i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		fd = fd * 10 + (name[i] - '0');
	}
	return fd;
}

static unsigned long fd_ino(int pid, int fd, bool info)
{
	return PROC_FD_INO_BASE + ((unsigned long)pid << 16) + (info ? 1UL << 12 : 0) + fd;
}

/* ---- fd/<n>: symlinks ---- */

static void kfree_link(void *p)
{
	kfree(p);
}

static const char *proc_fd_get_link(struct dentry *dentry, struct inode *inode,
				    struct delayed_call *done)
{
	struct file *f;
	char *name;

	if (!dentry)
		return ERR_PTR(-ECHILD);
	f = proc_fget(PROC_I(inode)->pid, PROC_I(inode)->fd, NULL);
	if (!f)
		return ERR_PTR(-ENOENT);
	name = proc_path_name(&f->f_path);
	fput(f);
	if (IS_ERR(name))
		return name;
	set_delayed_call(done, kfree_link, name);
	return name;
}

static const struct inode_operations proc_fd_link_inode_operations = {
	.get_link = proc_fd_get_link,
};

/* ---- fdinfo/<n> ---- */

static int fdinfo_show(struct seq_file *m, void *v)
{
	struct proc_inode *pi = m->private;
	bool cloexec = false;
	struct file *f = proc_fget(pi->pid, pi->fd, &cloexec);

	if (!f)
		return -ENOENT;
	seq_printf(m, "pos:\t%lld\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n", (long long)f->f_pos,
		   f->f_flags | (cloexec ? O_CLOEXEC : 0), real_mount(f->f_path.mnt)->mnt_id,
		   file_inode(f)->i_ino);
	fput(f);
	return 0;
}

static const struct proc_entry fdinfo_entry = { "fdinfo", S_IFREG | 0400, fdinfo_show };

/* ---- the two directories ---- */

static struct dentry *fd_dir_lookup(struct inode *dir, struct dentry *dentry, bool info)
{
	int pid = PROC_I(dir)->pid, fd = parse_fd((const char *)dentry->d_name.name, dentry->d_name.len);
	struct task_struct *p;
	struct inode *inode;
	struct file *f = fd >= 0 ? proc_fget(pid, fd, NULL) : NULL;

	if (!f) {
		d_add(dentry, NULL);
		return NULL;
	}
	fput(f);
	inode = proc_new_inode(dir->i_sb, info ? S_IFREG | 0400 : S_IFLNK | 0700,
			       fd_ino(pid, fd, info));
	if (!inode)
		return ERR_PTR(-ENOMEM);
	PROC_I(inode)->pid = pid;
	PROC_I(inode)->fd = fd;
	p = proc_get_task(pid);
	if (p) {
		proc_task_owner(p, inode);
		put_task_struct(p);
	}
	if (info)
		PROC_I(inode)->entry = &fdinfo_entry;
	else
		inode->i_op = &proc_fd_link_inode_operations;
	d_add(dentry, inode);
	return NULL;
}

static int fd_dir_readdir(struct file *file, struct dir_context *ctx, bool info)
{
	int pid = PROC_I(file_inode(file))->pid, fds[FD_BATCH], n;
	struct files_struct *files = proc_files_get(pid);

	if (!files)
		return -ENOENT;
	if (!dir_emit_dots(file, ctx))
		goto out;
	/* f_pos = fd + 2 */
	while ((n = collect_fds(files, (int)(ctx->pos - 2), fds)) > 0) {
		for (int i = 0; i < n; i++) {
			char name[12];
			int len = scnprintf(name, sizeof(name), "%d", fds[i]);

			ctx->pos = fds[i] + 2;
			if (!dir_emit(ctx, name, len, fd_ino(pid, fds[i], info),
				      info ? DT_REG : DT_LNK))
				goto out;
		}
		ctx->pos++;
	}
out:
	put_files_struct(files);
	return 0;
}

static struct dentry *proc_fd_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	return fd_dir_lookup(dir, dentry, false);
}

static struct dentry *proc_fdinfo_lookup(struct inode *dir, struct dentry *dentry,
					 unsigned int flags)
{
	return fd_dir_lookup(dir, dentry, true);
}

static int proc_fd_readdir(struct file *file, struct dir_context *ctx)
{
	return fd_dir_readdir(file, ctx, false);
}

static int proc_fdinfo_readdir(struct file *file, struct dir_context *ctx)
{
	return fd_dir_readdir(file, ctx, true);
}

const struct inode_operations proc_fd_inode_operations = {
	.lookup = proc_fd_lookup,
};

const struct file_operations proc_fd_operations = {
	.iterate_shared = proc_fd_readdir,
	.read = generic_read_dir,
	.llseek = generic_file_llseek,
};

const struct inode_operations proc_fdinfo_inode_operations = {
	.lookup = proc_fdinfo_lookup,
};

const struct file_operations proc_fdinfo_operations = {
	.iterate_shared = proc_fdinfo_readdir,
	.read = generic_read_dir,
	.llseek = generic_file_llseek,
};
