#!/usr/bin/env bash
# The screen console really shows the boot: boot with a display device,
# let the boot finish, pause QEMU and compare what it displays (QMP
# screendump, and for text mode the cells at 0xb8000) with what the
# kernel wrote to the serial console. tests/integration/screen_check.py
# does the comparing: every character cell must match, the "Kestrel
# <version>" banner row included while the log fits on the screen.
#
#   vga       QEMU -kernel under SeaBIOS, no framebuffer info: vgacon, 80x25 text
#   fb-bios   GRUB ISO under SeaBIOS, VBE linear framebuffer: fbcon
#   fb-uefi   GRUB ISO under OVMF, GOP linear framebuffer: fbcon
#
# Screenshots and serial logs: build/test-logs/screen_banner-<case>.{ppm,log}.
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL	# the kernel users boot: no test hook needed

ISO=build/screen-test.iso
OVMF=/usr/share/ovmf/OVMF.fd

command -v python3 > /dev/null || fail "python3 is needed to read the screen"
[ -f "$KERNEL" ] || fail "$KERNEL missing: run make first"

# screen_case NAME MODE SECONDS QEMU-ARGS...
screen_case() {
	local name=$1 mode=$2 secs=$3 qpid out st
	shift 3
	local serial=$LOG_DIR/$TEST_NAME-$name.log
	local sock=$LOG_DIR/$TEST_NAME-$name.qmp
	local ppm=$LOG_DIR/$TEST_NAME-$name.ppm
	rm -f "$sock" "$ppm"
	tools/qemu-run -t "$secs" -o "$serial" -- -m 128M \
		-qmp "unix:$sock,server,nowait" "$@" 2> "$serial.stderr" &
	qpid=$!
	out=$(python3 tests/integration/screen_check.py --mode "$mode" --qmp "$sock" \
		--serial "$serial" --ppm "$ppm" --wait $((secs - 10)))
	st=$?
	kill "$qpid" 2> /dev/null	# qemu-run stops its QEMU on SIGTERM
	wait "$qpid" 2> /dev/null
	rm -f "$sock"
	echo "$name: $out"
	[ $st -eq 0 ] || fail "$name: ${out##*$'\n'} (see $ppm, $serial)"
}

screen_case vga vga 60 -kernel "$KERNEL" -append "console=ttyS0 console=tty0"

if [ ! "$ISO" -nt "$KERNEL" ] || [ ! "$ISO" -nt tests/integration/screen_grub.cfg ]; then
	sh tools/mkiso.sh "$ISO" "$KERNEL" tests/integration/screen_grub.cfg ||
		fail "cannot build $ISO (grub-mkrescue, xorriso, mtools: run tools/deps.sh)"
fi
screen_case fb-bios fb 60 -cdrom "$ISO"

[ -f "$OVMF" ] || fail "$OVMF missing (package ovmf: run tools/deps.sh)"
screen_case fb-uefi fb 120 -bios "$OVMF" -cdrom "$ISO"

pass
