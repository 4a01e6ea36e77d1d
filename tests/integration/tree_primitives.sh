#!/usr/bin/env bash
# The kernel uses its own primitives: no __atomic_*/__sync_* builtin
# outside the atomic headers, no page-table bit outside arch/x86
# (tools/check-primitives.sh says exactly what). Also checks the checker:
# in a scratch copy of the tree with one builtin added to mm/memory.c it
# must fail and name exactly that line, and in a small fixture it must
# accept the atomic headers, ignore user/ and build/, and catch a
# _PAGE_ bit in mm/.
. "$(dirname "$0")/lib.bash"

out=$(tools/check-primitives.sh .) ||
	fail "raw atomic builtins or page-table bits where they do not belong: $(echo "$out" | head -3 | tr '\n' ' ')"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# A copy of the tree's sources, plus one raw builtin.
find . \( -path ./build -o -path ./.git \) -prune -o -type f \
	\( -name '*.c' -o -name '*.h' -o -name '*.S' \) -print0 |
	cpio -0 -pdm --quiet "$scratch/copy" ||
	fail "could not copy the tree"
echo 'static int scratch_word; int scratch_read(void) { return __atomic_load_n(&scratch_word, __ATOMIC_RELAXED); }' \
	>> "$scratch/copy/mm/memory.c"
if out=$(tools/check-primitives.sh "$scratch/copy"); then
	fail "a builtin added to mm/memory.c went unnoticed"
fi
[ "$(echo "$out" | wc -l)" -eq 1 ] && grep -q '^mm/memory.c:[0-9]*:.*__atomic_load_n' <<< "$out" ||
	fail "expected exactly the added mm/memory.c line, got: $(echo "$out" | head -3 | tr '\n' ' ')"

# The allowed headers and the skipped folders pass; __sync_ counts too.
fx=$scratch/fixture
mkdir -p "$fx/include/kestrel" "$fx/arch/x86/include/asm" "$fx/user/tests" "$fx/build" "$fx/kernel"
for f in include/kestrel/atomic.h include/kestrel/bitops.h include/kestrel/refcount.h \
	 arch/x86/include/asm/cmpxchg.h user/tests/t.c build/gen.c; do
	echo '#define f(p) __atomic_fetch_add((p), 1, __ATOMIC_RELAXED)' > "$fx/$f"
done
echo 'int n(void) { return 0; }' > "$fx/kernel/clean.c"
out=$(tools/check-primitives.sh "$fx") || fail "fixture with only allowed uses rejected: $out"
echo 'void g(int *p) { __sync_fetch_and_add(p, 1); }' > "$fx/kernel/sync.c"
out=$(tools/check-primitives.sh "$fx") && fail "a __sync_ builtin in kernel/sync.c went unnoticed"
grep -q '^kernel/sync.c:1:' <<< "$out" || fail "expected kernel/sync.c:1 reported, got: $out"
rm "$fx/kernel/sync.c"

# Page-table bits: fine in arch/x86 and tests/, not in mm/.
mkdir -p "$fx/arch/x86/mm" "$fx/tests/kernel" "$fx/mm"
echo 'int w(unsigned long e) { return !!(e & _PAGE_RW); }' | tee "$fx/arch/x86/mm/a.c" > "$fx/tests/kernel/t.c"
echo '#define POLL_PAGE_ENTRIES 3' > "$fx/mm/poll.c"
out=$(tools/check-primitives.sh "$fx") || fail "page-table bits in arch/x86 or tests/ rejected: $out"
echo 'int w(unsigned long e) { return !!(e & _PAGE_RW); }' > "$fx/mm/bits.c"
out=$(tools/check-primitives.sh "$fx") && fail "a _PAGE_ bit in mm/bits.c went unnoticed"
[ "$out" = "mm/bits.c:1:int w(unsigned long e) { return !!(e & _PAGE_RW); }" ] ||
	fail "expected only mm/bits.c:1 reported, got: $out"
pass
