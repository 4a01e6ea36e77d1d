#!/usr/bin/env python3
"""Turn the spec's locking tables into data: include/kestrel/contract/spec.h.

    tools/gen-locking-spec.py SPEC [OUT]     write OUT (default: the header)
    tools/gen-locking-spec.py --check SPEC   exit 1 if the header is stale

SPEC is Linux's Documentation/filesystems/locking.rst (the project's copy:
/work/shared/seeds/001_520c5f1914bf787a.txt). For every section with a
prototypes block, the generator reads the op names of its locking table
and, for each op and each lock column of the table, the cell, turned into
one state:

    HELD_EXCL    "exclusive", "write"                 lockdep_assert_held_write
    HELD_SHARED  "shared", "read"                     lockdep_assert_held_read
    HELD         "yes", "yes (both)", "read/write"    lockdep_assert_held / folio locked
    NOT_HELD     "no ..."                             lockdep_assert_not_held
    MAYBE        "maybe", "maybe-read", "no or ..."   nothing to assert
    LOCKS        "locks the folio"                    the op returns it locked
    UNSTATED     empty cell                           nothing to assert
plus the flags UNLOCKS ("yes, unlocks": the op unlocks) and RETURNS_LOCKED
("can return with page locked"); and whether the op may block: from the
table's "may block" column, else from the section's "all may block" line
(with its "except" list), else from the text, as INFERRED says.

The copy of the spec has lost the column alignment of its tables (runs
of spaces are one space), so a row with fewer cells than columns cannot
say which columns its cells belong to: PLACEMENT below says, for every
such row, from the original table's layout. A row that needs placement
and has none stops the generator, as does a row whose cells do not parse.

The output is committed; tests/integration/locking_spec.sh regenerates it
from the spec and fails if it differs, then runs tools/check-locking-spec.py,
which compares it with the wrapper bodies and docs/locking.md.
"""
import os
import re
import sys

HEADER = os.path.join("include", "kestrel", "contract", "spec.h")

# Rows whose cells do not fill every column: the columns they belong to.
PLACEMENT = {
    ("super_operations", "free_inode"): ("note",),
    ("super_operations", "drop_inode"): ("note",),
    ("address_space_operations", "read_folio"): ("folio locked", "invalidate_lock"),
    ("address_space_operations", "readahead"): ("folio locked", "invalidate_lock"),
    ("address_space_operations", "write_begin"): ("folio locked", "i_rwsem"),
    ("address_space_operations", "write_end"): ("folio locked", "i_rwsem"),
    ("address_space_operations", "invalidate_folio"): ("folio locked", "invalidate_lock"),
}

# May-block facts the tables do not give in a column, with where they come from.
INFERRED_BLOCK = {
    ("super_operations", "free_inode"): ("no", "called from an RCU callback (the note column)"),
    ("super_operations", "drop_inode"): ("no", "called under inode->i_lock (the note column)"),
    ("vm_operations_struct", "map_pages"): ("no", "text: called with the RCU lock held and must not block"),
    ("buffer_head", "b_end_io"): ("no", "text: called from interrupts"),
}

# Lock rules the spec gives in its prose, not in a table: (state, flags, the sentence).
TEXT_ROWS = {
    ("file_operations", "iterate_shared"): [
        ("i_rwsem", "HELD_SHARED", [], "called with i_rwsem held for reading"),
        ("f_pos_lock", "HELD", [], "and with the file f_pos_lock held exclusively")],
    ("file_system_type", "mount"): [
        ("s_umount", "LOCKS", [], "its superblock should be locked on return")],
    ("file_system_type", "kill_sb"): [
        ("s_umount", "HELD_EXCL", ["UNLOCKS"], "takes a write-locked superblock ... unlocks")],
}

# Multi-word cells, longest first, and the state each means.
PHRASES = [
    ("read can return with page locked", None),  # split below: two cells
    ("can return with page locked", "RETURNS_LOCKED"),
    ("called from RCU callback", "NOTE"),
    ("locks the folio", "LOCKS"),
    ("no or exclusive", "MAYBE"),
]
STATE_WORDS = {
    "exclusive": "HELD_EXCL", "write": "HELD_EXCL",
    "shared": "HELD_SHARED", "read": "HELD_SHARED",
    "yes": "HELD", "read/write": "HELD",
    "no": "NOT_HELD",
    "maybe": "MAYBE", "maybe-read": "MAYBE", "maybe(read)": "MAYBE",
}


def sections(lines):
    """Yield (name, body lines) for each '====' underlined section title."""
    cur, body = None, []
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and re.fullmatch(r"=+", lines[i + 1].strip()) and \
                line.strip() and not re.fullmatch(r"[= ]+", line) and \
                len(lines[i + 1].strip()) == len(line.strip()):
            if cur:
                yield cur, body
            cur, body = line.strip(), []
        elif cur:
            body.append(line)
    if cur:
        yield cur, body


