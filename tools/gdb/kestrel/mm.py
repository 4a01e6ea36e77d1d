# tools/gdb/kestrel/mm.py: address spaces: kvmas.

import gdb

from kestrel import utils

VM_FLAGS = [
    (0x1, "read"), (0x2, "write"), (0x4, "exec"), (0x8, "shared"),
    (0x10, "mayread"), (0x20, "maywrite"), (0x40, "mayexec"), (0x80, "mayshare"),
    (0x100, "growsdown"), (0x400, "pfnmap"), (0x2000, "locked"), (0x4000, "io"),
    (0x20000, "dontcopy"), (0x40000, "dontexpand"), (0x200000, "noreserve"),
    (0x2000000, "wipeonfork"), (0x10000000, "mixedmap"),
]


def perms(flags):
    return "%s%s%s%s" % ("r" if flags & 1 else "-", "w" if flags & 2 else "-",
                         "x" if flags & 4 else "-", "s" if flags & 8 else "p")


def flag_names(flags):
    names = [n for bit, n in VM_FLAGS if flags & bit and bit > 8]
    rest = flags & ~sum(bit for bit, _ in VM_FLAGS)
    if rest:
        names.append("%#x" % rest)
    return ",".join(names)


def vma_label(vma, mm):
    if int(vma["vm_file"]):
        return utils.file_path(vma["vm_file"])
    start, end = int(vma["vm_start"]), int(vma["vm_end"])
    if int(mm["start_brk"]) and start <= int(mm["brk"]) and end >= int(mm["start_brk"]):
        return "[heap]"
    if start <= int(mm["start_stack"]) <= end:
        return "[stack]"
    ops = vma["vm_ops"]
    if int(ops):
        return "(ops %s)" % utils.describe_pc(int(ops), with_line=False)
    return ""


class KVmas(gdb.Command):
    """List a process's memory mappings (VMAs), like /proc/PID/maps with more.

    kvmas PID|NAME|ADDRESS

Per VMA: its address, start-end, permissions (rwx, p private / s shared),
the offset in the file, the other VM_* flags, and the file's path,
[heap], [stack], or the ops table of a special mapping."""

    def __init__(self):
        super().__init__("kvmas", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        task = utils.find_task(arg, "kvmas")
        mm = task["mm"]
        if int(mm) == 0:
            gdb.write("%d %s is a kernel thread: no address space\n" %
                      (int(task["pid"]), task["comm"].string()))
            return
        gdb.write("%d %s: mm %#x, %d VMAs, pgd %#x\n" %
                  (int(task["pid"]), task["comm"].string(), int(mm), int(mm["map_count"]),
                   int(mm["pgd"])))
        for node in utils.rb_for_each(mm["mm_rb"]):
            vma = utils.container_of(node, "struct vm_area_struct", "vm_rb")
            flags = int(vma["vm_flags"])
            gdb.write("%#x %016x-%016x %s %08x %-28s %s\n" %
                      (int(vma), int(vma["vm_start"]), int(vma["vm_end"]), perms(flags),
                       int(vma["vm_pgoff"]) * 4096, flag_names(flags), vma_label(vma, mm)))


def register():
    KVmas()
