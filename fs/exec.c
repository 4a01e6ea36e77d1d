/*
 * execve(2), execveat(2) and kernel_execve (init): replace the program of
 * the current process. include/kestrel/binfmts.h describes the protocol
 * with the format loaders; docs/process.md the whole story.
 *
 *   1. copy the file name, argv and envp in (limits: MAX_ARG_STRLEN per
 *      string, a quarter of RLIMIT_STACK, at most ARG_MAX_BYTES, for
 *      strings and pointers together: -E2BIG);
 *   2. open the file for execution: a regular file (-EACCES otherwise),
 *      exec permission, not on a noexec mount;
 *   3. a fresh mm (mm_alloc) and an FPU area, while failing is still cheap;
 *   4. let the formats try (ELF, #! script); the loader calls
 *      begin_new_exec() when everything that depends on the file checked
 *      out: the other threads are killed (de_thread), and from there on
 *      the old program is gone (mm, robust futexes and vfork parent
 *      released, close-on-exec files closed, handlers reset to SIG_DFL)
 *      and a failure kills the process (SIGKILL) instead of returning.
 *
 * Locking: the strings buffer and the bprm are private to this call.
 * Only current changes its own mm, comm and thread state here; comm is
 * written with a single strlcpy (readers may see a torn name, as Linux
 * without task_lock).
 */
#include <kestrel/binfmts.h>
#include <kestrel/errno.h>
#include <kestrel/fdtable.h>
#include <kestrel/fork.h>
#include <kestrel/fs.h>
#include <kestrel/mm_types.h>
#include <kestrel/mount.h>
#include <kestrel/namei.h>
#include <kestrel/pid.h>
#include <kestrel/panic.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/sched_signal.h>
#include <kestrel/sched_user.h>
#include <kestrel/signal.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <kestrel/vmalloc.h>
#include <asm/processor.h>
#include <asm/syscall.h>

#define STRINGS_INITIAL_SIZE 4096UL
#define STRINGS_KMALLOC_MAX 16384UL	/* larger buffers come from vmalloc */

/* argv/envp: a user array of user strings, or (kernel_execve) a kernel one. */
struct user_arg_ptr {
	bool is_kernel;
	union {
		const char __user *const __user *user;
		const char *const *kernel;
	} ptr;
};

static const struct linux_binfmt *const formats[] = { &elf_format, &script_format };

/* ---- the strings buffer ---- */

static void *strings_alloc(unsigned long size, bool *is_vmalloc)
{
	*is_vmalloc = size > STRINGS_KMALLOC_MAX;
	return *is_vmalloc ? vmalloc(size) : kmalloc(size, GFP_KERNEL);
}

static void strings_free(void *buf, bool is_vmalloc)
{
	if (is_vmalloc)
		vfree(buf);
	else
		kfree(buf);
}

/* Make room for len more bytes below p: double the buffer, keeping the used end at the top. */
static int strings_reserve(struct linux_binprm *bprm, unsigned long len)
{
	unsigned long used = bprm->size - bprm->p, size = bprm->size;
	bool is_vmalloc;
	char *buf;

	if (len <= bprm->p)
		return 0;
	while (size - used < len)
		size *= 2;
	if (size > ARG_MAX_BYTES)
		size = ARG_MAX_BYTES;
	if (size - used < len)
		return -E2BIG;
	buf = strings_alloc(size, &is_vmalloc);
	if (!buf)
		return -ENOMEM;
	memcpy(buf + size - used, bprm->strings + bprm->p, used);
	strings_free(bprm->strings, bprm->strings_vmalloc);
	bprm->strings = buf;
	bprm->strings_vmalloc = is_vmalloc;
	bprm->size = size;
	bprm->p = size - used;
	return 0;
}

/*
 * Room for argv and envp, strings and pointers: a quarter of RLIMIT_STACK
 * (they live on the new stack), at least 32 pages, as Linux's
 * bprm_stack_limits; at most ARG_MAX_BYTES.
 */
static unsigned long arg_limit(void)
{
	return clamp(rlimit(RLIMIT_STACK) / 4, 32 * 4096UL, ARG_MAX_BYTES);
}

/* Would len more string bytes (and one more pointer) exceed the limit? */
static bool over_arg_limit(const struct linux_binprm *bprm, unsigned long len)
{
	unsigned long pointers = ((unsigned long)bprm->argc + bprm->envc + 3) * sizeof(void *);

	return bprm->size - bprm->p + len + pointers > arg_limit();
}

