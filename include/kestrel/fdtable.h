/*
 * Descriptor tables (fs/file.c): small integers naming open files.
 *
 * files_struct.file_lock protects fdt (the array, its close-on-exec and
 * open bitmaps, and growing it); lookups (fget) take it too and take a
 * file reference before dropping it, so a concurrent close cannot free
 * the file under them. The lowest free descriptor is always the one
 * handed out (POSIX).
 *
 * Each process has its own table (task->files; threads made with
 * CLONE_FILES share one, counted by files_struct.count). Kernel threads
 * have task->files NULL and use init_files. fork copies the table with
 * dup_fd(); exec closes the close-on-exec descriptors with
 * do_close_on_exec(); exit drops the task's reference with exit_files().
 * Descriptor allocation honours RLIMIT_NOFILE of the calling process
 * (-EMFILE at the soft limit).
 *
 * Locks used to protect struct members in this file:
 *	[a] atomic
 *	[S] a lock itself
 *	[e] an embedded struct whose own members carry the tags
 *	[f] files->file_lock (a table's fields are set before the table is
 *	    published in files->fdt, under the lock)
 */
#ifndef KESTREL_FDTABLE_H
#define KESTREL_FDTABLE_H

#include <kestrel/fs.h>

#define NR_OPEN_DEFAULT 64
#define NR_OPEN_MAX (1024 * 1024)	/* a table's ceiling (Linux's nr_open); RLIMIT_NOFILE is lower */

struct fdtable {
	unsigned int max_fds;		/* [f] slots in fd[] */
	struct file **fd;		/* [f] */
	unsigned long *close_on_exec;	/* [f] bitmap */
	unsigned long *open_fds;	/* [f] bitmap: reserved or installed */
};

struct files_struct {
	atomic_t count;			/* [a] tasks sharing it (CLONE_FILES) */
	spinlock_t file_lock;		/* [S] fdt and its contents, next_fd */
	struct fdtable *fdt;		/* [f] the current table: fdtab or a bigger one */
	unsigned int next_fd;		/* [f] lowest possibly free descriptor */
	struct fdtable fdtab;		/* [e] the first table, embedded */
	struct file *fd_array[NR_OPEN_DEFAULT]; /* [f] fdtab's slots */
	unsigned long close_on_exec_init[NR_OPEN_DEFAULT / 64]; /* [f] */
	unsigned long open_fds_init[NR_OPEN_DEFAULT / 64]; /* [f] */
};

extern struct files_struct init_files;
struct files_struct *current_files(void);

struct task_struct;
/* fork: a copy of oldf (open files referenced, close-on-exec bits kept); NULL and *errorp on failure. */
struct files_struct *dup_fd(struct files_struct *oldf, int *errorp);
/* CLONE_FILES: one more task shares files. */
void get_files_struct(struct files_struct *files);
/* Drop a reference; the last one closes every descriptor and frees the table. */
void put_files_struct(struct files_struct *files);
/* exit: detach tsk->files (under task_files_lock) and put it. */
void exit_files(struct task_struct *tsk);
/* exec: close every descriptor marked close-on-exec. */
void do_close_on_exec(struct files_struct *files);
/*
 * Another task's table (/proc/<pid>/fd): a counted reference, or NULL if
 * it has none (a kernel thread, or exiting). put_files_struct() it.
 * task_files_lock (fs/file.c) orders this against exit_files().
 */
struct files_struct *get_task_files(struct task_struct *task);
/* The file at fd of files, referenced, or NULL. */
struct file *fget_files(struct files_struct *files, unsigned int fd);
/* The lowest open descriptor >= start in files, or -1 (listing /proc/<pid>/fd). */
int files_next_fd(struct files_struct *files, unsigned int start);
/* RLIMIT_NOFILE's soft limit of the calling process (NR_OPEN_MAX when it has none). */
unsigned int task_nofile_limit(void);

int get_unused_fd_flags(unsigned int flags);	/* O_CLOEXEC honoured */
void put_unused_fd(unsigned int fd);
void fd_install(unsigned int fd, struct file *file);
struct file *fget(unsigned int fd);		/* referenced, or NULL */
/* A new descriptor >= from (O_CLOEXEC in flags) for file, which gains a reference. */
int f_dupfd(unsigned int from, struct file *file, unsigned int flags);
int close_fd(unsigned int fd);
int replace_fd(unsigned int fd, struct file *file, unsigned int flags);
void set_close_on_exec(unsigned int fd, int flag);
bool get_close_on_exec(unsigned int fd);
/* Count of open descriptors in current_files() (tests check for leaks). */
unsigned int nr_open_fds(void);

#endif
