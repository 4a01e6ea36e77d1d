# tools/gdb/kestrel/vfs.py: files: lx-mounts, lx-fdtable, kdentry, kpagecache.

import stat

import gdb

from kestrel import utils

MNT_FLAGS = [(0x01, "nosuid"), (0x02, "nodev"), (0x04, "noexec"), (0x40, "ro"),
             (0x4000, "internal"), (0x1000000, "doomed")]
SB_RDONLY = 0x1


def fs_type(sb):
    return utils.string(sb["s_type"]["name"]) if int(sb) and int(sb["s_type"]) else "?"


class LxMounts(gdb.Command):
    """List the mounts, in mount order (fs/namespace.c: mount_list), as Linux's lx-mounts.

    lx-mounts

Per mount: the struct mount and super_block addresses, the device name,
where it is mounted, the file system type and the flags (rw/ro and MNT_*)."""

    def __init__(self):
        super().__init__("lx-mounts", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        gdb.write("%-18s %-18s %-12s %-24s %-10s %s\n" %
                  ("MOUNT", "SUPER_BLOCK", "DEVNAME", "PATH", "TYPE", "OPTIONS"))
        for m in utils.mount_list():
            sb = m["mnt"]["mnt_sb"]
            flags = int(m["mnt"]["mnt_flags"])
            ro = flags & 0x40 or int(sb["s_flags"]) & SB_RDONLY
            opts = ["ro" if ro else "rw"] + [n for bit, n in MNT_FLAGS if flags & bit and n != "ro"]
            path = utils.d_path(m["mnt"].address, m["mnt"]["mnt_root"])
            gdb.write("%#-18x %#-18x %-12s %-24s %-10s %s\n" %
                      (int(m), int(sb), utils.string(m["mnt_devname"]), path, fs_type(sb),
                       ",".join(opts)))


ACCMODE = {0: "r", 1: "w", 2: "rw", 3: "?"}
OPEN_FLAGS = [(0o2000, "append"), (0o4000, "nonblock"), (0o200000, "directory"),
              (0o400000, "nofollow"), (0o4010000, "sync"), (0o40000, "direct"),
              (0o10000000, "path")]


def file_flags(f):
    flags = int(f["f_flags"])
    names = [ACCMODE[flags & 3]] + [n for bit, n in OPEN_FLAGS if flags & bit == bit]
    return ",".join(names)


def test_bit(bitmap, nr):
    word = int(bitmap[nr // 64])
    return (word >> (nr % 64)) & 1


def inode_kind(inode):
    mode = int(inode["i_mode"])
    for test, name in ((stat.S_ISREG, "file"), (stat.S_ISDIR, "dir"), (stat.S_ISCHR, "chr"),
                       (stat.S_ISBLK, "blk"), (stat.S_ISFIFO, "fifo"), (stat.S_ISLNK, "link"),
                       (stat.S_ISSOCK, "sock")):
        if test(mode):
            return name
    return "?"


class LxFdtable(gdb.Command):
    """List a process's open file descriptors, as Linux's lx-fdtable.

    lx-fdtable PID|NAME|ADDRESS

Per descriptor: the number, the struct file, the open flags (r/w/rw,
append, nonblock...), cloexec, the position, the inode's number and kind,
and the path."""

    def __init__(self):
        super().__init__("lx-fdtable", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        task = utils.find_task(arg, "lx-fdtable")
        files = task["files"]
        if int(files) == 0:
            gdb.write("%d %s has no file table (a kernel thread, or exiting)\n" %
                      (int(task["pid"]), task["comm"].string()))
            return
        fdt = files["fdt"]
        gdb.write("%d %s: files_struct %#x, %d slots\n" %
                  (int(task["pid"]), task["comm"].string(), int(files), int(fdt["max_fds"])))
        gdb.write("%4s %-18s %-12s %7s %10s %8s %-5s %s\n" %
                  ("FD", "FILE", "FLAGS", "CLOEXEC", "POS", "INO", "KIND", "PATH"))
        for fd in range(int(fdt["max_fds"])):
            f = fdt["fd"][fd]
            if int(f) == 0:
                continue
            inode = f["f_inode"]
            gdb.write("%4d %#-18x %-12s %7s %10d %8d %-5s %s\n" %
                      (fd, int(f), file_flags(f),
                       "yes" if test_bit(fdt["close_on_exec"], fd) else "no",
                       int(f["f_pos"]), int(inode["i_ino"]) if int(inode) else 0,
                       inode_kind(inode) if int(inode) else "-", utils.file_path(f)))


def dentry_arg(arg, what):
    v = gdb.parse_and_eval(arg)
    t = v.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_STRUCT and t.tag == "dentry":
        return v.address
    if t.code == gdb.TYPE_CODE_PTR and t.target().strip_typedefs().tag == "dentry":
        return v
    if t.code in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_PTR):
        return v.cast(utils.lookup_type("struct dentry").pointer())
    raise utils.KError("%s: %s is not a dentry" % (what, arg))


class KDentry(gdb.Command):
    """Show a dentry's path and what it names.

    kdentry ADDRESS|EXPRESSION     (e.g. kdentry $lx_current().fs->pwd.dentry)

Its full path (through the first mount of its file system whose tree
holds it), its name and parent, its reference count and flags, and its
inode (number, kind, size) or that it is negative."""

    def __init__(self):
        super().__init__("kdentry", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise utils.KError("kdentry: which dentry? (an address or an expression)")
        d = dentry_arg(arg, "kdentry")
        gdb.write("%s\n" % utils.dentry_path(d))
        gdb.write("  dentry %#x name \"%s\" parent %#x count %d flags %#x sb %#x (%s)\n" %
                  (int(d), utils.dentry_name(d), int(d["d_parent"]),
                   int(d["d_lockref"]["count"]), int(d["d_flags"]), int(d["d_sb"]),
                   fs_type(d["d_sb"])))
        inode = d["d_inode"]
        if int(inode):
            gdb.write("  inode %#x ino %d %s mode %o size %d nlink %d pages cached %d\n" %
                      (int(inode), int(inode["i_ino"]), inode_kind(inode),
                       int(inode["i_mode"]) & 0o7777, int(inode["i_size"]),
                       int(inode["i_nlink"]), int(inode["i_mapping"]["nrpages"])))
        else:
            gdb.write("  negative (no inode)\n")


# ---------------------------------------------------------------- kpagecache

PG_FLAGS = ["locked", "uptodate", "dirty", "writeback", "lru", "private", "referenced",
            "error", "reclaim"]   # enum folio_flag_bits, include/kestrel/pagemap.h
XA_CHUNK_SHIFT = 5


XA_MARKS = "DWT"   # PAGECACHE_TAG_DIRTY, _WRITEBACK, _TOWRITE: XA_MARK_0..2


def xa_entries(xa):
    """(index, entry, marks) of every entry in an xarray (lib/xarray.c), in
    index order; marks is a string of XA_MARKS letters."""
    head = xa["xa_head"]
    if int(head) == 0:
        return
    node_t = utils.lookup_type("struct xa_node").pointer()
    stack = [(head.cast(node_t), 0)]
    while stack:
        node, base = stack.pop()
        shift = int(node["shift"])
        children = []
        for slot in range(1 << XA_CHUNK_SHIFT):
            entry = node["slots"][slot]
            if int(entry) == 0:
                continue
            index = base + (slot << shift)
            if shift == 0:
                marks = "".join(c for m, c in enumerate(XA_MARKS)
                                if int(node["marks"][m]) >> slot & 1)
                yield index, entry, marks
            else:
                children.append((entry.cast(node_t), index))
        stack.extend(reversed(children))


def inode_arg(arg):
    arg = arg.strip()
    if arg.startswith("/"):
        _, d = utils.lookup_path(arg)
        return d["d_inode"], arg
    v = gdb.parse_and_eval(arg)
    t = v.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR:
        tag = t.target().strip_typedefs().tag
        if tag == "dentry":
            return v["d_inode"], utils.dentry_path(v)
        if tag == "file":
            return v["f_inode"], utils.file_path(v)
    inode = v.cast(utils.lookup_type("struct inode").pointer()) \
        if t.code != gdb.TYPE_CODE_STRUCT else v.address
    return inode, None


class KPagecache(gdb.Command):
    """Show the folios a file has in the page cache.

    kpagecache PATH | INODE-ADDRESS | EXPRESSION (a struct inode, dentry or file)

PATH must be absolute and in the dentry cache. Prints each cached folio:
its page index, address, and flags (uptodate, dirty, writeback, locked...),
with the marks the cache's xarray carries (D dirty, W writeback, T towrite),
then the totals: cached, dirty, under writeback."""

    def __init__(self):
        super().__init__("kpagecache", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise utils.KError("kpagecache: which file? (a path or an inode)")
        inode, path = inode_arg(arg)
        if int(inode) == 0:
            raise utils.KError("kpagecache: %s has no inode" % arg)
        mapping = inode["i_mapping"]
        gdb.write("%s: inode %#x ino %d size %d, mapping %#x, nrpages %d\n" %
                  (path or "inode", int(inode), int(inode["i_ino"]), int(inode["i_size"]),
                   int(mapping), int(mapping["nrpages"])))
        folio_t = utils.lookup_type("struct folio").pointer()
        cached = dirty = writeback = 0
        for index, entry, marks in xa_entries(mapping["i_pages"]):
            folio = entry.cast(folio_t)
            flags = int(folio["flags"])
            names = [n for bit, n in enumerate(PG_FLAGS) if flags >> bit & 1]
            cached += 1
            dirty += flags >> 2 & 1
            writeback += flags >> 3 & 1
            gdb.write("  index %6d folio %#x %-32s marks %s\n" %
                      (index, int(folio), ",".join(names) or "-", marks or "-"))
        gdb.write("%d cached, %d dirty, %d under writeback\n" % (cached, dirty, writeback))


def register():
    LxMounts()
    LxFdtable()
    KDentry()
    KPagecache()
