# tools/gdb/kestrel/dmesg.py: the kernel log: dmesg and lx-dmesg.

import gdb

from kestrel import utils

PRINTK = "kernel/printk.c"


class Dmesg(gdb.Command):
    """Print the kernel log ring (kernel/printk.c: log_buf, log_head, log_len).

    dmesg

Each line is shown as "<L>text", L being its printk level."""

    def __init__(self):
        super().__init__("dmesg", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        buf = utils.need("log_buf", PRINTK)
        head = int(utils.need("log_head", PRINTK))
        length = int(utils.need("log_len", PRINTK))
        size = buf.type.sizeof
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


class LxDmesg(gdb.Command):
    """Print the kernel log with time stamps, as Linux's lx-dmesg and dmesg(1).

    lx-dmesg

Reads the record ring /dev/kmsg reads (kernel/printk.c: rec_buf; each
record a struct rec_hdr, then its text), oldest first, as
"[seconds.micros] text", and the line still being built (line_buf)."""

    HDR = 24   # struct rec_hdr: u64 seq, u64 ts_ns, u16 len, u8 level, u8 pad[5]

    def __init__(self):
        super().__init__("lx-dmesg", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        buf = utils.need("rec_buf", PRINTK)
        size = buf.type.sizeof
        head = int(utils.need("rec_head", PRINTK))
        used = int(utils.need("rec_used", PRINTK))
        if utils.lookup_type("struct rec_hdr").sizeof != self.HDR:
            raise utils.KError("lx-dmesg: struct rec_hdr changed size; update this helper")
        raw = bytes(gdb.selected_inferior().read_memory(int(buf.address), size))
        ring = raw[head:] + raw[:head]
        off = 0
        out = []
        while off + self.HDR <= used:
            hdr = ring[off:off + self.HDR]
            ts = int.from_bytes(hdr[8:16], "little")
            n = int.from_bytes(hdr[16:18], "little")
            text = ring[off + self.HDR:off + self.HDR + n].decode("utf-8", "replace")
            out.append("[%5d.%06d] %s\n" % (ts // 10**9, ts % 10**9 // 1000, text))
            off += self.HDR + n
        pending = int(utils.need("line_len", PRINTK))
        if pending:
            text = bytes(gdb.selected_inferior().read_memory(
                int(utils.need("line_buf", PRINTK).address), pending)).decode("utf-8", "replace")
            ts = int(utils.need("line_ts", PRINTK))
            out.append("[%5d.%06d] %s\n" % (ts // 10**9, ts % 10**9 // 1000, text))
        gdb.write("".join(out))


def register():
    Dmesg()
    LxDmesg()
