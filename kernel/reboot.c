/*
 * Ending a run. test_exit() reports a test verdict to QEMU through the
 * isa-debug-exit device; on a machine without it the write to port 0xf4 is
 * ignored and we power off (ACPI S5), or halt if that fails, with the
 * verdict on the console.
 *
 * The `poweroff` and `restart` command-line words make the kernel power
 * off or reset at the end of boot (tests/integration/poweroff.sh and
 * restart.sh check those paths with them).
 */
#include <kestrel/cmdline.h>
#include <kestrel/printk.h>
#include <kestrel/reboot.h>
#include <asm/io.h>
#include <asm/processor.h>

KERNEL_PARAM_QUERY("poweroff", poweroff, "power the machine off at the end of boot");
KERNEL_PARAM_QUERY("restart", restart, "reset the machine at the end of boot");

bool test_run_active;	/* written while the command line is parsed, read-only after */

__noreturn void test_exit(bool pass)
{
	printk(KERN_INFO "ktest: %s, powering off\n", pass ? "PASS" : "FAIL");
	outb(TEST_EXIT_PORT, pass ? TEST_EXIT_PASS : TEST_EXIT_FAIL);
	/* Still running: there is no isa-debug-exit device here. */
	machine_power_off();
}

void boot_end_action(void)
{
	if (cmdline_has("poweroff"))
		machine_power_off();
	if (cmdline_has("restart"))
		machine_restart();
}
