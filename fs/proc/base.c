/*
 * /proc/self and /proc/<pid>: a directory per task with comm, stat,
 * status, maps, cmdline, environ, auxv, mem, exe, cwd, root, fd/, fdinfo/
 * and task/. /proc/self is a symlink whose target is the pid of whoever
 * follows it (->get_link runs in the reader's context). The root lists
 * processes (thread-group leaders); /proc/<tid> of any thread resolves
 * too, as on Linux, and /proc/<pid>/task lists the threads.
 *
 * A pid directory and its files find their task again by id each time
 * (proc_get_task: find_get_task_by_vpid, a reference): if it has exited
 * meanwhile, lookups and reads fail with ENOENT/ESRCH, as on Linux.
 *
 * Another task's mm: proc_task_mm takes it with get_task_mm, under the
 * task's task_lock, which exit and exec hold while they change p->mm.
 * The files pointer has its own lock (task_files_lock, fs/fdtable.c);
 * the fs pointer is read as the task leaves it, and is stable for our own
 * process (we are one of its users).
 */
#include <kestrel/cred.h>
#include <kestrel/dcache.h>
#include <kestrel/errno.h>
#include <kestrel/fs_struct.h>
#include <kestrel/mm_types.h>
#include <kestrel/mount.h>
#include <kestrel/pid.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>
#include <kestrel/uio.h>
#include <asm/page.h>
#include "internal.h"

/* ---------------------------------------------------------------- finding tasks */

int proc_task_tgid(const struct task_struct *p)
{
	return p->tgid ? p->tgid : p->pid;
}

struct task_struct *proc_get_task(int pid)
{
	return pid > 0 ? find_get_task_by_vpid(pid) : NULL;
}

struct mm_struct *proc_task_mm(struct task_struct *p)
{
	return get_task_mm(p);
}

void proc_task_owner(struct task_struct *p, struct inode *inode)
{
	const struct cred *cred;

	rcu_read_lock();	/* p may commit new creds and free these meanwhile */
	cred = __task_cred(p);
	inode->i_uid = cred ? cred->euid : 0;
	inode->i_gid = cred ? cred->egid : 0;
	rcu_read_unlock();
}

char *proc_path_name(const struct path *path)
{
	char *buf = kmalloc(PAGE_SIZE, GFP_KERNEL), *name;

	if (!buf)
		return ERR_PTR(-ENOMEM);
	name = d_path(path, buf, PAGE_SIZE);
	if (IS_ERR(name)) {
		kfree(buf);
		return name;
	}
	memmove(buf, name, strlen(name) + 1);
	return buf;
}

/* ---------------------------------------------------------------- small files */

static int pid_comm_show(struct seq_file *m, void *v)
{
	struct proc_inode *pi = m->private;
	struct task_struct *p = proc_get_task(pi->pid);
	char comm[TASK_COMM_LEN];

	if (!p)
		return -ESRCH;
	memcpy(comm, p->comm, TASK_COMM_LEN);
	comm[TASK_COMM_LEN - 1] = 0;
	put_task_struct(p);
	seq_printf(m, "%s\n", comm);
	return 0;
}

/*
 * Kestrel's own: how many system calls the thread has made. Not in Linux;
 * it lets a test see that a call never entered the kernel (the vDSO's
 * clock_gettime: user/tests/vdso.c).
 */
static int pid_syscalls_show(struct seq_file *m, void *v)
{
	struct proc_inode *pi = m->private;
	struct task_struct *p = proc_get_task(pi->pid);
	unsigned long n;

	if (!p)
		return -ESRCH;
	n = READ_ONCE(p->nr_syscalls);
	put_task_struct(p);
	seq_printf(m, "%lu\n", n);
	return 0;
}

/* Copy [start, end) of the task's memory into the seq_file (cmdline, environ). */
static int show_mm_range(struct seq_file *m, bool env)
{
	struct proc_inode *pi = m->private;
	struct task_struct *p = proc_get_task(pi->pid);
	struct mm_struct *mm;
	unsigned long start, end;
	char *buf;
	int ret = 0;

	if (!p)
		return -ESRCH;
	mm = proc_task_mm(p);
	put_task_struct(p);
	if (!mm)
		return 0;	/* a kernel thread, or exiting: empty, as Linux */
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	start = env ? READ_ONCE(mm->env_start) : READ_ONCE(mm->arg_start);
	end = env ? READ_ONCE(mm->env_end) : READ_ONCE(mm->arg_end);
	while (start < end) {
		int n = end - start < PAGE_SIZE ? (int)(end - start) : (int)PAGE_SIZE;
		int got = access_remote_vm(mm, start, buf, n, false);

		if (got <= 0)
			break;
		seq_write(m, buf, got);
		start += got;
	}
	kfree(buf);
out:
	mmput(mm);
	return ret;
}

