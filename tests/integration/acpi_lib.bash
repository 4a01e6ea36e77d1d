# Shared by the acpi_*.sh integration tests (sourced, not run): boot the
# kernel once per ktest glob with the given QEMU machine arguments and
# require a ktest PASS (status 33), a clean log (tools/dirty-log) and
# the expected log lines.
#
#   run_ktests NAME "<qemu args>" "<extra kernel args>" GLOB...

run_ktests() {
	local name=$1 qargs=$2 kargs=$3 glob log st dirty
	shift 3
	for glob in "$@"; do
		log=build/test-logs/$name-${glob%%.*}.log
		# shellcheck disable=SC2086
		tools/qemu-run -t 120 -o "$log" -- -m 256M $qargs -kernel build/kernel-test.elf \
			-append "console=ttyS0 ktest=$glob $kargs"
		st=$?
		if [ "$st" -ne 33 ]; then
			echo "$name: ktest=$glob: QEMU status $st (want 33): $(grep -m1 -E '^not ok|panic|timed out' "$log")"
			return 1
		fi
		if dirty=$(tools/dirty-log "$log"); then
			echo "$name: ktest=$glob: dirty log: $dirty"
			return 1
		fi
	done
	return 0
}

# expect_line NAME LOG REGEX: fail with a message when the log lacks the line.
expect_line() {
	if ! grep -Eq "$3" "$2"; then
		echo "$1: no line matching '$3' in $2"
		return 1
	fi
}
