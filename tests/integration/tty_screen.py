#!/usr/bin/env python3
"""The shell on the screen: keys typed on the PS/2 keyboard reach the
shell on tty1, and what it prints shows in VGA text memory.

Boots the kernel with the initramfs (init starts a shell on /dev/tty1),
types through QMP's send-key (the keyboard, scancodes and all), and
reads the screen's 80x25 text cells at 0xb8000 (vgacon: QEMU -kernel
gives no framebuffer).

Usage: tty_screen.py KERNEL INITRD LOGFILE QMPSOCKET
"""
import json
import os
import socket
import subprocess
import sys
import time

KERNEL, INITRD, LOG, SOCK = sys.argv[1:5]


class Qmp:
    def __init__(self, path, timeout):
        end = time.time() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.1)
        self.f = self.sock.makefile("rw")
        self.f.readline()
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "error" in r:
                raise RuntimeError("QMP %s: %s" % (name, r["error"].get("desc")))
            if "return" in r:
                return r["return"]


# QEMU's key names (qcode) for what we type.
KEYS = {" ": "spc", "$": ("shift", "4"), "(": ("shift", "9"), ")": ("shift", "0"),
        "*": ("shift", "8"), "\r": "ret", "=": "equal", "-": "minus"}


def send(qmp, ch):
    k = KEYS.get(ch)
    if k is None:
        k = ("shift", ch.lower()) if ch.isupper() else ch
    keys = list(k) if isinstance(k, tuple) else [k]
    qmp.cmd("send-key", keys=[{"type": "qcode", "data": x} for x in keys], **{"hold-time": 20})
    time.sleep(0.05)


def screen(qmp):
    out = qmp.cmd("human-monitor-command", **{"command-line": "xp /2000hx 0xb8000"})
    cells = [int(v, 16) for line in out.splitlines() for v in line.split(":", 1)[1].split()]
    return "\n".join("".join(chr(c & 0xff) if 0x20 <= (c & 0xff) < 0x7f else " "
                             for c in cells[y * 80:(y + 1) * 80]).rstrip() for y in range(25))


if os.path.exists(SOCK):
    os.unlink(SOCK)
proc = subprocess.Popen(
    ["tools/qemu-run", "-t", "200", "-o", LOG, "--", "-m", "256M", "-smp", "2",
     "-qmp", "unix:%s,server,nowait" % SOCK,
     "-kernel", KERNEL, "-initrd", INITRD, "-append", "console=ttyS0"],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
ok = False
text = ""
try:
    qmp = Qmp(SOCK, 30)
    end = time.time() + 150
    while time.time() < end and not ok:
        for ch in "echo K$((6*7))Z\r":
            send(qmp, ch)
        time.sleep(1)
        text = screen(qmp)
        ok = any(line.strip() == "K42Z" for line in text.splitlines())
finally:
    proc.terminate()
    proc.wait(20)
    if os.path.exists(SOCK):
        os.unlink(SOCK)
print(text)
print(("ok" if ok else "FAIL") + " - typed on the keyboard, the shell on tty1 answered on the screen")
sys.exit(0 if ok else 1)
