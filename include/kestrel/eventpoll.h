/*
 * epoll (fs/eventpoll.c): the hook the VFS calls.
 */
#ifndef KESTREL_EVENTPOLL_H
#define KESTREL_EVENTPOLL_H

#include <kestrel/fs.h>

/*
 * The last reference to file is going (__fput, before ->release): take
 * it out of every epoll set that watches it, as Linux does (an epoll
 * item holds no reference on the file it watches).
 */
void eventpoll_release_file(struct file *file);

static inline void eventpoll_release(struct file *file)
{
	/* Lockless look: nobody can add an item to a file whose count is 0. */
	if (READ_ONCE(file->f_ep.first))
		eventpoll_release_file(file);
}

#endif
