/*
 * ktests of the character devices through the chrdev registry, with an
 * inode and a file made by hand (the same path an open of /dev/null
 * takes after the path walk: def_chr_fops -> the driver's fops).
 * devtmpfs.* tests the same devices through the VFS by path.
 */
#include <kestrel/chrdev.h>
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/printk.h>
#include <kestrel/random.h>
#include <kestrel/string.h>
#include <kestrel/uio.h>

struct fake_open {
	struct inode inode;
	struct file file;
};

static int fake_chr_open(struct fake_open *o, unsigned int major, unsigned int minor)
{
	memset(o, 0, sizeof(*o));
	o->inode.i_mode = S_IFCHR | 0666;
	o->inode.i_rdev = MKDEV(major, minor);
	o->file.f_inode = &o->inode;
	o->file.f_op = &def_chr_fops;
	o->file.f_flags = O_RDWR | O_NONBLOCK;
	return o->file.f_op->open(&o->inode, &o->file);
}

/* The driver's ->read_iter/->write_iter at *pos with a kernel buffer, as read(2) would call them. */
static ssize_t fake_rw(struct fake_open *o, void *buf, size_t n, loff_t *pos, bool write)
{
	struct kvec kv = { .iov_base = buf, .iov_len = n };
	struct iov_iter iter;
	struct kiocb kiocb;
	ssize_t ret;

	init_sync_kiocb(&kiocb, &o->file);
	kiocb.ki_pos = *pos;
	iov_iter_kvec(&iter, write ? ITER_SOURCE : ITER_DEST, &kv, 1, n);
	ret = write ? o->file.f_op->write_iter(&kiocb, &iter) : o->file.f_op->read_iter(&kiocb, &iter);
	if (ret > 0)
		*pos = kiocb.ki_pos;
	return ret;
}

static ssize_t fake_read(struct fake_open *o, void *buf, size_t n, loff_t *pos)
{
	return fake_rw(o, buf, n, pos, false);
}

static ssize_t fake_write(struct fake_open *o, const void *buf, size_t n, loff_t *pos)
{
	return fake_rw(o, (void *)buf, n, pos, true);
}

static void fake_chr_close(struct fake_open *o)
{
	if (o->file.f_op->release)
		o->file.f_op->release(&o->inode, &o->file);
}

KTEST(chrdev, null_zero_full)
{
	static struct fake_open o;
	char buf[64];
	loff_t pos = 0;

	KASSERT_EQ(fake_chr_open(&o, MEM_MAJOR, 3), 0);
	KEXPECT_EQ(fake_read(&o, buf, sizeof(buf), &pos), 0);
	KEXPECT_EQ(fake_write(&o, "abc", 3, &pos), 3);
	fake_chr_close(&o);

	KASSERT_EQ(fake_chr_open(&o, MEM_MAJOR, 5), 0);
	memset(buf, 0x5a, sizeof(buf));
	KEXPECT_EQ(fake_read(&o, buf, sizeof(buf), &pos), sizeof(buf));
	KEXPECT_EQ(buf[0], 0);
	KEXPECT_EQ(buf[63], 0);
	KEXPECT_EQ(fake_write(&o, "abc", 3, &pos), 3);
	fake_chr_close(&o);

	KASSERT_EQ(fake_chr_open(&o, MEM_MAJOR, 7), 0);
	memset(buf, 0x5a, sizeof(buf));
	KEXPECT_EQ(fake_read(&o, buf, 10, &pos), 10);
	KEXPECT_EQ(buf[9], 0);
	KEXPECT_EQ(buf[10], 0x5a);
	KEXPECT_EQ(fake_write(&o, "abc", 3, &pos), -ENOSPC);
	fake_chr_close(&o);

	KEXPECT_EQ(fake_chr_open(&o, MEM_MAJOR, 200), -ENXIO);
	KEXPECT_EQ(fake_chr_open(&o, 250, 0), -ENXIO);
}

