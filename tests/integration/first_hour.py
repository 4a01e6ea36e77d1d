#!/usr/bin/env python3
"""A student's first hour at busybox's prompt on the serial line.

Boots the kernel users boot with the initramfs and types, as a person
would (keys into QEMU's serial port, output read back):

  - `ps`: Kestrel's /bin/ps runs, not busybox's applet of that name
    (its header is "  PID  PPID S COMMAND"; busybox's is "PID   USER ...");
  - `hello`: user/hello.c, the first program, is in /bin;
  - `dmesg`: busybox's dmesg reads the kernel log through syslog(2);
  - `cat /dev/kmsg` blocks after the last record, and ^C ends it (status 130);
  - `busybox poweroff`: busybox sends SIGUSR2 to PID 1, and init powers
    the machine off: QEMU ends by itself with status 0.

Usage: first_hour.py KERNEL INITRD LOGFILE
Exit status 0 when every check passed; the transcript goes to LOGFILE.
"""
import os
import re
import select
import subprocess
import sys
import time

KERNEL, INITRD, LOG = sys.argv[1:4]
APPEND = "console=ttyS0 console=tty0"

proc = subprocess.Popen(
    ["timeout", "-s", "KILL", "240", os.environ.get("QEMU", "qemu-system-x86_64"),
     "-accel", "tcg", "-no-reboot", "-display", "none", "-monitor", "none",
     "-serial", "stdio", "-m", "256M", "-smp", "2",
     "-kernel", KERNEL, "-initrd", INITRD, "-append", APPEND],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
out = b""
log = open(LOG, "wb")
failures = []


def pump(timeout):
    """Read what QEMU printed within timeout seconds."""
    global out
    end = time.time() + timeout
    while True:
        left = end - time.time()
        if left <= 0:
            return
        r, _, _ = select.select([proc.stdout], [], [], left)
        if not r:
            return
        data = os.read(proc.stdout.fileno(), 4096)
        if not data:
            return
        out += data
        log.write(data)
        log.flush()


def expect(pattern, timeout=20.0, start=0):
    """Wait until the output after offset start matches pattern; the match or None."""
    rx = re.compile(pattern.encode())
    end = time.time() + timeout
    while True:
        m = rx.search(out, start)
        if m:
            return m
        if time.time() >= end or proc.poll() is not None:
            pump(0.5)
            return rx.search(out, start)
        pump(min(0.2, max(0.0, end - time.time())))


def type_keys(s, delay=0.02):
    """Type s a key at a time (a person's pace: the UART FIFO never overflows)."""
    for ch in s.encode():
        proc.stdin.write(bytes([ch]))
        proc.stdin.flush()
        time.sleep(delay)


def check(name, pattern, timeout=20.0, since=0):
    m = expect(pattern, timeout, since)
    print(("ok" if m else "FAIL") + " - " + name)
    if not m:
        failures.append(name)
    return m


def run(cmd, pattern, name, timeout=20.0):
    """Type cmd + Enter, expect pattern in what follows."""
    start = len(out)
    type_keys(cmd + "\r")
    return check(name, pattern, timeout, start)


def shell_ready(timeout):
    """Poke the shell until it answers (it starts after the boot)."""
    end = time.time() + timeout
    while time.time() < end:
        start = len(out)
        type_keys("echo R$((6*7))Y\r")
        if expect(r"R42Y\r?\n", 3, start):
            return True
    return False


def session():
    if not shell_ready(150):
        print("FAIL - a shell answered on ttyS0")
        failures.append("shell")
        return
    print("ok - a shell answered on ttyS0")

    run("ps", r"\n  PID  PPID S COMMAND\r?\n", "ps runs Kestrel's /bin/ps, not busybox's applet")
    run("hello world", r"\nHello from user space, pid [0-9]+, world!\r?\n",
        "hello (user/hello.c) runs from /bin")
    run("dmesg | grep -c 'initramfs: unpacked'", r"\n1\r?\n",
        "dmesg reads the kernel log (syslog(2))")
    run("dmesg -c > /dev/null; dmesg | wc -l", r"\n0\r?\n",
        "dmesg -c clears the log dmesg reads (SYSLOG_ACTION_READ_CLEAR)")

    start = len(out)
    type_keys("cat /dev/kmsg\r")
    check("cat /dev/kmsg prints the records", r"\n6,[0-9]+,[0-9]+,-;initramfs: unpacked", 20,
          start)
    time.sleep(1.5)		# now blocked, waiting for the next record
    type_keys("\x03")
    run("echo kmsg=$?", r"\nkmsg=130\r?\n", "^C ends cat /dev/kmsg (SIGINT, status 130)", 10)

    start = len(out)
    type_keys("busybox poweroff\r")
    check("init takes busybox's SIGUSR2 as power off",
          r"init: the system is going down \(power off\)", 20, start)
    check("the machine powers off", r"reboot: Power down", 20, start)
    try:
        status = proc.wait(30)
    except subprocess.TimeoutExpired:
        status = None
    ok = status == 0
    print(("ok" if ok else "FAIL") + " - QEMU ended by itself with status 0 (%s)" % status)
    if not ok:
        failures.append("QEMU exit")


try:
    session()
finally:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    pump(0)
    log.close()
    if failures:
        print("%d failed: %s" % (len(failures), ", ".join(failures)))

sys.exit(1 if failures else 0)