int copy_string_kernel(const char *s, struct linux_binprm *bprm)
{
	unsigned long len = strlen(s) + 1;
	int err;

	if (len > MAX_ARG_STRLEN || over_arg_limit(bprm, len))
		return -E2BIG;
	err = strings_reserve(bprm, len);
	if (err)
		return err;
	bprm->p -= len;
	memcpy(bprm->strings + bprm->p, s, len);
	return 0;
}

static const char *get_arg_ptr(struct user_arg_ptr argv, int nr, int *err)
{
	const char __user *p;

	if (argv.is_kernel)
		return argv.ptr.kernel[nr];
	if (get_user(p, (const char __user *__user *)(argv.ptr.user + nr))) {
		*err = -EFAULT;
		return NULL;
	}
	return (const char *)p;
}

/* Number of strings in a NULL-terminated argv (a NULL array counts 0), or -errno. */
static int count_args(struct user_arg_ptr argv)
{
	int i = 0, err = 0;

	if (!argv.ptr.user)
		return 0;
	for (;;) {
		const char *p = get_arg_ptr(argv, i, &err);

		if (err)
			return err;
		if (!p)
			return i;
		if (i >= MAX_ARG_STRINGS - 1)
			return -E2BIG;
		i++;
		if (fatal_signal_pending(current))
			return -ERESTARTNOHAND;
		cond_resched();
	}
}

/* Push argv[0..count) so that argv[0] ends lowest (last pushed). */
static int copy_strings(int count, struct user_arg_ptr argv, struct linux_binprm *bprm)
{
	int err = 0;

	while (count-- > 0) {
		const char *s = get_arg_ptr(argv, count, &err);
		long len;

		if (err)
			return err;
		if (argv.is_kernel) {
			err = copy_string_kernel(s, bprm);
			if (err)
				return err;
			continue;
		}
		len = strnlen_user((const char __user *)s, MAX_ARG_STRLEN);
		if (len == 0)
			return -EFAULT;
		if (len > (long)MAX_ARG_STRLEN || over_arg_limit(bprm, len))
			return -E2BIG;
		err = strings_reserve(bprm, len);
		if (err)
			return err;
		bprm->p -= len;
		if (copy_from_user(bprm->strings + bprm->p, (const char __user *)s, len))
			return -EFAULT;
		bprm->strings[bprm->p + len - 1] = '\0';	/* changed under us: still terminated */
		if (fatal_signal_pending(current))
			return -ERESTARTNOHAND;
		cond_resched();
	}
	return 0;
}

int remove_arg_zero(struct linux_binprm *bprm)
{
	if (!bprm->argc)
		return 0;
	bprm->p += strnlen(bprm->strings + bprm->p, bprm->size - bprm->p) + 1;
	bprm->argc--;
	return 0;
}

/* ---- the file ---- */

static int check_exec_file(struct file *file)
{
	struct inode *inode = file_inode(file);

	if (!S_ISREG(inode->i_mode))
		return -EACCES;
	if ((file->f_path.mnt->mnt_flags & MNT_NOEXEC) || (inode->i_sb->s_flags & SB_NOEXEC))
		return -EACCES;
	return inode_permission(inode, MAY_EXEC);
}

static struct file *do_open_execat(int dfd, const char *name, int flags)
{
	int oflags = O_RDONLY | O_LARGEFILE;
	struct file *file;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return ERR_PTR(-EINVAL);
	if (flags & AT_SYMLINK_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	if ((flags & AT_EMPTY_PATH) && !name[0]) {
		file = dfd >= 0 ? fget(dfd) : NULL;
		if (!file)
			return ERR_PTR(-EBADF);
	} else {
		file = do_filp_open(dfd, name, oflags, 0);
		if (IS_ERR(file))
			return file;
	}
	err = check_exec_file(file);
	if (err) {
		fput(file);
		return ERR_PTR(err);
	}
	return file;
}

struct file *open_exec(const char *name)
{
	return do_open_execat(AT_FDCWD, name, 0);
}

int prepare_binprm(struct linux_binprm *bprm)
{
	loff_t pos = 0;
	ssize_t n;

	memset(bprm->buf, 0, sizeof(bprm->buf));
	n = kernel_read(bprm->file, bprm->buf, sizeof(bprm->buf), &pos);
	return n < 0 ? (int)n : 0;
}

int search_binary_handler(struct linux_binprm *bprm)
{
	int err;

	if (bprm->recursion_depth > BINPRM_MAX_RECURSION)
		return -ELOOP;
	err = prepare_binprm(bprm);
	if (err)
		return err;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		err = formats[i]->load_binary(bprm);
		if (err != -ENOEXEC || bprm->point_of_no_return)
			return err;
	}
	return -ENOEXEC;
}

