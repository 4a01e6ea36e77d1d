#!/usr/bin/env bash
# Several disks at once, each with an MBR partition table made here by
# sfdisk, under -M q35 -smp 4: two AHCI disks, sda on a -device ahci
# controller (two primary partitions and an extended one holding three
# logical partitions, sda5-sda7; that controller has a lower PCI address
# than the built-in one, so its disk comes first, as on Linux) and sdb on
# q35's built-in controller (four primary partitions); beside them four
# virtio-blk disks, vda-vdd, with tables of other shapes. Every disk and
# partition appears in /proc/partitions with the size sfdisk gave it (1 KiB
# blocks; an extended partition itself as 1 block, as Linux shows it; 16
# minors a disk, virtio-blk on its dynamic major), and reading sda6, sdb4
# and vdb5 in the guest gives the host's sha256 of the same sectors of the
# images (the partitions start where the tables say).
here=$(dirname "$0")
. "$here/lib.bash"
. "$here/disk_lib.bash"
command -v sfdisk > /dev/null || fail "no sfdisk: install fdisk (tools/deps.sh)"

sda=$(disk_image sda random 64)
sdb=$(disk_image sdb random 48)
printf 'label: dos\nsize=10MiB, type=83\nsize=20MiB, type=83\ntype=05\nsize=8MiB, type=83\nsize=12MiB, type=83\ntype=83\n' |
	sfdisk -q "$sda" > /dev/null || fail "sfdisk could not partition $sda"
printf 'label: dos\nsize=8MiB, type=83\nsize=8MiB, type=83\nsize=16MiB, type=83\ntype=83\n' |
	sfdisk -q "$sdb" > /dev/null || fail "sfdisk could not partition $sdb"
vd_tables=(
	'label: dos\nsize=6MiB, type=83\ntype=83\n'
	'label: dos\nsize=4MiB, type=83\ntype=0f\nsize=5MiB, type=83\ntype=83\n'
	'label: dos\ntype=83\n'
	'label: dos\nsize=3MiB, type=83\nsize=3MiB, type=83\ntype=83\n'
)
vd=() vd_names=(vda vdb vdc vdd)
for i in 0 1 2 3; do
	vd[i]=$(disk_image "vd$i" random $((16 + 4 * i)))
	printf "${vd_tables[i]}" | sfdisk -q "${vd[i]}" > /dev/null || fail "sfdisk could not partition ${vd[i]}"
done

# expected_lines IMAGE DISK MAJOR MINOR: /proc/partitions' lines for the disk and its partitions, from sfdisk -J.
expected_lines() {
	sfdisk -J "$1" | python3 -c '
import json, os, sys
img, disk, major, minor = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
print("%4d  %7d %10d %s" % (major, minor, os.path.getsize(img) // 1024, disk))
for p in json.load(sys.stdin)["partitiontable"]["partitions"]:
    n = int(p["node"][len(img):])
    blocks = 1 if p["type"] in ("5", "f", "85") else p["size"] // 2
    print("%4d  %7d %10d %s%d" % (major, minor + n, blocks, disk, n))
' "$1" "$2" "$3" "$4"
}
# part_sum IMAGE N: the sha256 of partition N's sectors in the image.
part_sum() {
	local start size
	read -r start size < <(sfdisk -J "$1" | python3 -c '
import json, sys
p = [p for p in json.load(sys.stdin)["partitiontable"]["partitions"] if p["node"] == sys.argv[1]][0]
print(p["start"], p["size"])' "$1$2")
	sha256_of "$1" $((start * 512)) $((size * 512))
}

guest_script <<'SCRIPT'
grep -E ' (sd|vd)[a-z]+[0-9]*$' /proc/partitions | sed 's/^/part:/'
echo "sda6: $(dd if=/dev/sda6 bs=1M 2>/dev/null | sha256sum | cut -d' ' -f1)"
echo "sdb4: $(dd if=/dev/sdb4 bs=1M iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"
echo "vdb5: $(dd if=/dev/vdb5 bs=1M iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"
echo "partitions done"
SCRIPT

virtio_disks=()
for i in 0 1 2 3; do
	virtio_disks+=(-drive "file=${vd[i]},if=none,id=vd$i,format=raw" -device "virtio-blk-pci,drive=vd$i")
done
boot_guest 240 -M q35 -smp 4 $(ahci_hba ahci1) $(ahci_hba_disk ahci1 "$sda" 0) $(ahci_q35_disk "$sdb" 0) \
	"${virtio_disks[@]}"
expect_line '^partitions done$' "the end of the script"
expect_status 0
expect_clean_log
vd_major=$(log_text | awk '/^part: *[0-9]+ +0 +[0-9]+ vda$/ { print $2 }')
[ -n "$vd_major" ] || fail "no vda in /proc/partitions (see $LOG)"
want=$( (expected_lines "$sda" sda 8 0; expected_lines "$sdb" sdb 8 16
	for i in 0 1 2 3; do
		expected_lines "${vd[i]}" "${vd_names[i]}" "$vd_major" $((16 * i))
	done) | sed 's/^/part:/' | sort)
got=$(log_text | grep -a '^part:' | sort)
[ "$want" = "$got" ] || fail "/proc/partitions differs from sfdisk's tables: wanted
$want
got
$got"
[ "$(echo "$want" | wc -l)" = 26 ] || fail "sfdisk made $(echo "$want" | wc -l) lines, wanted 26"
expect_exact_line "sda6: $(part_sum "$sda" 6)" "sda6's sha256 (a logical partition)"
expect_exact_line "sdb4: $(part_sum "$sdb" 4)" "sdb4's sha256 (O_DIRECT)"
expect_exact_line "vdb5: $(part_sum "${vd[1]}" 5)" "vdb5's sha256 (a logical partition on virtio-blk)"
pass
