/*
 * crash null|stack|div: a program that crashes on purpose, for
 * tests/integration/crash.sh (the system must go on; the shell sees
 * SIGSEGV, SIGSEGV and SIGFPE: statuses 139, 139 and 136).
 */
#include <stdio.h>
#include <string.h>

static volatile int zero, one = 1;

/* Unbounded recursion with a frame the compiler cannot drop. */
static int recurse(volatile int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (zero)		/* never true: only hides the recursion from the compiler */
		return 0;
	return recurse(depth + 1) + frame[0];
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (!strcmp(what, "null"))
		return *(volatile int *)0;
	if (!strcmp(what, "stack"))
		return recurse(0);
	if (!strcmp(what, "div"))
		return one / zero;
	fprintf(stderr, "usage: crash null|stack|div\n");
	return 2;
}
