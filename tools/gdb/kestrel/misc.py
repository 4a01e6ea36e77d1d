# tools/gdb/kestrel/misc.py: the command line, consoles, ktests, kbreak.

import gdb

from kestrel import utils


class LxCmdline(gdb.Command):
    """Print the kernel command line as the kernel received it (kernel/cmdline.c: raw_line).

    lx-cmdline     (kcmdline is the same)"""

    def __init__(self, name="lx-cmdline"):
        super().__init__(name, gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        raw = utils.need("raw_line", "kernel/cmdline.c")
        gdb.write(utils.string(raw) + "\n")


class KConsoles(gdb.Command):
    """List the registered consoles (kernel/printk.c: console_list)."""

    def __init__(self):
        super().__init__("kconsoles", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        con = utils.need("console_list", "kernel/printk.c")
        while int(con) != 0:
            c = con.dereference()
            gdb.write("%s%d  at %s  write=%s\n" % (c["name"].string(), int(c["index"]),
                                                    con, c["write"]))
            con = c["next"]


class KTests(gdb.Command):
    """List the compiled-in ktests (the .ktests.* sections; the test kernel only)."""

    def __init__(self):
        super().__init__("ktests", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        start = utils.symbol("&__start_ktests")
        stop = utils.symbol("&__stop_ktests")
        if start is None or stop is None:
            raise utils.KError("ktests: __start_ktests/__stop_ktests not found")
        p = start.cast(utils.lookup_type("struct ktest").pointer())
        end = int(stop)
        while int(p) < end:
            gdb.write("%s.%s\n" % (p["suite"].string(), p["name"].string()))
            p += 1


def register():
    LxCmdline()
    LxCmdline("kcmdline")
    KConsoles()
    KTests()