static int pid_cmdline_show(struct seq_file *m, void *v)
{
	return show_mm_range(m, false);
}

static int pid_environ_show(struct seq_file *m, void *v)
{
	return show_mm_range(m, true);
}

/* The auxiliary vector exec passed, up to and including AT_NULL. */
static int pid_auxv_show(struct seq_file *m, void *v)
{
	struct proc_inode *pi = m->private;
	struct task_struct *p = proc_get_task(pi->pid);
	struct mm_struct *mm;
	size_t n = 0;

	if (!p)
		return -ESRCH;
	mm = proc_task_mm(p);
	put_task_struct(p);
	if (!mm)
		return 0;
	while (n + 2 <= ARRAY_SIZE(mm->saved_auxv)) {
		n += 2;
		if (!mm->saved_auxv[n - 2])
			break;
	}
	seq_write(m, mm->saved_auxv, n * sizeof(mm->saved_auxv[0]));
	mmput(mm);
	return 0;
}

/* ---------------------------------------------------------------- mem */

/* The mm is pinned (mmgrab) from open to release; each access needs mm_users too. */
static int mem_open(struct inode *inode, struct file *file)
{
	struct task_struct *p = proc_get_task(PROC_I(inode)->pid);
	struct mm_struct *mm;

	if (!p)
		return -ESRCH;
	mm = proc_task_mm(p);
	put_task_struct(p);
	if (!mm)
		return -ESRCH;
	mmgrab(mm);
	mmput(mm);
	file->private_data = mm;
	return 0;
}

static int mem_release(struct inode *inode, struct file *file)
{
	mmdrop(file->private_data);
	return 0;
}

/*
 * Read or write at the file position taken as an address; -EIO if nothing
 * is mapped there. A page at a time through a kernel buffer, as Linux's
 * mem_rw: the other mm is reached with its mmap_lock held
 * (access_remote_vm), the caller's buffer with none.
 */
static ssize_t mem_rw(struct kiocb *iocb, struct iov_iter *iter, bool write)
{
	struct mm_struct *mm = iocb->ki_filp->private_data;
	unsigned long addr = (unsigned long)iocb->ki_pos;
	size_t count = iov_iter_count(iter);
	ssize_t done = 0;
	char *page;

	if (!mmget_not_zero(mm))
		return 0;
	page = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!page) {
		mmput(mm);
		return -ENOMEM;
	}
	while (count) {
		int n = count < PAGE_SIZE ? (int)count : (int)PAGE_SIZE, got;

		if (write && copy_from_iter(page, n, iter) != (size_t)n) {
			if (!done)
				done = -EFAULT;
			break;
		}
		got = access_remote_vm(mm, addr, page, n, write);
		if (got <= 0) {
			if (!done)
				done = -EIO;
			break;
		}
		if (!write && copy_to_iter(page, got, iter) != (size_t)got) {
			if (!done)
				done = -EFAULT;
			break;
		}
		done += got;
		addr += got;
		count -= got;
		if (got < n)
			break;
	}
	if (done > 0)
		iocb->ki_pos = (loff_t)addr;
	kfree(page);
	mmput(mm);
	return done;
}

static ssize_t mem_read(struct kiocb *iocb, struct iov_iter *to)
{
	return mem_rw(iocb, to, false);
}

static ssize_t mem_write(struct kiocb *iocb, struct iov_iter *from)
{
	return mem_rw(iocb, from, true);
}

/* Any position is an address (as Linux's mem_lseek: no EOF, no negative check). */
static loff_t mem_lseek(struct file *file, loff_t offset, int whence)
{
	switch (whence) {
	case SEEK_SET:
		file->f_pos = offset;
		break;
	case SEEK_CUR:
		file->f_pos += offset;
		break;
	default:
		return -EINVAL;
	}
	return file->f_pos;
}

