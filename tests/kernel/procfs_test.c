/*
 * procfs.*: procfs (fs/proc/) through the VFS, on the boot-time tree:
 * /proc is mounted by fs_root_init.
 */
#include <kestrel/errno.h>
#include <kestrel/fdtable.h>
#include <kestrel/filelock.h>
#include <kestrel/fs.h>
#include <kestrel/completion.h>
#include <kestrel/kthread.h>
#include <kestrel/syscalls.h>
#include <kestrel/timer.h>
#include <kestrel/ktest.h>
#include <kestrel/mm.h>
#include <kestrel/sched.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/version.h>

static char text[16384];

/* The whole file into text (NUL-terminated), read in small pieces to exercise seq_read. */
static long slurp(const char *path)
{
	long fd = ksys_open(path, O_RDONLY, 0), n, total = 0;

	if (fd < 0)
		return fd;
	while ((n = ksys_read(fd, text + total, min(100L, (long)sizeof(text) - 1 - total))) > 0)
		total += n;
	ksys_close(fd);
	text[total] = 0;
	return n < 0 ? n : total;
}

static unsigned long meminfo_kb(const char *field)
{
	const char *p = strstr(text, field);
	unsigned long long v = 0;

	if (!p)
		return 0;
	p += strlen(field);
	while (*p == ' ' || *p == ':')
		p++;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	return v;
}

KTEST(procfs, mounts_lists_root_dev_proc)
{
	KASSERT(slurp("/proc/mounts") > 0);
	KEXPECT(strstr(text, "tmpfs / tmpfs rw") != NULL);
	KEXPECT(strstr(text, "devtmpfs /dev devtmpfs rw") != NULL);
	KEXPECT(strstr(text, "proc /proc proc rw") != NULL);
	/* A new mount shows up, and goes away. */
	KASSERT_EQ(ksys_mkdir("/ktmp-pm", 0755), 0);
	KASSERT_EQ(ksys_mount("tmpfs", "/ktmp-pm", "tmpfs", 0, NULL), 0);
	KASSERT(slurp("/proc/mounts") > 0);
	KEXPECT(strstr(text, "tmpfs /ktmp-pm tmpfs") != NULL);
	KEXPECT_EQ(ksys_umount("/ktmp-pm", 0), 0);
	KASSERT(slurp("/proc/mounts") > 0);
	KEXPECT(strstr(text, "/ktmp-pm") == NULL);
	KEXPECT_EQ(ksys_rmdir("/ktmp-pm"), 0);
}

KTEST(procfs, meminfo_plausible_and_moving)
{
	unsigned long total, free1, free2;
	struct page *p;

	KASSERT(slurp("/proc/meminfo") > 0);
	total = meminfo_kb("MemTotal");
	free1 = meminfo_kb("MemFree");
	KEXPECT_EQ(total, totalram_bytes >> 10);
	KEXPECT(free1 > 0 && free1 < total);
	KEXPECT(strstr(text, "Cached:") && strstr(text, "Dirty:") && strstr(text, "Writeback:"));
	KEXPECT(meminfo_kb("Slab") > 0);
	/* 4 MiB allocated: MemFree drops by about that much. */
	p = alloc_pages(GFP_KERNEL, 10 - 1);
	KASSERT(p != NULL);
	struct page *q = alloc_pages(GFP_KERNEL, 10 - 1);
	KASSERT(q != NULL);
	KASSERT(slurp("/proc/meminfo") > 0);
	free2 = meminfo_kb("MemFree");
	KEXPECT(free2 + 3 * 1024 < free1);
	__free_pages(p, 10 - 1);
	__free_pages(q, 10 - 1);
	KASSERT(slurp("/proc/meminfo") > 0);
	KEXPECT(meminfo_kb("MemFree") > free2 + 3 * 1024);
}

KTEST(procfs, cpuinfo_one_block_per_cpu)
{
	unsigned int n = 0;
	const char *p;

	KASSERT(slurp("/proc/cpuinfo") > 0);
	for (p = text; (p = strstr(p, "processor\t: ")); p++)
		n++;
	KEXPECT_EQ(n, num_online_cpus());
	KEXPECT(strstr(text, "vendor_id\t: ") != NULL);
	KEXPECT(strstr(text, "model name\t: ") != NULL);
	KEXPECT(strstr(text, "cpu MHz\t\t: ") != NULL);
	KEXPECT(strstr(text, " fpu ") != NULL);
	KEXPECT(strstr(text, " lm") != NULL);
}

KTEST(procfs, self_resolves)
{
	char link[16], want[16];
	struct stat st;
	long n;

	scnprintf(want, sizeof(want), "%d", current->pid);
	n = ksys_readlink("/proc/self", link, sizeof(link) - 1);
	KASSERT(n > 0);
	link[n] = 0;
	KEXPECT_STREQ(link, want);
	KEXPECT_EQ(ksys_stat("/proc/self", &st), 0);
	KEXPECT_EQ(st.st_mode & S_IFMT, S_IFDIR);
	KASSERT(slurp("/proc/self/comm") > 0);
	KEXPECT(!strncmp(text, current->comm, strlen(current->comm)));
	KASSERT(slurp("/proc/self/status") > 0);
	KEXPECT(strstr(text, "Name:\t") != NULL);
	KASSERT(slurp("/proc/self/stat") > 0);
	KEXPECT(!strncmp(text, want, strlen(want)));
	KEXPECT_EQ(ksys_open("/proc/self/none", O_RDONLY, 0), -ENOENT);
	KEXPECT_EQ(ksys_open("/proc/999999", O_RDONLY, 0), -ENOENT);
	/* Root may open it for writing (CAP_DAC_OVERRIDE) but procfs files take no writes. */
	n = ksys_open("/proc/meminfo", O_WRONLY, 0);
	KASSERT(n >= 0);
	KEXPECT(ksys_write(n, "x", 1) < 0);
	ksys_close(n);
}

