#!/usr/bin/env bash
# Reset paths: with `restart` on the command line the kernel calls
# machine_restart() at the end of boot; under -no-reboot QEMU then exits
# with status 0 by itself. The log tells which method did it:
#   -M q35           the FADT reset register (port 0xcf9)
#   -M pc            no reset register in its FADT: the 8042 keyboard controller
#   -M q35 reboot=t  the triple fault, the last resort
# A method that fails prints "did not reset" and the next one is tried.
# Run from the repo root after make.
cd "$(dirname "$0")/../.." || exit 1

# check MACHINE EXTRA-ARGS WANT-LINE
check() {
	local log=build/test-logs/restart-$1${2:+-${2#reboot=}}.log st
	tools/qemu-run -t 30 -o "$log" -- -M "$1" -m 128M -kernel build/kernel.elf \
		-append "console=ttyS0 restart $2"
	st=$?
	if [ "$st" -ne 0 ]; then
		echo "restart: -M $1 $2: QEMU status $st (want 0 from a reset under -no-reboot)"
		exit 1
	fi
	if ! grep -q "^reboot: trying $3" "$log"; then
		echo "restart: -M $1 $2: the log does not show 'reboot: trying $3'"
		exit 1
	fi
	if grep -q 'did not reset' "$log"; then
		echo "restart: -M $1 $2: $(grep -m1 'did not reset' "$log")"
		exit 1
	fi
}

check q35 "" "the ACPI reset register"
check pc "" "the keyboard controller"
check q35 reboot=t "a triple fault"
exit 0
