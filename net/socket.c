/*
 * The socket layer, after Linux's net/socket.c: sockfs, the socket file
 * operations and the socket system calls.
 *
 * A socket is an inode of sockfs (an internal file system, like pipefs)
 * with a struct socket allocated around it, and a file whose
 * private_data is that socket. The system calls copy the user's
 * addresses, iovecs and control data into the kernel, find the socket
 * behind the descriptor (ENOTSOCK for another file) and call its
 * family's proto_ops; read(2) and write(2) on a socket are recvmsg and
 * sendmsg without an address.
 *
 * Families: AF_UNIX (net/unix/af_unix.c) is the only one. Kestrel has no
 * network stack, so socket(2) for any other family fails with
 * EAFNOSUPPORT, as on a Linux built without it.
 *
 * Locking: net_families[] is written at boot only; a socket's own locks
 * are its family's.
 */
#include <kestrel/cred.h>
#include <kestrel/dcache.h>
#include <kestrel/fdtable.h>
#include <kestrel/init.h>
#include <kestrel/mount.h>
#include <kestrel/net.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/sock.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>
#include <kestrel/uio.h>
#include <kestrel/vsprintf.h>

#define SOCKFS_MAGIC 0x534F434B
#define SOCK_OPTMEM_MAX 20480	/* net.core.optmem_max: sendmsg's control data */

static const struct net_proto_family *net_families[AF_MAX];	/* set at boot */
static struct vfsmount *sock_mnt;	/* set once at boot */

static const struct file_operations socket_file_ops;

int sock_register(const struct net_proto_family *fam)
{
	if (fam->family < 0 || fam->family >= AF_MAX || net_families[fam->family])
		return -EINVAL;
	net_families[fam->family] = fam;
	return 0;
}

/* ---------------- sockfs ---------------- */

static struct inode *sock_alloc_inode(struct super_block *sb)
{
	struct socket_alloc *ei = kzalloc(sizeof(*ei), GFP_KERNEL);

	if (!ei)
		return NULL;
	ei->socket.state = SS_UNCONNECTED;
	return &ei->vfs_inode;
}

static void sock_free_inode(struct inode *inode)
{
	kfree(container_of(inode, struct socket_alloc, vfs_inode));
}

static const struct super_operations sockfs_ops = {
	.alloc_inode = sock_alloc_inode,
	.free_inode = sock_free_inode,
	.statfs = simple_statfs,
	.drop_inode = generic_delete_inode,
};

/* /proc/<pid>/fd shows "socket:[ino]", as Linux. */
static char *sockfs_dname(struct dentry *dentry, char *buffer, int buflen)
{
	int n = snprintf(buffer, buflen, "socket:[%lu]", d_inode(dentry)->i_ino);

	if (n >= buflen)
		return ERR_PTR(-ENAMETOOLONG);
	return buffer;
}

static const struct dentry_operations sockfs_dentry_operations = {
	.d_delete = always_delete_dentry,
	.d_dname = sockfs_dname,
};

static int sockfs_fill_super(struct super_block *s, void *data, int silent)
{
	s->s_op = &sockfs_ops;
	s->s_d_op = &sockfs_dentry_operations;
	return simple_fill_super_root(s, SOCKFS_MAGIC, 0700);
}

static struct dentry *sockfs_mount(struct file_system_type *fs_type, int flags,
				   const char *dev_name, void *data)
{
	return mount_nodev(fs_type, flags, data, sockfs_fill_super);
}

static struct file_system_type sock_fs_type = {
	.name = "sockfs",
	.mount = sockfs_mount,
	.kill_sb = kill_anon_super,
};

struct socket *sock_alloc(void)
{
	struct inode *inode;
	struct socket *sock;

