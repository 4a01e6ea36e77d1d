#!/usr/bin/env python3
"""What `make run` promises: the ISO boots to a shell on the serial console.

Boots ISO (GRUB loads the kernel and the initramfs module) from a CD-ROM,
with QEMU's serial port on its stdin/stdout as in tty_serial.py, waits
for the shell's prompt (`kestrel:/# `, PS1 of user/rootfs/etc/profile),
types a command whose output differs from its echo (`echo iso-$((6*7))`
must print iso-42: a shell ran it), then `poweroff -f`, and expects QEMU
to exit by itself (ACPI power off; -no-reboot) before the time limit.

Usage: iso_shell.py ISO LOGFILE [EXTRA-QEMU-ARGS...]
Exit status 0 when every check passed; the serial transcript goes to LOGFILE.
"""
import os
import re
import select
import subprocess
import sys
import time

ISO, LOG = sys.argv[1:3]
EXTRA = sys.argv[3:]
LIMIT = 120	# seconds for the whole run: `timeout` kills QEMU after that

# QEMU directly, not through tools/qemu-run (its stdin would be /dev/null);
# `timeout` bounds it the same way.
proc = subprocess.Popen(
    ["timeout", "-s", "KILL", str(LIMIT), os.environ.get("QEMU", "qemu-system-x86_64"),
     "-accel", "tcg", "-no-reboot", "-display", "none", "-monitor", "none",
     "-serial", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
     "-M", "pc", "-m", "512M", "-smp", "2", "-cdrom", ISO] + EXTRA,
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
out = b""
log = open(LOG, "wb")
failures = []
t0 = time.time()


def pump(timeout):
    """Read what QEMU printed within timeout seconds; False at end of output."""
    global out
    r, _, _ = select.select([proc.stdout], [], [], max(0.0, timeout))
    if not r:
        return True
    data = os.read(proc.stdout.fileno(), 4096)
    if not data:
        return False
    out += data
    log.write(data)
    log.flush()
    return True


def expect(pattern, timeout, start=0):
    """Wait until the output after offset start matches pattern; the match or None."""
    rx = re.compile(pattern.encode())
    end = time.time() + timeout
    while True:
        m = rx.search(out, start)
        if m:
            return m
        if time.time() >= end:
            return None
        if not pump(min(0.2, end - time.time())):
            return rx.search(out, start)


def type_keys(s, delay=0.02):
    """Type s a key at a time (the UART FIFO never overflows)."""
    for ch in s.encode():
        proc.stdin.write(bytes([ch]))
        proc.stdin.flush()
        time.sleep(delay)


def check(name, ok):
    print("%s - %s (%.0fs)" % ("ok" if ok else "FAIL", name, time.time() - t0))
    if not ok:
        failures.append(name)
    return ok


def session():
    if not check("the shell prompt on ttyS0", expect(r"kestrel:/# ", 90)):
        return
    start = len(out)
    type_keys("echo iso-$((6*7))\r")
    # The echo of the input holds `iso-$((6*7))`; only the shell prints iso-42.
    if not check("the shell runs a command (iso-42)", expect(r"\niso-42\r?\n", 20, start)):
        return
    type_keys("poweroff -f\r")
    try:
        status = proc.wait(30)
    except subprocess.TimeoutExpired:
        status = None
    while pump(0.5):
        pass
    check("poweroff: QEMU exits by itself (status %s)" % status, status == 0)


try:
    session()
finally:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    log.close()
    if failures:
        print("%d failed: %s" % (len(failures), ", ".join(failures)))

sys.exit(1 if failures else 0)
