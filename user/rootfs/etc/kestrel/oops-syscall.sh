# Oopses inside system calls (tests/integration/oops_syscall.sh, the test
# kernel's /dev/crashtest): each writer is killed by SIGSEGV (shell status
# 139), the shell and the machine go on, and a second oops works as the first.
sh -c 'echo pagefault > /dev/crashtest'
echo "oops-syscall pagefault: status $?"
sh -c 'echo ud2 > /dev/crashtest'
echo "oops-syscall ud2: status $?"
echo "oops-syscall: still alive: $(echo ok | cat)"
