/*
 * Host tests of lib/string.c: memory and string routines at their edges,
 * kstrtoull/kstrtoll (bases, prefixes, overflow) and glob_match.
 *
 * HOST_SOURCES: lib/string.c
 */
#include <kestrel/ktest.h>
#include <kestrel/string.h>
#include <kestrel/errno.h>

KTEST(string, memcpy_memset)
{
	unsigned char a[64], b[64];

	for (int i = 0; i < 64; i++)
		a[i] = (unsigned char)i, b[i] = 0xee;
	KEXPECT(memcpy(b + 1, a, 0) == b + 1);
	KEXPECT_EQ(b[1], 0xee);
	KEXPECT(memcpy(b, a, 63) == b);
	KEXPECT_MEMEQ(a, b, 63);
	KEXPECT_EQ(b[63], 0xee);
	KEXPECT(memset(b, 0x1ab, 10) == b);	/* only the low byte counts */
	KEXPECT_EQ(b[0], 0xab);
	KEXPECT_EQ(b[9], 0xab);
	KEXPECT_EQ(b[10], 10);
	memset(b, 0, 0);
	KEXPECT_EQ(b[0], 0xab);
}

KTEST(string, memmove_overlap)
{
	char buf[16];

	memcpy(buf, "0123456789", 11);
	memmove(buf + 2, buf, 8);		/* dst above src */
	KEXPECT_STREQ(buf, "0101234567");
	memcpy(buf, "0123456789", 11);
	memmove(buf, buf + 3, 8);		/* dst below src */
	KEXPECT_STREQ(buf, "3456789");
	memcpy(buf, "0123456789", 11);
	memmove(buf + 1, buf + 1, 5);
	KEXPECT_STREQ(buf, "0123456789");
	memmove(buf + 9, buf, 1);		/* touching, not overlapping */
	KEXPECT_STREQ(buf, "0123456780");
}

KTEST(string, memcmp_memchr)
{
	KEXPECT_EQ(memcmp("abc", "abd", 2), 0);
	KEXPECT(memcmp("abc", "abd", 3) < 0);
	KEXPECT(memcmp("\xff", "\x01", 1) > 0);	/* bytes compare unsigned */
	KEXPECT_EQ(memcmp("x", "y", 0), 0);
	const char s[] = "hello\0world";
	KEXPECT(memchr(s, 'w', sizeof(s)) == s + 6);	/* past a NUL */
	KEXPECT(memchr(s, 'w', 5) == NULL);
	KEXPECT(memchr(s, 'h' + 256, 5) == s);		/* c is taken as a byte */
	KEXPECT(memchr(s, 'h', 0) == NULL);
}

KTEST(string, strlen_strnlen)
{
	KEXPECT_EQ(strlen(""), 0);
	KEXPECT_EQ(strlen("abc"), 3);
	KEXPECT_EQ(strnlen("abc", 0), 0);
	KEXPECT_EQ(strnlen("abc", 2), 2);
	KEXPECT_EQ(strnlen("abc", 10), 3);
	char raw[4] = { 'a', 'b', 'c', 'd' };	/* no terminator: must stop at max */
	KEXPECT_EQ(strnlen(raw, 4), 4);
}

KTEST(string, strcmp_strncmp)
{
	KEXPECT_EQ(strcmp("", ""), 0);
	KEXPECT_EQ(strcmp("abc", "abc"), 0);
	KEXPECT(strcmp("abc", "abd") < 0);
	KEXPECT(strcmp("abd", "abc") > 0);
	KEXPECT(strcmp("ab", "abc") < 0);
	KEXPECT(strcmp("abc", "ab") > 0);
	KEXPECT(strcmp("\xe9", "a") > 0);	/* unsigned, as in C */
	KEXPECT_EQ(strncmp("abcX", "abcY", 3), 0);
	KEXPECT(strncmp("abcX", "abcY", 4) < 0);
	KEXPECT_EQ(strncmp("ab", "ab", 100), 0);
	KEXPECT_EQ(strncmp("a", "b", 0), 0);
	KEXPECT(strncmp("ab", "abc", 3) < 0);
}