	if (!sock_mnt)
		return NULL;
	inode = new_inode(sock_mnt->mnt_sb);
	if (!inode)
		return NULL;
	sock = SOCKET_I(inode);
	inode->i_ino = get_next_ino();
	inode->i_mode = S_IFSOCK | S_IRWXU | S_IRWXG | S_IRWXO;
	inode->i_uid = current_fsuid();
	inode->i_gid = current_fsgid();
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	return sock;
}

void sock_release(struct socket *sock)
{
	if (sock->ops) {
		sock->ops->release(sock);
		sock->ops = NULL;
	}
	if (!sock->file)
		iput(SOCK_INODE(sock));
	sock->file = NULL;
}

struct file *sock_alloc_file(struct socket *sock, int flags)
{
	struct file *file = alloc_file_pseudo(SOCK_INODE(sock), sock_mnt, "",
					      O_RDWR | (flags & O_NONBLOCK), &socket_file_ops);

	if (IS_ERR(file)) {
		sock_release(sock);
		return file;
	}
	sock->file = file;
	file->private_data = sock;
	return file;
}

struct socket *sock_from_file(struct file *file)
{
	return file->f_op == &socket_file_ops ? file->private_data : NULL;
}

/* The socket behind fd, its file referenced in *filep: ERR_PTR(-EBADF / -ENOTSOCK). */
static struct socket *sockfd_lookup(int fd, struct file **filep)
{
	struct file *file = fget(fd);
	struct socket *sock;

	if (!file)
		return ERR_PTR(-EBADF);
	sock = sock_from_file(file);
	if (!sock) {
		fput(file);
		return ERR_PTR(-ENOTSOCK);
	}
	*filep = file;
	return sock;
}

/* ---------------- the socket file ---------------- */

static int sock_sendmsg(struct socket *sock, struct msghdr *msg)
{
	return sock->ops->sendmsg(sock, msg, iov_iter_count(&msg->msg_iter));
}

static int sock_recvmsg(struct socket *sock, struct msghdr *msg, int flags)
{
	return sock->ops->recvmsg(sock, msg, iov_iter_count(&msg->msg_iter), flags);
}

static ssize_t sock_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct socket *sock = file->private_data;
	struct msghdr msg = { .msg_iter = *to };
	ssize_t res;

	if (!iov_iter_count(to))
		return 0;
	res = sock_recvmsg(sock, &msg, (file->f_flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
	*to = msg.msg_iter;
	return res;
}

static ssize_t sock_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct socket *sock = file->private_data;
	struct msghdr msg = { .msg_iter = *from };
	ssize_t res;

	if (file->f_flags & O_NONBLOCK)
		msg.msg_flags = MSG_DONTWAIT;
	if (sock->type == SOCK_SEQPACKET)
		msg.msg_flags |= MSG_EOR;
	res = sock_sendmsg(sock, &msg);
	*from = msg.msg_iter;
	return res;
}

static __poll_t sock_poll(struct file *file, poll_table *wait)
{
	struct socket *sock = file->private_data;

	return sock->ops->poll(file, sock, wait);
}

static long sock_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct socket *sock = file->private_data;

	return sock->ops->ioctl ? sock->ops->ioctl(sock, cmd, arg) : -ENOTTY;
}

static int sock_close(struct inode *inode, struct file *file)
{
	sock_release(SOCKET_I(inode));
	return 0;
}

static const struct file_operations socket_file_ops = {
	.read_iter = sock_read_iter,
	.write_iter = sock_write_iter,
	.poll = sock_poll,
	.unlocked_ioctl = sock_ioctl,
	.release = sock_close,
};

/* ---------------- creation ---------------- */

static struct socket *__sock_create(int family, int type, int protocol, int kern)
{
	const struct net_proto_family *pf;
	struct socket *sock;
	int err;

