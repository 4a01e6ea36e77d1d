#!/usr/bin/env python3
"""The spec's tables are the checks (tests/integration/locking_spec.sh).

Reads include/kestrel/contract/spec.h (generated from the spec by
tools/gen-locking-spec.py) and, for every (table, op, lock column) row
and every op's may-block fact, requires:

  - of the wrapper named by the op's CONTRACT line (its body, from the
    function's opening brace to its closing one), the assertion the state
    asks for (see REQUIRE); may block "yes": might_sleep(), "no": the call
    inside VFS_NOSLEEP; "unlocks" / "locks" / "can return with page
    locked": a post-condition check after the call;
  - of docs/locking.md's row for the op, the same state in its locks cell
    ("<lock>: <state>") and the same may-block word;
  - of every op of the spec, a row in the generated data (so no (section,
    op) pair of the spec is left out).

An op without a wrapper (not applicable, not implemented) is checked
against the doc only. Every difference must be listed, with its reason,
in docs/locking.md's table "Where Kestrel's check differs from the
spec's column" (4 cells: op | column | spec | what Kestrel checks, and
why); a listed difference that no longer exists is a problem too, so the
table stays true.

Exit 1 with one line per problem.
"""
import os
import re
import sys

SPEC_H = os.path.join("include", "kestrel", "contract", "spec.h")
CONTRACT_DIR = os.path.join("include", "kestrel", "contract")
DOC = os.path.join("docs", "locking.md")
DEVIATION_TITLE = "Where Kestrel's check differs from the spec's column"

# How a column's lock is named in a wrapper body and in the doc's cell.
LOCK_RE = {
    "rename_lock": r"rename_lock", "d_lock": r"d_lock", "i_rwsem": r"i_rwsem",
    "s_umount": r"s_umount", "i_lock": r"i_lock", "invalidate_lock": r"invalidate_lock",
    "flc_lock": r"flc_lock", "blocked_lock_lock": r"blocked_lock_lock",
    "open_mutex": r"open_mutex", "mmap_lock": r"mmap_lock", "f_pos_lock": r"f_pos_lock",
    "folio locked": r"folio", "bh lock": r"\bbh\b",
}
NOT_LOCKS = ("rcu-walk", "note")	# columns that name no lock a wrapper asserts

# State -> regex (format with the lock's regex) a wrapper body must contain.
REQUIRE = {
    "HELD_EXCL": r"lockdep_assert_held_write\([^;]*%s",
    "HELD_SHARED": r"lockdep_assert_held_read\([^;]*%s",
    "HELD": r"lockdep_assert_held(?:_read|_write)?\([^;]*%s",
    "NOT_HELD": r"lockdep_assert_not_held\([^;]*%s",
}
# The folio lock and a buffer's lock are bits, asserted with their own helpers.
BIT_REQUIRE = {
    ("folio locked", "HELD"): r"contract_assert_folio_locked\(",
    ("bh lock", "HELD"): r"WARN_ON\(!buffer_locked\(",
}
FLAG_REQUIRE = {
    "UNLOCKS": r"contract_check_unlocked\(",
    "RETURNS_LOCKED": r"contract_check_returned_locked\(",
}
# "locks the folio" / "locked on return": a check after the op's call (an
# assignment from the op, then the assertion).
LOCKS_REQUIRE = {
    "folio locked": r"->\w+\([^;]*\);[\s\S]*contract_check_returned_locked\([^;]*%s",
    None: r"->\w+\([^;]*\);[\s\S]*lockdep_assert_held_write\([^;]*%s",
}
# Doc words for a state.
DOC_WORDS = {
    "HELD_EXCL": ("exclusive", "write"),
    "HELD_SHARED": ("shared", "read"),
    "HELD": ("yes", "exclusive", "write", "shared", "read", "read/write"),
    "NOT_HELD": ("no",),
}


def load_spec(root):
    text = open(os.path.join(root, SPEC_H)).read()
    locks = re.findall(r'\tSPEC_LOCK\((\w+), (\w+), "([^"]+)", (\w+), ([\w|]+), "([^"]*)"\)', text)
    blocks = re.findall(r'\tSPEC_BLOCK\((\w+), (\w+), (\w+), "([^"]*)"\)', text)
    return locks, blocks


def wrappers(root):
    """op -> (wrapper name, body text, CONTRACT may-block text)."""
    out = {}
    for f in sorted(os.listdir(os.path.join(root, CONTRACT_DIR))):
        if not f.endswith(".h") or f == "spec.h":
            continue
        text = open(os.path.join(root, CONTRACT_DIR, f)).read()
        for m in re.finditer(r"CONTRACT\s+(\w+\.\w+)\s*\|([^|]*)\|([^|]*)\|\s*(\w+)", text):
            op, block, name = m.group(1), m.group(3).strip(), m.group(4)
            d = re.search(r"\b%s\s*\([^)]*\)\s*\{" % re.escape(name), text[m.end():], re.S)
            if not d:
                continue
            start = m.end() + d.end()
            depth, i = 1, start
            while depth and i < len(text):
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            out[op] = (name, text[start:i], block)
    return out


