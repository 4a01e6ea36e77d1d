/*
 * The kernel command line, Linux-style: words separated by spaces, each
 * `name`, `name=value` or `name="value with spaces"`; everything after
 * `--` goes to init.
 *
 * kernel/cmdline.c parses it once at boot into a table. A subsystem
 * declares each parameter it understands with KERNEL_PARAM (a handler run
 * at parse time, or NULL to only query later with cmdline_get()). Words
 * no subsystem declared are kept for init: bare words become its argv,
 * name=value words its environment, as on Linux.
 */
#ifndef KESTREL_CMDLINE_H
#define KESTREL_CMDLINE_H

#include <kestrel/compiler.h>

#define COMMAND_LINE_SIZE 4096
#define CMDLINE_MAX_WORDS 256

struct cmdline_word {
	char *key;
	char *value;	/* NULL for a bare word */
};

/*
 * Split buf in place into words (lib/cmdline.c, pure). Returns the number
 * of words, or -E2BIG if there were more than max. *bad_quote is set when
 * a quote was left open (the rest of the line becomes the last value).
 */
int cmdline_split(char *buf, struct cmdline_word *words, int max, bool *bad_quote);

struct kernel_param {
	const char *name;
	/* Returns 0, or -1 if val is malformed (the word is then reported). */
	int (*handler)(const char *val);
	const char *help;
};

#define KERNEL_PARAM(pname, phandler, phelp)                                  \
	static const struct kernel_param __kparam_##phandler __used           \
		__section(".kparams") __aligned(8) = {                        \
			.name = pname, .handler = phandler, .help = phelp     \
		}
/* A parameter that is only queried with cmdline_get(), never handled. */
#define KERNEL_PARAM_QUERY(pname, id, phelp)                                  \
	static const struct kernel_param __kparam_##id __used                 \
		__section(".kparams") __aligned(8) = {                        \
			.name = pname, .handler = NULL, .help = phelp         \
		}

/*
 * For a handler of a detector timeout given in seconds (0: off): sets *ms to
 * val seconds in milliseconds. Returns 0, or -1 (*ms untouched) if val is not
 * a decimal number of at most max_secs.
 */
int param_set_secs_ms(const char *val, unsigned int max_secs, unsigned int *ms);

/* Parse the boot loader's command line (called once, early). */
void cmdline_setup(const char *raw);

/* The command line as given, for "Command line:" and /proc/cmdline. */
const char *cmdline_raw(void);
/* Value of the last `key=value`; "" for a bare `key`; NULL if absent. */
const char *cmdline_get(const char *key);
bool cmdline_has(const char *key);
/* Call fn for every occurrence of key, in order (console= may repeat). */
void cmdline_for_each(const char *key, void (*fn)(const char *val, void *arg), void *arg);

/* What init gets: NULL-terminated argv (after argv[0]) and envp. */
char *const *cmdline_init_argv(void);
char *const *cmdline_init_envp(void);

#endif
