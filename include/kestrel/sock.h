/*
 * The protocol side of a socket: struct sock, the buffers it queues
 * (struct sk_buff) and the control data they carry (struct scm_*).
 * net/core/sock.c and net/core/skbuff.c implement the generic part,
 * net/unix/af_unix.c the AF_UNIX one (struct unix_sock embeds a sock).
 *
 * A sock is reference counted (sk_refcnt): its socket holds one, and so
 * do a connected peer, a buffer it sent that is still queued somewhere
 * (the sender pays for it in sk_wmem_alloc until it is read), and a
 * listener's queue for a connection not yet accepted. When the socket's
 * file is closed the sock is orphaned (SOCK_DEAD, no sk_socket) and dies
 * with its last reference.
 *
 * Locks used to protect struct members in this file:
 *	[c] constant after creation
 *	[a] atomic, or one word read with READ_ONCE and written with WRITE_ONCE
 *	[S] a lock or wait queue itself
 *	[e] an embedded struct whose own members carry the tags
 *	[u] the owning unix_sock's lock (unix_state_lock); lockless readers
 *	    use READ_ONCE
 *	[q] the sk_buff_head's lock
 *	[r] the receiving socket's iolock, held by the one reader that
 *	    consumes the buffer
 *	[x] the family's own rule
 */
#ifndef KESTREL_SOCK_H
#define KESTREL_SOCK_H

#include <kestrel/fs.h>
#include <kestrel/net.h>
#include <kestrel/refcount.h>
#include <kestrel/spinlock.h>
#include <kestrel/wait.h>

/* sk_state (Linux reuses the TCP state names for every family). */
#define TCP_ESTABLISHED 1
#define TCP_CLOSE 7
#define TCP_LISTEN 10

/* sk_shutdown */
#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

/* sk_flags bits */
#define SOCK_DEAD 0		/* orphaned: its socket is closed */
#define SOCK_PASSCRED 1		/* SO_PASSCRED */
#define SOCK_PASSSEC 2		/* SO_PASSSEC (stored: no security module) */
#define SOCK_KEEPOPEN 3		/* SO_KEEPALIVE (stored: no meaning for AF_UNIX) */
#define SOCK_BROADCAST 4	/* SO_BROADCAST (stored) */
#define SOCK_LINGER 5		/* SO_LINGER on (stored) */
#define SOCK_URGINLINE 6	/* SO_OOBINLINE (stored) */
#define SOCK_DBG 7		/* SO_DEBUG (stored) */
#define SOCK_LOCALROUTE 8	/* SO_DONTROUTE (stored) */

/* Linux's defaults (net.core.wmem_default, wmem_max, ...). */
#define SK_WMEM_MAX 212992
#define SK_RMEM_MAX 212992
#define SOCK_MIN_SNDBUF 4608
#define SOCK_MIN_RCVBUF 2304

/* SCM_RIGHTS descriptors in flight (their file references). */
struct scm_fp_list {
	short count;				/* [c] */
	unsigned int uid;			/* [c] whose in-flight count they are on */
	struct file *fp[SCM_MAX_FD];		/* [c] referenced */
};

/* A message's control data between sendmsg and the buffer. */
struct scm_cookie {
	bool has_creds;			/* SCM_CREDENTIALS given, or added for SO_PASSCRED */
	struct ucred creds;
	struct scm_fp_list *fp;		/* SCM_RIGHTS */
};

struct sk_buff_head {
	struct list_head head;		/* [q] */
	unsigned int qlen;		/* [q] (lockless readers: READ_ONCE) */
	spinlock_t lock;		/* [S] */
};

/* One queued message, or one piece of a stream. */
struct sk_buff {
	struct list_head list;		/* [q] in a sk_buff_head */
	unsigned int len;		/* [c] data bytes */
	unsigned int consumed;		/* [r] stream: bytes already read */
	unsigned int truesize;		/* [c] charged to sk's sk_wmem_alloc */
	struct sock *sk;		/* [c] the sender (referenced), or for a connection
					 * request in a listener's queue the new sock */
	bool has_creds;			/* [c] */
	struct ucred creds;		/* [c] the sender's, for SCM_CREDENTIALS */
	struct scm_fp_list *fp;		/* [q] SCM_RIGHTS: the reader takes it under the queue lock */
	u8 *data;			/* [c] len bytes */
};

