/*
 * Host tests of lib/vsprintf.c: every conversion, flag, width, precision,
 * length modifier, truncation and the return value, and %pS/%pa.
 * Expected strings follow C's printf, except where the kernel follows
 * Linux on purpose (noted at the check).
 *
 * HOST_SOURCES: lib/vsprintf.c lib/string.c
 */
#include <stdarg.h>
#include <kestrel/ktest.h>
#include <kestrel/printk.h>
#include <kestrel/vsprintf.h>

/* The tests use odd formats on purpose; the compiler's printf checks only get in the way. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat-zero-length"

/* The compiler's own limits: <limits.h> would pull in glibc headers. */
#define INT_MAX __INT_MAX__
#define INT_MIN (-__INT_MAX__ - 1)
#define UINT_MAX (__INT_MAX__ * 2U + 1U)
#define LONG_MAX __LONG_MAX__
#define LLONG_MIN (-__LONG_LONG_MAX__ - 1LL)
#define ULLONG_MAX (~0ULL)

/* Format into a fresh buffer; check the text and the return value. */
#define CHECK_FMT(expect, fmt, ...)                                         \
	do {                                                                \
		char __buf[256];                                            \
		int __n = snprintf(__buf, sizeof(__buf), fmt, ##__VA_ARGS__); \
		KEXPECT_STREQ(__buf, expect);                               \
		KEXPECT_EQ(__n, (int)sizeof(expect) - 1);                   \
	} while (0)

KTEST(vsprintf, plain_text)
{
	CHECK_FMT("", "%s", "");
	CHECK_FMT("hello, world", "hello, world");
	CHECK_FMT("100%", "100%%");
	CHECK_FMT("a%b", "a%%b");
}

KTEST(vsprintf, signed_decimal)
{
	CHECK_FMT("0", "%d", 0);
	CHECK_FMT("-1", "%d", -1);
	CHECK_FMT("42", "%i", 42);
	CHECK_FMT("2147483647", "%d", INT_MAX);
	CHECK_FMT("-2147483648", "%d", INT_MIN);
	CHECK_FMT("-9223372036854775808", "%lld", LLONG_MIN);
	CHECK_FMT("9223372036854775807", "%ld", LONG_MAX);
	CHECK_FMT("-128", "%hhd", 128);		/* converted to signed char */
	CHECK_FMT("-1", "%hd", 0xffff);
	CHECK_FMT("-5", "%zd", (ssize_t)-5);
	CHECK_FMT("-7", "%td", (ptrdiff_t)-7);
	CHECK_FMT("-9", "%jd", (long long)-9);
}

KTEST(vsprintf, unsigned_conversions)
{
	CHECK_FMT("4294967295", "%u", UINT_MAX);
	CHECK_FMT("18446744073709551615", "%llu", ULLONG_MAX);
	CHECK_FMT("ffffffff", "%x", -1);
	CHECK_FMT("DEADBEEF", "%X", 0xdeadbeefu);
	CHECK_FMT("ffffffffffffffff", "%lx", ~0UL);
	CHECK_FMT("777", "%o", 0777);
	CHECK_FMT("1777777777777777777777", "%llo", ULLONG_MAX);
	CHECK_FMT("ff", "%hhx", 0x1ff);
	CHECK_FMT("ffff", "%hx", 0x1ffff);
	CHECK_FMT("12345", "%zu", (size_t)12345);
	CHECK_FMT("0", "%x", 0);
}

KTEST(vsprintf, flags)
{
	CHECK_FMT("+5", "%+d", 5);
	CHECK_FMT("-5", "%+d", -5);
	CHECK_FMT("+0", "%+d", 0);
	CHECK_FMT(" 5", "% d", 5);
	CHECK_FMT("+5", "%+ d", 5);		/* '+' wins over ' ' */
	CHECK_FMT("0x1f", "%#x", 0x1f);
	CHECK_FMT("0X1F", "%#X", 0x1f);
	CHECK_FMT("017", "%#o", 017);
	CHECK_FMT("0", "%#o", 0);
	CHECK_FMT("0", "%#.0o", 0);		/* '#' forces the leading 0 */
	CHECK_FMT("0x0", "%#x", 0);		/* Linux style; C prints "0" */
	CHECK_FMT("5", "%+u", 5u);		/* no sign for unsigned */
	CHECK_FMT("ff", "% x", 0xff);
}

KTEST(vsprintf, width_and_padding)
{
	CHECK_FMT("    7", "%5d", 7);
	CHECK_FMT("7    |", "%-5d|", 7);
	CHECK_FMT("00007", "%05d", 7);
	CHECK_FMT("-0007", "%05d", -7);
	CHECK_FMT("+0007", "%+05d", 7);
	CHECK_FMT("7    ", "%-05d", 7);	/* '-' overrides '0' */
	CHECK_FMT("0x00ff", "%#06x", 0xff);
	CHECK_FMT("  0xff", "%#6x", 0xff);
	CHECK_FMT("12345", "%3d", 12345);	/* width is a minimum */
	CHECK_FMT("   42", "%*d", 5, 42);
	CHECK_FMT("42   |", "%*d|", -5, 42);	/* negative * width: left */
	CHECK_FMT("  a", "%3c", 'a');
	CHECK_FMT("a  |", "%-3c|", 'a');
	CHECK_FMT("   ab", "%5s", "ab");
	CHECK_FMT("ab   |", "%-5s|", "ab");
}

KTEST(vsprintf, precision)
{
	CHECK_FMT("007", "%.3d", 7);
	CHECK_FMT("-007", "%.3d", -7);
	CHECK_FMT("  007", "%5.3d", 7);
	CHECK_FMT("  007", "%05.3d", 7);	/* precision disables '0' */
	CHECK_FMT("", "%.0d", 0);
	CHECK_FMT("     ", "%5.0d", 0);
	CHECK_FMT("00ff", "%.4x", 0xff);
	CHECK_FMT("0x00ff", "%#.4x", 0xff);
	CHECK_FMT("ab", "%.2s", "abcdef");
	CHECK_FMT("abc", "%.*s", 3, "abcdef");
	CHECK_FMT("abcdef", "%.*s", -1, "abcdef");	/* negative: no precision */
	CHECK_FMT("   ab", "%5.2s", "abcdef");
	CHECK_FMT("", "%.0s", "abc");
	CHECK_FMT("ab", "%.5s", "ab");
}

KTEST(vsprintf, strings_and_chars)
{
	char unterminated[3] = { 'x', 'y', 'z' };

	CHECK_FMT("(null)", "%s", (char *)NULL);
	CHECK_FMT("x", "%c", 'x');
	CHECK_FMT("xy", "%.2s", unterminated);	/* precision bounds the read */
	CHECK_FMT("a-b-c", "%s-%c-%s", "a", 'b', "c");
}

KTEST(vsprintf, pointers)
{
	phys_addr_t pa = 0x123456789abcULL;

	CHECK_FMT("0xffffffff80001000", "%p", (void *)0xffffffff80001000UL);
	CHECK_FMT("0x0000000000000010", "%p", (void *)0x10);
	CHECK_FMT("0x0000000000000000", "%p", NULL);
	CHECK_FMT("0x0000123456789abc", "%pa", &pa);
	CHECK_FMT("[0x0000000000000010]", "[%p]", (void *)0x10);
}

static size_t fake_symbol(char *buf, size_t size, unsigned long addr)
{
	if (addr >= 0x1000 && addr < 0x1100)
		return snprintf(buf, size, "printk+%#lx/0x100", addr - 0x1000);
	if (addr == 0x5000)	/* a name longer than %pS's buffer */
		return snprintf(buf, size, "%0200d", 1);
	return 0;
}

KTEST(vsprintf, symbol_hook)
{
	size_t (*saved)(char *, size_t, unsigned long) = vsprintf_symbol_hook;

	vsprintf_symbol_hook = NULL;
	CHECK_FMT("0x0000000000001010", "%pS", (void *)0x1010);
	vsprintf_symbol_hook = fake_symbol;
	CHECK_FMT("printk+0x10/0x100", "%pS", (void *)0x1010);
	CHECK_FMT("printk+0x0/0x100", "%ps", (void *)0x1000);
	CHECK_FMT("[printk+0x10/0x100]", "[%pS]", (void *)0x1010);
	CHECK_FMT("   printk+0x10/0x100", "%20pS", (void *)0x1010);
	/* Not in any symbol: falls back to the address. */
	CHECK_FMT("0x0000000000002000", "%pS", (void *)0x2000);
	{
		char buf[300];
		int n = snprintf(buf, sizeof(buf), "%pS", (void *)0x5000);
		KEXPECT_EQ(n, 127);		/* cut to the internal buffer */
	}
	vsprintf_symbol_hook = saved;
}

KTEST(vsprintf, truncation_and_return_value)
{
	char buf[8];
	int n;

	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = 'Z';
	n = snprintf(buf, 4, "%d", 123456);
	KEXPECT_EQ(n, 6);
	KEXPECT_STREQ(buf, "123");
	KEXPECT_EQ(buf[4], 'Z');		/* nothing past size */

	n = snprintf(buf, 1, "abc");
	KEXPECT_EQ(n, 3);
	KEXPECT_EQ(buf[0], '\0');

	buf[0] = 'Q';
	n = snprintf(buf, 0, "abc");
	KEXPECT_EQ(n, 3);
	KEXPECT_EQ(buf[0], 'Q');		/* size 0 writes nothing */
	KEXPECT_EQ(snprintf(NULL, 0, "%s-%d", "xy", 10), 5);

	n = snprintf(buf, sizeof(buf), "%s", "1234567");	/* exactly fits */
	KEXPECT_EQ(n, 7);
	KEXPECT_STREQ(buf, "1234567");
	n = snprintf(buf, sizeof(buf), "%s", "12345678");
	KEXPECT_EQ(n, 8);
	KEXPECT_STREQ(buf, "1234567");
}

KTEST(vsprintf, scnprintf)
{
	char buf[8];

	KEXPECT_EQ(scnprintf(buf, sizeof(buf), "%s", "abc"), 3);
	KEXPECT_EQ(scnprintf(buf, sizeof(buf), "%s", "0123456789"), 7);
	KEXPECT_STREQ(buf, "0123456");
	KEXPECT_EQ(scnprintf(buf, 1, "abc"), 0);
	KEXPECT_EQ(scnprintf(buf, 0, "abc"), 0);
	/* The appending idiom used by kernel/cmdline.c. */
	size_t len = 0;
	len += scnprintf(buf + len, sizeof(buf) - len, "%s", "abcd");
	len += scnprintf(buf + len, sizeof(buf) - len, "%s", "efgh");
	len += scnprintf(buf + len, sizeof(buf) - len, "%s", "ijkl");
	KEXPECT_EQ(len, 7);
	KEXPECT_STREQ(buf, "abcdefg");
}

static int call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

KTEST(vsprintf, va_list_and_odd_formats)
{
	char buf[64];

	KEXPECT_EQ(call_vsnprintf(buf, sizeof(buf), "%d %s %c", 1, "two", '3'), 7);
	KEXPECT_STREQ(buf, "1 two 3");
	/* Unknown conversions print as written; a lone % at the end stops. */
	KEXPECT_EQ(call_vsnprintf(buf, sizeof(buf), "a%qb"), 4);
	KEXPECT_STREQ(buf, "a%qb");
	KEXPECT_EQ(call_vsnprintf(buf, sizeof(buf), "end%"), 3);
	KEXPECT_STREQ(buf, "end");
	/* %n must never write through a pointer. */
	int victim = 77;
	call_vsnprintf(buf, sizeof(buf), "x%n", &victim);
	KEXPECT_EQ(victim, 77);
	/* An absurd width must not overflow (UBSan checks the arithmetic). */
	KEXPECT_EQ(call_vsnprintf(buf, sizeof(buf), "%99999999999d", 1) >= 0, 1);
	KEXPECT_EQ(call_vsnprintf(buf, sizeof(buf), "%.99999999999d", 1) >= 0, 1);
	KEXPECT_EQ(call_vsnprintf(buf, sizeof(buf), "%*d", INT_MIN, 1) >= 0, 1);
}

KTEST(vsprintf, many_arguments)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "%d %d %d %d %d %d %d %d %lld %s %x %c",
			 1, 2, 3, 4, 5, 6, 7, 8, 9LL, "ten", 11, 'c');

	KEXPECT_STREQ(buf, "1 2 3 4 5 6 7 8 9 ten b c");
	KEXPECT_EQ(n, 25);
}
