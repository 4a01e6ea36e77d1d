/*
 * crashtest=: a test hook that crashes the kernel on purpose after boot, so
 * tests/integration/oops_*.sh and smp_panic.sh can check the oops and panic
 * reports from the host. Part of the test kernel only (build/kernel-test.elf):
 * it runs as a late initcall, before the ktests.
 *
 *	crashtest=pagefault	read an unmapped kernel address (#PF)
 *	crashtest=ud2		execute an invalid opcode (#UD)
 *	crashtest=divzero	divide by zero (#DE)
 *	crashtest=gpf		read a non-canonical address (#GP)
 *	crashtest=stackoverflow	recurse without end on a kernel stack with a
 *				guard page (#PF that cannot be delivered: #DF)
 *	crashtest=stackoverflow_init	the same on init's own stack (the boot
 *				stack, which init keeps)
 *	crashtest=stackoverflow_task	the same in a kernel thread, on its stack
 *	crashtest=stackprotector	overrun a buffer on the stack: the stack
 *				protector panics at the function's return
 *	crashtest=rodata	write to a const variable (#PF: read-only page)
 *	crashtest=text_alias	write to kernel text through the direct map
 *				(#PF: that alias is read-only too)
 *	crashtest=nx		call into a data page (#PF: NX violation)
 *	crashtest=warn		WARN_ON(1), then carry on
 *	crashtest=refcount	a refcount_t put below 0 and incremented past
 *				INT_MAX: saturates and warns, then carry on
 *	crashtest=panic		panic()
 *	crashtest=panic_all	every CPU panics at once
 *	crashtest=panic_irqsoff	panic while the other CPUs spin with interrupts off
 *
 * Each crash is its own non-inlined function so the tests can check that
 * the backtrace names it and its callers.
 *
 * The same crashes from user space, in a system call: writing a mode's
 * name to /dev/crashtest (root only) crashes the writing process's write(2)
 * (Linux's lkdtm DIRECT). An oops there kills only that process
 * (arch/x86/kernel/traps.c); tests/integration/oops_syscall.sh checks it.
 */
#include <kestrel/chrdev.h>
#include <kestrel/cmdline.h>
#include <kestrel/device.h>
#include <kestrel/errno.h>
#include <kestrel/uio.h>
#include <kestrel/init.h>
#include <kestrel/kthread.h>
#include <kestrel/sched.h>
#include <kestrel/timer.h>
#include <kestrel/printk.h>
#include <kestrel/reboot.h>
#include <kestrel/refcount.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <kestrel/vmalloc.h>

static const char *crash_mode;

static int crashtest_param(const char *val)
{
	if (!val || !*val)
		return -1;
	crash_mode = val;
	test_run_active = true;	/* an oops or a panic ends the run (include/kestrel/reboot.h) */
	return 0;
}
KERNEL_PARAM("crashtest", crashtest_param,
	     "test hook: crash on purpose after init (pagefault, ud2, divzero, gpf, stackoverflow, stackoverflow_init, stackoverflow_task, stackprotector, rodata, text_alias, nx, warn, refcount, panic, panic_all, panic_irqsoff)");

/* volatile: the compiler must really do the access, not prove it undefined. */
static __noinline void crash_pagefault(void)
{
	volatile unsigned long *bad = (volatile unsigned long *)0xffffc88000000000UL;

	pr_info("crashtest: reading unmapped kernel address %p\n", (void *)bad);
	(void)*bad;
}

static __noinline void crash_gpf(void)
{
	volatile unsigned long *bad = (volatile unsigned long *)0x8000000000000000UL;

	pr_info("crashtest: reading non-canonical address %p\n", (void *)bad);
	(void)*bad;
}

static __noinline void crash_ud2(void)
{
	pr_info("crashtest: executing ud2\n");
	__asm__ volatile("ud2");
}

static __noinline void crash_divzero(void)
{
	volatile unsigned int zero = 0;
	unsigned int q;

	pr_info("crashtest: dividing by zero\n");
	__asm__ volatile("divl %[d]" : "=a"(q) : "a"(1), "d"(0), [d] "r"(zero));
	pr_info("crashtest: quotient %u (should not get here)\n", q);
}

/* A `ret` in a data page: with NX the fetch faults instead of returning. */
static u8 data_ret[16] = { 0xc3 };

