/*
 * AF_UNIX sockets (net/unix/af_unix.c, the in-flight descriptor
 * collector net/unix/garbage.c). docs/net.md explains them.
 *
 * Locks used to protect struct members in this file (their order:
 * docs/locking.md, "Lock order"):
 *	[c] constant after creation
 *	[a] atomic
 *	[S] a lock, mutex or wait queue itself
 *	[e] an embedded struct whose own members carry the tags
 *	[u] u->lock (unix_state_lock); lockless readers use READ_ONCE
 *	[t] unix_table_lock (the name tables)
 *	[b] u->bindlock, held to set; then constant (readers: READ_ONCE)
 *	[g] unix_gc_lock
 */
#ifndef KESTREL_AF_UNIX_H
#define KESTREL_AF_UNIX_H

#include <kestrel/mutex.h>
#include <kestrel/sock.h>

/* A bound name, shared by a listener and the sockets it accepted. */
struct unix_address {
	refcount_t refcnt;		/* [a] */
	int len;			/* [c] bytes of name used (what getsockname returns) */
	struct sockaddr_un name;	/* [c] */
};

struct unix_sock {
	struct sock sk;			/* [e] first: a sock is a unix_sock */
	spinlock_t lock;		/* [S] sk_state, sk_shutdown, peer, sk_peercred */
	struct mutex iolock;		/* [S] one reader at a time (held across the copy out) */
	struct mutex bindlock;		/* [S] bind and autobind */
	struct unix_address *addr;	/* [b] its name, NULL if unbound */
	struct path path;		/* [b] the socket file of a path name */
	struct sock *peer;		/* [u] the connected peer, referenced */
	struct hlist_node name_node;	/* [t] in the abstract or the path table */
	/* senders waiting for room in this socket's queue, connectors for its backlog */
	wait_queue_head_t peer_wait;	/* [S] */
	/*
	 * A connected datagram sender that found its peer full hangs this
	 * on the peer's peer_wait (poll, non-blocking send), to hear when
	 * there is room; peer_wake_peer is who it hangs on (referenced via
	 * peer).
	 */
	wait_queue_entry_t peer_wake;	/* [u] (its list: the peer's peer_wait lock) */
	struct sock *peer_wake_peer;	/* [u] */
	long inflight;			/* [g] times its file is in flight in SCM_RIGHTS */
	struct list_head gc_link;	/* [g] in the in-flight list, or a collection's */
	unsigned long gc_flags;		/* [g] UNIX_GC_* */
};

#define UNIX_GC_CANDIDATE 0
#define UNIX_GC_MAYBE_CYCLE 1

static inline struct unix_sock *unix_sk(const struct sock *sk)
{
	return (struct unix_sock *)sk;
}

#define unix_peer(sk) (unix_sk(sk)->peer)

/* The unix sock behind a file, or NULL if it is no AF_UNIX socket. */
struct sock *unix_get_socket(struct file *filp);
/* Free buffers wake their sender's writers when it may write again. */
void unix_write_space(struct sock *sk);
/* A buffer with SCM_RIGHTS descriptors is freed unread: they leave flight. */
void unix_destruct_fds(struct sk_buff *skb);

/* ---- in-flight descriptors (net/unix/garbage.c) ---- */

/* fp's files go into (out of) flight; -ETOOMANYREFS over the sender's limit. */
int unix_inflight_fds(struct scm_fp_list *fp);
void unix_notinflight_fds(struct scm_fp_list *fp);
/* Collect cycles of sockets only reachable through each other's queues. */
void unix_gc(void);
/* Anything in flight at all (the last close of a socket collects if so). */
bool unix_any_inflight(void);

#endif
