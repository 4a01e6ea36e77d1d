#!/usr/bin/env bash
# `make ktest T=GLOB` runs only the in-kernel tests whose suite.name
# matches GLOB, in both machines of make test's ktest layer, and ends
# with make test's one-line verdict. Here T='printk.*': every result line
# is a printk test or a boot, there is at least one, and none failed.
. "$(dirname "$0")/lib.bash"

out=$LOG_DIR/make_ktest.out
TEST_LOGS=$LOG_DIR/make_ktest make --no-print-directory ktest T='printk.*' > "$out" 2>&1 ||
	fail "make ktest T='printk.*' failed; see $out"
grep -qE '^[0-9]+ passed, 0 failed$' "$out" || fail "no 'N passed, 0 failed' line in $out"
n=$(grep -cE '^ok [0-9]+ - ktest\[[a-z0-9-]+\]\.printk\.' "$out")
[ "$n" -gt 0 ] || fail "no printk test ran; see $out"
other=$(grep -E '^(not )?ok [0-9]+ - ' "$out" | grep -vE 'ktest\[[a-z0-9-]+\]\.(printk\.|boot)' | head -1)
[ -z "$other" ] || fail "a test outside printk.* ran: $other"
pass
