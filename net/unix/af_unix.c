/*
 * AF_UNIX sockets, after Linux's net/unix/af_unix.c: stream, datagram
 * and seqpacket sockets between processes of one machine, named by a
 * path in the file system or by a name in the abstract namespace.
 * docs/net.md explains them for a student.
 *
 * Data: a sender copies the user's bytes into a buffer (struct sk_buff)
 * charged to itself, and queues it on the *receiver's* receive queue;
 * the receiver copies it out and frees it, which uncharges the sender.
 * A stream sender waits while its buffers in flight reach its SO_SNDBUF;
 * a datagram sender also waits while an unconnected receiver has more
 * than its backlog (max_dgram_qlen, 10) of datagrams queued.
 *
 * Connections (stream and seqpacket): connect() makes a new sock for the
 * server side at once (the "embryo"), connects the two, and queues a
 * buffer pointing to the embryo on the listener's queue; accept() takes
 * it and gives the embryo a socket. A full backlog makes connect wait
 * (EAGAIN without it) on the listener's peer_wait.
 *
 * Names: a path name is a socket inode made with mknod in the file
 * system (bind: EADDRINUSE if the path exists); connect() looks the path
 * up (write permission on it), and finds the socket bound to that inode
 * in unix_bsd_table. An abstract name (sun_path[0] == 0) lives in
 * unix_abstract_table only, per socket type, and goes with the socket.
 *
 * Closing: the peer of a stream or seqpacket socket sees end of file
 * (its sk_shutdown becomes SHUTDOWN_MASK) and ECONNRESET if data was left
 * unread; writes to it fail with EPIPE (and SIGPIPE unless MSG_NOSIGNAL,
 * for streams). A datagram sender whose peer died gets ECONNREFUSED.
 *
 * Descriptors in flight (SCM_RIGHTS) can form cycles that nobody can
 * ever read (a socket sent over itself); net/unix/garbage.c collects
 * them when a socket is closed.
 *
 * Locks (include/kestrel/af_unix.h has the fields' tags; the order is in
 * docs/locking.md, "Lock order"):
 *   u->bindlock   bind and autobind, inside the parent directory's i_rwsem
 *   u->iolock     readers, one at a time; held across the copy to user
 *                 memory (so it is outside mmap_lock)
 *   u->lock       state, peer, shutdown; two are taken in address order
 *   queue lock    the receive queue (inside u->lock)
 *   unix_table_lock  the name tables (innermost)
 * No user copy is ever made with a spinlock held: senders fill their
 * buffer before taking any lock.
 */
#include <kestrel/af_unix.h>
#include <kestrel/cred.h>
#include <kestrel/dcache.h>
#include <kestrel/fs_struct.h>
#include <kestrel/init.h>
#include <kestrel/mount.h>
#include <kestrel/namei.h>
#include <kestrel/random.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/uaccess.h>
#include <kestrel/uio.h>

#define UNIX_HASH_SIZE 256
#define UNIX_MAX_DGRAM_QLEN 10	/* net.unix.max_dgram_qlen */
#define UNIX_STREAM_SKB_MAX (32 * 1024)	/* one buffer of a stream write at most */
#define SIOCINQ 0x541B		/* FIONREAD */
#define SIOCOUTQ 0x5411		/* TIOCOUTQ */
#define U_LOCK_SECOND 1		/* subclass of the second of two state locks */

static DEFINE_SPINLOCK(unix_table_lock);
static struct hlist_head unix_abstract_table[UNIX_HASH_SIZE];	/* [t] by name and type */
static struct hlist_head unix_bsd_table[UNIX_HASH_SIZE];	/* [t] by the socket inode */

static const struct proto_ops unix_stream_ops, unix_dgram_ops, unix_seqpacket_ops;

static void unix_state_lock(struct sock *sk)
{
	spin_lock(&unix_sk(sk)->lock);
}

static void unix_state_unlock(struct sock *sk)
{
	spin_unlock(&unix_sk(sk)->lock);
}

/* Both state locks, in address order (one if they are the same or other is NULL). */
static void unix_state_double_lock(struct sock *sk1, struct sock *sk2)
{
	if (!sk2 || sk1 == sk2) {
		unix_state_lock(sk1);
		return;
	}
	if (sk1 > sk2) {
		struct sock *t = sk1;

		sk1 = sk2;
		sk2 = t;
	}
	unix_state_lock(sk1);
	spin_lock_nested(&unix_sk(sk2)->lock, U_LOCK_SECOND);
}

static void unix_state_double_unlock(struct sock *sk1, struct sock *sk2)
{
	if (!sk2 || sk1 == sk2) {
		unix_state_unlock(sk1);
		return;
	}
	unix_state_unlock(sk1);
	unix_state_unlock(sk2);
}

/* A fresh reference to sk's peer, or NULL. */
static struct sock *unix_peer_get(struct sock *sk)
{
	struct sock *peer;

	unix_state_lock(sk);
	peer = unix_peer(sk);
	if (peer)
		sock_hold(peer);
	unix_state_unlock(sk);
	return peer;
}

/* A datagram receiver not connected back to its sender takes at most its backlog. */
static bool unix_recvq_full(const struct sock *sk)
{
	return skb_queue_len(&sk->sk_receive_queue) > READ_ONCE(sk->sk_max_ack_backlog);
}

static bool unix_writable(const struct sock *sk, unsigned char state)
{
	return state != TCP_LISTEN &&
	       ((unsigned int)atomic_read(&sk->sk_wmem_alloc) << 2) <= (unsigned int)READ_ONCE(sk->sk_sndbuf);
}

void unix_write_space(struct sock *sk)
{
	if (unix_writable(sk, READ_ONCE(sk->sk_state)))
		sk_write_space(sk);
}

struct sock *unix_get_socket(struct file *filp)
{
	struct socket *sock = sock_from_file(filp);

	if (sock && sock->ops && sock->ops->family == AF_UNIX)
		return READ_ONCE(sock->sk);
	return NULL;
}

/* ---------------- names ---------------- */

static void unix_release_addr(struct unix_address *addr)
{
	if (refcount_dec_and_test(&addr->refcnt))
		kfree(addr);
}

static int unix_validate_addr(const struct sockaddr_un *sunaddr, int addr_len)
{
	if (addr_len <= (int)offsetof(struct sockaddr_un, sun_path) ||
	    addr_len > (int)sizeof(*sunaddr))
		return -EINVAL;
	if (sunaddr->sun_family != AF_UNIX)
		return -EINVAL;
	return 0;
}

/* A path name ends at its first NUL (or the buffer's end): its real length. */
static int unix_mkname_bsd(struct sockaddr_un *sunaddr, int addr_len)
{
	((char *)sunaddr)[addr_len] = 0;	/* the address sits in a sockaddr_storage */
	return strlen(sunaddr->sun_path) + offsetof(struct sockaddr_un, sun_path) + 1;
}

static struct unix_address *unix_create_addr(const struct sockaddr_un *sunaddr, int addr_len)
{
	struct unix_address *addr = kzalloc(sizeof(*addr), GFP_KERNEL);

	if (!addr)
		return NULL;
	refcount_set(&addr->refcnt, 1);
	addr->len = addr_len;
	memcpy(&addr->name, sunaddr, addr_len);
	return addr;
}

static unsigned int unix_abstract_hash(const struct sockaddr_un *sunaddr, int addr_len, int type)
{
	u32 h = (u32)type * 0x9e3779b9u;

	for (int i = 0; i < addr_len; i++)
		h = (h ^ ((const u8 *)sunaddr)[i]) * 0x01000193u;
	return h & (UNIX_HASH_SIZE - 1);
}

