#!/bin/sh
# tools/mkcompat.sh OUT.cpio BASE_STAGE
#
# The initramfs of the compat tests (tests/compat/, tests/integration/
# compat.sh): the ordinary one (BASE_STAGE, the tree tools/mkinitramfs.sh
# staged) plus Debian's own dynamically linked programs from this host,
# exactly as Debian ships them:
#   /usr/bin/<prog>          every program tests/compat/programs names
#                            (found in /usr/bin or /bin of this host)
#   /lib..., /usr/lib...     every library `ldd` lists for them, at the
#                            path ldd prints, and the dynamic linker
#                            /lib64/ld-linux-x86-64.so.2
#   /compat/*.sh             the test scripts and their runner
#   /compat/bin/<prog>       tests/compat/*.c, built here against glibc
#                            (dynamically linked, like Debian's programs)
#   /etc/mtab                -> /proc/mounts, as on this host (df reads it)
# Every file is owned by root; the archive is reproducible.
set -eu
out=$1 base=$2
stage=${out%.cpio}.d
rm -rf "$stage"
mkdir -p "$stage"
cp -R "$base/." "$stage/"
mkdir -p "$stage/usr/bin" "$stage/compat/bin" "$stage/etc"

# copy_lib PATH: a library (or the dynamic linker) at the path it has here.
copy_lib() {
	[ -e "$stage$1" ] && return 0
	mkdir -p "$stage$(dirname "$1")"
	cp -L "$1" "$stage$1"
}

# copy_deps ELF: what ldd says it needs ("name => path (addr)" or "path (addr)").
copy_deps() {
	ldd "$1" | while read -r a b c _; do
		case $a in
		/*) copy_lib "$a" ;;
		esac
		if [ "$b" = "=>" ]; then
			case $c in
			/*) copy_lib "$c" ;;
			*) echo "mkcompat: $1 needs $a, which ldd cannot find" >&2; exit 1 ;;
			esac
		fi
	done
}

for prog in $(sed 's/#.*//' tests/compat/programs); do
	path=
	for dir in /usr/bin /bin; do
		[ -x "$dir/$prog" ] && { path=$dir/$prog; break; }
	done
	if [ -z "$path" ]; then
		echo "mkcompat: $prog is not installed (tools/deps.sh installs it)" >&2
		exit 1
	fi
	cp -L "$path" "$stage/usr/bin/$prog"
	copy_deps "$path"
done

for c in tests/compat/*.c; do
	[ -f "$c" ] || continue
	bin=$stage/compat/bin/$(basename "$c" .c)
	gcc -O2 -Wall -Wextra -Werror -o "$bin" "$c"
	copy_deps "$bin"
done
cp tests/compat/*.sh "$stage/compat/"
ln -sf /proc/mounts "$stage/etc/mtab"

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
