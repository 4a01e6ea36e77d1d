#!/usr/bin/env bash
# The system-call table (arch/x86/entry/syscalls/syscall_64.tbl, turned
# into headers and checked by tools/syscalltbl), from the host, no QEMU:
#  1. the build's generated headers are those of the .tbl as it is now;
#  2. in both kernels every number's dispatch slot holds its row's stub
#     (__x64_sys_<name>) or sys_ni_syscall, and every name slot the row's
#     name: read from the linked ELF files, slot by slot;
#  3. adding a call is one row plus its SYSCALL_DEFINE: a scratch .tbl with
#     a new row and a scratch SYSCALL_DEFINE compiled with the kernel's
#     flags give the new __NR_ number, the new table line, a dispatch slot
#     relocated to the new stub, and a passing check;
#  4. the check fails, naming the culprit, on a SYSCALL_DEFINE without a
#     row, a row whose entry point nobody defines, and a malformed .tbl.
. "$(dirname "$0")/lib.bash"

TBL=arch/x86/entry/syscalls/syscall_64.tbl
GEN=build/include/generated
work=$LOG_DIR/$TEST_NAME.d
rm -rf "$work"
mkdir -p "$work"
for f in "$GEN/asm/unistd_64.h" "$GEN/asm/syscalls_64.h" build/kernel.elf build/kernel-test.elf build/flags; do
	[ -f "$f" ] || fail "$f missing: run make and make kernel-test"
done

# 1. Up to date.
for h in unistd syscalls; do
	python3 tools/syscalltbl $h "$TBL" > "$work/$h.h" || fail "tools/syscalltbl $h failed on $TBL"
	cmp -s "$work/$h.h" "$GEN/asm/${h}_64.h" || fail "$GEN/asm/${h}_64.h is not what $TBL gives"
done
grep -qx '#define __NR_read 0' "$GEN/asm/unistd_64.h" || fail "no __NR_read 0 in unistd_64.h"
last=$(awk '!/^#/ && NF >= 3 { n = $1 } END { print n }' "$TBL")
grep -qx "#define NR_syscalls $((last + 1))" "$GEN/asm/unistd_64.h" ||
	fail "NR_syscalls is not $((last + 1)) (the last row's number + 1)"

# 2. The tables in the linked kernels, against the .tbl.
check_elf() {
	python3 - "$TBL" "$1" <<'PY'
import struct, subprocess, sys
tbl, elf = sys.argv[1], sys.argv[2]
rows = {}
for line in open(tbl):
    f = line.split("#", 1)[0].split()
    if f:
        rows[int(f[0])] = (f[2], f[3] if len(f) > 3 else None)
syms = {}
for line in subprocess.run(["nm", elf], stdout=subprocess.PIPE, text=True, check=True).stdout.splitlines():
    f = line.split()
    if len(f) == 3:
        syms[f[2]] = int(f[0], 16)
data = open(elf, "rb").read()
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum = struct.unpack_from("<HH", data, 0x3a)
sections = []
for i in range(shnum):
    _, stype, _, addr, off, size = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
    if stype != 8 and addr:	# not NOBITS (.bss)
        sections.append((addr, off, size))
def read(addr, n):
    for a, off, size in sections:
        if a <= addr and addr + n <= a + size:
            return data[off + addr - a:off + addr - a + n]
    sys.exit("%s: address %#x not in the file" % (elf, addr))
def quad(addr):
    return struct.unpack("<Q", read(addr, 8))[0]
def cstring(addr):
    s = b""
    while not s.endswith(b"\0"):
        s += read(addr + len(s), 1)
    return s[:-1].decode()
ni, table, names = syms["sys_ni_syscall"], syms["sys_call_table"], syms["syscall_names"]
for nr in range(max(rows) + 1):
    name, entry = rows.get(nr, (None, None))
    want = syms.get("__x64_" + entry) if entry else ni
    if want is None:
        sys.exit("%s: no __x64_%s for row %d" % (elf, entry, nr))
    if quad(table + 8 * nr) != want:
        sys.exit("%s: sys_call_table[%d] is %#x, not %s (%#x)" % (elf, nr, quad(table + 8 * nr),
                 "__x64_" + entry if entry else "sys_ni_syscall", want))
    p = quad(names + 8 * nr)
    got = cstring(p) if p else None
    if got != name:
        sys.exit("%s: syscall_names[%d] is %r, not %r" % (elf, nr, got, name))
print("%s: %d slots match %s" % (elf, max(rows) + 1, tbl))
PY
}
check_elf build/kernel.elf || fail "build/kernel.elf's tables do not match $TBL"
check_elf build/kernel-test.elf || fail "build/kernel-test.elf's tables do not match $TBL"

