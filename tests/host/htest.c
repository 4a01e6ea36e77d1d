/*
 * The host unit-test runner: main() of every build/host/<name>_test.
 *
 * Tests register themselves through constructors (KTEST in
 * tests/host/include/kestrel/ktest.h) and run here in registration order,
 * one at a time; the output follows the kernel's ktest exactly:
 * `ok N - suite.name` / `not ok N - suite.name`, failure details on
 * `    # ` lines, then `N passed, M failed`. Exit status 0 when all passed.
 *
 *	build/host/string_test [GLOB]	run the tests whose suite.name matches
 *
 * This file is built WITHOUT tests/host/rename.h: it is the part that
 * uses the C library.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define MAX_TESTS 1024
static const struct ktest *tests[MAX_TESTS];
static int nr_tests;

void ktest_register(const struct ktest *k);
void ktest_fail(struct ktest_ctx *t, const char *file, int line, const char *fmt, ...);
bool ktest_streq(const char *a, const char *b);
bool ktest_memeq(const void *a, const void *b, size_t n);

void ktest_register(const struct ktest *k)
{
	if (nr_tests == MAX_TESTS) {
		fprintf(stderr, "htest: more than %d tests\n", MAX_TESTS);
		exit(2);
	}
	tests[nr_tests++] = k;
}

void ktest_fail(struct ktest_ctx *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("    # %s.%s: %s:%d: ", t->test->suite, t->test->name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	t->failures++;
}

bool ktest_streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

bool ktest_memeq(const void *a, const void *b, size_t n)
{
	return a && b && memcmp(a, b, n) == 0;
}

int main(int argc, char **argv)
{
	const char *glob = argc > 1 ? argv[1] : "*";
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < nr_tests; i++) {
		const struct ktest *k = tests[i];
		struct ktest_ctx ctx = { .test = k };
		char full[256];

		snprintf(full, sizeof(full), "%s.%s", k->suite, k->name);
		if (fnmatch(glob, full, 0))
			continue;
		k->fn(&ctx);
		if (ctx.failures)
			failed++;
		else
			passed++;
		printf("%sok %d - %s\n", ctx.failures ? "not " : "", passed + failed, full);
	}
	printf("%d passed, %d failed\n", passed, failed);
	if (passed + failed == 0) {
		fprintf(stderr, "htest: no test matches '%s'\n", glob);
		return 1;
	}
	return failed ? 1 : 0;
}
