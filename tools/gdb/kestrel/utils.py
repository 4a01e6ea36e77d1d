# tools/gdb/kestrel/utils.py: what every Kestrel gdb command needs: types,
# lists and trees, tasks, CPUs, symbols and paths, read from the kernel's
# memory through gdb (QEMU's stub or the kernel's own, kernel/debug/).
#
# Everything is read from the stopped kernel with gdb's expression
# evaluator, so the helpers follow the structs as the ELF's debug
# information describes them: a field renamed in C breaks a helper with a
# clear "There is no member named" error, never silently.

import gdb

NR_CPUS = 64
PID_MAX_DEFAULT = 32768   # include/kestrel/pid.h; the stub's idle-task thread ids start here


class KError(gdb.GdbError):
    pass


_types = {}


def lookup_type(name):
    """A type by name ("struct task_struct"), cached."""
    t = _types.get(name)
    if t is None:
        try:
            t = gdb.lookup_type(name)
        except gdb.error:
            raise KError("type %s is not in the kernel's debug information" % name)
        _types[name] = t
    return t


def clear_type_cache(event=None):
    _types.clear()


gdb.events.new_objfile.connect(clear_type_cache)


def symbol(name, filename=None):
    """A kernel variable by name, or None. A static is looked up in its
    file first (filename, e.g. "kernel/printk.c"): another file may have
    a static of the same name."""
    names = ["'%s'::%s" % (filename, name)] if filename else []
    for n in names + [name]:
        try:
            return gdb.parse_and_eval(n)
        except gdb.error:
            pass
    return None


def need(name, filename=None):
    v = symbol(name, filename)
    if v is None:
        raise KError("%s is not in the kernel's symbols" % name)
    return v


def container_of(ptr, typename, member):
    """The struct typename holding ptr as its member."""
    t = lookup_type(typename)
    offset = 0
    for f in t.fields():
        if f.name == member:
            offset = f.bitpos // 8
            break
    else:
        raise KError("%s has no member %s" % (typename, member))
    return gdb.Value(int(ptr) - offset).cast(t.pointer())


def list_for_each_entry(head, typename, member):
    """Each typename on the list_head head (a value or pointer), linked by member."""
    if head.type.code == gdb.TYPE_CODE_PTR:
        head = head.dereference()
    first = int(head.address)
    node = head["next"]
    seen = 0
    while int(node) != first:
        if int(node) == 0:
            raise KError("list at %#x is broken (NULL next)" % first)
        yield container_of(node, typename, member)
        node = node["next"]
        seen += 1
        if seen > 1000000:
            raise KError("list at %#x does not end" % first)


def rb_first(root):
    node = root["rb_node"]
    if int(node) == 0:
        return None
    while int(node["rb_left"]):
        node = node["rb_left"]
    return node


def rb_next(node):
    if int(node["rb_right"]):
        node = node["rb_right"]
        while int(node["rb_left"]):
            node = node["rb_left"]
        return node
    parent = node["rb_parent"]
    while int(parent) and int(node) == int(parent["rb_right"]):
        node = parent
        parent = node["rb_parent"]
    return parent if int(parent) else None


def rb_for_each(root):
    """The nodes of an rb_root, in order (include/kestrel/rbtree.h)."""
    node = rb_first(root)
    while node is not None:
        yield node
        node = rb_next(node)


def string(ptr, limit=256):
    """A C string at a char * (or array), "" for NULL, "<bad>" if unreadable."""
    try:
        if ptr.type.code == gdb.TYPE_CODE_PTR and int(ptr) == 0:
            return ""
        # Up to the NUL (a length would read past it, NULs included).
        return ptr.string("utf-8", "replace").split("\0")[0][:limit]
    except gdb.MemoryError:
        return "<bad %#x>" % int(ptr.address if ptr.type.code == gdb.TYPE_CODE_ARRAY else ptr)


def read_u64(addr):
    data = gdb.selected_inferior().read_memory(addr, 8)
    return int.from_bytes(bytes(data), "little")


# ---------------------------------------------------------------- CPUs and tasks

