#!/usr/bin/env bash
# Build the exec test programs (tests/exec/*.c, static musl) and pack an
# initramfs: build.sh OUTDIR INIT-PROGRAM [EXTRA-FILES...]. OUTDIR/root is
# the tree, OUTDIR/initrd.cpio the archive with INIT-PROGRAM as /init.
set -eu
out=$1 init=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out/root"
mkdir -p "$out/root/bin" "$out/root/dev" "$out/root/tmp"
for c in "$src"/*.c; do
	name=$(basename "$c" .c)
	musl-gcc -static -O2 -Wall -o "$out/root/bin/$name" "$c"
done
cp "$out/root/bin/$init" "$out/root/init"
for f in "$@"; do
	cp -a "$f" "$out/root/"
done
(cd "$out/root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out/initrd.cpio"
