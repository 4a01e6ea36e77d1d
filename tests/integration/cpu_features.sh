#!/usr/bin/env bash
# CPU protection features: QEMU's default model (qemu64) offers only NX;
# -cpu max offers NX, SMEP, SMAP and UMIP. Each boot prints exactly what it
# enabled and the cpu.* ktests (features match CPUID, CR4/EFER bits really
# set, stac/clac) pass on both.
. "$(dirname "$0")/lib.bash"

boot_kernel 60 "console=ttyS0 ktest=cpu.*" -m 128M
expect_status 33
expect_exact_line "cpu: NX" "'cpu: NX' line on qemu64"

boot_kernel 60 "console=ttyS0 ktest=cpu.*" -m 128M -cpu max
expect_status 33
expect_exact_line "cpu: NX SMEP SMAP UMIP" "'cpu: NX SMEP SMAP UMIP' line on -cpu max"
pass
