# Run by init (kestrel.run=) for tests/integration/kgdb_session.sh, after
# gdb attached to the kernel's stub at boot (kgdbwait) and let it go on:
# each command below stops in the debugger where gdb waits for it.
mkdir /tmp/kgdbtest		# a software breakpoint in vfs_mkdir
hostname gdbhost		# a hardware watchpoint on the host name
uname -n			# a hardware breakpoint in sys_uname
echo "kgdb-test: done, host name $(hostname)"
