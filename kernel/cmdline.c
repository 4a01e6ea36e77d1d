/*
 * The kernel command line, parsed once at boot into a table (see
 * include/kestrel/cmdline.h for the conventions).
 *
 * No locking: cmdline_setup() runs on the boot CPU before anything else
 * can read the table, and the table is read-only afterwards.
 */
#include <kestrel/cmdline.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <kestrel/errno.h>

extern const struct kernel_param __start_kparams[], __stop_kparams[];

static char raw_line[COMMAND_LINE_SIZE];	/* as given, for printing */
static char split_line[COMMAND_LINE_SIZE];	/* cut into words in place */
static struct cmdline_word words[CMDLINE_MAX_WORDS];
static int nr_words;
static int init_args_start = -1;		/* index after "--", or -1 */

#define MAX_INIT_ARGS 32
static char *init_argv[MAX_INIT_ARGS + 1];
static char *init_envp[MAX_INIT_ARGS + 1];
static char init_env_buf[COMMAND_LINE_SIZE];	/* "key=value" strings for envp */

static const struct kernel_param *find_param(const char *name)
{
	for (const struct kernel_param *p = __start_kparams; p < __stop_kparams; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

static void keep_for_init(struct cmdline_word *w, int *argc, int *envc, size_t *env_used)
{
	if (!w->value) {
		if (*argc < MAX_INIT_ARGS)
			init_argv[(*argc)++] = w->key;
		else
			pr_warn("cmdline: too many arguments for init, dropping '%s'\n", w->key);
		return;
	}
	size_t need = strlen(w->key) + 1 + strlen(w->value) + 1;
	if (*envc >= MAX_INIT_ARGS || *env_used + need > sizeof(init_env_buf)) {
		pr_warn("cmdline: too many variables for init, dropping '%s'\n", w->key);
		return;
	}
	char *s = init_env_buf + *env_used;
	snprintf(s, need, "%s=%s", w->key, w->value);
	*env_used += need;
	init_envp[(*envc)++] = s;
}

static void handle_words(void)
{
	char unknown[256] = "";
	size_t unknown_len = 0;
	int argc = 0, envc = 0;
	size_t env_used = 0;

	for (int i = 0; i < nr_words; i++) {
		struct cmdline_word *w = &words[i];
		if (i == init_args_start - 1)
			continue;	/* the "--" itself is for neither the kernel nor init */
		if (init_args_start >= 0 && i >= init_args_start) {
			keep_for_init(w, &argc, &envc, &env_used);
			continue;
		}
		const struct kernel_param *p = find_param(w->key);
		if (!p) {
			/* Linux ignores module parameters (with a dot) for init. */
			if (!strchr(w->key, '.'))
				keep_for_init(w, &argc, &envc, &env_used);
			unknown_len += scnprintf(unknown + unknown_len, sizeof(unknown) - unknown_len,
						 "%s%s%s%s", unknown_len ? " " : "", w->key,
						 w->value ? "=" : "", w->value ? w->value : "");
			continue;
		}
		if (p->handler && p->handler(w->value) < 0)
			pr_err("cmdline: malformed '%s%s%s' ignored (%s)\n", w->key,
			       w->value ? "=" : "", w->value ? w->value : "", p->help);
	}
	if (unknown_len)
		pr_notice("Unknown kernel command line parameters \"%s\", will be passed to user space.\n",
			  unknown);
}

void cmdline_setup(const char *raw)
{
	bool bad_quote;
	int n;

	if (strlcpy(raw_line, raw ? raw : "", sizeof(raw_line)) >= sizeof(raw_line))
		pr_warn("cmdline: longer than %d bytes, truncated\n", COMMAND_LINE_SIZE - 1);
	strlcpy(split_line, raw_line, sizeof(split_line));
	n = cmdline_split(split_line, words, CMDLINE_MAX_WORDS, &bad_quote);
	if (n < 0) {
		pr_warn("cmdline: more than %d words, the rest ignored\n", CMDLINE_MAX_WORDS);
		n = CMDLINE_MAX_WORDS;
	}
	if (bad_quote)
		pr_warn("cmdline: unterminated quote, taken to the end of the line\n");
	nr_words = n;
	for (int i = 0; i < nr_words; i++) {
		if (!strcmp(words[i].key, "--") && !words[i].value) {
			init_args_start = i + 1;
			break;
		}
	}
	handle_words();
}

const char *cmdline_raw(void)
{
	return raw_line;
}

static int words_limit(void)
{
	return init_args_start >= 0 ? init_args_start - 1 : nr_words;
}

const char *cmdline_get(const char *key)
{
	const char *val = NULL;

	for (int i = 0; i < words_limit(); i++)
		if (!strcmp(words[i].key, key))
			val = words[i].value ? words[i].value : "";
	return val;
}

bool cmdline_has(const char *key)
{
	return cmdline_get(key) != NULL;
}

void cmdline_for_each(const char *key, void (*fn)(const char *val, void *arg), void *arg)
{
	for (int i = 0; i < words_limit(); i++)
		if (!strcmp(words[i].key, key))
			fn(words[i].value ? words[i].value : "", arg);
}

char *const *cmdline_init_argv(void)
{
	return init_argv;
}

char *const *cmdline_init_envp(void)
{
	return init_envp;
}

/* Parameters that subsystems read with cmdline_get() when they start. */
KERNEL_PARAM_QUERY("console", console, "console=ttyS0[,115200] or console=tty0; may repeat");
KERNEL_PARAM_QUERY("root", root, "root device (ignored: the root is the initramfs)");
KERNEL_PARAM_QUERY("rootfstype", rootfstype, "root file system type (ignored, as root=)");
KERNEL_PARAM_QUERY("ro", ro, "mount the root read-only (ignored, as root=)");
KERNEL_PARAM_QUERY("rw", rw, "mount the root read-write (ignored, as root=)");
KERNEL_PARAM_QUERY("init", init, "program to run as init from the root");
KERNEL_PARAM_QUERY("rdinit", rdinit, "program to run as init from the initramfs");

int param_set_secs_ms(const char *val, unsigned int max_secs, unsigned int *ms)
{
	unsigned long long s;

	if (kstrtoull(val, 10, &s) || s > max_secs)
		return -1;
	WRITE_ONCE(*ms, (unsigned int)s * 1000);
	return 0;
}
