/*
 * pipe.*: pipes and FIFOs (fs/pipe.c).
 *
 * The ends are struct files on a bare FIFO inode made here, opened and
 * closed through the contract wrappers the VFS uses (->open, ->read,
 * ->write, ->release), so the tests need no mounted file system. Each
 * test ends with no pipe_inode_info left and the inode's i_pipe cleared.
 * pipe.syscalls_pipe2_and_fifo goes through the system calls instead
 * (pipe2, the descriptor table, a FIFO made by mknod on vfstestfs).
 */
#include <kestrel/completion.h>
#include <kestrel/contract/file.h>
#include <kestrel/kthread.h>
#include <kestrel/ktest.h>
#include <kestrel/pipe_fs_i.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/timer.h>
#include <kestrel/uio.h>

#include "vfs_testfs.h"

#define WAIT_SECONDS 30		/* only a hang comes near it */

static struct inode *pt_inode(void)
{
	struct inode *inode = kzalloc(sizeof(*inode), GFP_KERNEL);

	if (inode) {
		inode->i_mode = S_IFIFO | 0644;
		spin_lock_init(&inode->i_lock);
		inode->i_fop = &pipefifo_fops;
	}
	return inode;
}

/* open(2) of the FIFO: 0 or -errno in *err. */
static struct file *pt_open(struct inode *inode, fmode_t mode, unsigned int flags, int *err)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	*err = -ENOMEM;
	if (!f)
		return NULL;
	f->f_inode = inode;
	f->f_mode = mode | FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	f->f_flags = flags;
	f->f_op = inode->i_fop;
	*err = vfs_call_open(inode, f);
	if (*err) {
		kfree(f);
		return NULL;
	}
	return f;
}

static void pt_close(struct file *f)
{
	vfs_call_release(f->f_inode, f);
	kfree(f);
}

/* ->read_iter/->write_iter with a kernel buffer, as read(2)/write(2) would call them. */
static ssize_t pt_rw(struct file *f, void *buf, size_t n, bool write)
{
	struct kvec kv = { .iov_base = buf, .iov_len = n };
	struct iov_iter iter;
	struct kiocb kiocb;

	init_sync_kiocb(&kiocb, f);
	iov_iter_kvec(&iter, write ? ITER_SOURCE : ITER_DEST, &kv, 1, n);
	return write ? vfs_call_write_iter(f, &kiocb, &iter) : vfs_call_read_iter(f, &kiocb, &iter);
}

static ssize_t pt_read(struct file *f, void *buf, size_t n)
{
	return pt_rw(f, buf, n, false);
}

static ssize_t pt_write(struct file *f, const void *buf, size_t n)
{
	return pt_rw(f, (void *)buf, n, true);
}

/* A pipe: read end (blocking) and write end (blocking). */
static bool pt_pipe(struct inode *inode, struct file **r, struct file **w)
{
	int err;

	/* Open the reader non-blocking so it does not wait for the writer, then clear it. */
	*r = pt_open(inode, FMODE_READ, O_NONBLOCK, &err);
	if (!*r)
		return false;
	(*r)->f_flags &= ~O_NONBLOCK;
	*w = pt_open(inode, FMODE_WRITE, 0, &err);
	if (!*w) {
		pt_close(*r);
		return false;
	}
	return true;
}

static void pt_done(struct ktest_ctx *t, struct inode *inode, long before)
{
	KEXPECT(inode->i_pipe == NULL);
	KEXPECT_EQ(pipe_nr_allocated(), before);
	kfree(inode);
}

static char pt_big[3 * 10000];
static char pt_back[sizeof(pt_big)];

