/*
 * Pipes and FIFOs (fs/pipe.c).
 *
 * A pipe is a ring of pipe_buffers, each a page holding bytes
 * [offset, offset + len). Writers fill slots at head, readers empty them
 * at tail; head and tail run freely and are masked with (ring_size - 1),
 * so head - tail is the number of used slots.
 *
 * Readers and writers drop pipe->mutex to sleep on rd_wait / wr_wait.
 *
 * Locks used to protect struct members in this file (the order in which
 * they nest: docs/locking.md, "Lock order"):
 *	[c] constant after creation
 *	[S] a lock or wait queue itself
 *	[m] pipe->mutex (a sleeping lock: copying to and from user memory may
 *	    fault); the wake-up conditions and poll peek at head, tail,
 *	    readers, writers and w_counter with READ_ONCE
 *	[i] the FIFO inode's i_lock (never held with the mutex)
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
	struct page *page;	/* [m] NULL: the slot is free */
	unsigned int offset;	/* [m] first unread byte in the page */
	unsigned int len;	/* [m] unread bytes */
};

struct pipe_inode_info {
	struct mutex mutex;		/* [S] all fields but files (see above) */
	wait_queue_head_t rd_wait;	/* [S] readers wait for data / writers; FIFO opens too */
	wait_queue_head_t wr_wait;	/* [S] writers wait for room / readers */
	unsigned int head;		/* [m] next slot to fill */
	unsigned int tail;		/* [m] next slot to read */
	unsigned int ring_size;		/* [c] slots, a power of two */
	unsigned int readers;		/* [m] open files that read */
	unsigned int writers;		/* [m] open files that write */
	unsigned int files;		/* [i] struct files pointing here */
	unsigned int r_counter;		/* [m] opens for reading ever (FIFO open waits on it) */
	unsigned int w_counter;		/* [m] opens for writing ever */
	struct page *tmp_page;		/* [m] a spare page kept from the last emptied slot */
	struct pipe_buffer *bufs;	/* [c] ring_size slots (their contents: [m]) */
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