struct sock {
	unsigned short sk_type;		/* [c] SOCK_* */
	unsigned short sk_family;	/* [c] */
	unsigned char sk_state;		/* [u] TCP_* */
	unsigned char sk_shutdown;	/* [u] RCV_SHUTDOWN | SEND_SHUTDOWN */
	int sk_err;			/* [a] a pending error (SO_ERROR reads and clears it) */
	int sk_rcvbuf, sk_sndbuf;	/* [a] */
	int sk_rcvlowat;		/* [a] */
	long sk_rcvtimeo, sk_sndtimeo;	/* [a] jiffies; MAX_SCHEDULE_TIMEOUT: none */
	int sk_priority;		/* [a] SO_PRIORITY (stored) */
	struct linger sk_linger_opt;	/* [a] SO_LINGER (stored) */
	unsigned char sk_reuse, sk_reuseport; /* [a] SO_REUSEADDR/REUSEPORT (stored) */
	unsigned int sk_max_ack_backlog; /* [u] listen's backlog; dgram: queue limit */
	unsigned long sk_flags;		/* [a] SOCK_* bits */
	atomic_t sk_wmem_alloc;		/* [a] bytes of its buffers queued elsewhere */
	refcount_t sk_refcnt;		/* [a] */
	struct ucred sk_peercred;	/* [u] SO_PEERCRED */
	bool sk_has_peercred;		/* [u] */
	struct socket *sk_socket;	/* [u] NULL once orphaned */
	struct sk_buff_head sk_receive_queue; /* [e] */
	/* readers, writers and pollers of this sock; lives as long as the sock */
	wait_queue_head_t sk_wq;	/* [S] */
	void (*sk_destruct)(struct sock *sk); /* [c] the family's last words */
};

static inline void sock_hold(struct sock *sk)
{
	refcount_inc(&sk->sk_refcnt);
}

void sk_free(struct sock *sk);

static inline void sock_put(struct sock *sk)
{
	if (refcount_dec_and_test(&sk->sk_refcnt))
		sk_free(sk);
}

static inline bool sock_flag(const struct sock *sk, int flag)
{
	return test_bit(flag, &sk->sk_flags);
}

static inline void sock_set_flag(struct sock *sk, int flag)
{
	set_bit(flag, &sk->sk_flags);
}

static inline void sock_reset_flag(struct sock *sk, int flag)
{
	clear_bit(flag, &sk->sk_flags);
}

/* Set up a zeroed sock (net/core/sock.c). */
void sock_init_data(struct socket *sock, struct sock *sk, int type, int family);
/* The pending error, cleared (0 if none), as a negative errno. */
int sock_error(struct sock *sk);
/* Timeouts for a blocking call: 0 with noblock, else SO_RCVTIMEO/SO_SNDTIMEO. */
long sock_rcvtimeo(const struct sock *sk, bool noblock);
long sock_sndtimeo(const struct sock *sk, bool noblock);
/* What a wait ended by a signal returns: -ERESTARTSYS, or -EINTR with a timeout. */
int sock_intr_errno(long timeo);
/* Credentials of current, as SO_PEERCRED and SCM_CREDENTIALS give them. */
void cred_to_ucred(struct ucred *uc);

/* Wake-ups (the key says what happened). */
void sk_data_ready(struct sock *sk);
void sk_write_space(struct sock *sk);
void sk_state_change(struct sock *sk);

/* ---- buffers (net/core/skbuff.c) ---- */

void skb_queue_head_init(struct sk_buff_head *q);
/* A buffer for len bytes, charged to sk's sk_wmem_alloc; NULL if out of memory. */
struct sk_buff *alloc_skb_for(struct sock *sk, unsigned int len);
/* Free: uncharge the sender (waking its writers), drop fds in flight and the sender. */
void kfree_skb(struct sk_buff *skb);
void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb);
struct sk_buff *skb_dequeue(struct sk_buff_head *q);
void skb_unlink(struct sk_buff *skb, struct sk_buff_head *q);
void skb_queue_purge(struct sk_buff_head *q);
/* The first buffer, or the one after skb; NULL at the end. q's lock held. */
struct sk_buff *skb_peek(struct sk_buff_head *q);
struct sk_buff *skb_peek_next(struct sk_buff *skb, struct sk_buff_head *q);

static inline unsigned int skb_queue_len(const struct sk_buff_head *q)
{
	return READ_ONCE(q->qlen);
}

static inline bool skb_queue_empty(const struct sk_buff_head *q)
{
	return !READ_ONCE(q->qlen);
}

/* ---- control messages (net/core/scm.c) ---- */

/* Parse msg's control data into scm (SCM_RIGHTS takes file references). 0 or -errno. */
int scm_send(struct socket *sock, struct msghdr *msg, struct scm_cookie *scm);
/* Give back what scm_send took (fds not handed on). */
void scm_destroy(struct scm_cookie *scm);
/*
 * Deliver scm to the reader: SCM_CREDENTIALS if it asked (SO_PASSCRED),
 * and SCM_RIGHTS as new descriptors (MSG_CMSG_CLOEXEC). Consumes scm.
 */
void scm_recv(struct socket *sock, struct msghdr *msg, struct scm_cookie *scm, int flags);
/* A copy of fpl with its own file references; NULL if out of memory. */
struct scm_fp_list *scm_fp_dup(struct scm_fp_list *fpl);
void scm_fp_free(struct scm_fp_list *fpl);

#endif