KTEST(chrdev, urandom_differs)
{
	static struct fake_open o;
	u8 a[32], b[32];
	loff_t pos = 0;
	int same = 0;

	KASSERT_EQ(fake_chr_open(&o, MEM_MAJOR, 9), 0);
	KEXPECT_EQ(fake_read(&o, (char *)a, sizeof(a), &pos), sizeof(a));
	KEXPECT_EQ(fake_read(&o, (char *)b, sizeof(b), &pos), sizeof(b));
	KEXPECT(memcmp(a, b, sizeof(a)) != 0);
	for (int i = 0; i < 32; i++)
		same += a[i] == b[i];
	KEXPECT(same < 8);	/* 32 bytes agreeing in 8+ places: ~1e-10 for random data */
	KEXPECT_EQ(fake_write(&o, "stir", 4, &pos), 4);
	fake_chr_close(&o);
	KASSERT_EQ(fake_chr_open(&o, MEM_MAJOR, 8), 0);
	KEXPECT_EQ(fake_read(&o, (char *)a, sizeof(a), &pos), sizeof(a));
	KEXPECT(memcmp(a, b, sizeof(a)) != 0);
	fake_chr_close(&o);
}

/* Bit balance over 64 KiB: a broken generator (zeros, a stuck key) fails by far. */
KTEST(chrdev, random_bits_balanced)
{
	static u8 buf[65536];
	unsigned long ones = 0;

	get_random_bytes(buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		for (u8 v = buf[i]; v; v &= v - 1)
			ones++;
	/* 524288 bits: mean 262144, sd 362; allow 10 sd. */
	KEXPECT(ones > 262144 - 3620 && ones < 262144 + 3620);
}

KTEST(chrdev, kmsg_records)
{
	static struct fake_open o;
	static char line[1100];
	char want[32];
	loff_t pos = 0;
	bool banner = false, mine = false;
	u64 first;
	ssize_t n;

	KASSERT_EQ(fake_chr_open(&o, MEM_MAJOR, 11), 0);
	/*
	 * The first read is the oldest record kept: the boot banner unless a
	 * long run of tests filled the ring (then its number says where it starts).
	 */
	first = printk_first_seq();
	n = fake_read(&o, line, sizeof(line) - 1, &pos);
	KASSERT(n > 0);
	line[n] = 0;
	scnprintf(want, sizeof(want), ",%llu,", (unsigned long long)first);
	KEXPECT(strstr(line, want) == strchr(line, ','));
	if (first == 0) {
		KEXPECT(!strncmp(line, "6,0,", 4));
		KEXPECT(strstr(line, ";Kestrel ") != NULL);
	}
	KEXPECT_EQ(line[n - 1], '\n');
	/* Too small a buffer for the next record: EINVAL, and the record is not lost. */
	KEXPECT_EQ(fake_read(&o, line, 4, &pos), -EINVAL);
	/* A write becomes a record; SEEK_END skips the history. */
	KEXPECT_EQ(o.file.f_op->llseek(&o.file, 0, SEEK_END), 0);
	KEXPECT_EQ(fake_write(&o, "<5>kmsg test line\n", 18, &pos), 18);
	while ((n = fake_read(&o, line, sizeof(line) - 1, &pos)) > 0) {
		line[n] = 0;
		if (strstr(line, ";kmsg test line\n") && line[0] == '5' && line[1] == ',')
			mine = true;
	}
	KEXPECT_EQ(n, -EAGAIN);		/* O_NONBLOCK and nothing new */
	KEXPECT(mine);
	KEXPECT_EQ(o.file.f_op->llseek(&o.file, 0, SEEK_SET), 0);
	n = fake_read(&o, line, sizeof(line) - 1, &pos);
	KASSERT(n > 0);
	line[n] = 0;
	banner = strstr(line, ";Kestrel ") != NULL;
	KEXPECT(banner || printk_first_seq() > 0);
	KEXPECT_EQ(o.file.f_op->llseek(&o.file, 5, SEEK_SET), -ESPIPE);
	fake_chr_close(&o);
}