	if (family < 0 || family >= AF_MAX)
		return ERR_PTR(-EAFNOSUPPORT);
	if (type < 0 || type >= SOCK_MAX)
		return ERR_PTR(-EINVAL);
	pf = net_families[family];
	if (!pf)
		return ERR_PTR(-EAFNOSUPPORT);	/* no such family in this kernel */
	sock = sock_alloc();
	if (!sock)
		return ERR_PTR(-ENFILE);
	sock->type = type;
	err = pf->create(sock, protocol, kern);
	if (err) {
		sock_release(sock);
		return ERR_PTR(err);
	}
	return sock;
}

struct socket *sock_create_kern(int family, int type, int protocol)
{
	return __sock_create(family, type, protocol, 1);
}

/* A descriptor for sock (consumed either way): the fd or -errno. */
static int sock_map_fd(struct socket *sock, int flags)
{
	struct file *file;
	int fd = get_unused_fd_flags(flags);

	if (fd < 0) {
		sock_release(sock);
		return fd;
	}
	file = sock_alloc_file(sock, flags);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	fd_install(fd, file);
	return fd;
}

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	int flags = type & ~SOCK_TYPE_MASK;
	struct socket *sock;

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	sock = __sock_create(family, type & SOCK_TYPE_MASK, protocol, 0);
	if (IS_ERR(sock))
		return PTR_ERR(sock);
	return sock_map_fd(sock, flags);
}

SYSCALL_DEFINE4(socketpair, int, family, int, type, int, protocol, int __user *, usockvec)
{
	int flags = type & ~SOCK_TYPE_MASK, fd1, fd2, err;
	struct socket *sock1, *sock2;
	struct file *newfile1, *newfile2;

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	type &= SOCK_TYPE_MASK;
	/* As Linux: the numbers go out before the sockets exist. */
	fd1 = get_unused_fd_flags(flags);
	if (fd1 < 0)
		return fd1;
	fd2 = get_unused_fd_flags(flags);
	if (fd2 < 0) {
		put_unused_fd(fd1);
		return fd2;
	}
	err = put_user(fd1, &usockvec[0]);
	if (!err)
		err = put_user(fd2, &usockvec[1]);
	if (err)
		goto out_fds;
	sock1 = __sock_create(family, type, protocol, 0);
	if (IS_ERR(sock1)) {
		err = PTR_ERR(sock1);
		goto out_fds;
	}
	sock2 = __sock_create(family, type, protocol, 0);
	if (IS_ERR(sock2)) {
		err = PTR_ERR(sock2);
		sock_release(sock1);
		goto out_fds;
	}
	err = sock1->ops->socketpair ? sock1->ops->socketpair(sock1, sock2) : -EOPNOTSUPP;
	if (err) {
		sock_release(sock2);
		sock_release(sock1);
		goto out_fds;
	}
	newfile1 = sock_alloc_file(sock1, flags);
	if (IS_ERR(newfile1)) {
		err = PTR_ERR(newfile1);
		sock_release(sock2);
		goto out_fds;
	}
	newfile2 = sock_alloc_file(sock2, flags);
	if (IS_ERR(newfile2)) {
		err = PTR_ERR(newfile2);
		fput(newfile1);
		goto out_fds;
	}
	fd_install(fd1, newfile1);
	fd_install(fd2, newfile2);
	return 0;
out_fds:
	put_unused_fd(fd2);
	put_unused_fd(fd1);
	return err;
}

/* ---------------- addresses ---------------- */

static int move_addr_to_kernel(const void __user *uaddr, int ulen, struct sockaddr_storage *kaddr)
{
	if (ulen < 0 || ulen > (int)sizeof(struct sockaddr_storage))
		return -EINVAL;
	if (ulen == 0)
		return 0;
	if (copy_from_user(kaddr, uaddr, ulen))
		return -EFAULT;
	return 0;
}

/* Copy out up to *ulen bytes of the address and store its real length in *ulen. */
static int move_addr_to_user(const struct sockaddr_storage *kaddr, int klen, void __user *uaddr,
			     int __user *ulen)
{
	int len;

	if (get_user(len, ulen))
		return -EFAULT;
	if (len > klen)
		len = klen;
	if (len < 0)
		return -EINVAL;
	if (len && copy_to_user(uaddr, kaddr, len))
		return -EFAULT;
	return put_user(klen, ulen);
}

