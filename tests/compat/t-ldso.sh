# glibc's dynamic linker itself: --version, --list (the libraries and the
# vDSO it found, addresses cut: they are random), and running a program
# through it. Without the kernel zeroing the rest of ld.so's last file
# page, --list died with "segfault at 20".
set -e
ldso=/lib64/ld-linux-x86-64.so.2
$ldso --version | head -n 1
$ldso --list /usr/bin/dash | sed 's/ (0x[0-9a-f]*)$//'
$ldso --list /usr/bin/ls | sed 's/ (0x[0-9a-f]*)$//'
$ldso /usr/bin/true && echo "true through ld.so: $?"
$ldso /usr/bin/seq 3
