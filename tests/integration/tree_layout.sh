#!/usr/bin/env bash
# The tree and its map, from the host, no QEMU (tools/check-tree):
#  1. every folder of the tree has its line in docs/layout.md, every
#     folder and file the map names exists, and no .c/.h/.S file includes
#     a header through "../";
#  2. on copies of the tree changed one way each, the check fails with the
#     line that says what to change: a folder line taken out of the map (and
#     the line it asks for, put where it says, gives back the map as it
#     was), a new folder (and the line it asks for makes it pass), a new
#     folder inside a new folder, a folder renamed, a file the map names
#     deleted, a line whose description is still the placeholder, and
#     "../" includes, quoted and angled; with git, a new untracked folder
#     counts and an ignored file does not.
. "$(dirname "$0")/lib.bash"

MAP=docs/layout.md
work=$LOG_DIR/$TEST_NAME.d
rm -rf "$work"
mkdir -p "$work"

# 1. The tree as it is.
if ! tools/check-tree > "$work/tree.out" 2>&1; then
	cat "$work/tree.out"
	fail "$(head -1 "$work/tree.out") ($(wc -l < "$work/tree.out") problems; tools/check-tree lists them)"
fi
# Quoted includes of the same folder are fine: the tree has some.
grep -q '^#include "sched.h"' kernel/sched/core.c || fail "kernel/sched/core.c no longer includes \"sched.h\""
echo "the tree: ok"

# 2. What the check refuses, on copies of the tree's files.
copy=$work/tree
fresh_copy() {
	rm -rf "$copy"
	mkdir -p "$copy"
	tools/check-tree --list > "$work/files" || fail "tools/check-tree --list failed"
	tar -cf - -T "$work/files" | tar -xf - -C "$copy" || fail "cannot copy the tree to $copy"
}

# expect_refused WHAT LINE...: the check on the copy fails and prints exactly
# these lines (fixed strings), nothing else.
expect_refused() {
	local what=$1
	shift
	if tools/check-tree "$copy" > "$work/out" 2>&1; then
		fail "accepted: $what"
	fi
	printf '%s\n' "$@" > "$work/want"
	diff -u "$work/want" "$work/out" > "$work/diff" ||
		{ cat "$work/diff"; fail "$what: not the lines wanted: $(grep -m1 '^+[^+]' "$work/diff")"; }
	echo "refused: $what"
}

expect_accepted() {
	tools/check-tree "$copy" > "$work/out" 2>&1 || { cat "$work/out"; fail "refused: $1: $(head -1 "$work/out")"; }
	echo "accepted: $1"
}

# line_of FOLDER: the number of FOLDER's line in the copy's map.
line_of() {
	grep -n -m1 -F -- "- \`$1\`:" "$copy/$MAP" | cut -d: -f1
}

# A folder line taken out: the message asks for that line, after the line
# before it, so putting the old line there gives back the map.
fresh_copy
n=$(line_of drivers/tty/vt/)
[ -n "$n" ] || fail "no line for drivers/tty/vt/ in $MAP"
old=$(sed -n "${n}p" "$copy/$MAP")
# The entry before it names the folder the message points at.
before=$(sed -n "$((n - 1))p" "$copy/$MAP" | sed 's/^ *- `\([^`]*\)`.*/\1/')
cp "$copy/$MAP" "$work/map.orig"
sed -i "${n}d" "$copy/$MAP"
expect_refused "a folder without its line" \
	"$MAP: no line for the folder drivers/tty/vt/ (it holds keyboard.c, vt.c, vt_tty.c): add the line \"- \`drivers/tty/vt/\`: <what lives here>\" after line $((n - 1)) (the entry of $before), and say what lives there and its Linux counterpart, if any"
sed -i "$((n - 1))r /dev/stdin" "$copy/$MAP" <<< "$old"
cmp -s "$copy/$MAP" "$work/map.orig" || fail "the line put where the message says is not where it was"
expect_accepted "the line put back"

# A new folder: its line, where the message says, makes the check pass;
# the placeholder alone does not.
mkdir -p "$copy/drivers/newbus"
echo 'int newbus_probe(void);' > "$copy/drivers/newbus/newbus.c"
echo '/* private */' > "$copy/drivers/newbus/internal.h"
n=$(line_of drivers/input/serio/)
expect_refused "a new folder" \
	"$MAP: no line for the folder drivers/newbus/ (it holds internal.h, newbus.c): add the line \"- \`drivers/newbus/\`: <what lives here>\" after line $n (the entry of drivers/input/serio/), and say what lives there and its Linux counterpart, if any"
sed -i "${n}a - \`drivers/newbus/\`: <what lives here>" "$copy/$MAP"
expect_refused "the placeholder" \
	"$MAP:$((n + 1)): the line of drivers/newbus/ does not say what lives there: write it after the colon"
