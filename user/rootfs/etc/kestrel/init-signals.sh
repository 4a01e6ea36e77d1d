# Orphans made by uid 1000 whose exit signal is SIGKILL (9) or SIGSTOP (19)
# exit while init is their parent (tests/integration/init_signals.sh):
# init must neither die nor stop, and the machine must go on.
/testprogs/orphan_exit_signal 9 19 9 19
# Until init has reaped them (their exit signal was SIGCHLD by then).
n=0
while [ -n "$(grep -l '^PPid:[[:space:]]*1$' /proc/[0-9]*/status 2>/dev/null | while read f; do
	grep -q '^Name:[[:space:]]*orphan_exit_sig' "$f" && echo "$f"; done)" ] && [ $n -lt 600 ]; do
	sleep 0.1
	n=$((n + 1))
done
echo "init state: $(sed -n 's/^State:[[:space:]]*//p' /proc/1/status)"
echo "still alive: $(echo ok | cat)"
