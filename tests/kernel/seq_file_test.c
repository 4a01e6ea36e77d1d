/*
 * seq_file.*: seq_file (fs/seq_file.c) on a hand-made file: records larger
 * than the first buffer (it must grow), reads in odd-sized pieces that
 * end mid-record, and a read at an earlier position (regenerated text).
 */
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/uio.h>
#include <kestrel/ktest.h>
#include <kestrel/seq_file.h>
#include <kestrel/string.h>

#define NR_RECORDS 3
#define RECORD_LEN 5000	/* larger than the first 4 KiB buffer */

static void *big_start(struct seq_file *m, loff_t *pos)
{
	return *pos < NR_RECORDS ? (void *)(long)(*pos + 1) : NULL;
}

static void *big_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return big_start(m, pos);
}

static void big_stop(struct seq_file *m, void *v)
{
}

/* Record r: RECORD_LEN - 1 copies of 'a' + r - 1, then a newline. */
static int big_show(struct seq_file *m, void *v)
{
	char c = (char)('a' + (long)v - 1);

	for (int i = 0; i < RECORD_LEN - 1; i++)
		seq_putc(m, c);
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations big_ops = {
	.start = big_start,
	.next = big_next,
	.stop = big_stop,
	.show = big_show,
};

static char got[NR_RECORDS * RECORD_LEN + 16];

/* read(2) of the seq_file at f->f_pos into a kernel buffer, through ->read_iter. */
static ssize_t seq_read_k(struct file *f, char *buf, size_t size)
{
	struct kvec kv = { .iov_base = buf, .iov_len = size };
	struct iov_iter iter;
	struct kiocb kiocb;
	ssize_t n;

	init_sync_kiocb(&kiocb, f);
	kiocb.ki_pos = f->f_pos;
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, size);
	n = seq_read_iter(&kiocb, &iter);
	f->f_pos = kiocb.ki_pos;
	return n;
}

KTEST(seq_file, big_records_small_reads)
{
	static struct file f;
	ssize_t n, total = 0;
	char c;

	memset(&f, 0, sizeof(f));
	KASSERT_EQ(seq_open(&f, &big_ops), 0);
	while ((n = seq_read_k(&f, got + total, 777)) > 0)
		total += n;
	KEXPECT_EQ(n, 0);
	KEXPECT_EQ(total, NR_RECORDS * RECORD_LEN);
	KEXPECT_EQ(f.f_pos, total);
	for (int r = 0; r < NR_RECORDS; r++) {
		KEXPECT_EQ(got[r * RECORD_LEN], 'a' + r);
		KEXPECT_EQ(got[r * RECORD_LEN + RECORD_LEN - 2], 'a' + r);
		KEXPECT_EQ(got[r * RECORD_LEN + RECORD_LEN - 1], '\n');
	}
	/* Back to an earlier position: the same bytes again. */
	f.f_pos = RECORD_LEN + 10;
	KEXPECT_EQ(seq_read_k(&f, &c, 1), 1);
	KEXPECT_EQ(c, 'b');
	KEXPECT_EQ(seq_lseek(&f, 0, SEEK_END), -EINVAL);
	KEXPECT_EQ(seq_lseek(&f, 2 * RECORD_LEN, SEEK_SET), 2 * RECORD_LEN);
	KEXPECT_EQ(seq_read_k(&f, &c, 1), 1);
	KEXPECT_EQ(c, 'c');
	seq_release(NULL, &f);
}
