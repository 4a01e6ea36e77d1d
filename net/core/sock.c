/*
 * The generic part of a sock, after Linux's net/core/sock.c: setting it
 * up and freeing it, errors and timeouts, wake-ups, and the SOL_SOCKET
 * options of setsockopt(2)/getsockopt(2).
 *
 * Options that change how AF_UNIX behaves: SO_SNDBUF (a writer waits when
 * its buffers in flight reach it), SO_RCVLOWAT (what a stream read waits
 * for), SO_RCVTIMEO/SO_SNDTIMEO, SO_PASSCRED. Options Linux keeps on
 * every socket but that mean nothing for a local socket (SO_KEEPALIVE,
 * SO_REUSEADDR, SO_BROADCAST, SO_LINGER, SO_PRIORITY, ...) are kept and
 * read back as Linux does. Unknown ones are ENOPROTOOPT.
 *
 * Locking: the option fields are single words written with WRITE_ONCE
 * and read with READ_ONCE (or bits of sk_flags); SO_PEERCRED reads under
 * the unix state lock.
 */
#include <kestrel/af_unix.h>
#include <kestrel/cred.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/sock.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>

/* SO_RCVTIMEO and SO_SNDTIMEO's argument (x86_64: both forms are two longs). */
struct sock_timeval {
	long tv_sec;
	long tv_usec;
};

void sock_init_data(struct socket *sock, struct sock *sk, int type, int family)
{
	sk->sk_type = type;
	sk->sk_family = family;
	sk->sk_state = TCP_CLOSE;
	sk->sk_rcvbuf = SK_RMEM_MAX;
	sk->sk_sndbuf = SK_WMEM_MAX;
	sk->sk_rcvlowat = 1;
	sk->sk_rcvtimeo = MAX_SCHEDULE_TIMEOUT;
	sk->sk_sndtimeo = MAX_SCHEDULE_TIMEOUT;
	atomic_set(&sk->sk_wmem_alloc, 0);
	refcount_set(&sk->sk_refcnt, 1);
	skb_queue_head_init(&sk->sk_receive_queue);
	init_waitqueue_head(&sk->sk_wq);
	sk->sk_socket = sock;
	if (sock)
		sock->sk = sk;
}

void sk_free(struct sock *sk)
{
	if (sk->sk_destruct)
		sk->sk_destruct(sk);
	kfree(sk);
}

int sock_error(struct sock *sk)
{
	int err;

	if (!READ_ONCE(sk->sk_err))
		return 0;
	err = xchg(&sk->sk_err, 0);
	return -err;
}

long sock_rcvtimeo(const struct sock *sk, bool noblock)
{
	return noblock ? 0 : READ_ONCE(sk->sk_rcvtimeo);
}

long sock_sndtimeo(const struct sock *sk, bool noblock)
{
	return noblock ? 0 : READ_ONCE(sk->sk_sndtimeo);
}

int sock_intr_errno(long timeo)
{
	return timeo == MAX_SCHEDULE_TIMEOUT ? -ERESTARTSYS : -EINTR;
}

void cred_to_ucred(struct ucred *uc)
{
	const struct cred *cred = current_cred();

	uc->pid = current->tgid;
	uc->uid = cred->euid;
	uc->gid = cred->egid;
}

void sk_data_ready(struct sock *sk)
{
	__wake_up(&sk->sk_wq, TASK_NORMAL, 0,
		  poll_to_key(EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND));
}

void sk_write_space(struct sock *sk)
{
	__wake_up(&sk->sk_wq, TASK_NORMAL, 0, poll_to_key(EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND));
}

void sk_state_change(struct sock *sk)
{
	wake_up_all(&sk->sk_wq);
}

/* ---------------- setsockopt ---------------- */

static int sock_set_timeout(long *timeo, const void __user *optval, unsigned int optlen)
{
	struct sock_timeval tv;
	long t;

	if (optlen < sizeof(tv))
		return -EINVAL;
	if (copy_from_user(&tv, optval, sizeof(tv)))
		return -EFAULT;
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0) {
		WRITE_ONCE(*timeo, 0);	/* as Linux: a negative time means "do not wait" */
		return 0;
	}
	if (!tv.tv_sec && !tv.tv_usec) {
		WRITE_ONCE(*timeo, MAX_SCHEDULE_TIMEOUT);	/* 0: no timeout */
		return 0;
	}
	if (tv.tv_sec >= MAX_SCHEDULE_TIMEOUT / HZ - 1) {
		WRITE_ONCE(*timeo, MAX_SCHEDULE_TIMEOUT);
		return 0;
	}
	t = tv.tv_sec * HZ + DIV_ROUND_UP(tv.tv_usec, 1000000 / HZ);
	WRITE_ONCE(*timeo, t);
	return 0;
}

