/*
 * cmdline.*: the command-line tokenizer (lib/cmdline.c) in the kernel
 * build. The host tests (tests/host/cmdline_test.c) cover the parser in
 * depth.
 */
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>
#include <kestrel/ktest.h>

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
