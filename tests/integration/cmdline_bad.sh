#!/usr/bin/env bash
# Malformed and unknown command-line words give a clear message each, and
# the kernel goes on to the end of boot (here: runs a ktest and powers off
# with its verdict, so exit status 33 proves boot finished).
. "$(dirname "$0")/lib.bash"

boot_kernel 60 'console=ttyS0 loglevel=abc frobnicate ktest=printk.format_strings loglevel=99 bad.param=1 msg="never closed' -m 64M
expect_status 33
expect_line "malformed 'loglevel=abc'" "message about loglevel=abc"
expect_line "malformed 'loglevel=99'" "message about the out-of-range loglevel=99"
expect_line 'Unknown kernel command line parameters ".*frobnicate' "message naming the unknown word"
expect_line 'unterminated quote' "message about the unterminated quote"
expect_line '^1 passed, 0 failed' "ktest summary (the end of boot)"
expect_clean_log

# A command line longer than the kernel keeps, and too many words.
long=$(printf 'w%d ' $(seq 1 300))
boot_kernel 60 "console=ttyS0 ktest=printk.format_strings $long" -m 64M
expect_status 33
expect_line 'cmdline: more than [0-9]+ words' "message about too many words"
expect_clean_log
pass