def percpu(cpu):
    return need("percpu_areas")[cpu]


def online_cpus():
    areas = need("percpu_areas")
    return [c for c in range(NR_CPUS) if bool(areas[c]["online"])]


def kgdb_attached():
    """True when gdb talks to the kernel's own stub (kernel/debug/), which
    shows every task as a thread; False under QEMU's stub, whose threads
    are the CPUs."""
    v = symbol("kgdb_active")
    try:
        return v is not None and int(v) >= 0
    except gdb.MemoryError:
        return False


def selected_cpu():
    """The CPU of gdb's selected thread."""
    thread = gdb.selected_thread()
    if thread is None:
        raise KError("no thread selected (is gdb attached?)")
    tid = thread.ptid[1] or thread.ptid[2]
    if kgdb_attached():
        task = task_by_tid(tid)
        if task is None:
            raise KError("thread %d is no task" % tid)
        return int(task["cpu"])
    return tid - 1   # QEMU numbers its vCPU threads from 1


def cpu_arg(arg, what):
    if arg is None or (isinstance(arg, str) and not arg.strip()):
        return selected_cpu()
    cpu = int(gdb.parse_and_eval(arg)) if isinstance(arg, str) else int(arg)
    if cpu < 0 or cpu >= NR_CPUS:
        raise KError("%s: no CPU %d" % (what, cpu))
    return cpu


def current_task(cpu):
    return percpu(cpu)["current_task"]


def for_each_task():
    """Every task on the kernel's task list (idle tasks included)."""
    return list_for_each_entry(need("task_list"), "struct task_struct", "tasks")


def task_tid(task):
    """The thread id the kernel's gdb stub gives a task (idle tasks have pid 0)."""
    pid = int(task["pid"])
    return pid if pid > 0 else PID_MAX_DEFAULT + int(task["cpu"])


def task_by_tid(tid):
    for t in for_each_task():
        if task_tid(t) == tid:
            return t
    return None


def find_task(arg, what):
    """A task by pid, by name (the first whose comm is arg), or by a gdb
    expression giving a pid or a task_struct pointer ($lx_current().pid)."""
    arg = arg.strip()
    if not arg:
        raise KError("%s: which task? (a pid, a name, or a task_struct address)" % what)
    try:
        pid = int(arg)
    except ValueError:
        pid = None
        for t in for_each_task():
            if t["comm"].string() == arg:
                return t
        try:
            v = gdb.parse_and_eval(arg)
        except gdb.error:
            raise KError("%s: no task named %s" % (what, arg))
        t = v.type.strip_typedefs()
        if t.code == gdb.TYPE_CODE_PTR and t.target().strip_typedefs().tag == "task_struct":
            return v
        if t.code == gdb.TYPE_CODE_STRUCT and t.tag == "task_struct":
            return v.address
        pid = int(v)
    for t in for_each_task():
        if int(t["pid"]) == pid and pid > 0:
            return t
    raise KError("%s: no task with pid %d" % (what, pid))


TASK_RUNNING = 0x0000
TASK_INTERRUPTIBLE = 0x0001
TASK_UNINTERRUPTIBLE = 0x0002
TASK_STOPPED = 0x0004
TASK_DEAD = 0x0080
TASK_NEW = 0x0800
EXIT_ZOMBIE = 0x0020
EXIT_DEAD = 0x0010


def task_state(task):
    """ps's letter: R S D T Z X N (kernel/sched/core.c task_state_char, plus zombies)."""
    s = int(task["state"])
    exit_state = int(task["exit_state"])
    if exit_state & EXIT_ZOMBIE:
        return "Z"
    if exit_state & EXIT_DEAD or s & TASK_DEAD:
        return "X"
    if s == TASK_RUNNING:
        return "R"
    if s & TASK_NEW:
        return "N"
    if s & TASK_UNINTERRUPTIBLE:
        return "D"
    if s & TASK_INTERRUPTIBLE:
        return "S"
    if s & TASK_STOPPED:
        return "T"
    return "?"


