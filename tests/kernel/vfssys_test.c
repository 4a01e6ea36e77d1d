/*
 * vfssys.*: the VFS system-call layer (SYSCALL_DEFINE wrappers) and the
 * per-process descriptor tables and fs_struct (fs/file.c,
 * fs/fs_struct.c).
 *
 * A ktest runs in a kernel thread with no user address space, so it can
 * only check the wrappers' bad-pointer paths: a kernel address (refused
 * by access_ok) and an unmapped user address (the copy faults and the
 * exception fixup turns it into -EFAULT). The good paths run from user
 * space (user/tests/vfs_*.c). The table helpers (dup_fd, close-on-exec,
 * put) are exercised by swapping a copied table into the test thread.
 */
#include <kestrel/fdtable.h>
#include <kestrel/fs_struct.h>
#include <kestrel/ktest.h>
#include <kestrel/namei.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>

#define KADDR ((void __user *)0xffffffff80000000UL)	/* kernel text: access_ok says no */
#define UNMAPPED ((void __user *)0x00007ffff0000000UL)	/* user half, never mapped for a kthread */

KTEST(vfssys, bad_pointers_are_efault)
{
	void __user *bad[2] = { KADDR, UNMAPPED };
	long fd;
	int i;

	fd = ksys_open("/", O_RDONLY | O_DIRECTORY, 0);
	KASSERT(fd >= 0);
	for (i = 0; i < 2; i++) {
		KEXPECT_EQ(sys_openat(AT_FDCWD, bad[i], O_RDONLY, 0), -EFAULT);
		KEXPECT_EQ(sys_mkdirat(AT_FDCWD, bad[i], 0755), -EFAULT);
		KEXPECT_EQ(sys_newfstatat(AT_FDCWD, bad[i], NULL, 0), -EFAULT);
		KEXPECT_EQ(sys_fstat(fd, bad[i]), -EFAULT);
		KEXPECT_EQ(sys_getdents64(fd, bad[i], 4096), -EFAULT);
		KEXPECT_EQ(sys_getcwd(bad[i], 4096), -EFAULT);
		KEXPECT_EQ(sys_pipe2(bad[i], 0), -EFAULT);
	}
	KEXPECT_EQ(sys_read(fd, KADDR, 16), -EFAULT);
	KEXPECT_EQ(ksys_close(fd), 0);
}

KTEST(vfssys, getname_errors)
{
	struct filename *n = getname(KADDR);

	KEXPECT_EQ(PTR_ERR(n), -EFAULT);
	n = getname(UNMAPPED);
	KEXPECT_EQ(PTR_ERR(n), -EFAULT);
	KEXPECT(getname_maybe_null(NULL, 0) == NULL);
}

KTEST(vfssys, dup_fd_close_on_exec_put)
{
	struct files_struct *saved = current->files, *copy;
	struct file *a, *b;
	long files_before = get_nr_files();
	unsigned int open_before = nr_open_fds();
	long fd_keep, fd_exec;
	int err = 0;

	fd_keep = ksys_open("/", O_RDONLY | O_DIRECTORY, 0);
	fd_exec = ksys_open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	KASSERT(fd_keep >= 0 && fd_exec >= 0);
	copy = dup_fd(current_files(), &err);
	KASSERT(copy != NULL);
	KEXPECT_EQ(err, 0);

	current->files = copy;
	KEXPECT(current_files() == copy);
	KEXPECT_EQ(nr_open_fds(), open_before + 2);
	a = fget(fd_keep);
	b = fget(fd_exec);
	KEXPECT(a != NULL && b != NULL);
	KEXPECT(get_close_on_exec(fd_exec));
	KEXPECT(!get_close_on_exec(fd_keep));
	do_close_on_exec(copy);
	KEXPECT_EQ(nr_open_fds(), open_before + 1);
	KEXPECT(fget(fd_exec) == NULL);
	/* Another task's view (/proc/<pid>/fd): a counted reference, lookups, listing. */
	{
		struct files_struct *seen = get_task_files(current);
		struct file *g;

		KEXPECT(seen == copy);
		if (seen) {
			KEXPECT_EQ(atomic_read(&seen->count), 2);
			g = fget_files(seen, fd_keep);
			KEXPECT(g == a);
			if (g)
				fput(g);
			KEXPECT(fget_files(seen, fd_exec) == NULL);
			KEXPECT_EQ(files_next_fd(seen, fd_keep), fd_keep);
			KEXPECT(files_next_fd(seen, fd_keep + 1) != (int)fd_exec);
			put_files_struct(seen);
		}
	}
	current->files = saved;
	KEXPECT(get_task_files(current) == saved);	/* NULL for a kernel thread */
	if (saved)
		put_files_struct(saved);

	/* The original table still has both. */
	KEXPECT_EQ(nr_open_fds(), open_before + 2);
	if (a)
		fput(a);
	if (b)
		fput(b);
	put_files_struct(copy);
	KEXPECT_EQ(ksys_close(fd_keep), 0);
	KEXPECT_EQ(ksys_close(fd_exec), 0);
	KEXPECT_EQ(get_nr_files(), files_before);
}

