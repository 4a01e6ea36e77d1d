/*
 * seq_file (fs/seq_file.c): files whose contents are generated as text
 * when read (/proc/mounts, /proc/meminfo...), the way Linux does it.
 *
 * A file supplies a seq_operations iterator (start/next/stop/show over
 * its records) or, for a one-record file, just a show function through
 * single_open(). read() runs the iterator into a kernel buffer (doubled
 * until one record fits) and copies out from it; f_pos counts bytes of
 * the generated text, and a later read resumes at the record after the
 * last one fully copied.
 *
 * Locking: seq_file.lock (a mutex: show may sleep) serializes readers of
 * one open file and protects every field below.
 */
#ifndef KESTREL_SEQ_FILE_H
#define KESTREL_SEQ_FILE_H

#include <kestrel/fs.h>
#include <kestrel/mutex.h>

struct seq_file;

struct seq_operations {
	void *(*start)(struct seq_file *m, loff_t *pos);
	void (*stop)(struct seq_file *m, void *v);
	void *(*next)(struct seq_file *m, void *v, loff_t *pos);
	int (*show)(struct seq_file *m, void *v);
};

struct seq_file {
	char *buf;		/* generated text not yet copied out */
	size_t size;		/* of buf */
	size_t from;		/* first byte of buf not yet copied out */
	size_t count;		/* bytes in buf */
	loff_t index;		/* the next record's position for ->start */
	loff_t read_pos;	/* f_pos that buf[from] corresponds to */
	struct mutex lock;	/* everything here */
	const struct seq_operations *op;
	struct file *file;
	void *private;		/* the file's (single_open's data) */
};

#define SEQ_START_TOKEN ((void *)1)

int seq_open(struct file *file, const struct seq_operations *op);
/* ->read_iter of a seq_file: the text from iocb->ki_pos on, generated as needed. */
struct kiocb;
struct iov_iter;
ssize_t seq_read_iter(struct kiocb *iocb, struct iov_iter *iter);
loff_t seq_lseek(struct file *file, loff_t offset, int whence);
int seq_release(struct inode *inode, struct file *file);

int single_open(struct file *file, int (*show)(struct seq_file *, void *), void *data);
int single_release(struct inode *inode, struct file *file);

void seq_printf(struct seq_file *m, const char *fmt, ...) __printf(2, 3);
void seq_vprintf(struct seq_file *m, const char *fmt, va_list args);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);
void seq_write(struct seq_file *m, const void *data, size_t len);
/* Whether the text of the current record did not fit (seq_read_iter retries with a bigger buffer). */
static inline bool seq_has_overflowed(const struct seq_file *m)
{
	return m->count == m->size;
}

#endif
