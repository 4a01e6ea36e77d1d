/*
 * printk.*: printk's formatting (lib/vsprintf.c) in the kernel build,
 * through snprintf. The host tests (tests/host/vsprintf_test.c) cover
 * every conversion; these check the kernel's own copy.
 */
#include <kestrel/ktest.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>

KTEST(printk, format_numbers)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%d %u %x %5d|%-5d|%05d", -42, 42u, 0xbeef, 7, 7, -7);
	KEXPECT_STREQ(buf, "-42 42 beef     7|7    |-0007");
	snprintf(buf, sizeof(buf), "%lld %llx %#lx", -9223372036854775807LL - 1,
		 0xffffffffffffffffULL, 0x10UL);
	KEXPECT_STREQ(buf, "-9223372036854775808 ffffffffffffffff 0x10");
}

KTEST(printk, format_strings)
{
	char buf[16];
	int n;

	snprintf(buf, sizeof(buf), "%s|%.2s|%4s|%c", "ab", "xyz", "q", 'z');
	KEXPECT_STREQ(buf, "ab|xy|   q|z");
	n = snprintf(buf, 8, "%s", "0123456789");
	KEXPECT_EQ(n, 10);
	KEXPECT_STREQ(buf, "0123456");
}
