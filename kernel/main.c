/*
 * start_kernel: the C entry point. arch/x86/boot/head.S calls it on the
 * boot CPU in 64-bit mode, on the boot stack, with interrupts off and the
 * boot page tables loaded. Each step below brings up one subsystem; the
 * order matters and each comment says why a step comes where it does.
 */
#include <kestrel/acpi.h>
#include <kestrel/binfmts.h>
#include <kestrel/blkdev.h>
#include <kestrel/buffer_head.h>
#include <kestrel/bootinfo.h>
#include <kestrel/chrdev.h>
#include <kestrel/cmdline.h>
#include <kestrel/console.h>
#include <kestrel/device.h>
#include <kestrel/fb.h>
#include <kestrel/kallsyms.h>
#include <kestrel/fs.h>
#include <kestrel/init.h>
#include <kestrel/initramfs.h>
#include <kestrel/pagemap.h>
#include <kestrel/pci.h>
#include <kestrel/pipe_fs_i.h>
#include <kestrel/lockdep.h>
#include <kestrel/syscalls.h>
#include <kestrel/watchdog.h>
#include <kestrel/mm.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/random.h>
#include <kestrel/rcupdate.h>
#include <kestrel/reboot.h>
#include <kestrel/start_kernel.h>
#include <kestrel/sched.h>
#include <kestrel/serial.h>
#include <kestrel/tty.h>
#include <kestrel/shmem_fs.h>
#include <kestrel/slab.h>
#include <kestrel/smp.h>
#include <kestrel/time.h>
#include <kestrel/version.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/i8259.h>
#include <asm/ioapic.h>
#include <asm/processor.h>
#include <asm/rtc.h>
#include <asm/stackprotector.h>
#include <asm/syscall.h>
#include <asm/vdso.h>

static __noreturn void run_init(void);

void start_kernel(u32 magic, u32 info_phys)
{
	bool booted_ok;

	/* The stack protector's canary, before any frame that returns could store the old one. */
	boot_init_stack_canary();
	/* Per-CPU data and `current` (init_task) first: every spinlock counts preemption there. */
	percpu_boot_early();

	/* First, a way to talk: the serial port needs nothing else. */
	if (serial_init())
		register_console(serial_console_get());
	pr_info("Kestrel %s\n", KESTREL_VERSION);

	/* The command line, printed before parsing so its complaints follow it. */
	booted_ok = bootinfo_parse(magic, info_phys);
	pr_info("Command line: %s\n", boot_info.cmdline);
	cmdline_setup(boot_info.cmdline);
	serial_console_setup();
	if (!booted_ok)
		panic("not started by a multiboot loader (magic %#x): no memory map", magic);

	/* GDT, TSS, IDT and this CPU's per-CPU area: faults become oopses... */
	trap_init();
	/* ...with symbol names (the table is in the image: nothing to set up). */
	kallsyms_init();
	/* The lock validator: needs this CPU's per-CPU area (GS), set up just above. */
	lockdep_init();

	/* Memory map, final page tables, page allocator, slab, vmalloc: all later steps allocate. */
	mm_init();

	/* NX, SMEP, SMAP, UMIP: after mm, whose final page tables have no user pages. */
	cpu_features_init();

	/* The screen console; after mm because it maps video memory. */
	video_console_init();

	/* ACPI first: it says which timers and controllers exist. */
	acpi_init();
	/* The legacy PICs must be masked before any interrupt is enabled. */
	i8259_init_masked();
	/* Calibrate the TSC against the HPET or PIT: ktime_get_ns(), udelay(). */
	time_init();
	/* The local APIC (this CPU) and IOAPICs (all device lines masked). */
	apic_init();
	ioapic_init();
	/* The APIC timer against the same reference as the TSC. */
	lapic_timer_calibrate();
	/* The wall clock, once, for the log. */
	rtc_init();
	/* The random generator: seeded from RDSEED/RDRAND, TSC jitter and the RTC (above). */
	random_init();
	/* The vDSO's pages and its clock data (needs the TSC and the RTC). */
	vdso_init();

	/* The boot thread becomes the init task; needs kmalloc and guarded stacks (mm). */
	sched_init();
	/* RCU's per-CPU state: before the first tick and the first idle loop use it. */
	rcu_init();

	/* The tick (this CPU's APIC timer at HZ), then interrupts on. */
	time_start_tick();
	local_irq_enable();
	/* The other CPUs: they reuse the APIC timer calibration and the IDT from above. */
	smp_init();
	/* The kworkers (system_wq, the reaper of exited tasks). */
	sched_late_init();
	/* khungtaskd: reports threads stuck in uninterruptible sleep (needs kthreads). */
	hung_task_init();
	/* RCU's callback threads rcuc/N, one per online CPU (all are up now). */
	rcu_init_late();
	/* The page cache: folio slab, wait table, reclaim shrinker, flusher thread (a kthread). */
	pagecache_init();
	/* The VFS: dentry/inode/file caches, the mount hash (file systems mount after). */
	vfs_caches_init();
	/* pipefs, where pipe2() gets its inodes: needs the VFS caches and mounts. */
	pipe_init();

	/* /proc/slabinfo: the caches' object counts. */
	slab_proc_init();
	/* Character devices (/dev/null, zero, full, random, urandom, kmsg, console). */
	chr_dev_init();
	/* Terminals: /dev/tty, /dev/console, ttyS0 (receive interrupts), the screen's tty1. */
	tty_init();
	/* PCI: every bus and function (ECAM or ports 0xcf8), their BARs and interrupt lines. */
	pci_init();
	/* Block devices: bios, request queues, the bdev page cache and its buffer heads. */
	blk_dev_init();
	buffer_init();
	/* The drivers: they take the PCI devices found above (virtio-blk disks: /dev/vda...). */
	drivers_init();
	/* The root: tmpfs on /, devtmpfs on /dev, procfs on /proc (needs the VFS and page cache). */
	fs_root_init();
	/* The initramfs into that root (needs tmpfs and /dev mounted): /init must exist before it runs. */
	populate_rootfs();

	/* What registered itself to run once everything is up (include/kestrel/init.h). */
	do_initcalls();
	/* `poweroff` or `restart` on the command line: tests of those paths. */
	boot_end_action();

	/* User space: this thread, pid 1, becomes the init program (never returns). */
	run_init();
}

