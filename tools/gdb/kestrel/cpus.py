# tools/gdb/kestrel/cpus.py: per-CPU data: $lx_per_cpu() and krunq.
#
# Kestrel's per-CPU data is one struct percpu per CPU (percpu_areas[],
# include/kestrel/percpu.h) plus arrays indexed by CPU number that
# subsystems keep themselves (runqueues[] in kernel/sched/core.c...).

import gdb

from kestrel import utils


class LxPerCpu(gdb.Function):
    """$lx_per_cpu(NAME [, CPU]): CPU's copy of per-CPU variable NAME
(default CPU: the selected thread's). NAME is a field of struct percpu
("current_task", "preempt_count", "need_resched"...) or a variable that is
an array indexed by CPU ("runqueues", "cpu_held_locks"...), given as a
string: `p $lx_per_cpu("preempt_count", 1)`, `p $lx_per_cpu("runqueues").nr_running`."""

    def __init__(self):
        super().__init__("lx_per_cpu")

    def invoke(self, name, cpu=None):
        name = name.string() if name.type.code in (gdb.TYPE_CODE_ARRAY, gdb.TYPE_CODE_PTR) \
            else str(name)
        c = utils.selected_cpu() if cpu is None else int(cpu)
        if c < 0 or c >= utils.NR_CPUS:
            raise utils.KError("$lx_per_cpu: no CPU %d" % c)
        area = utils.percpu(c)
        if name in [f.name for f in area.type.fields()]:
            return area[name]
        if name in [f.name for f in area["arch"].type.fields()]:
            return area["arch"][name]
        var = utils.symbol(name)
        if var is None or var.type.strip_typedefs().code != gdb.TYPE_CODE_ARRAY:
            raise utils.KError("$lx_per_cpu: %s is neither a field of struct percpu nor an "
                               "array indexed by CPU" % name)
        return var[c]


class KRunq(gdb.Command):
    """Show each CPU's run queue (kernel/sched/core.c, runqueues[]).

    krunq [CPU]

Per CPU: the running task, the number runnable, min_vruntime, the
switches so far, then the queued tasks in the order they will run
(smallest vruntime first) with their vruntime relative to min_vruntime."""

    def __init__(self):
        super().__init__("krunq", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        rqs = utils.need("runqueues", "kernel/sched/core.c")
        cpus = [utils.cpu_arg(arg, "krunq")] if arg.strip() else range(utils.NR_CPUS)
        for cpu in cpus:
            rq = rqs[cpu]
            if not bool(rq["active"]):
                continue
            curr = rq["curr"]
            gdb.write("CPU %d: nr_running %d, min_vruntime %d, switches %d\n" %
                      (cpu, int(rq["nr_running"]), int(rq["min_vruntime"]),
                       int(rq["nr_switches"])))
            if int(curr):
                gdb.write("  running: %5d %-16s vruntime %+d\n" %
                          (int(curr["pid"]), curr["comm"].string(),
                           int(curr["vruntime"]) - int(rq["min_vruntime"])))
            n = 0
            for t in utils.list_for_each_entry(rq["queue"], "struct task_struct", "run_node"):
                gdb.write("  queued:  %5d %-16s vruntime %+d nice %d\n" %
                          (int(t["pid"]), t["comm"].string(),
                           int(t["vruntime"]) - int(rq["min_vruntime"]), int(t["nice"])))
                n += 1
            if not n:
                gdb.write("  (nothing queued)\n")


def register():
    LxPerCpu()
    KRunq()