static void sock_valbool_flag(struct sock *sk, int bit, int valbool)
{
	if (valbool)
		sock_set_flag(sk, bit);
	else
		sock_reset_flag(sk, bit);
}

int sock_setsockopt(struct socket *sock, int optname, const void __user *optval,
		    unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct linger ling;
	int val, valbool;

	if (optname == SO_RCVTIMEO_OLD || optname == SO_RCVTIMEO_NEW)
		return sock_set_timeout(&sk->sk_rcvtimeo, optval, optlen);
	if (optname == SO_SNDTIMEO_OLD || optname == SO_SNDTIMEO_NEW)
		return sock_set_timeout(&sk->sk_sndtimeo, optval, optlen);
	if (optname == SO_LINGER) {
		if (optlen < sizeof(ling))
			return -EINVAL;
		if (copy_from_user(&ling, optval, sizeof(ling)))
			return -EFAULT;
		sock_valbool_flag(sk, SOCK_LINGER, ling.l_onoff);
		WRITE_ONCE(sk->sk_linger_opt, ling);
		return 0;
	}
	if (optlen < sizeof(int))
		return -EINVAL;
	if (get_user(val, (int __user *)optval))
		return -EFAULT;
	valbool = val ? 1 : 0;

	switch (optname) {
	case SO_DEBUG:
		if (val && !capable(CAP_NET_ADMIN))
			return -EACCES;
		sock_valbool_flag(sk, SOCK_DBG, valbool);
		return 0;
	case SO_REUSEADDR:
		WRITE_ONCE(sk->sk_reuse, valbool);
		return 0;
	case SO_REUSEPORT:
		WRITE_ONCE(sk->sk_reuseport, valbool);
		return 0;
	case SO_DONTROUTE:
		sock_valbool_flag(sk, SOCK_LOCALROUTE, valbool);
		return 0;
	case SO_BROADCAST:
		sock_valbool_flag(sk, SOCK_BROADCAST, valbool);
		return 0;
	case SO_KEEPALIVE:
		sock_valbool_flag(sk, SOCK_KEEPOPEN, valbool);
		return 0;
	case SO_OOBINLINE:
		sock_valbool_flag(sk, SOCK_URGINLINE, valbool);
		return 0;
	case SO_NO_CHECK:
	case SO_BSDCOMPAT:
		return 0;	/* ignored, as Linux */
	case SO_SNDBUFFORCE:
	case SO_SNDBUF:
		if (optname == SO_SNDBUFFORCE && !capable(CAP_NET_ADMIN))
			return -EPERM;
		/* Linux doubles it (room for its bookkeeping) and caps it at wmem_max. */
		if (optname == SO_SNDBUF && (unsigned int)val > SK_WMEM_MAX)
			val = SK_WMEM_MAX;
		if (val < 0)
			val = 0;
		val = val > 0x3fffffff ? 0x7ffffffe : val * 2;
		WRITE_ONCE(sk->sk_sndbuf, val < SOCK_MIN_SNDBUF ? SOCK_MIN_SNDBUF : val);
		sk_write_space(sk);	/* it may be writable now */
		return 0;
	case SO_RCVBUFFORCE:
	case SO_RCVBUF:
		if (optname == SO_RCVBUFFORCE && !capable(CAP_NET_ADMIN))
			return -EPERM;
		if (optname == SO_RCVBUF && (unsigned int)val > SK_RMEM_MAX)
			val = SK_RMEM_MAX;
		if (val < 0)
			val = 0;
		val = val > 0x3fffffff ? 0x7ffffffe : val * 2;
		WRITE_ONCE(sk->sk_rcvbuf, val < SOCK_MIN_RCVBUF ? SOCK_MIN_RCVBUF : val);
		return 0;
	case SO_PRIORITY:
		if ((val < 0 || val > 6) && !capable(CAP_NET_ADMIN))
			return -EPERM;
		WRITE_ONCE(sk->sk_priority, val);
		return 0;
	case SO_RCVLOWAT:
		if (val < 0)
			val = 0x7fffffff;
		WRITE_ONCE(sk->sk_rcvlowat, val ? val : 1);
		return 0;
	case SO_PASSCRED:
		sock_valbool_flag(sk, SOCK_PASSCRED, valbool);
		return 0;
	case SO_PASSSEC:
		sock_valbool_flag(sk, SOCK_PASSSEC, valbool);
		return 0;
	default:
		/* SO_SNDLOWAT cannot be set on Linux either; the rest are not there. */
		return -ENOPROTOOPT;
	}
}

