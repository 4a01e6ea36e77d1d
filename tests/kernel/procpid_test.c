/*
 * ktests of /proc/<pid> (fs/proc/base.c, array.c, fd.c) from a kernel
 * thread: the files that need no user address space (stat, status, fd/,
 * fdinfo/, cwd, root, task/). maps, cmdline, environ, mem and exe are
 * tested from user space (user/tests/procpid.c).
 */
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/ktest.h>
#include <kestrel/sched.h>
#include <kestrel/string.h>
#include <kestrel/mm.h>
#include <kestrel/mman.h>
#include <kestrel/mm_types.h>
#include <kestrel/syscalls.h>
#include <kestrel/uaccess.h>
#include <kestrel/vm.h>

static char buf[8192];

static long slurp(const char *path)
{
	long fd = ksys_open(path, O_RDONLY, 0), n, total = 0;

	if (fd < 0)
		return fd;
	while ((n = ksys_read(fd, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += n;
	ksys_close(fd);
	buf[total] = 0;
	return n < 0 ? n : total;
}

static int count_fields(const char *s)
{
	int n = 0;
	bool in = false;

	for (; *s; s++) {
		bool sp = *s == ' ' || *s == '\n';

		if (!sp && !in)
			n++;
		in = !sp;
	}
	return n;
}

KTEST(procpid, stat_has_52_fields)
{
	char want[32];
	int len;

	KASSERT(slurp("/proc/self/stat") > 0);
	len = scnprintf(want, sizeof(want), "%d (%s) R ", current->pid, current->comm);
	KEXPECT(!strncmp(buf, want, len));
	KEXPECT_EQ(count_fields(buf), 52);
}

KTEST(procpid, status_lines)
{
	char want[64];

	KASSERT(slurp("/proc/self/status") > 0);
	scnprintf(want, sizeof(want), "\nPid:\t%d\n", current->pid);
	KEXPECT(strstr(buf, want) != NULL);
	KEXPECT(strstr(buf, "\nState:\tR (running)\n") != NULL);
	KEXPECT(strstr(buf, "\nThreads:\t") != NULL);
	KEXPECT(strstr(buf, "\nCpus_allowed_list:\t") != NULL);
}

KTEST(procpid, fd_links_name_open_files)
{
	char link[64], target[128];
	long fd = ksys_open("/proc/version", O_RDONLY | O_CLOEXEC, 0), n;

	KASSERT(fd >= 0);
	scnprintf(link, sizeof(link), "/proc/self/fd/%ld", fd);
	n = ksys_readlink(link, target, sizeof(target) - 1);
	KEXPECT(n > 0);
	if (n > 0) {
		target[n] = 0;
		KEXPECT(!strcmp(target, "/proc/version"));
	}
	scnprintf(link, sizeof(link), "/proc/self/fdinfo/%ld", fd);
	KEXPECT(slurp(link) > 0);
	KEXPECT(strstr(buf, "pos:\t0\n") != NULL);
	KEXPECT(strstr(buf, "flags:\t02") != NULL);	/* O_CLOEXEC shown */
	ksys_close(fd);
	scnprintf(link, sizeof(link), "/proc/self/fd/%ld", fd);
	KEXPECT_EQ(ksys_readlink(link, target, sizeof(target)), -ENOENT);
}

static bool dir_has(const char *path, const char *name)
{
	static char dents[4096];
	long fd = ksys_open(path, O_RDONLY | O_DIRECTORY, 0), n;
	bool found = false;

	if (fd < 0)
		return false;
	while ((n = ksys_getdents64(fd, (struct linux_dirent64 *)dents, sizeof(dents))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);

			if (!strcmp(d->d_name, name))
				found = true;
			off += d->d_reclen;
		}
	}
	ksys_close(fd);
	return found;
}

KTEST(procpid, dirs_list_fds_tasks_and_entries)
{
	long fd = ksys_open("/proc/version", O_RDONLY, 0);
	char name[16], path[64];

	KASSERT(fd >= 0);
	scnprintf(name, sizeof(name), "%ld", fd);
	KEXPECT(dir_has("/proc/self/fd", name));
	KEXPECT(dir_has("/proc/self/fdinfo", name));
	ksys_close(fd);
	scnprintf(name, sizeof(name), "%d", current->pid);
	scnprintf(path, sizeof(path), "/proc/%d/task", current->pid);
	KEXPECT(dir_has(path, name));
	KEXPECT(dir_has("/proc/self", "maps"));
	KEXPECT(dir_has("/proc/self", "exe"));
}

KTEST(procpid, cwd_and_root_links)
{
	char target[64];
	long n = ksys_readlink("/proc/self/root", target, sizeof(target) - 1);

	KASSERT(n > 0);
	target[n] = 0;
	KEXPECT(!strcmp(target, "/"));
	n = ksys_readlink("/proc/self/cwd", target, sizeof(target) - 1);
	KASSERT(n > 0);
	target[n] = 0;
	KEXPECT(target[0] == '/');
	/* A kernel thread has no executable and no memory to show. */
	KEXPECT_EQ(ksys_readlink("/proc/self/exe", target, sizeof(target)), -ENOENT);
	KEXPECT_EQ(slurp("/proc/self/maps"), 0);
	KEXPECT_EQ(slurp("/proc/self/cmdline"), 0);
}

/* ---- with an address space: a test thread borrows a fresh mm (kthread_use_mm) ---- */

static struct file *make_file(const char *path, unsigned long size)
{
	struct file *f = filp_open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);

	if (IS_ERR(f))
		return NULL;
	if (vfs_truncate(&f->f_path, size)) {
		fput(f);
		return NULL;
	}
	return f;
}

KTEST(procpid, maps_cmdline_mem_of_an_mm)
{
	struct mm_struct *mm = mm_alloc();
	struct file *f = make_file("/procpid-map", 2 * PAGE_SIZE);
	unsigned long anon, shared;
	char line[96], mem[8];
	long fd;

	KASSERT(mm && f);
	kthread_use_mm(mm);
	anon = vm_mmap(NULL, 0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	shared = vm_mmap(f, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 1);
	KASSERT(!IS_ERR_VALUE(anon) && !IS_ERR_VALUE(shared));
	KASSERT_EQ(copy_to_user((void __user *)anon, "prog\0-x\0", 8), 0);
	mm->arg_start = anon;
	mm->arg_end = anon + 8;

	KEXPECT_EQ(slurp("/proc/self/cmdline"), 8);
	KEXPECT(!memcmp(buf, "prog\0-x\0", 8));
	KEXPECT(slurp("/proc/self/maps") > 0);
	scnprintf(line, sizeof(line), "%08lx-%08lx rw-p 00000000 00:00 0 \n", anon,
		  anon + 3 * PAGE_SIZE);
	KEXPECT(strstr(buf, line) != NULL);
	scnprintf(line, sizeof(line), "%08lx-%08lx rw-s 00001000 ", shared, shared + PAGE_SIZE);
	KEXPECT(strstr(buf, line) != NULL);
	KEXPECT(strstr(buf, " /procpid-map\n") != NULL);

	fd = ksys_open("/proc/self/mem", O_RDWR, 0);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_pread64(fd, mem, 4, (loff_t)anon), 4);
	KEXPECT(!memcmp(mem, "prog", 4));
	KEXPECT_EQ(ksys_pwrite64(fd, "P", 1, (loff_t)anon), 1);
	KEXPECT_EQ(ksys_pread64(fd, mem, 1, 0x1000), -EIO);
	ksys_close(fd);
	KEXPECT(slurp("/proc/self/cmdline") > 0 && buf[0] == 'P');
	/* One anonymous page was written: at least 4 kB resident. */
	KEXPECT(slurp("/proc/self/status") > 0);
	{
		const char *rss = strstr(buf, "\nVmRSS:");
		unsigned long kb = 0;

		KEXPECT(rss != NULL);
		for (rss = rss ? rss + 8 : ""; *rss == ' ' || *rss == '\t'; rss++)
			;
		while (*rss >= '0' && *rss <= '9')
			kb = kb * 10 + (*rss++ - '0');
		KEXPECT(kb >= 4);
	}

	kthread_unuse_mm(mm);
	mmput(mm);
	fput(f);
	ksys_unlink("/procpid-map");
}
