# Debian's coreutils on files: ls, cp, mv, ln, stat, cat, head, tail, wc,
# sort, uniq, cut, tr, sha256sum, md5sum, du, df, date, expr, env.
set -e
echo "== files"
printf 'hello\nworld\n' > a
cp a b
mv b c
ln -s a sl
ln a hl
mkdir -p d/e/f
touch -d '2020-01-02 03:04:05' a c
ls -1
ls -ln --time-style=long-iso a c
stat -c '%n %s %h %a %F' a c sl hl
stat -c '%n %h %a %F' d
stat -L -c '%n %s %F' sl
cat a c
wc -l a
wc -c c
head -n 1 a
tail -n 1 a
echo "== sort and friends"
seq 1 20 | sort -r | head -n 3
seq 1 1000 | sort -nr | tr '\n' ' ' | cut -c1-40
printf 'b 2\na 10\nc 1\na 2\n' | sort -k1,1 -k2,2n
printf 'x\ny\nx\nx\n' | sort | uniq -c
printf 'a,b,c\nd,e,f\n' | cut -d, -f2
printf 'hello\n' | tr a-z A-Z
echo "== sums"
printf 'abc' | sha256sum
printf 'abc' | md5sum
seq 1 100000 > big
sha256sum big
wc -c big
echo "== du and df"
du -b a big
# The numbers are the file system's; the columns' width follows them.
df -P . > df.out
head -n 1 df.out | tr -s ' '
echo "df rows: $(tail -n +2 df.out | wc -l)"
echo "== date"
date -u -d @1000000000 '+%Y-%m-%d %H:%M:%S %A'
date -u -d '2024-02-29 12:00:00' +%s
echo "== mv and rm"
mv c d/e/f/
ls d/e/f
rm -r d
ls -1
echo "== small tools"
expr 6 \* 7
basename /a/b/c.txt .txt
dirname /a/b/c.txt
yes | head -n 3
env -i A=1 B=2 /usr/bin/env
test -d . && echo "test -d ."
