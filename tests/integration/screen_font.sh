#!/usr/bin/env bash
# The console font's C table is generated from its ASCII-art source
# (drivers/video/font_8x16.txt, by tools/mkfont.py) and committed. Check
# that it is up to date, so an edit of the .txt cannot be forgotten or the
# .c edited by hand, and that tools/mkfont.py refuses a font with a hole.
. "$(dirname "$0")/lib.bash"

command -v python3 > /dev/null || fail "python3 is needed for tools/mkfont.py"
src=drivers/video/font_8x16.txt
gen=$LOG_DIR/$TEST_NAME.c
python3 tools/mkfont.py "$src" > "$gen" || fail "tools/mkfont.py rejects $src"
cmp -s "$gen" drivers/video/font_8x16.c ||
	fail "drivers/video/font_8x16.c is stale: python3 tools/mkfont.py $src > drivers/video/font_8x16.c"

# Drop the glyph for 'K' (0x4b): the generator must refuse the font.
broken=$LOG_DIR/$TEST_NAME-broken.txt
awk '/^@4b /{skip=17} skip>0{skip--; next} {print}' "$src" > "$broken"
if python3 tools/mkfont.py "$broken" > /dev/null 2> "$broken.err"; then
	fail "tools/mkfont.py accepted a font without 'K'"
fi
grep -q "missing glyphs: 0x4b" "$broken.err" ||
	fail "tools/mkfont.py did not name the missing glyph: $(cat "$broken.err")"
pass
