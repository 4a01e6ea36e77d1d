# The system-call fuzzer with its options from the kernel command line
# (fuzz.seeds=, fuzz.calls=, fuzz.uids=, fuzz.jobs=, fuzz.time=):
# tests/integration/fuzz.sh, make fuzz, make soak; docs/security.md.
/testprogs/fuzz --cmdline
echo "fuzz: exit status $?"
