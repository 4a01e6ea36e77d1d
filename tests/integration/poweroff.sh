#!/usr/bin/env bash
# ACPI power-off: with `poweroff` on the command line the kernel calls
# machine_power_off() at the end of boot (no ktest, so nothing writes to
# the isa-debug-exit port that qemu-run adds). QEMU must then exit by
# itself with status 0 (a guest shutdown) well within the time limit, on
# both chipsets. A failed power-off halts, which would end in a timeout.
# Run from the repo root after make.
cd "$(dirname "$0")/../.." || exit 1
for m in pc q35; do
	log=build/test-logs/poweroff-$m.log
	tools/qemu-run -t 30 -o "$log" -- -M $m -m 128M -kernel build/kernel.elf \
		-append "console=ttyS0 poweroff"
	st=$?
	if [ "$st" -ne 0 ]; then
		echo "poweroff: -M $m: QEMU status $st (want 0 from an ACPI S5 power-off)"
		exit 1
	fi
	if ! grep -q '^reboot: Power down' "$log" || grep -q 'power-off failed' "$log"; then
		echo "poweroff: -M $m: QEMU exited but the log does not show the ACPI power-off"
		exit 1
	fi
done
exit 0
