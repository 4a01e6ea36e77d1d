/*
 * ksh: Kestrel's small shell (installed as /bin/ksh, and as /bin/sh when
 * the initramfs has no busybox).
 *
 *	sh [-l] [-c COMMAND | FILE [ARGS...]]
 *
 * A line is a list of pipelines separated by `;`, `&&`, `||` or `&`
 * (background). A pipeline is commands joined by `|`. A command is words
 * and redirections: `< f`, `> f`, `>> f`, `2> f`, `2>> f`, `2>&1`.
 * Words: 'single quotes' keep everything, "double quotes" expand $VAR,
 * ${VAR}, $? and $$, a backslash quotes the next character, `#` starts a
 * comment. Builtins: cd, exit, wait, export, unset, pwd, and VAR=value.
 * No globbing, no functions, no control flow: busybox sh is the full
 * shell; this one is small enough to read in one sitting.
 *
 * Structure: read a line -> run_line() parses one pipeline at a time into
 * a struct line (words expanded into one arena, so `false; echo $?` works)
 * and forks one child per command with pipes between them, waits for the foreground pipeline, leaves `&` ones to be
 * reaped later (`wait`, or before each prompt).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LINE 4096
#define MAX_WORDS 128
#define MAX_CMDS 16		/* commands in one pipeline */
#define MAX_REDIRS 8

enum redir_kind { R_IN, R_OUT, R_APPEND, R_ERR, R_ERR_APPEND, R_ERR_TO_OUT };

struct redir {
	enum redir_kind kind;
	char *file;
};

struct cmd {
	char *argv[MAX_WORDS + 1];
	int argc;
	struct redir redirs[MAX_REDIRS];
	int nredirs;
};

/* How a pipeline is joined to the next one. */
enum sep { SEP_END, SEP_SEMI, SEP_BG, SEP_AND, SEP_OR };

struct pipeline {
	struct cmd cmds[MAX_CMDS];
	int ncmds;
	enum sep sep;
};

/* The pipeline being run; its words are expanded into arena. */
struct line {
	struct pipeline pl[1];
	char arena[MAX_LINE * 2];
	size_t used;
};

static int last_status;		/* $? */
static int interactive;
static char **script_args;	/* $0 $1 ... for a script */
static int script_argc;

static void sh_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "sh: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
}

/* ------------------------------------------------------------ parsing */

struct parser {
	const char *p;		/* the rest of the input line */
	struct line *l;
	char *word;		/* the word being built, in l->arena */
	const char *err;
};

static void put_char(struct parser *ps, char c)
{
	if (ps->l->used + 1 >= sizeof(ps->l->arena)) {
		ps->err = "line too long";
		return;
	}
	ps->l->arena[ps->l->used++] = c;
}

static void put_str(struct parser *ps, const char *s)
{
	while (*s)
		put_char(ps, *s++);
}

/* $NAME, ${NAME}, $?, $$, $0..$9 at ps->p (just after the '$'). */
static void expand_var(struct parser *ps)
{
	char name[128], num[24];
	size_t n = 0;
	const char *v;

	if (*ps->p == '?' || *ps->p == '$') {
		snprintf(num, sizeof(num), "%d", *ps->p == '?' ? last_status : (int)getpid());
		ps->p++;
		put_str(ps, num);
		return;
	}
	if (*ps->p >= '0' && *ps->p <= '9') {
		int i = *ps->p++ - '0';
		if (i < script_argc)
			put_str(ps, script_args[i]);
		return;
	}
	if (*ps->p == '{') {
		const char *end = strchr(ps->p, '}');
		if (!end || end - ps->p - 1 >= (long)sizeof(name)) {
			ps->err = "bad ${...}";
			return;
		}
		n = end - ps->p - 1;
		memcpy(name, ps->p + 1, n);
		ps->p = end + 1;
	} else {
		while ((*ps->p == '_' || (*ps->p >= 'a' && *ps->p <= 'z') ||
			(*ps->p >= 'A' && *ps->p <= 'Z') || (*ps->p >= '0' && *ps->p <= '9')) &&
		       n < sizeof(name) - 1)
			name[n++] = *ps->p++;
		if (n == 0) {		/* a lone '$' is itself */
			put_char(ps, '$');
			return;
		}
	}
	name[n] = '\0';
	v = getenv(name);
	if (v)
		put_str(ps, v);
}

