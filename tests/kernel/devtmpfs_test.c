/*
 * devtmpfs.*: devtmpfs (fs/devtmpfs/) and the character devices on it
 * (drivers/char/), through the VFS on the boot-time tree: /dev is mounted
 * by fs_root_init.
 */
#include <kestrel/chrdev.h>
#include <kestrel/device.h>
#include <kestrel/errno.h>
#include <kestrel/ktest.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>

KTEST(devtmpfs, null_zero_full)
{
	char buf[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	struct stat st;
	long fd;

	KEXPECT_EQ(ksys_stat("/dev/null", &st), 0);
	KEXPECT_EQ(st.st_mode, S_IFCHR | 0666);
	KEXPECT_EQ(st.st_rdev, MKDEV(1, 3));
	fd = ksys_open("/dev/null", O_RDWR, 0);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_write(fd, "abc", 3), 3);
	KEXPECT_EQ(ksys_read(fd, buf, sizeof(buf)), 0);
	ksys_close(fd);
	fd = ksys_open("/dev/zero", O_RDWR, 0);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_read(fd, buf, sizeof(buf)), 8);
	KEXPECT_EQ(buf[0] | buf[7], 0);
	KEXPECT_EQ(ksys_write(fd, "abc", 3), 3);
	ksys_close(fd);
	fd = ksys_open("/dev/full", O_RDWR, 0);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_write(fd, "abc", 3), -ENOSPC);
	KEXPECT_EQ(ksys_read(fd, buf, 4), 4);
	ksys_close(fd);
}

KTEST(devtmpfs, urandom_differs)
{
	char a[32], b[32];
	long fd = ksys_open("/dev/urandom", O_RDONLY, 0);

	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_read(fd, a, sizeof(a)), 32);
	KEXPECT_EQ(ksys_read(fd, b, sizeof(b)), 32);
	KEXPECT(memcmp(a, b, sizeof(a)) != 0);
	ksys_close(fd);
	fd = ksys_open("/dev/random", O_RDONLY, 0);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_read(fd, a, sizeof(a)), 32);
	KEXPECT(memcmp(a, b, sizeof(a)) != 0);
	ksys_close(fd);
}

KTEST(devtmpfs, kmsg_has_banner)
{
	static char rec[1200];
	long fd = ksys_open("/dev/kmsg", O_RDWR | O_NONBLOCK, 0), n;
	bool banner = false, mine = false;

	KASSERT(fd >= 0);
	/* The banner is record 0: there unless a very long test run filled the ring. */
	KEXPECT_EQ(ksys_write(fd, "<6>devtmpfs kmsg check\n", 23), 23);
	while ((n = ksys_read(fd, rec, sizeof(rec) - 1)) > 0) {
		rec[n] = 0;
		banner |= strstr(rec, ";Kestrel ") != NULL;
		mine |= strstr(rec, ";devtmpfs kmsg check\n") != NULL;
	}
	KEXPECT_EQ(n, -EAGAIN);
	KEXPECT(banner || printk_first_seq() > 0);
	KEXPECT(mine);
	ksys_close(fd);
}

static long read_null_check(const char *path, char *buf)
{
	long fd = ksys_open(path, O_RDONLY, 0), n;

	if (fd < 0)
		return fd;
	n = ksys_read(fd, buf, 4);
	ksys_close(fd);
	return n;
}

KTEST(devtmpfs, device_create_destroy)
{
	struct device *dev;
	struct stat st;
	char buf[4];

	dev = device_create("ktest-null", S_IFCHR | 0600, MKDEV(MEM_MAJOR, 3));
	KASSERT(!IS_ERR(dev));
	KEXPECT_EQ(ksys_stat("/dev/ktest-null", &st), 0);
	KEXPECT_EQ(st.st_mode, S_IFCHR | 0600);
	KEXPECT_EQ(read_null_check("/dev/ktest-null", buf), 0);
	KEXPECT(PTR_ERR(device_create("ktest-null", S_IFCHR | 0600, MKDEV(1, 3))) == -EEXIST);
	KEXPECT(PTR_ERR(device_create("a/b", S_IFCHR | 0600, MKDEV(1, 3))) == -EINVAL);
	KEXPECT(PTR_ERR(device_create("reg", S_IFREG | 0600, 0)) == -EINVAL);
	device_destroy(dev);
	KEXPECT_EQ(ksys_stat("/dev/ktest-null", &st), -ENOENT);
}
