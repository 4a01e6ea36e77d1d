# tools/gdb/kestrel/tasks.py: tasks: lx-ps, lx-current, $lx_current(),
# $lx_task_by_pid(), and ktask, which shows a sleeping task's stack.

import gdb

from kestrel import utils


class LxPs(gdb.Command):
    """List every task (Linux's lx-ps, with more columns).

    lx-ps

TASK is the task_struct's address; PID the thread id, TGID the process;
ST the state (R runnable, S sleeping, D uninterruptible, T stopped,
Z zombie, X dead, N new; * = running on its CPU now); CPU the CPU it runs
on or last ran on; WAITS IN, for a task that is switched out, the first
function of its stack outside the scheduler, with its line and caller."""

    def __init__(self):
        super().__init__("lx-ps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        gdb.write("%-18s %5s %5s %-2s %3s %-16s %s\n" %
                  ("TASK", "PID", "TGID", "ST", "CPU", "COMM", "WAITS IN"))
        for t in utils.for_each_task():
            on_cpu = utils.task_on_cpu(t)
            state = utils.task_state(t) + ("*" if on_cpu is not None else "")
            if on_cpu is not None:
                waits = "-"
            elif utils.task_state(t) == "R":
                waits = "(runnable) " + utils.wchan(t)
            elif utils.task_state(t) in "XZ":
                waits = "-"
            else:
                try:
                    waits = utils.wchan(t)
                except gdb.MemoryError:
                    waits = "?"
            gdb.write("%#-18x %5d %5d %-2s %3d %-16s %s\n" %
                      (int(t), int(t["pid"]), int(t["tgid"]), state, int(t["cpu"]),
                       t["comm"].string(), waits))


class LxCurrent(gdb.Command):
    """Show the task running on a CPU (default: the selected thread's CPU).

    lx-current [CPU]"""

    def __init__(self):
        super().__init__("lx-current", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cpu = utils.cpu_arg(arg, "lx-current")
        t = utils.current_task(cpu)
        if int(t) == 0:
            raise utils.KError("lx-current: CPU %d has no task yet" % cpu)
        gdb.write("CPU %d: %s pid %d (%#x)\n" % (cpu, t["comm"].string(), int(t["pid"]), int(t)))


class LxCurrentFunc(gdb.Function):
    """$lx_current([CPU]): the task_struct running on CPU (default: the
selected thread's), e.g. `p $lx_current().comm`, `p *$lx_current(1)`."""

    def __init__(self):
        super().__init__("lx_current")

    def invoke(self, cpu=None):
        c = utils.selected_cpu() if cpu is None else int(cpu)
        return utils.current_task(c).dereference()


class LxTaskByPid(gdb.Function):
    """$lx_task_by_pid(PID): the task_struct of PID, e.g. `p $lx_task_by_pid(1).comm`."""

    def __init__(self):
        super().__init__("lx_task_by_pid")

    def invoke(self, pid):
        for t in utils.for_each_task():
            if int(t["pid"]) == int(pid):
                return t.dereference()
        raise utils.KError("no task with pid %d" % int(pid))


# ---------------------------------------------------------------- ktask

SAVED_REGS = ("rip", "rsp", "rbp", "rbx", "r12", "r13", "r14", "r15")


class _Saved:
    thread = None   # the gdb thread whose registers ktask changed
    regs = None     # their real values
    task = None


def restore(quiet=True):
    """Put back the registers ktask changed (before the kernel runs on)."""
    if _Saved.regs is None:
        return False
    thread = _Saved.thread
    if thread is not None and thread.is_valid():
        old = gdb.selected_thread()
        thread.switch()
        gdb.execute("frame 0", to_string=True)
        for name in SAVED_REGS:
            gdb.execute("set $%s = %#x" % (name, _Saved.regs[name]), to_string=True)
        if old is not None and old.is_valid() and old != thread:
            old.switch()
    if not quiet:
        gdb.write("ktask: registers of CPU thread %d restored\n" % thread.num)
    _Saved.regs = _Saved.thread = _Saved.task = None
    return True


def select_cpu_thread(cpu):
    for thread in gdb.selected_inferior().threads():
        if thread.ptid[1] == cpu + 1:
            thread.switch()
            return thread
    raise utils.KError("no gdb thread for CPU %d" % cpu)


def select_task_thread(tid):
    for thread in gdb.selected_inferior().threads():
        if thread.ptid[1] == tid or thread.ptid[2] == tid:
            thread.switch()
            return thread
    raise utils.KError("the stub lists no thread %d" % tid)


class KTask(gdb.Command):
    """Show a task's stack: make gdb's frame that of a task, so `bt`, `frame N`
and `info locals` show where it runs or sleeps.

    ktask PID|NAME|ADDRESS      switch to that task
    ktask                       back to the registers of the CPU (also done
                                by continue, step, next, finish, detach...)

A task running on a CPU: gdb selects that CPU's thread. A switched-out task
(sleeping or waiting for its turn): under QEMU's stub, ktask loads the
registers __switch_to_asm saved on its stack (rip, rsp, rbp, rbx, r12-r15)
into the selected CPU's thread and keeps the real ones, which go back
before the kernel runs again; the caller-saved registers are meaningless
there. Under the kernel's own stub (kgdb), where every task is a thread,
ktask selects the task's thread."""

    def __init__(self):
        super().__init__("ktask", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        if not arg.strip() or arg.strip() in ("-r", "restore"):
            if not restore(quiet=False):
                gdb.write("ktask: no task selected\n")
            return
        restore()
        task = utils.find_task(arg, "ktask")
        name = "%s (pid %d)" % (task["comm"].string(), int(task["pid"]))
        if utils.kgdb_attached():
            select_task_thread(utils.task_tid(task))
            gdb.write("ktask: thread of %s\n" % name)
        else:
            cpu = utils.task_on_cpu(task)
            if cpu is not None:
                select_cpu_thread(cpu)
                gdb.write("ktask: %s runs on CPU %d: its thread selected\n" % (name, cpu))
            else:
                self.load_switched_out(task, name)
        gdb.execute("frame 0")

    def load_switched_out(self, task, name):
        regs = utils.switched_out_regs(task)
        thread = gdb.selected_thread()
        gdb.execute("frame 0", to_string=True)
        frame = gdb.selected_frame()
        saved = {r: int(frame.read_register(r)) & 0xffffffffffffffff for r in SAVED_REGS}
        _Saved.thread, _Saved.regs, _Saved.task = thread, saved, int(task)
        for r in SAVED_REGS:
            gdb.execute("set $%s = %#x" % (r, regs[r]), to_string=True)
        gdb.write("ktask: %s, switched out (state %s): its saved registers loaded into "
                  "CPU thread %d (`ktask` alone restores them)\n"
                  % (name, utils.task_state(task), thread.num))


class KTaskRestore(gdb.Command):
    """Internal: restore the registers ktask changed (run by the hooks)."""

    def __init__(self):
        super().__init__("ktask-restore", gdb.COMMAND_MAINTENANCE)

    def invoke(self, arg, from_tty):
        restore()


def register():
    LxPs()
    LxCurrent()
    LxCurrentFunc()
    LxTaskByPid()
    KTask()
    KTaskRestore()
    # The kernel must never run on with a sleeping task's registers.
    for cmd in ("continue", "step", "next", "stepi", "nexti", "finish", "until",
                "advance", "jump", "signal", "detach", "kill", "disconnect"):
        gdb.execute("define hook-%s\nktask-restore\nend" % cmd)
    gdb.events.exited.connect(lambda e: setattr(_Saved, "regs", None))
