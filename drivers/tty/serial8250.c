/*
 * 16550 UART console on COM1 (I/O port 0x3f8), 115200 8N1, polled.
 *
 * It is the first console: start_kernel() sets it up before anything else
 * so that even the earliest printk reaches the serial line. Output is
 * polled (wait for the transmit holding register to empty) because a
 * console must work with interrupts off and in an oops.
 */
#include <kestrel/printk.h>
#include <kestrel/serial.h>
#include <kestrel/spinlock.h>
#include <kestrel/sysrq.h>
#include <asm/io.h>
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
 * Receiving (added with the SysRq keys, kernel/locking/sysrq.c): every
 * byte from the UART goes through sysrq_input(), which keeps Ctrl-O and
 * the key after it; the others wait in rx_buf for serial_getc(). The
 * boot CPU's tick drains the UART into rx_buf (serial_poll), so SysRq
 * works while nobody reads, and readers lose nothing.
 */
#define RX_BUF_SIZE 256
static DEFINE_SPINLOCK(rx_lock);	/* rx_buf, rx_head, rx_len; sysrq_input's state. irqsave: the tick takes it */
static u8 rx_buf[RX_BUF_SIZE];
static unsigned int rx_head, rx_len;	/* oldest byte, bytes waiting */

/* Move what the UART holds into rx_buf (full: the UART keeps the rest). rx_lock held. */
static void rx_pull(void)
{
	while (rx_len < RX_BUF_SIZE && (inb(uart_base + UART_LSR) & LSR_DR)) {
		u8 c = inb(uart_base + UART_RBR);

		if (sysrq_input(c))
			continue;
		rx_buf[(rx_head + rx_len++) % RX_BUF_SIZE] = c;
	}
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

int serial_getc(void)
{
	unsigned long flags;
	int c = -1;

	if (!uart_base)
		return -1;
	spin_lock_irqsave(&rx_lock, flags);
	rx_pull();
	if (rx_len) {
		c = rx_buf[rx_head];
		rx_head = (rx_head + 1) % RX_BUF_SIZE;
		rx_len--;
	}
	spin_unlock_irqrestore(&rx_lock, flags);
	sysrq_run_pending();	/* a key that came in just now: outside rx_lock */
	return c;
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

bool serial_init(void)
{
	if (!uart_present(COM1))
		return false;
	outb(COM1 + UART_IER, 0x00);	/* polled: no interrupts yet */
	outb(COM1 + UART_LCR, 0x80);	/* DLAB on */
	outb(COM1 + UART_DLL, 1);	/* 115200 / 1 */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1, DLAB off */
	outb(COM1 + UART_FCR, 0xc7);	/* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + UART_MCR, 0x0b);	/* DTR, RTS, OUT2 */
	uart_base = COM1;
	return true;
}

struct console *serial_console_get(void)
{
	return uart_base ? &serial_console : NULL;
}
