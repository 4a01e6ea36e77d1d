# A process in a known state for tests/integration/gdb_helpers.sh, which
# boots with kestrel.run=/etc/kestrel/gdb-helpers.sh under gdb: gdb stops
# in the first mkdir (sys_mkdirat, a local printed), then in the second,
# when the file is written (its folio in the page cache) and open on fd 3,
# and runs every helper there.
mkdir /tmp/gdbtest
echo "in the page cache" > /tmp/gdbtest/file
exec 3< /tmp/gdbtest/file
mkdir /tmp/gdbtest/ready
echo "gdb-helpers: ready"
sleep 600