static int is_operator_char(char c)
{
	return c == '|' || c == '&' || c == ';' || c == '<' || c == '>';
}

/*
 * One word at ps->p into the arena; NULL if there is none (end or an
 * operator next). Quotes and expansions are resolved here.
 */
static char *read_word(struct parser *ps)
{
	char *start = ps->l->arena + ps->l->used;
	int any = 0;

	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
	if (*ps->p == '#')
		ps->p += strcspn(ps->p, "\n");
	while (*ps->p && *ps->p != ' ' && *ps->p != '\t' && *ps->p != '\n' &&
	       !is_operator_char(*ps->p) && !ps->err) {
		char c = *ps->p++;

		any = 1;
		if (c == '\\' && *ps->p) {
			put_char(ps, *ps->p++);
		} else if (c == '\'') {
			while (*ps->p && *ps->p != '\'')
				put_char(ps, *ps->p++);
			if (!*ps->p)
				ps->err = "unterminated '";
			else
				ps->p++;
		} else if (c == '"') {
			while (*ps->p && *ps->p != '"' && !ps->err) {
				if (*ps->p == '\\' && strchr("\\\"$", ps->p[1])) {
					put_char(ps, ps->p[1]);
					ps->p += 2;
				} else if (*ps->p == '$') {
					ps->p++;
					expand_var(ps);
				} else {
					put_char(ps, *ps->p++);
				}
			}
			if (!*ps->p)
				ps->err = "unterminated \"";
			else
				ps->p++;
		} else if (c == '$') {
			expand_var(ps);
		} else {
			put_char(ps, c);
		}
	}
	if (!any)
		return NULL;
	put_char(ps, '\0');
	return start;
}

static int add_redir(struct parser *ps, struct cmd *c, enum redir_kind kind)
{
	char *file = NULL;

	if (c->nredirs == MAX_REDIRS) {
		ps->err = "too many redirections";
		return -1;
	}
	if (kind != R_ERR_TO_OUT && !(file = read_word(ps))) {
		ps->err = "redirection without a file name";
		return -1;
	}
	c->redirs[c->nredirs++] = (struct redir){ kind, file };
	return 0;
}

/* A redirection operator at ps->p? Consume it and its file into c. */
static int try_redir(struct parser *ps, struct cmd *c)
{
	const char *p = ps->p;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!strncmp(p, "2>&1", 4)) {
		ps->p = p + 4;
		return add_redir(ps, c, R_ERR_TO_OUT) ?: 1;
	}
	if (!strncmp(p, "2>>", 3)) {
		ps->p = p + 3;
		return add_redir(ps, c, R_ERR_APPEND) ?: 1;
	}
	if (!strncmp(p, "2>", 2)) {
		ps->p = p + 2;
		return add_redir(ps, c, R_ERR) ?: 1;
	}
	if (!strncmp(p, ">>", 2)) {
		ps->p = p + 2;
		return add_redir(ps, c, R_APPEND) ?: 1;
	}
	if (*p == '>' || *p == '<') {
		ps->p = p + 1;
		return add_redir(ps, c, *p == '>' ? R_OUT : R_IN) ?: 1;
	}
	return 0;
}

/* One command: words and redirections until an operator or the end. */
static void parse_cmd(struct parser *ps, struct cmd *c)
{
	char *w;

	for (;;) {
		int r = try_redir(ps, c);

		if (r < 0)
			return;
		if (r > 0)
			continue;
		w = read_word(ps);
		if (!w)
			return;
		if (c->argc == MAX_WORDS) {
			ps->err = "too many words";
			return;
		}
		c->argv[c->argc++] = w;
	}
}

static enum sep read_sep(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
	if (*ps->p == '\n') {
		ps->p++;
		return SEP_SEMI;
	}
	if (!strncmp(ps->p, "&&", 2) || !strncmp(ps->p, "||", 2)) {
		ps->p += 2;
		return ps->p[-1] == '&' ? SEP_AND : SEP_OR;
	}
	if (*ps->p == ';' || *ps->p == '&') {
		return *ps->p++ == ';' ? SEP_SEMI : SEP_BG;
	}
	return SEP_END;
}

/*
 * The next pipeline of the line at ps->p into l->pl[0] (words expanded
 * now, so `false; echo $?` sees the status of false). Returns 1 with a
 * pipeline, 0 at the end of the line; ps->err says what is wrong.
 */
