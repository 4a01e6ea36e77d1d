#!/usr/bin/env python3
"""tools/gen-compile-commands.py MAKE: print compile_commands.json.

Runs `MAKE -n -B V=1 all kernel-test host-tests` (print every command without running
it) and keeps each compiler invocation with `-c SOURCE`, so the database
holds the exact flags of the real build (both kernels and the host tests) for clangd
and other editors. `make compile_commands.json` calls this.
"""
import json
import os
import shlex
import subprocess
import sys


def main():
    make = sys.argv[1] if len(sys.argv) > 1 else "make"
    out = subprocess.run([make, "-n", "-B", "V=1", "all", "kernel-test", "host-tests"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, check=False).stdout
    root = os.getcwd()
    entries = {}
    for line in out.splitlines():
        try:
            argv = shlex.split(line)
        except ValueError:
            continue
        if "-c" not in argv or "-o" not in argv:
            continue
        src = argv[argv.index("-c") + 1]
        if not src.endswith((".c", ".S")):
            continue
        entries[src + " " + argv[argv.index("-o") + 1]] = {
            "directory": root,
            "file": os.path.join(root, src),
            "arguments": argv,
        }
    if not entries:
        sys.exit("gen-compile-commands: no compile commands in `make -n` output")
    json.dump(list(entries.values()), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
