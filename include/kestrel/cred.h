/*
 * Credentials: who is asking, for permission checks.
 *
 * A cred is never changed once in use (copy, change the copy, install
 * it), so readers need no lock. Kestrel has no user processes yet: every
 * kernel thread runs with init_cred (root, all capabilities). The VFS
 * reads the caller's through current_cred(); override_creds() swaps in
 * another (tests use it to act as an ordinary user) and returns the old
 * one for revert_creds(). The user-space issue makes the current cred a
 * per-task pointer behind the same two calls.
 *
 * "Root" means capabilities, as in Linux: CAP_DAC_OVERRIDE passes the
 * mode-bit checks (except exec of a file nobody may execute),
 * CAP_DAC_READ_SEARCH passes read and directory search, CAP_FOWNER acts
 * as the owner, CAP_CHOWN may change owners.
 */
#ifndef KESTREL_CRED_H
#define KESTREL_CRED_H

#include <kestrel/fs_types.h>

#define CAP_CHOWN 0
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_FSETID 4
#define CAP_SYS_ADMIN 21
#define CAP_FULL_SET (~0ULL)

#define NGROUPS_SMALL 16

struct cred {
	kuid_t uid, euid, suid, fsuid;	/* fsuid: the one file access checks use */
	kgid_t gid, egid, sgid, fsgid;
	unsigned int ngroups;		/* supplementary groups in groups[] */
	kgid_t groups[NGROUPS_SMALL];
	u64 cap_effective;		/* bit n: capability n */
	u32 umask;			/* applied to new files' modes */
};

extern struct cred init_cred;

const struct cred *current_cred(void);
const struct cred *override_creds(const struct cred *new);
void revert_creds(const struct cred *old);

#define current_fsuid() (current_cred()->fsuid)
#define current_fsgid() (current_cred()->fsgid)

bool capable(int cap);
/* Whether the caller's fsgid or a supplementary group is gid. */
bool in_group_p(kgid_t gid);

#endif
