/* Ending a run: test verdicts, power-off and reboot. */
#ifndef KESTREL_REBOOT_H
#define KESTREL_REBOOT_H

#include <kestrel/compiler.h>

/*
 * QEMU's isa-debug-exit device (port 0xf4) makes QEMU exit with status
 * (value << 1) | 1. tools/ treat only TEST_EXIT_PASS's status (33) as a
 * pass: 0 also means "triple fault under -no-reboot", so it never can.
 */
#define TEST_EXIT_PORT 0xf4
#define TEST_EXIT_PASS 0x10	/* QEMU exit status 33 */
#define TEST_EXIT_FAIL 0x11	/* QEMU exit status 35 */
#define TEST_EXIT_PANIC 0x12	/* QEMU exit status 37 */

/*
 * A run a test harness watches: set while the command line is parsed by the
 * test kernel's ktest= and crashtest= parameters (kernel/ktest.c,
 * kernel/crashtest.c), never by the plain kernel. An oops or a panic then
 * ends QEMU with a failure status (TEST_EXIT_FAIL, TEST_EXIT_PANIC) instead
 * of halting, so a broken test run never waits for the harness's timeout.
 */
extern bool test_run_active;

/* End a test run with a verdict; powers off if no debug-exit device is there. */
__noreturn void test_exit(bool pass);

/*
 * Turn the machine off: ACPI S5 through the FADT's PM1 control blocks;
 * if that is not possible or does not take, halt with a message.
 */
__noreturn void machine_power_off(void);
/* Reset: FADT reset register, else the 8042 reset line, else a triple fault. */
__noreturn void machine_restart(void);
/* At the end of boot: power off or reset if the command line has `poweroff` or `restart`. */
void boot_end_action(void);
/* Stop this CPU for good (interrupts off, hlt loop). */
__noreturn void machine_halt(void);

#endif
