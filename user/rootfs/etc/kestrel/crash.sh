# Crash programs on purpose (tests/integration/crash.sh): each one gets its
# signal (shell status 128 + signal) and the system goes on.
for what in null stack div null; do
	/testprogs/crash $what
	echo "crash $what: status $?"
done
echo "still alive: $(echo ok | cat)"
