/* ktests for lib/: printk formatting and the command-line tokenizer, in the kernel build. */
#include <kestrel/ktest.h>
#include <kestrel/string.h>
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>

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

KTEST(cmdline, split_quotes)
{
	char line[] = "a=1 b  c=\"x y\" \"d=e f\" g=";
	struct cmdline_word w[8];
	bool bad;
	int n = cmdline_split(line, w, 8, &bad);

	KASSERT_EQ(n, 5);
	KEXPECT(!bad);
	KEXPECT_STREQ(w[0].key, "a");
	KEXPECT_STREQ(w[0].value, "1");
	KEXPECT(w[1].value == NULL);
	KEXPECT_STREQ(w[2].value, "x y");
	KEXPECT_STREQ(w[3].key, "d");
	KEXPECT_STREQ(w[3].value, "e f");
	KEXPECT_STREQ(w[4].value, "");
}

KTEST(cmdline, too_many_words)
{
	char line[] = "a b c";
	struct cmdline_word w[2];
	bool bad;

	KEXPECT_EQ(cmdline_split(line, w, 2, &bad), -E2BIG);
}
