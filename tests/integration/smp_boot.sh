#!/usr/bin/env bash
# Every enabled CPU of the MADT comes up and the boot says so exactly:
# `smp: N CPUs online` for -smp 1, 8 (q35) and 16, and
# for -smp 2,maxcpus=4, whose two hot-pluggable CPUs the MADT lists as not
# enabled (they must not be started). Each boot runs the smp.* ktests with
# the expected count, so every online CPU also answers IPIs and ticks.
. "$(dirname "$0")/lib.bash"

check() {	# check "QEMU -smp VALUE" ONLINE
	boot_kernel 120 "console=ttyS0 ktest=smp.* ktest.expect_cpus=$2" -M q35 -m 256M -smp "$1"
	expect_status 33
	expect_exact_line "smp: $2 CPUs online" "'smp: $2 CPUs online' line for -smp $1"
	expect_no_line 'did not come up' "a CPU that did not start"
	expect_clean_log
}

check 8 8
check 1 1
check 16 16
check 2,maxcpus=4 2
pass
