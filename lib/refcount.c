/*
 * refcount_t's slow path (include/kestrel/refcount.h): a count that went
 * wrong is saturated, so the object leaks rather than being freed under
 * its users, and one WARNING says how and where (once per count: a
 * saturated count stays saturated without further reports).
 */
#include <kestrel/kallsyms.h>
#include <kestrel/lockdep.h>
#include <kestrel/printk.h>
#include <kestrel/refcount.h>

static const char *const saturation_why[] = {
	[REFCOUNT_ADD_NOT_ZERO_OVF] = "saturated; leaking memory",
	[REFCOUNT_ADD_OVF] = "saturated; leaking memory",
	[REFCOUNT_ADD_UAF] = "addition on 0; use-after-free",
	[REFCOUNT_SUB_UAF] = "underflow; use-after-free",
	[REFCOUNT_DEC_LEAK] = "decrement hit 0; leaking memory",
};

/*
 * A saturated count that is used again moves a little away from
 * REFCOUNT_SATURATED (each get or put on it still adds or subtracts 1
 * before the check). Within this distance it was already reported.
 */
#define SATURATED_SLACK (1 << 20)

static bool already_saturated(int v)
{
	return v > REFCOUNT_SATURATED - SATURATED_SLACK && v < REFCOUNT_SATURATED + SATURATED_SLACK;
}

void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t)
{
	bool reported = already_saturated(atomic_read(&r->refs));
	char title[64];

	refcount_set(r, REFCOUNT_SATURATED);
	if (reported)
		return;
	snprintf(title, sizeof(title), "refcount_t: %s", saturation_why[t]);
#ifdef CONFIG_LOCKDEP
	/* Through the validator's reports: a test can capture it (lockdep_expect_report). */
	if (READ_ONCE(debug_locks)) {
		lockdep_report_context("WARNING", title, NULL, _RET_IP_);
		return;
	}
#endif
	printk(KERN_ERR "WARNING: %s\n", title);
	dump_stack();
}
