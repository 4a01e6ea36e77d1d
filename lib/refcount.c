/*
 * The slow path of refcount_t (include/kestrel/refcount.h): a count that
 * went wrong is pinned at REFCOUNT_SATURATED, and the first misuse of
 * each kind is reported with a backtrace.
 */
#include <kestrel/bitops.h>
#include <kestrel/printk.h>
#include <kestrel/refcount.h>

static const char *const saturation_msgs[] = {
	[REFCOUNT_ADD_NOT_ZERO_OVF] = "refcount_t: saturated; leaking memory.",
	[REFCOUNT_ADD_OVF] = "refcount_t: saturated; leaking memory.",
	[REFCOUNT_ADD_UAF] = "refcount_t: addition on 0; use-after-free.",
	[REFCOUNT_SUB_UAF] = "refcount_t: underflow; use-after-free.",
	[REFCOUNT_DEC_LEAK] = "refcount_t: decrement hit 0; leaking memory.",
};

static unsigned long warned;	/* bit t: type t was reported */

void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t)
{
	atomic_set(&r->refs, REFCOUNT_SATURATED);
	if ((unsigned int)t >= ARRAY_SIZE(saturation_msgs) || test_and_set_bit(t, &warned))
		return;
	__warn(__FILE__, __LINE__, saturation_msgs[t]);
}