KTEST(string, strchr_strrchr_strstr)
{
	const char *s = "a/b/c";

	KEXPECT(strchr(s, '/') == s + 1);
	KEXPECT(strrchr(s, '/') == s + 3);
	KEXPECT(strchr(s, 'z') == NULL);
	KEXPECT(strrchr(s, 'z') == NULL);
	KEXPECT(strchr(s, '\0') == s + 5);	/* the terminator is found */
	KEXPECT(strrchr(s, '\0') == s + 5);
	KEXPECT(strstr(s, "b/c") == s + 2);
	KEXPECT(strstr(s, "") == s);
	KEXPECT(strstr("", "") != NULL);
	KEXPECT(strstr(s, "c/") == NULL);
	KEXPECT(strstr("ab", "abc") == NULL);
	KEXPECT(strstr("aaab", "aab") != NULL);
}

KTEST(string, strlcpy)
{
	char buf[4];

	KEXPECT_EQ(strlcpy(buf, "ab", sizeof(buf)), 2);
	KEXPECT_STREQ(buf, "ab");
	KEXPECT_EQ(strlcpy(buf, "abc", sizeof(buf)), 3);
	KEXPECT_STREQ(buf, "abc");
	KEXPECT_EQ(strlcpy(buf, "abcdef", sizeof(buf)), 6);	/* truncated */
	KEXPECT_STREQ(buf, "abc");
	buf[0] = 'X';
	KEXPECT_EQ(strlcpy(buf, "abc", 0), 3);		/* size 0: no write */
	KEXPECT_EQ(buf[0], 'X');
	KEXPECT_EQ(strlcpy(buf, "abc", 1), 3);
	KEXPECT_EQ(buf[0], '\0');
}

KTEST(string, kstrto_ull_bases)
{
	unsigned long long v = 1;

	KEXPECT_EQ(kstrtoull("0", 0, &v), 0);
	KEXPECT_EQ(v, 0);
	KEXPECT_EQ(kstrtoull("123", 10, &v), 0);
	KEXPECT_EQ(v, 123);
	KEXPECT_EQ(kstrtoull("+7", 10, &v), 0);
	KEXPECT_EQ(v, 7);
	KEXPECT_EQ(kstrtoull("0x1F", 0, &v), 0);
	KEXPECT_EQ(v, 0x1f);
	KEXPECT_EQ(kstrtoull("0X1f", 16, &v), 0);
	KEXPECT_EQ(v, 0x1f);
	KEXPECT_EQ(kstrtoull("ff", 16, &v), 0);
	KEXPECT_EQ(v, 0xff);
	KEXPECT_EQ(kstrtoull("017", 0, &v), 0);
	KEXPECT_EQ(v, 017);
	KEXPECT_EQ(kstrtoull("17", 8, &v), 0);
	KEXPECT_EQ(v, 017);
	KEXPECT_EQ(kstrtoull("101", 2, &v), 0);
	KEXPECT_EQ(v, 5);
	KEXPECT_EQ(kstrtoull("zz", 36, &v), 0);
	KEXPECT_EQ(v, 36 * 35 + 35);
}

KTEST(string, kstrto_ull_errors)
{
	unsigned long long v = 42;

	KEXPECT_EQ(kstrtoull("", 10, &v), -EINVAL);
	KEXPECT_EQ(kstrtoull("+", 10, &v), -EINVAL);
	KEXPECT_EQ(kstrtoull("-1", 10, &v), -EINVAL);
	KEXPECT_EQ(kstrtoull("12a", 10, &v), -EINVAL);
	KEXPECT_EQ(kstrtoull(" 1", 10, &v), -EINVAL);
	KEXPECT_EQ(kstrtoull("1 ", 10, &v), -EINVAL);
	KEXPECT_EQ(kstrtoull("0x", 0, &v), -EINVAL);
	KEXPECT_EQ(kstrtoull("0x", 16, &v), -EINVAL);
	KEXPECT_EQ(kstrtoull("0xg", 0, &v), -EINVAL);
	KEXPECT_EQ(kstrtoull("08", 0, &v), -EINVAL);	/* octal by prefix */
	KEXPECT_EQ(kstrtoull("2", 2, &v), -EINVAL);
	KEXPECT_EQ(kstrtoull("abc", 10, &v), -EINVAL);
	KEXPECT_EQ(v, 42);				/* untouched on error */
}

