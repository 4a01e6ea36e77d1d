# The gdb session of tests/integration/gdb_helpers.sh (run by `make debug`
# after tools/gdb/kestrel.gdb connected), after the lines the test puts
# first: a hardware breakpoint in sys_mkdirat on the line after getname(),
# for the script's `mkdir /tmp/gdbtest`, and `continue`. Each "echo =="
# line marks the output of the next step for the checks.
echo == local\n
print name->name
info locals
next
print ret
echo == bt\n
bt
delete
hbreak sys_mkdirat if $_streq((char *)pathname, "/tmp/gdbtest/ready")
continue
echo == lx-ps\n
lx-ps
echo == lx-current\n
lx-current
print $lx_current().comm
echo == lx_per_cpu\n
print $lx_per_cpu("cpu", 1)
print $lx_per_cpu("runqueues", 0).cpu
print $lx_task_by_pid(1).comm
echo == lx-dmesg\n
lx-dmesg
echo == lx-mounts\n
lx-mounts
echo == lx-fdtable\n
lx-fdtable $lx_current().pid
echo == lx-cmdline\n
lx-cmdline
echo == kheld\n
kheld
echo == kvmas\n
kvmas $lx_current().pid
echo == kpagecache\n
kpagecache /tmp/gdbtest/file
echo == kdentry\n
kdentry $lx_current().files->fdt->fd[3]->f_path.dentry
echo == krunq\n
krunq
echo == ktask holder\n
ktask dbg-holder
bt
echo == ktask waiter\n
ktask dbg-waiter
bt
echo == ktask restore\n
ktask
echo == after\n
delete
hbreak sched_tick
continue
bt 1
echo == user\n
# The script goes on after the helpers: it writes its ready line.
delete
hbreak __x64_sys_write if ((struct pt_regs *)$rdi)->rdx == 19
continue
bt 1
echo == end\n
kill
