#!/usr/bin/env bash
# Build the exec test programs into OUTDIR/root (a fresh tree): every
# tests/exec/*.c as a static musl program in /bin, hello also as a
# dynamically linked PIE (/bin/hello-dyn) with musl's dynamic linker as
# /lib/ld-musl-x86_64.so.1. The test then adds its files and runs
# tests/exec/pack.sh OUTDIR, which writes OUTDIR/initrd.cpio.
set -eu
out=$1
src=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out/root"
mkdir -p "$out/root/bin" "$out/root/lib" "$out/root/dev" "$out/root/tmp"
for c in "$src"/*.c; do
	musl-gcc -static -O2 -Wall -o "$out/root/bin/$(basename "$c" .c)" "$c"
done
musl-gcc -O2 -Wall -pie -fPIE -o "$out/root/bin/hello-dyn" "$src/hello.c"
ldso=$(readelf -lW "$out/root/bin/hello-dyn" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
cp -L "$ldso" "$out/root$ldso"
