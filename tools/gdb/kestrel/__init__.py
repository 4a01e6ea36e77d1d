# tools/gdb/kestrel: Kestrel's gdb commands, loaded by tools/gdb/kestrel.gdb.
# Each module registers its commands with register(); docs/debugging.md
# lists them all.