SYSCALL_DEFINE3(bind, int, fd, struct sockaddr __user *, umyaddr, int, addrlen)
{
	struct sockaddr_storage address;
	struct file *file;
	struct socket *sock = sockfd_lookup(fd, &file);
	int err;

	if (IS_ERR(sock))
		return PTR_ERR(sock);
	err = move_addr_to_kernel(umyaddr, addrlen, &address);
	if (!err)
		err = sock->ops->bind(sock, (struct sockaddr *)&address, addrlen);
	fput(file);
	return err;
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
	struct file *file;
	struct socket *sock = sockfd_lookup(fd, &file);
	int err;

	if (IS_ERR(sock))
		return PTR_ERR(sock);
	if ((unsigned int)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	err = sock->ops->listen(sock, backlog);
	fput(file);
	return err;
}

static int do_accept4(int fd, struct sockaddr __user *upeer_sockaddr, int __user *upeer_addrlen,
		      int flags)
{
	struct sockaddr_storage address;
	struct socket *sock, *newsock;
	struct file *file, *newfile;
	int err, len, newfd;

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	sock = sockfd_lookup(fd, &file);
	if (IS_ERR(sock))
		return PTR_ERR(sock);
	err = -ENFILE;
	newsock = sock_alloc();
	if (!newsock)
		goto out_put;
	newsock->type = sock->type;
	newsock->ops = sock->ops;
	newfd = get_unused_fd_flags(flags);
	if (newfd < 0) {
		err = newfd;
		newsock->ops = NULL;
		sock_release(newsock);
		goto out_put;
	}
	newfile = sock_alloc_file(newsock, flags);
	if (IS_ERR(newfile)) {
		err = PTR_ERR(newfile);
		put_unused_fd(newfd);
		goto out_put;
	}
	/* Waiting follows the listening file's O_NONBLOCK. */
	err = sock->ops->accept(sock, newsock, file->f_flags | flags);
	if (err < 0)
		goto out_fd;
	if (upeer_sockaddr) {
		len = newsock->ops->getname(newsock, (struct sockaddr *)&address, 2);
		if (len < 0) {
			err = -ECONNABORTED;
			goto out_fd;
		}
		err = move_addr_to_user(&address, len, upeer_sockaddr, upeer_addrlen);
		if (err < 0)
			goto out_fd;	/* the connection is lost, as on Linux */
	}
	fd_install(newfd, newfile);
	fput(file);
	return newfd;
out_fd:
	fput(newfile);
	put_unused_fd(newfd);
out_put:
	fput(file);
	return err;
}

SYSCALL_DEFINE4(accept4, int, fd, struct sockaddr __user *, upeer_sockaddr, int __user *,
		upeer_addrlen, int, flags)
{
	return do_accept4(fd, upeer_sockaddr, upeer_addrlen, flags);
}

SYSCALL_DEFINE3(accept, int, fd, struct sockaddr __user *, upeer_sockaddr, int __user *,
		upeer_addrlen)
{
	return do_accept4(fd, upeer_sockaddr, upeer_addrlen, 0);
}

SYSCALL_DEFINE3(connect, int, fd, struct sockaddr __user *, uservaddr, int, addrlen)
{
	struct sockaddr_storage address;
	struct file *file;
	struct socket *sock = sockfd_lookup(fd, &file);
	int err;

	if (IS_ERR(sock))
		return PTR_ERR(sock);
	err = move_addr_to_kernel(uservaddr, addrlen, &address);
	if (!err)
		err = sock->ops->connect(sock, (struct sockaddr *)&address, addrlen, file->f_flags);
	fput(file);
	return err;
}

static int do_getname(int fd, struct sockaddr __user *usockaddr, int __user *usockaddr_len,
		      int peer)
{
	struct sockaddr_storage address;
	struct file *file;
	struct socket *sock = sockfd_lookup(fd, &file);
	int err;

	if (IS_ERR(sock))
		return PTR_ERR(sock);
	err = sock->ops->getname(sock, (struct sockaddr *)&address, peer);
	if (err >= 0)
		err = move_addr_to_user(&address, err, usockaddr, usockaddr_len);
	fput(file);
	return err;
}

SYSCALL_DEFINE3(getsockname, int, fd, struct sockaddr __user *, usockaddr, int __user *,
		usockaddr_len)
{
	return do_getname(fd, usockaddr, usockaddr_len, 0);
}

SYSCALL_DEFINE3(getpeername, int, fd, struct sockaddr __user *, usockaddr, int __user *,
		usockaddr_len)
{
	return do_getname(fd, usockaddr, usockaddr_len, 1);
}

/* ---------------- send and receive ---------------- */

SYSCALL_DEFINE6(sendto, int, fd, void __user *, buff, size_t, len, unsigned int, flags,
		struct sockaddr __user *, addr, int, addr_len)
{
	struct sockaddr_storage address;
	struct msghdr msg = { 0 };
	struct file *file;
	struct socket *sock;
	int err;

	if (!access_ok(buff, len))
		return -EFAULT;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	iov_iter_ubuf(&msg.msg_iter, ITER_SOURCE, buff, len);
	sock = sockfd_lookup(fd, &file);
	if (IS_ERR(sock))
		return PTR_ERR(sock);
	if (addr) {
		err = move_addr_to_kernel(addr, addr_len, &address);
		if (err)
			goto out;
		msg.msg_name = &address;
		msg.msg_namelen = addr_len;
	}
	if (file->f_flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	msg.msg_flags = flags;
	err = sock_sendmsg(sock, &msg);
out:
	fput(file);
	return err;
}

SYSCALL_DEFINE6(recvfrom, int, fd, void __user *, ubuf, size_t, size, unsigned int, flags,
		struct sockaddr __user *, addr, int __user *, addr_len)
{
	struct sockaddr_storage address;
	struct msghdr msg = { 0 };
	struct file *file;
	struct socket *sock;
	int err;

	if (!access_ok(ubuf, size))
		return -EFAULT;
	if (size > MAX_RW_COUNT)
		size = MAX_RW_COUNT;
	iov_iter_ubuf(&msg.msg_iter, ITER_DEST, ubuf, size);
	sock = sockfd_lookup(fd, &file);
	if (IS_ERR(sock))
		return PTR_ERR(sock);
	msg.msg_name = addr ? &address : NULL;
	if (file->f_flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	err = sock_recvmsg(sock, &msg, flags);
	if (err >= 0 && addr) {
		int err2 = move_addr_to_user(&address, msg.msg_namelen, addr, addr_len);

		if (err2 < 0)
			err = err2;
	}
	fput(file);
	return err;
}

/*
 * A user msghdr into the kernel: the header, the address (in *address)
 * and the iovec array (in *iov, which the caller kfrees unless it is
 * fast). The control data is left to the caller.
 */
static int copy_msghdr_from_user(struct msghdr *kmsg, struct user_msghdr *umsg,
				 const struct user_msghdr __user *msg, struct sockaddr_storage *address,
				 struct iovec *fast, struct iovec **iov, int dir)
{
	size_t total;

	if (copy_from_user(umsg, msg, sizeof(*umsg)))
		return -EFAULT;
	if (umsg->msg_namelen < 0)
		return -EINVAL;
	if (umsg->msg_namelen > (int)sizeof(struct sockaddr_storage))
		umsg->msg_namelen = sizeof(struct sockaddr_storage);
	kmsg->msg_name = NULL;
	kmsg->msg_namelen = 0;
	if (umsg->msg_name) {
		kmsg->msg_name = address;
		if (dir == ITER_SOURCE) {
			int err = move_addr_to_kernel(umsg->msg_name, umsg->msg_namelen, address);

			if (err)
				return err;
			kmsg->msg_namelen = umsg->msg_namelen;
		}
	}
	if (umsg->msg_iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	*iov = import_iovec(umsg->msg_iov, umsg->msg_iovlen, fast, &total);
	if (IS_ERR(*iov))
		return PTR_ERR(*iov);
	iov_iter_init(&kmsg->msg_iter, dir, *iov, umsg->msg_iovlen, total);
	return 0;
}

static int ___sys_sendmsg(struct socket *sock, struct file *file,
			  const struct user_msghdr __user *msg, unsigned int flags)
{
	struct iovec fast[UIO_FASTIOV], *iov = NULL;
	struct sockaddr_storage address;
	struct msghdr kmsg = { 0 };
	struct user_msghdr umsg;
	void *ctl = NULL;
	int err;

	err = copy_msghdr_from_user(&kmsg, &umsg, msg, &address, fast, &iov, ITER_SOURCE);
	if (err)
		return err;
	err = -ENOBUFS;
	if (umsg.msg_controllen > SOCK_OPTMEM_MAX)
		goto out;
	if (umsg.msg_controllen) {
		ctl = kmalloc(umsg.msg_controllen, GFP_KERNEL);
		if (!ctl)
			goto out;
		err = -EFAULT;
		if (copy_from_user(ctl, umsg.msg_control, umsg.msg_controllen))
			goto out;
		kmsg.msg_control = ctl;
		kmsg.msg_controllen = umsg.msg_controllen;
	}
	if (file->f_flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	kmsg.msg_flags = flags;
	err = sock_sendmsg(sock, &kmsg);
out:
	kfree(ctl);
	if (iov != fast)
		kfree(iov);
	return err;
}

SYSCALL_DEFINE3(sendmsg, int, fd, struct user_msghdr __user *, msg, unsigned int, flags)
{
	struct file *file;
	struct socket *sock = sockfd_lookup(fd, &file);
	int err;

	if (IS_ERR(sock))
		return PTR_ERR(sock);
	err = ___sys_sendmsg(sock, file, msg, flags);
	fput(file);
	return err;
}

static int ___sys_recvmsg(struct socket *sock, struct file *file, struct user_msghdr __user *msg,
			  unsigned int flags)
{
	struct iovec fast[UIO_FASTIOV], *iov = NULL;
	struct sockaddr_storage address;
	struct msghdr kmsg = { 0 };
	struct user_msghdr umsg;
	int err, len;

	err = copy_msghdr_from_user(&kmsg, &umsg, msg, &address, fast, &iov, ITER_DEST);
	if (err)
		return err;
	kmsg.msg_control_user = umsg.msg_control;
	kmsg.msg_controllen = umsg.msg_controllen;
	kmsg.msg_flags = flags & MSG_CMSG_CLOEXEC;
	if (file->f_flags & O_NONBLOCK)
		flags |= MSG_DONTWAIT;
	err = sock_recvmsg(sock, &kmsg, flags);
	if (err < 0)
		goto out;
	len = err;
	if (umsg.msg_name) {
		err = move_addr_to_user(&address, kmsg.msg_namelen, umsg.msg_name, &msg->msg_namelen);
		if (err)
			goto out;
	}
	err = put_user(kmsg.msg_flags & ~MSG_CMSG_CLOEXEC, &msg->msg_flags);
	if (err)
		goto out;
	err = put_user((size_t)((char __user *)kmsg.msg_control_user - (char __user *)umsg.msg_control),
		       &msg->msg_controllen);
	if (err)
		goto out;
	err = len;
out:
	if (iov != fast)
		kfree(iov);
	return err;
}

SYSCALL_DEFINE3(recvmsg, int, fd, struct user_msghdr __user *, msg, unsigned int, flags)
{
	struct file *file;
	struct socket *sock = sockfd_lookup(fd, &file);
	int err;

	if (IS_ERR(sock))
		return PTR_ERR(sock);
	err = ___sys_recvmsg(sock, file, msg, flags);
	fput(file);
	return err;
}

SYSCALL_DEFINE4(sendmmsg, int, fd, struct mmsghdr __user *, mmsg, unsigned int, vlen,
		unsigned int, flags)
{
	struct file *file;
	struct socket *sock = sockfd_lookup(fd, &file);
	unsigned int datagrams = 0;
	int err = 0;

	if (IS_ERR(sock))
		return PTR_ERR(sock);
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	while (datagrams < vlen) {
		err = ___sys_sendmsg(sock, file, &mmsg[datagrams].msg_hdr, flags);
		if (err < 0)
			break;
		err = put_user((unsigned int)err, &mmsg[datagrams].msg_len);
		if (err)
			break;
		datagrams++;
	}
	fput(file);
	return datagrams ? (int)datagrams : err;
}

SYSCALL_DEFINE5(recvmmsg, int, fd, struct mmsghdr __user *, mmsg, unsigned int, vlen,
		unsigned int, flags, struct __kernel_timespec __user *, timeout)
{
	struct file *file;
	struct socket *sock;
	unsigned int datagrams = 0;
	u64 end = 0;
	int err = 0;

	if (timeout) {
		struct __kernel_timespec ts;

		err = get_timespec(&ts, timeout);
		if (err)
			return err;
		end = ktime_get_ns() + timespec_to_ns_sat(&ts);
	}
	sock = sockfd_lookup(fd, &file);
	if (IS_ERR(sock))
		return PTR_ERR(sock);
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	while (datagrams < vlen) {
		err = ___sys_recvmsg(sock, file, &mmsg[datagrams].msg_hdr, flags & ~MSG_WAITFORONE);
		if (err < 0)
			break;
		err = put_user((unsigned int)err, &mmsg[datagrams].msg_len);
		if (err)
			break;
		datagrams++;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;	/* the first one was waited for: no more */
		if (end && ktime_get_ns() >= end)
			break;	/* as Linux: the timeout is looked at between datagrams */
	}
	fput(file);
	return datagrams ? (int)datagrams : err;
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
	struct file *file;
	struct socket *sock = sockfd_lookup(fd, &file);
	int err;

	if (IS_ERR(sock))
		return PTR_ERR(sock);
	err = sock->ops->shutdown(sock, how);
	fput(file);
	return err;
}

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, optname, char __user *, optval, int,
		optlen)
{
	struct file *file;
	struct socket *sock;
	int err;

	if (optlen < 0)
		return -EINVAL;
	sock = sockfd_lookup(fd, &file);
	if (IS_ERR(sock))
		return PTR_ERR(sock);
	/* AF_UNIX has no options of its own: any other level is EOPNOTSUPP, as Linux. */
	err = level == SOL_SOCKET ? sock_setsockopt(sock, optname, optval, optlen) : -EOPNOTSUPP;
	fput(file);
	return err;
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, optname, char __user *, optval, int __user *,
		optlen)
{
	struct file *file;
	struct socket *sock = sockfd_lookup(fd, &file);
	int err;

	if (IS_ERR(sock))
		return PTR_ERR(sock);
	err = level == SOL_SOCKET ? sock_getsockopt(sock, optname, optval, optlen) : -EOPNOTSUPP;
	fput(file);
	return err;
}

static int sock_init(void)
{
	int err = register_filesystem(&sock_fs_type);

	if (err)
		return err;
	sock_mnt = kern_mount(&sock_fs_type);
	if (IS_ERR(sock_mnt)) {
		err = PTR_ERR(sock_mnt);
		sock_mnt = NULL;
	}
	return err;
}
late_initcall(sock_init);