KTEST(pipe, data_order)
{
	long before = pipe_nr_allocated();
	struct inode *inode = pt_inode();
	struct file *r, *w;
	char buf[64];
	size_t got = 0;
	ssize_t n;

	KASSERT(pt_pipe(inode, &r, &w));
	KEXPECT_EQ(pt_write(w, "hello", 5), 5);
	KEXPECT_EQ(pt_write(w, ", world", 7), 7);
	KEXPECT_EQ(pipe_nr_bytes(inode->i_pipe), 12);
	KEXPECT_EQ(pt_read(r, buf, 3), 3);
	KEXPECT_EQ(memcmp(buf, "hel", 3), 0);
	n = pt_read(r, buf, sizeof(buf));
	KEXPECT_EQ(n, 9);
	KEXPECT_EQ(memcmp(buf, "lo, world", 9), 0);

	/* Writes larger than a page, read back in odd pieces: same bytes, same order. */
	for (size_t i = 0; i < sizeof(pt_big); i++)
		pt_big[i] = (char)(i * 7 + i / 4096);
	KEXPECT_EQ(pt_write(w, pt_big, 10000), 10000);
	KEXPECT_EQ(pt_write(w, pt_big + 10000, 20000), 20000);
	while (got < sizeof(pt_back)) {
		n = pt_read(r, pt_back + got, 777);
		if (n <= 0)
			break;
		got += n;
	}
	KEXPECT_EQ(got, sizeof(pt_back));
	KEXPECT_EQ(memcmp(pt_big, pt_back, sizeof(pt_big)), 0);
	/* No file position on a pipe. */
	KEXPECT_EQ(vfs_call_llseek(r, 0, SEEK_SET), -ESPIPE);
	KEXPECT(!(r->f_mode & FMODE_PREAD));
	pt_close(r);
	pt_close(w);
	pt_done(t, inode, before);
}

struct pt_reader {
	struct file *f;
	char buf[16];
	ssize_t result;
	struct completion done;
};

static int pt_reader_thread(void *data)
{
	struct pt_reader *rd = data;

	rd->result = pt_read(rd->f, rd->buf, sizeof(rd->buf));
	complete(&rd->done);
	return 0;
}

