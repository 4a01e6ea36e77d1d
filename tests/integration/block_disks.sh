#!/usr/bin/env bash
# Four virtio-blk disks at once, their partition tables made here with
# sfdisk (16 MiB each):
#   vda  MBR: two primaries, an extended partition with two logicals;
#   vdb  GPT, three partitions;
#   vdc  GPT whose primary header is damaged: the backup is used, one line;
#   vdd  GPT whose backup header is damaged: the primary is used, one line.
# In Kestrel (block-test.sh, BLKTEST=disks, -smp 4): /proc/partitions
# lists every partition with the size sfdisk gave it (Linux's format,
# the extended partition as 1 KiB), /dev has vda1 ... vdd3; four
# processes on four CPUs each write a partition of another disk (two
# through the page cache and fsync, two O_DIRECT) and read it back, then
# sync and poweroff; /proc/diskstats counts the I/O. The host finds every written byte in the images at
# the partitions' offsets, and nothing else changed.
. "$(dirname "$0")/lib.bash"
KERNEL=$PLAIN_KERNEL

INITRAMFS=build/initramfs.cpio
PATTERN=build/user/testprogs/blkpattern
[ -f "$INITRAMFS" ] || fail "$INITRAMFS missing: run make"
[ -x build/initramfs.d/bin/busybox ] || fail "no busybox in the initramfs: install busybox-static"
[ -x "$PATTERN" ] || fail "$PATTERN missing: run make"
command -v sfdisk > /dev/null || fail "no sfdisk (util-linux's fdisk package): run tools/deps.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
disks=(vda vdb vdc vdd)
for d in "${disks[@]}"; do
	truncate -s 16M "$scratch/$d.img"
done
printf 'label: dos\n,4M,L\n,2M,c\n,,E\n,3M,L\n,,L\n' | sfdisk -q "$scratch/vda.img" ||
	fail "sfdisk (MBR)"
printf 'label: gpt\n,4M,L\n,4M,L\n,,L\n' | sfdisk -q "$scratch/vdb.img" || fail "sfdisk (GPT)"
printf 'label: gpt\n,4M,L\n,,L\n' | sfdisk -q "$scratch/vdc.img" || fail "sfdisk (GPT)"
printf 'label: gpt\n,2M,L\n,2M,L\n,,L\n' | sfdisk -q "$scratch/vdd.img" || fail "sfdisk (GPT)"

# Partition starts and sizes (sectors) as sfdisk reads them, before the damage.
declare -A START SIZE
expected=$scratch/expected
: > "$expected"
for i in "${!disks[@]}"; do
	d=${disks[$i]}
	while read -r n start size type; do
		START[$d$n]=$start
		SIZE[$d$n]=$size
		kib=$((size / 2))
		case $type in 5 | f | 85) kib=1 ;; esac	# Linux shows an extended partition as 1 KiB
		echo "254 $((i * 16 + n)) $kib $d$n" >> "$expected"
	done < <(sfdisk -J "$scratch/$d.img" | python3 -c '
import json, sys, re
for p in json.load(sys.stdin)["partitiontable"]["partitions"]:
    print(re.search(r"(\d+)$", p["node"]).group(1), p["start"], p["size"], p["type"])')
	echo "254 $((i * 16)) 16384 $d" >> "$expected"
done
# Damage: a byte of vdc's primary header (LBA 1), one of vdd's backup (the last LBA).
printf '\xff' | dd of="$scratch/vdc.img" bs=1 seek=$((512 + 40)) conv=notrunc 2> /dev/null
printf '\xff' | dd of="$scratch/vdd.img" bs=1 seek=$(((16 << 20) - 512 + 40)) conv=notrunc 2> /dev/null
for d in "${disks[@]}"; do
	cp "$scratch/$d.img" "$scratch/$d.orig"
done

args=()
for d in "${disks[@]}"; do
	args+=(-drive "file=$scratch/$d.img,if=none,id=$d,format=raw" -device "virtio-blk-pci,drive=$d")
done
boot_kernel 300 "console=ttyS0 quiet loglevel=5 kestrel.run=/etc/kestrel/block-test.sh BLKTEST=disks" \
	-M pc -smp 4 -m 512M -initrd "$INITRAMFS" "${args[@]}"
expect_status 0
expect_line '^== block-test done$' "end of the run"
expect_clean_log

# /proc/partitions: exactly the expected lines for the vd disks.
log_text | sed -n 's/^part //p' | awk '{print $1, $2, $3, $4}' | sort > "$scratch/got"
sort "$expected" > "$scratch/want"
diff "$scratch/want" "$scratch/got" > "$scratch/diff" ||
	fail "/proc/partitions differs from sfdisk's tables (- wanted, + got): $(tr '\n' ' ' < "$scratch/diff")"
want_dev="dev $(awk '{print $4}' "$expected" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
expect_exact_line "$want_dev" "the /dev nodes ($want_dev)"

# The damaged copies: one line each, the other copy used.
n=$(log_text | grep -c '^vdc: GPT: the primary header is invalid (it fails its CRC); using the backup$')
[ "$n" = 1 ] || fail "$n lines saying vdc's primary GPT header is invalid, wanted 1"
n=$(log_text | grep -c '^vdd: GPT: the backup header at LBA 32767 is invalid (it fails its CRC); using the primary$')
[ "$n" = 1 ] || fail "$n lines saying vdd's backup GPT header is invalid, wanted 1"

# /proc/diskstats in Linux's format: a line of 20 fields per disk and
# partition; vdb2's 4 MiB O_DIRECT write is 8192 sectors written, on the
# partition and on its disk (nothing else writes vdb); its reader read them.
log_text | sed -n 's/^stat //p' > "$scratch/stats"
[ "$(awk 'NF == 20' "$scratch/stats" | wc -l)" = "$(wc -l < "$expected")" ] ||
	fail "/proc/diskstats: not one 20-field line per disk and partition: $(tr '\n' '|' < "$scratch/stats")"
for d in vdb2 vdb; do
	read -r rd_sectors wr_ios wr_sectors < <(awk -v d=$d '$3 == d {print $6, $8, $10}' "$scratch/stats")
	[ "${wr_sectors:-}" = 8192 ] || fail "/proc/diskstats: $d wrote ${wr_sectors:-?} sectors, wanted 8192"
	[ "${wr_ios:-0}" -ge 1 ] && [ "${rd_sectors:-0}" -ge 8192 ] ||
		fail "/proc/diskstats: $d: $wr_ios writes, $rd_sectors sectors read"
done

# The writers' bytes, at each partition's offset in its image.
check() {	# DISK PART OFFSET LENGTH SEED
	local at=$((${START[$1$2]} * 512 + $3))
	expect_exact_line "blkpattern: wrote $4 bytes at $3" "the writer of $1$2"
	expect_exact_line "blkpattern: checked $4 bytes at $3" "the reader of $1$2"
	"$PATTERN" check "$scratch/$1.img" "$at" "$4" "$5" > "$scratch/check" 2>&1 ||
		fail "the bytes written to $1$2 are not in $1's image: $(cat "$scratch/check")"
	# Everything else is as it was.
	cmp -s -n "$at" "$scratch/$1.img" "$scratch/$1.orig" || fail "$1 changed before $1$2's bytes"
	cmp -s -i $((at + $4)) "$scratch/$1.img" "$scratch/$1.orig" || fail "$1 changed after $1$2's bytes"
}
check vda 5 1048576 2097152 21
check vdb 2 0 4194304 22
check vdc 1 524288 3145728 23
check vdd 3 0 2097152 24
pass
