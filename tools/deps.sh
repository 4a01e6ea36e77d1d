#!/bin/sh
# tools/deps.sh: install the Debian/Ubuntu packages Kestrel's build, run,
# test and debug need, if any is missing. Quiet when everything is there;
# runs apt-get update only when something has to be installed; uses sudo
# when not root. On a system without dpkg it only reports what to install.
set -eu

# busybox-static: its /bin/busybox goes into the initramfs (tools/mkinitramfs.sh).
# dash, coreutils, grep, sed, libc6-dev: Debian's programs the compat tests
# run under Kestrel, and glibc to build their C programs (tools/mkcompat.sh).
PKGS="make gcc binutils python3 qemu-system-x86 grub-pc-bin grub-efi-amd64-bin
grub-common xorriso mtools ovmf gdb musl-tools e2fsprogs cpio clang busybox-static
dash coreutils grep sed libc6-dev"

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps.sh: not a Debian/Ubuntu system; install the equivalents of:" >&2
	echo "  $PKGS" | tr '\n' ' ' >&2
	echo >&2
	exit 0
fi

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "deps.sh: not root and no sudo: install as root:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