static unsigned int unix_bsd_hash(const struct inode *inode)
{
	return ((unsigned long)inode >> 6) & (UNIX_HASH_SIZE - 1);
}

/* The socket bound to this abstract name (referenced), or NULL. unix_table_lock held. */
static struct sock *__unix_find_abstract(const struct sockaddr_un *sunaddr, int addr_len,
					 int type)
{
	struct unix_sock *u;

	hlist_for_each_entry(u, &unix_abstract_table[unix_abstract_hash(sunaddr, addr_len, type)],
			     name_node) {
		if (u->sk.sk_type == type && u->addr->len == addr_len &&
		    !memcmp(&u->addr->name, sunaddr, addr_len))
			return &u->sk;
	}
	return NULL;
}

static struct sock *unix_find_socket_byinode(struct inode *inode)
{
	struct sock *sk = NULL;
	struct unix_sock *u;

	spin_lock(&unix_table_lock);
	hlist_for_each_entry(u, &unix_bsd_table[unix_bsd_hash(inode)], name_node) {
		if (d_inode(u->path.dentry) == inode) {
			sk = &u->sk;
			sock_hold(sk);
			break;
		}
	}
	spin_unlock(&unix_table_lock);
	return sk;
}

/* The socket a name refers to, referenced, or ERR_PTR (Linux's unix_find_other). */
static struct sock *unix_find_other(struct sockaddr_un *sunaddr, int addr_len, int type)
{
	struct sock *sk;

	if (sunaddr->sun_path[0]) {
		struct path path;
		struct inode *inode;
		int err;

		unix_mkname_bsd(sunaddr, addr_len);
		err = kern_path(sunaddr->sun_path, LOOKUP_FOLLOW, &path);
		if (err)
			return ERR_PTR(err);
		inode = d_inode(path.dentry);
		err = inode_permission(inode, MAY_WRITE);
		if (err)
			goto put;
		err = -ECONNREFUSED;
		if (!S_ISSOCK(inode->i_mode))
			goto put;
		sk = unix_find_socket_byinode(inode);
		if (!sk)
			goto put;
		if (sk->sk_type != type) {
			sock_put(sk);
			err = -EPROTOTYPE;
			goto put;
		}
		path_put(&path);
		return sk;
put:
		path_put(&path);
		return ERR_PTR(err);
	}
	spin_lock(&unix_table_lock);
	sk = __unix_find_abstract(sunaddr, addr_len, type);
	if (sk)
		sock_hold(sk);
	spin_unlock(&unix_table_lock);
	return sk ? sk : ERR_PTR(-ECONNREFUSED);
}

/* Publish addr as sk's name (in table, NULL for none). unix_table_lock held. */
static void __unix_set_addr(struct sock *sk, struct unix_address *addr, struct hlist_head *table)
{
	struct unix_sock *u = unix_sk(sk);

	if (table)
		hlist_add_head(&u->name_node, table);
	smp_store_release(&u->addr, addr);
}

/* Give an unbound socket an abstract name of five hex digits (Linux's autobind). */
static int unix_autobind(struct sock *sk)
{
	struct unix_sock *u = unix_sk(sk);
	struct unix_address *addr;
	unsigned int ordernum, i;
	int err = 0;

	mutex_lock(&u->bindlock);
	if (u->addr)
		goto out;
	err = -ENOMEM;
	addr = kzalloc(sizeof(*addr), GFP_KERNEL);
	if (!addr)
		goto out;
	refcount_set(&addr->refcnt, 1);
	addr->len = offsetof(struct sockaddr_un, sun_path) + 6;
	addr->name.sun_family = AF_UNIX;
	get_random_bytes(&ordernum, sizeof(ordernum));
	for (i = 0; i <= 0xfffff; i++, ordernum++) {
		snprintf(addr->name.sun_path + 1, 6, "%05x", ordernum & 0xfffff);
		spin_lock(&unix_table_lock);
		if (!__unix_find_abstract(&addr->name, addr->len, sk->sk_type)) {
			__unix_set_addr(sk, addr,
					&unix_abstract_table[unix_abstract_hash(&addr->name, addr->len,
										sk->sk_type)]);
			spin_unlock(&unix_table_lock);
			err = 0;
			goto out;
		}
		spin_unlock(&unix_table_lock);
		if (!(i & 0xff))
			cond_resched();
	}
	kfree(addr);
	err = -ENOSPC;	/* every name is taken */
out:
	mutex_unlock(&u->bindlock);
	return err;
}

static int unix_bind_abstract(struct sock *sk, struct sockaddr_un *sunaddr, int addr_len)
{
	struct unix_sock *u = unix_sk(sk);
	struct unix_address *addr = unix_create_addr(sunaddr, addr_len);
	int err;

	if (!addr)
		return -ENOMEM;
	err = mutex_lock_interruptible(&u->bindlock);
	if (err)
		goto out_addr;
	err = -EINVAL;
	if (u->addr)
		goto out_unlock;
	spin_lock(&unix_table_lock);
	if (__unix_find_abstract(sunaddr, addr_len, sk->sk_type)) {
		spin_unlock(&unix_table_lock);
		err = -EADDRINUSE;
		goto out_unlock;
	}
	__unix_set_addr(sk, addr, &unix_abstract_table[unix_abstract_hash(sunaddr, addr_len,
									  sk->sk_type)]);
	spin_unlock(&unix_table_lock);
	mutex_unlock(&u->bindlock);
	return 0;
out_unlock:
	mutex_unlock(&u->bindlock);
out_addr:
	kfree(addr);
	return err;
}

static int unix_bind_bsd(struct sock *sk, struct sockaddr_un *sunaddr, int addr_len)
{
	umode_t mode = S_IFSOCK | ((S_IRWXU | S_IRWXG | S_IRWXO) & ~current_umask());
	struct unix_sock *u = unix_sk(sk);
	struct unix_address *addr;
	struct dentry *dentry;
	struct path parent;
	int err;

	addr_len = unix_mkname_bsd(sunaddr, addr_len);
	addr = unix_create_addr(sunaddr, addr_len);
	if (!addr)
		return -ENOMEM;
	dentry = kern_path_create(AT_FDCWD, addr->name.sun_path, &parent, 0);
	if (IS_ERR(dentry)) {
		err = PTR_ERR(dentry);
		goto out_addr;
	}
	/* The socket file: connect() finds us through its inode. */
	err = vfs_mknod(d_inode(parent.dentry), dentry, mode, 0);
	if (err)
		goto out_path;
	err = mutex_lock_interruptible(&u->bindlock);
	if (err)
		goto out_unlink;
	if (u->addr) {
		mutex_unlock(&u->bindlock);
		err = -EINVAL;	/* bound already: the new file goes again, as Linux */
		goto out_unlink;
	}
	u->path.mnt = mntget(parent.mnt);
	u->path.dentry = dget(dentry);
	spin_lock(&unix_table_lock);
	__unix_set_addr(sk, addr, &unix_bsd_table[unix_bsd_hash(d_inode(dentry))]);
	spin_unlock(&unix_table_lock);
	mutex_unlock(&u->bindlock);
	done_path_create(&parent, dentry);
	return 0;
out_unlink:
	vfs_unlink(d_inode(parent.dentry), dentry, NULL);
out_path:
	done_path_create(&parent, dentry);
out_addr:
	kfree(addr);
	return err == -EEXIST ? -EADDRINUSE : err;
}

