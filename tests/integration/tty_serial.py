#!/usr/bin/env python3
"""Type at the shell on Kestrel's serial line, as a person would.

Boots the kernel with the initramfs (init starts a shell on /dev/ttyS0),
writes keystrokes into QEMU's serial port (its stdin) and reads what the
tty echoes and the programs print (its stdout). Checks the line
discipline and job control from user space:

  - canonical mode (cat's input): DEL erases a character, ^U the line,
    ^W a word, and ^D ends the input (EOF);
  - ^C interrupts a running `sleep` (SIGINT to the foreground group,
    status 130), ^\\ too (SIGQUIT, 131);
  - ^Z stops a foreground job and `fg` continues it (when the shell has
    job control on the line);
  - the termios and window size ioctls through `stty`;
  - poll(2)'s timeout through the shell's `read -t`.

Usage: tty_serial.py KERNEL INITRD LOGFILE
Exit status 0 when every check passed; the transcript goes to LOGFILE.
"""
import os
import re
import select
import subprocess
import sys
import time

KERNEL, INITRD, LOG = sys.argv[1:4]
# The screen takes /dev/console (and init's session), so ttyS0's shell is
# the session leader and controlling process of ttyS0: job control works.
APPEND = "console=ttyS0 console=tty0"

# QEMU directly, not through tools/qemu-run: that runs QEMU in the
# background of a non-interactive shell, whose stdin is then /dev/null;
# here stdin is the serial line. `timeout` bounds it the same way.
proc = subprocess.Popen(
    ["timeout", "-s", "KILL", "240", os.environ.get("QEMU", "qemu-system-x86_64"),
     "-accel", "tcg", "-no-reboot", "-display", "none", "-monitor", "none",
     "-serial", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
     "-m", "256M", "-smp", "2",
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
            return None
        pump(min(0.2, max(0.0, end - time.time())))


def type_keys(s, delay=0.02):
    """Type s a key at a time (a person's pace: the UART FIFO never overflows)."""
    for ch in s.encode():
        proc.stdin.write(bytes([ch]))
        proc.stdin.flush()
        time.sleep(delay)


def check(name, pattern, timeout=20.0, since=None):
    m = expect(pattern, timeout, since if since is not None else 0)
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

    run("echo $((6*7))", r"\n42\r?\n", "the shell reads a line (raw mode, its own editing)")

    # stty: termios (TCGETS) and the window size (TIOCGWINSZ).
    run("stty -a", r"[ \n]icanon[ \r\n]", "stty reads the termios")
    run("stty size", r"\n24 80\r?\n", "stty size: 24 rows, 80 columns")
    run("stty -echo; echo hid''den; stty echo", r"\nhidden\r?\n", "stty changes the termios")

    # poll(2) with a timeout: the shell's `read -t` waits for input that does not come.
    run("read -t 1 x; echo rt=$?", r"\nrt=[1-9][0-9]*\r?\n", "read -t times out (poll)", 15)

    # Canonical mode: cat reads what n_tty made of the line; ^D ends its input.
    start = len(out)
    type_keys("cat\r")
    time.sleep(0.5)
    type_keys("line one\r")
    check("cat gets a line", r"line one\r?\n(.|\n)*line one\r?\n", 10, start)
    start = len(out)
    type_keys("abx\x7fc\r")
    check("DEL erases one character", r"\nabc\r?\n", 10, start)
    start = len(out)
    type_keys("gone\x15kept\r")
    check("^U kills the line", r"\nkept\r?\n", 10, start)
    start = len(out)
    type_keys("one two\x17three\r")
    check("^W erases a word", r"\none three\r?\n", 10, start)
    type_keys("\x04")
    run("echo cat=$?", r"\ncat=0\r?\n", "^D ends cat's input")

    # ^C and ^\: signals to the foreground process group.
    start = len(out)
    type_keys("sleep 30\r")
    time.sleep(1.5)
    type_keys("\x03")
    check("^C is echoed", r"\^C", 10, start)
    run("echo int=$?", r"\nint=130\r?\n", "^C interrupts sleep (SIGINT, status 130)", 10)
    type_keys("sleep 30\r")
    time.sleep(1.5)
    type_keys("\x1c")
    run("echo quit=$?", r"\nquit=131\r?\n", "^\\ quits sleep (SIGQUIT, status 131)", 10)

    # ^Z and fg: job control.
    start = len(out)
    type_keys("sleep 30\r")
    time.sleep(1.5)
    type_keys("\x1a")
    if check("^Z stops sleep", r"[Ss]topped", 10, start):
        run("jobs", r"sleep 30", "jobs lists the stopped job")
        start = len(out)
        type_keys("fg\r")
        time.sleep(1.5)
        type_keys("\x03")
        run("echo fg=$?", r"\nfg=130\r?\n", "fg continues it in the foreground, ^C ends it", 10)


try:
    session()
finally:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    if failures:
        print("%d failed: %s" % (len(failures), ", ".join(failures)))

sys.exit(1 if failures else 0)
