#!/usr/bin/env python3
"""Check from the host what a running Kestrel shows on its screen.

    screen_check.py --mode fb|vga --qmp SOCKET --serial LOG --ppm OUT.ppm [--wait SECONDS]

Used by tests/integration/screen_*.sh. QEMU runs with `-qmp unix:SOCKET,...`
and the serial console in LOG; the kernel has console=ttyS0 console=tty0,
so both consoles received the same kernel log (the screen console replays
the log when it registers).

1. Wait until the serial log shows the screen console started ("video: "),
   then until the log stops growing (boot finished), and pause the VM.
2. Work out what the screen must show: feed the serial log through a model
   of the console's rules (drivers/tty/vt/vt.c: CR LF on '\\n', deferred wrap,
   tabs, scrolling, one replacement cell per UTF-8 character).
3. Compare with the screen:
   - fb: QMP screendump; every 8x16 cell of the picture must be exactly the
     font glyph (drivers/video/font_8x16.txt) of the expected character in
     light grey on black, the cursor cell with its underline;
   - vga: the 80x25 text cells read from 0xb8000 must hold the expected
     characters with attribute 0x07, and in the screendump every row with
     text must have foreground pixels and every other row must be blank.
4. Report the "Kestrel <version>" banner row if it is on screen.

Exit status 0 on a match; otherwise 1 with one line saying why.
"""
import argparse
import json
import os
import re
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import mkfont  # noqa: E402  (the font source parser)

REPLACEMENT = "\x7f"  # the model's cell for a character the font lacks
FG, BG = (0xAA, 0xAA, 0xAA), (0, 0, 0)  # attribute 0x07


def fail(msg):
    print(f"screen_check: {msg}")
    sys.exit(1)


class Qmp:
    def __init__(self, path, timeout):
        deadline = time.time() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    fail(f"cannot connect to QMP socket {path}")
                time.sleep(0.1)
        self.f = self.sock.makefile("rw")
        self.f.readline()  # greeting
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            line = self.f.readline()
            if not line:
                fail(f"QEMU closed QMP during {name}")
            r = json.loads(line)
            if "error" in r:
                fail(f"QMP {name}: {r['error'].get('desc')}")
            if "return" in r:
                return r["return"]

    def hmp(self, command):
        return self.cmd("human-monitor-command", **{"command-line": command})


def read_log(path):
    try:
        with open(path, "rb") as f:
            return f.read().replace(b"\r\n", b"\n")
    except FileNotFoundError:
        return b""


def wait_for_boot(qmp, log, timeout):
    """Wait for the screen console, then for a quiet log; pause the VM."""
    deadline = time.time() + timeout
    last, quiet_since = None, time.time()
    while time.time() < deadline:
        data = read_log(log)
        if data != last:
            last, quiet_since = data, time.time()
        elif b"video: " in data and time.time() - quiet_since > 1.5:
            qmp.cmd("stop")
            return read_log(log)
        time.sleep(0.1)
    if b"video: " not in (last or b""):
        fail(f"no 'video: ' line in {log} within {timeout}s: the screen console did not start")
    fail(f"the serial log kept growing for {timeout}s: cannot catch a quiet screen")


def model(text, cols, rows):
    """The console's rules (drivers/tty/vt/vt.c), applied to the log bytes."""
    grid = [[" "] * cols for _ in range(rows)]
    x = y = utf8_left = 0

    def line_feed():
        nonlocal y
        if y + 1 < rows:
            y += 1
        else:
            del grid[0]
            grid.append([" "] * cols)

    for b in text:
        if utf8_left and b & 0xC0 == 0x80:
            utf8_left -= 1
            continue
        utf8_left = 0
        if b < 0x20:
            if b == 0x0A:
                x = 0
                line_feed()
            elif b == 0x0D:
                x = 0
            elif b == 0x09 and x < cols:
                x = min((x + 1 + 7) // 8 * 8, cols)
            elif b == 0x08 and x > 0:
                x = min(x, cols) - 1
            continue
        if 0xC0 <= b <= 0xF7:
            utf8_left = 3 if b >= 0xF0 else 2 if b >= 0xE0 else 1
        if x >= cols:
            x = 0
            line_feed()
        grid[y][x] = chr(b) if b <= 0x7E else REPLACEMENT
        x += 1
    return ["".join(r) for r in grid], (min(x, cols - 1), y)


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        m = re.compile(rb"\s*(#[^\n]*\n\s*)*(\S+)").match(data, pos)
        fields.append(m.group(2))
        pos = m.end()
    if fields[0] != b"P6" or fields[3] != b"255":
        fail(f"{path}: not an 8-bit binary PPM")
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + w * h * 3]


def pixel(img, x, y):
    w, _, px = img
    i = (y * w + x) * 3
    return tuple(px[i:i + 3])


def show(row):
    return row.rstrip().replace(REPLACEMENT, "\u25a1")


def banner_row(expect):
    for i, row in enumerate(expect):
        if re.match(r"Kestrel \S+\s*$", row):
            return i
    return None


