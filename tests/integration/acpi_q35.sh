#!/usr/bin/env bash
# ACPI and timers on QEMU's Q35 (-M q35) with 4 CPUs: MADT, FADT (with its
# reset register), HPET and MCFG (PCI Express ECAM); the timers agree.
# Run from the repo root after make.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/acpi_lib.bash
name=acpi_q35
run_ktests $name "-M q35 -smp 4" "ktest.expect_cpus=4 ktest.machine=q35" 'acpi.*' 'timer.*' 'rtc.*' || exit 1
log=build/test-logs/$name-acpi.log
expect_line $name "$log" '^ACPI: 4 CPUs in MADT \(4 enabled\)' || exit 1
expect_line $name "$log" '^ACPI: MCFG: PCI ECAM 0x[0-9a-f]+ segment 0' || exit 1
expect_line $name "$log" '^ACPI: FADT: .* reset io' || exit 1
expect_line $name "$log" '^tsc: [0-9]+\.[0-9]+ MHz, calibrated against hpet' || exit 1
exit 0
