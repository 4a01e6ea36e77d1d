/*
 * Socket control messages, after Linux's net/core/scm.c: SCM_RIGHTS
 * (descriptors passed to another process) and SCM_CREDENTIALS (the
 * sender's pid, uid and gid, checked by the kernel).
 *
 * sendmsg: scm_send parses the control data (a kernel copy) into a
 * struct scm_cookie: SCM_RIGHTS takes a reference on each file named
 * (at most SCM_MAX_FD per message: EINVAL; a bad descriptor: EBADF);
 * SCM_CREDENTIALS must name the caller's own process, and ids the
 * caller has, unless it holds CAP_SYS_ADMIN / CAP_SETUID / CAP_SETGID
 * (EPERM). Anything else at SOL_SOCKET is EINVAL; other levels are
 * skipped, as Linux.
 *
 * recvmsg: scm_recv writes SCM_CREDENTIALS (if the reader set
 * SO_PASSCRED) and turns the files into new descriptors of the reader
 * (O_CLOEXEC with MSG_CMSG_CLOEXEC). What does not fit in the reader's
 * control buffer is dropped and MSG_CTRUNC set.
 *
 * Locking: none; a cookie belongs to one call.
 */
#include <kestrel/cred.h>
#include <kestrel/fdtable.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/slab.h>
#include <kestrel/sock.h>
#include <kestrel/string.h>
#include <kestrel/uaccess.h>

#define OVERFLOW_ID 65534	/* the "nobody" uid/gid of credentials nobody attached */

/* The next cmsg in a kernel control buffer, or NULL (Linux's __cmsg_nxthdr). */
static struct cmsghdr *cmsg_next(void *ctl, size_t size, struct cmsghdr *cmsg)
{
	char *next;

	if (!cmsg)
		return size >= sizeof(struct cmsghdr) ? ctl : NULL;
	next = (char *)cmsg + CMSG_ALIGN(cmsg->cmsg_len);
	if ((size_t)(next + sizeof(struct cmsghdr) - (char *)ctl) > size)
		return NULL;
	return (struct cmsghdr *)next;
}

static bool cmsg_ok(void *ctl, size_t size, struct cmsghdr *cmsg)
{
	return cmsg->cmsg_len >= sizeof(struct cmsghdr) &&
	       cmsg->cmsg_len <= size - (size_t)((char *)cmsg - (char *)ctl);
}

void scm_fp_free(struct scm_fp_list *fpl)
{
	for (int i = 0; i < fpl->count; i++)
		fput(fpl->fp[i]);
	kfree(fpl);
}

struct scm_fp_list *scm_fp_dup(struct scm_fp_list *fpl)
{
	struct scm_fp_list *n = kmemdup(fpl, sizeof(*fpl), GFP_KERNEL);

	if (!n)
		return NULL;
	for (int i = 0; i < n->count; i++)
		get_file(n->fp[i]);
	return n;
}

static int scm_fp_copy(struct cmsghdr *cmsg, struct scm_fp_list **fplp)
{
	int *fdp = CMSG_DATA(cmsg);
	long num = ((long)cmsg->cmsg_len - (long)CMSG_ALIGN(sizeof(struct cmsghdr))) / (long)sizeof(int);
	struct scm_fp_list *fpl = *fplp;

	if (num <= 0)
		return 0;
	if (num > SCM_MAX_FD)
		return -EINVAL;
	if (!fpl) {
		fpl = kzalloc(sizeof(*fpl), GFP_KERNEL);
		if (!fpl)
			return -ENOMEM;
		fpl->uid = current_cred()->uid;
		*fplp = fpl;
	}
	if (fpl->count + num > SCM_MAX_FD)
		return -EINVAL;
	for (long i = 0; i < num; i++) {
		struct file *file = fget(fdp[i]);

		if (!file)
			return -EBADF;
		fpl->fp[fpl->count++] = file;
	}
	return 0;
}

