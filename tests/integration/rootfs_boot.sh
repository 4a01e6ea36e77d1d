#!/usr/bin/env bash
# The root at boot: tmpfs on /, devtmpfs on /dev, procfs on /proc, said
# in one line, and the in-memory file systems' ktests pass with 1 and 4
# CPUs (procfs.cpuinfo counts the CPUs /proc/cpuinfo lists).
. "$(dirname "$0")/lib.bash"

check() {	# check CPUS
	boot_kernel 240 "console=ttyS0 ktest=*fs.*" -m 256M -smp "$1"
	expect_status 33
	expect_exact_line "VFS: mounted root (tmpfs), /dev (devtmpfs), /proc (proc)" \
		"the root mount line with -smp $1"
	expect_line "random: seeded from" "the random generator's seeding line"
	expect_clean_log
}

check 1
check 4
pass