static const struct file_operations proc_mem_operations = {
	.open = mem_open,
	.read_iter = mem_read,
	.write_iter = mem_write,
	.llseek = mem_lseek,
	.release = mem_release,
};

/* ---------------------------------------------------------------- exe, cwd, root */

static void kfree_link(void *p)
{
	kfree(p);
}

/* The path of the link: exe (mm->exe_file), cwd or root (task->fs). 0 or -errno. */
static int pid_link_path(struct inode *inode, const char *which, struct path *path)
{
	struct task_struct *p = proc_get_task(PROC_I(inode)->pid);
	int ret = -ENOENT;

	if (!p)
		return -ENOENT;
	if (!strcmp(which, "exe")) {
		struct mm_struct *mm = proc_task_mm(p);

		if (mm) {
			struct file *exe = READ_ONCE(mm->exe_file);

			if (exe) {
				*path = exe->f_path;
				path_get(path);
				ret = 0;
			}
			mmput(mm);
		}
	} else {
		/* Our own fs_struct is stable; for another process read it as it is now. */
		struct fs_struct *fs = p == current ? current_fs() : READ_ONCE(p->fs);

		if (!fs && (p->flags & PF_KTHREAD))
			fs = &init_fs;	/* kernel threads use init's */

		if (fs) {
			if (!strcmp(which, "cwd"))
				get_fs_pwd(fs, path);
			else
				get_fs_root(fs, path);
			ret = 0;
		}
	}
	put_task_struct(p);
	return ret;
}

static const char *pid_get_link(struct dentry *dentry, struct inode *inode,
				struct delayed_call *done)
{
	struct path path;
	char *name;
	int err;

	if (!dentry)
		return ERR_PTR(-ECHILD);	/* rcu-walk: we sleep */
	err = pid_link_path(inode, PROC_I(inode)->entry->name, &path);
	if (err)
		return ERR_PTR(err);
	name = proc_path_name(&path);
	path_put(&path);
	if (IS_ERR(name))
		return name;
	set_delayed_call(done, kfree_link, name);
	return name;
}

static const struct inode_operations proc_pid_link_inode_operations = {
	.get_link = pid_get_link,
};

/* ---------------------------------------------------------------- the table */

static const struct inode_operations proc_task_inode_operations;
static const struct file_operations proc_task_operations;

/*
 * A file of /proc/<pid>: a seq_file show function (regular files), or its
 * own inode and file operations (symlinks, directories, mem).
 */
struct pid_entry {
	struct proc_entry e;			/* what the inode points to (name, mode, show) */
	const struct inode_operations *iop;	/* when e.show is NULL */
	const struct file_operations *fop;
};

#define SHOW(n, m, fn) { .e = { (n), (m), (fn) } }
#define OPS(n, m, i, f) { .e = { (n), (m), NULL }, .iop = (i), .fop = (f) }

static const struct pid_entry pid_entries[] = {
	SHOW("auxv", S_IFREG | 0400, pid_auxv_show),
	SHOW("cmdline", S_IFREG | 0444, pid_cmdline_show),
	SHOW("comm", S_IFREG | 0444, pid_comm_show),
	OPS("cwd", S_IFLNK | 0777, &proc_pid_link_inode_operations, NULL),
	SHOW("environ", S_IFREG | 0400, pid_environ_show),
	OPS("exe", S_IFLNK | 0777, &proc_pid_link_inode_operations, NULL),
	OPS("fd", S_IFDIR | 0500, &proc_fd_inode_operations, &proc_fd_operations),
	OPS("fdinfo", S_IFDIR | 0500, &proc_fdinfo_inode_operations, &proc_fdinfo_operations),
	SHOW("maps", S_IFREG | 0444, proc_pid_maps_show),
	OPS("mem", S_IFREG | 0600, NULL, &proc_mem_operations),
	OPS("root", S_IFLNK | 0777, &proc_pid_link_inode_operations, NULL),
	SHOW("stat", S_IFREG | 0444, proc_pid_stat_show),
	SHOW("status", S_IFREG | 0444, proc_pid_status_show),
	SHOW("syscalls", S_IFREG | 0444, pid_syscalls_show),
	OPS("task", S_IFDIR | 0555, &proc_task_inode_operations, &proc_task_operations),
};
#define NR_PID_ENTRIES ARRAY_SIZE(pid_entries)

static inline unsigned long pid_dir_ino(int pid)
{
	return PROC_PID_INO_BASE + (unsigned long)pid * PROC_PID_INO_SLOTS;
}