def prototype_ops(body):
    ops = []
    for line in body:
        if line.startswith("locking rules"):
            break
        m = re.search(r"\(\s*\*\s*(\w+)\s*\)\s*\(", line)
        if m:
            ops.append(m.group(1))
    return ops


def split_cells(text):
    """The cells of one row's value text (after 'op:')."""
    cells = []
    t = text.strip()
    while t:
        for phrase, state in PHRASES:
            if t.startswith(phrase):
                if state is None:
                    cells += ["read", "can return with page locked"]
                else:
                    cells.append(phrase)
                t = t[len(phrase):].strip()
                break
        else:
            m = re.match(r"(!!![^!]+!!!|[\w/\-]+(?:\([\w ]+\))?(?:, unlocks)?(?:\[\d\]_)?)"
                         r"((?:\s*\([^)]*\))*)", t)
            if not m:
                raise SystemExit("gen-locking-spec: cannot parse cell in %r" % text)
            cells.append((m.group(1) + m.group(2)).strip())
            t = t[m.end():].strip()
    return cells


def cell_state(cell):
    """(state, flags, note) of one cell."""
    flags = []
    note = ""
    m = re.match(r"([^(]*?)\s*((?:\(.*\))?)$", cell)
    word, paren = m.group(1).strip(), m.group(2)
    if paren:
        note = paren
    if word.endswith(", unlocks"):
        word = word[:-len(", unlocks")]
        flags.append("UNLOCKS")
    word = re.sub(r"\[\d\]_$", "", word)
    for phrase, state in PHRASES:
        if cell.startswith(phrase) and state:
            if state == "RETURNS_LOCKED":
                return "MAYBE", ["RETURNS_LOCKED"], ""
            if state == "NOTE":
                return "NOTE", [], cell
            return state, flags, note
    if word.startswith("!!!"):
        return "NOTE", [], word
    if word == "maybe" and "(read)" in cell:
        return "MAYBE", flags, note
    if word not in STATE_WORDS:
        raise SystemExit("gen-locking-spec: unknown cell %r" % cell)
    return STATE_WORDS[word], flags, note


def columns_of(header):
    """Column names of a table header line 'ops a b may block c'."""
    h = header.split()[1:]
    cols = []
    i = 0
    while i < len(h):
        if h[i] == "may" and i + 1 < len(h) and h[i + 1] == "block":
            cols.append("may block")
            i += 2
        elif h[i] == "folio" and i + 1 < len(h) and h[i + 1] == "locked":
            cols.append("folio locked")
            i += 2
        elif h[i] in ("FS", "Held"):
            return None  # dquot: not a lock table of held/not-held states
        else:
            col = h[i].replace("(inode)", "").replace("PageLocked(page)", "folio locked")
            cols.append(col.split("->")[-1])	# "inode->i_lock", "->d_lock"
            i += 1
    return cols


def all_may_block(body):
    """The section's 'All may block' line: (default, exceptions) or None."""
    for line in body:
        m = re.match(r"\s*all (except (.*) )?may block", line, re.I)
        if m:
            exc = re.split(r"\s*(?:,|and)\s*", m.group(2)) if m.group(2) else []
            return "yes", [e for e in exc if e]
    return None


