#!/usr/bin/env bash
# The spec's tables are the checks (docs/locking.md, "How the checks are
# derived from the spec"):
#   1. include/kestrel/contract/spec.h is what tools/gen-locking-spec.py
#      makes of the spec today (when the spec is on this machine);
#   2. tools/check-locking-spec.py finds every wrapper and docs/locking.md
#      row in agreement with it (or the difference listed with a reason);
#   3. the checker can fail: on a copy of the tree with one assertion line
#      of one wrapper deleted, for every assertion line of every wrapper
#      that a spec row asks for; with one state word of docs/locking.md
#      changed; with a deviation row that no longer differs; and the
#      generator fails on a spec row it cannot place.
. "$(dirname "$0")/lib.bash"

SPEC=${KESTREL_SPEC:-/work/shared/seeds/001_520c5f1914bf787a.txt}
CHECK="python3 tools/check-locking-spec.py"

if [ -f "$SPEC" ]; then
	out=$(python3 tools/gen-locking-spec.py --check "$SPEC" 2>&1) || fail "$out"
	ops=$(grep -c $'^\tSPEC_BLOCK(' include/kestrel/contract/spec.h)
	echo "locking_spec: $ops ops in the generated header"
else
	echo "locking_spec: no spec at $SPEC: the committed header is used as is"
fi
out=$($CHECK . 2>&1) || fail "the tree: $(echo "$out" | head -1) ($(echo "$out" | wc -l) problems)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
copy_tree() {
	rm -rf "$tmp/t"
	mkdir -p "$tmp/t/include/kestrel" "$tmp/t/docs"
	cp -r include/kestrel/contract "$tmp/t/include/kestrel/"
	cp docs/locking.md "$tmp/t/docs/"
}
copy_tree
$CHECK "$tmp/t" > /dev/null || fail "an unchanged copy of the tree does not pass"

# Every assertion line a spec row asks for: delete it, expect a failure.
# (Assertions beyond the spec's columns, e.g. rename's per-inode ones, are
# not the generated rows' business and may survive.)
pattern='lockdep_assert_(held|held_read|held_write|not_held)\(|might_sleep\(\);|contract_(assert_folio_locked|check_unlocked|check_returned_locked)\(|WARN_ON\(!buffer_locked'
caught=0 survived=0 list= bad=
for h in include/kestrel/contract/*.h; do
	[ "$(basename "$h")" = spec.h ] && continue
	while IFS=: read -r n _; do
		copy_tree
		sed -i "${n}d" "$tmp/t/$h"
		if $CHECK "$tmp/t" > /dev/null 2>&1; then
			survived=$((survived + 1))
			list="$list $(basename "$h"):$n"
		else
			caught=$((caught + 1))
		fi
	done < <(grep -nE "$pattern" "$h")
done
[ "$caught" -gt 50 ] || fail "only $caught deletions caught"
# The survivors must be exactly the assertions beyond the spec's columns.
for s in $list; do
	f=include/kestrel/contract/${s%%:*}
	line=$(sed -n "${s##*:}p" "$f")
	# Kestrel's checks beyond the spec's cells: rename's four i_rwsem
	# assertions and s_vfs_rename_sem (the cell asks for two, the prose
	# under the table for the rest), i_lock not held around the inode's
	# life-cycle ops (the super_operations table has only s_umount),
	# ->mmap's and ->fsync's locks (file_operations has no table), ->statfs
	# never called with s_umount (the spec: maybe), a lease's
	# ->fl_release_private ("maybe" may block), release_folio still locked
	# after the call.
	case "$s:$line" in
	inode.h:*old_dir-\>i_rwsem* | inode.h:*new_dir-\>i_rwsem* | inode.h:*source-\>i_rwsem* | \
	inode.h:*target-\>i_rwsem* | inode.h:*s_vfs_rename_sem* | dentry.h:*inode-\>i_lock* | \
	super.h:*inode-\>i_lock* | file.h:*mmap_lock* | \
	super.h:*d_sb-\>s_umount* | file.h:*file_inode\(file\)-\>i_rwsem* | file_lock.h:*might_sleep* | \
	aops.h:*'"address_space_operations.release_folio", folio);'*)
		;;
	*) bad="$bad $s" ; echo "not caught: $s: $line" ;;
	esac
done
[ -z "$bad" ] || fail "deleting$bad was not caught"
echo "locking_spec: $caught assertion deletions caught, $survived beyond the spec's columns"

# One state word of the doc changed.
copy_tree
sed -i 's/^| inode_operations.readlink | i_rwsem: no |/| inode_operations.readlink | i_rwsem: shared |/' "$tmp/t/docs/locking.md"
grep -q 'readlink | i_rwsem: shared' "$tmp/t/docs/locking.md" || fail "fixture: readlink row not found"
got=$($CHECK "$tmp/t" 2>&1) && fail "a changed doc cell (readlink's i_rwsem) passed"
echo "$got" | grep -q "inode_operations.readlink \[i_rwsem\]" || fail "doc cell change not named: $got"

# A may-block word changed.
copy_tree
sed -i 's/^| dentry_operations.d_hash | rename_lock: no; d_lock: no | no |/| dentry_operations.d_hash | rename_lock: no; d_lock: no | yes |/' "$tmp/t/docs/locking.md"
got=$($CHECK "$tmp/t" 2>&1) && fail "a changed may-block cell (d_hash) passed"
echo "$got" | grep -q "dentry_operations.d_hash \[may block\]" || fail "may-block change not named: $got"

# A deviation row that no longer differs.
copy_tree
printf '| inode_operations.create | i_rwsem | exclusive | nothing |\n' > "$tmp/row"
sed -i "/^| dentry_operations.d_compare | rename_lock |/r $tmp/row" "$tmp/t/docs/locking.md"
got=$($CHECK "$tmp/t" 2>&1) && fail "a stale deviation row passed"
echo "$got" | grep -q "listed as a deviation" || fail "stale deviation not named: $got"

# The generator stops on a row it cannot place.
if [ -f "$SPEC" ]; then
	sed 's/^invalidate_folio: yes exclusive$/error_remove_folio: yes exclusive/' "$SPEC" > "$tmp/spec"
	grep -q '^error_remove_folio: yes exclusive$' "$tmp/spec" || fail "fixture: invalidate_folio row not found"
	python3 tools/gen-locking-spec.py "$tmp/spec" "$tmp/out.h" > "$tmp/gen.out" 2>&1 &&
		fail "the generator placed a row it has no placement for"
	grep -q "error_remove_folio" "$tmp/gen.out" || fail "generator failure not named: $(cat "$tmp/gen.out")"
fi
pass
