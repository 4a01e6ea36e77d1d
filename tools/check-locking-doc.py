#!/usr/bin/env python3
"""Keep docs/locking.md and the contract headers in step (tests/integration/locking_doc.sh).

The contract headers (include/kestrel/contract.h and one per ops table in
include/kestrel/contract/) have one line per checked op:
    CONTRACT <table>.<op> | <locks> | <may block> | <wrapper>
docs/locking.md has one table row per op the spec names:
    | <table>.<op> | <locks> | <may block> | <checked by> | <status> |

Fails (exit 1, one line per problem) if
  - an op of the spec (SPEC_OPS below, from Documentation/filesystems/
    locking.rst as of 2024-08) has no row in docs/locking.md;
  - a row names an op the spec does not have;
  - a CONTRACT line has no row, or its locks, may-block or wrapper differ;
  - a row says it is checked by a wrapper that has no CONTRACT line;
  - a CONTRACT wrapper is not defined in its contract header;
  - a row's status is "implemented" but nothing outside the contract headers calls
    the wrapper, or "wrapper ready" but something does (say "implemented");
  - a row's status is none of: implemented, wrapper ready, not applicable,
    not implemented.
"""
import os
import re
import sys

SPEC_OPS = {
    "dentry_operations": "d_revalidate d_weak_revalidate d_hash d_compare d_delete d_init "
                         "d_release d_prune d_iput d_dname d_automount d_manage d_real",
    "inode_operations": "create lookup link unlink symlink mkdir rmdir mknod rename readlink "
                        "get_link truncate permission get_inode_acl setattr getattr listxattr "
                        "fiemap update_time atomic_open tmpfile fileattr_set fileattr_get "
                        "get_acl get_offset_ctx",
    "xattr_handler": "list get set",
    "super_operations": "alloc_inode free_inode destroy_inode dirty_inode write_inode "
                        "drop_inode evict_inode put_super sync_fs freeze_fs unfreeze_fs "
                        "statfs remount_fs umount_begin show_options quota_read quota_write",
    "file_system_type": "mount kill_sb",
    "address_space_operations": "writepage read_folio writepages dirty_folio readahead "
                                "write_begin write_end bmap invalidate_folio release_folio "
                                "free_folio direct_IO migrate_folio launder_folio "
                                "is_partially_uptodate error_remove_folio swap_activate "
                                "swap_deactivate swap_rw",
    "file_lock_operations": "fl_copy_lock fl_release_private",
    "lock_manager_operations": "lm_notify lm_grant lm_break lm_change lm_breaker_owns_lease "
                               "lm_lock_expirable lm_expire_lock",
    "buffer_head": "b_end_io",
    "block_device_operations": "open release ioctl compat_ioctl direct_access "
                               "unlock_native_capacity getgeo swap_slot_free_notify",
    "file_operations": "llseek read write read_iter write_iter iopoll iterate_shared poll "
                       "unlocked_ioctl compat_ioctl mmap open flush release fsync fasync lock "
                       "get_unmapped_area check_flags flock splice_write splice_read setlease "
                       "fallocate show_fdinfo mmap_capabilities copy_file_range "
                       "remap_file_range fadvise",
    "dquot_operations": "write_dquot acquire_dquot release_dquot mark_dirty write_info",
    "vm_operations_struct": "open close fault huge_fault map_pages page_mkwrite pfn_mkwrite "
                            "access",
}
STATUSES = ("implemented", "wrapper ready", "not applicable", "not implemented")
SOURCE_DIRS = ("arch", "kernel", "mm", "lib", "drivers", "fs", "block")
CONTRACT_DIR = os.path.join("include", "kestrel", "contract")


def contract_headers(root):
    """include/kestrel/contract.h and include/kestrel/contract/*.h, as paths from root."""
    names = sorted(f for f in os.listdir(os.path.join(root, CONTRACT_DIR)) if f.endswith(".h"))
    return [os.path.join("include", "kestrel", "contract.h")] + \
        [os.path.join(CONTRACT_DIR, f) for f in names]