/* ---- the point of no return ---- */

/*
 * Make current the only thread of its process: SIGKILL to the others and
 * wait until they are gone (signal->live == 1). SIGNAL_GROUP_EXIT is set
 * meanwhile, so a dying thread's fatal-signal path (do_group_exit) just
 * exits instead of killing the whole group, current included, as it
 * would for a real group exit; current clears it when alone. -EAGAIN if
 * the process is already exiting (exit_group or a fatal signal won).
 */
static int de_thread(struct task_struct *me)
{
	struct signal_struct *sig = me->signal;
	struct task_struct *t;
	unsigned long flags;

	if (!sig || atomic_read(&sig->live) <= 1)
		return 0;
	lock_task_sighand(me, &flags);
	if (sig->flags & SIGNAL_GROUP_EXIT) {
		unlock_task_sighand(me, &flags);
		return -EAGAIN;
	}
	sig->flags = SIGNAL_GROUP_EXIT | (sig->flags & SIGNAL_UNKILLABLE);
	sig->group_exit_code = 0;
	for_each_thread(me, t) {
		if (t == me || t->exit_state)
			continue;
		sigaddset(&t->pending.signal, SIGKILL);
		signal_wake_up(t, true);
	}
	unlock_task_sighand(me, &flags);

	/* Not killable: our own flag above would end a killable sleep at once. */
	while (atomic_read(&sig->live) > 1)
		schedule_timeout_uninterruptible(1);

	lock_task_sighand(me, &flags);
	sig->flags &= SIGNAL_UNKILLABLE;	/* init stays init */
	sig->group_exit_code = 0;
	unlock_task_sighand(me, &flags);
	return 0;
}

static const char *kbasename(const char *path)
{
	const char *tail = strrchr(path, '/');

	return tail ? tail + 1 : path;
}

int begin_new_exec(struct linux_binprm *bprm)
{
	struct task_struct *me = current;
	struct mm_struct *mm = bprm->mm;
	int err;

	/* Other threads die first: they share the mm about to go. */
	err = de_thread(me);
	if (err)
		return err;
	/*
	 * Handlers shared with another process (CLONE_SIGHAND without
	 * CLONE_THREAD) must not be reset under it: take our own copy first,
	 * while failing is still allowed.
	 */
	if (me->sighand) {
		err = unshare_sighand(me);
		if (err)
			return err;
	}
	bprm->point_of_no_return = true;
	/* Robust futexes, clear_child_tid and a waiting vfork parent belong to the old mm. */
	exec_mm_release(me);
	/* The new address space; the old one is dropped (exec_mm_install). */
	bprm->mm = NULL;
	exec_mm_install(mm);
	mm->exe_file = get_file(bprm->file);	/* for a script: its interpreter, as Linux */

	strlcpy(me->comm, kbasename(bprm->filename), sizeof(me->comm));
	me->flags &= ~(PF_KTHREAD | PF_FORKNOEXEC);
	if (me->files)
		do_close_on_exec(me->files);
	/* Handlers point into the old program: back to SIG_DFL (ignored ones stay ignored). */
	if (me->sighand)
		flush_signal_handlers(me, 0);
	return 0;
}

/* ---- execve ---- */

static void free_bprm(struct linux_binprm *bprm)
{
	if (bprm->mm)
		mmput(bprm->mm);
	if (bprm->file)
		fput(bprm->file);
	if (bprm->executable && bprm->executable != bprm->file)
		fput(bprm->executable);
	if (bprm->strings)
		strings_free(bprm->strings, bprm->strings_vmalloc);
	kfree(bprm->interp_buf);
	kfree(bprm);
}

static int bprm_copy_args(struct linux_binprm *bprm, struct user_arg_ptr argv,
			  struct user_arg_ptr envp)
{
	int argc, envc, err;

