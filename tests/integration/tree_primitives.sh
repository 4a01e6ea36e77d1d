#!/usr/bin/env bash
# The kernel uses its own primitives: no __atomic_*/__sync_* builtin
# outside the atomic headers (tools/check-primitives.sh says which). Also
# checks the checker: in a scratch copy of the tree with one builtin added
# to mm/memory.c it must fail and name exactly that line, and in a small
# fixture it must accept the atomic headers and ignore user/ and build/.
. "$(dirname "$0")/lib.bash"

out=$(tools/check-primitives.sh .) ||
	fail "raw atomic builtins outside the atomic headers: $(echo "$out" | head -3 | tr '\n' ' ')"

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
pass
