#!/usr/bin/env bash
# Pack OUTDIR/root into OUTDIR/initrd.cpio (cpio newc, as the kernel's initramfs reads it).
set -eu
out=$1
(cd "$out/root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out/initrd.cpio"