# A switched-out task's stack (arch/x86/kernel/switch_to.S): thread.sp
# points at the registers __switch_to_asm pushed, then its return address.
SWITCH_FRAME = ("r15", "r14", "r13", "r12", "rbx", "rbp")


def switched_out_regs(task):
    """The callee-saved registers, rsp and rip a task sleeps with."""
    sp = int(task["thread"]["sp"])
    regs = {}
    for i, name in enumerate(SWITCH_FRAME):
        regs[name] = read_u64(sp + 8 * i)
    regs["rip"] = read_u64(sp + 8 * len(SWITCH_FRAME))
    regs["rsp"] = sp + 8 * (len(SWITCH_FRAME) + 1)
    return regs


def task_on_cpu(task):
    """The CPU a task runs on right now, or None if it is switched out."""
    cpu = int(task["cpu"])
    if int(percpu(cpu)["current_task"]) == int(task):
        return cpu
    return None


THREAD_SIZE = 16384


def stack_trace(task, depth=16):
    """Return addresses of a switched-out task, innermost first (frame
    pointers; the chain only goes up the stack, at most THREAD_SIZE)."""
    regs = switched_out_regs(task)
    out = [regs["rip"]]
    rbp = regs["rbp"]
    lo = regs["rsp"]
    hi = lo + THREAD_SIZE
    while len(out) < depth and lo <= rbp < hi and rbp % 8 == 0:
        try:
            ret = read_u64(rbp + 8)
            nxt = read_u64(rbp)
        except gdb.MemoryError:
            break
        if ret == 0:
            break
        out.append(ret)
        if nxt <= rbp:
            break
        rbp = nxt
    return out


def _function_blocks(pc):
    """The function blocks at pc, innermost (maybe inlined) first, the real
    function last."""
    out = []
    try:
        block = gdb.block_for_pc(pc)
    except RuntimeError:
        return out
    while block is not None and not block.is_static and not block.is_global:
        if block.function is not None:
            out.append(block)
        block = block.superblock
    return out


def describe_pc(pc, with_line=True, ret=False):
    """`function+0xoff (file:line)` for a code address, as an oops prints
    it: the real (not inlined) function and the offset in it; the line is
    the innermost inlined code's. ret: pc is a return address (the call is
    the byte before it)."""
    look = pc - 1 if ret else pc
    blocks = _function_blocks(look)
    if blocks:
        real = blocks[-1]
        name = "%s+%#x" % (real.function.print_name, pc - int(real.start))
    else:
        sym = gdb.execute("info symbol %#x" % pc, to_string=True).strip()
        name = sym.split(" in section")[0].replace(" + ", "+") if "No symbol" not in sym \
            else "%#x" % pc
    if with_line:
        sal = gdb.find_pc_line(look)
        if sal.symtab is not None:
            name += " (%s:%d)" % (sal.symtab.filename, sal.line)
    return name


def function_of(pc):
    """(name, file) of the innermost function (inlined ones included) at pc."""
    blocks = _function_blocks(pc)
    if not blocks:
        return None, None
    fn = blocks[0].function
    return fn.print_name, fn.symtab.filename


def line_of(pc):
    sal = gdb.find_pc_line(pc)
    return "%s:%d" % (sal.symtab.filename, sal.line) if sal.symtab is not None else "?"


# Functions a sleeping task passes through on its way into the scheduler:
# the wait channel is the first frame that is none of them.
SCHED_FILES = ("kernel/sched/core.c", "kernel/sched/wait.c", "kernel/sched/idle.c")
SCHED_FUNCTIONS = ("schedule_timeout", "schedule_timeout_interruptible",
                   "schedule_timeout_uninterruptible", "schedule_timeout_killable",
                   "__switch_to_asm")


def wchan(task, depth=16):
    """What a sleeping task waits in: `function (file:line) <- caller`, the
    first function of its stack outside the scheduler (inlined ones count)."""
    trace = stack_trace(task, depth)
    # Return addresses: the call is the byte before (after a call that
    # does not return, the address is already the next function's).
    for i, pc in enumerate(trace):
        fn, filename = function_of(pc - 1)
        if fn is None or fn in SCHED_FUNCTIONS or (filename or "").endswith(SCHED_FILES):
            continue
        where = "%s (%s)" % (fn, line_of(pc - 1))
        if i + 1 < len(trace):
            caller, _ = function_of(trace[i + 1] - 1)
            if caller:
                where += " <- " + caller
        return where
    return describe_pc(trace[0], ret=True) if trace else "?"


