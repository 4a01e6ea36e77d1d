#!/usr/bin/env bash
# The two-pass link's symbol table (tools/kallsyms): the table built into
# each kernel (build/kernel.elf, and build/kernel-test.elf with a ktest
# function too) lists start_kernel at its final address, and the check
# that fails the build when a text symbol moved between the passes really
# does fail on a moved symbol (and passes on identical lists).
. "$(dirname "$0")/lib.bash"

# The (address, name) pairs of a kallsyms.S table, one "%016x name" a line.
table_of() {
	python3 - "$1" <<'PY'
import sys
addrs, names, section = [], [], None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.endswith(":"):
        section = line[:-1]
    elif section == "kallsyms_addresses" and line.startswith(".quad"):
        addrs.append(int(line.split()[1], 16))
    elif section == "kallsyms_names" and line.startswith(".asciz"):
        names.append(line.split('"')[1])
for a, n in zip(addrs, names):
    print("%016x %s" % (a, n))
PY
}

# expect_in_table NAME SYMBOL: the table of build/NAME.elf lists SYMBOL at its final address.
expect_in_table() {
	local nm=build/$1.nm table addr
	[ -s "$nm" ] || fail "no $nm: run make and make kernel-test first"
	addr=$(awk -v s="$2" '$NF == s { print $1 }' "$nm")
	[ -n "$addr" ] || fail "$2 missing from $nm"
	table=$(table_of "build/$1.kallsyms.S")
	grep -qx "$addr $2" <<< "$table" || fail "the table embedded in build/$1.elf does not list $2 at $addr"
}

expect_in_table kernel start_kernel
expect_in_table kernel-test start_kernel
expect_in_table kernel-test ktest_fail

nm_final=build/kernel.nm
python3 tools/kallsyms --compare "$nm_final" "$nm_final" || fail "--compare fails on identical symbol lists"
moved=$LOG_DIR/kallsyms_build-moved.nm
python3 -c '
import sys
for line in open(sys.argv[1]):
    f = line.split()
    if f and f[-1] == "start_kernel":
        line = line.replace(f[0], "%016x" % (int(f[0], 16) + 16), 1)
    sys.stdout.write(line)
' "$nm_final" > "$moved"
if python3 tools/kallsyms --compare "$nm_final" "$moved" 2> "$LOG_DIR/kallsyms_build.err"; then
	fail "--compare accepts a text symbol that moved by 16 bytes"
fi
grep -q "moved between the two links" "$LOG_DIR/kallsyms_build.err" || fail "--compare gave no reason"
pass
