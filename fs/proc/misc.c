/*
 * The small files of /proc: mounts, uptime, version, cmdline,
 * filesystems and interrupts (/proc/locks is fs/locks.c's locks_seq_show).
 */
#include <kestrel/cmdline.h>
#include <kestrel/dcache.h>
#include <kestrel/irq.h>
#include <kestrel/mount.h>
#include <kestrel/percpu.h>
#include <kestrel/sched.h>
#include <kestrel/smp.h>
#include <kestrel/time.h>
#include <kestrel/version.h>
#include "internal.h"

/* "device mountpoint type options 0 0" per mount, in mount order (Linux's format). */
static void show_mount(struct vfsmount *mnt, const char *devname, const char *path, void *arg)
{
	struct seq_file *m = arg;
	struct super_block *sb = mnt->mnt_sb;

	seq_printf(m, "%s %s %s %s", devname ? devname : "none", path, sb->s_type->name,
		   (mnt->mnt_flags & MNT_READONLY) || (sb->s_flags & SB_RDONLY) ? "ro" : "rw");
	if (mnt->mnt_flags & MNT_NOSUID)
		seq_puts(m, ",nosuid");
	if (mnt->mnt_flags & MNT_NODEV)
		seq_puts(m, ",nodev");
	if (mnt->mnt_flags & MNT_NOEXEC)
		seq_puts(m, ",noexec");
	seq_puts(m, " 0 0\n");
}

int mounts_proc_show(struct seq_file *m, void *v)
{
	mounts_for_each(show_mount, m);
	return 0;
}

/* Seconds since boot, and the idle time summed over CPUs (Kestrel does not measure it: "0.00"). */
int uptime_proc_show(struct seq_file *m, void *v)
{
	u64 ns = ktime_get_ns();

	seq_printf(m, "%llu.%02llu 0.00\n", (unsigned long long)(ns / NSEC_PER_SEC),
		   (unsigned long long)(ns % NSEC_PER_SEC / (NSEC_PER_SEC / 100)));
	return 0;
}

int version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "Kestrel version %s (x86_64)\n", KESTREL_VERSION);
	return 0;
}

int cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", cmdline_raw());
	return 0;
}

static void show_filesystem(struct file_system_type *fs, void *arg)
{
	struct seq_file *m = arg;

	seq_printf(m, "%s\t%s\n", (fs->fs_flags & FS_REQUIRES_DEV) ? "" : "nodev", fs->name);
}

int filesystems_proc_show(struct seq_file *m, void *v)
{
	filesystems_for_each(show_filesystem, m);
	return 0;
}

/* Interrupts per CPU: the local timer, and all vectors 0x20-0xff taken. */
int interrupts_proc_show(struct seq_file *m, void *v)
{
	unsigned int cpu;

	seq_puts(m, "     ");
	for_each_online_cpu(cpu)
		seq_printf(m, "       CPU%-3u", cpu);
	seq_putc(m, '\n');
	irq_proc_show(m);
	seq_puts(m, " LOC:");
	for_each_online_cpu(cpu)
		seq_printf(m, " %13llu", (unsigned long long)timer_ticks(cpu));
	seq_puts(m, "   Local timer interrupts\n ALL:");
	for_each_online_cpu(cpu)
		seq_printf(m, " %13lu", READ_ONCE(percpu_areas[cpu].nr_irqs));
	seq_puts(m, "   Interrupts of any vector\n");
	return 0;
}
