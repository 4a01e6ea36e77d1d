#!/usr/bin/env bash
# The two-pass link's symbol table (tools/kallsyms): the table built into
# build/kernel.elf lists start_kernel at its final address, and the check
# that fails the build when a text symbol moved between the passes really
# does fail on a moved symbol (and passes on identical lists).
. "$(dirname "$0")/lib.bash"

nm_final=build/kernel.nm
[ -s "$nm_final" ] || fail "no $nm_final: run make first"
addr=$(awk '$NF == "start_kernel" { print $1 }' "$nm_final")
[ -n "$addr" ] || fail "start_kernel missing from $nm_final"

# The table's address list, in order, pairs with its name list.
table=$(python3 - build/kallsyms.S <<'PY'
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
)
grep -qx "$addr start_kernel" <<< "$table" || fail "the embedded table does not list start_kernel at $addr"

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
