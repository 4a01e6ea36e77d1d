/*
 * The host build's <kestrel/ktest.h>: the kernel's include/kestrel/ktest.h
 * (its KTEST/KEXPECT/KASSERT macros, included below with #include_next), so
 * a test reads the same in both worlds, but registered with a constructor
 * and run by tests/host/htest.c as a normal (sanitized) program.
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
#ifndef KESTREL_HOST_KTEST_H
#define KESTREL_HOST_KTEST_H

#include <kestrel/compiler.h>

#define KTEST_HOST 1

struct ktest;

void ktest_register(const struct ktest *k);
/* Byte-exact comparisons done with the C library, NULL-safe. */
bool ktest_streq(const char *a, const char *b);
bool ktest_memeq(const void *a, const void *b, size_t n);

/* Registered by a constructor: the host runner has no linker-section table. */
#define KTEST_SECTION(sec)
#define KTEST_CTOR(k, reg)                                          \
	__attribute__((constructor)) static void reg(void)          \
	{                                                           \
		ktest_register(&k);                                 \
	}

#define KTEST_STREQ(a, b) ktest_streq((a), (b))

#include_next <kestrel/ktest.h>

#define KEXPECT_MEMEQ(a, b, n)                                                        \
	({                                                                            \
		bool __ok = ktest_memeq((a), (b), (n));                               \
		if (!__ok)                                                            \
			ktest_fail(t, __FILE__, __LINE__, "%s == %s (%zu bytes)", #a, \
				   #b, (size_t)(n));                                  \
		__ok;                                                                 \
	})

#endif
