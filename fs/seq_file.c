/*
 * seq_file: text files generated record by record (see seq_file.h).
 *
 * seq_read_iter(): if buf still holds text, copy it out first. Otherwise fill
 * it: ->start at m->index, ->show each record into buf, ->next, until the
 * reader's count is covered or buf is full. A record whose text does not
 * fit (seq_has_overflowed) is dropped from buf; if it was the first one,
 * buf doubles and the fill starts over (a record is never split between
 * two fills, so the iterator needs no byte offsets).
 *
 * Reading from a position other than where the last read ended (pread,
 * lseek) restarts the text from the beginning and skips bytes: simple and
 * correct for the small files of /proc.
 *
 * The text goes to the reader's iterator (user memory for read(2)) with
 * m->lock held, as Linux: a fault there may take mmap_lock, so a ->show
 * that takes mmap_lock (maps) runs in the same order, m->lock first.
 */
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/seq_file.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/fs.h>
#include <kestrel/uio.h>

#define SEQ_BUF_START 4096
#define SEQ_BUF_MAX (1 << 20)

int seq_open(struct file *file, const struct seq_operations *op)
{
	struct seq_file *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return -ENOMEM;
	mutex_init(&m->lock);
	m->op = op;
	m->file = file;
	file->private_data = m;
	return 0;
}

int seq_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	kfree(m->buf);
	kfree(m);
	return 0;
}

void seq_vprintf(struct seq_file *m, const char *fmt, va_list args)
{
	size_t room = m->size - m->count;
	int n;

	if (room) {
		n = vsnprintf(m->buf + m->count, room, fmt, args);
		if ((size_t)n < room) {
			m->count += n;
			return;
		}
	}
	m->count = m->size;	/* overflowed */
}

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	seq_vprintf(m, fmt, ap);
	va_end(ap);
}

void seq_write(struct seq_file *m, const void *data, size_t len)
{
	if (m->count + len < m->size) {
		memcpy(m->buf + m->count, data, len);
		m->count += len;
	} else {
		m->count = m->size;
	}
}

void seq_puts(struct seq_file *m, const char *s)
{
	seq_write(m, s, strlen(s));
}

void seq_putc(struct seq_file *m, char c)
{
	seq_write(m, &c, 1);
}

/* Generate text from m->index on until at least want bytes (or the end). Lock held. */
static int seq_fill(struct seq_file *m, size_t want)
{
	void *p;
	int err = 0;

	m->from = 0;
	m->count = 0;
	for (;;) {
		loff_t pos = m->index;

		if (!m->buf) {
			m->size = m->size ? m->size : SEQ_BUF_START;
			m->buf = kmalloc(m->size, GFP_KERNEL);
			if (!m->buf)
				return -ENOMEM;
		}
		p = m->op->start(m, &pos);
		while (p && !IS_ERR(p)) {
			size_t before = m->count;

			err = m->op->show(m, p);
			if (err < 0)
				break;
			if (seq_has_overflowed(m)) {
				m->count = before;	/* the record goes whole into the next fill */
				break;
			}
			if (err > 0)		/* SEQ_SKIP: the record printed nothing */
				m->count = before;
			err = 0;
			p = m->op->next(m, p, &pos);
			m->index = pos;
			if (m->count >= want)
				break;
		}
		m->op->stop(m, p);
		if (IS_ERR(p))
			return PTR_ERR(p);
		if (err < 0)
			return err;
		if (m->count || !p)
			return 0;
		/* Not even one record fitted: a bigger buffer, same record. */
		kfree(m->buf);
		m->buf = NULL;
		if (m->size >= SEQ_BUF_MAX)
			return -ENOMEM;
		m->size *= 2;
	}
}

/* Back to the start of the text (a read at another position than the last one ended). */
static void seq_rewind(struct seq_file *m)
{
	m->index = 0;
	m->read_pos = 0;
	m->from = 0;
	m->count = 0;
}

ssize_t seq_read_iter(struct kiocb *iocb, struct iov_iter *iter)
{
	struct seq_file *m = iocb->ki_filp->private_data;
	size_t size = iov_iter_count(iter), copied = 0;
	loff_t skip;
	int err = 0;

	mutex_lock(&m->lock);
	if (iocb->ki_pos != m->read_pos + (loff_t)m->from || iocb->ki_pos < m->read_pos)
		seq_rewind(m);
	skip = iocb->ki_pos - (m->read_pos + (loff_t)m->from);
	while (copied < size) {
		size_t n, done;

		if (m->from == m->count) {
			m->read_pos += m->count;
			err = seq_fill(m, size - copied + (size_t)skip);
			if (err || !m->count)
				break;
		}
		if (skip) {
			n = min((size_t)skip, m->count - m->from);
			m->from += n;
			skip -= n;
			continue;
		}
		n = min(size - copied, m->count - m->from);
		done = copy_to_iter(m->buf + m->from, n, iter);
		m->from += done;
		copied += done;
		if (done < n) {
			err = -EFAULT;	/* the reader's buffer ends in a hole */
			break;
		}
	}
	iocb->ki_pos = m->read_pos + (loff_t)m->from;
	mutex_unlock(&m->lock);
	return copied ? (ssize_t)copied : err;
}

loff_t seq_lseek(struct file *file, loff_t offset, int whence)
{
	loff_t pos;

	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		pos = file->f_pos + offset;
		break;
	default:
		return -EINVAL;	/* the text's length is unknown until it is generated */
	}
	if (pos < 0)
		return -EINVAL;
	file->f_pos = pos;	/* seq_read notices the jump and regenerates */
	return pos;
}

/* single_open: one record, the show function's whole output. */
static void *single_start(struct seq_file *m, loff_t *pos)
{
	return *pos ? NULL : SEQ_START_TOKEN;
}

static void *single_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static void single_stop(struct seq_file *m, void *v)
{
}

struct single_ops {
	struct seq_operations ops;
	int (*show)(struct seq_file *, void *);
};

static int single_show(struct seq_file *m, void *v)
{
	const struct single_ops *s = container_of(m->op, struct single_ops, ops);

	return s->show(m, m->private);
}

int single_open(struct file *file, int (*show)(struct seq_file *, void *), void *data)
{
	struct single_ops *s = kmalloc(sizeof(*s), GFP_KERNEL);
	int err;

	if (!s)
		return -ENOMEM;
	s->ops = (struct seq_operations){
		.start = single_start,
		.next = single_next,
		.stop = single_stop,
		.show = single_show,
	};
	s->show = show;
	err = seq_open(file, &s->ops);
	if (err) {
		kfree(s);
		return err;
	}
	((struct seq_file *)file->private_data)->private = data;
	return 0;
}

int single_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	const struct seq_operations *op = m->op;

	seq_release(inode, file);
	kfree(container_of(op, struct single_ops, ops));
	return 0;
}
