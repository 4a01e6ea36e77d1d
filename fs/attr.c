/*
 * Attribute changes: who may change what (setattr_prepare), copying the
 * change into the inode (setattr_copy), and notify_change(), the one
 * entry to ->setattr. The caller holds the inode's i_rwsem exclusive
 * (asserted here and again by vfs_call_setattr).
 */
#include <kestrel/contract/inode.h>
#include <kestrel/dcache.h>
#include <kestrel/sched_signal.h>
#include <kestrel/signal.h>
#include "internal.h"

/*
 * May inode become offset bytes long? Growing past RLIMIT_FSIZE is
 * EFBIG with SIGXFSZ (Linux's rule, for truncate and fallocate); past the
 * file system's largest size EFBIG alone.
 */
int inode_newsize_ok(const struct inode *inode, loff_t offset)
{
	unsigned long limit = rlimit(RLIMIT_FSIZE);

	if (offset < 0)
		return -EINVAL;
	if (offset > i_size_read(inode) && limit != RLIM_INFINITY && (u64)offset > limit) {
		send_sig(SIGXFSZ, current, 0);
		return -EFBIG;
	}
	if (offset > inode->i_sb->s_maxbytes)
		return -EFBIG;
	return 0;
}

static bool chown_ok(const struct inode *inode, kuid_t uid)
{
	return (current_fsuid() == inode->i_uid && uid == inode->i_uid) || capable(CAP_CHOWN);
}

static bool chgrp_ok(const struct inode *inode, kgid_t gid)
{
	if (current_fsuid() == inode->i_uid && (in_group_p(gid) || gid == inode->i_gid))
		return true;
	return capable(CAP_CHOWN);
}

int setattr_prepare(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	unsigned int valid = attr->ia_valid;

	if (valid & ATTR_SIZE) {
		int err = inode_newsize_ok(inode, attr->ia_size);

		if (err)
			return err;
	}
	if (valid & ATTR_FORCE)
		return 0;
	if ((valid & ATTR_UID) && !chown_ok(inode, attr->ia_uid))
		return -EPERM;
	if ((valid & ATTR_GID) && !chgrp_ok(inode, attr->ia_gid))
		return -EPERM;
	if (valid & ATTR_MODE) {
		kgid_t gid = (valid & ATTR_GID) ? attr->ia_gid : inode->i_gid;

		if (!inode_owner_or_capable(inode))
			return -EPERM;
		/* Only a member of the group (or CAP_FSETID) may set setgid. */
		if (!in_group_p(gid) && !capable(CAP_FSETID))
			attr->ia_mode &= ~S_ISGID;
	}
	if ((valid & ATTR_TIMES_SET) && !inode_owner_or_capable(inode))
		return -EPERM;
	return 0;
}

void setattr_copy(struct inode *inode, const struct iattr *attr)
{
	unsigned int valid = attr->ia_valid;

	if (valid & ATTR_UID)
		inode->i_uid = attr->ia_uid;
	if (valid & ATTR_GID)
		inode->i_gid = attr->ia_gid;
	if (valid & ATTR_ATIME)
		inode->i_atime = attr->ia_atime;
	if (valid & ATTR_MTIME)
		inode->i_mtime = attr->ia_mtime;
	if (valid & ATTR_CTIME)
		inode->i_ctime = attr->ia_ctime;
	if (valid & ATTR_MODE)
		inode->i_mode = attr->ia_mode;
}

int notify_change(struct dentry *dentry, struct iattr *attr, struct inode **delegated_inode)
{
	struct inode *inode = d_inode(dentry);
	struct timespec64 now = current_time(inode);
	unsigned int valid = attr->ia_valid;

	lockdep_assert_held_write(&inode->i_rwsem);
	if (valid & (ATTR_MODE | ATTR_UID | ATTR_GID | ATTR_TIMES_SET)) {
		if (inode->i_flags & (S_IMMUTABLE | S_APPEND))
			return -EPERM;
	}
	if ((valid & ATTR_SIZE) && S_ISDIR(inode->i_mode))
		return -EISDIR;
	attr->ia_ctime = now;
	if ((valid & ATTR_ATIME) && !(valid & ATTR_ATIME_SET))
		attr->ia_atime = now;
	if ((valid & ATTR_MTIME) && !(valid & ATTR_MTIME_SET))
		attr->ia_mtime = now;
	if (valid & (ATTR_KILL_SUID | ATTR_KILL_SGID)) {
		umode_t mode = (valid & ATTR_MODE) ? attr->ia_mode : inode->i_mode;

		if (valid & ATTR_KILL_SUID)
			mode &= ~S_ISUID;
		if ((valid & ATTR_KILL_SGID) && (mode & S_IXGRP))
			mode &= ~S_ISGID;
		if (mode != inode->i_mode || (valid & ATTR_MODE)) {
			attr->ia_mode = mode;
			attr->ia_valid |= ATTR_MODE;
		}
		attr->ia_valid &= ~(ATTR_KILL_SUID | ATTR_KILL_SGID);
	}
	if (inode->i_op && inode->i_op->setattr)
		return vfs_call_setattr(dentry, attr);
	return simple_setattr(dentry, attr);
}
