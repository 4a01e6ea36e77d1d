/*
 * Sockets: the BSD socket layer (net/socket.c) and what an address
 * family plugs into it. docs/net.md explains it for a student.
 *
 * A socket is a file: socket(2) makes an inode of the internal file
 * system sockfs with a struct socket around it (struct socket_alloc),
 * and a file whose f_op is socket_file_ops. The socket's family (here
 * only AF_UNIX, net/unix/af_unix.c) does the work through its
 * proto_ops; the protocol state lives in a struct sock
 * (include/kestrel/sock.h), which can outlive the socket (a peer still
 * holds it).
 *
 * The user-visible numbers are Linux's x86_64 ones.
 *
 * Locks used to protect struct members in this file:
 *	[c] constant after creation
 *	[a] atomic
 *	[S] a lock or wait queue itself
 *	[e] an embedded struct whose own members carry the tags
 *	[x] the family's own rule (net/unix/af_unix.c)
 */
#ifndef KESTREL_NET_H
#define KESTREL_NET_H

#include <kestrel/fs.h>
#include <kestrel/poll.h>
#include <kestrel/uio.h>

/* ---------------- user-visible ABI ---------------- */

typedef unsigned short sa_family_t;

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_MAX 46		/* families are below this (Linux's NPROTO) */
#define PF_UNIX AF_UNIX

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5
#define SOCK_DCCP 6
#define SOCK_PACKET 10
#define SOCK_MAX (SOCK_PACKET + 1)
#define SOCK_TYPE_MASK 0xf
#define SOCK_CLOEXEC O_CLOEXEC
#define SOCK_NONBLOCK O_NONBLOCK

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

/* Big enough for any address (Linux's struct sockaddr_storage). */
struct sockaddr_storage {
	sa_family_t ss_family;
	char __data[128 - sizeof(sa_family_t)];
} __attribute__((aligned(8)));

#define UNIX_PATH_MAX 108
struct sockaddr_un {
	sa_family_t sun_family;
	char sun_path[UNIX_PATH_MAX];
};

/* sendmsg/recvmsg's header as user space lays it out. */
struct user_msghdr {
	void __user *msg_name;
	int msg_namelen;
	struct iovec __user *msg_iov;
	size_t msg_iovlen;
	void __user *msg_control;
	size_t msg_controllen;
	unsigned int msg_flags;
};

struct mmsghdr {
	struct user_msghdr msg_hdr;
	unsigned int msg_len;
};

struct cmsghdr {
	size_t cmsg_len;	/* header and data, not counting the padding after */
	int cmsg_level;
	int cmsg_type;
};

#define CMSG_ALIGN(len) (((len) + sizeof(long) - 1) & ~(sizeof(long) - 1))
#define CMSG_LEN(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_SPACE(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + CMSG_ALIGN(len))
#define CMSG_DATA(cmsg) ((void *)((char *)(cmsg) + CMSG_ALIGN(sizeof(struct cmsghdr))))

struct ucred {
	u32 pid;
	u32 uid;
	u32 gid;
};

struct linger {
	int l_onoff;
	int l_linger;
};

#define SOL_SOCKET 1
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253		/* descriptors in one SCM_RIGHTS message */

#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_NO_CHECK 11
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_BSDCOMPAT 14
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO_OLD 20
#define SO_SNDTIMEO_OLD 21
#define SO_PEERSEC 31
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_PASSSEC 34
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SO_PEEK_OFF 42
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_WAITFORONE 0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

#define SOMAXCONN 4096		/* net.core.somaxconn: listen's backlog is capped here */

/* ---------------- kernel side ---------------- */

typedef enum {
	SS_FREE = 0,
	SS_UNCONNECTED,
	SS_CONNECTING,
	SS_CONNECTED,
	SS_DISCONNECTING,
} socket_state;

struct sock;
struct socket;