static int unix_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_un *sunaddr = (struct sockaddr_un *)uaddr;
	int err;

	if (addr_len == offsetof(struct sockaddr_un, sun_path) && sunaddr->sun_family == AF_UNIX)
		return unix_autobind(sock->sk);
	err = unix_validate_addr(sunaddr, addr_len);
	if (err)
		return err;
	if (sunaddr->sun_path[0])
		return unix_bind_bsd(sock->sk, sunaddr, addr_len);
	return unix_bind_abstract(sock->sk, sunaddr, addr_len);
}

static int unix_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_un *sunaddr = (struct sockaddr_un *)uaddr;
	struct sock *sk = sock->sk;
	struct unix_address *addr;
	int err;

	if (peer) {
		sk = unix_peer_get(sk);
		if (!sk)
			return -ENOTCONN;
	} else {
		sock_hold(sk);
	}
	addr = smp_load_acquire(&unix_sk(sk)->addr);
	if (!addr) {
		sunaddr->sun_family = AF_UNIX;
		sunaddr->sun_path[0] = 0;
		err = offsetof(struct sockaddr_un, sun_path);
	} else {
		err = addr->len;
		memcpy(sunaddr, &addr->name, addr->len);
	}
	sock_put(sk);
	return err;
}

/* The sender's name for recvfrom/recvmsg (none: msg_namelen stays 0). */
static void unix_copy_addr(struct msghdr *msg, struct sock *sk)
{
	struct unix_address *addr = smp_load_acquire(&unix_sk(sk)->addr);

	if (msg->msg_name && addr) {
		msg->msg_namelen = addr->len;
		memcpy(msg->msg_name, &addr->name, addr->len);
	}
}

/* ---------------- datagram peers' wake-ups ---------------- */

/*
 * A connected datagram sender that found its peer's queue full hangs
 * its peer_wake entry on the peer's peer_wait; when the peer reads, this
 * relays the wake-up to the sender's own queue (where its pollers and
 * epoll entries are), and unhooks. Runs under the peer's peer_wait lock.
 */
static int unix_dgram_peer_wake_relay(wait_queue_entry_t *q, unsigned int mode, void *key)
{
	struct unix_sock *u = container_of(q, struct unix_sock, peer_wake);

	list_del_init(&q->entry);
	u->peer_wake_peer = NULL;
	__wake_up(&u->sk.sk_wq, TASK_NORMAL, 0, key);
	return 0;
}

/* Hook sk's relay on other's peer_wait; true if it was not hooked yet. */
static bool unix_dgram_peer_wake_connect(struct sock *sk, struct sock *other)
{
	struct unix_sock *u = unix_sk(sk), *u_other = unix_sk(other);
	unsigned long flags;
	bool hooked = false;

	spin_lock_irqsave(&u_other->peer_wait.lock, flags);
	if (!u->peer_wake_peer) {
		u->peer_wake_peer = other;
		list_add(&u->peer_wake.entry, &u_other->peer_wait.head);
		hooked = true;
	}
	spin_unlock_irqrestore(&u_other->peer_wait.lock, flags);
	return hooked;
}

static void unix_dgram_peer_wake_disconnect(struct sock *sk, struct sock *other)
{
	struct unix_sock *u = unix_sk(sk), *u_other = unix_sk(other);
	unsigned long flags;

	spin_lock_irqsave(&u_other->peer_wait.lock, flags);
	if (u->peer_wake_peer == other) {
		list_del_init(&u->peer_wake.entry);
		u->peer_wake_peer = NULL;
	}
	spin_unlock_irqrestore(&u_other->peer_wait.lock, flags);
}

/* Unhook from the old peer and wake sk's writers: the peer is gone or changed. */
static void unix_dgram_peer_wake_disconnect_wakeup(struct sock *sk, struct sock *other)
{
	unix_dgram_peer_wake_disconnect(sk, other);
	sk_write_space(sk);
}

/* Is other still full after sk hooked itself on? (Then a wake-up will come.) */
static bool unix_dgram_peer_wake_me(struct sock *sk, struct sock *other)
{
	bool hooked = unix_dgram_peer_wake_connect(sk, other);

	if (unix_recvq_full(other))
		return true;
	if (hooked)
		unix_dgram_peer_wake_disconnect(sk, other);
	return false;
}

/* ---------------- creation and release ---------------- */

static void unix_sock_destructor(struct sock *sk)
{
	struct unix_sock *u = unix_sk(sk);

	skb_queue_purge(&sk->sk_receive_queue);
	WARN_ON(atomic_read(&sk->sk_wmem_alloc));
	WARN_ON(!sock_flag(sk, SOCK_DEAD));
	if (u->addr)
		unix_release_addr(u->addr);
}

static struct sock *unix_create1(struct socket *sock, int type)
{
	struct unix_sock *u = kzalloc(sizeof(*u), GFP_KERNEL);
	struct sock *sk;

	if (!u)
		return NULL;
	sk = &u->sk;
	sock_init_data(sock, sk, type, AF_UNIX);
	sk->sk_max_ack_backlog = UNIX_MAX_DGRAM_QLEN;
	sk->sk_destruct = unix_sock_destructor;
	spin_lock_init(&u->lock);
	mutex_init(&u->iolock);
	mutex_init(&u->bindlock);
	init_waitqueue_head(&u->peer_wait);
	u->peer_wake.flags = 0;
	u->peer_wake.private = NULL;
	u->peer_wake.func = unix_dgram_peer_wake_relay;
	INIT_LIST_HEAD(&u->peer_wake.entry);
	INIT_LIST_HEAD(&u->gc_link);
	INIT_HLIST_NODE(&u->name_node);
	return sk;
}

