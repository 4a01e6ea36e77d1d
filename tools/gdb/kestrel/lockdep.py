# tools/gdb/kestrel/lockdep.py: kheld, the locks each task holds, from the
# lock validator's records (kernel/locking/lockdep.c: task->held_locks).

import gdb

from kestrel import utils

READ_KIND = {0: "exclusive", 1: "shared", 2: "shared, recursive"}


def lock_name(hl):
    m = hl["map"]
    name = utils.string(m["name"]) if int(m) else "?"
    cls = hl["class"]
    if int(cls):
        cname = utils.string(cls["name"])
        sub = int(cls["subclass"])
        if cname and cname != name:
            name += " (class %s)" % cname
        if sub:
            name += "/%d" % sub
    return name


def print_held(h, indent="  "):
    depth = int(h["depth"])
    for i in range(depth):
        hl = h["stack"][i]
        flags = READ_KIND.get(int(hl["read"]), "?")
        if int(hl["trylock"]):
            flags += ", trylock"
        if int(hl["hardirq"]):
            flags += ", in hardirq"
        gdb.write("%s#%d: %s at %#x [%s], acquired at %s\n" %
                  (indent, i, lock_name(hl), int(hl["map"]), flags,
                   utils.describe_pc(int(hl["ip"]), ret=True)))
    return depth


class KHeld(gdb.Command):
    """Show the locks every task holds, as the lock validator recorded them.

    kheld [PID|NAME]

Per task holding any lock: its pid, name and state, then each lock from
the outermost: its name (and class), its lockdep_map address, how it is
held (exclusive/shared, trylock, in an interrupt handler), and where it
was acquired. Also the locks a CPU took before it had a task
(cpu_held_locks). Needs the validator (CONFIG_LOCKDEP, not lockdep=off)."""

    def __init__(self):
        super().__init__("kheld", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if utils.symbol("debug_locks") is not None and not int(utils.symbol("debug_locks")):
            gdb.write("kheld: the validator is off (lockdep=off, or it reported): "
                      "what it recorded may be stale\n")
        tasks = [utils.find_task(arg, "kheld")] if arg.strip() else utils.for_each_task()
        total = 0
        for t in tasks:
            h = t["held_locks"]
            if int(h["depth"]) == 0:
                continue
            gdb.write("%d %s (%s, CPU %d) holds %d lock%s:\n" %
                      (int(t["pid"]), t["comm"].string(), utils.task_state(t), int(t["cpu"]),
                       int(h["depth"]), "" if int(h["depth"]) == 1 else "s"))
            total += print_held(h)
        if not arg.strip():
            cpu_locks = utils.symbol("cpu_held_locks", "kernel/locking/lockdep.c")
            if cpu_locks is not None:
                for cpu in range(cpu_locks.type.range()[1] + 1):
                    if int(cpu_locks[cpu]["depth"]):
                        gdb.write("CPU %d (before its first task):\n" % cpu)
                        total += print_held(cpu_locks[cpu])
        if not total:
            gdb.write("no locks held\n")


def register():
    KHeld()
