# tools/gdb/kestrel.gdb: gdb set-up for debugging Kestrel under QEMU.
#
# `make debug` runs:  gdb -x tools/gdb/kestrel.gdb build/kernel.elf
# from the repository root, with QEMU paused on its gdb stub (-s -S, port
# 1234). This file connects, points gdb at the sources and adds commands:
#
#   dmesg            the kernel log (kernel/printk.c's log_buf ring)
#   kcmdline         the kernel command line as the kernel saw it
#   kconsoles        the registered consoles (printk's console_list)
#   ktests           the compiled-in ktests (suite.name)
#   kbreak LOCATION  a hardware breakpoint (hbreak): works before paging
#                    is set up and under KVM, where software ones may not
#
# lx-dmesg is an alias of dmesg for those used to Linux's gdb scripts.
# Set KESTREL_GDB_NO_CONNECT=1 in the environment to skip `target remote`
# (the automated session in tests/integration/gdb_session.sh connects itself).

set pagination off
set confirm off
set print pretty on
set disassembly-flavor att
set architecture i386:x86-64
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
import gdb


def _sym_value(name):
    """A kernel variable by name (statics included), or None."""
    try:
        return gdb.parse_and_eval(name)
    except gdb.error:
        return None


class Dmesg(gdb.Command):
    """Print the kernel log buffer (kernel/printk.c: log_buf, log_head, log_len).

Each line is shown as "<L>text", L being its printk level."""

    def __init__(self, name="dmesg"):
        super().__init__(name, gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        buf = _sym_value("log_buf")
        head = _sym_value("log_head")
        length = _sym_value("log_len")
        if buf is None or head is None or length is None:
            raise gdb.GdbError("dmesg: log_buf/log_head/log_len not found (kernel/printk.c)")
        size = buf.type.sizeof
        head, length = int(head), int(length)
        start = (head - length) % size
        inferior = gdb.selected_inferior()
        addr = int(buf.address)
        if start + length <= size:
            data = bytes(inferior.read_memory(addr + start, length))
        else:
            first = size - start
            data = bytes(inferior.read_memory(addr + start, first)) + \
                bytes(inferior.read_memory(addr, length - first))
        gdb.write(data.decode("utf-8", "replace"))
        if data and not data.endswith(b"\n"):
            gdb.write("\n")


class KCmdline(gdb.Command):
    """Print the kernel command line (kernel/cmdline.c: raw_line)."""

    def __init__(self):
        super().__init__("kcmdline", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        raw = _sym_value("raw_line")
        if raw is None:
            raise gdb.GdbError("kcmdline: raw_line not found (kernel/cmdline.c)")
        gdb.write(raw.string(length=raw.type.sizeof).split("\0")[0] + "\n")


class KConsoles(gdb.Command):
    """List the registered consoles (kernel/printk.c: console_list)."""

    def __init__(self):
        super().__init__("kconsoles", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        con = _sym_value("console_list")
        if con is None:
            raise gdb.GdbError("kconsoles: console_list not found (kernel/printk.c)")
        while int(con) != 0:
            c = con.dereference()
            gdb.write("%s%d  at %s  write=%s\n" % (c["name"].string(), int(c["index"]),
                                                    con, c["write"]))
            con = c["next"]


class KTests(gdb.Command):
    """List the compiled-in ktests (the .ktests.* sections)."""

    def __init__(self):
        super().__init__("ktests", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        start = _sym_value("&__start_ktests")
        stop = _sym_value("&__stop_ktests")
        ktest = gdb.lookup_type("struct ktest")
        if start is None or stop is None:
            raise gdb.GdbError("ktests: __start_ktests/__stop_ktests not found")
        p = start.cast(ktest.pointer())
        end = int(stop)
        while int(p) < end:
            gdb.write("%s.%s\n" % (p["suite"].string(), p["name"].string()))
            p += 1


Dmesg()
Dmesg("lx-dmesg")
KCmdline()
KConsoles()
KTests()

if not os.environ.get("KESTREL_GDB_NO_CONNECT"):
    gdb.execute("target remote 127.0.0.1:%s" % os.environ.get("KESTREL_GDB_PORT", "1234"))
end
