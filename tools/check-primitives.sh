#!/usr/bin/env bash
# tools/check-primitives.sh [TREE]: the kernel uses its own primitives.
#
# The compiler's __atomic_* and __sync_* builtins may appear only in the
# headers that define the kernel's primitives on top of them:
#   include/kestrel/atomic.h, bitops.h, refcount.h, cmpxchg.h
#   arch/x86/include/asm/atomic.h, bitops.h, cmpxchg.h, barrier.h
# Everywhere else code says what it means with atomic_t, refcount_t,
# set_bit, smp_load_acquire ... (docs/locking-primitives.md). Scans every
# .c, .h and .S file of TREE (default: the repository) except build/ and
# user/ (user space: its programs are not the kernel and use what C
# libraries use). Prints each offending line as FILE:LINE:TEXT and exits
# 1 if there is one, 0 if there is none.
set -u
tree=${1:-$(dirname "$0")/..}
cd "$tree" || exit 2

allowed='^\./(include/kestrel/(atomic|bitops|refcount|cmpxchg)\.h|arch/x86/include/asm/(atomic|bitops|cmpxchg|barrier)\.h)$'

found=$(find . \( -path ./build -o -path ./user -o -path ./.git \) -prune -o \
		-type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) -print |
	grep -Ev "$allowed" | sort |
	xargs -r grep -nE '__(atomic|sync)_[a-z]' /dev/null)
if [ -n "$found" ]; then
	echo "$found" | sed 's|^\./||'
	exit 1
fi
exit 0
