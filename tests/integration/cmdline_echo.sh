#!/usr/bin/env bash
# The kernel prints its command line exactly as given, and its banner:
# `Command line: console=ttyS0 foo=bar baz` and `Kestrel <version>` (the
# -kernel path QEMU puts in front must not show). A second boot checks
# that quotes are echoed verbatim while the kernel still parses past them.
. "$(dirname "$0")/lib.bash"

QEMU_RUN_OPTS=(-u '^Command line:.*')
boot_kernel 30 "console=ttyS0 foo=bar baz" -m 64M
expect_status 0
expect_exact_line "Command line: console=ttyS0 foo=bar baz" "exact command line echo"
expect_line '^Kestrel [0-9]+\.[0-9]+' "'Kestrel <version>' banner"

QEMU_RUN_OPTS=()
boot 60 -m 64M -kernel "$KERNEL" \
	-append 'console=ttyS0 msg="hello  world" x= ktest=printk.format_strings'
expect_status 33
expect_exact_line 'Command line: console=ttyS0 msg="hello  world" x= ktest=printk.format_strings' \
	"verbatim echo of a quoted command line"
expect_line '^ok 1 - printk.format_strings' "ktest selected after a quoted word"
pass
