/*
 * Descriptor tables (fs/fdtable.c): small integers naming open files.
 *
 * files_struct.file_lock protects fdt (the array, its close-on-exec and
 * open bitmaps, and growing it); lookups (fget) take it too and take a
 * file reference before dropping it, so a concurrent close cannot free
 * the file under them. The lowest free descriptor is always the one
 * handed out (POSIX).
 *
 * Kestrel has no processes yet: every kernel thread shares init_files
 * (current_files()); the user-space issue gives each task its own.
 */
#ifndef KESTREL_FDTABLE_H
#define KESTREL_FDTABLE_H

#include <kestrel/fs.h>

#define NR_OPEN_DEFAULT 64
#define NR_OPEN_MAX 1024	/* RLIMIT_NOFILE for now */

struct fdtable {
	unsigned int max_fds;		/* slots in fd[] */
	struct file **fd;
	unsigned long *close_on_exec;	/* bitmap */
	unsigned long *open_fds;	/* bitmap: reserved or installed */
};

struct files_struct {
	atomic_t count;
	spinlock_t file_lock;		/* fdt and its contents, next_fd */
	struct fdtable *fdt;
	unsigned int next_fd;		/* lowest possibly free descriptor */
	struct fdtable fdtab;		/* the first table, embedded */
	struct file *fd_array[NR_OPEN_DEFAULT];
	unsigned long close_on_exec_init[NR_OPEN_DEFAULT / 64];
	unsigned long open_fds_init[NR_OPEN_DEFAULT / 64];
};

extern struct files_struct init_files;
struct files_struct *current_files(void);

int get_unused_fd_flags(unsigned int flags);	/* O_CLOEXEC honoured */
void put_unused_fd(unsigned int fd);
void fd_install(unsigned int fd, struct file *file);
struct file *fget(unsigned int fd);		/* referenced, or NULL */
int close_fd(unsigned int fd);
int replace_fd(unsigned int fd, struct file *file, unsigned int flags);
void set_close_on_exec(unsigned int fd, int flag);
bool get_close_on_exec(unsigned int fd);
/* Count of open descriptors in current_files() (tests check for leaks). */
unsigned int nr_open_fds(void);

#endif
