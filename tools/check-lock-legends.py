#!/usr/bin/env python3
"""Every field of a shared struct names its lock (tests/integration/lock_legends.sh).

docs/locking.md, section "Lock legends", lists the structs under the rule,
one table row each:
    | `struct inode` | `include/kestrel/fs.h` |
Each such struct carries a legend: a comment with a line starting
"Locks" (e.g. "Locks used to protect struct members:" or "Locks:")
followed by entries "[k] what k stands for". The legend is the comment
directly above the struct, or the file's first comment (a header with
several structs may share one there); a struct's own legend adds to the
file's.

Each field then carries a tag: a comment starting with "[k]" or
"[k1,k2]" (several keys: any one of them suffices to read it, all to
change it, unless the legend says otherwise), either on the field's own
line(s) or directly above it. Members of a nested anonymous struct or
union inherit a tag written on its opening line.

Usage: check-lock-legends.py [ROOT] [DOC]   (defaults: . and ROOT/docs/locking.md)
Fails (exit 1, one line per problem) if
  - the doc has no "Lock legends" section or it lists no struct;
  - a listed struct is not defined in the file the row names;
  - a listed struct has no legend;
  - a field has no tag, or a tag names a key its legend does not define.
"""
import os
import re
import sys

ROW = re.compile(r"^\|\s*`struct (\w+)`\s*\|\s*`([^`]+)`\s*\|")
LEGEND_KEY = re.compile(r"\[([A-Za-z0-9]{1,3})\]\s+\S")
TAG = re.compile(r"^\[([A-Za-z0-9]{1,3}(?:,[A-Za-z0-9]{1,3})*)\]")


def listed_structs(doc_path):
    """(struct, file) pairs from the doc's "Lock legends" section."""
    rows, inside = [], False
    with open(doc_path) as f:
        for line in f:
            if line.startswith("## "):
                inside = line.strip() == "## Lock legends"
                continue
            m = ROW.match(line) if inside else None
            if m:
                rows.append((m.group(1), m.group(2)))
    return rows


def tokens(text):
    """Split C text into (kind, text, line) tokens: comment, code char, newline-free."""
    out, i, line, n = [], 0, 1, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(("comment", text[i:j], line))
            line += text.count("\n", i, j)
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(("comment", "/*" + text[i + 2:j] + "*/", line))
            i = j
        elif text[i] == "#" and (i == 0 or text[i - 1] == "\n"):
            j = text.find("\n", i)	# preprocessor line: not part of any declaration
            j = n if j < 0 else j
            i = j
        else:
            if text[i] == "\n":
                line += 1
            out.append(("code", text[i], line))
            i += 1
    return out


def comment_body(c):
    return re.sub(r"^\s*\*\s?", "", c[2:-2], flags=re.M).strip()


def legend_of(comment):
    """{key: meaning} from a comment with a "Locks" line, else None."""
    body = comment_body(comment)
    lines = body.split("\n")
    for idx, l in enumerate(lines):
        if l.strip().startswith("Locks"):
            rest = "\n".join(lines[idx:])
            return {m.group(1): True for m in LEGEND_KEY.finditer(rest)}
    return None


def tag_keys(comment):
    m = TAG.match(comment_body(comment))
    return m.group(1).split(",") if m else None


def find_struct(toks, name):
    """Index of the '{' of `struct name {` (a definition, not a use)."""
    code = [(k, t, l, i) for i, (k, t, l) in enumerate(toks) if k == "code"]
    s = "".join(t for _, t, _, _ in code)
    for m in re.finditer(r"\bstruct\s+%s\s*\{" % re.escape(name), s):
        return code[m.end() - 1][3]
    return None


