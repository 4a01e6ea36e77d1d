/*
 * The i8042 PS/2 controller's keyboard port: keys typed on the PC's
 * keyboard go to the screen's tty (tty1).
 *
 * Ports: 0x60 data, 0x64 status (read) / command (write). Status bit 0
 * says the output buffer holds a byte for us, bit 5 that the byte came
 * from the mouse port (ignored), bit 1 that the controller is still
 * busy with the last byte we wrote.
 *
 * Setup keeps what the firmware did (the keyboard enabled, scancode
 * translation to set 1 on) and makes sure of the two bits we rely on in
 * the controller's configuration byte: keyboard interrupt on, translation
 * on. Each byte then arrives with IRQ 1; the handler translates it
 * (drivers/tty/vt/keyboard.c) and queues the characters on the tty's flip
 * buffer, from where the line discipline takes them.
 *
 * Locking: kbd (the modifier state) is touched only by IRQ 1's handler,
 * which the IOAPIC delivers to one CPU, never nested.
 */
#define pr_fmt(fmt) "i8042: " fmt

#include <kestrel/errno.h>
#include <kestrel/keyboard.h>
#include <kestrel/printk.h>
#include <kestrel/tty.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/irq.h>
#include <asm/processor.h>

#define I8042_DATA 0x60
#define I8042_STATUS 0x64
#define I8042_COMMAND 0x64
#define STR_OBF 0x01		/* output buffer full: a byte to read */
#define STR_IBF 0x02		/* input buffer full: controller busy */
#define STR_AUXDATA 0x20	/* the byte is from the mouse port */
#define CMD_READ_CTR 0x20
#define CMD_WRITE_CTR 0x60
#define CMD_KBD_ENABLE 0xae
#define CTR_KBDINT 0x01		/* keyboard interrupt */
#define CTR_KBDDIS 0x10		/* keyboard clock off */
#define CTR_XLATE 0x40		/* translate to scancode set 1 */

static struct kbd_state kbd;	/* IRQ 1's handler only (see above) */
static struct tty_struct *kbd_tty;	/* where keys go; set once at init */

static bool wait_write(void)
{
	for (int i = 0; i < 100000; i++) {
		if (!(inb(I8042_STATUS) & STR_IBF))
			return true;
		cpu_relax();
	}
	return false;
}

static bool wait_read(void)
{
	for (int i = 0; i < 100000; i++) {
		if (inb(I8042_STATUS) & STR_OBF)
			return true;
		cpu_relax();
	}
	return false;
}

static int i8042_command(u8 cmd, int param, u8 *result)
{
	if (!wait_write())
		return -ETIMEDOUT;
	outb(I8042_COMMAND, cmd);
	if (param >= 0) {
		if (!wait_write())
			return -ETIMEDOUT;
		outb(I8042_DATA, (u8)param);
	}
	if (result) {
		if (!wait_read())
			return -ETIMEDOUT;
		*result = inb(I8042_DATA);
	}
	return 0;
}

static void i8042_flush(void)
{
	for (int i = 0; i < 64 && (inb(I8042_STATUS) & STR_OBF); i++)
		(void)inb(I8042_DATA);
}

static void i8042_irq(struct pt_regs *regs, void *data)
{
	char out[KBD_MAX_OUT];
	u8 status;

	while ((status = inb(I8042_STATUS)) & STR_OBF) {
		u8 sc = inb(I8042_DATA);
		int n;

		if (status & STR_AUXDATA)
			continue;
		n = kbd_translate(&kbd, sc, out);
		if (n)
			tty_insert_flip_string(kbd_tty, (const u8 *)out, n);
	}
	apic_eoi();
}

#define CMD_WRITE_KBD_OUTBUF 0xd2

int i8042_inject(u8 scancode)
{
	return i8042_command(CMD_WRITE_KBD_OUTBUF, scancode, NULL);
}

int i8042_init(void)
{
	u8 ctr;
	int err;

	kbd_tty = vt_tty_get();
	if (!kbd_tty)
		return -ENODEV;	/* no screen: nobody to type to */
	if (inb(I8042_STATUS) == 0xff)
		return -ENODEV;	/* floating bus: no controller */
	i8042_flush();
	err = i8042_command(CMD_READ_CTR, -1, &ctr);
	if (err)
		return err;
	ctr = (ctr | CTR_KBDINT | CTR_XLATE) & ~CTR_KBDDIS;
	err = i8042_command(CMD_WRITE_CTR, ctr, NULL);
	if (!err)
		err = i8042_command(CMD_KBD_ENABLE, -1, NULL);
	if (err)
		return err;
	i8042_flush();
	err = irq_set_handler(ISA_IRQ_VECTOR(1), i8042_irq, NULL);
	if (err)
		return err;
	err = ioapic_route_irq(1, ISA_IRQ_VECTOR(1), 0);
	if (err) {
		irq_free_handler(ISA_IRQ_VECTOR(1));
		return err;
	}
	pr_info("PS/2 keyboard on IRQ 1, typing into %s\n", kbd_tty->name);
	return 0;
}
