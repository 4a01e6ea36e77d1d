#!/usr/bin/env bash
# The smallest supported machine, -m 64M: the kernel counts ~64 MiB of
# usable RAM (`Memory: N MiB usable` with 60 <= N <= 64), the buddy and
# vmalloc ktests pass (exhaustion included), a boot module is reserved,
# and the log stays clean.
. "$(dirname "$0")/lib.bash"

memory_mib() {
	log_text | sed -n 's/^Memory: \([0-9][0-9]*\) MiB usable$/\1/p' | head -n1
}

boot_kernel 60 "console=ttyS0 ktest=buddy.*" -m 64M
expect_status 33
expect_line '^Memory: [0-9]+ MiB usable$' "'Memory: N MiB usable' line"
n=$(memory_mib)
[ "$n" -ge 60 ] && [ "$n" -le 64 ] || fail "-m 64M counted $n MiB usable, wanted 60..64"
expect_line '^  zone DMA32 ' "DMA32 zone line"
expect_no_line '^  zone Normal ' "a Normal zone on a 64 MiB machine"
expect_line '^ok [0-9]+ - buddy\.exhaustion_and_recovery$' "passing buddy exhaustion test"
expect_clean_log

# With a boot module (an initrd): it is reserved, never handed out.
initrd=$LOG_DIR/mem_64m-initrd.bin
head -c 300000 /dev/urandom > "$initrd" || fail "cannot write $initrd"
boot_kernel 60 "console=ttyS0 ktest=vmalloc.*" -m 64M -initrd "$initrd"
expect_status 33
expect_line '^  reserved \[mem 0x[0-9a-f]+-0x[0-9a-f]+\] boot module$' "reservation of the -initrd module"
expect_clean_log
pass