/* ---------------- getsockopt ---------------- */

int sock_getsockopt(struct socket *sock, int optname, void __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	union {
		int val;
		struct linger ling;
		struct sock_timeval tm;
		struct ucred cred;
	} v;
	int lv = sizeof(int), len;
	long timeo;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	memset(&v, 0, sizeof(v));

	switch (optname) {
	case SO_DEBUG:
		v.val = sock_flag(sk, SOCK_DBG);
		break;
	case SO_DONTROUTE:
		v.val = sock_flag(sk, SOCK_LOCALROUTE);
		break;
	case SO_BROADCAST:
		v.val = sock_flag(sk, SOCK_BROADCAST);
		break;
	case SO_KEEPALIVE:
		v.val = sock_flag(sk, SOCK_KEEPOPEN);
		break;
	case SO_OOBINLINE:
		v.val = sock_flag(sk, SOCK_URGINLINE);
		break;
	case SO_REUSEADDR:
		v.val = READ_ONCE(sk->sk_reuse);
		break;
	case SO_REUSEPORT:
		v.val = READ_ONCE(sk->sk_reuseport);
		break;
	case SO_SNDBUF:
		v.val = READ_ONCE(sk->sk_sndbuf);
		break;
	case SO_RCVBUF:
		v.val = READ_ONCE(sk->sk_rcvbuf);
		break;
	case SO_TYPE:
		v.val = sk->sk_type;
		break;
	case SO_PROTOCOL:
		v.val = 0;
		break;
	case SO_DOMAIN:
		v.val = sk->sk_family;
		break;
	case SO_ERROR:
		v.val = -sock_error(sk);
		break;
	case SO_PRIORITY:
		v.val = READ_ONCE(sk->sk_priority);
		break;
	case SO_LINGER:
		lv = sizeof(v.ling);
		v.ling = READ_ONCE(sk->sk_linger_opt);
		v.ling.l_onoff = sock_flag(sk, SOCK_LINGER);
		break;
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		lv = sizeof(v.tm);
		timeo = (optname == SO_RCVTIMEO_OLD || optname == SO_RCVTIMEO_NEW) ?
			READ_ONCE(sk->sk_rcvtimeo) : READ_ONCE(sk->sk_sndtimeo);
		if (timeo != MAX_SCHEDULE_TIMEOUT) {
			v.tm.tv_sec = timeo / HZ;
			v.tm.tv_usec = (timeo % HZ) * (1000000 / HZ);
		}
		break;
	case SO_RCVLOWAT:
		v.val = READ_ONCE(sk->sk_rcvlowat);
		break;
	case SO_SNDLOWAT:
		v.val = 1;
		break;
	case SO_PASSCRED:
		v.val = sock_flag(sk, SOCK_PASSCRED);
		break;
	case SO_PASSSEC:
		v.val = sock_flag(sk, SOCK_PASSSEC);
		break;
	case SO_ACCEPTCONN:
		v.val = READ_ONCE(sk->sk_state) == TCP_LISTEN;
		break;
	case SO_PEEK_OFF:
		v.val = -1;	/* peeking always starts at the front */
		break;
	case SO_PEERCRED:
		lv = sizeof(v.cred);
		spin_lock(&unix_sk(sk)->lock);
		if (sk->sk_has_peercred) {
			v.cred = sk->sk_peercred;
		} else {
			v.cred.uid = v.cred.gid = (u32)-1;	/* nobody: no peer */
		}
		spin_unlock(&unix_sk(sk)->lock);
		break;
	default:
		/* SO_PEERSEC: no security module, as Linux without one. */
		return -ENOPROTOOPT;
	}
	if (len > lv)
		len = lv;
	if (copy_to_user(optval, &v, len))
		return -EFAULT;
	if (put_user(len, optlen))
		return -EFAULT;
	return 0;
}
