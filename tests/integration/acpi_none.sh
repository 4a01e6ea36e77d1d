#!/usr/bin/env bash
# No ACPI (-no-acpi): the kernel says so clearly, falls back to the PIT as
# its reference clock and one CPU, and still runs its ktests (the acpi
# ones then check that no table is reported). Run from the repo root after make.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/acpi_lib.bash
name=acpi_none
run_ktests $name "-no-acpi" "ktest.expect_acpi=0" 'acpi.*' 'timer.*' 'rtc.*' || exit 1
log=build/test-logs/$name-acpi.log
expect_line $name "$log" '^ACPI: no RSDP found, continuing without ACPI' || exit 1
expect_line $name "$log" '^tsc: [0-9]+\.[0-9]+ MHz, calibrated against pit' || exit 1
exit 0