KTEST(pipe, blocking_reader_woken_by_writer_then_eof)
{
	static struct pt_reader rd;
	long before = pipe_nr_allocated();
	struct inode *inode = pt_inode();
	struct file *r, *w;
	struct task_struct *k;

	KASSERT(pt_pipe(inode, &r, &w));
	rd = (struct pt_reader){ .f = r, .result = -1 };
	init_completion(&rd.done);
	k = kthread_run(pt_reader_thread, &rd, "pipereader");
	KASSERT(!IS_ERR(k));
	msleep(50);
	KEXPECT(!completion_done(&rd.done));	/* nothing to read: it sleeps */
	/* ...interruptibly: waiting for a writer is no hung task. */
	KEXPECT_EQ(READ_ONCE(k->state), TASK_INTERRUPTIBLE);
	KEXPECT_EQ(pt_write(w, "xy", 2), 2);
	KASSERT(wait_for_completion_timeout(&rd.done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
	KEXPECT_EQ(rd.result, 2);
	KEXPECT_EQ(memcmp(rd.buf, "xy", 2), 0);

	/* A sleeping reader is woken by the last writer's close: EOF. */
	reinit_completion(&rd.done);
	rd.result = -1;
	k = kthread_run(pt_reader_thread, &rd, "pipereader");
	KASSERT(!IS_ERR(k));
	msleep(50);
	KEXPECT(!completion_done(&rd.done));
	pt_close(w);
	KASSERT(wait_for_completion_timeout(&rd.done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
	KEXPECT_EQ(rd.result, 0);
	KEXPECT_EQ(pt_read(r, rd.buf, 4), 0);	/* and EOF stays */
	pt_close(r);
	pt_done(t, inode, before);
}

KTEST(pipe, eof_after_data_and_epipe)
{
	long before = pipe_nr_allocated();
	struct inode *inode = pt_inode();
	struct file *r, *w;
	char buf[8];

	KASSERT(pt_pipe(inode, &r, &w));
	KEXPECT_EQ(pt_write(w, "abc", 3), 3);
	pt_close(w);
	/* What was written before the close is still read, then EOF. */
	KEXPECT_EQ(pt_read(r, buf, sizeof(buf)), 3);
	KEXPECT_EQ(pt_read(r, buf, sizeof(buf)), 0);
	pt_close(r);

	KASSERT(pt_pipe(inode, &r, &w));
	pt_close(r);
	KEXPECT_EQ(pt_write(w, "abc", 3), -EPIPE);
	KEXPECT_EQ(vfs_call_poll(w, NULL) & EPOLLERR, EPOLLERR);
	pt_close(w);
	pt_done(t, inode, before);
}

static char pt_page[PIPE_BUF];

KTEST(pipe, nonblock_eagain_and_full_pipe)
{
	long before = pipe_nr_allocated();
	struct inode *inode = pt_inode();
	struct file *r, *w;
	size_t total = 0;
	ssize_t n;

	KASSERT(pt_pipe(inode, &r, &w));
	r->f_flags |= O_NONBLOCK;
	w->f_flags |= O_NONBLOCK;
	KEXPECT_EQ(pt_read(r, pt_page, 1), -EAGAIN);
	KEXPECT_EQ(vfs_call_poll(r, NULL) & EPOLLIN, 0);
	KEXPECT_EQ(vfs_call_poll(w, NULL) & EPOLLOUT, EPOLLOUT);
	/* Fill it: 16 slots of a page each. */
	while ((n = pt_write(w, pt_page, 1000)) > 0)
		total += n;
	KEXPECT_EQ(n, -EAGAIN);
	KEXPECT_EQ(total, PIPE_DEF_BUFFERS * 4000UL);	/* 4 writes of 1000 fit a page */
	KEXPECT_EQ(vfs_call_poll(w, NULL) & EPOLLOUT, 0);
	KEXPECT_EQ(vfs_call_poll(r, NULL) & EPOLLIN, EPOLLIN);
	/* A write of at most PIPE_BUF that does not fit is not split: all or EAGAIN. */
	KEXPECT_EQ(pt_read(r, pt_page, 500), 500);
	KEXPECT_EQ(pt_write(w, pt_page, 600), -EAGAIN);
	KEXPECT_EQ(pt_write(w, pt_page, 96), 96);	/* fits the last page exactly */
	pt_close(w);
	KEXPECT_EQ(vfs_call_poll(r, NULL) & EPOLLHUP, EPOLLHUP);
	pt_close(r);
	pt_done(t, inode, before);
}

/* ---- PIPE_BUF atomicity with several writers on several CPUs ---- */

#define PT_WRITERS 4
#define PT_MSGS 150
#define PT_MSG_SIZE 3000	/* <= PIPE_BUF, and not a divisor of a page */

struct pt_writer {
	struct file *w;
	int id;
	struct completion *done;
};

static int pt_writer_thread(void *data)
{
	struct pt_writer *pw = data;
	static char msgs[PT_WRITERS][PT_MSG_SIZE];
	char *msg = msgs[pw->id];

	for (int seq = 0; seq < PT_MSGS; seq++) {
		memset(msg, 'A' + pw->id, PT_MSG_SIZE);
		msg[1] = (char)seq;
		if (pt_write(pw->w, msg, PT_MSG_SIZE) != PT_MSG_SIZE)
			break;
	}
	complete(pw->done);
	return 0;
}

KTEST(pipe, pipe_buf_atomic_several_writers)
{
	static struct pt_writer pw[PT_WRITERS];
	static char msg[PT_MSG_SIZE];
	static DECLARE_COMPLETION(done);
	long before = pipe_nr_allocated();
	struct inode *inode = pt_inode();
	int next_seq[PT_WRITERS] = { 0 }, msgs = 0, bad = 0;
	struct file *r, *w;

	KASSERT(pt_pipe(inode, &r, &w));
	reinit_completion(&done);
	for (int i = 0; i < PT_WRITERS; i++) {
		pw[i] = (struct pt_writer){ .w = w, .id = i, .done = &done };
		KASSERT(!IS_ERR(kthread_run(pt_writer_thread, &pw[i], "pipewriter/%d", i)));
	}
	/* Read whole messages back: each must be one writer's, in its order. */
	while (msgs < PT_WRITERS * PT_MSGS) {
		size_t got = 0;
		ssize_t n = 0;
		int id;

		while (got < PT_MSG_SIZE) {
			n = pt_read(r, msg + got, PT_MSG_SIZE - got);
			if (n <= 0)
				break;
			got += n;
		}
		if (n <= 0)
			break;
		id = msg[0] - 'A';
		if (id < 0 || id >= PT_WRITERS || msg[1] != (char)next_seq[id]) {
			bad++;
			break;
		}
		for (int j = 2; j < PT_MSG_SIZE; j++)
			if (msg[j] != msg[0]) {
				bad++;
				break;
			}
		next_seq[id]++;
		msgs++;
	}
	KEXPECT_EQ(bad, 0);
	KEXPECT_EQ(msgs, PT_WRITERS * PT_MSGS);
	for (int i = 0; i < PT_WRITERS; i++)
		KEXPECT(wait_for_completion_timeout(&done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
	pt_close(w);
	pt_close(r);
	pt_done(t, inode, before);
}

/* ---- FIFO open rules ---- */

struct pt_opener {
	struct inode *inode;
	fmode_t mode;
	struct file *f;
	int err;
	struct completion done;
};

static int pt_opener_thread(void *data)
{
	struct pt_opener *o = data;

	o->f = pt_open(o->inode, o->mode, 0, &o->err);
	complete(&o->done);
	return 0;
}

KTEST(pipe, fifo_open_rules)
{
	static struct pt_opener o;
	long before = pipe_nr_allocated();
	struct inode *inode = pt_inode();
	struct file *r, *w;
	struct task_struct *k;
	int err;

	/* O_NONBLOCK: a writer without a reader gets ENXIO, a reader gets in. */
	KEXPECT(pt_open(inode, FMODE_WRITE, O_NONBLOCK, &err) == NULL);
	KEXPECT_EQ(err, -ENXIO);
	KEXPECT(inode->i_pipe == NULL);
	r = pt_open(inode, FMODE_READ, O_NONBLOCK, &err);
	KASSERT(r != NULL);
	/* A reader that never saw a writer is not hung up yet. */
	KEXPECT_EQ(vfs_call_poll(r, NULL) & EPOLLHUP, 0);
	w = pt_open(inode, FMODE_WRITE, O_NONBLOCK, &err);	/* now there is a reader */
	KASSERT(w != NULL);
	pt_close(w);
	pt_close(r);
	KEXPECT(inode->i_pipe == NULL);

	/* Blocking: a writer waits until a reader opens. */
	o = (struct pt_opener){ .inode = inode, .mode = FMODE_WRITE, .err = 1 };
	init_completion(&o.done);
	k = kthread_run(pt_opener_thread, &o, "fifowriter");
	KASSERT(!IS_ERR(k));
	msleep(50);
	KEXPECT(!completion_done(&o.done));
	r = pt_open(inode, FMODE_READ, 0, &err);	/* a writer is there: no wait */
	KASSERT(r != NULL);
	KASSERT(wait_for_completion_timeout(&o.done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
	KEXPECT_EQ(o.err, 0);
	KASSERT(o.f != NULL);
	KEXPECT_EQ(pt_write(o.f, "fifo", 4), 4);
	KEXPECT_EQ(pt_read(r, pt_page, 16), 4);
	pt_close(o.f);
	pt_close(r);

	/* Blocking: a reader waits until a writer opens. */
	o = (struct pt_opener){ .inode = inode, .mode = FMODE_READ, .err = 1 };
	init_completion(&o.done);
	k = kthread_run(pt_opener_thread, &o, "fiforeader");
	KASSERT(!IS_ERR(k));
	msleep(50);
	KEXPECT(!completion_done(&o.done));
	w = pt_open(inode, FMODE_WRITE, 0, &err);
	KASSERT(w != NULL);
	KASSERT(wait_for_completion_timeout(&o.done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
	KEXPECT_EQ(o.err, 0);
	KASSERT(o.f != NULL);
	pt_close(w);
	pt_close(o.f);

	/* O_RDWR never waits. */
	r = pt_open(inode, FMODE_READ | FMODE_WRITE, 0, &err);
	KASSERT(r != NULL);
	KEXPECT_EQ(pt_write(r, "me", 2), 2);
	KEXPECT_EQ(pt_read(r, pt_page, 8), 2);
	pt_close(r);
	pt_done(t, inode, before);
}

KTEST(pipe, blocking_read_and_write_interrupted_by_signal)
{
	static struct pt_reader rd;
	long before = pipe_nr_allocated();
	struct inode *inode = pt_inode();
	struct file *r, *w;
	struct task_struct *k;

	KASSERT(pt_pipe(inode, &r, &w));
	rd = (struct pt_reader){ .f = r, .result = -1 };
	init_completion(&rd.done);
	k = kthread_create(pt_reader_thread, &rd, "pipesig");
	KASSERT(!IS_ERR(k));
	get_task_struct(k);
	wake_up_process(k);
	msleep(50);
	KEXPECT(!completion_done(&rd.done));
	/* Nothing read yet: a signal makes the read -ERESTARTSYS. */
	KEXPECT_EQ(send_sig(SIGUSR1, k, 1), 0);
	KASSERT(wait_for_completion_timeout(&rd.done, msecs_to_jiffies(WAIT_SECONDS * 1000)));
	KEXPECT_EQ(rd.result, -ERESTARTSYS);
	put_task_struct(k);
	pt_close(r);
	/* No reader: -EPIPE (SIGPIPE goes to the writer, which init ignores). */
	KEXPECT_EQ(pt_write(w, "x", 1), -EPIPE);
	pt_close(w);
	pt_done(t, inode, before);
}

/* ---------------------------------------------------------------- through the system calls */

KTEST(pipe, syscalls_pipe2_and_fifo)
{
	long pipes = pipe_nr_allocated(), r, w;
	struct file *f;
	struct vfs_env env;
	struct stat st;
	char buf[16];
	int fds[2];

	KASSERT(vfs_env_begin(t, &env));
	KASSERT_EQ(ksys_pipe2(fds, O_CLOEXEC), 0);
	KEXPECT(get_close_on_exec(fds[0]));
	KEXPECT(get_close_on_exec(fds[1]));
	KEXPECT_EQ(ksys_write(fds[1], "ping", 4), 4);
	KEXPECT_EQ(ksys_read(fds[0], buf, sizeof(buf)), 4);
	KEXPECT_EQ(memcmp(buf, "ping", 4), 0);
	KEXPECT_EQ(ksys_read(fds[1], buf, 1), -EBADF);	/* the write end */
	KEXPECT_EQ(ksys_lseek(fds[0], 0, SEEK_SET), -ESPIPE);
	KEXPECT_EQ(ksys_fstat(fds[0], &st), 0);
	KEXPECT(S_ISFIFO(st.st_mode));
	f = fget(fds[0]);
	KASSERT(f != NULL);
	KEXPECT_EQ(vfs_call_poll(f, NULL) & (EPOLLIN | EPOLLHUP), 0);
	KEXPECT_EQ(ksys_close(fds[1]), 0);
	KEXPECT_EQ(vfs_call_poll(f, NULL) & EPOLLHUP, EPOLLHUP);	/* no writer left */
	fput(f);
	KEXPECT_EQ(ksys_read(fds[0], buf, sizeof(buf)), 0);	/* EOF */
	KEXPECT_EQ(ksys_close(fds[0]), 0);
	KEXPECT_EQ(pipe_nr_allocated(), pipes);

	KASSERT_EQ(ksys_pipe2(fds, O_NONBLOCK), 0);
	KEXPECT(!get_close_on_exec(fds[0]));
	KEXPECT_EQ(ksys_read(fds[0], buf, 1), -EAGAIN);
	KEXPECT(ksys_fcntl(fds[1], F_GETFL, 0) & O_NONBLOCK);
	KEXPECT_EQ(ksys_close(fds[0]), 0);
	KEXPECT_EQ(ksys_write(fds[1], "x", 1), -EPIPE);
	KEXPECT_EQ(ksys_close(fds[1]), 0);
	KEXPECT_EQ(ksys_pipe2(fds, O_APPEND), -EINVAL);

	/* A FIFO made by mknod, opened through the VFS. */
	KASSERT_EQ(ksys_mknodat(AT_FDCWD, "/fifo", S_IFIFO | 0600, 0), 0);
	KEXPECT_EQ(ksys_open("/fifo", O_WRONLY | O_NONBLOCK, 0), -ENXIO);
	r = ksys_open("/fifo", O_RDONLY | O_NONBLOCK, 0);
	KASSERT(r >= 0);
	w = ksys_open("/fifo", O_WRONLY | O_NONBLOCK, 0);
	KASSERT(w >= 0);
	KEXPECT_EQ(ksys_write(w, "fifo", 4), 4);
	KEXPECT_EQ(ksys_read(r, buf, sizeof(buf)), 4);
	KEXPECT_EQ(ksys_close(w), 0);
	KEXPECT_EQ(ksys_read(r, buf, sizeof(buf)), 0);
	KEXPECT_EQ(ksys_close(r), 0);
	KEXPECT_EQ(ksys_unlink("/fifo"), 0);
	KEXPECT_EQ(pipe_nr_allocated(), pipes);
	KEXPECT(vfs_env_end(t, &env));
	KEXPECT(debug_locks);
}