static int unix_create(struct socket *sock, int protocol, int kern)
{
	if (protocol && protocol != PF_UNIX)
		return -EPROTONOSUPPORT;
	sock->state = SS_UNCONNECTED;
	switch (sock->type) {
	case SOCK_STREAM:
		sock->ops = &unix_stream_ops;
		break;
	case SOCK_RAW:
		sock->type = SOCK_DGRAM;	/* as Linux: a raw AF_UNIX socket is a datagram one */
		sock->ops = &unix_dgram_ops;
		break;
	case SOCK_DGRAM:
		sock->ops = &unix_dgram_ops;
		break;
	case SOCK_SEQPACKET:
		sock->ops = &unix_seqpacket_ops;
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	if (!unix_create1(sock, sock->type)) {
		sock->ops = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* A datagram socket lost its peer: drop what it had queued, tell a mutual peer. */
static void unix_dgram_disconnected(struct sock *sk, struct sock *other)
{
	if (!skb_queue_empty(&sk->sk_receive_queue)) {
		skb_queue_purge(&sk->sk_receive_queue);
		wake_up_all(&unix_sk(sk)->peer_wait);
		if (!sock_flag(other, SOCK_DEAD) && unix_peer(other) == sk) {
			WRITE_ONCE(other->sk_err, ECONNRESET);
			sk_state_change(other);
		}
	}
}

static void unix_remove_name(struct sock *sk)
{
	struct unix_sock *u = unix_sk(sk);

	spin_lock(&unix_table_lock);
	if (!hlist_unhashed(&u->name_node))
		hlist_del_init(&u->name_node);
	spin_unlock(&unix_table_lock);
}

static void unix_release_sock(struct sock *sk, bool embrion)
{
	struct unix_sock *u = unix_sk(sk);
	struct sock *skpair;
	struct sk_buff *skb;
	struct path path;
	unsigned char state;

	unix_remove_name(sk);
	unix_state_lock(sk);
	sock_set_flag(sk, SOCK_DEAD);
	sk->sk_socket = NULL;
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	path = u->path;
	u->path.dentry = NULL;
	u->path.mnt = NULL;
	state = sk->sk_state;
	WRITE_ONCE(sk->sk_state, TCP_CLOSE);
	skpair = unix_peer(sk);
	unix_peer(sk) = NULL;
	unix_state_unlock(sk);
	wake_up_all(&u->peer_wait);

	if (skpair) {
		if (sk->sk_type == SOCK_STREAM || sk->sk_type == SOCK_SEQPACKET) {
			unix_state_lock(skpair);
			WRITE_ONCE(skpair->sk_shutdown, SHUTDOWN_MASK);	/* no more writes */
			if (!skb_queue_empty(&sk->sk_receive_queue) || embrion)
				WRITE_ONCE(skpair->sk_err, ECONNRESET);
			unix_state_unlock(skpair);
			sk_state_change(skpair);
		}
		unix_dgram_peer_wake_disconnect(sk, skpair);
		sock_put(skpair);
	}
	/* What is queued goes; a listener's pending connections are reset. */
	while ((skb = skb_dequeue(&sk->sk_receive_queue))) {
		/* The embryo's own reference goes with its release, the buffer's with the buffer. */
		if (state == TCP_LISTEN && skb->sk != sk)
			unix_release_sock(skb->sk, true);
		kfree_skb(skb);
	}
	if (path.dentry)
		path_put(&path);
	sock_put(sk);
	/* Closing may leave cycles of sockets only reachable in flight. */
	if (unix_any_inflight())
		unix_gc();
}

static int unix_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;
	sock->sk = NULL;
	unix_release_sock(sk, false);
	return 0;
}

/* ---------------- connections ---------------- */

static void init_peercred(struct sock *sk)
{
	cred_to_ucred(&sk->sk_peercred);
	sk->sk_has_peercred = true;
}

static int unix_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct unix_sock *u = unix_sk(sk);
	int err = -EOPNOTSUPP;

	if (sock->type != SOCK_STREAM && sock->type != SOCK_SEQPACKET)
		return err;
	if (!smp_load_acquire(&u->addr))
		return -EINVAL;	/* no listening on an unbound socket */
	unix_state_lock(sk);
	err = -EINVAL;
	if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN)
		goto out;
	if ((unsigned int)backlog > sk->sk_max_ack_backlog)
		wake_up_all(&u->peer_wait);	/* room for waiting connectors */
	sk->sk_max_ack_backlog = backlog;
	WRITE_ONCE(sk->sk_state, TCP_LISTEN);
	init_peercred(sk);	/* what connectors see as SO_PEERCRED */
	err = 0;
out:
	unix_state_unlock(sk);
	return err;
}

/*
 * Wait on other's peer_wait for room in its queue (a connector or a
 * datagram sender). Returns the time left; a signal leaves it pending
 * for the caller to see.
 */
static long unix_wait_for_peer(struct sock *other, long timeo)
{
	struct unix_sock *u = unix_sk(other);
	DEFINE_WAIT(wait);
	bool sched;

	prepare_to_wait_exclusive(&u->peer_wait, &wait, TASK_INTERRUPTIBLE);
	sched = !sock_flag(other, SOCK_DEAD) && !(other->sk_shutdown & RCV_SHUTDOWN) &&
		unix_recvq_full(other);
	unix_state_unlock(other);
	if (sched)
		timeo = schedule_timeout(timeo);
	finish_wait(&u->peer_wait, &wait);
	return timeo;
}

static int unix_stream_connect(struct socket *sock, struct sockaddr *uaddr, int addr_len,
			       int flags)
{
	struct sockaddr_un *sunaddr = (struct sockaddr_un *)uaddr;
	struct sock *sk = sock->sk, *newsk = NULL, *other = NULL;
	struct unix_sock *u = unix_sk(sk), *newu, *otheru;
	struct sk_buff *skb = NULL;
	unsigned char st;
	long timeo;
	int err;

	err = unix_validate_addr(sunaddr, addr_len);
	if (err)
		return err;
	if (sock_flag(sk, SOCK_PASSCRED) && !smp_load_acquire(&u->addr)) {
		err = unix_autobind(sk);
		if (err)
			return err;
	}
	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);

	/* The server's end of the connection, made now (accept() takes it). */
	err = -ENOMEM;
	newsk = unix_create1(NULL, sk->sk_type);
	if (!newsk)
		return err;
	skb = alloc_skb_for(newsk, 0);
	if (!skb)
		goto out;

restart:
	other = unix_find_other(sunaddr, addr_len, sk->sk_type);
	if (IS_ERR(other)) {
		err = PTR_ERR(other);
		other = NULL;
		goto out;
	}
	unix_state_lock(other);
	if (sock_flag(other, SOCK_DEAD)) {
		unix_state_unlock(other);
		sock_put(other);
		goto restart;	/* the name outlived its socket for a moment: look again */
	}
	err = -ECONNREFUSED;
	if (other->sk_state != TCP_LISTEN || (other->sk_shutdown & RCV_SHUTDOWN))
		goto out_unlock;
	if (unix_recvq_full(other)) {
		err = -EAGAIN;
		if (!timeo)
			goto out_unlock;
		timeo = unix_wait_for_peer(other, timeo);	/* unlocks other */
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			goto out;
		sock_put(other);
		other = NULL;
		goto restart;
	}
	st = READ_ONCE(sk->sk_state);
	if (st == TCP_ESTABLISHED) {
		err = -EISCONN;
		goto out_unlock;
	}
	if (st != TCP_CLOSE) {
		err = -EINVAL;
		goto out_unlock;
	}
	spin_lock_nested(&u->lock, U_LOCK_SECOND);
	if (sk->sk_state != st) {
		unix_state_unlock(sk);
		unix_state_unlock(other);
		sock_put(other);
		other = NULL;
		goto restart;
	}
	/* The way is open: link the two ends. */
	sock_hold(sk);
	unix_peer(newsk) = sk;
	newsk->sk_state = TCP_ESTABLISHED;
	init_peercred(newsk);	/* the server sees the connector's credentials */
	newu = unix_sk(newsk);
	otheru = unix_sk(other);
	if (otheru->addr) {
		refcount_inc(&otheru->addr->refcnt);
		newu->addr = otheru->addr;	/* accepted sockets carry the listener's name */
	}
	if (otheru->path.dentry) {
		path_get(&otheru->path);
		newu->path = otheru->path;
	}
	sk->sk_peercred = other->sk_peercred;	/* the listener's, from listen() */
	sk->sk_has_peercred = other->sk_has_peercred;
	sock->state = SS_CONNECTED;
	WRITE_ONCE(sk->sk_state, TCP_ESTABLISHED);
	sock_hold(newsk);
	unix_peer(sk) = newsk;
	unix_state_unlock(sk);
	/* Tell the listener. */
	skb_queue_tail(&other->sk_receive_queue, skb);
	unix_state_unlock(other);
	sk_data_ready(other);
	sock_put(other);
	return 0;

out_unlock:
	unix_state_unlock(other);
out:
	if (skb)
		kfree_skb(skb);
	if (newsk) {
		sock_set_flag(newsk, SOCK_DEAD);
		unix_release_sock(newsk, false);
	}
	if (other)
		sock_put(other);
	return err;
}

