#!/bin/sh
# QEMU's multiboot-1 loader copies the kernel file raw, so every PT_LOAD
# segment must sit at the same (file offset - physical address). Fail the
# build if the linker broke that (for example a NOLOAD section mid-image).
set -eu
elf=$1
first=
readelf -lW "$elf" | awk '$1 == "LOAD" { print $2, $4 }' > "$elf.loads"
while read -r off paddr; do
	delta=$((off - paddr))
	if [ -z "$first" ]; then
		first=$delta
	elif [ "$delta" -ne "$first" ]; then
		echo "check-layout: $elf: LOAD at paddr $paddr has offset-paddr $delta, expected $first" >&2
		rm -f "$elf.loads"
		exit 1
	fi
done < "$elf.loads"
rm -f "$elf.loads"
