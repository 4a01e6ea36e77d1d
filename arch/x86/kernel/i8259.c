/*
 * The two cascaded 8259A PICs of the PC. Kestrel routes interrupts through
 * the IOAPIC, so the PICs are only initialized to known state and masked:
 * remapped off the exception vectors (the BIOS leaves the master at vector
 * 8, on top of #DF) in case a spurious interrupt slips through, and every
 * line masked. Runs once on the boot CPU with interrupts off.
 */
#include <kestrel/printk.h>
#include <asm/i8259.h>
#include <asm/io.h>

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

#define ICW1_INIT 0x10
#define ICW1_ICW4 0x01
#define ICW4_8086 0x01

void i8259_init_masked(void)
{
	outb(PIC1_DATA, 0xff);	/* mask everything while reprogramming */
	outb(PIC2_DATA, 0xff);

	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4); io_delay();
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4); io_delay();
	outb(PIC1_DATA, I8259_MASTER_VECTOR); io_delay();	/* ICW2: vector base */
	outb(PIC2_DATA, I8259_SLAVE_VECTOR); io_delay();
	outb(PIC1_DATA, 1 << 2); io_delay();	/* ICW3: slave on IRQ2 */
	outb(PIC2_DATA, 2); io_delay();		/* ICW3: slave identity */
	outb(PIC1_DATA, ICW4_8086); io_delay();
	outb(PIC2_DATA, ICW4_8086); io_delay();

	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	pr_info("i8259: legacy PICs remapped to %#x/%#x and masked\n", I8259_MASTER_VECTOR,
		I8259_SLAVE_VECTOR);
}
