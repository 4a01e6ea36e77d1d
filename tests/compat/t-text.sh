# Debian's grep and sed.
set -e
cat > in << 'X'
alpha 1
beta 22
gamma 333
delta 4444
Alpha upper
X
grep a in
grep -c a in
grep -i '^alpha' in
grep -E '[0-9]{3,}' in
grep -v gamma in
grep -n beta in
grep -o '[0-9]\+' in
grep -l alpha in
grep -q zzz in || echo "no zzz"
sed 's/a/A/g' in
sed -n '2,3p' in
sed -E 's/([a-z]+) ([0-9]+)/\2 \1/' in
sed '/beta/d' in
cp in in2
sed -i 's/1/one/' in2
cat in2
seq 1 10 | sed -n '$p'
seq 1 5000 | grep -c 7
