#!/usr/bin/env bash
# Every struct listed in docs/locking.md ("Lock legends") has a legend and
# a lock tag on every field (tools/check-lock-legends.py). The checker
# itself is shown to fail: on a copy of the tree's own fs.h with the tag of
# one inode field removed, on a tag naming no legend entry, on a struct
# without a legend, and on a listed struct that does not exist; and to
# accept the tag forms it documents (trailing, above, on a nested union).
. "$(dirname "$0")/lib.bash"

CHECK="python3 tools/check-lock-legends.py"
out=$($CHECK . 2>&1) || fail "the tree: $(echo "$out" | head -1) ($(echo "$out" | wc -l) problems)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/docs" "$tmp/include"

# expect_problem DESCRIPTION PATTERN: the checker fails on $tmp, naming PATTERN.
expect_problem() {
	local got
	if got=$($CHECK "$tmp" 2>&1); then
		fail "$1: the checker passed"
	fi
	echo "$got" | grep -q -- "$2" || fail "$1: expected '$2', got: $(echo "$got" | head -1)"
}

# 1. The real inode with one tag removed.
printf '## Lock legends\n\n| struct | defined in |\n|---|---|\n| `struct inode` | `include/fs.h` |\n' \
	> "$tmp/docs/locking.md"
cp include/kestrel/fs.h "$tmp/include/fs.h"
$CHECK "$tmp" > /dev/null || fail "fs.h copied unchanged does not pass"
sed -i -E 's|^(\tunsigned long i_state;\t+)/\* \[[a-z,]+\] |\1/* |' "$tmp/include/fs.h"
grep -q $'^\tunsigned long i_state;' "$tmp/include/fs.h" || fail "fixture: no i_state line to untag"
expect_problem "inode.i_state untagged" "struct inode: field 'i_state' has no lock tag"

# 2. A small struct: the accepted forms, then one break at a time.
cat > "$tmp/include/widget.h" <<'EOF'
/*
 * A widget.
 *
 * Locks used to protect struct members here:
 *	[w] widget_lock
 *	[c] constant after creation
 */
struct widget {
	int w_id;			/* [c] */
	/* [w] the count, above its field */
	int w_count;
	union {				/* [w] */
		int w_small;
		long w_big;
	};
	struct {
		int a;			/* [c] */
		int b;			/* [w] */
	} w_pair;
	void (*w_fn)(struct widget *,
		     int);		/* [c] */
	unsigned w_bit : 1;		/* [w,c] */
};
EOF
printf '## Lock legends\n\n| struct | defined in |\n|---|---|\n| `struct widget` | `include/widget.h` |\n' \
	> "$tmp/docs/locking.md"
got=$($CHECK "$tmp" 2>&1) || fail "widget.h with every form of tag does not pass: $got"

cp "$tmp/include/widget.h" "$tmp/w.orig"
sed -i 's|int b;\t\t\t/\* \[w\] \*/|int b;|' "$tmp/include/widget.h"
expect_problem "nested member untagged" "field 'b' has no lock tag"

cp "$tmp/w.orig" "$tmp/include/widget.h"
sed -i 's|w_id;\t\t\t/\* \[c\] \*/|w_id;\t\t\t/* [x] */|' "$tmp/include/widget.h"
expect_problem "unknown key" "field 'w_id': tag \[x\] is not in the legend"

cp "$tmp/w.orig" "$tmp/include/widget.h"
sed -i 's|Locks used to protect|What protects|' "$tmp/include/widget.h"
expect_problem "no legend" "struct widget has no lock legend"

cp "$tmp/w.orig" "$tmp/include/widget.h"
sed -i 's|struct widget {|struct gadget {|' "$tmp/include/widget.h"
expect_problem "struct missing" "struct widget is not defined there"

echo "lock_legends: $(echo "$out" | tail -1)"
pass