	argc = count_args(argv);
	if (argc < 0)
		return argc;
	envc = count_args(envp);
	if (envc < 0)
		return envc;
	/* Pushed in reverse: the exec file name on top, then envp, then argv. */
	err = copy_string_kernel(bprm->filename, bprm);
	if (err)
		return err;
	err = copy_strings(envc, envp, bprm);
	if (err)
		return err;
	bprm->envc = envc;
	err = copy_strings(argc, argv, bprm);
	if (err)
		return err;
	bprm->argc = argc;
	/* Programs assume argv[0] exists: an empty argv gets "" (as Linux since 5.18). */
	if (!argc) {
		err = copy_string_kernel("", bprm);
		if (err)
			return err;
		bprm->argc = 1;
	}
	return 0;
}

static int do_execveat_common(int fd, const char *filename, struct user_arg_ptr argv,
			      struct user_arg_ptr envp, int flags, bool *ponr)
{
	struct linux_binprm *bprm;
	struct file *file;
	bool is_vmalloc;
	int err;

	might_sleep();
	/*
	 * A setuid made us a user already over RLIMIT_NPROC: the program
	 * does not start (Linux's check, kernel/sys.c's set_user).
	 */
	if ((current->flags & PF_NPROC_EXCEEDED) && current->nproc_user &&
	    (unsigned long)atomic_read(&current->nproc_user->processes) > rlimit(RLIMIT_NPROC))
		return -EAGAIN;
	current->flags &= ~PF_NPROC_EXCEEDED;
	bprm = kzalloc(sizeof(*bprm), GFP_KERNEL);
	if (!bprm)
		return -ENOMEM;
	bprm->filename = bprm->interp = filename;
	bprm->strings = strings_alloc(STRINGS_INITIAL_SIZE, &is_vmalloc);
	bprm->strings_vmalloc = is_vmalloc;
	err = -ENOMEM;
	if (!bprm->strings)
		goto out;
	bprm->size = bprm->p = STRINGS_INITIAL_SIZE;

	file = do_open_execat(fd, filename, flags);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto out;
	}
	bprm->file = file;
	bprm->executable = file;

	err = bprm_copy_args(bprm, argv, envp);
	if (err)
		goto out;
	err = arch_exec_prepare();
	if (err)
		goto out;
	err = -ENOMEM;
	bprm->mm = mm_alloc();
	if (!bprm->mm)
		goto out;

	err = search_binary_handler(bprm);
	*ponr = bprm->point_of_no_return;
	if (err < 0 && bprm->point_of_no_return) {
		/* The old program is gone and the new one cannot run: the process dies. */
		pr_info("exec: %s: loading failed after the point of no return (%d), killing %s/%d\n",
			filename, err, current->comm, current->pid);
		force_sig(SIGKILL);	/* forced: init too (then the kernel panics) */
	}
out:
	if (bprm->executable == bprm->file)
		bprm->executable = NULL;
	free_bprm(bprm);
	return err;
}

int kernel_execve(const char *filename, const char *const *argv, const char *const *envp)
{
	struct user_arg_ptr a = { .is_kernel = true, .ptr.kernel = argv };
	struct user_arg_ptr e = { .is_kernel = true, .ptr.kernel = envp };
	bool ponr = false;
	int err = do_execveat_common(AT_FDCWD, filename, a, e, 0, &ponr);

	/* The kernel's caller (init) has no old program to go back to either. */
	if (err && ponr)
		panic("exec of %s failed after the point of no return (error %d)", filename, err);
	return err;
}

static long do_execve_user(int fd, const char __user *filename,
			   const char __user *const __user *argv,
			   const char __user *const __user *envp, int flags)
{
	struct user_arg_ptr a = { .ptr.user = argv }, e = { .ptr.user = envp };
	struct filename *name;
	long err;
	bool ponr = false;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	name = getname_flags(filename, flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
	if (IS_ERR(name))
		return PTR_ERR(name);
	err = do_execveat_common(fd, name->name, a, e, flags, &ponr);
	putname(name);
	return err;
}

SYSCALL_DEFINE3(execve, const char __user *, filename, const char __user *const __user *, argv,
		const char __user *const __user *, envp)
{
	return do_execve_user(AT_FDCWD, filename, argv, envp, 0);
}

SYSCALL_DEFINE5(execveat, int, fd, const char __user *, filename,
		const char __user *const __user *, argv, const char __user *const __user *, envp,
		int, flags)
{
	return do_execve_user(fd, filename, argv, envp, flags);
}
