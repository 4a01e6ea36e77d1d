/*
 * ktest: in-kernel tests.
 *
 *	KTEST(buddy, alloc_free)
 *	{
 *		struct page *p = alloc_pages(GFP_KERNEL, 0);
 *		KASSERT(p != NULL);
 *		KEXPECT_EQ(page_count(p), 1);
 *		__free_pages(p, 0);
 *	}
 *
 * Booting the test kernel (build/kernel-test.elf: the kernel plus
 * tests/kernel and the runner, kernel/ktest.c) with ktest=GLOB runs every
 * test whose "suite.name" matches GLOB (ktest=* runs all), prints TAP-style
 * `ok N - suite.name` or `not ok N - suite.name`, then `N passed, N failed`,
 * and powers off with the verdict as QEMU's exit status (tools/ turn it
 * into a test result).
 *
 * KEXPECT_* record a failure and go on; KASSERT* record it and end the
 * test at once (return from the test function, so only use them in the
 * test body itself, not in helpers it calls).
 *
 * The host unit tests (tests/host) use these same macros: their
 * tests/host/include/kestrel/ktest.h defines KTEST_HOST, KTEST_SECTION,
 * KTEST_CTOR and KTEST_STREQ, then includes this file; only the runner differs.
 */
#ifndef KESTREL_KTEST_H
#define KESTREL_KTEST_H

#include <kestrel/compiler.h>
#ifndef KTEST_HOST
#include <kestrel/printk.h>
#include <kestrel/string.h>	/* strcmp, for KEXPECT_STREQ */
#endif

struct ktest;

struct ktest_ctx {
	const struct ktest *test;
	int failures;
};

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(struct ktest_ctx *t);
};

/*
 * How a test is made known to the runner: here, its struct ktest goes into
 * the .ktests.<suite> table (KTEST_SECTION) and needs no constructor
 * (KTEST_CTOR); the host build sets both its own way.
 */
#ifndef KTEST_SECTION
#define KTEST_SECTION(sec) __used __section(sec) __aligned(8)
#define KTEST_CTOR(k, reg)
#endif

/* NULL-safe string equality (the host build compares with the C library). */
#ifndef KTEST_STREQ
#define KTEST_STREQ(a, b) ((a) && (b) && !strcmp((a), (b)))
#endif

#define KTEST(s, n)                                                                    \
	static void ktest_##s##_##n(struct ktest_ctx *t);                              \
	static const struct ktest __ktest_##s##_##n KTEST_SECTION(".ktests." #s) = {   \
		#s, #n, ktest_##s##_##n                                                \
	};                                                                             \
	KTEST_CTOR(__ktest_##s##_##n, __ktest_reg_##s##_##n)                           \
	static void ktest_##s##_##n(struct ktest_ctx *t)

void ktest_fail(struct ktest_ctx *t, const char *file, int line, const char *fmt, ...)
	__printf(4, 5);

#define KEXPECT(cond)                                                            \
	({                                                                       \
		bool __ok = !!(cond);                                            \
		if (!__ok)                                                       \
			ktest_fail(t, __FILE__, __LINE__, "expected %s", #cond); \
		__ok;                                                            \
	})

#define KEXPECT_EQ(a, b)                                                            \
	({                                                                          \
		long long __a = (long long)(a), __b = (long long)(b);               \
		bool __ok = __a == __b;                                             \
		if (!__ok)                                                          \
			ktest_fail(t, __FILE__, __LINE__, "%s == %s: %lld != %lld", \
				   #a, #b, __a, __b);                               \
		__ok;                                                               \
	})

#define KEXPECT_NE(a, b)                                                            \
	({                                                                          \
		long long __a = (long long)(a), __b = (long long)(b);               \
		bool __ok = __a != __b;                                             \
		if (!__ok)                                                          \
			ktest_fail(t, __FILE__, __LINE__, "%s != %s: both %lld",    \
				   #a, #b, __a);                                    \
		__ok;                                                               \
	})

#define KEXPECT_STREQ(a, b)                                                          \
	({                                                                           \
		const char *__a = (a), *__b = (b);                                   \
		bool __ok = KTEST_STREQ(__a, __b);                                   \
		if (!__ok)                                                           \
			ktest_fail(t, __FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
				   #a, #b, __a ? __a : "(null)", __b ? __b : "(null)"); \
		__ok;                                                                \
	})

#define KASSERT(cond)            \
	do {                     \
		if (!KEXPECT(cond)) \
			return;  \
	} while (0)
#define KASSERT_EQ(a, b)             \
	do {                         \
		if (!KEXPECT_EQ(a, b)) \
			return;      \
	} while (0)

#endif
