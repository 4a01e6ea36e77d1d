#!/usr/bin/env bash
# tools/check-primitives.sh [TREE]: the kernel uses its own primitives.
#
# 1. The compiler's __atomic_* and __sync_* builtins appear only in the
#    headers that define the kernel's primitives on top of them:
#      include/kestrel/atomic.h, bitops.h, refcount.h, cmpxchg.h
#      arch/x86/include/asm/atomic.h, bitops.h, cmpxchg.h, barrier.h
#    Everywhere else code says what it means with atomic_t, refcount_t,
#    set_bit, smp_load_acquire ... (docs/locking-primitives.md).
# 2. Page-table bits (_PAGE_*, PTE_PFN_MASK, pteval_t, pgprotval_t) appear
#    only under arch/x86/ (and tests/, which check the arch's encodings):
#    mm/, fs/ and the rest use the pte helpers of asm/pgtable.h.
#
# Scans every .c, .h and .S file of TREE (default: the repository) except
# build/ and user/ (user space: its programs are not the kernel and use
# what C libraries use). Prints each offending line as FILE:LINE:TEXT and
# exits 1 if there is one, 0 if there is none.
set -u
tree=${1:-$(dirname "$0")/..}
cd "$tree" || exit 2

atomic_headers='^\./(include/kestrel/(atomic|bitops|refcount|cmpxchg)\.h|arch/x86/include/asm/(atomic|bitops|cmpxchg|barrier)\.h)$'
pte_owners='^\./(arch/x86|tests)/'

sources() {
	find . \( -path ./build -o -path ./user -o -path ./.git \) -prune -o \
		-type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) -print | sort
}

# matches EXCLUDED-PATHS REGEX: lines matching REGEX in files outside EXCLUDED-PATHS
matches() {
	sources | grep -Ev "$1" | xargs -r grep -nE "$2" /dev/null | sed 's|^\./||'
}

# (__sync_ only as gcc's builtins: Linux's __sync_dirty_buffer is a kernel function.)
found=$(matches "$atomic_headers" '__atomic_[a-z]|__sync_(fetch_and_|[a-z]+_and_fetch|bool_compare|val_compare|synchronize|lock_)'
	matches "$pte_owners" '(^|[^A-Za-z0-9_])(_PAGE_[A-Z]|PTE_PFN_MASK|PTE_LARGE_PFN_MASK|pteval_t|pgprotval_t)')
if [ -n "$found" ]; then
	echo "$found"
	exit 1
fi
exit 0