# 3. Adding a call: one row and one SYSCALL_DEFINE.
nr=$((last + 1))
cp "$TBL" "$work/scratch.tbl"
printf '%d\tcommon\tkestrel_selftest\tsys_kestrel_selftest\n' "$nr" >> "$work/scratch.tbl"
mkdir -p "$work/obj/kernel"
cat > "$work/selftest.c" <<'EOF'
#include <kestrel/syscalls.h>

SYSCALL_DEFINE1(kestrel_selftest, long, x)
{
	return x + 1;
}
EOF
read -r -a cflags <<< "$(cut -d'|' -f1 build/flags)"	# "$(CC) $(CFLAGS)" of the real build
"${cflags[@]}" -c "$work/selftest.c" -o "$work/obj/kernel/selftest.o" ||
	fail "the scratch SYSCALL_DEFINE does not compile with the kernel's flags"
mkdir -p "$work/gen/asm"
for h in unistd syscalls; do
	python3 tools/syscalltbl $h "$work/scratch.tbl" > "$work/gen/asm/${h}_64.h" ||
		fail "tools/syscalltbl $h failed on the scratch .tbl"
done
grep -qx "#define __NR_kestrel_selftest $nr" "$work/gen/asm/unistd_64.h" || fail "no __NR_kestrel_selftest $nr"
grep -qx "#define NR_syscalls $((nr + 1))" "$work/gen/asm/unistd_64.h" || fail "NR_syscalls did not grow"
grep -qx "__SYSCALL($nr, kestrel_selftest, sys_kestrel_selftest)" "$work/gen/asm/syscalls_64.h" ||
	fail "no __SYSCALL line for the new row"
# The scratch headers first on the include path, before the build's.
"${cflags[0]}" -I"$work/gen" "${cflags[@]:1}" -c arch/x86/entry/syscall_64.c -o "$work/syscall_64.o" ||
	fail "arch/x86/entry/syscall_64.c does not compile with the scratch table"
table=$(nm "$work/syscall_64.o" | awk '$3 == "sys_call_table" { print $1 }')
slot=$(printf '%016x' $((16#$table + 8 * nr)))
objdump -r "$work/syscall_64.o" | grep -qE "^$slot +R_X86_64_64 +__x64_sys_kestrel_selftest\$" ||
	fail "sys_call_table[$nr] is not relocated to __x64_sys_kestrel_selftest"
mapfile -t objs < <(find build/obj -name '*.o' ! -path '*/tests/kernel/*' ! -name ktest.o \
	! -name crashtest.o ! -name locktest.o ! -path '*/arch/x86/entry/syscall_64.o')
python3 tools/syscalltbl check "$work/scratch.tbl" "${objs[@]}" "$work/syscall_64.o" \
	"$work/obj/kernel/selftest.o" || fail "the check rejects a new row with its SYSCALL_DEFINE"

# 4. What the check refuses.
# expect_refused WHAT REGEX COMMAND...: COMMAND fails with a line matching REGEX.
expect_refused() {
	local what=$1 re=$2
	shift 2
	if "$@" > "$work/err" 2>&1; then
		fail "accepted: $what"
	fi
	grep -qE -- "$re" "$work/err" || fail "$what: no line /$re/ in: $(head -3 "$work/err")"
}
expect_refused "a SYSCALL_DEFINE without a row" \
	'^kernel/selftest\.c: SYSCALL_DEFINE\(kestrel_selftest\) has no row' \
	python3 tools/syscalltbl check "$TBL" "${objs[@]}" "$work/obj/kernel/selftest.o"
expect_refused "a row without its SYSCALL_DEFINE" \
	"scratch\.tbl:[0-9]+: kestrel_selftest \($nr\) names sys_kestrel_selftest, but no SYSCALL_DEFINE" \
	python3 tools/syscalltbl check "$work/scratch.tbl" "${objs[@]}"
printf '0\tcommon\tread2\n' >> "$work/scratch.tbl"
expect_refused "a number used twice" 'number 0 already used on line' \
	python3 tools/syscalltbl unistd "$work/scratch.tbl"
printf '999\tx32\tfoo\n' > "$work/bad.tbl"
expect_refused "an abi other than common or 64" "abi 'x32' is not one of common, 64" \
	python3 tools/syscalltbl syscalls "$work/bad.tbl"
pass