/* ---------------------------------------------------------------- /proc/<pid> */

static struct dentry *proc_pid_dir_lookup(struct inode *dir, struct dentry *dentry,
					  unsigned int flags)
{
	int pid = PROC_I(dir)->pid;
	struct task_struct *p = proc_get_task(pid);

	if (!p)
		return ERR_PTR(-ENOENT);
	for (size_t i = 0; i < NR_PID_ENTRIES; i++) {
		const struct pid_entry *pe = &pid_entries[i];
		const struct proc_entry *e = &pe->e;
		struct inode *inode;

		if (strlen(e->name) != dentry->d_name.len ||
		    memcmp(e->name, dentry->d_name.name, dentry->d_name.len))
			continue;
		inode = proc_new_inode(dir->i_sb, e->mode, dir->i_ino + 1 + i);
		if (!inode) {
			put_task_struct(p);
			return ERR_PTR(-ENOMEM);
		}
		PROC_I(inode)->entry = e;
		PROC_I(inode)->pid = pid;
		proc_task_owner(p, inode);
		if (!e->show) {
			if (pe->iop)
				inode->i_op = pe->iop;
			if (pe->fop)
				inode->i_fop = pe->fop;
		}
		put_task_struct(p);
		d_add(dentry, inode);
		return NULL;
	}
	put_task_struct(p);
	d_add(dentry, NULL);
	return NULL;
}

static unsigned char entry_dtype(const struct proc_entry *e)
{
	if (S_ISDIR(e->mode))
		return DT_DIR;
	if (S_ISLNK(e->mode))
		return DT_LNK;
	return DT_REG;
}

static int proc_pid_dir_readdir(struct file *file, struct dir_context *ctx)
{
	if (!dir_emit_dots(file, ctx))
		return 0;
	while (ctx->pos < (loff_t)(2 + NR_PID_ENTRIES)) {
		const struct proc_entry *e = &pid_entries[ctx->pos - 2].e;

		if (!dir_emit(ctx, e->name, strlen(e->name), file_inode(file)->i_ino + ctx->pos - 1,
			      entry_dtype(e)))
			return 0;
		ctx->pos++;
	}
	return 0;
}

static const struct inode_operations proc_pid_dir_inode_operations = {
	.lookup = proc_pid_dir_lookup,
};

static const struct file_operations proc_pid_dir_operations = {
	.iterate_shared = proc_pid_dir_readdir,
	.read = generic_read_dir,	/* read() of a directory: EISDIR */
	.llseek = generic_file_llseek,
};

