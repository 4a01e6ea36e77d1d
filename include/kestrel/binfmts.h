/*
 * execve: the binary-format interface between fs/exec.c and the loaders
 * (fs/binfmt_elf.c, fs/binfmt_script.c). docs/process.md tells the story.
 *
 * fs/exec.c copies argv and envp into a kernel buffer (struct
 * linux_binprm), opens the file with the exec checks and reads its first
 * BINPRM_BUF_SIZE bytes into bprm->buf, then offers the bprm to each
 * format in turn. A format that does not recognise the file returns
 * -ENOEXEC and the next one is tried; #! scripts replace bprm->file with
 * their interpreter and search again (at most BINPRM_MAX_RECURSION deep).
 *
 * A loader checks everything that can fail for the file's own reasons
 * first, then calls begin_new_exec(): the point of no return, after which
 * the old program is gone (its mm, close-on-exec files, handled signals)
 * and an error kills the task instead of returning to it. It then maps the
 * program into the new mm, builds the stack and calls start_thread().
 *
 * The strings: argv, envp and the file name live in bprm->strings, packed
 * from the end of the buffer down like the top of the future user stack:
 * [p, size) holds argv[0..argc), envp[0..envc), then the exec file name
 * (AT_EXECFN), each NUL-terminated. Pushing a string puts it below p, so
 * the script loader can drop argv[0] and push its replacements in front.
 */
#ifndef KESTREL_BINFMTS_H
#define KESTREL_BINFMTS_H

#include <kestrel/types.h>

#define BINPRM_BUF_SIZE 256
#define MAX_ARG_STRLEN (32 * 4096UL)	/* one argument or environment string, NUL included */
#define MAX_ARG_STRINGS 0x7fffffff
#define ARG_MAX_BYTES (2UL << 20)	/* strings plus pointers (Linux: a quarter of the 8 MiB stack) */
#define BINPRM_MAX_RECURSION 4		/* #! interpreters that are scripts themselves */

struct file;
struct mm_struct;

struct linux_binprm {
	char buf[BINPRM_BUF_SIZE];	/* the first bytes of file (zero-filled past its end) */
	struct file *file;		/* what is being loaded now (a script's interpreter, ...) */
	struct file *executable;	/* the file exec was asked to run: comm, not exe_file */
	const char *filename;		/* the name exec was given (kernel copy) */
	const char *interp;		/* the name of file (== filename unless a script) */
	char *interp_buf;		/* binfmt_script: storage of interp */
	char *strings;			/* argument strings: [p, size) used */
	unsigned long size, p;
	bool strings_vmalloc;		/* strings came from vmalloc (else kmalloc) */
	int argc, envc;
	int recursion_depth;		/* scripts followed so far */
	struct mm_struct *mm;		/* the new address space until begin_new_exec installs it */
	bool point_of_no_return;	/* begin_new_exec ran: errors are fatal */
	bool secureexec;		/* AT_SECURE */
};

struct linux_binfmt {
	const char *name;
	/* Load bprm: -ENOEXEC if not this format, another -errno, or 0 when the program is ready. */
	int (*load_binary)(struct linux_binprm *bprm);
};

extern const struct linux_binfmt elf_format;
extern const struct linux_binfmt script_format;

/* Try every format on bprm->file (bprm->buf filled). */
int search_binary_handler(struct linux_binprm *bprm);
/* Open name for execution: a regular file, exec permission, not on a noexec mount. */
struct file *open_exec(const char *name);
/* Read the first BINPRM_BUF_SIZE bytes of bprm->file into bprm->buf. */
int prepare_binprm(struct linux_binprm *bprm);
/* Drop argv[0] (binfmt_script). */
int remove_arg_zero(struct linux_binprm *bprm);
/* Push a kernel string in front of argv (binfmt_script); -E2BIG beyond the limits. */
int copy_string_kernel(const char *s, struct linux_binprm *bprm);
/* The point of no return (see above): 0, or -errno if the old program was not harmed. */
int begin_new_exec(struct linux_binprm *bprm);

/*
 * binfmt_script: parse the "#!" line in buf[0..size): name and arg are
 * NUL-terminated in place, arg NULL when absent. 0 or -ENOEXEC (not a
 * script, no interpreter, or its name cut off by the end of buf).
 */
int script_parse_line(char *buf, size_t size, char **name, char **arg);

/*
 * Run a program from the kernel (init): argv and envp are NULL-terminated
 * kernel arrays. On success current will enter the new program when it
 * returns to user mode (ret_to_user_mode(current_pt_regs())).
 */
int kernel_execve(const char *filename, const char *const *argv, const char *const *envp);

#endif
