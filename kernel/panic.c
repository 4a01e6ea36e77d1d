/*
 * panic() and warnings: the end of the line for a kernel that cannot go on.
 *
 * Boot options, as Linux's: panic=N reboots the machine N seconds after a
 * panic (negative: at once; 0, the default: it stays halted with the
 * report on the screen); oops=panic makes every oops a panic, even one
 * that could end with killing the task that hit it (arch/x86/kernel/traps.c).
 */
#include <stdarg.h>
#include <kestrel/cmdline.h>
#include <kestrel/kallsyms.h>
#include <kestrel/kgdb.h>
#include <kestrel/printk.h>
#include <kestrel/panic.h>
#include <kestrel/percpu.h>
#include <kestrel/reboot.h>
#include <kestrel/sched.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <asm/io.h>
#include <asm/stackprotector.h>
#include <asm/processor.h>

static long panic_timeout;	/* panic=: [c] set while the command line is parsed */
bool panic_on_oops;		/* oops=panic: [c] likewise */

static int panic_param(const char *val)
{
	long long secs;

	if (!val || kstrtoll(val, 10, &secs) || secs < -3600 || secs > 3600)
		return -1;
	panic_timeout = secs;
	return 0;
}
KERNEL_PARAM("panic", panic_param,
	     "seconds after a panic before the machine reboots (0: stay halted, negative: at once)");

static int oops_param(const char *val)
{
	if (!val || strcmp(val, "panic"))
		return -1;
	panic_on_oops = true;
	return 0;
}
KERNEL_PARAM("oops", oops_param, "oops=panic: every oops panics, none only kills its task");

/* panic=N: wait N seconds (interrupts are off: count them with mdelay), then reset. */
static __noreturn void panic_reboot(void)
{
	if (panic_timeout > 0) {
		printk(KERN_EMERG "Rebooting in %ld seconds..\n", panic_timeout);
		for (long i = 0; i < panic_timeout; i++)
			mdelay(1000);
	}
	printk(KERN_EMERG "reboot: Restarting system\n");
	machine_restart();
}

__noreturn void panic(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	bool after_oops;

	local_irq_disable();
	va_start(ap, fmt);
	vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* The kernel's debugger, if enabled, sees the machine before it is halted. */
	kgdb_panic(buf);
	/*
	 * An oops on this CPU already printed the trace. Per CPU, not the
	 * global oops_in_progress: when every CPU panics at once, another
	 * CPU's flag says nothing about the one that wins the stop below.
	 */
	after_oops = this_cpu_read(oops_nesting) > 0;
	WRITE_ONCE(oops_in_progress, 1);
	/* Halt the other CPUs (or be halted, if one of them panics already): one report only. */
	smp_send_stop();
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", buf);
	if (!after_oops) {
		dump_stack_lvl(KERN_EMERG);
		show_tasks();	/* every task, its CPU and the locks it holds */
	}
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", buf);
	/* A test run must end, not hang: tell QEMU (status 37). */
	if (test_run_active)
		outb(TEST_EXIT_PORT, TEST_EXIT_PANIC);
	if (panic_timeout)
		panic_reboot();
	for (;;) {
		local_irq_disable();
		halt();
	}
}

/*
 * The stack protector found the canary of a frame changed at its return
 * (arch/x86/include/asm/stackprotector.h): a buffer on the stack was
 * overrun. The stack cannot be trusted to return through: stop, naming
 * the function (Linux's message).
 */
unsigned long __stack_chk_guard;

__noreturn void __stack_chk_fail(void);
__noreturn void __stack_chk_fail(void)
{
	unsigned long ret = (unsigned long)__builtin_return_address(0);
	char where[KSYM_NAME_LEN + 48];

	/* The call is the function's last instruction: name it by ret - 1 (Linux's %pB). */
	if (!kallsyms_sprint(where, sizeof(where), ret, true))
		scnprintf(where, sizeof(where), "%016lx", ret);
	panic("stack-protector: Kernel stack is corrupted in: %s", where);
}

void __warn(const char *file, int line, const char *cond)
{
	printk(KERN_WARNING "WARNING: %s:%d: %s\n", file, line, cond);
	dump_stack_lvl(KERN_WARNING);
	printk(KERN_WARNING "---[ end trace %016x ]---\n", 0);
}