static int unix_socketpair(struct socket *socka, struct socket *sockb)
{
	struct sock *ska = socka->sk, *skb = sockb->sk;

	sock_hold(ska);
	sock_hold(skb);
	unix_peer(ska) = skb;
	unix_peer(skb) = ska;
	init_peercred(ska);
	init_peercred(skb);
	if (ska->sk_type != SOCK_DGRAM) {
		ska->sk_state = TCP_ESTABLISHED;
		skb->sk_state = TCP_ESTABLISHED;
		socka->state = SS_CONNECTED;
		sockb->state = SS_CONNECTED;
	}
	return 0;
}

/*
 * Wait for a connection request in a listener's queue: the buffer, or
 * NULL with *err (EAGAIN, a signal's, the timeout's).
 */
static struct sk_buff *unix_accept_wait(struct sock *sk, bool noblock, int *err)
{
	long timeo = sock_rcvtimeo(sk, noblock);
	DEFINE_WAIT(wait);
	struct sk_buff *skb;

	for (;;) {
		skb = skb_dequeue(&sk->sk_receive_queue);
		if (skb)
			return skb;
		*err = -EAGAIN;
		if (!timeo)
			return NULL;
		if (signal_pending(current)) {
			*err = sock_intr_errno(timeo);
			return NULL;
		}
		if (READ_ONCE(sk->sk_state) != TCP_LISTEN) {
			*err = -EINVAL;
			return NULL;
		}
		prepare_to_wait_exclusive(&sk->sk_wq, &wait, TASK_INTERRUPTIBLE);
		if (skb_queue_empty(&sk->sk_receive_queue) && !signal_pending(current))
			timeo = schedule_timeout(timeo);
		finish_wait(&sk->sk_wq, &wait);
	}
}

static int unix_accept(struct socket *sock, struct socket *newsock, int flags)
{
	struct sock *sk = sock->sk, *tsk;
	struct sk_buff *skb;
	int err = -EOPNOTSUPP;

	if (sock->type != SOCK_STREAM && sock->type != SOCK_SEQPACKET)
		return err;
	if (READ_ONCE(sk->sk_state) != TCP_LISTEN)
		return -EINVAL;
	skb = unix_accept_wait(sk, flags & O_NONBLOCK, &err);
	if (!skb)
		return err;
	tsk = skb->sk;
	sock_hold(tsk);		/* the buffer's reference goes with it */
	kfree_skb(skb);
	wake_up(&unix_sk(sk)->peer_wait);	/* room in the backlog */

	/* Give the new sock its socket. */
	unix_state_lock(tsk);
	newsock->state = SS_CONNECTED;
	if (sock_flag(sk, SOCK_PASSCRED))
		sock_set_flag(tsk, SOCK_PASSCRED);
	if (sock_flag(sk, SOCK_PASSSEC))
		sock_set_flag(tsk, SOCK_PASSSEC);
	tsk->sk_socket = newsock;
	newsock->sk = tsk;
	unix_state_unlock(tsk);
	return 0;
}

static int unix_dgram_connect(struct socket *sock, struct sockaddr *addr, int alen, int flags)
{
	struct sockaddr_un *sunaddr = (struct sockaddr_un *)addr;
	struct sock *sk = sock->sk, *other;
	int err;

	if (alen < (int)sizeof(sa_family_t))
		return -EINVAL;
	if (addr->sa_family != AF_UNSPEC) {
		err = unix_validate_addr(sunaddr, alen);
		if (err)
			return err;
		if (sock_flag(sk, SOCK_PASSCRED) && !smp_load_acquire(&unix_sk(sk)->addr)) {
			err = unix_autobind(sk);
			if (err)
				return err;
		}
restart:
		other = unix_find_other(sunaddr, alen, sock->type);
		if (IS_ERR(other))
			return PTR_ERR(other);
		unix_state_double_lock(sk, other);
		if (sock_flag(other, SOCK_DEAD)) {
			unix_state_double_unlock(sk, other);
			sock_put(other);
			goto restart;
		}
		/* other is connected to somebody else: it would not take our datagrams. */
		if (unix_peer(other) && unix_peer(other) != sk) {
			unix_state_double_unlock(sk, other);
			sock_put(other);
			return -EPERM;
		}
		WRITE_ONCE(sk->sk_state, TCP_ESTABLISHED);
		WRITE_ONCE(other->sk_state, TCP_ESTABLISHED);
	} else {
		/* AF_UNSPEC: disconnect. */
		other = NULL;
		unix_state_double_lock(sk, other);
	}
	if (unix_peer(sk)) {
		struct sock *old_peer = unix_peer(sk);

		unix_peer(sk) = other;
		if (!other)
			WRITE_ONCE(sk->sk_state, TCP_CLOSE);
		unix_state_double_unlock(sk, other);
		unix_dgram_peer_wake_disconnect_wakeup(sk, old_peer);
		if (other != old_peer)
			unix_dgram_disconnected(sk, old_peer);
		sock_put(old_peer);
	} else {
		unix_peer(sk) = other;
		unix_state_double_unlock(sk, other);
	}
	return 0;
}

static int unix_shutdown(struct socket *sock, int mode)
{
	struct sock *sk = sock->sk, *other;

	if (mode < SHUT_RD || mode > SHUT_RDWR)
		return -EINVAL;
	mode++;	/* SHUT_RD 0 -> RCV_SHUTDOWN 1, SHUT_WR 1 -> SEND_SHUTDOWN 2, both 3 */
	unix_state_lock(sk);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | mode);
	other = unix_peer(sk);
	if (other)
		sock_hold(other);
	unix_state_unlock(sk);
	sk_state_change(sk);
	if (other && (sk->sk_type == SOCK_STREAM || sk->sk_type == SOCK_SEQPACKET)) {
		int peer_mode = ((mode & RCV_SHUTDOWN) ? SEND_SHUTDOWN : 0) |
				((mode & SEND_SHUTDOWN) ? RCV_SHUTDOWN : 0);

		unix_state_lock(other);
		WRITE_ONCE(other->sk_shutdown, other->sk_shutdown | peer_mode);
		unix_state_unlock(other);
		sk_state_change(other);
	}
	if (other)
		sock_put(other);
	return 0;
}

/* ---------------- descriptors and credentials on buffers ---------------- */

/* Put scm's files and credentials on skb (the first buffer of a message). */
static int unix_scm_to_skb(struct scm_cookie *scm, struct sk_buff *skb, bool send_fds)
{
	int err;

	skb->has_creds = scm->has_creds;
	skb->creds = scm->creds;
	if (!send_fds || !scm->fp)
		return 0;
	err = unix_inflight_fds(scm->fp);
	if (err)
		return err;
	skb->fp = scm->fp;
	scm->fp = NULL;
	return 0;
}

/* SO_PASSCRED on either end: the receiver gets the sender's credentials. */
static void maybe_add_creds(struct sk_buff *skb, struct socket *sock, struct sock *other)
{
	if (skb->has_creds)
		return;
	if (sock_flag(sock->sk, SOCK_PASSCRED) || sock_flag(other, SOCK_PASSCRED)) {
		cred_to_ucred(&skb->creds);
		skb->creds.uid = current_cred()->uid;	/* SCM_CREDENTIALS: the real ids */
		skb->creds.gid = current_cred()->gid;
		skb->has_creds = true;
	}
}

/* A reader takes a buffer's files (under the queue lock: the collector looks at them). */
static void unix_detach_fds(struct sock *sk, struct scm_cookie *scm, struct sk_buff *skb)
{
	struct scm_fp_list *fp;

	spin_lock(&sk->sk_receive_queue.lock);
	fp = skb->fp;
	skb->fp = NULL;
	spin_unlock(&sk->sk_receive_queue.lock);
	if (!fp)
		return;
	unix_notinflight_fds(fp);
	scm->fp = fp;
}

