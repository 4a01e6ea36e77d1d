#!/bin/sh
# tools/mkinitramfs.sh OUT.cpio USER_BUILD [BUSYBOX]
#
# Build the initramfs (a cpio newc archive, as the kernel's fs/initramfs.c
# unpacks it) from the user programs in USER_BUILD (make user):
#   /init                    USER_BUILD/init
#   /bin/ksh                 USER_BUILD/sh (Kestrel's shell)
#   /bin/*                   USER_BUILD/bin/*, and every other program of
#                            USER_BUILD (user/hello.c -> /bin/hello) but
#                            init, sh and the tests' folders
#   /tests/*, /testprogs/*   the user-space tests and their helper programs
#   /etc, ...                user/rootfs/ as it is
#   /bin/busybox + links     when BUSYBOX is a statically linked binary
#                            (Debian's busybox-static: /bin/busybox): a
#                            symlink /bin/APPLET -> busybox for every applet
#                            Kestrel's own /bin does not have
#   /bin/sh                  busybox when present, else ksh
# plus the mount points /dev, /proc, /tmp. Every file is owned by root; the
# archive is reproducible (sorted names, cpio --reproducible).
set -eu
out=$1 ub=$2 busybox=${3:-}
stage=${out%.cpio}.d
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/tests" "$stage/testprogs" "$stage/dev" "$stage/proc" \
	"$stage/tmp" "$stage/root"
chmod 1777 "$stage/tmp"
[ -d user/rootfs ] && cp -R user/rootfs/. "$stage/"
cp "$ub/init" "$stage/init"
cp "$ub/sh" "$stage/bin/ksh"
for d in bin tests testprogs; do
	for f in "$ub/$d"/*; do
		[ -f "$f" ] && cp "$f" "$stage/$d/"
	done
done

# The rest of user/: a student's user/hello.c or user/lab/prog.c.
(cd "$ub" && find . -type f ! -path './bin/*' ! -path './tests/*' ! -path './testprogs/*' \
	! -name init ! -name sh) | while read -r f; do
	cp "$ub/$f" "$stage/bin/"
done

if [ -n "$busybox" ] && [ -x "$busybox" ]; then
	if readelf -l "$busybox" 2>/dev/null | grep -q INTERP; then
		echo "mkinitramfs: $busybox is dynamically linked: not included (install busybox-static)" >&2
	else
		cp "$busybox" "$stage/bin/busybox"
		for a in $("$busybox" --list); do
			[ -e "$stage/bin/$a" ] || ln -s busybox "$stage/bin/$a"
		done
	fi
fi
[ -e "$stage/bin/sh" ] || ln -s ksh "$stage/bin/sh"

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
