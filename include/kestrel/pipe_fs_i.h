/*
 * Pipes and FIFOs (fs/pipe.c).
 *
 * A pipe is a ring of pipe_buffers, each a page holding bytes
 * [offset, offset + len). Writers fill slots at head, readers empty them
 * at tail; head and tail run freely and are masked with (ring_size - 1),
 * so head - tail is the number of used slots.
 *
 * Locks:
 *   pipe->mutex      everything in struct pipe_inode_info except `files`:
 *                    the ring, head/tail, readers/writers, the open
 *                    counters. A sleeping lock: copying to and from the
 *                    caller's buffer may fault and sleep. Readers and
 *                    writers drop it to sleep on rd_wait / wr_wait.
 *   inode->i_lock    inode->i_pipe and pipe->files (how many struct files
 *                    point at the pipe: the last one frees it).
 * Order: pipe->mutex, then wait-queue locks; i_lock is never held with
 * the mutex.
 */
#ifndef KESTREL_PIPE_FS_I_H
#define KESTREL_PIPE_FS_I_H

#include <kestrel/fs.h>
#include <kestrel/mutex.h>
#include <kestrel/poll.h>
#include <kestrel/wait.h>

#define PIPE_BUF 4096		/* writes up to this size are atomic (POSIX) */
#define PIPE_DEF_BUFFERS 16	/* slots of a new pipe: 64 KiB, as Linux */
#define PIPEFS_MAGIC 0x50495045


struct page;

struct pipe_buffer {
	struct page *page;	/* NULL: the slot is free */
	unsigned int offset;	/* first unread byte in the page */
	unsigned int len;	/* unread bytes */
};

struct pipe_inode_info {
	struct mutex mutex;		/* all fields but files (see above) */
	wait_queue_head_t rd_wait;	/* readers wait for data / writers; FIFO opens too */
	wait_queue_head_t wr_wait;	/* writers wait for room / readers */
	unsigned int head;		/* next slot to fill */
	unsigned int tail;		/* next slot to read */
	unsigned int ring_size;		/* slots, a power of two */
	unsigned int readers;		/* open files that read */
	unsigned int writers;		/* open files that write */
	unsigned int files;		/* struct files pointing here; under inode->i_lock */
	unsigned int r_counter;		/* opens for reading ever (FIFO open waits on it) */
	unsigned int w_counter;		/* opens for writing ever */
	struct page *tmp_page;		/* a spare page kept from the last emptied slot */
	struct pipe_buffer *bufs;	/* ring_size slots */
};

static inline bool pipe_empty(unsigned int head, unsigned int tail)
{
	return head == tail;
}

static inline unsigned int pipe_occupancy(unsigned int head, unsigned int tail)
{
	return head - tail;
}

static inline bool pipe_full(unsigned int head, unsigned int tail, unsigned int limit)
{
	return pipe_occupancy(head, tail) >= limit;
}

/* fs/pipe.c */
struct pipe_inode_info *alloc_pipe_info(void);
void free_pipe_info(struct pipe_inode_info *pipe);
/* The file operations of FIFOs (init_special_inode) and of pipe ends. */
extern const struct file_operations pipefifo_fops;
/* Bytes waiting in the pipe (FIONREAD, tests). */
unsigned int pipe_nr_bytes(struct pipe_inode_info *pipe);
/* Live pipe_inode_infos (leak tests). */
long pipe_nr_allocated(void);
/* Boot: register and mount pipefs (after vfs_caches_init). */
int pipe_init(void);
/* pipe2(2) with kernel pointers: fd[0] reads, fd[1] writes; O_CLOEXEC, O_NONBLOCK. */
int do_pipe2(int *fd, int flags);

#endif
