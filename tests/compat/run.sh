#!/usr/bin/dash
# tests/compat/run.sh SCRATCH: run every tests/compat/t-*.sh with Debian's
# dash, each in a fresh directory under SCRATCH, and print its output
# (stdout and stderr) between "=== NAME" and "=== NAME exit STATUS".
# tests/integration/compat.sh runs this under Kestrel (/compat/run.sh) and
# on this Linux host, and compares the two outputs line by line.
# Only Debian's programs (PATH=/usr/bin), the C locale and UTC: the same
# environment on both.
set -u
export PATH=/usr/bin LC_ALL=C TZ=UTC
umask 022
here=$(cd "$(dirname "$0")" && pwd)
scratch=$1
for t in "$here"/t-*.sh; do
	name=$(basename "$t" .sh)
	dir=$scratch/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "=== $name"
	(cd "$dir" && dash "$t") < /dev/null 2>&1
	echo "=== $name exit $?"
	rm -rf "$dir"
done
echo "=== compat done"