class Checker:
    def __init__(self, path, toks, name, legend):
        self.path, self.toks, self.name, self.legend = path, toks, name, legend
        self.problems = []

    def problem(self, line, what):
        self.problems.append("%s:%d: struct %s: %s" % (self.path, line, self.name, what))

    def check_tag(self, keys, line, field):
        for k in keys:
            if k not in self.legend:
                self.problem(line, "field '%s': tag [%s] is not in the legend" % (field, k))

    def walk(self, start, inherited):
        """Check the members from the token after '{' at start; returns the index of its '}'."""
        toks, i = self.toks, start + 1
        decl, above = [], None	# tokens of the current declaration; tag comment above it
        ended = None		# the line of the last ';': a comment there trails that field
        while i < len(toks):
            kind, text, line = toks[i]
            if kind == "comment":
                keys = tag_keys(text)
                if any(k == "code" and t.strip() for k, t, _ in decl):
                    decl.append(toks[i])
                elif keys and line != ended:
                    above = (keys, line)
                i += 1
                continue
            if text == "}":
                return i
            if text == "{":	# a nested anonymous (or named) struct/union member
                opening = [t for t in self.line_comments(line)]
                keys = next((tag_keys(c) for c in opening if tag_keys(c)), None)
                if keys:
                    self.check_tag(keys, line, "(nested)")
                end = self.walk(i, keys or (above[0] if above else None) or inherited)
                i = end + 1
                decl, above = [("code", "}", toks[end][2])], None
                continue
            if text == ";":
                decl.append(toks[i])
                self.end_decl(decl, above, inherited)
                decl, above, ended = [], None, line
                i += 1
                continue
            decl.append(toks[i])
            i += 1
        return i

    def line_comments(self, line):
        return [t for k, t, l in self.toks if k == "comment" and l == line]

    def end_decl(self, decl, above, inherited):
        code = "".join(t for k, t, _ in decl if k == "code").strip().rstrip(";").strip()
        if not code or code.startswith("}"):
            return	# the end of a nested aggregate: its members were checked
        code = re.sub(r":\s*\d+\s*$", "", code)	# a bit field's width
        field = re.findall(r"\w+", re.sub(r"\[.*?\]|\(\s*\*?\s*(\w+)\s*\)\s*\(.*", r" \1 ", code))
        field = field[-1] if field else code
        lines = {l for k, t, l in decl if k == "code" and not t.isspace()}
        first = min(lines)
        keys = None
        for k, t, l in decl:	# a trailing comment on one of the declaration's lines
            if k == "comment" and tag_keys(t):
                keys = tag_keys(t)
                break
        if keys is None:
            for l in sorted(lines):
                for c in self.line_comments(l):
                    if tag_keys(c):
                        keys = tag_keys(c)
                        break
                if keys:
                    break
        if keys is None and above:
            keys = above[0]
        if keys is None and inherited:
            return
        if keys is None:
            self.problem(first, "field '%s' has no lock tag" % field)
            return
        self.check_tag(keys, first, field)


def legends_above(toks, brace):
    """The struct's own legend (the comment right above) and the file's (its first comment)."""
    own = None
    i = brace - 1
    while i >= 0 and toks[i][0] == "code" and toks[i][1] != ";" and toks[i][1] != "}":
        i -= 1	# back over "struct name"
    while i >= 0 and toks[i][0] == "code" and toks[i][1].isspace():
        i -= 1
    if i >= 0 and toks[i][0] == "comment":
        own = legend_of(toks[i][1])
    first = next((t for k, t, _ in toks if k == "comment"), None)
    file_legend = (legend_of(first) if first else None) or {}
    return own, file_legend


def check(root, doc):
    problems = []
    rows = listed_structs(doc)
    if not rows:
        return ["%s: no \"## Lock legends\" section listing structs" % doc]
    cache = {}
    for name, rel in rows:
        path = os.path.join(root, rel)
        if not os.path.exists(path):
            problems.append("%s: struct %s: %s does not exist" % (doc, name, rel))
            continue
        if path not in cache:
            with open(path) as f:
                cache[path] = tokens(f.read())
        toks = cache[path]
        brace = find_struct(toks, name)
        if brace is None:
            problems.append("%s: struct %s is not defined there" % (rel, name))
            continue
        own, file_legend = legends_above(toks, brace)
        legend = dict(file_legend)
        legend.update(own or {})
        if not legend:
            problems.append("%s:%d: struct %s has no lock legend" % (rel, toks[brace][2], name))
            continue
        c = Checker(rel, toks, name, legend)
        c.walk(brace, None)
        problems += c.problems
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    doc = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "docs", "locking.md")
    problems = check(root, doc)
    for p in problems:
        print(p)
    n = len(listed_structs(doc)) if os.path.exists(doc) else 0
    if problems:
        return 1
    print("lock legends: %d structs, every field tagged" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