/* MSG_PEEK: the reader gets copies of the files; they stay in flight. */
static void unix_peek_fds(struct sock *sk, struct scm_cookie *scm, struct sk_buff *skb)
{
	spin_lock(&sk->sk_receive_queue.lock);
	if (skb->fp)
		scm->fp = scm_fp_dup(skb->fp);
	spin_unlock(&sk->sk_receive_queue.lock);
}

void unix_destruct_fds(struct sk_buff *skb)
{
	struct scm_fp_list *fp = skb->fp;

	skb->fp = NULL;
	unix_notinflight_fds(fp);
	scm_fp_free(fp);
}

/* ---------------- sending ---------------- */

/*
 * A buffer for size bytes charged to sk, waiting (timeo) while sk's
 * buffers in flight have reached its SO_SNDBUF. NULL with *err: EAGAIN,
 * EPIPE (shut down), a pending error, a signal's.
 */
static struct sk_buff *sock_alloc_send_skb(struct sock *sk, unsigned int size, long timeo,
					   int *err)
{
	DEFINE_WAIT(wait);
	struct sk_buff *skb;

	for (;;) {
		*err = sock_error(sk);
		if (*err)
			return NULL;
		*err = -EPIPE;
		if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
			return NULL;
		if (atomic_read(&sk->sk_wmem_alloc) < READ_ONCE(sk->sk_sndbuf))
			break;
		*err = -EAGAIN;
		if (!timeo)
			return NULL;
		if (signal_pending(current)) {
			*err = sock_intr_errno(timeo);
			return NULL;
		}
		prepare_to_wait(&sk->sk_wq, &wait, TASK_INTERRUPTIBLE);
		if (atomic_read(&sk->sk_wmem_alloc) >= READ_ONCE(sk->sk_sndbuf) &&
		    !(READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN) && !READ_ONCE(sk->sk_err) &&
		    !signal_pending(current))
			timeo = schedule_timeout(timeo);
		finish_wait(&sk->sk_wq, &wait);
	}
	skb = alloc_skb_for(sk, size);
	if (!skb)
		*err = -ENOBUFS;
	return skb;
}

/* Fill skb from the message. 0 or -EFAULT. */
static int skb_copy_from_msg(struct sk_buff *skb, struct msghdr *msg)
{
	return copy_from_iter(skb->data, skb->len, &msg->msg_iter) == skb->len ? 0 : -EFAULT;
}

static void unix_send_sigpipe(int msg_flags)
{
	if (!(msg_flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
}

static int unix_dgram_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sockaddr_un *sunaddr = msg->msg_name;
	struct sock *sk = sock->sk, *other = NULL;
	struct unix_sock *u = unix_sk(sk);
	struct scm_cookie scm;
	struct sk_buff *skb;
	bool sk_locked;
	long timeo;
	int err;

	err = scm_send(sock, msg, &scm);
	if (err)
		return err;
	err = -EOPNOTSUPP;
	if (msg->msg_flags & MSG_OOB)
		goto out;
	if (msg->msg_namelen) {
		err = unix_validate_addr(sunaddr, msg->msg_namelen);
		if (err)
			goto out;
	} else {
		err = -ENOTCONN;
		other = unix_peer_get(sk);
		if (!other)
			goto out;
	}
	if (sock_flag(sk, SOCK_PASSCRED) && !smp_load_acquire(&u->addr)) {
		err = unix_autobind(sk);
		if (err)
			goto out;
	}
	err = -EMSGSIZE;
	if (len > (size_t)READ_ONCE(sk->sk_sndbuf) - 32)
		goto out;
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	skb = sock_alloc_send_skb(sk, len, timeo, &err);
	if (!skb)
		goto out;
	err = unix_scm_to_skb(&scm, skb, true);
	if (err)
		goto out_free;
	err = skb_copy_from_msg(skb, msg);
	if (err)
		goto out_free;

restart:
	if (!other) {
		err = -ECONNRESET;
		if (!sunaddr)
			goto out_free;	/* the peer went away while we waited */
		other = unix_find_other(sunaddr, msg->msg_namelen, sk->sk_type);
		if (IS_ERR(other)) {
			err = PTR_ERR(other);
			other = NULL;
			goto out_free;
		}
	}
	sk_locked = false;
	unix_state_lock(other);
restart_locked:
	err = -EPERM;
	if (unix_peer(other) && unix_peer(other) != sk)
		goto out_unlock;	/* connected to somebody else */
	if (sock_flag(other, SOCK_DEAD)) {
		/* The receiver is closed. Connected to it: ECONNREFUSED, and disconnect. */
		unix_state_unlock(other);
		if (!sk_locked)
			unix_state_lock(sk);
		err = 0;
		if (sk->sk_type == SOCK_SEQPACKET) {
			unix_state_unlock(sk);
			err = -EPIPE;
		} else if (unix_peer(sk) == other) {
			unix_peer(sk) = NULL;
			WRITE_ONCE(sk->sk_state, TCP_CLOSE);
			unix_state_unlock(sk);
			unix_dgram_peer_wake_disconnect_wakeup(sk, other);
			unix_dgram_disconnected(sk, other);
			sock_put(other);	/* the peer reference */
			err = -ECONNREFUSED;
		} else {
			unix_state_unlock(sk);
		}
		sock_put(other);
		other = NULL;
		if (err)
			goto out_free;
		goto restart;
	}
	err = -EPIPE;
	if (other->sk_shutdown & RCV_SHUTDOWN)
		goto out_unlock;
	if (other != sk && unix_peer(other) != sk && unix_recvq_full(other)) {
		if (timeo) {
			if (sk_locked) {
				unix_state_unlock(sk);
				sk_locked = false;
			}
			timeo = unix_wait_for_peer(other, timeo);	/* unlocks other */
			err = sock_intr_errno(timeo);
			if (signal_pending(current))
				goto out_free;
			goto restart;
		}
		if (!sk_locked) {
			unix_state_unlock(other);
			unix_state_double_lock(sk, other);
		}
		if (unix_peer(sk) != other || unix_dgram_peer_wake_me(sk, other)) {
			err = -EAGAIN;
			sk_locked = true;
			goto out_unlock;
		}
		if (!sk_locked) {
			sk_locked = true;
			goto restart_locked;
		}
	}
	if (sk_locked)
		unix_state_unlock(sk);
	maybe_add_creds(skb, sock, other);
	skb_queue_tail(&other->sk_receive_queue, skb);
	unix_state_unlock(other);
	sk_data_ready(other);
	sock_put(other);
	scm_destroy(&scm);
	return len;

out_unlock:
	if (sk_locked && sk != other)
		unix_state_unlock(sk);
	unix_state_unlock(other);
out_free:
	kfree_skb(skb);
out:
	if (other)
		sock_put(other);
	scm_destroy(&scm);
	return err;
}

static int unix_seqpacket_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	int err = sock_error(sk);

	if (err)
		return err;
	if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
		return -ENOTCONN;
	msg->msg_namelen = 0;	/* connected: any address is ignored */
	return unix_dgram_sendmsg(sock, msg, len);
}

