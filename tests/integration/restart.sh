#!/usr/bin/env bash
# Reset paths: with `restart` on the command line the kernel calls
# machine_restart() at the end of boot; under -no-reboot QEMU then exits
# with status 0 by itself. The log tells which method did it:
#   -M q35           the FADT reset register (port 0xcf9)
#   -M pc            no reset register in its FADT: the 8042 keyboard controller
#   -M q35 reboot=t  the triple fault, the last resort
#   -no-acpi         no FADT: a PC is assumed to have the 8042
# A method that fails prints "did not reset" and the next one is tried.
# Run from the repo root after make.
cd "$(dirname "$0")/../.." || exit 1

# check NAME QEMU-ARGS KERNEL-ARGS WANT-LINE
check() {
	local log=build/test-logs/restart-$1.log st
	shift
	# shellcheck disable=SC2086
	tools/qemu-run -t 30 -o "$log" -- $1 -m 128M -kernel build/kernel.elf \
		-append "console=ttyS0 restart $2"
	st=$?
	if [ "$st" -ne 0 ]; then
		echo "restart: $1 $2: QEMU status $st (want 0 from a reset under -no-reboot)"
		exit 1
	fi
	if ! grep -q "^reboot: trying $3" "$log"; then
		echo "restart: $1 $2: the log does not show 'reboot: trying $3'"
		exit 1
	fi
	if grep -q 'did not reset' "$log"; then
		echo "restart: $1 $2: $(grep -m1 'did not reset' "$log")"
		exit 1
	fi
}

check q35 "-M q35" "" "the ACPI reset register"
check pc "-M pc" "" "the keyboard controller"
check q35-triple "-M q35" reboot=t "a triple fault"
check noacpi "-M pc -no-acpi" "" "the keyboard controller"
exit 0
