#!/usr/bin/env bash
# exec beyond a static program, one init per boot:
#   1. a dynamically linked PIE: PT_INTERP loads musl's dynamic linker at
#      a randomized base (AT_BASE), which relocates and runs the program;
#   2. a #! script with one argument: argv = interpreter, argument,
#      script name, then the script's own arguments;
#   3. #! scripts nested 4 deep run; 5 deep fail with ELOOP;
#   4. the init search: rdinit= missing (ENOENT), then /sbin/init a broken
#      ELF (ENOEXEC), /etc/init not executable (EACCES), /bin/init the
#      5-deep script (ELOOP), and /bin/sh runs;
#   5. nothing runnable: "No working init found" and a panic.
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

command -v musl-gcc > /dev/null || fail "musl-gcc missing (make deps)"
OUT=build/exec-test/formats
tests/exec/build.sh "$OUT" || fail "building tests/exec failed"
R=$OUT/root
printf '#!/bin/hello -x  \nignored\n' > "$R/script"
printf '#!/bin/hello\n' > "$R/s1"
for i in 2 3 4 5; do printf '#!/s%d\n' $((i - 1)) > "$R/s$i"; done
chmod 755 "$R/script" "$R"/s?
mkdir -p "$R/sbin" "$R/etc"
printf '\177ELF\002\001\001\000garbage' > "$R/sbin/init"
chmod 755 "$R/sbin/init"
cp "$R/bin/hello" "$R/etc/init"
chmod 644 "$R/etc/init"
cp "$R/s5" "$R/bin/init"
ln -s hello "$R/bin/sh"
tests/exec/pack.sh "$OUT" || fail "packing the initramfs failed"
INITRD=$OUT/initrd.cpio

QEMU_RUN_OPTS=(-u '^user space done')
boot_kernel 60 "console=ttyS0 rdinit=/bin/hello-dyn" -m 256M -smp 2 -initrd "$INITRD"
expect_status 0
expect_exact_line "hello from user space" "output of the dynamic PIE"
expect_exact_line "argv[0]=/bin/hello-dyn" "argv[0] of the dynamic PIE"
expect_line '^auxv uid=0 euid=0 gid=0 egid=0 secure=0 clktck=100 base=0x7f[0-9a-f]+$' \
	"AT_BASE: the interpreter's base in the mmap area"
expect_exact_line "auxv pagesz=4096 phent=56 phnum_ok=1 entry_ok=1 random_ok=1 execfn=/bin/hello-dyn" \
	"auxv of the dynamic PIE"
expect_clean_log

boot_kernel 60 "console=ttyS0 rdinit=/script -- a1 a2" -m 256M -initrd "$INITRD"
expect_status 0
expect_exact_line "argc=5" "argc of the script"
expect_exact_line "argv[0]=/bin/hello" "the interpreter as argv[0]"
expect_exact_line "argv[1]=-x" "the #! argument (trailing blanks cut)"
expect_exact_line "argv[2]=/script" "the script's name"
expect_exact_line "argv[3]=a1" "the script's first argument"
expect_exact_line "argv[4]=a2" "the script's second argument"
expect_exact_line "auxv pagesz=4096 phent=56 phnum_ok=1 entry_ok=1 random_ok=1 execfn=/script" \
	"AT_EXECFN: the name exec was given"
expect_clean_log

boot_kernel 60 "console=ttyS0 rdinit=/s4" -m 256M -initrd "$INITRD"
expect_status 0
expect_exact_line "argv[0]=/bin/hello" "the innermost interpreter"
expect_exact_line "argv[1]=/s1" "s1"
expect_exact_line "argv[4]=/s4" "s4, the script exec was given"
expect_clean_log

boot_kernel 60 "console=ttyS0 rdinit=/missing" -m 256M -initrd "$INITRD"
expect_status 0
expect_exact_line "Failed to execute /missing (error -2)" "ENOENT for a missing rdinit="
expect_exact_line "Starting init: /sbin/init exists but couldn't execute it (error -8)" \
	"ENOEXEC for a broken ELF"
expect_exact_line "Starting init: /etc/init exists but couldn't execute it (error -13)" \
	"EACCES without exec permission"
expect_exact_line "Starting init: /bin/init exists but couldn't execute it (error -40)" \
	"ELOOP for #! nested 5 deep"
expect_exact_line "Run /bin/sh as init process" "the last default init"
expect_exact_line "argv[0]=/bin/sh" "/bin/sh ran"

QEMU_RUN_OPTS=(-u '^---\[ end Kernel panic')
boot_kernel 60 "console=ttyS0" -m 256M
expect_exact_line "Kernel panic - not syncing: No working init found.  Try passing init= option to kernel. See Linux Documentation/admin-guide/init.rst for guidance." \
	"the no-init panic"
pass