static int unix_stream_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk, *other;
	struct scm_cookie scm;
	bool fds_sent = false;
	struct sk_buff *skb;
	size_t sent = 0;
	long timeo;
	int err;

	err = scm_send(sock, msg, &scm);
	if (err)
		return err;
	err = -EOPNOTSUPP;
	if (msg->msg_flags & MSG_OOB)
		goto out_err;
	if (msg->msg_namelen) {
		err = READ_ONCE(sk->sk_state) == TCP_ESTABLISHED ? -EISCONN : -EOPNOTSUPP;
		goto out_err;
	}
	err = -ENOTCONN;
	other = unix_peer(sk);	/* stays while we are connected: the peer is only cleared at release */
	if (!other)
		goto out_err;
	if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
		goto pipe_err;
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);

	while (sent < len) {
		size_t size = len - sent;
		size_t half = (size_t)READ_ONCE(sk->sk_sndbuf) / 2 - 64;

		/* Keep two buffers in the pipe: a reader can drain one while we fill one. */
		if (size > half)
			size = half;
		if (size > UNIX_STREAM_SKB_MAX)
			size = UNIX_STREAM_SKB_MAX;
		skb = sock_alloc_send_skb(sk, size, timeo, &err);
		if (!skb)
			goto out_err;
		/* Descriptors ride on the first buffer only. */
		err = unix_scm_to_skb(&scm, skb, !fds_sent);
		if (err) {
			kfree_skb(skb);
			goto out_err;
		}
		fds_sent = true;
		err = skb_copy_from_msg(skb, msg);
		if (err) {
			kfree_skb(skb);
			goto out_err;
		}
		unix_state_lock(other);
		if (sock_flag(other, SOCK_DEAD) || (other->sk_shutdown & RCV_SHUTDOWN)) {
			unix_state_unlock(other);
			kfree_skb(skb);
			goto pipe_err;
		}
		maybe_add_creds(skb, sock, other);
		skb_queue_tail(&other->sk_receive_queue, skb);
		unix_state_unlock(other);
		sk_data_ready(other);
		sent += size;
	}
	scm_destroy(&scm);
	return sent;

pipe_err:
	if (!sent)
		unix_send_sigpipe(msg->msg_flags);
	err = -EPIPE;
out_err:
	scm_destroy(&scm);
	return sent ? (int)sent : err;
}

/* ---------------- receiving ---------------- */

/*
 * Wait for a datagram (or a stream buffer beyond the snapshot nr_seen of
 * queued buffers). Returns 0 to look again, 1 for end of file (shut
 * down), or -errno (the pending error, ENOTCONN for a seqpacket without
 * a peer, a signal's, EAGAIN at the timeout). timeo is updated.
 */
static int unix_wait_for_data(struct sock *sk, long *timeo, bool (*ready)(struct sock *, void *),
			      void *arg)
{
	DEFINE_WAIT(wait);
	int ret = 0;

	prepare_to_wait(&sk->sk_wq, &wait, TASK_INTERRUPTIBLE);
	if (ready(sk, arg))
		goto out;
	ret = sock_error(sk);
	if (ret)
		goto out;
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN) {
		ret = 1;
		goto out;
	}
	ret = -ENOTCONN;
	if (sk->sk_type == SOCK_SEQPACKET && READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
		goto out;
	ret = -EAGAIN;
	if (!*timeo)
		goto out;
	if (signal_pending(current)) {
		ret = sock_intr_errno(*timeo);
		goto out;
	}
	ret = 0;
	*timeo = schedule_timeout(*timeo);
	if (!*timeo && !ready(sk, arg))
		ret = -EAGAIN;
out:
	finish_wait(&sk->sk_wq, &wait);
	return ret;
}

static bool queue_not_empty(struct sock *sk, void *arg)
{
	return !skb_queue_empty(&sk->sk_receive_queue);
}