# ---------------------------------------------------------------- paths

def mount_list():
    return list_for_each_entry(need("mount_list", "fs/namespace.c"), "struct mount", "mnt_list")


def mount_of_vfsmount(vfsmnt):
    return container_of(vfsmnt, "struct mount", "mnt")


def dentry_name(d):
    return string(d["d_name"]["name"])


def dentry_path_in_sb(d):
    """The path of a dentry from the root of its own file system."""
    parts = []
    seen = 0
    while int(d["d_parent"]) != int(d):
        parts.append(dentry_name(d))
        d = d["d_parent"]
        seen += 1
        if seen > 256:
            return "<loop>"
    return "/" + "/".join(reversed(parts))


def d_path(mnt, dentry):
    """The path of (vfsmount, dentry) from the root of the mount tree (fs/d_path)."""
    m = mount_of_vfsmount(mnt)
    parts = []
    guard = 0
    while True:
        root = int(m["mnt"]["mnt_root"])
        while int(dentry) != root and int(dentry["d_parent"]) != int(dentry):
            parts.append(dentry_name(dentry))
            dentry = dentry["d_parent"]
        parent = m["mnt_parent"]
        if int(parent) == int(m) or int(parent) == 0:
            break
        dentry = m["mnt_mountpoint"]
        m = parent
        guard += 1
        if guard > 64:
            break
    return "/" + "/".join(reversed(parts))


def dentry_path(dentry):
    """A dentry's full path: through the first mount of its super block whose
    root is above it (the dentry alone does not say which mount it was
    reached through)."""
    sb = int(dentry["d_sb"])
    for m in mount_list():
        if int(m["mnt"]["mnt_sb"]) != sb:
            continue
        d = dentry
        root = int(m["mnt"]["mnt_root"])
        while int(d) != root and int(d["d_parent"]) != int(d):
            d = d["d_parent"]
        if int(d) == root:
            return d_path(m["mnt"].address, dentry)
    return dentry_path_in_sb(dentry)


def file_path(f):
    return d_path(f["f_path"]["mnt"], f["f_path"]["dentry"])


def root_mount():
    for m in mount_list():
        if int(m["mnt_parent"]) == int(m):
            return m
    raise KError("no root mount on mount_list")


def lookup_child(dentry, name):
    for child in list_for_each_entry(dentry["d_subdirs"], "struct dentry", "d_child"):
        if dentry_name(child) == name and int(child["d_inode"]):
            return child
    return None


def mounted_here(m, dentry):
    for child in mount_list():
        if int(child["mnt_parent"]) == int(m) and int(child["mnt_mountpoint"]) == int(dentry) \
                and int(child) != int(m):
            return child
    return None


def lookup_path(path):
    """(mount, dentry) of an absolute path, through the dentry cache only
    (what was never looked up is not found, as gdb cannot call the kernel)."""
    if not path.startswith("/"):
        raise KError("%s: not an absolute path" % path)
    m = root_mount()
    d = m["mnt"]["mnt_root"]
    for part in [p for p in path.split("/") if p and p != "."]:
        while True:
            top = mounted_here(m, d)
            if top is None:
                break
            m, d = top, top["mnt"]["mnt_root"]
        if part == "..":
            if int(d) == int(m["mnt"]["mnt_root"]) and int(m["mnt_parent"]) != int(m):
                d, m = m["mnt_mountpoint"], m["mnt_parent"]
            d = d["d_parent"]
            continue
        child = lookup_child(d, part)
        if child is None:
            raise KError("%s: %s is not in the dentry cache" % (path, part))
        d = child
    while True:
        top = mounted_here(m, d)
        if top is None:
            break
        m, d = top, top["mnt"]["mnt_root"]
    return m, d