static int parse_pid(const char *name, int len)
{
	int pid = 0;

	if (len < 1 || len > 9 || (name[0] == '0' && len > 1))
		return -1;
	for (int i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

/* The directory inode of task pid (whose tgid is tgid if > 0), or NULL/ERR_PTR. */
static struct dentry *pid_dir_instantiate(struct dentry *dentry, int pid, int tgid)
{
	struct task_struct *p = proc_get_task(pid);
	struct inode *inode;

	if (!p || (tgid > 0 && proc_task_tgid(p) != tgid)) {
		if (p)
			put_task_struct(p);
		d_add(dentry, NULL);
		return NULL;
	}
	inode = proc_new_inode(dentry->d_sb, S_IFDIR | 0555, pid_dir_ino(pid));
	if (!inode) {
		put_task_struct(p);
		return ERR_PTR(-ENOMEM);
	}
	PROC_I(inode)->pid = pid;
	proc_task_owner(p, inode);
	put_task_struct(p);
	inode->i_op = &proc_pid_dir_inode_operations;
	inode->i_fop = &proc_pid_dir_operations;
	d_add(dentry, inode);
	return NULL;
}

struct dentry *proc_pid_lookup(struct dentry *dentry, const char *name, int len)
{
	int pid = parse_pid(name, len);

	if (pid <= 0) {
		d_add(dentry, NULL);
		return NULL;
	}
	return pid_dir_instantiate(dentry, pid, 0);
}

/* ---------------------------------------------------------------- listing pids */

#define PID_BATCH 64

struct pid_batch {
	int min;		/* ids >= min */
	int tgid;		/* > 0: only the threads of this process; 0: only processes */
	int n;
	int pids[PID_BATCH];	/* the smallest ones, sorted */
};

/* Keep the PID_BATCH smallest ids >= min (insertion into a sorted array; no sleeping here). */
static void collect_pid(struct task_struct *p, void *arg)
{
	struct pid_batch *b = arg;
	int pid = p->pid, i;

	if (pid < b->min || pid <= 0 || (p->flags & PF_IDLE))
		return;
	if (b->tgid ? proc_task_tgid(p) != b->tgid : proc_task_tgid(p) != pid)
		return;
	if (b->n == PID_BATCH && pid >= b->pids[PID_BATCH - 1])
		return;
	i = b->n < PID_BATCH ? b->n++ : PID_BATCH - 1;
	while (i > 0 && b->pids[i - 1] > pid) {
		b->pids[i] = b->pids[i - 1];
		i--;
	}
	if (i > 0 && b->pids[i - 1] == pid) {	/* listed twice: keep one */
		memmove(&b->pids[i], &b->pids[i + 1], (b->n - i - 1) * sizeof(int));
		b->n--;
		return;
	}
	b->pids[i] = pid;
}

/* Emit the ids of processes (tgid 0) or of tgid's threads, from f_pos first_pos on. */
static int emit_pids(struct dir_context *ctx, loff_t first_pos, int tgid)
{
	struct pid_batch *b = kmalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return -ENOMEM;
	for (;;) {
		b->min = (int)(ctx->pos - first_pos);
		b->tgid = tgid;
		b->n = 0;
		sched_for_each_task(collect_pid, b);
		if (!b->n)
			break;
		for (int i = 0; i < b->n; i++) {
			char name[12];
			int len = scnprintf(name, sizeof(name), "%d", b->pids[i]);

			ctx->pos = first_pos + b->pids[i];
			if (!dir_emit(ctx, name, len, pid_dir_ino(b->pids[i]), DT_DIR))
				goto out;
		}
		ctx->pos++;	/* past the last pid emitted */
	}
out:
	kfree(b);
	return 0;
}

int proc_pid_readdir(struct file *file, struct dir_context *ctx, loff_t first_pos)
{
	return emit_pids(ctx, first_pos, 0);
}

/* ---------------------------------------------------------------- /proc/<pid>/task */

static struct dentry *proc_task_lookup(struct inode *dir, struct dentry *dentry,
				       unsigned int flags)
{
	int tid = parse_pid((const char *)dentry->d_name.name, dentry->d_name.len);
	struct task_struct *leader = proc_get_task(PROC_I(dir)->pid);
	int tgid;

	if (!leader)
		return ERR_PTR(-ENOENT);
	tgid = proc_task_tgid(leader);
	put_task_struct(leader);
	if (tid <= 0) {
		d_add(dentry, NULL);
		return NULL;
	}
	return pid_dir_instantiate(dentry, tid, tgid);
}

static int proc_task_readdir(struct file *file, struct dir_context *ctx)
{
	struct task_struct *leader = proc_get_task(PROC_I(file_inode(file))->pid);
	int tgid;

	if (!leader)
		return -ENOENT;
	tgid = proc_task_tgid(leader);
	put_task_struct(leader);
	if (!dir_emit_dots(file, ctx))
		return 0;
	return emit_pids(ctx, 2, tgid);
}

static const struct inode_operations proc_task_inode_operations = {
	.lookup = proc_task_lookup,
};

static const struct file_operations proc_task_operations = {
	.iterate_shared = proc_task_readdir,
	.read = generic_read_dir,
	.llseek = generic_file_llseek,
};

/* ---------------------------------------------------------------- /proc/self */

static const char *proc_self_get_link(struct dentry *dentry, struct inode *inode,
				      struct delayed_call *done)
{
	char *buf;

	if (!dentry)
		return ERR_PTR(-ECHILD);	/* rcu-walk: the allocation may sleep */
	buf = kmalloc(12, GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	/* The process, as Linux: a thread's /proc/self is its group leader's directory. */
	scnprintf(buf, 12, "%d", proc_task_tgid(current));
	set_delayed_call(done, kfree_link, buf);
	return buf;
}

static const struct inode_operations proc_self_inode_operations = {
	.get_link = proc_self_get_link,
};

struct inode *proc_self_inode(struct super_block *sb)
{
	struct inode *inode = proc_new_inode(sb, S_IFLNK | 0777, 2 + 64);

	if (inode)
		inode->i_op = &proc_self_inode_operations;
	return inode;
}