static __noinline void crash_nx(void)
{
	pr_info("crashtest: calling into data at %p (a ret instruction)\n", (void *)data_ret);
	((void (*)(void))(void *)data_ret)();
	pr_info("crashtest: data was executable (no NX?)\n");
}

static __noinline void crash_warn(void)
{
	pr_info("crashtest: WARN_ON(1)\n");
	WARN_ON(1);
	pr_info("crashtest: survived the warning\n");
}

/* One put too many, then one get too many: each saturates the count and warns. */
static __noinline void crash_refcount(void)
{
	refcount_t r = REFCOUNT_INIT(1);

	pr_info("crashtest: refcount_t: the last put, then one more\n");
	if (refcount_dec_and_test(&r))
		pr_info("crashtest: refcount_t reached 0\n");
	refcount_dec_and_test(&r);
	pr_info("crashtest: refcount_t is %#x after the underflow\n", refcount_read(&r));
	refcount_set(&r, REFCOUNT_MAX);
	refcount_inc(&r);
	pr_info("crashtest: refcount_t is %#x after the overflow\n", refcount_read(&r));
}

/* Never reached in practice: it only keeps the compiler from calling the recursion infinite. */
static volatile unsigned long recursion_limit = ~0UL;

static __noinline unsigned long recurse(unsigned long depth)
{
	volatile unsigned long pad[32];	/* 256 bytes a level: the guard page comes soon */

	pad[0] = depth;
	if (depth >= recursion_limit)
		return pad[0];
	return recurse(depth + 1) + pad[0];
}

/* Run fn on the stack whose top is top, then come back to ours. */
static void call_on_stack(unsigned long (*fn)(unsigned long), unsigned long top)
{
	__asm__ volatile("mov %%rsp, %%rbx\n\t"
			 "mov %[top], %%rsp\n\t"
			 "xor %%edi, %%edi\n\t"
			 "call *%[fn]\n\t"
			 "mov %%rbx, %%rsp"
			 :
			 : [top] "r"(top), [fn] "r"(fn)
			 : "rbx", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
			   "memory", "cc");
}

static __noinline void crash_stackoverflow(void)
{
	const unsigned long size = 16384;
	void *stack = alloc_kernel_stack(size);

	if (!stack) {
		pr_err("crashtest: no memory for a kernel stack, not crashing\n");
		return;
	}
	pr_info("crashtest: unbounded recursion on a %lu KiB stack at %p (guard page below)\n",
		size / 1024, stack);
	call_on_stack(recurse, (unsigned long)stack + size);
	free_kernel_stack(stack);
}

/* Unbounded recursion on the stack this task runs on: init's boot stack. */
static __noinline void crash_stackoverflow_init(void)
{
	pr_info("crashtest: unbounded recursion on the kernel stack of %s[%d]\n", current->comm,
		current->pid);
	recurse(0);
}

static int stackoverflow_thread(void *unused)
{
	recurse(0);
	return 0;
}

/* The same in a kernel thread of its own, on the stack task_alloc gave it. */
static __noinline void crash_stackoverflow_task(void)
{
	struct task_struct *k = kthread_run(stackoverflow_thread, NULL, "crashstack");

	if (IS_ERR(k)) {
		pr_err("crashtest: no kernel thread, not crashing\n");
		return;
	}
	pr_info("crashtest: unbounded recursion in %s[%d]\n", k->comm, k->pid);
	for (;;)
		msleep(1000);	/* its oops ends the run */
}

/*
 * Fill a 16-byte buffer on the stack and everything above it up to the
 * saved frame pointer: the canary goes, the return address stays, so the
 * stack protector's check at the return is what stops it.
 */
static __noinline void crash_stackprotector(void)
{
	char buf[16];
	char *volatile start = buf;
	size_t len = (char *)__builtin_frame_address(0) - start;

	pr_info("crashtest: overrunning a 16-byte buffer on the stack by %zu bytes\n",
		len - sizeof(buf));
	memset(start, 'A', len);
}

static const unsigned long crash_rodata_word = 0x5ead;

static __noinline void crash_rodata(void)
{
	pr_info("crashtest: writing to read-only data at %p\n", (void *)&crash_rodata_word);
	*(volatile unsigned long *)&crash_rodata_word = 1;
	pr_info("crashtest: read-only data was written (%lx)\n", crash_rodata_word);
}

