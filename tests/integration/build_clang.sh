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
# The block.* and virtio.* ktests write on a scratch virtio disk, and the
# ahci.* ktests on a scratch SATA disk on q35's AHCI controller with
# blkdebug failing reads of sector 60000 and writes of sector 61000, as
# under tools/run-tests.
disk=$out/ktest-disk.img
rm -f "$disk" && truncate -s 32M "$disk" || fail "cannot make the scratch disk $disk"
ahci_disk=$out/ktest-ahci.img ahci_conf=$out/ktest-ahci-blkdebug.conf
rm -f "$ahci_disk" && truncate -s 32M "$ahci_disk" || fail "cannot make the scratch disk $ahci_disk"
printf '[inject-error]\nevent = "read_aio"\niotype = "read"\nerrno = "5"\nsector = "60000"\n\n[inject-error]\nevent = "write_aio"\niotype = "write"\nerrno = "5"\nsector = "61000"\n' \
	> "$ahci_conf"
boot_kernel 240 "console=ttyS0 ktest=*" -M q35 -smp 2 -m 256M \
	-drive file=$disk,if=none,id=scratch,format=raw -device virtio-blk-pci,drive=scratch,num-queues=4 \
	-blockdev driver=file,node-name=ahcif,filename=$ahci_disk \
	-blockdev driver=blkdebug,node-name=ahcidbg,image=ahcif,config=$ahci_conf \
	-blockdev driver=raw,node-name=ahcidisk,file=ahcidbg \
	-device ide-hd,drive=ahcidisk,bus=ide.0,serial=KTEST-AHCI-0001,model=Kestrel_ktest_disk,physical_block_size=4096,rerror=report,werror=report
expect_status 33
expect_line '^[0-9]+ passed, 0 failed$' "ktest summary of the clang-built kernel"
expect_clean_log
pass
