/* ktests for the embedded symbol table, %pS and backtraces (kernel/kallsyms.c, dumpstack.c). */
#include <kestrel/kallsyms.h>
#include <kestrel/ktest.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>

KTEST(kallsyms, table_present)
{
	KEXPECT(kallsyms_count() > 50);
}

KTEST(kallsyms, function_start_offset_zero)
{
	unsigned long size = 0, off = 1;
	const char *name = kallsyms_lookup((unsigned long)&printk, &size, &off);

	KEXPECT_STREQ(name, "printk");
	KEXPECT_EQ(off, 0);
	KEXPECT(size > 0 && size < 0x10000);
	KEXPECT_STREQ(kallsyms_lookup((unsigned long)&kallsyms_lookup, NULL, NULL),
		      "kallsyms_lookup");
}

KTEST(kallsyms, mid_function_offset)
{
	unsigned long size = 0, off = 0;
	unsigned long addr = (unsigned long)&vsnprintf;
	const char *name = kallsyms_lookup(addr + 7, &size, &off);

	KEXPECT_STREQ(name, "vsnprintf");
	KEXPECT_EQ(off, 7);
	/* The last byte still belongs to it; one past is someone else. */
	KEXPECT_STREQ(kallsyms_lookup(addr + size - 1, NULL, NULL), "vsnprintf");
	name = kallsyms_lookup(addr + size, NULL, NULL);
	KEXPECT(name == NULL || strcmp(name, "vsnprintf") != 0);
}

KTEST(kallsyms, lookup_name)
{
	KEXPECT_EQ(kallsyms_lookup_name("printk"), (unsigned long)&printk);
	KEXPECT_EQ(kallsyms_lookup_name("no_such_function_here"), 0);
}

KTEST(kallsyms, data_is_not_text)
{
	static int not_code;

	KEXPECT(kallsyms_lookup((unsigned long)&not_code, NULL, NULL) == NULL);
}

KTEST(kallsyms, format_pS)
{
	char buf[128], want[128];
	unsigned long size;

	KASSERT(kallsyms_lookup((unsigned long)&snprintf, &size, NULL));
	snprintf(buf, sizeof(buf), "%pS", (void *)((unsigned long)&snprintf + 0x1a));
	snprintf(want, sizeof(want), "snprintf+0x1a/%#lx", size);
	KEXPECT_STREQ(buf, want);
	snprintf(buf, sizeof(buf), "%pS", (void *)&snprintf);
	snprintf(want, sizeof(want), "snprintf+0x0/%#lx", size);
	KEXPECT_STREQ(buf, want);
	/* Not in any function: a plain address. */
	snprintf(buf, sizeof(buf), "%pS", (void *)0x1000UL);
	KEXPECT_STREQ(buf, "0x0000000000001000");
}

static __noinline void backtrace_leaf(void)
{
	dump_stack();
	barrier();
}

static __noinline void backtrace_middle(void)
{
	backtrace_leaf();
	barrier();
}

KTEST(kallsyms, dump_stack_names_callers)
{
	static char log[4096];
	size_t n;

	backtrace_middle();
	n = dmesg_read(log, sizeof(log) - 1);
	log[n] = '\0';
	const char *trace = strstr(log, "Call Trace:");
	KASSERT(trace != NULL);
	/* The last trace in the log is ours: find the last "Call Trace:". */
	for (const char *p = trace; (p = strstr(p + 1, "Call Trace:"));)
		trace = p;
	KEXPECT(strstr(trace, "backtrace_leaf+0x") != NULL);
	KEXPECT(strstr(trace, "backtrace_middle+0x") != NULL);
	KEXPECT(strstr(trace, "ktest_kallsyms_dump_stack_names_callers+0x") != NULL);
	KEXPECT(strstr(trace, "ktest_run_requested+0x") != NULL);
}
