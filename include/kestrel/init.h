/*
 * Initcalls: code that runs at the end of boot without start_kernel naming it.
 *
 *	static int crashtest_init(void) { ... return 0; }
 *	late_initcall(crashtest_init);
 *
 * start_kernel brings the kernel up by calling each subsystem's init
 * function in an order it spells out. What comes after that, once every
 * subsystem is up and before init runs, registers itself here instead: the
 * macro puts a pointer to the function in the .initcall7.init or
 * .initcall7s.init table (linker.ld) and do_initcalls() calls them, every
 * late_initcall in link order, then every late_initcall_sync, as Linux's
 * levels 7 and 7s. An object that is not linked in registers nothing: this
 * is how the test kernel (build/kernel-test.elf) adds its ktest runner and
 * crash triggers to the same start_kernel the plain kernel runs.
 *
 * A non-zero return is logged ("initcall fn returned -N") and boot goes on.
 */
#ifndef KESTREL_INIT_H
#define KESTREL_INIT_H

#include <kestrel/compiler.h>

typedef int (*initcall_t)(void);

#define __define_initcall(fn, level)                                          \
	static const initcall_t __initcall_##fn __used                        \
		__section(".initcall" level ".init") __aligned(8) = fn

/* After every subsystem is up, before init runs. */
#define late_initcall(fn) __define_initcall(fn, "7")
/* After every late_initcall. */
#define late_initcall_sync(fn) __define_initcall(fn, "7s")

/* Run every registered initcall, level by level (start_kernel, once). */
void do_initcalls(void);

#endif