def norm(s):
    return " ".join(s.replace("`", "").split())


def main(root):
    problems = []
    doc_path = os.path.join(root, "docs", "locking.md")
    doc = open(doc_path).read()

    contracts = {}
    for path in contract_headers(root):
        contract = open(os.path.join(root, path)).read()
        for m in re.finditer(r"CONTRACT\s+(\w+\.\w+)\s*\|([^|]*)\|([^|]*)\|\s*(\w+)", contract):
            op, locks, block, wrapper = m.group(1), norm(m.group(2)), norm(m.group(3)), m.group(4)
            if op in contracts:
                problems.append("%s: two CONTRACT lines for %s" % (path, op))
            contracts[op] = (locks, block, wrapper)
            if not re.search(r"\b%s\s*\(" % re.escape(wrapper),
                             contract[m.end():] + contract[:m.start()]):
                problems.append("%s: wrapper %s of %s is not defined" % (path, wrapper, op))

    rows = {}
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) != 5 or not re.fullmatch(r"`?\w+\.\w+`?", cells[0]):
            continue
        op = cells[0].strip("`")
        if op in rows:
            problems.append("docs/locking.md: two rows for %s" % op)
        rows[op] = [norm(c) for c in cells[1:]]

    spec = {"%s.%s" % (t, o) for t, ops in SPEC_OPS.items() for o in ops.split()}
    for op in sorted(spec - rows.keys()):
        problems.append("docs/locking.md: no row for %s (named by the spec)" % op)
    for op in sorted(rows.keys() - spec):
        problems.append("docs/locking.md: %s is not an op of the spec" % op)

    callers = {}
    # The contract headers define the wrappers; only other files count as callers.
    for d in SOURCE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for f in files:
                if f.endswith(".c") or f.endswith(".h"):
                    text = open(os.path.join(dirpath, f), errors="replace").read()
                    for w in re.findall(r"\b(vfs_call_\w+)\s*\(", text):
                        callers.setdefault(w, set()).add(os.path.join(dirpath, f))

    for op, (locks, block, wrapper) in sorted(contracts.items()):
        if op not in rows:
            problems.append("docs/locking.md: no row for %s (a contract header checks it)" % op)
            continue
        dlocks, dblock, dcheck, dstatus = rows[op]
        if dlocks != locks:
            problems.append("%s: locks differ: doc '%s' vs contract '%s'" % (op, dlocks, locks))
        if dblock != block:
            problems.append("%s: may block differs: doc '%s' vs contract '%s'" % (op, dblock, block))
        if norm(dcheck).strip("`") != wrapper:
            problems.append("%s: checked by '%s' in the doc, '%s' in the contract header" % (op, dcheck, wrapper))
    for op, (dlocks, dblock, dcheck, dstatus) in sorted(rows.items()):
        wrapper = dcheck.strip("`")
        if not dstatus.startswith(STATUSES):
            problems.append("%s: status '%s' is not one of %s" % (op, dstatus, ", ".join(STATUSES)))
        if wrapper.startswith("vfs_call_") and op not in contracts:
            problems.append("%s: the doc names %s, which has no CONTRACT line" % (op, wrapper))
        if dstatus.startswith(("implemented", "wrapper ready")) and op not in contracts:
            problems.append("%s: status '%s' but no CONTRACT line in the contract headers" % (op, dstatus))
        if op in contracts and not dstatus.startswith(("implemented", "wrapper ready")):
            problems.append("%s: a contract header checks it but the doc says '%s'" % (op, dstatus))
        if dstatus.startswith("implemented") and op in contracts and not callers.get(wrapper):
            problems.append("%s: 'implemented' but nothing calls %s" % (op, wrapper))
        if dstatus.startswith("wrapper ready") and callers.get(wrapper):
            problems.append("%s: 'wrapper ready' but %s is called (%s): say 'implemented'"
                            % (op, wrapper, ", ".join(sorted(callers[wrapper]))))

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
