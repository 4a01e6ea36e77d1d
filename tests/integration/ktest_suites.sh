#!/usr/bin/env bash
# Suite X lives in X_test.c, for the ktests and the host tests
# (tools/check-ktest-suites; the rule is in docs/testing.md).
cd "$(dirname "$0")/../.." || exit 1
out=$(tools/check-ktest-suites 2>&1)
status=$?
if [ $status -ne 0 ]; then
	echo "$out"
	echo "ktest_suites: $(echo "$out" | head -1) ($(echo "$out" | wc -l) tests misplaced)"
	exit 1
fi
echo "ktest_suites: ok"
