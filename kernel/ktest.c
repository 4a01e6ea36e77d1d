/*
 * The ktest runner (see include/kestrel/ktest.h for writing tests).
 *
 * Part of the test kernel only (build/kernel-test.elf, with tests/kernel):
 * ktest=GLOB on its command line runs the matching tests as the last
 * initcall (late_initcall_sync, after the crashtest= and locktest= hooks),
 * then powers off with the verdict. The plain kernel has no ktest=
 * parameter: the word goes to init like any unknown one.
 *
 * Tests live in the .ktests.<suite> sections, which the linker sorts by
 * suite; the runner walks them in that order. Tests run one at a time on
 * the boot thread, so the runner itself needs no locking.
 */
#include <stdarg.h>
#include <kestrel/cmdline.h>
#include <kestrel/init.h>
#include <kestrel/ktest.h>
#include <kestrel/string.h>
#include <kestrel/reboot.h>

extern const struct ktest __start_ktests[], __stop_ktests[];

static const char *ktest_glob;	/* ktest=GLOB ("*" for a bare ktest), or NULL */

static int ktest_param(const char *val)
{
	ktest_glob = val && *val ? val : "*";
	test_run_active = true;	/* an oops or a panic ends the run (include/kestrel/reboot.h) */
	return 0;
}
KERNEL_PARAM("ktest", ktest_param, "run the in-kernel tests whose suite.name matches the glob");

void ktest_fail(struct ktest_ctx *t, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(KERN_ERR "    # %s.%s: %s:%d: %s\n", t->test->suite, t->test->name, file, line, msg);
	t->failures++;
}

static bool selected(const struct ktest *k, const char *glob)
{
	char full[128];

	snprintf(full, sizeof(full), "%s.%s", k->suite, k->name);
	return glob_match(glob, full);
}

/* Run the tests ktest= selected, then power off with the verdict; nothing without ktest=. */
static int ktest_run_requested(void)
{
	const char *glob = ktest_glob;
	int total = 0, passed = 0, failed = 0;

	if (!glob)
		return 0;
	for (const struct ktest *k = __start_ktests; k < __stop_ktests; k++)
		total += selected(k, glob);
	printk(KERN_INFO "ktest: running %d tests matching '%s'\n", total, glob);
	printk(KERN_INFO "1..%d\n", total);
	for (const struct ktest *k = __start_ktests; k < __stop_ktests; k++) {
		struct ktest_ctx ctx = { .test = k };
		if (!selected(k, glob))
			continue;
		k->fn(&ctx);
		if (ctx.failures)
			failed++;
		else
			passed++;
		printk(KERN_INFO "%sok %d - %s.%s\n", ctx.failures ? "not " : "", passed + failed,
		       k->suite, k->name);
	}
	printk(KERN_INFO "%d passed, %d failed\n", passed, failed);
	if (total == 0)
		printk(KERN_ERR "ktest: no test matches '%s'\n", glob);
	test_exit(failed == 0 && total > 0);
}
late_initcall_sync(ktest_run_requested);
