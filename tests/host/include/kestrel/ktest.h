/*
 * The host build's <kestrel/ktest.h>: the same KTEST/KEXPECT/KASSERT macros
 * as the kernel's include/kestrel/ktest.h, so a test reads the same in
 * both worlds, but registered with a constructor and run by
 * tests/host/htest.c as a normal (sanitized) program.
 *
 *	// HOST_SOURCES: lib/string.c
 *	#include <kestrel/ktest.h>
 *	#include <kestrel/string.h>
 *	KTEST(string, strlen_empty) { KEXPECT_EQ(strlen(""), 0); }
 *
 * Comparisons are done by the framework with the C library (KEXPECT_STREQ
 * never uses the kernel's strcmp, which may be the code under test).
 * The tests/host/ include directory comes first on the include path, so
 * this file shadows the kernel's ktest.h.
 */
#ifndef KESTREL_KTEST_H
#define KESTREL_KTEST_H

#include <kestrel/compiler.h>

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

void ktest_register(const struct ktest *k);
void ktest_fail(struct ktest_ctx *t, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Byte-exact comparisons done with the C library, NULL-safe. */
bool ktest_streq(const char *a, const char *b);
bool ktest_memeq(const void *a, const void *b, size_t n);

#define KTEST(s, n)                                                              \
	static void ktest_##s##_##n(struct ktest_ctx *t);                        \
	static const struct ktest __ktest_##s##_##n = { #s, #n, ktest_##s##_##n }; \
	__attribute__((constructor)) static void __ktest_reg_##s##_##n(void)     \
	{                                                                        \
		ktest_register(&__ktest_##s##_##n);                              \
	}                                                                        \
	static void ktest_##s##_##n(struct ktest_ctx *t)

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

#define KEXPECT_NE(a, b)                                                         \
	({                                                                       \
		long long __a = (long long)(a), __b = (long long)(b);            \
		bool __ok = __a != __b;                                          \
		if (!__ok)                                                       \
			ktest_fail(t, __FILE__, __LINE__, "%s != %s: both %lld", \
				   #a, #b, __a);                                 \
		__ok;                                                            \
	})

#define KEXPECT_STREQ(a, b)                                                             \
	({                                                                              \
		const char *__a = (a), *__b = (b);                                      \
		bool __ok = ktest_streq(__a, __b);                                      \
		if (!__ok)                                                              \
			ktest_fail(t, __FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
				   #a, #b, __a ? __a : "(null)", __b ? __b : "(null)");  \
		__ok;                                                                   \
	})

#define KEXPECT_MEMEQ(a, b, n)                                                        \
	({                                                                            \
		bool __ok = ktest_memeq((a), (b), (n));                               \
		if (!__ok)                                                            \
			ktest_fail(t, __FILE__, __LINE__, "%s == %s (%zu bytes)", #a, \
				   #b, (size_t)(n));                                  \
		__ok;                                                                 \
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
