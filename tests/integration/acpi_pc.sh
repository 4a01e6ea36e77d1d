#!/usr/bin/env bash
# ACPI and timers on QEMU's i440FX (-M pc) with 4 CPUs: the MADT lists 4
# enabled CPUs and an IOAPIC, FADT and HPET present, no MCFG; the timers
# agree. Run from the repo root after make.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/acpi_lib.bash
name=acpi_pc
run_ktests $name "-M pc -smp 4" "ktest.expect_cpus=4 ktest.machine=pc" 'acpi.*' 'timer.*' 'rtc.*' || exit 1
log=build/test-logs/$name-acpi.log
expect_line $name "$log" '^ACPI: RSDP 0x[0-9a-f]+ .*BOCHS' || exit 1
expect_line $name "$log" '^ACPI: 4 CPUs in MADT \(4 enabled\)' || exit 1
expect_line $name "$log" '^tsc: [0-9]+\.[0-9]+ MHz, calibrated against hpet' || exit 1
expect_line $name "$log" '^rtc: 20[0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC' || exit 1
if grep -q '^ACPI: MCFG' "$log"; then
	echo "$name: -M pc has no MCFG table, yet one was listed"
	exit 1
fi
exit 0