extern const initcall_t __initcall_start[], __initcall_end[];

void do_initcalls(void)
{
	for (const initcall_t *call = __initcall_start; call < __initcall_end; call++) {
		int ret = (*call)();

		if (ret)
			pr_warn("initcall %ps returned %d\n", (void *)*call, ret);
	}
}

/*
 * ---- Starting user space (the init-launch part, as Linux's kernel_init) ----
 *
 * The boot thread is pid 1. Once the kernel is up (and no test hook ended
 * the run) it execs init, trying in turn:
 *   1. rdinit= (default /init) in the root the initramfs populated; a
 *      missing default /init is skipped silently, any other failure is
 *      reported and the next candidate tried;
 *   2. init= if given: if it fails the kernel panics (Linux's rule);
 *   3. /sbin/init, /etc/init, /bin/init, /bin/sh.
 * None works: panic "No working init found". init gets the command-line
 * words no kernel parameter claimed as argv (bare words) and environment
 * (name=value), after HOME=/ and TERM=linux, and /dev/console as its
 * standard input, output and error.
 */
#define INIT_MAX_ARGS 34	/* kernel/cmdline.c's MAX_INIT_ARGS plus argv[0] and NULL */

static const char *const default_inits[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };

/* fds 0, 1, 2 on /dev/console (Linux's console_on_rootfs); init may run without it. */
static void console_on_rootfs(void)
{
	long fd = ksys_openat(AT_FDCWD, "/dev/console", O_RDWR, 0);

	if (fd < 0) {
		pr_err("Warning: unable to open an initial console (error %ld).\n", fd);
		return;
	}
	if (fd != 0) {
		ksys_dup2(fd, 0);
		ksys_close(fd);
	}
	ksys_dup2(0, 1);
	ksys_dup2(0, 2);
}

static int run_init_process(const char *path)
{
	const char *argv[INIT_MAX_ARGS + 1], *envp[INIT_MAX_ARGS + 3];
	char *const *a = cmdline_init_argv(), *const *e = cmdline_init_envp();
	int n = 0, m = 0;

	argv[n++] = path;
	while (a && *a && n < INIT_MAX_ARGS)
		argv[n++] = *a++;
	argv[n] = NULL;
	envp[m++] = "HOME=/";
	envp[m++] = "TERM=linux";
	while (e && *e && m < INIT_MAX_ARGS + 2)
		envp[m++] = *e++;
	envp[m] = NULL;
	pr_info("Run %s as init process\n", path);
	return kernel_execve(path, argv, envp);
}

static __noreturn void enter_init(void)
{
	ret_to_user_mode(current_pt_regs());
}

static __noreturn void run_init(void)
{
	const char *rdinit = cmdline_get("rdinit"), *init = cmdline_get("init");
	int ret;

	/* The boot thread stayed on the boot CPU (sched_init); the init program may run anywhere. */
	set_cpus_allowed(current, sched_cpus_active());
	console_on_rootfs();

	ret = run_init_process(rdinit ? rdinit : "/init");
	if (!ret)
		enter_init();
	if (rdinit || ret != -ENOENT)
		pr_err("Failed to execute %s (error %d)\n", rdinit ? rdinit : "/init", ret);

	if (init) {
		ret = run_init_process(init);
		if (!ret)
			enter_init();
		panic("Requested init %s failed (error %d).", init, ret);
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_inits); i++) {
		ret = run_init_process(default_inits[i]);
		if (!ret)
			enter_init();
		if (ret != -ENOENT)
			pr_err("Starting init: %s exists but couldn't execute it (error %d)\n",
			       default_inits[i], ret);
	}
	panic("No working init found.  Try passing init= option to kernel. "
	      "See Linux Documentation/admin-guide/init.rst for guidance.");
}