KTEST(vfssys, copy_fs_struct_is_independent)
{
	struct fs_struct *saved = current->fs, *copy = copy_fs_struct(current_fs());
	char buf[64];

	KASSERT(copy != NULL);
	KEXPECT_EQ(copy->umask, current_fs()->umask);
	KEXPECT_EQ(ksys_mkdir("/vfssys_cwd", 0755), 0);
	current->fs = copy;
	KEXPECT_EQ(ksys_chdir("/vfssys_cwd"), 0);
	KEXPECT_EQ(ksys_getcwd(buf, sizeof(buf)), 12);
	KEXPECT_STREQ(buf, "/vfssys_cwd");
	current->fs = saved;
	KEXPECT_EQ(ksys_getcwd(buf, sizeof(buf)), 2);	/* the shared one did not move */
	KEXPECT_STREQ(buf, "/");
	put_fs_struct(copy);
	KEXPECT_EQ(ksys_rmdir("/vfssys_cwd"), 0);
}

/* fallocate on tmpfs (size=4 pages): mode 0 grows and charges, ENOSPC past size=, hole punch frees. */
KTEST(vfssys, tmpfs_fallocate)
{
	struct kstatfs sfs;
	struct stat st;
	char buf[16];
	long fd;
	struct file *f;

	KASSERT_EQ(ksys_mkdir("/falloc", 0755), 0);
	KASSERT_EQ(ksys_mount("tmpfs", "/falloc", "tmpfs", 0, (void *)"size=16k"), 0);
	fd = ksys_open("/falloc/f", O_CREAT | O_RDWR, 0644);
	KASSERT(fd >= 0);
	f = fget(fd);
	KASSERT(f != NULL);
	KEXPECT_EQ(vfs_fallocate(f, 0, 0, 8192), 0);
	KEXPECT_EQ(ksys_fstat(fd, &st), 0);
	KEXPECT_EQ(st.st_size, 8192);
	KEXPECT_EQ(st.st_blocks, 16);	/* two pages in 512-byte blocks */
	KEXPECT_EQ(vfs_fallocate(f, FALLOC_FL_KEEP_SIZE, 8192, 4096), 0);
	KEXPECT_EQ(ksys_fstat(fd, &st), 0);
	KEXPECT_EQ(st.st_size, 8192);
	KEXPECT_EQ(st.st_blocks, 24);
	/* One page left: asking for two fails and leaves nothing beyond EOF. */
	KEXPECT_EQ(vfs_fallocate(f, 0, 12288, 8192), -ENOSPC);
	KEXPECT_EQ(ksys_fstat(fd, &st), 0);
	KEXPECT_EQ(st.st_size, 8192);
	KEXPECT_EQ(ksys_statfs("/falloc", &sfs), 0);
	/* Punch the first page: its data is gone, the charge returns, the size stays. */
	KEXPECT_EQ(ksys_pwrite64(fd, "abcdefgh", 8, 0), 8);
	KEXPECT_EQ(ksys_pwrite64(fd, "ABCDEFGH", 8, 4100), 8);
	KEXPECT_EQ(vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4102), 0);
	KEXPECT_EQ(ksys_pread64(fd, buf, 8, 0), 8);
	KEXPECT_EQ(buf[0] | buf[7], 0);
	KEXPECT_EQ(ksys_pread64(fd, buf, 8, 4100), 8);
	KEXPECT_EQ(memcmp(buf, "\0\0CDEFGH", 8), 0);	/* partial page: only the range zeroed */
	KEXPECT_EQ(ksys_fstat(fd, &st), 0);
	KEXPECT_EQ(st.st_size, 8192);
	KEXPECT_EQ(st.st_blocks, 16);
	/* The checks before the file system. */
	KEXPECT_EQ(vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE, 0, 1), -EOPNOTSUPP);
	KEXPECT_EQ(vfs_fallocate(f, 0, -1, 1), -EINVAL);
	KEXPECT_EQ(vfs_fallocate(f, 0, 0, 0), -EINVAL);
	KEXPECT_EQ(vfs_fallocate(f, 0x100, 0, 1), -EOPNOTSUPP);
	fput(f);
	KEXPECT_EQ(ksys_close(fd), 0);
	fd = ksys_open("/falloc/f", O_RDONLY, 0);
	f = fget(fd);
	KEXPECT_EQ(vfs_fallocate(f, 0, 0, 1), -EBADF);
	fput(f);
	KEXPECT_EQ(ksys_close(fd), 0);
	KEXPECT_EQ(ksys_umount("/falloc", 0), 0);
	KEXPECT_EQ(ksys_rmdir("/falloc"), 0);
}
