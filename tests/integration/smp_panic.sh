#!/usr/bin/env bash
# A panic on one CPU of four stops the others (smp_send_stop), so the log
# has exactly one panic report and nothing from the other CPUs after it:
#   crashtest=panic          CPU 0 panics, the others idle
#   crashtest=panic_all      every CPU panics at once: one report only
#   crashtest=panic_irqsoff  the others spin with interrupts off: the stop
#                            IPI cannot reach them, the NMI fallback must
# QEMU exits with the panic status (37) each time.
. "$(dirname "$0")/lib.bash"

# one_report: one panic line, one trace, and its end marker is the last kernel line.
one_report() {
	local n
	n=$(log_text | grep -ac '^Kernel panic - not syncing:')
	[ "$n" = 1 ] || fail "$n 'Kernel panic' lines in $LOG, wanted exactly 1"
	n=$(log_text | grep -ac '^Call Trace:')
	[ "$n" = 1 ] || fail "$n 'Call Trace:' blocks in $LOG, wanted exactly 1"
	log_text | sed -n '/^Kernel panic - not syncing:/,$p' | tail -n 1 |
		grep -qa '^---\[ end Kernel panic - not syncing:' ||
		fail "output after the end of the panic report in $LOG (interleaved CPUs?)"
	expect_no_line 'did not stop' "a CPU that did not stop"
}

for mode in panic panic_all panic_irqsoff; do
	boot_kernel 60 "console=ttyS0 crashtest=$mode" -M q35 -m 256M -smp 4
	expect_status 37
	expect_exact_line "smp: 4 CPUs online" "'smp: 4 CPUs online' line"
	one_report
done
expect_line '^smp: 3 CPUs did not answer the stop IPI within [0-9]+ ms, sending an NMI$' \
	"NMI fallback line for panic_irqsoff"
pass
