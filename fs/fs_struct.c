/*
 * The file-system context: root and working directory
 * (include/kestrel/fs_struct.h). Changes happen under fs->lock with
 * fs->seq bumped; get_fs_root/get_fs_pwd copy a path and take references
 * under the lock. chdir, fchdir, chroot and getcwd live here.
 * A process owns one (task->fs); CLONE_FS tasks share it (users, under
 * lock); kernel threads use init_fs.
 */
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/fs_struct.h>
#include <kestrel/mount.h>
#include <kestrel/namei.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>

struct fs_struct init_fs = {
	.users = 1,
	.lock = __SPIN_LOCK_UNLOCKED(init_fs.lock),
	.seq = SEQCNT_ZERO(init_fs.seq),
	.umask = 0022,
};

struct fs_struct *current_fs(void)
{
	struct fs_struct *fs = current->fs;

	return fs ? fs : &init_fs;
}

struct fs_struct *copy_fs_struct(struct fs_struct *old)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs), GFP_KERNEL);

	if (!fs)
		return NULL;
	fs->users = 1;
	spin_lock_init(&fs->lock);
	seqcount_init(&fs->seq);
	spin_lock(&old->lock);
	fs->umask = old->umask;
	fs->root = old->root;
	path_get(&fs->root);
	fs->pwd = old->pwd;
	path_get(&fs->pwd);
	spin_unlock(&old->lock);
	return fs;
}

void get_fs_struct(struct fs_struct *fs)
{
	spin_lock(&fs->lock);
	fs->users++;
	spin_unlock(&fs->lock);
}

void put_fs_struct(struct fs_struct *fs)
{
	bool last;

	might_sleep();
	spin_lock(&fs->lock);
	last = --fs->users == 0;
	spin_unlock(&fs->lock);
	if (!last)
		return;
	if (WARN_ON(fs == &init_fs))
		return;
	if (fs->root.dentry)
		path_put(&fs->root);
	if (fs->pwd.dentry)
		path_put(&fs->pwd);
	kfree(fs);
}

void exit_fs(struct task_struct *tsk)
{
	struct fs_struct *fs = tsk->fs;

	if (!fs)
		return;
	WRITE_ONCE(tsk->fs, NULL);
	put_fs_struct(fs);
}

static void set_path(struct fs_struct *fs, struct path *which, const struct path *path)
{
	struct path old;

	path_get(path);
	spin_lock(&fs->lock);
	write_seqcount_begin(&fs->seq);
	old = *which;
	*which = *path;
	write_seqcount_end(&fs->seq);
	spin_unlock(&fs->lock);
	if (old.dentry)
		path_put(&old);
}

void set_fs_root(struct fs_struct *fs, const struct path *path)
{
	set_path(fs, &fs->root, path);
}

void set_fs_pwd(struct fs_struct *fs, const struct path *path)
{
	set_path(fs, &fs->pwd, path);
}

void get_fs_root(struct fs_struct *fs, struct path *root)
{
	spin_lock(&fs->lock);
	*root = fs->root;
	path_get(root);
	spin_unlock(&fs->lock);
}

void get_fs_pwd(struct fs_struct *fs, struct path *pwd)
{
	spin_lock(&fs->lock);
	*pwd = fs->pwd;
	path_get(pwd);
	spin_unlock(&fs->lock);
}

/* A directory first (ENOTDIR), then search permission (EACCES), as Linux. */
static long set_dir(struct path *path, bool root)
{
	int err = d_can_lookup(path->dentry) ? 0 : -ENOTDIR;

	if (!err)
		err = inode_permission(d_inode(path->dentry), MAY_EXEC | MAY_CHDIR);
	if (!err) {
		if (root)
			set_fs_root(current_fs(), path);
		else
			set_fs_pwd(current_fs(), path);
	}
	path_put(path);
	return err;
}

long ksys_chdir(const char *filename)
{
	struct path path;
	int err = kern_path(filename, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);

	return err ? err : set_dir(&path, false);
}

long ksys_chroot(const char *filename)
{
	struct path path;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = kern_path(filename, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);
	return err ? err : set_dir(&path, true);
}

long ksys_fchdir(unsigned int fd)
{
	struct file *f = fget(fd);
	struct path path;

	if (!f)
		return -EBADF;
	path = f->f_path;
	path_get(&path);
	fput(f);
	return set_dir(&path, false);
}

/*
 * getcwd(2): the working directory's path from the root, including the
 * NUL; ERANGE if it does not fit, ENOENT if the directory was removed.
 */
long ksys_getcwd(char *buf, unsigned long size)
{
	struct path pwd;
	char *page, *p;
	long len;

	page = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	get_fs_pwd(current_fs(), &pwd);
	if (!pwd.dentry) {
		kfree(page);
		return -ENOENT;
	}
	if (d_unlinked(pwd.dentry)) {
		len = -ENOENT;
		goto out;
	}
	p = d_path(&pwd, page, PATH_MAX);
	if (IS_ERR(p)) {
		len = PTR_ERR(p);
		goto out;
	}
	len = strlen(p) + 1;
	if ((unsigned long)len > size)
		len = -ERANGE;
	else
		memcpy(buf, p, len);
out:
	path_put(&pwd);
	kfree(page);
	return len;
}

/* ================================================================ system calls */

static long path_syscall(const char __user *filename, long (*fn)(const char *))
{
	struct filename *name = getname(filename);
	long ret;

	if (IS_ERR(name))
		return PTR_ERR(name);
	ret = fn(name->name);
	putname(name);
	return ret;
}

SYSCALL_DEFINE1(chdir, const char __user *, filename)
{
	return path_syscall(filename, ksys_chdir);
}

SYSCALL_DEFINE1(chroot, const char __user *, filename)
{
	return path_syscall(filename, ksys_chroot);
}

SYSCALL_DEFINE1(fchdir, unsigned int, fd)
{
	return ksys_fchdir(fd);
}

SYSCALL_DEFINE2(getcwd, char __user *, buf, unsigned long, size)
{
	char *kbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	long len;

	if (!kbuf)
		return -ENOMEM;
	len = ksys_getcwd(kbuf, PATH_MAX);
	if (len > 0 && (unsigned long)len > size)
		len = -ERANGE;
	if (len > 0 && copy_to_user(buf, kbuf, len))
		len = -EFAULT;
	kfree(kbuf);
	return len;
}