KTEST(procfs, small_files)
{
	char head[8] = { 0 };
	long fd;

	KASSERT(slurp("/proc/version") > 0);
	KEXPECT(strstr(text, KESTREL_VERSION) != NULL);
	/* pread at an offset: seq_file regenerates and skips (bytes 8.. of the same text). */
	fd = ksys_open("/proc/version", O_RDONLY, 0);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_pread64(fd, head, 7, 8), 7);
	KEXPECT(!memcmp(head, text + 8, 7));
	KEXPECT_EQ(ksys_pread64(fd, head, 7, 0), 7);
	KEXPECT(!memcmp(head, "Kestrel", 7));
	ksys_close(fd);
	KASSERT(slurp("/proc/uptime") > 0);
	KEXPECT(text[0] >= '0' && text[0] <= '9' && strchr(text, '.'));
	KASSERT(slurp("/proc/cmdline") > 0);
	KEXPECT(strstr(text, "ktest=") != NULL);
	KASSERT(slurp("/proc/filesystems") > 0);
	KEXPECT(strstr(text, "nodev\ttmpfs\n") != NULL);
	KEXPECT(strstr(text, "nodev\tproc\n") != NULL);
	KEXPECT(strstr(text, "nodev\tdevtmpfs\n") != NULL);
	KASSERT(slurp("/proc/interrupts") > 0);
	KEXPECT(strstr(text, "LOC:") != NULL);
}

static bool dir_has(const char *dir, const char *name)
{
	static char buf[4096];
	long fd = ksys_open(dir, O_RDONLY | O_DIRECTORY, 0), n;
	bool found = false;

	if (fd < 0)
		return false;
	while (!found && (n = ksys_getdents64(fd, (struct linux_dirent64 *)buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			if (!strcmp(d->d_name, name))
				found = true;
			off += d->d_reclen;
		}
	}
	ksys_close(fd);
	return found;
}

/* read() of a /proc directory is EISDIR, as of any directory. */
/*
 * /proc's directories have only ->read (generic_read_dir: EISDIR for
 * read(2), user test vfs_calls.read_of_a_directory_is_eisdir); a read
 * with a kernel buffer needs ->read_iter, so it is EINVAL, as Linux's
 * kernel_read.
 */
KTEST(procfs, dir_read_from_the_kernel_is_einval)
{
	char buf[16];
	long fd = ksys_open("/proc", O_RDONLY | O_DIRECTORY, 0);

	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_read(fd, buf, sizeof(buf)), -EINVAL);
	ksys_close(fd);
	fd = ksys_open("/proc/self", O_RDONLY | O_DIRECTORY, 0);
	KASSERT(fd >= 0);
	KEXPECT_EQ(ksys_read(fd, buf, sizeof(buf)), -EINVAL);
	ksys_close(fd);
}

/* /proc/locks shows fs/locks.c's table: a flock appears while held. */
KTEST(procfs, locks)
{
	long fd = ksys_open("/tmp/kproc-lock", O_CREAT | O_RDWR, 0644);
	struct file *f;

	KASSERT(fd >= 0);
	f = fget(fd);
	KASSERT(f != NULL);
	KEXPECT_EQ(file_flock(f, LOCK_EX), 0);
	KASSERT(slurp("/proc/locks") > 0);
	KEXPECT(strstr(text, "FLOCK") != NULL);
	KEXPECT(strstr(text, "WRITE") != NULL);
	KEXPECT_EQ(file_flock(f, LOCK_UN), 0);
	fput(f);
	KEXPECT(slurp("/proc/locks") >= 0);
	KEXPECT(strstr(text, "FLOCK") == NULL);
	ksys_close(fd);
	KEXPECT_EQ(ksys_unlink("/tmp/kproc-lock"), 0);
}

static int wait_then_exit(void *arg)
{
	wait_for_completion(arg);
	return 0;
}

/* /proc/<pid> of another task: there while it lives, gone after it exits (nothing cached). */
KTEST(procfs, pid_dir_follows_task)
{
	static DECLARE_COMPLETION(go);
	struct task_struct *k;
	char path[48];
	long err = 0;
	int pid;

	reinit_completion(&go);
	k = kthread_run(wait_then_exit, &go, "kproc-pid");
	KASSERT(!IS_ERR(k));
	pid = k->pid;	/* it cannot exit before complete() below */
	scnprintf(path, sizeof(path), "/proc/%d/comm", pid);
	KEXPECT(slurp(path) > 0);
	KEXPECT_STREQ(text, "kproc-pid\n");
	scnprintf(path, sizeof(path), "/proc/%d/status", pid);
	KEXPECT(slurp(path) > 0);
	KEXPECT(strstr(text, "Name:\tkproc-pid\n") != NULL);
	complete(&go);
	scnprintf(path, sizeof(path), "/proc/%d", pid);
	for (int i = 0; i < 1000; i++) {	/* exit, then the reaper: up to 10 s */
		struct stat st;

		err = ksys_stat(path, &st);
		if (err)
			break;
		msleep(10);
	}
	KEXPECT_EQ(err, -ENOENT);
}

KTEST(procfs, readdir)
{
	char pid[16];

	scnprintf(pid, sizeof(pid), "%d", current->pid);
	KEXPECT(dir_has("/proc", "meminfo"));
	KEXPECT(dir_has("/proc", "self"));
	KEXPECT(dir_has("/proc", "mounts"));
	KEXPECT(dir_has("/proc", pid));
	KEXPECT(!dir_has("/proc", "999999"));
	KEXPECT(dir_has("/proc/self", "comm"));
}
