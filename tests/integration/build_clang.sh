#!/usr/bin/env bash
# `make CC=clang` builds both kernels warning-free (-Werror) into a
# separate build directory, and the test kernel passes every ktest. Keeps
# the clang build working as code is added.
. "$(dirname "$0")/lib.bash"

command -v clang > /dev/null || fail "clang is not installed (apt-get install clang)"
out=build/clang
blog=$LOG_DIR/$TEST_NAME.build.log
if ! make -s BUILD=$out CC=clang all kernel-test > "$blog" 2>&1; then
	fail "make CC=clang failed: $(grep -m1 -E 'error|Error' "$blog"), see $blog"
fi
readelf -p .comment "$out/obj/kernel/main.o" 2>/dev/null | grep -q clang ||
	fail "$out/obj/kernel/main.o was not compiled by clang"
[ -f "$out/kernel.elf" ] || fail "make CC=clang built no $out/kernel.elf"
KERNEL=$out/kernel-test.elf
# The block.* and virtio.* ktests write on a scratch virtio disk, as under tools/run-tests.
disk=$out/ktest-disk.img
rm -f "$disk" && truncate -s 32M "$disk" || fail "cannot make the scratch disk $disk"
boot_kernel 240 "console=ttyS0 ktest=*" -M q35 -smp 2 -m 256M \
	-drive file=$disk,if=none,id=scratch,format=raw -device virtio-blk-pci,drive=scratch,num-queues=4
expect_status 33
expect_line '^[0-9]+ passed, 0 failed$' "ktest summary of the clang-built kernel"
expect_clean_log
pass
