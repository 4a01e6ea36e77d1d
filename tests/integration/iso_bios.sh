#!/usr/bin/env bash
# The GRUB ISO boots under SeaBIOS from a CD-ROM on -M pc and -M q35:
# build/kestrel-test.iso (iso/grub-test.cfg: Multiboot 2, ktest=printk.*)
# must reach the `Command line:` line and power off with the ktest verdict.
# Also: the user ISO (iso/grub.cfg, menu with a timeout) reaches the same
# line, and GRUB's Multiboot 1 path boots the same ELF.
. "$(dirname "$0")/lib.bash"

TEST_ISO=build/kestrel-test.iso
ISO=build/kestrel.iso
[ -f "$TEST_ISO" ] && [ -f "$ISO" ] || fail "$ISO or $TEST_ISO missing: run make iso test-iso"

for machine in pc q35; do
	boot 60 -M "$machine" -m 256M -cdrom "$TEST_ISO"
	expect_status 33
	expect_exact_line "Command line: console=ttyS0 console=tty0 ktest=printk.*" \
		"command line from GRUB on -M $machine"
	expect_line '^[0-9]+ passed, 0 failed$' "ktest summary on -M $machine"
	expect_clean_log
done

# The ISO a user boots: GRUB menu (3 s timeout), then the kernel.
QEMU_RUN_OPTS=(-u '^Command line:.*')
boot 60 -M pc -m 256M -cdrom "$ISO"
expect_status 0
expect_exact_line "Command line: console=ttyS0 console=tty0" "command line of the user ISO"
QEMU_RUN_OPTS=()

# GRUB's `multiboot` (version 1) command on the same kernel.elf.
cfg=$LOG_DIR/$TEST_NAME-mb1.cfg
cat > "$cfg" <<'CFG'
set timeout=0
menuentry "Kestrel ktest (Multiboot 1)" {
	multiboot /boot/kernel.elf console=ttyS0 ktest=printk.*
	boot
}
CFG
sh tools/mkiso.sh build/kestrel-mb1-test.iso "$KERNEL" "$cfg" || fail "could not build the Multiboot 1 test ISO"
boot 60 -M q35 -m 256M -cdrom build/kestrel-mb1-test.iso
expect_status 33
expect_exact_line "Command line: console=ttyS0 ktest=printk.*" "command line through GRUB's Multiboot 1"
expect_clean_log
pass