def doc_rows(doc):
    rows = {}
    for line in doc.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"`?\w+\.\w+`?", cells[0]):
            rows[cells[0].strip("`")] = cells
    return rows


def deviations(doc):
    """(op, column) -> reason, from the deviation table."""
    out = {}
    at = doc.find(DEVIATION_TITLE)
    if at < 0:
        return out
    for line in doc[at:].splitlines()[1:]:
        if line.startswith("#"):
            break
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"\w+\.\w+", cells[0]):
            # "unlocks" in the spec cell: only the post-condition differs.
            aspect = "unlocks" if cells[2] == "unlocks" else "state"
            out[(cells[0], cells[1], aspect)] = cells[3]
    return out


def doc_state(cell, column):
    """The state words the doc's locks cell gives for column, or None."""
    key = LOCK_RE[column] if column in LOCK_RE else re.escape(column)
    for part in cell.split(";"):
        m = re.match(r"\s*([^:]*?%s[^:]*):\s*(.*)$" % key, part)
        if m:
            return m.group(2).strip()
    return None


def main(root):
    problems = []
    locks, blocks = load_spec(root)
    wr = wrappers(root)
    doc = open(os.path.join(root, DOC)).read()
    rows = doc_rows(doc)
    dev = deviations(doc)
    used = set()

    def problem(op, column, what, aspect="state"):
        if (op, column, aspect) in dev:
            used.add((op, column, aspect))
            return
        problems.append("%s [%s]: %s" % (op, column, what))

    spec_ops = {"%s.%s" % (t, o) for t, o, *_ in blocks}
    for op in sorted(spec_ops - rows.keys()):
        problems.append("%s: an op of the spec with no row in docs/locking.md" % op)
    for op in sorted(rows.keys() - spec_ops):
        problems.append("%s: docs/locking.md has a row for it, the spec no such op" % op)

    for t, o, col, state, flags, src in locks:
        op = "%s.%s" % (t, o)
        if col in NOT_LOCKS or state in ("UNSTATED",):
            continue
        if op in wr:
            name, body, _ = wr[op]
            need = BIT_REQUIRE.get((col, state))
            if need is None and state in REQUIRE and col in LOCK_RE:
                need = REQUIRE[state] % LOCK_RE[col]
            # "exclusive (both)", "(both parents, ...)": one assertion per lock.
            count = 2 if "(both" in src else 1
            if need and len(re.findall(need, body)) < count:
                problem(op, col, "the spec says %s (%s); %s does not assert it%s"
                        % (state, src, name, " twice" if count > 1 else ""))
            for flag in flags.split("|"):
                if flag in FLAG_REQUIRE and not re.search(FLAG_REQUIRE[flag], body):
                    problem(op, col, "the spec says %s; %s checks no post-condition" % (flag, name),
                            "unlocks" if flag == "UNLOCKS" else "state")
            if state == "LOCKS" and not re.search(LOCKS_REQUIRE.get(col, LOCKS_REQUIRE[None]) % LOCK_RE[col], body):
                problem(op, col, "the spec says the op returns it locked; %s does not check" % name)
        if op in rows and state in DOC_WORDS:
            got = doc_state(rows[op][1], col)
            if got is None:
                problem(op, col, "docs/locking.md's row does not say (spec: %s)" % state)
            elif not got.startswith(DOC_WORDS[state]):
                problem(op, col, "docs/locking.md says '%s', the spec %s" % (got, state))

    for t, o, block, src in blocks:
        op = "%s.%s" % (t, o)
        if op in rows and block in ("yes", "no") and not rows[op][2].startswith(block):
            problem(op, "may block", "docs/locking.md says '%s', the spec %s (%s)"
                    % (rows[op][2], block, src))
        if op not in wr:
            continue
        name, body, _ = wr[op]
        if block == "yes" and "might_sleep()" not in body:
            problem(op, "may block", "the spec says it may block; %s has no might_sleep()" % name)
        if block == "no" and "VFS_NOSLEEP" not in body:
            problem(op, "may block", "the spec says it must not block; %s does not call it "
                    "in a must-not-block section" % name)

    # A deviation that says what Kestrel checks instead ("`call` of lock: ...")
    # is held to it, so deleting that check fails as deleting a row's would.
    for (op, col, aspect), text in sorted(dev.items()):
        m = re.match(r"`(\w+)(?:\(\))?`(?: of (\w+))?", text)
        if not m or op not in wr:
            continue
        need = r"\b%s\(%s" % (m.group(1), r"[^;]*" + re.escape(m.group(2)) if m.group(2) else "")
        if not re.search(need, wr[op][1]):
            problems.append("%s [%s]: the deviation says Kestrel checks %s; %s does not"
                            % (op, col, m.group(0), wr[op][0]))

    for key in sorted(set(dev) - used):
        problems.append("%s [%s] (%s): listed as a deviation, but Kestrel follows the spec "
                        "there (drop the row)" % key)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
