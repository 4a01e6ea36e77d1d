/*
 * 16550 UART on COM1 (I/O port 0x3f8), 115200 8N1: the first console,
 * and the tty ttyS0.
 *
 * It is the first console: start_kernel() sets it up before anything else
 * so that even the earliest printk reaches the serial line. Output is
 * polled (wait for the transmit holding register to empty) because a
 * console must work with interrupts off and in an oops; the tty writes
 * the same way. Input is interrupt-driven once serial_tty_init() ran.
 */
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/serial.h>
#include <kestrel/spinlock.h>
#include <kestrel/sysrq.h>
#include <kestrel/tty.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/irq.h>
#include <asm/processor.h>

#define COM1 0x3f8
#define UART_THR 0	/* transmit holding (DLAB=0) */
#define UART_RBR 0	/* receive buffer (DLAB=0) */
#define UART_DLL 0	/* divisor low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1	/* divisor high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define LSR_DR 0x01	/* data ready */
#define LSR_THRE 0x20	/* transmit holding register empty */
#define LSR_TEMT 0x40	/* transmitter empty: the last byte is on the wire */

static u16 uart_base;	/* 0 until a UART was found; set once at boot */

static bool uart_present(u16 base)
{
	/* The scratch register reads back what was written only on a real UART. */
	outb(base + UART_SCR, 0x5a);
	if (inb(base + UART_SCR) != 0x5a)
		return false;
	outb(base + UART_SCR, 0xa5);
	return inb(base + UART_SCR) == 0xa5;
}

void serial_putc(char c)
{
	if (!uart_base)
		return;
	/* Bounded wait: a wedged UART must not hang the kernel. */
	for (int i = 0; i < 100000 && !(inb(uart_base + UART_LSR) & LSR_THRE); i++)
		cpu_relax();
	outb(uart_base + UART_THR, (u8)c);
}

/*
 * Receiving. Every byte from the UART goes through sysrq_input(), which
 * keeps Ctrl-O and the key after it; the others go to the ttyS0 tty's
 * flip buffer (tty_insert_flip_string, which any context may call), or
 * are dropped while there is no tty yet (early boot). The UART raises
 * IRQ 4 when a byte arrives (enabled by serial_tty_init); the boot CPU's
 * tick also drains it (serial_poll), so input and SysRq work even
 * without an IOAPIC, and a missed edge cannot wedge the line.
 *
 * The interrupt is edge-triggered: the handler must empty the receive
 * FIFO completely, or the UART keeps its line up and never raises
 * another edge.
 */
static DEFINE_SPINLOCK(rx_lock);	/* UART receive registers; sysrq_input's state. irqsave: irq and tick */
static struct tty_struct *serial_tty;	/* ttyS0, set once by serial_tty_init */

/* Move what the UART holds to the tty. rx_lock held. */
static void rx_pull(void)
{
	u8 chunk[32];
	size_t n = 0;

	while (inb(uart_base + UART_LSR) & LSR_DR) {
		u8 c = inb(uart_base + UART_RBR);

		if (sysrq_input(c))
			continue;
		chunk[n++] = c;
		if (n == sizeof(chunk)) {
			if (serial_tty)
				tty_insert_flip_string(serial_tty, chunk, n);
			n = 0;
		}
	}
	if (n && serial_tty)
		tty_insert_flip_string(serial_tty, chunk, n);
}

void serial_poll(void)
{
	unsigned long flags;

	if (!uart_base)
		return;
	spin_lock_irqsave(&rx_lock, flags);
	rx_pull();
	spin_unlock_irqrestore(&rx_lock, flags);
}

static unsigned long rx_irqs;	/* receive interrupts taken (diagnostics, tests) */

unsigned long serial_rx_irq_count(void)
{
	return READ_ONCE(rx_irqs);
}

/* IRQ 4: a byte came (or the FIFO timed out holding some). */
static void serial_irq(struct pt_regs *regs, void *data)
{
	WRITE_ONCE(rx_irqs, rx_irqs + 1);	/* only IRQ 4's handler writes it */
	serial_poll();
	apic_eoi();
	sysrq_run_pending();	/* a key that came in just now: outside rx_lock */
}

