/*
 * procfs internals. Every file of /proc is generated when read, through
 * seq_file: an entry names a show function. The root holds a fixed table
 * of entries, "self", and one directory per task (/proc/<pid>) with its
 * own small table. Inodes are made at lookup and dropped with their
 * dentry (d_delete always says yes), so a task that is gone vanishes.
 */
#ifndef FS_PROC_INTERNAL_H
#define FS_PROC_INTERNAL_H

#include <kestrel/fs.h>
#include <kestrel/seq_file.h>

#define PROC_SUPER_MAGIC 0x9fa0
#define PROC_ROOT_INO 1
#define PROC_PID_INO_BASE 0x10000	/* + pid * PROC_PID_INO_SLOTS + the file's index */
#define PROC_PID_INO_SLOTS 32
#define PROC_FD_INO_BASE (1UL << 40)	/* + pid << 16 + fd (fd/, fdinfo/ + 1 << 12) */

struct proc_entry {
	const char *name;
	umode_t mode;				/* S_IFREG | 0444 ... */
	int (*show)(struct seq_file *m, void *v);	/* m->private: the proc_inode */
};

/* A /proc inode: which entry and, in a pid directory, which task. */
struct proc_inode {
	const struct proc_entry *entry;	/* NULL for directories and self */
	int pid;			/* 0 outside /proc/<pid> */
	int fd;				/* /proc/<pid>/fd/<fd> and fdinfo/<fd> */
	struct inode vfs_inode;
};

static inline struct proc_inode *PROC_I(struct inode *inode)
{
	return container_of(inode, struct proc_inode, vfs_inode);
}

extern const struct file_operations proc_seq_file_operations;
struct inode *proc_new_inode(struct super_block *sb, umode_t mode, unsigned long ino);

/* fs/proc/base.c: self and /proc/<pid> */
struct dentry *proc_pid_lookup(struct dentry *dentry, const char *name, int len);
int proc_pid_readdir(struct file *file, struct dir_context *ctx, loff_t first_pos);
struct inode *proc_self_inode(struct super_block *sb);

struct task_struct;
struct mm_struct;
/* The task with this id (a reference: put_task_struct), or NULL. */
struct task_struct *proc_get_task(int pid);
/* Its address space (an mm_users reference: mmput), or NULL (kernel thread, exited). */
struct mm_struct *proc_task_mm(struct task_struct *p);
/* Its process id (the thread-group id; kernel threads are their own process). */
int proc_task_tgid(const struct task_struct *p);
/* A task's inode owner (euid, egid), for /proc/<pid> and its files. */
void proc_task_owner(struct task_struct *p, struct inode *inode);

/* fs/proc/array.c: /proc/<pid>/stat and status */
int proc_pid_stat_show(struct seq_file *m, void *v);
int proc_pid_status_show(struct seq_file *m, void *v);
/* fs/proc/task_mmu.c: /proc/<pid>/maps */
int proc_pid_maps_show(struct seq_file *m, void *v);
/* Resident pages of mm (takes its mmap_lock for read). */
unsigned long proc_mm_rss_pages(struct mm_struct *mm);
/* fs/proc/fd.c: /proc/<pid>/fd/ and fdinfo/ */
extern const struct inode_operations proc_fd_inode_operations;
extern const struct file_operations proc_fd_operations;
extern const struct inode_operations proc_fdinfo_inode_operations;
extern const struct file_operations proc_fdinfo_operations;
/* A kmalloc'd d_path of path (free with kfree), or an ERR_PTR. */
char *proc_path_name(const struct path *path);

/*
 * fs/proc/generic.c: entries registered at boot (proc_fs.h). In /proc
 * they come after the fixed table, at most PROC_ROOT_DYN_MAX of them.
 */
#define PROC_ROOT_DYN_MAX 32
int proc_root_dyn_lookup(struct inode *dir, struct dentry *dentry);	/* 1 found, 0 not, -errno */
bool proc_root_dyn_readdir(struct dir_context *ctx, loff_t first);	/* false: buffer full */
bool proc_root_name_taken(const char *name);	/* root.c: a fixed entry or "self" */

/* The root's files (fs/proc/{meminfo,cpuinfo,misc}.c) */
int meminfo_proc_show(struct seq_file *m, void *v);
int cpuinfo_proc_show(struct seq_file *m, void *v);
int mounts_proc_show(struct seq_file *m, void *v);
int uptime_proc_show(struct seq_file *m, void *v);
int version_proc_show(struct seq_file *m, void *v);
int cmdline_proc_show(struct seq_file *m, void *v);
int filesystems_proc_show(struct seq_file *m, void *v);
int interrupts_proc_show(struct seq_file *m, void *v);

#endif