def parse(spec_text):
    lines = spec_text.splitlines()
    rows = []   # (table, op, column, state, flags, source)
    blocks = []  # (table, op, may_block, source)
    for name, body in sections(lines):
        ops = prototype_ops(body)
        if not ops:
            continue
        table = name.replace(" operations", "")	# "xattr_handler operations"
        # The table follows "locking rules:" (dquot_operations has its own words).
        start = next((i for i, l in enumerate(body) if l.startswith("locking rules")), None)
        if start is None:
            start = next((i - 1 for i, l in enumerate(body) if i > 1 and re.fullmatch(r"=+( =+)*", l.strip())), None)
        if start is None:
            raise SystemExit("gen-locking-spec: %s: no locking table" % table)
        delim = [i for i in range(start, len(body)) if re.fullmatch(r"=+( =+)*", body[i].strip())]
        default = all_may_block(body[start:start + 3])
        if len(delim) < 3:
            # No table: file_operations ("All may block.") and the buffer_head prose.
            rule = all_may_block(body[start:start + 3])
            for op in ops:
                if rule:
                    blocks.append((table, op, "yes", "section: all may block"))
                elif (table, op) in INFERRED_BLOCK:
                    blocks.append((table, op, INFERRED_BLOCK[(table, op)][0],
                                   "inferred: " + INFERRED_BLOCK[(table, op)][1]))
                    rows.append((table, op, "bh lock", "HELD", [], "text: bh is locked"))
            continue
        cols = columns_of(body[delim[0] + 1])
        if cols is None:
            for i in range(delim[1] + 1, delim[2]):
                op = body[i].split()[0].rstrip(":")
                blocks.append((table, op, "yes", "unstated"))
            continue
        seen = set()
        for i in range(delim[1] + 1, delim[2]):
            line = body[i].strip()
            m = re.match(r"(\w+):?\s*(.*)$", line)
            op, rest = m.group(1), m.group(2)
            seen.add(op)
            cells = split_cells(rest)
            if len(cells) == len(cols):
                placed = list(zip(cols, cells))
            elif not cells:
                placed = []
            elif (table, op) in PLACEMENT:
                want = PLACEMENT[(table, op)]
                if len(want) != len(cells):
                    raise SystemExit("gen-locking-spec: %s.%s: %d cells, placement names %d"
                                     % (table, op, len(cells), len(want)))
                placed = list(zip(want, cells))
            elif len(cells) == 1:
                placed = [(cols[0], cells[0])]
            else:
                raise SystemExit("gen-locking-spec: %s.%s: %d cells for %d columns and no "
                                 "PLACEMENT" % (table, op, len(cells), len(cols)))
            got_block = None
            placed_cols = {c for c, _ in placed}
            for col, cell in placed:
                if col == "may block":
                    got_block = (cell.split()[0].split("[")[0], "column: " + cell)
                    continue
                if col == "rcu-walk":
                    rows.append((table, op, "rcu-walk", cell_state(cell)[0], [], "column"))
                    continue
                state, flags, note = cell_state(cell)
                if state == "NOTE":
                    rows.append((table, op, "note", "NOTE", [], cell))
                    if "i_lock" in cell:
                        rows.append((table, op, "i_lock", "HELD", [], "note: " + cell))
                    continue
                rows.append((table, op, col, state, flags, "column" + (": " + note if note else "")))
            for col in cols:
                if col not in placed_cols and col not in ("may block", "note", "rcu-walk"):
                    rows.append((table, op, col, "UNSTATED", [], "empty cell"))
            if got_block:
                blocks.append((table, op, got_block[0], got_block[1]))
            elif (table, op) in INFERRED_BLOCK:
                blocks.append((table, op, INFERRED_BLOCK[(table, op)][0],
                               "inferred: " + INFERRED_BLOCK[(table, op)][1]))
            elif default:
                blocks.append((table, op, "no" if op in default[1] else "yes",
                               "section: all%s may block" % (" except " + ", ".join(default[1]) if default[1] else "")))
            else:
                blocks.append((table, op, "yes", "unstated"))
        # Prototypes with no table row (the spec's own gaps): their ops still count.
        for op in ops:
            if op not in seen:
                blocks.append((table, op, default[0] if default else "yes",
                               "no table row" + ("; section: all may block" if default else "")))
    for (table, op), extra in sorted(TEXT_ROWS.items()):
        for col, state, flags, src in extra:
            rows.append((table, op, col, state, flags, "text: " + src))
    return rows, blocks


def render(rows, blocks):
    out = ["/*",
           " * GENERATED by tools/gen-locking-spec.py from the spec (Linux's",
           " * Documentation/filesystems/locking.rst); do not edit. One SPEC_LOCK row",
           " * per (table, op, lock column) of the spec's locking tables, one",
           " * SPEC_BLOCK row per op. tools/check-locking-spec.py compares them with",
           " * the wrappers in include/kestrel/contract/ and with docs/locking.md.",
           " */",
           "#ifndef KESTREL_CONTRACT_SPEC_H",
           "#define KESTREL_CONTRACT_SPEC_H",
           "",
           "/* SPEC_LOCK(table, op, \"column\", state, flags, \"source\") */",
           "#define SPEC_LOCK_ROWS \\"]
    for t, o, c, s, f, src in rows:
        out.append("\tSPEC_LOCK(%s, %s, \"%s\", %s, %s, \"%s\") \\"
                   % (t, o, c, s, "|".join(f) or "0", src.replace('"', "'")))
    out.append("")
    out.append("/* SPEC_BLOCK(table, op, may_block, \"source\") */")
    out.append("#define SPEC_BLOCK_ROWS \\")
    for t, o, b, src in blocks:
        out.append("\tSPEC_BLOCK(%s, %s, %s, \"%s\") \\" % (t, o, b, src.replace('"', "'")))
    out.append("")
    out.append("#endif")
    return "\n".join(out) + "\n"


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    if not args:
        print(__doc__)
        return 2
    text = open(args[0]).read()
    rows, blocks = parse(text)
    data = render(rows, blocks)
    out = args[1] if len(args) > 1 else HEADER
    if check:
        old = open(out).read() if os.path.exists(out) else ""
        if old != data:
            print("%s is stale: run tools/gen-locking-spec.py %s" % (out, args[0]))
            return 1
        return 0
    with open(out, "w") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