/*
 * A message on its way into or out of a socket: the address in a kernel
 * buffer, the data as an iov_iter over user (or kernel) memory, and the
 * control data: a kernel copy for sendmsg, the user's buffer for recvmsg
 * (put_cmsg writes into it and advances it).
 */
struct msghdr {
	void *msg_name;			/* a struct sockaddr_storage, or NULL */
	int msg_namelen;		/* in: its length; out: the address's (0: none) */
	struct iov_iter msg_iter;
	void *msg_control;		/* sendmsg: kernel copy */
	void __user *msg_control_user;	/* recvmsg: where cmsgs go */
	size_t msg_controllen;
	unsigned int msg_flags;		/* in: the call's MSG_*; out: MSG_TRUNC, MSG_CTRUNC */
};

/* What an address family implements (Linux's struct proto_ops). */
struct proto_ops {
	int family;
	int (*release)(struct socket *sock);
	int (*bind)(struct socket *sock, struct sockaddr *addr, int addr_len);
	int (*connect)(struct socket *sock, struct sockaddr *addr, int addr_len, int flags);
	int (*socketpair)(struct socket *a, struct socket *b);
	int (*accept)(struct socket *sock, struct socket *newsock, int flags);
	/* The length of the address written to addr, or -errno. */
	int (*getname)(struct socket *sock, struct sockaddr *addr, int peer);
	__poll_t (*poll)(struct file *file, struct socket *sock, poll_table *wait);
	int (*ioctl)(struct socket *sock, unsigned int cmd, unsigned long arg);
	int (*listen)(struct socket *sock, int backlog);
	int (*shutdown)(struct socket *sock, int how);
	int (*sendmsg)(struct socket *sock, struct msghdr *m, size_t len);
	int (*recvmsg)(struct socket *sock, struct msghdr *m, size_t len, int flags);
};

struct net_proto_family {
	int family;
	int (*create)(struct socket *sock, int protocol, int kern);
};

struct socket {
	socket_state state;		/* [x] */
	short type;			/* [c] SOCK_STREAM ... */
	struct file *file;		/* [c] NULL for a socket not yet given a file */
	struct sock *sk;		/* [c] set by ->create (or ->accept), cleared by ->release */
	const struct proto_ops *ops;	/* [c] */
};

/* A socket and its sockfs inode, allocated together. */
struct socket_alloc {
	struct socket socket;		/* [e] */
	struct inode vfs_inode;		/* [e] */
};

static inline struct socket *SOCKET_I(struct inode *inode)
{
	return &container_of(inode, struct socket_alloc, vfs_inode)->socket;
}

static inline struct inode *SOCK_INODE(struct socket *sock)
{
	return &container_of(sock, struct socket_alloc, socket)->vfs_inode;
}

/* Register an address family (its socket(2) constructor). */
int sock_register(const struct net_proto_family *fam);
/* The socket behind an open file, or NULL for another file. */
struct socket *sock_from_file(struct file *file);
/* A new socket (no file yet) of family/type, or ERR_PTR. */
struct socket *sock_create_kern(int family, int type, int protocol);
/* A bare socket for ->accept to fill (its inode, no file, no sock). */
struct socket *sock_alloc(void);
/* Give sock a file (consumes sock on failure): the file or ERR_PTR. */
struct file *sock_alloc_file(struct socket *sock, int flags);
/* Drop a socket that has no file. */
void sock_release(struct socket *sock);

/*
 * Control messages (net/core/scm.c): put one cmsg into the user's
 * control buffer (MSG_CTRUNC when it does not fit). 0 or -EFAULT.
 */
int put_cmsg(struct msghdr *msg, int level, int type, int len, const void *data);

/* SOL_SOCKET options (net/core/sock.c), for the socket layer. */
int sock_setsockopt(struct socket *sock, int optname, const void __user *optval,
		    unsigned int optlen);
int sock_getsockopt(struct socket *sock, int optname, void __user *optval, int __user *optlen);

#endif
