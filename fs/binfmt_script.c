/*
 * #! scripts: "#!interpreter [one optional argument]" on the first line.
 *
 * The script is run as interpreter [argument] script-name args...: argv[0]
 * is dropped and the interpreter, its argument (everything after the
 * interpreter name and the blanks following it, trailing blanks removed,
 * as Linux) and the script's name as exec got it are pushed in front of
 * the remaining arguments. The interpreter is opened with the exec checks
 * and the formats are searched again; an interpreter that is a script
 * itself nests, at most BINPRM_MAX_RECURSION (4) deep, then -ELOOP.
 *
 * Only the first BINPRM_BUF_SIZE bytes are looked at: a first line longer
 * than that is fine if the interpreter name ends inside it (the argument
 * is cut), else -ENOEXEC. No locking: the bprm is private to the exec.
 */
#include <kestrel/binfmts.h>
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* Parse the #! line in buf: NUL-terminates name and arg inside buf; arg may be NULL. */
int script_parse_line(char *buf, size_t size, char **name, char **arg)
{
	char *end = buf, *p, *n;
	bool truncated;

	if (size < 2 || buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	/* The line ends at a newline or NUL (a short file); none in buf: it goes on past it. */
	while (end < buf + size && *end != '\n' && *end != '\0')
		end++;
	truncated = end == buf + size;
	if (truncated)
		end--;	/* keep one byte for the terminating NUL */
	*end = '\0';
	for (p = buf + 2; spacetab(*p); p++)
		;
	if (!*p)
		return -ENOEXEC;	/* no interpreter */
	n = p;
	while (*p && !spacetab(*p))
		p++;
	/* A name running to the end of a cut-off line may itself be cut off. */
	if (truncated && p == end)
		return -ENOEXEC;
	*name = n;
	*arg = NULL;
	if (!*p)
		return 0;
	*p++ = '\0';
	while (spacetab(*p))
		p++;
	if (!*p)
		return 0;
	*arg = p;
	/* Trailing blanks are not part of the argument. */
	for (char *e = p + strlen(p); e > p && spacetab(e[-1]); e--)
		e[-1] = '\0';
	return 0;
}

static int load_script(struct linux_binprm *bprm)
{
	char *line, *name, *arg, *interp;
	struct file *file;
	int err;

	if (bprm->buf[0] != '#' || bprm->buf[1] != '!')
		return -ENOEXEC;
	line = kmemdup(bprm->buf, BINPRM_BUF_SIZE, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	err = script_parse_line(line, BINPRM_BUF_SIZE, &name, &arg);
	if (err)
		goto out;

	/* argv becomes: interpreter, [argument], the script's name, argv[1...]. */
	err = remove_arg_zero(bprm);
	if (!err)
		err = copy_string_kernel(bprm->interp, bprm);
	if (!err && arg)
		err = copy_string_kernel(arg, bprm);
	if (!err)
		err = copy_string_kernel(name, bprm);
	if (err)
		goto out;
	bprm->argc += arg ? 3 : 2;

	err = -ENOMEM;
	interp = kmemdup(name, strlen(name) + 1, GFP_KERNEL);
	if (!interp)
		goto out;
	kfree(bprm->interp_buf);
	bprm->interp = bprm->interp_buf = interp;

	file = open_exec(interp);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto out;
	}
	if (bprm->file != bprm->executable)
		fput(bprm->file);
	bprm->file = file;
	bprm->recursion_depth++;
	err = search_binary_handler(bprm);
out:
	kfree(line);
	return err;
}

const struct linux_binfmt script_format = {
	.name = "script",
	.load_binary = load_script,
};
