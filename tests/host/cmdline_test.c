/*
 * Host tests of lib/cmdline.c (cmdline_split): words, '=', quotes (also
 * around and inside values), an unterminated quote, too many words.
 *
 * HOST_SOURCES: lib/cmdline.c lib/string.c
 */
#include <kestrel/ktest.h>
#include <kestrel/cmdline.h>
#include <kestrel/string.h>
#include <kestrel/errno.h>

struct split {
	char buf[256];
	struct cmdline_word w[16];
	bool bad;
	int n;
};

static void split(struct split *s, const char *line, int max)
{
	strlcpy(s->buf, line, sizeof(s->buf));
	s->bad = true;
	s->n = cmdline_split(s->buf, s->w, max, &s->bad);
}

KTEST(cmdline, empty_and_spaces)
{
	struct split s;

	split(&s, "", 16);
	KEXPECT_EQ(s.n, 0);
	KEXPECT(!s.bad);
	split(&s, "  \t\n ", 16);
	KEXPECT_EQ(s.n, 0);
	split(&s, "  a \t b\n", 16);
	KASSERT_EQ(s.n, 2);
	KEXPECT_STREQ(s.w[0].key, "a");
	KEXPECT_STREQ(s.w[1].key, "b");
	KEXPECT(s.w[0].value == NULL);
}

KTEST(cmdline, key_value)
{
	struct split s;

	split(&s, "console=ttyS0,115200 quiet loglevel=7 a=b=c empty= =x", 16);
	KASSERT_EQ(s.n, 6);
	KEXPECT_STREQ(s.w[0].key, "console");
	KEXPECT_STREQ(s.w[0].value, "ttyS0,115200");
	KEXPECT_STREQ(s.w[1].key, "quiet");
	KEXPECT(s.w[1].value == NULL);
	KEXPECT_STREQ(s.w[2].value, "7");
	KEXPECT_STREQ(s.w[3].key, "a");		/* the first '=' splits */
	KEXPECT_STREQ(s.w[3].value, "b=c");
	KEXPECT_STREQ(s.w[4].key, "empty");
	KEXPECT_STREQ(s.w[4].value, "");
	KEXPECT_STREQ(s.w[5].key, "");
	KEXPECT_STREQ(s.w[5].value, "x");
}

KTEST(cmdline, quotes)
{
	struct split s;

	split(&s, "a=\"x y\" \"b=c d\" \"e f\" g=\"\" h=\"1=2 3\" i=p\"q r\"s", 16);
	KASSERT_EQ(s.n, 6);
	KEXPECT(!s.bad);
	KEXPECT_STREQ(s.w[0].key, "a");
	KEXPECT_STREQ(s.w[0].value, "x y");
	KEXPECT_STREQ(s.w[1].key, "b");		/* '=' inside quotes still splits */
	KEXPECT_STREQ(s.w[1].value, "c d");
	KEXPECT_STREQ(s.w[2].key, "e f");
	KEXPECT(s.w[2].value == NULL);
	KEXPECT_STREQ(s.w[3].key, "g");
	KEXPECT_STREQ(s.w[3].value, "");
	KEXPECT_STREQ(s.w[4].value, "1=2 3");	/* later '=' stays in the value */
	KEXPECT_STREQ(s.w[5].value, "pq rs");
}

KTEST(cmdline, unterminated_quote)
{
	struct split s;

	split(&s, "a=1 b=\"open to the end", 16);
	KASSERT_EQ(s.n, 2);
	KEXPECT(s.bad);
	KEXPECT_STREQ(s.w[0].value, "1");
	KEXPECT_STREQ(s.w[1].key, "b");
	KEXPECT_STREQ(s.w[1].value, "open to the end");
	split(&s, "\"", 16);
	KASSERT_EQ(s.n, 1);
	KEXPECT(s.bad);
	KEXPECT_STREQ(s.w[0].key, "");
}

KTEST(cmdline, too_many_words)
{
	struct split s;

	split(&s, "a b c", 3);
	KEXPECT_EQ(s.n, 3);
	split(&s, "a b c d", 3);
	KEXPECT_EQ(s.n, -E2BIG);
	KEXPECT_STREQ(s.w[0].key, "a");		/* the first max words are kept */
	KEXPECT_STREQ(s.w[2].key, "c");
	split(&s, "a", 0);
	KEXPECT_EQ(s.n, -E2BIG);
	split(&s, "   ", 0);
	KEXPECT_EQ(s.n, 0);
}

KTEST(cmdline, init_separator)
{
	struct split s;

	split(&s, "root=/dev/sda -- -s single x=1", 16);
	KASSERT_EQ(s.n, 5);
	KEXPECT_STREQ(s.w[1].key, "--");
	KEXPECT(s.w[1].value == NULL);
	KEXPECT_STREQ(s.w[2].key, "-s");
	KEXPECT_STREQ(s.w[4].value, "1");
}

KTEST(cmdline, words_are_terminated_in_place)
{
	struct split s;

	/* Quote removal shifts characters left; no word may run into the next. */
	split(&s, "\"a\"\"b\" \"\"c d", 16);
	KASSERT_EQ(s.n, 3);
	KEXPECT_STREQ(s.w[0].key, "ab");
	KEXPECT_STREQ(s.w[1].key, "c");
	KEXPECT_STREQ(s.w[2].key, "d");
}
