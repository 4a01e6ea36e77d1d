# An event loop in C against glibc (tests/compat/events.c, in
# $COMPAT_BIN): epoll level- and edge-triggered and one-shot over
# AF_UNIX sockets, eventfd, timerfd, signalfd, stream servers on a path
# and in the abstract namespace with SO_PEERCRED, SCM_RIGHTS, seqpacket
# and datagram boundaries. Then Debian's coreutils look at a socket's
# node in the file system.
set -e
"$COMPAT_BIN/events"
"$COMPAT_BIN/events" bind sock
stat -c '%F %a %s' sock
ls -l sock | cut -c1-10
test -S sock && echo "test -S: a socket"
rm sock
test -e sock || echo "removed"
