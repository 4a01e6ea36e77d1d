# Run by init (kestrel.run=) for tests/integration/kgdb_session.sh, after
# gdb attached to the kernel's stub at boot (kgdbwait) and let it go on:
# each of the first three commands stops in the debugger where gdb waits
# for it. Then gdb detaches, and a second gdb attaches to the running
# kernel (its first packet on ttyS1 stops the kernel) and renames the
# host by writing the kernel's memory: that ends the wait below.
mkdir /tmp/kgdbtest		# a software breakpoint in vfs_mkdir
hostname gdbhost		# a hardware watchpoint on the host name
uname -n			# a hardware breakpoint in sys_uname
echo "kgdb-test: waiting for gdb to rename the host"
while [ "$(hostname)" != done ]; do sleep 1; done
echo "kgdb-test: done, host name $(hostname)"