static int unix_dgram_recvmsg(struct socket *sock, struct msghdr *msg, size_t size, int flags)
{
	struct sock *sk = sock->sk;
	struct unix_sock *u = unix_sk(sk);
	long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	struct scm_cookie scm;
	struct sk_buff *skb;
	int err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	for (;;) {
		mutex_lock(&u->iolock);
		err = sock_error(sk);
		if (err)
			goto out_unlock;
		spin_lock(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		if (skb && !(flags & MSG_PEEK)) {
			list_del_init(&skb->list);
			WRITE_ONCE(sk->sk_receive_queue.qlen, sk->sk_receive_queue.qlen - 1);
		}
		spin_unlock(&sk->sk_receive_queue.lock);
		if (skb)
			break;
		mutex_unlock(&u->iolock);
		err = unix_wait_for_data(sk, &timeo, queue_not_empty, NULL);
		if (err == 1)
			return 0;	/* shut down: end of file */
		if (err < 0) {
			/* A non-blocking seqpacket whose peer is gone reads end of file. */
			if (err == -EAGAIN && sk->sk_type == SOCK_SEQPACKET &&
			    (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
				return 0;
			return err;
		}
	}
	/* A datagram left the queue: senders waiting for room may go on. */
	if (!(flags & MSG_PEEK) && waitqueue_active(&u->peer_wait))
		__wake_up(&u->peer_wait, TASK_NORMAL, 0,
			  poll_to_key(EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND));
	unix_copy_addr(msg, skb->sk);
	if (size > skb->len)
		size = skb->len;
	else if (size < skb->len)
		msg->msg_flags |= MSG_TRUNC;
	memset(&scm, 0, sizeof(scm));
	scm.has_creds = skb->has_creds;
	scm.creds = skb->creds;
	if (copy_to_iter(skb->data, size, &msg->msg_iter) != size) {
		err = -EFAULT;
	} else {
		if (flags & MSG_PEEK)
			unix_peek_fds(sk, &scm, skb);
		else if (skb->fp)
			unix_detach_fds(sk, &scm, skb);
		err = (flags & MSG_TRUNC) ? (int)skb->len : (int)size;
		scm_recv(sock, msg, &scm, flags);
	}
	if (!(flags & MSG_PEEK))
		kfree_skb(skb);	/* a failed copy loses the datagram, as Linux */
out_unlock:
	mutex_unlock(&u->iolock);
	return err;
}

static int unix_seqpacket_recvmsg(struct socket *sock, struct msghdr *msg, size_t size, int flags)
{
	if (READ_ONCE(sock->sk->sk_state) != TCP_ESTABLISHED)
		return -ENOTCONN;
	return unix_dgram_recvmsg(sock, msg, size, flags);
}

static unsigned int unix_skb_len(const struct sk_buff *skb)
{
	return skb->len - skb->consumed;
}

/* Same credentials on both (or none on both): stream reads never glue two writers. */
static bool unix_skb_scm_eq(const struct sk_buff *skb, const struct scm_cookie *scm)
{
	if (skb->has_creds != scm->has_creds)
		return false;
	return !skb->has_creds || !memcmp(&skb->creds, &scm->creds, sizeof(scm->creds));
}

struct stream_wait_arg {
	unsigned int qlen;		/* buffers in the queue when we looked */
	struct sk_buff *last;		/* the last buffer we saw */
};

/* Something new: the queue grew, or its last buffer changed. */
static bool stream_more_data(struct sock *sk, void *arg)
{
	struct stream_wait_arg *a = arg;
	struct sk_buff *tail;
	bool more;

	spin_lock(&sk->sk_receive_queue.lock);
	tail = list_empty(&sk->sk_receive_queue.head) ? NULL :
	       list_last_entry(&sk->sk_receive_queue.head, struct sk_buff, list);
	more = tail != a->last || sk->sk_receive_queue.qlen != a->qlen;
	spin_unlock(&sk->sk_receive_queue.lock);
	return more;
}

static int unix_stream_recvmsg(struct socket *sock, struct msghdr *msg, size_t size, int flags)
{
	struct sock *sk = sock->sk;
	struct unix_sock *u = unix_sk(sk);
	bool check_creds = false;
	struct scm_cookie scm;
	size_t copied = 0, target;
	unsigned int skip = 0;
	long timeo;
	int err = 0;

	if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
		return -EINVAL;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	target = (flags & MSG_WAITALL) ? size : min((size_t)READ_ONCE(sk->sk_rcvlowat), size);
	if (!target)
		target = 1;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	memset(&scm, 0, sizeof(scm));
	mutex_lock(&u->iolock);

	do {
		struct stream_wait_arg wa;
		struct sk_buff *skb;
		unsigned int chunk;

		spin_lock(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		/* MSG_PEEK goes past what it has already looked at. */
		while (skb && skip >= unix_skb_len(skb)) {
			skip -= unix_skb_len(skb);
			skb = skb_peek_next(skb, &sk->sk_receive_queue);
		}
		if (!skb) {
			wa.qlen = sk->sk_receive_queue.qlen;
			wa.last = list_empty(&sk->sk_receive_queue.head) ? NULL :
				  list_last_entry(&sk->sk_receive_queue.head, struct sk_buff, list);
		}
		spin_unlock(&sk->sk_receive_queue.lock);

		if (!skb) {
			if (copied >= target)
				break;
			/* POSIX 1003.1g: the error first, then end of file. */
			err = sock_error(sk);
			if (err)
				break;
			if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
				break;
			if (!timeo) {
				err = -EAGAIN;
				break;
			}
			mutex_unlock(&u->iolock);
			err = unix_wait_for_data(sk, &timeo, stream_more_data, &wa);
			mutex_lock(&u->iolock);
			if (err == 1 || err == -ENOTCONN) {
				err = 0;
				continue;	/* look once more, then stop at end of file */
			}
			if (err < 0)
				break;
			continue;
		}

		if (check_creds) {
			if (!unix_skb_scm_eq(skb, &scm))
				break;	/* another writer's bytes: not in this read */
		} else if (sock_flag(sk, SOCK_PASSCRED)) {
			scm.has_creds = skb->has_creds;
			scm.creds = skb->creds;
			check_creds = true;
		}
		if (!copied)
			unix_copy_addr(msg, skb->sk);

		chunk = min((size_t)(unix_skb_len(skb) - skip), size);
		if (copy_to_iter(skb->data + skb->consumed + skip, chunk, &msg->msg_iter) != chunk) {
			if (!copied)
				err = -EFAULT;
			break;
		}
		copied += chunk;
		size -= chunk;

		if (!(flags & MSG_PEEK)) {
			WRITE_ONCE(skb->consumed, skb->consumed + chunk);
			if (skb->fp)
				unix_detach_fds(sk, &scm, skb);
			if (unix_skb_len(skb))
				break;	/* the buffer had more than the reader wanted */
			skb_unlink(skb, &sk->sk_receive_queue);
			kfree_skb(skb);
			if (scm.fp)
				break;	/* descriptors end a read */
		} else {
			if (skb->fp) {
				unix_peek_fds(sk, &scm, skb);
				break;
			}
			skip += chunk;
		}
	} while (size);

	mutex_unlock(&u->iolock);
	if (copied)
		scm_recv(sock, msg, &scm, flags);
	else
		scm_destroy(&scm);
	return copied ? (int)copied : err;
}

/* ---------------- poll and ioctl ---------------- */

static __poll_t unix_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	unsigned char state, shutdown;
	__poll_t mask = 0;

	poll_wait(file, &sk->sk_wq, wait);
	shutdown = READ_ONCE(sk->sk_shutdown);
	state = READ_ONCE(sk->sk_state);
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (shutdown == SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (!skb_queue_empty(&sk->sk_receive_queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (state == TCP_CLOSE)
		mask |= EPOLLHUP;	/* a connection-based socket that is not connected */
	/* Writable also when the other side is gone: a write then fails at once. */
	if (unix_writable(sk, state))
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	return mask;
}

static __poll_t unix_dgram_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk, *other;
	unsigned char state, shutdown;
	__poll_t mask = 0;
	bool writable;

	poll_wait(file, &sk->sk_wq, wait);
	shutdown = READ_ONCE(sk->sk_shutdown);
	state = READ_ONCE(sk->sk_state);
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (shutdown == SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (!skb_queue_empty(&sk->sk_receive_queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (sk->sk_type == SOCK_SEQPACKET && state == TCP_CLOSE)
		mask |= EPOLLHUP;
	/* Nobody asked about writing: skip the peer's queue. */
	if (wait && !(wait->_key & (EPOLLWRBAND | EPOLLWRNORM | EPOLLOUT)))
		return mask;
	writable = unix_writable(sk, state);
	if (writable) {
		unix_state_lock(sk);
		other = unix_peer(sk);
		if (other && unix_peer(other) != sk && unix_recvq_full(other) &&
		    unix_dgram_peer_wake_me(sk, other))
			writable = false;
		unix_state_unlock(sk);
	}
	if (writable)
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	return mask;
}

static int unix_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	long amount = 0;

	switch (cmd) {
	case SIOCOUTQ:
		amount = atomic_read(&sk->sk_wmem_alloc);
		return put_user((int)amount, (int __user *)arg);
	case SIOCINQ:
		if (READ_ONCE(sk->sk_state) == TCP_LISTEN)
			return -EINVAL;
		spin_lock(&sk->sk_receive_queue.lock);
		if (sk->sk_type == SOCK_STREAM || sk->sk_type == SOCK_SEQPACKET) {
			list_for_each_entry(skb, &sk->sk_receive_queue.head, list)
				amount += unix_skb_len(skb);
		} else {
			skb = skb_peek(&sk->sk_receive_queue);
			if (skb)
				amount = skb->len;
		}
		spin_unlock(&sk->sk_receive_queue.lock);
		return put_user((int)amount, (int __user *)arg);
	default:
		return -ENOTTY;
	}
}

static int unix_no_socketpair_accept(struct socket *sock, struct socket *newsock, int flags)
{
	return -EOPNOTSUPP;
}

static int unix_dgram_listen(struct socket *sock, int backlog)
{
	return -EOPNOTSUPP;
}

static const struct proto_ops unix_stream_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_stream_connect,
	.socketpair = unix_socketpair,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.listen = unix_listen,
	.shutdown = unix_shutdown,
	.sendmsg = unix_stream_sendmsg,
	.recvmsg = unix_stream_recvmsg,
};

static const struct proto_ops unix_dgram_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_dgram_connect,
	.socketpair = unix_socketpair,
	.accept = unix_no_socketpair_accept,
	.getname = unix_getname,
	.poll = unix_dgram_poll,
	.ioctl = unix_ioctl,
	.listen = unix_dgram_listen,
	.shutdown = unix_shutdown,
	.sendmsg = unix_dgram_sendmsg,
	.recvmsg = unix_dgram_recvmsg,
};

static const struct proto_ops unix_seqpacket_ops = {
	.family = AF_UNIX,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_stream_connect,
	.socketpair = unix_socketpair,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_dgram_poll,
	.ioctl = unix_ioctl,
	.listen = unix_listen,
	.shutdown = unix_shutdown,
	.sendmsg = unix_seqpacket_sendmsg,
	.recvmsg = unix_seqpacket_recvmsg,
};

static const struct net_proto_family unix_family_ops = {
	.family = AF_UNIX,
	.create = unix_create,
};

static int af_unix_init(void)
{
	return sock_register(&unix_family_ops);
}
late_initcall(af_unix_init);
