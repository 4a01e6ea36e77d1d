/*
 * Ending a run. test_exit() reports a test verdict to QEMU through the
 * isa-debug-exit device; on a machine without it the write to port 0xf4 is
 * ignored and the machine halts with the verdict on the console.
 */
#include <kestrel/printk.h>
#include <kestrel/reboot.h>
#include <asm/io.h>
#include <asm/processor.h>

__noreturn void test_exit(bool pass)
{
	printk(KERN_INFO "ktest: %s, powering off\n", pass ? "PASS" : "FAIL");
	outb(TEST_EXIT_PORT, pass ? TEST_EXIT_PASS : TEST_EXIT_FAIL);
	for (;;) {
		local_irq_disable();
		halt();
	}
}
