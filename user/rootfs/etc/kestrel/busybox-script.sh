# What a shell script needs from the kernel: pipes, redirection, background jobs, wait,
# trap, ls, cat, cp, mv, rm, ln -s, mkdir, find, sort, sed, awk, grep, tar,
# sha256sum, dd, ps, kill, mount -t proc and poweroff -f.
#
# Run by busybox sh on Kestrel (init with kestrel.run=/etc/kestrel/busybox-script.sh)
# and by the same busybox on Linux in a scratch directory ($SCRATCH, with
# poweroff defined as a no-op function); tests/integration/busybox_script.sh
# compares the two outputs from "== begin" to "== done". The script prints
# no pids, times, owners or absolute paths (and nothing whose format depends on
# stdout being a terminal: ls -1), so the outputs must be equal
# byte for byte: nothing is normalized.
echo "== begin"
cd "${SCRATCH:-/tmp}" || exit 1
mkdir -p bb/sub/deeper && cd bb || exit 1

echo "== files and redirection"
echo one > a.txt
echo two >> a.txt
printf 'three\nfour\n' >> a.txt
cat a.txt
wc -l < a.txt
cat missing.txt 2> err.txt
echo "cat status $?"
grep -c 'No such file' err.txt
cp a.txt sub/b.txt
mv sub/b.txt sub/deeper/c.txt
ln -s deeper/c.txt sub/link
head -n 2 sub/link
ls -1 sub sub/deeper
ls -l sub/link | awk '{ print $1, $(NF - 2), $(NF - 1), $NF }'
rm sub/deeper/c.txt
[ -e sub/link ] || echo "the link dangles"
rm sub/link

echo "== find, sort, sed, awk, grep"
for i in 3 1 2; do echo "line $i" > sub/deeper/f$i.txt; done
find . -name 'f*.txt' | sort
cat sub/deeper/f*.txt | sort -r
sed -e 's/line/LINE/' -e '/2/d' sub/deeper/f1.txt sub/deeper/f2.txt sub/deeper/f3.txt
seq 1 100 | awk '{ s += $1 } END { print "sum", s }'
printf 'apple\nbanana\ncherry\n' | grep -n an
grep -l 'line 2' sub/deeper/*.txt

echo "== pipes"
seq 1 1000 | sort -n -r | head -n 3 | tr '\n' ' '
echo
yes kestrel | head -n 20000 | sha256sum
seq 1 5000 | awk '{ print $1 * 2 }' | grep -c 0

echo "== dd, sha256sum, tar"
dd if=/dev/zero of=zero.bin bs=1024 count=64 2> dd.err
grep records dd.err
sha256sum zero.bin
dd if=zero.bin bs=4096 skip=2 count=3 2> /dev/null | wc -c
tar cf sub.tar sub
tar tf sub.tar | sort
mkdir x
cd x && tar xf ../sub.tar && cd ..
(cd sub && find . -type f | sort | xargs sha256sum) > a.sum
cat a.sum
(cd x/sub && sha256sum -c ../../a.sum)

echo "== background jobs, wait, kill, trap, ps"
(sleep 0.1; echo "background subshell done" > bg.out) &
sleep 0.3 &
p1=$!
wait $p1
echo "wait status $?"
wait
cat bg.out
sleep 30 &
p2=$!
# Until the child has exec'd sleep, ps shows it as a copy of the shell.
for i in 1 2 3 4 5 6 7 8 9 10; do
	ps | grep -v grep | grep -q 'sleep 30' && break
	sleep 0.5
done && echo "ps shows sleep 30"
{ kill $p2; wait $p2; } 2> /dev/null
echo "killed sleep, status $?"
trap 'echo "trapped USR1"' USR1
kill -USR1 $$
echo "after the trap"
(trap 'echo "subshell EXIT trap"' EXIT; echo "in the subshell")
false | true
echo "pipeline status $?"

echo "== applet names"
# busybox runs an applet by re-exec'ing /proc/self/exe (comm "exe"), then
# names the process after the applet with prctl(PR_SET_NAME).
busybox head -n 1 /proc/self/status
head -n 1 /proc/self/status

echo "== mount -t proc"
mkdir p
mount -t proc proc p && echo "proc mounted"
read pid rest < p/self/stat
[ "$pid" = "$$" ] && echo "p/self/stat is the shell's"
umount p && echo "proc unmounted"

echo "== done"
cd .. && rm -rf bb
poweroff -f