static int parse_pipeline(struct parser *ps)
{
	struct line *l = ps->l;
	struct pipeline *pl = &l->pl[0];

	memset(pl, 0, sizeof(*pl));
	l->used = 0;
	/* Blank lines and comment lines between commands (sh -c, scripts). */
	for (;;) {
		ps->p += strspn(ps->p, " \t\n");
		if (*ps->p != '#')
			break;
		ps->p += strcspn(ps->p, "\n");
	}
	for (;;) {
		struct cmd *c = &pl->cmds[pl->ncmds++];

		parse_cmd(ps, c);
		if (ps->err)
			return 0;
		while (*ps->p == ' ' || *ps->p == '\t')
			ps->p++;
		if (*ps->p != '|' || ps->p[1] == '|')
			break;
		if (c->argc == 0 && c->nredirs == 0) {
			ps->err = "empty command before |";
			return 0;
		}
		ps->p++;
		if (pl->ncmds == MAX_CMDS) {
			ps->err = "pipeline too long";
			return 0;
		}
	}
	pl->sep = read_sep(ps);
	if (pl->cmds[pl->ncmds - 1].argc == 0 && pl->cmds[pl->ncmds - 1].nredirs == 0) {
		if (pl->ncmds > 1 || pl->sep != SEP_END)
			ps->err = "syntax error near an operator";
		return 0;	/* an empty line, or nothing after a final ';' or '&' */
	}
	return 1;
}

/* ------------------------------------------------------------ running */

static int open_redir(const struct redir *r)
{
	static const int flags[] = {
		[R_IN] = O_RDONLY,
		[R_OUT] = O_WRONLY | O_CREAT | O_TRUNC,
		[R_APPEND] = O_WRONLY | O_CREAT | O_APPEND,
		[R_ERR] = O_WRONLY | O_CREAT | O_TRUNC,
		[R_ERR_APPEND] = O_WRONLY | O_CREAT | O_APPEND,
	};
	int target = r->kind == R_IN ? 0 : (r->kind == R_OUT || r->kind == R_APPEND) ? 1 : 2;
	int fd;

	if (r->kind == R_ERR_TO_OUT)
		return dup2(1, 2) < 0 ? -1 : 0;
	fd = open(r->file, flags[r->kind], 0666);
	if (fd < 0) {
		fprintf(stderr, "sh: %s: %s\n", r->file, strerror(errno));
		return -1;
	}
	if (fd != target) {
		dup2(fd, target);
		close(fd);
	}
	return 0;
}

static int status_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

/* The wait builtin: every background child (orphaned grandchildren are init's). */
static int wait_all(void)
{
	int st;

	while (wait(&st) > 0 || errno == EINTR)
		;
	return 0;
}

/* Reap finished background jobs without blocking (before a prompt). */
static void reap_background(void)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (interactive)
			fprintf(stderr, "[%d] done, status %d\n", pid, status_of(st));
}

/* Builtins run in the shell itself; returns -1 if argv is not one. */
static int run_builtin(struct cmd *c)
{
	char **argv = c->argv, *eq, buf[PATH_MAX];

	if (!strcmp(argv[0], "cd")) {
		const char *dir = argv[1] ? argv[1] : getenv("HOME") ? getenv("HOME") : "/";
		if (chdir(dir)) {
			fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
			return 1;
		}
		if (getcwd(buf, sizeof(buf)))
			setenv("PWD", buf, 1);
		return 0;
	}
	if (!strcmp(argv[0], "exit")) {
		fflush(stdout);
		exit(argv[1] ? atoi(argv[1]) : last_status);
	}
	if (!strcmp(argv[0], "wait"))
		return wait_all();
	if (!strcmp(argv[0], "pwd")) {
		if (!getcwd(buf, sizeof(buf))) {
			perror("sh: pwd");
			return 1;
		}
		printf("%s\n", buf);
		fflush(stdout);
		return 0;
	}
	if (!strcmp(argv[0], "export") || !strcmp(argv[0], "unset")) {
		for (int i = 1; argv[i]; i++) {
			eq = strchr(argv[i], '=');
			if (argv[0][0] == 'u')
				unsetenv(argv[i]);
			else if (eq) {
				*eq = '\0';
				setenv(argv[i], eq + 1, 1);
			}
		}
		return 0;
	}
	if (c->argc == 1 && (eq = strchr(argv[0], '=')) && eq != argv[0]) {
		*eq = '\0';		/* VAR=value */
		setenv(argv[0], eq + 1, 1);
		return 0;
	}
	return -1;
}

