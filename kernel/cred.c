/*
 * Credentials (include/kestrel/cred.h). Until processes exist, one
 * global "current" cred stands for every kernel thread: init_cred (root)
 * unless a test overrides it. The pointer is read and written whole
 * (READ_ONCE/WRITE_ONCE); creds in use are never changed.
 */
#include <kestrel/compiler.h>
#include <kestrel/cred.h>

struct cred init_cred = {
	.uid = 0, .euid = 0, .suid = 0, .fsuid = 0,
	.gid = 0, .egid = 0, .sgid = 0, .fsgid = 0,
	.ngroups = 0,
	.cap_effective = CAP_FULL_SET,
	.umask = 0022,
};

static const struct cred *current_cred_ptr = &init_cred;

const struct cred *current_cred(void)
{
	return READ_ONCE(current_cred_ptr);
}

const struct cred *override_creds(const struct cred *new)
{
	const struct cred *old = current_cred_ptr;

	WRITE_ONCE(current_cred_ptr, new);
	return old;
}

void revert_creds(const struct cred *old)
{
	WRITE_ONCE(current_cred_ptr, old);
}

bool capable(int cap)
{
	return (current_cred()->cap_effective >> cap) & 1;
}

bool in_group_p(kgid_t gid)
{
	const struct cred *cred = current_cred();
	unsigned int i;

	if (cred->fsgid == gid)
		return true;
	for (i = 0; i < cred->ngroups && i < NGROUPS_SMALL; i++)
		if (cred->groups[i] == gid)
			return true;
	return false;
}