sed -i "$((n + 1))s/<what lives here>/a scratch bus (as Linux)/" "$copy/$MAP"
expect_accepted "the new folder's line"

# A new folder inside a new folder: both lines, the inner one after the outer.
fresh_copy
mkdir -p "$copy/sound/core"
echo 'int x;' > "$copy/sound/core/pcm.c"
# After mm/'s entry and the file lines under it: the last line before the blank one.
last=$(awk -v s="$(line_of mm/)" 'NR > s && /^$/ { print NR - 1; exit }' "$copy/$MAP")
expect_refused "two new folders" \
	"$MAP: no line for the folder sound/ (it holds core/pcm.c): add the line \"- \`sound/\`: <what lives here>\" after line $last (the entry of mm/), and say what lives there and its Linux counterpart, if any" \
	"$MAP: no line for the folder sound/core/ (it holds pcm.c): add the line \"- \`sound/core/\`: <what lives here>\" right after the line for sound/ (missing too, see above), and say what lives there and its Linux counterpart, if any"

# A folder renamed: the new name lacks a line, the old line names nothing.
fresh_copy
mv "$copy/fs/ramfs" "$copy/fs/tinyfs"
n=$(line_of fs/ramfs/)
prev=$(line_of fs/proc/)
expect_refused "a folder renamed" \
	"$MAP: no line for the folder fs/tinyfs/ (it holds inode.c): add the line \"- \`fs/tinyfs/\`: <what lives here>\" after line $n (the entry of fs/ramfs/), and say what lives there and its Linux counterpart, if any" \
	"$MAP:$n: fs/ramfs/ is not a folder of the tree (no file is in it): remove the line or correct the path"
[ "$prev" -lt "$n" ] || fail "fs/proc/'s line is not before fs/ramfs/'s"

# Files the map names, deleted; a root file the map names, deleted.
fresh_copy
rm "$copy/tools/check-layout.sh" "$copy/linker.ld"
m=$(grep -n -m1 -F -- '- `check-layout.sh`:' "$copy/$MAP" | cut -d: -f1)
r=$(grep -n -m1 -F -- '- `linker.ld`:' "$copy/$MAP" | cut -d: -f1)
expect_refused "named files deleted" \
	"$MAP:$r: linker.ld is not a file at the root of the tree: remove the line or correct the name" \
	"$MAP:$m: tools/check-layout.sh (in the entry of tools/) is not in the tree: remove it or correct the name"

# Includes through "../": quoted, angled, after "# include", deep in a path.
fresh_copy
printf '#include "../include/kestrel/types.h"\n' >> "$copy/kernel/panic.c"
p=$(wc -l < "$copy/kernel/panic.c")
printf '#include "sched.h"\n# include <../lib/x.h>\n' >> "$copy/kernel/sched/idle.c"
i=$(wc -l < "$copy/kernel/sched/idle.c")
printf '#include "harness.h"\n#include "sub/../../harness.h"\n' >> "$copy/user/tests/pipe.c"
u=$(wc -l < "$copy/user/tests/pipe.c")
why='reaches a header through "../": a header shared between folders belongs on the include path (include/kestrel/NAME.h as <kestrel/NAME.h>, arch/x86/include/asm/NAME.h as <asm/NAME.h>); one private to a folder is included only from that folder, as "NAME.h"'
expect_refused "includes through ../" \
	"kernel/panic.c:$p: #include \"../include/kestrel/types.h\" $why" \
	"kernel/sched/idle.c:$i: #include <../lib/x.h> $why" \
	"user/tests/pipe.c:$u: #include \"sub/../../harness.h\" $why"

# With git: an untracked folder counts as soon as it is made, an ignored
# file does not (the copy's .gitignore ignores *.o).
fresh_copy
git -C "$copy" init -q && git -C "$copy" add -A || fail "git init/add in $copy failed"
mkdir -p "$copy/objonly" "$copy/mm/new"
: > "$copy/objonly/x.o"
echo 'int y;' > "$copy/mm/new/new.c"
n=$(line_of mm/)
n=$(awk -v n="$n" 'NR > n && !/^[ \t]/ { print NR - 1; exit }' "$copy/$MAP")
expect_refused "an untracked new folder, beside an ignored one" \
	"$MAP: no line for the folder mm/new/ (it holds new.c): add the line \"- \`mm/new/\`: <what lives here>\" after line $n (the entry of mm/), and say what lives there and its Linux counterpart, if any"

# No map, no section.
fresh_copy
sed -i 's/^## The map$/## A map/' "$copy/$MAP"
expect_refused "no map section" "$MAP: no \"## The map\" section: the folder lines go under that heading"
rm "$copy/$MAP"
expect_refused "no map" "$MAP: cannot read it (No such file or directory): the map of the tree lives there"

rm -rf "$copy"
pass