/* SCM_CREDENTIALS may only name what the sender is, unless it is privileged. */
static int scm_check_creds(const struct ucred *creds)
{
	const struct cred *cred = current_cred();
	struct task_struct *t;

	if (creds->pid != (u32)current->tgid && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (creds->uid != cred->uid && creds->uid != cred->euid && creds->uid != cred->suid &&
	    !capable(CAP_SETUID))
		return -EPERM;
	if (creds->gid != cred->gid && creds->gid != cred->egid && creds->gid != cred->sgid &&
	    !capable(CAP_SETGID))
		return -EPERM;
	/* The pid must name a process (Linux looks it up). */
	t = find_get_task((int)creds->pid);
	if (!t)
		return -ESRCH;
	put_task_struct(t);
	return 0;
}

void scm_destroy(struct scm_cookie *scm)
{
	if (scm->fp)
		scm_fp_free(scm->fp);
	scm->fp = NULL;
}

int scm_send(struct socket *sock, struct msghdr *msg, struct scm_cookie *scm)
{
	void *ctl = msg->msg_control;
	size_t size = msg->msg_controllen;
	struct cmsghdr *cmsg = NULL;
	int err = 0;

	memset(scm, 0, sizeof(*scm));
	while ((cmsg = cmsg_next(ctl, size, cmsg))) {
		if (!cmsg_ok(ctl, size, cmsg)) {
			err = -EINVAL;
			goto error;
		}
		if (cmsg->cmsg_level != SOL_SOCKET)
			continue;
		switch (cmsg->cmsg_type) {
		case SCM_RIGHTS:
			if (sock->ops->family != AF_UNIX) {
				err = -EINVAL;
				goto error;
			}
			err = scm_fp_copy(cmsg, &scm->fp);
			if (err)
				goto error;
			break;
		case SCM_CREDENTIALS:
			if (cmsg->cmsg_len != CMSG_LEN(sizeof(struct ucred))) {
				err = -EINVAL;
				goto error;
			}
			memcpy(&scm->creds, CMSG_DATA(cmsg), sizeof(struct ucred));
			err = scm_check_creds(&scm->creds);
			if (err)
				goto error;
			scm->has_creds = true;
			break;
		default:
			err = -EINVAL;
			goto error;
		}
	}
	if (scm->fp && !scm->fp->count) {
		kfree(scm->fp);
		scm->fp = NULL;
	}
	return 0;
error:
	scm_destroy(scm);
	return err;
}

int put_cmsg(struct msghdr *msg, int level, int type, int len, const void *data)
{
	struct cmsghdr __user *cm = msg->msg_control_user;
	struct cmsghdr cmhdr;
	size_t cmlen = CMSG_LEN(len);

	if (!cm || msg->msg_controllen < sizeof(struct cmsghdr)) {
		msg->msg_flags |= MSG_CTRUNC;
		return 0;	/* no room at all: as Linux, not an error */
	}
	if (msg->msg_controllen < cmlen) {
		msg->msg_flags |= MSG_CTRUNC;
		cmlen = msg->msg_controllen;
	}
	cmhdr.cmsg_level = level;
	cmhdr.cmsg_type = type;
	cmhdr.cmsg_len = cmlen;
	if (copy_to_user(cm, &cmhdr, sizeof(cmhdr)))
		return -EFAULT;
	if (copy_to_user(CMSG_DATA(cm), data, cmlen - sizeof(struct cmsghdr)))
		return -EFAULT;
	cmlen = CMSG_SPACE(len);
	if (msg->msg_controllen < cmlen)
		cmlen = msg->msg_controllen;
	msg->msg_control_user = (char __user *)msg->msg_control_user + cmlen;
	msg->msg_controllen -= cmlen;
	return 0;
}

/* The files become descriptors of the reader, as many as the buffer has room for. */
static void scm_detach_fds(struct msghdr *msg, struct scm_cookie *scm, int flags)
{
	struct cmsghdr __user *cm = msg->msg_control_user;
	size_t room = msg->msg_controllen > sizeof(struct cmsghdr) ?
		      (msg->msg_controllen - sizeof(struct cmsghdr)) / sizeof(int) : 0;
	int fdmax = (int)(room < (size_t)scm->fp->count ? room : (size_t)scm->fp->count);
	int __user *cmsg_data = cm ? CMSG_DATA(cm) : NULL;
	int o_flags = (flags & MSG_CMSG_CLOEXEC) ? O_CLOEXEC : 0;
	int i;

	for (i = 0; i < fdmax; i++) {
		int fd = get_unused_fd_flags(o_flags);

		if (fd < 0)
			break;
		if (put_user(fd, cmsg_data + i)) {
			put_unused_fd(fd);
			break;
		}
		fd_install(fd, get_file(scm->fp->fp[i]));
	}
	if (i > 0) {
		struct cmsghdr cmhdr = {
			.cmsg_len = CMSG_LEN(i * sizeof(int)),
			.cmsg_level = SOL_SOCKET,
			.cmsg_type = SCM_RIGHTS,
		};
		if (!copy_to_user(cm, &cmhdr, sizeof(cmhdr))) {
			size_t cmlen = CMSG_SPACE(i * sizeof(int));

			if (msg->msg_controllen < cmlen)
				cmlen = msg->msg_controllen;
			msg->msg_control_user = (char __user *)msg->msg_control_user + cmlen;
			msg->msg_controllen -= cmlen;
		}
	}
	if (i < scm->fp->count || (scm->fp->count && fdmax <= 0))
		msg->msg_flags |= MSG_CTRUNC;
}

void scm_recv(struct socket *sock, struct msghdr *msg, struct scm_cookie *scm, int flags)
{
	bool passcred = sock_flag(sock->sk, SOCK_PASSCRED);

	if (!msg->msg_control_user) {
		if (passcred || scm->fp)
			msg->msg_flags |= MSG_CTRUNC;
		scm_destroy(scm);
		return;
	}
	if (passcred) {
		struct ucred uc = { 0, OVERFLOW_ID, OVERFLOW_ID };

		if (scm->has_creds)
			uc = scm->creds;
		put_cmsg(msg, SOL_SOCKET, SCM_CREDENTIALS, sizeof(uc), &uc);
	}
	if (scm->fp)
		scm_detach_fds(msg, scm, flags);
	scm_destroy(scm);
}