static void serial_console_write(struct console *con, const char *s, size_t n)
{
	(void)con;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static struct console serial_console = {
	.name = "ttyS",
	.index = 0,
	.write = serial_console_write,
};

bool serial8250_setup_port(u16 base)
{
	if (!uart_present(base))
		return false;
	outb(base + UART_IER, 0x00);	/* no interrupts until somebody wants them */
	outb(base + UART_LCR, 0x80);	/* DLAB on */
	outb(base + UART_DLL, 1);	/* 115200 / 1 */
	outb(base + UART_DLM, 0);
	outb(base + UART_LCR, 0x03);	/* 8N1, DLAB off */
	outb(base + UART_FCR, 0x07);	/* FIFO on, cleared, interrupt at every byte */
	outb(base + UART_MCR, 0x0b);	/* DTR, RTS, OUT2 */
	return true;
}

bool serial_init(void)
{
	if (!serial8250_setup_port(COM1))
		return false;
	uart_base = COM1;
	return true;
}

/* ---------------- polled access to any port (kgdboc) ---------------- */

int serial8250_poll_get_char(u16 base)
{
	if (!(inb(base + UART_LSR) & LSR_DR))
		return -1;
	return inb(base + UART_RBR);
}

void serial8250_poll_put_char(u16 base, u8 c)
{
	for (int i = 0; i < 100000 && !(inb(base + UART_LSR) & LSR_THRE); i++)
		cpu_relax();
	outb(base + UART_THR, c);
}

void serial8250_poll_flush(u16 base)
{
	for (int i = 0; i < 1000000 && !(inb(base + UART_LSR) & LSR_TEMT); i++)
		cpu_relax();
}

void serial8250_set_rx_irq(u16 base, bool on)
{
	outb(base + UART_IER, on ? 0x01 : 0x00);
}

struct console *serial_console_get(void)
{
	return uart_base ? &serial_console : NULL;
}

/*
 * Loopback (MCR bit 4): the UART hands every byte it sends to its own
 * receiver instead of the line, raising the same receive interrupt. The
 * self-test of the receive path uses it.
 */
void serial_set_loopback(bool on)
{
	if (uart_base)
		outb(uart_base + UART_MCR, on ? 0x1b : 0x0b);
}

/* ---------------- the tty ttyS0 ---------------- */

static int serial_tty_write(struct tty_struct *tty, const u8 *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc((char)buf[i]);
	return n;
}

static const struct tty_operations serial_tty_ops = {
	.write = serial_tty_write,
};

static struct tty_driver serial_driver = {
	.name = "ttyS",
	.major = TTY_MAJOR,
	.minor_start = TTY_SERIAL_MINOR_BASE,
	.num = 1,
	.ops = &serial_tty_ops,
};

struct tty_struct *serial_tty_get(void)
{
	return READ_ONCE(serial_tty);
}

int serial_tty_init(void)
{
	unsigned long flags;
	int err;

	if (!uart_base)
		return -ENODEV;
	serial_driver.init_termios = tty_std_termios;
	serial_driver.init_termios.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL;
	err = tty_register_driver(&serial_driver);
	if (err)
		return err;
	spin_lock_irqsave(&rx_lock, flags);
	WRITE_ONCE(serial_tty, serial_driver.ttys[0]);
	spin_unlock_irqrestore(&rx_lock, flags);
	tty_device("ttyS0", MKDEV(TTY_MAJOR, TTY_SERIAL_MINOR_BASE), 0660);

	/* Receive interrupts; without an IOAPIC the tick's serial_poll still drains the UART. */
	err = irq_set_handler(ISA_IRQ_VECTOR(4), serial_irq, NULL);
	if (!err)
		err = ioapic_route_irq(4, ISA_IRQ_VECTOR(4), 0);
	if (err) {
		pr_info("ttyS0: no receive interrupt (%d), polled by the tick\n", err);
		return 0;
	}
	outb(uart_base + UART_IER, 0x01);	/* received data available */
	serial_poll();	/* bytes that came before: the edge is gone */
	return 0;
}