/*
 * In the child: redirections, then the builtin or the program; never
 * returns. (A builtin with redirections or in a pipeline runs here, in a
 * child, so `cd /x > f` cannot change the shell's directory.)
 */
static void exec_cmd(struct cmd *c)
{
	int r;

	for (int i = 0; i < c->nredirs; i++)
		if (open_redir(&c->redirs[i]))
			_exit(1);
	if (c->argc == 0)
		_exit(0);
	r = run_builtin(c);
	if (r >= 0) {
		fflush(stdout);
		_exit(r);
	}
	execvp(c->argv[0], c->argv);
	fprintf(stderr, "sh: %s: %s\n", c->argv[0], errno == ENOENT ? "not found" : strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Run a pipeline; with bg, do not wait. Returns its exit status. */
static int run_pipeline(struct pipeline *pl, int bg)
{
	pid_t pids[MAX_CMDS];
	int in = -1, status = 0, r;

	/* A lone builtin without redirections changes the shell itself. */
	if (pl->ncmds == 1 && !bg && pl->cmds[0].nredirs == 0 && pl->cmds[0].argc &&
	    (r = run_builtin(&pl->cmds[0])) >= 0)
		return r;
	fflush(stdout);
	for (int i = 0; i < pl->ncmds; i++) {
		int fds[2] = { -1, -1 };

		if (i + 1 < pl->ncmds && pipe(fds)) {
			perror("sh: pipe");
			return 1;
		}
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("sh: fork");
			pids[i] = 0;
		} else if (pids[i] == 0) {
			signal(SIGINT, bg ? SIG_IGN : SIG_DFL);
			signal(SIGQUIT, bg ? SIG_IGN : SIG_DFL);
			if (in >= 0) {
				dup2(in, 0);
				close(in);
			}
			if (fds[1] >= 0) {
				dup2(fds[1], 1);
				close(fds[1]);
				close(fds[0]);
			}
			exec_cmd(&pl->cmds[i]);
		}
		if (in >= 0)
			close(in);
		if (fds[1] >= 0)
			close(fds[1]);
		in = fds[0];
	}
	if (bg) {
		if (interactive)
			fprintf(stderr, "[%d]\n", pids[pl->ncmds - 1]);
		return 0;
	}
	for (int i = 0; i < pl->ncmds; i++) {
		int st;

		if (!pids[i])
			continue;
		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
		if (i == pl->ncmds - 1)
			status = status_of(st);
	}
	return status;
}

/* Run a line pipeline by pipeline, honouring ; & && ||. */
static void run_line(const char *text)
{
	static struct line l;
	struct parser ps = { .p = text, .l = &l };
	enum sep prev = SEP_SEMI;

	while (parse_pipeline(&ps)) {
		struct pipeline *pl = &l.pl[0];

		if (!((prev == SEP_AND && last_status) || (prev == SEP_OR && !last_status)))
			last_status = run_pipeline(pl, pl->sep == SEP_BG);
		prev = pl->sep;
		if (prev == SEP_END)
			break;
	}
	if (ps.err) {
		sh_error("%s", ps.err);
		last_status = 2;
	}
}

static void run_stream(FILE *in)
{
	char text[MAX_LINE];

	for (;;) {
		if (interactive) {
			reap_background();
			fprintf(stderr, "%s ", geteuid() ? "$" : "#");
		}
		if (!fgets(text, sizeof(text), in))
			break;
		run_line(text);
	}
	if (interactive)
		fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	int i = 1;
	FILE *in = stdin;

	if (i < argc && !strcmp(argv[i], "-l"))
		i++;			/* a login shell: nothing different here */
	if (i + 1 < argc && !strcmp(argv[i], "-c")) {
		script_args = argv + i + 2;	/* sh -c CMD [$0 [$1...]] */
		script_argc = argc - i - 2;
		run_line(argv[i + 1]);
		return last_status;
	}
	if (i < argc) {
		in = fopen(argv[i], "r");
		if (!in) {
			fprintf(stderr, "sh: %s: %s\n", argv[i], strerror(errno));
			return 127;
		}
		script_args = argv + i;
		script_argc = argc - i;
	} else {
		interactive = isatty(0);
		script_args = argv;
		script_argc = 1;
	}
	if (interactive) {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
	}
	run_stream(in);
	return last_status;
}
