#!/usr/bin/env bash
# The labs grade themselves (labs/*/lab.conf, tools/mklab, tools/grade):
# for every lab, this tree (the reference solution) gets full marks; the
# student's tree that `make lab` makes builds (its functions stubbed) and
# gets less. The student's tree starts from a copy of this tree's build
# folder, so only the files the lab changed are compiled again.
. "$(dirname "$0")/lib.bash"

labs=$(ls labs/*/lab.conf 2> /dev/null | cut -d/ -f2)
[ -n "$labs" ] || fail "no labs in labs/"
for lab in $labs; do
	out=$LOG_DIR/labs-$lab-full.out
	tools/grade "$lab" > "$out" 2>&1 || fail "$lab: the full tree does not get full marks: $(tail -1 "$out")"
	echo "$lab, full tree: $(tail -1 "$out")"

	tree=build/lab-test-$lab
	rm -rf "$tree"
	tools/mklab "$lab" "$tree" > /dev/null || fail "$lab: make lab failed"
	mkdir -p "$tree/build"
	cp -a build/obj build/include build/flags build/user build/user-flags build/vdso \
		build/kallsyms0.S build/kallsyms0.o "$tree/build/"
	out=$LOG_DIR/labs-$lab-student.out
	make -C "$tree" --no-print-directory -j2 build/kernel-test.elf build/initramfs.cpio \
		> "$out.build" 2>&1 || fail "$lab: the student's tree does not build; see $out.build"
	(cd "$tree" && tools/grade "$lab") > "$out" 2>&1 &&
		fail "$lab: the student's tree gets full marks: $(tail -1 "$out")"
	grep -qE "^grade $lab: [0-9]+/[0-9]+\$" "$out" || fail "$lab: no score line in $out"
	echo "$lab, student's tree: $(tail -1 "$out")"
	rm -rf "$tree"
done
pass
