# Full-length reads and writes through Debian's dd: a read of a regular
# file, /dev/zero or /dev/urandom returns the whole block, so dd copies
# whole blocks and the sizes and sums are Linux's.
set -e
dd if=/dev/zero bs=1M count=16 2> /dev/null | sha256sum
dd if=/dev/zero bs=1M count=16 of=z 2> /dev/null
stat -c '%s' z
sha256sum z
dd if=z bs=1M skip=8 2> /dev/null | wc -c
dd if=/dev/urandom bs=1M count=2 2> /dev/null | wc -c
dd if=/dev/urandom of=r bs=1M count=4 2> /dev/null
stat -c '%s' r
cp r r2
sha256sum r r2 | cut -d' ' -f1 | uniq | wc -l
cat r r r r > r4
stat -c '%s' r4
head -c 1000000 r4 | wc -c
tail -c 12345 r4 | wc -c
seq 1 200000 > s
dd if=s of=part bs=1000 skip=3 count=5 2> /dev/null
sha256sum part
dd if=s bs=4096 2> /dev/null | sha256sum
sha256sum s
