/*
 * The caller's side of the spec (Documentation/filesystems/locking.rst):
 * one wrapper per operation, in one header per ops table under
 * include/kestrel/contract/ (dentry.h, inode.h, xattr.h, super.h,
 * fs_type.h, aops.h, file.h, file_lock.h, lock_manager.h, vm.h, and the
 * block layer's blkdev.h and buffer_head.h); a caller
 * includes the ones it calls. The VFS, the page cache and fs/locks.c never
 * call a file system's op directly: they call vfs_call_<op>(), which
 * asserts the locks the spec says are held when the op runs and whether
 * it may block, then calls it. A caller that breaks the rule, or an op
 * that sleeps where it must not, is reported by the lock validator
 * ("WARNING: ... not held" / "BUG: sleeping function called from invalid
 * context"), whichever file system it is.
 *
 * How each rule is checked:
 *   "X: exclusive/write"  lockdep_assert_held_write(X)
 *   "X: shared/read"      lockdep_assert_held_read(X)
 *   "X: yes" (spinlock)   lockdep_assert_held(X)
 *   "X: no"               lockdep_assert_not_held(X) where X is at hand
 *   "may block: yes"      might_sleep() before the call
 *   "may block: no"       the call runs in a must-not-block section
 *                         (nosleep_begin/end): any might_sleep() inside
 *                         it, e.g. mutex_lock or msleep, is reported
 *   "folio locked: yes"   contract_assert_folio_locked(): locked by this
 *                         task (struct folio records who took the lock)
 *   "yes, unlocks"        contract_check_unlocked() after the call: the
 *                         op let go of it (no longer locked by this task)
 *   "locks the folio",    contract_check_returned_locked() after the
 *   "can return locked"   call: locked, by this task
 *
 * The rows themselves come from the spec: tools/gen-locking-spec.py reads
 * its tables into include/kestrel/contract/spec.h, and
 * tools/check-locking-spec.py fails when a wrapper body lacks the check a
 * row asks for (tests/integration/locking_spec.sh; docs/locking.md lists
 * the differences Kestrel allows, each with its reason).
 *
 * Every wrapper has a CONTRACT line: table.op | locks | may block | name.
 * docs/locking.md has one row per op with the same three fields, and
 * tests/integration/locking_doc.sh (tools/check-locking-doc.py, which
 * reads every header in include/kestrel/contract/) fails if the two
 * disagree. Ops the VFS does not call have no wrapper: docs/locking.md
 * says why.
 */
#ifndef KESTREL_CONTRACT_H
#define KESTREL_CONTRACT_H

#include <kestrel/lockdep.h>
#include <kestrel/might_sleep.h>
#include <kestrel/types.h>

/*
 * ->free_inode and ->destroy_inode's RCU half run from an RCU callback.
 * fs/inode.c's callback brackets the call with vfs_rcu_callback_enter/exit
 * (per CPU: RCU callbacks run on the CPU that queued them and do not
 * sleep), and the wrapper asserts it is inside.
 */
void vfs_rcu_callback_enter(void);
void vfs_rcu_callback_exit(void);
bool vfs_in_rcu_callback(void);
/* Report a broken contract that lockdep cannot express (e.g. not from an RCU callback). */
void vfs_contract_violation(const char *op, const char *rule);

/*
 * The folio lock's rules (callers include <kestrel/pagemap.h>): op names
 * the spec's row ("address_space_operations.write_end"). A folio lock is
 * a bit, not a lockdep-tracked lock, so these report through
 * vfs_contract_violation.
 */
#define contract_assert_folio_locked(op, folio)                                  \
	do {                                                                     \
		if (!folio_locked_by_current(folio))                             \
			vfs_contract_violation(op, "called without the folio "  \
					       "locked by the caller");          \
	} while (0)
#define contract_check_unlocked(op, folio)                                       \
	do {                                                                     \
		if (folio_locked_by_current(folio))                              \
			vfs_contract_violation(op, "returned with the folio "    \
					       "still locked (the op unlocks)"); \
	} while (0)
#define contract_check_returned_locked(op, folio)                                \
	do {                                                                     \
		if (!folio_locked_by_current(folio))                             \
			vfs_contract_violation(op, "returned without the folio " \
					       "locked");                        \
	} while (0)

#define VFS_NOSLEEP(call)               \
	({                              \
		__typeof__(call) __r;   \
		nosleep_begin();        \
		__r = (call);           \
		nosleep_end();          \
		__r;                    \
	})
#define VFS_NOSLEEP_VOID(call) \
	do {                   \
		nosleep_begin(); \
		call;          \
		nosleep_end(); \
	} while (0)

#endif
