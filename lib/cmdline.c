/*
 * Command-line tokenizer: pure code, host-tested (tests/host).
 *
 * Follows Linux's rules (kernel/params.c next_arg): words are separated by
 * spaces; a double quote starts a quoted run in which spaces do not
 * separate; quotes are removed; the first '=' splits key from value, even
 * inside quotes (so "key=a b" is key with value "a b").
 */
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Take one word starting at *pos; returns false at the end of buf. */
static bool next_word(char **pos, struct cmdline_word *w, bool *bad_quote)
{
	char *p = *pos, *out;
	bool in_quote = false;

	while (is_space(*p))
		p++;
	if (!*p)
		return false;
	w->key = out = p;
	w->value = NULL;
	for (; *p && (in_quote || !is_space(*p)); p++) {
		if (*p == '"') {
			in_quote = !in_quote;
			continue;
		}
		if (*p == '=' && !w->value) {
			*out++ = '\0';
			w->value = out;
			continue;
		}
		*out++ = *p;
	}
	if (in_quote)
		*bad_quote = true;
	if (*p)
		p++;
	*out = '\0';	/* out <= p - 1 here, so this never clobbers the next word */
	*pos = p;
	return true;
}

int cmdline_split(char *buf, struct cmdline_word *words, int max, bool *bad_quote)
{
	struct cmdline_word w;
	int n = 0;

	*bad_quote = false;
	while (next_word(&buf, &w, bad_quote)) {
		if (n == max)
			return -E2BIG;
		words[n++] = w;
	}
	return n;
}
