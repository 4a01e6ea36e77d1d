#!/usr/bin/env bash
# The GRUB ISO boots under UEFI (OVMF, stateless -bios) on -M pc and
# -M q35: build/kestrel-test.iso must reach the `Command line:` line and
# power off with the ktest verdict. OVMF and GRUB-EFI write escape codes
# and boot-manager lines to COM1 first, so only kernel lines are matched.
. "$(dirname "$0")/lib.bash"

TEST_ISO=build/kestrel-test.iso
[ -f "$TEST_ISO" ] || fail "$TEST_ISO missing: run make test-iso"
OVMF=
for f in /usr/share/ovmf/OVMF.fd /usr/share/OVMF/OVMF.fd /usr/share/qemu/OVMF.fd; do
	[ -f "$f" ] && OVMF=$f && break
done
[ -n "$OVMF" ] || fail "no OVMF.fd firmware (install the ovmf package: tools/deps.sh)"

for machine in q35 pc; do
	boot 120 -M "$machine" -m 256M -bios "$OVMF" -cdrom "$TEST_ISO"
	expect_status 33
	expect_line "Command line: console=ttyS0 console=tty0 ktest=printk\.\*\$" \
		"command line from GRUB-EFI on -M $machine"
	expect_line '^[0-9]+ passed, 0 failed$' "ktest summary on -M $machine"
	expect_clean_log
done
pass
