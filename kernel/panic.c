/*
 * panic() and warnings: the end of the line for a kernel that cannot go on.
 */
#include <stdarg.h>
#include <kestrel/printk.h>
#include <kestrel/panic.h>
#include <asm/processor.h>

__noreturn void panic(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	local_irq_disable();
	oops_in_progress = 1;
	va_start(ap, fmt);
	vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", buf);
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", buf);
	for (;;) {
		local_irq_disable();
		halt();
	}
}

void __warn(const char *file, int line, const char *cond)
{
	printk(KERN_WARNING "WARNING: %s:%d: %s\n", file, line, cond);
}
