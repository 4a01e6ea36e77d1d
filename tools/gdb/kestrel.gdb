# tools/gdb/kestrel.gdb: gdb set-up for debugging Kestrel.
#
# `make debug` runs  gdb -x tools/gdb/kestrel.gdb build/debug/kernel.elf
# from the repository root, with QEMU paused on its gdb stub at the port in
# $KESTREL_GDB_PORT (tools/qemu-debug). This file points gdb at the
# sources, loads the commands of tools/gdb/kestrel/ (Python) and connects.
# The commands (docs/debugging.md has the full table; `help CMD` each):
#
#   lx-ps               every task: pid, state, CPU, name, what it waits in
#   lx-current [CPU]    the task running on a CPU; $lx_current([CPU])
#   $lx_per_cpu("NAME"[, CPU])  a per-CPU variable; $lx_task_by_pid(PID)
#   lx-dmesg, dmesg     the kernel log (with time stamps / with levels)
#   lx-mounts           the mounts
#   lx-fdtable PID      a process's open files
#   lx-cmdline          the kernel command line (also kcmdline)
#   kheld [PID]         the locks each task holds (the lock validator's records)
#   kvmas PID           a process's VMAs with flags and files
#   kpagecache PATH|INODE  the folios of a file in the page cache
#   kdentry ADDR        a dentry's path
#   krunq [CPU]         the run queues
#   ktask PID           switch to a task's stack (`bt` shows where it sleeps);
#                       `ktask` alone switches back
#   kconsoles, ktests   the consoles; the compiled-in ktests
#   kbreak LOCATION     a hardware breakpoint (hbreak)
#
# Set KESTREL_GDB_NO_CONNECT=1 to skip `target remote` (to attach to the
# kernel's own stub over a serial line: docs/debugging.md, "kgdb").

set pagination off
set confirm off
set print pretty on
set disassembly-flavor att
set architecture i386:x86-64
# A kernel, not a Linux process: no orig_rax, no syscall-restart fix-ups on pc writes.
set osabi none
directory .

define kbreak
	hbreak $arg0
end
document kbreak
Set a hardware breakpoint (hbreak), e.g. `kbreak printk`. Hardware
breakpoints work at every stage of boot; QEMU offers four.
end

python
import os
import sys
import gdb


def _kestrel_gdb_dir():
    """tools/gdb of this tree: $KESTREL_GDB_DIR, ./tools/gdb, or above the kernel ELF."""
    candidates = [os.environ.get("KESTREL_GDB_DIR", ""), os.path.join(os.getcwd(), "tools", "gdb")]
    prog = gdb.current_progspace().filename
    if prog:
        d = os.path.dirname(os.path.abspath(prog))
        while d != "/":
            candidates.append(os.path.join(d, "tools", "gdb"))
            d = os.path.dirname(d)
    for c in candidates:
        if c and os.path.isfile(os.path.join(c, "kestrel", "utils.py")):
            return c
    raise gdb.GdbError("kestrel.gdb: cannot find tools/gdb/kestrel/ (set KESTREL_GDB_DIR)")


sys.path.insert(0, _kestrel_gdb_dir())
import kestrel.utils
from kestrel import cpus, dmesg, lockdep, misc, mm, tasks, vfs
for _m in (tasks, cpus, dmesg, misc, lockdep, mm, vfs):
    _m.register()

if not os.environ.get("KESTREL_GDB_NO_CONNECT"):
    gdb.execute("target remote 127.0.0.1:%s" % os.environ.get("KESTREL_GDB_PORT", "1234"))
end