static __noinline void crash_text_alias(void)
{
	volatile u8 *alias = __va(__pa_symbol(crash_text_alias));

	pr_info("crashtest: writing to kernel text through the direct map at %p\n", (void *)alias);
	*alias = *alias;
	pr_info("crashtest: kernel text was writable through the direct map\n");
}

static __noinline void crash_panic(void)
{
	panic("crashtest: panic on request");
}

/* Every online CPU (smp_call_function_many leaves the caller out itself). */
static cpumask_t other_cpus(void)
{
	cpumask_t m = CPU_MASK_NONE;
	unsigned int cpu;

	for_each_online_cpu(cpu)
		cpumask_set_cpu(cpu, &m);
	return m;
}

static void panic_here(void *info)
{
	panic("crashtest: panic on CPU %u", smp_processor_id());
}

/* Every CPU panics at once: exactly one of them may report (smp_send_stop). */
static __noinline void crash_panic_all(void)
{
	smp_call_function_many(other_cpus(), panic_here, NULL, false);
	panic_here(NULL);
}

static void spin_irqs_off(void *info)
{
	for (;;)
		cpu_relax();	/* a call-function runs with interrupts off */
}

/* The others ignore the stop IPI (interrupts off): the NMI must stop them. */
static __noinline void crash_panic_irqsoff(void)
{
	smp_call_function_many(other_cpus(), spin_irqs_off, NULL, false);
	mdelay(50);
	panic("crashtest: panic while the other CPUs spin with interrupts off");
}

static const struct {
	const char *name;
	void (*fn)(void);
} crashes[] = {
	{ "pagefault", crash_pagefault },
	{ "gpf", crash_gpf },
	{ "ud2", crash_ud2 },
	{ "divzero", crash_divzero },
	{ "stackoverflow", crash_stackoverflow },
	{ "stackoverflow_init", crash_stackoverflow_init },
	{ "stackoverflow_task", crash_stackoverflow_task },
	{ "stackprotector", crash_stackprotector },
	{ "rodata", crash_rodata },
	{ "text_alias", crash_text_alias },
	{ "nx", crash_nx },
	{ "warn", crash_warn },
	{ "refcount", crash_refcount },
	{ "panic", crash_panic },
	{ "panic_all", crash_panic_all },
	{ "panic_irqsoff", crash_panic_irqsoff },
};

/* Crash as crashtest= asks; returns for "warn", without crashtest=, or if the crash did not happen. */
static __noinline int crashtest_run(void)
{
	if (!crash_mode)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(crashes); i++) {
		if (!strcmp(crash_mode, crashes[i].name)) {
			crashes[i].fn();
			return 0;
		}
	}
	pr_err("crashtest: unknown mode '%s', not crashing\n", crash_mode);
	return 0;
}
late_initcall(crashtest_run);

/* ---- /dev/crashtest ---- */

#define CRASHTEST_MAJOR 240	/* Linux's "local/experimental use" range */

static ssize_t crashtest_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	size_t count = iov_iter_count(from);
	char mode[32];
	size_t n = min(count, sizeof(mode) - 1);

	if (copy_from_iter(mode, n, from) != n)
		return -EFAULT;
	mode[n] = 0;
	if (n && mode[n - 1] == '\n')
		mode[n - 1] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(crashes); i++) {
		if (!strcmp(mode, crashes[i].name)) {
			pr_info("crashtest: %s in the write(2) of pid %d\n", mode, current->pid);
			crashes[i].fn();
			return count;
		}
	}
	return -EINVAL;
}

static const struct file_operations crashtest_fops = {
	.write_iter = crashtest_write_iter,
};

static int crashtest_dev_init(void)
{
	struct device *dev;
	int err;

	err = register_chrdev_region_fops(CRASHTEST_MAJOR, 0, 1, "crashtest", &crashtest_fops);
	if (err) {
		pr_err("crashtest: cannot register /dev/crashtest (%d)\n", err);
		return 0;
	}
	dev = device_create("crashtest", S_IFCHR | 0200, MKDEV(CRASHTEST_MAJOR, 0));
	if (IS_ERR(dev))
		pr_err("crashtest: cannot create /dev/crashtest (%ld)\n", PTR_ERR(dev));
	return 0;
}
late_initcall(crashtest_dev_init);
