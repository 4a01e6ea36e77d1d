#!/usr/bin/env bash
# docs/locking.md and the contract headers (include/kestrel/contract.h,
# include/kestrel/contract/*.h) agree: every op the spec names has a
# row; every op a contract header checks has a row with the same locks,
# may-block and wrapper; statuses match what the tree calls
# (tools/check-locking-doc.py says what exactly is compared).
cd "$(dirname "$0")/../.." || exit 1
out=$(python3 tools/check-locking-doc.py . 2>&1)
status=$?
if [ $status -ne 0 ]; then
	echo "locking_doc: $(echo "$out" | head -1) ($(echo "$out" | wc -l) problems)"
	exit 1
fi
echo "locking_doc: ok"