def check_fb(img, text):
    glyphs = mkfont.parse(os.path.join(ROOT, "drivers/video/font_8x16.txt"))

    def bits(ch):
        key = ord(ch) if 0x20 <= ord(ch) <= 0x7E else "replacement"
        return [mkfont.row_byte(r) for r in glyphs[key][1]]

    by_bits = {}
    for ch in [chr(c) for c in range(0x20, 0x7F)] + [REPLACEMENT]:
        by_bits.setdefault(tuple(bits(ch)), ch)

    w, h, _ = img
    if w > 1920:
        fail(f"{w}x{h}: double-size font screens are not checked here")
    cols, rows = w // 8, h // 16
    expect, (cx, cy) = model(text, cols, rows)
    colours = {pixel(img, x, y) for x in range(0, w, 7) for y in range(0, h, 5)}
    if colours - {FG, BG}:
        fail(f"colours other than light grey on black on screen: {sorted(colours - {FG, BG})[:4]}")

    for y in range(rows):
        got = []
        bad = None
        for x in range(cols):
            cell = [sum(0x80 >> c for c in range(8)
                        if pixel(img, x * 8 + c, y * 16 + r) != BG) for r in range(16)]
            want = bits(expect[y][x])
            if (x, y) == (cx, cy):
                want[14] = want[15] = 0xFF  # the cursor underline
                cell_text = tuple(cell[:14] + [0, 0])
            else:
                cell_text = tuple(cell)
            got.append(by_bits.get(cell_text, "?"))
            if cell != want and bad is None:
                bad = x
        if bad is not None:
            fail(f"screen row {y} col {bad}: shows {show(''.join(got))!r}, "
                 f"expected {show(expect[y])!r}")
    return expect, cols, rows


def check_vga(qmp, img, text):
    cols, rows = 80, 25
    expect, _ = model(text, cols, rows)
    out = qmp.hmp(f"xp /{cols * rows}hx 0xb8000")
    cells = [int(v, 16) for line in out.splitlines() for v in line.split(":", 1)[1].split()]
    if len(cells) != cols * rows:
        fail(f"read {len(cells)} text cells from 0xb8000, expected {cols * rows}")
    for y in range(rows):
        want = [0xFE if ch == REPLACEMENT else ord(ch) for ch in expect[y]]
        row = cells[y * cols:(y + 1) * cols]
        got = "".join(chr(c & 0xFF) if 0x20 <= (c & 0xFF) <= 0x7E else "?" for c in row)
        if [c & 0xFF for c in row] != want:
            fail(f"text row {y}: VGA memory holds {got.rstrip()!r}, expected {show(expect[y])!r}")
        if any(c >> 8 != 0x07 for c in row):
            fail(f"text row {y}: attribute other than 0x07 (light grey on black)")

    # QEMU draws text mode as 9x16 character cells.
    w, h, _ = img
    if (w, h) != (cols * 9, rows * 16):
        fail(f"text-mode screendump is {w}x{h}, expected {cols * 9}x{rows * 16}")
    for y in range(rows):
        ink = [x for x in range(w) for r in range(16) if pixel(img, x, y * 16 + r) != BG]
        text_cols = [x for x, ch in enumerate(expect[y]) if ch != " "]
        if text_cols and not any(text_cols[0] * 9 <= x < text_cols[0] * 9 + 9 for x in ink):
            fail(f"screen row {y}: {show(expect[y])!r} is in VGA memory but not drawn")
        if not text_cols and any(x >= 9 for x in ink):  # column 0 may hold the cursor
            fail(f"screen row {y}: should be blank but has foreground pixels")
    return expect, cols, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["fb", "vga"], required=True)
    ap.add_argument("--qmp", required=True)
    ap.add_argument("--serial", required=True)
    ap.add_argument("--ppm", required=True)
    ap.add_argument("--wait", type=float, default=60)
    a = ap.parse_args()

    qmp = Qmp(a.qmp, a.wait)
    text = wait_for_boot(qmp, a.serial, a.wait)
    # The kernel's text starts with its banner (the command lines used here
    # give no earlier warnings); firmware may have written to COM1 before it.
    m = re.search(rb"Kestrel [^\s']+\n", text)
    if not m:
        fail(f"no 'Kestrel <version>' banner in {a.serial}")
    text = text[m.start():]
    qmp.hmp(f"screendump {a.ppm}")
    img = read_ppm(a.ppm)
    if len(set(img[2][i:i + 3] for i in range(0, len(img[2]), 3 * 97))) < 2:
        fail("the screen is one uniform colour")

    if a.mode == "fb":
        expect, cols, rows = check_fb(img, text)
    else:
        expect, cols, rows = check_vga(qmp, img, text)
    qmp.cmd("quit")

    lines = text.count(b"\n")
    banner = banner_row(expect)
    if banner is None and lines < rows:
        fail(f"the log has {lines} lines, fewer than the {rows} screen rows, "
             "but the 'Kestrel <version>' banner is not on screen")
    print(f"screen_check: {a.mode} {cols}x{rows} matches the last {rows} lines of the "
          f"{lines}-line log" + (f"; banner on row {banner}: {expect[banner].rstrip()!r}"
                                 if banner is not None else "; banner scrolled off"))


if __name__ == "__main__":
    main()