KTEST(string, kstrto_ull_overflow)
{
	unsigned long long v = 0;

	KEXPECT_EQ(kstrtoull("18446744073709551615", 10, &v), 0);
	KEXPECT_EQ(v == ~0ULL, 1);
	KEXPECT_EQ(kstrtoull("18446744073709551616", 10, &v), -ERANGE);
	KEXPECT_EQ(kstrtoull("99999999999999999999", 10, &v), -ERANGE);
	KEXPECT_EQ(kstrtoull("0xffffffffffffffff", 0, &v), 0);
	KEXPECT_EQ(kstrtoull("0x10000000000000000", 0, &v), -ERANGE);
	KEXPECT_EQ(kstrtoull("1777777777777777777777", 8, &v), 0);
	KEXPECT_EQ(kstrtoull("2000000000000000000000", 8, &v), -ERANGE);
	/* Leading zeros do not count toward overflow. */
	KEXPECT_EQ(kstrtoull("000000000000000000000000018446744073709551615", 10, &v), 0);
}

KTEST(string, kstrto_ll_signed)
{
	long long v = 0;

	KEXPECT_EQ(kstrtoll("-5", 10, &v), 0);
	KEXPECT_EQ(v, -5);
	KEXPECT_EQ(kstrtoll("+5", 10, &v), 0);
	KEXPECT_EQ(v, 5);
	KEXPECT_EQ(kstrtoll("-0", 10, &v), 0);
	KEXPECT_EQ(v, 0);
	KEXPECT_EQ(kstrtoll("-0x10", 0, &v), 0);
	KEXPECT_EQ(v, -16);
	KEXPECT_EQ(kstrtoll("9223372036854775807", 10, &v), 0);
	KEXPECT_EQ(v, __LONG_LONG_MAX__);
	KEXPECT_EQ(kstrtoll("-9223372036854775808", 10, &v), 0);
	KEXPECT_EQ(v, -__LONG_LONG_MAX__ - 1);
	KEXPECT_EQ(kstrtoll("9223372036854775808", 10, &v), -ERANGE);
	KEXPECT_EQ(kstrtoll("-9223372036854775809", 10, &v), -ERANGE);
	KEXPECT_EQ(kstrtoll("-", 10, &v), -EINVAL);
	KEXPECT_EQ(kstrtoll("--5", 10, &v), -EINVAL);
	KEXPECT_EQ(kstrtoll("-+5", 10, &v), -EINVAL);	/* one sign only */
	KEXPECT_EQ(kstrtoll("+-5", 10, &v), -EINVAL);
}

KTEST(string, glob_match)
{
	KEXPECT(glob_match("*", ""));
	KEXPECT(glob_match("*", "printk.format"));
	KEXPECT(glob_match("printk.*", "printk.format_numbers"));
	KEXPECT(!glob_match("printk.*", "printk"));
	KEXPECT(!glob_match("printk.*", "xprintk.a"));
	KEXPECT(glob_match("*.oops", "cpu.oops"));
	KEXPECT(glob_match("a*b*c", "aXXbYYc"));
	KEXPECT(glob_match("a*b*c", "abbbc"));
	KEXPECT(!glob_match("a*b*c", "aXXbYY"));
	KEXPECT(glob_match("a*c", "abcbc"));		/* needs backtracking */
	KEXPECT(glob_match("?", "x"));
	KEXPECT(!glob_match("?", ""));
	KEXPECT(!glob_match("?", "xy"));
	KEXPECT(glob_match("a?c", "abc"));
	KEXPECT(glob_match("**", "abc"));
	KEXPECT(glob_match("", ""));
	KEXPECT(!glob_match("", "a"));
	KEXPECT(!glob_match("abc", "ab"));
	KEXPECT(!glob_match("ab", "abc"));
	KEXPECT(glob_match("*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaab"));
	KEXPECT(!glob_match("*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaa"));
}
