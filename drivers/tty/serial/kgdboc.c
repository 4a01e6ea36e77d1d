/*
 * kgdboc: kgdb over a serial port (include/kestrel/kgdb.h; the guide is
 * docs/debugging.md, "kgdb").
 *
 *	kgdboc=ttyS1		gdb on COM2 (0x2f8, IRQ 3), a line of its own:
 *				a Ctrl-C from gdb (or any packet gdb sends
 *				while the kernel runs) stops the kernel
 *	kgdboc=ttyS0		gdb on COM1, shared with the console and the
 *				ttyS0 terminal: stop the kernel with SysRq g
 *				(Ctrl-O g), or Ctrl-C once gdb is attached
 *	kgdbwait		stop at boot, once the debugger is ready
 *				(after every CPU and the terminals are up),
 *				and wait for gdb to attach
 * A speed after a comma (kgdboc=ttyS1,115200) is accepted; the port runs
 * at 115200 8N1.
 *
 * Both ports are driven by polling while the debugger runs (interrupts
 * are off everywhere then). On ttyS1 the receive interrupt is the way in
 * while the kernel runs: the handler looks at what came, and on Ctrl-C
 * (0x03) or the start of a packet ('$', kept for the stub to read) it
 * enters the debugger with the interrupted context's registers.
 *
 * Locking: port and kgdbwait are set once from the command line; the
 * pushed-back byte is used with interrupts off, by the debugger's master
 * or by the receive interrupt (which the debugger cannot interrupt).
 *
 * Linux: drivers/tty/serial/kgdboc.c.
 */
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>
#include <kestrel/init.h>
#include <kestrel/kgdb.h>
#include <kestrel/printk.h>
#include <kestrel/serial.h>
#include <kestrel/signal.h>
#include <kestrel/string.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/irq.h>
#include <asm/irq_vectors.h>
#include <asm/ptrace.h>

#define GDB_CTRL_C 0x03

static const struct kgdboc_port {
	const char *name;
	u16 base;
	unsigned int irq;
} kgdboc_ports[] = {
	{ "ttyS0", 0x3f8, 4 },
	{ "ttyS1", 0x2f8, 3 },
};

static const struct kgdboc_port *port;	/* [c] from kgdboc= */
static bool kgdbwait;			/* [c] */
static int pushback = -1;		/* a byte the receive interrupt read for the stub */

static int kgdboc_param(const char *val)
{
	for (size_t i = 0; i < ARRAY_SIZE(kgdboc_ports); i++) {
		size_t n = strlen(kgdboc_ports[i].name);

		if (!strncmp(val, kgdboc_ports[i].name, n) && (!val[n] || val[n] == ',')) {
			port = &kgdboc_ports[i];
			return 0;
		}
	}
	return -1;
}
KERNEL_PARAM("kgdboc", kgdboc_param, "ttyS0|ttyS1[,baud]: the serial port of the kernel's gdb stub");

static int kgdbwait_param(const char *val)
{
	kgdbwait = true;
	return 0;
}
KERNEL_PARAM("kgdbwait", kgdbwait_param, "stop in the debugger at boot and wait for gdb (with kgdboc=)");

static int kgdboc_read_char(void)
{
	int c = pushback;

	if (c >= 0) {
		pushback = -1;
		return c;
	}
	return serial8250_poll_get_char(port->base);
}

static void kgdboc_write_char(u8 c)
{
	serial8250_poll_put_char(port->base, c);
}

static void kgdboc_flush(void)
{
	serial8250_poll_flush(port->base);
}

/*
 * Leaving the debugger: bytes still waiting keep the (edge-triggered)
 * line up, so no new edge would come. Dropping the enable and raising
 * it again makes one if anything is there.
 */
static void kgdboc_post_exception(void)
{
	if (port->base != 0x3f8) {
		serial8250_set_rx_irq(port->base, false);
		serial8250_set_rx_irq(port->base, true);
	}
}

static const struct kgdb_io kgdboc_io_ops_ttyS0 = {
	.name = "ttyS0",
	.read_char = kgdboc_read_char,
	.write_char = kgdboc_write_char,
	.flush = kgdboc_flush,
	.shares_console = true,
};

static const struct kgdb_io kgdboc_io_ops_ttyS1 = {
	.name = "ttyS1",
	.read_char = kgdboc_read_char,
	.write_char = kgdboc_write_char,
	.flush = kgdboc_flush,
	.post_exception = kgdboc_post_exception,
};

/* ttyS1's receive interrupt: gdb wants the kernel stopped? */
static void kgdboc_irq(struct pt_regs *regs, void *data)
{
	bool enter = false;
	int c;

	while (!enter && (c = serial8250_poll_get_char(port->base)) >= 0) {
		if (c == GDB_CTRL_C) {
			enter = true;
		} else if (c == '$') {	/* gdb (re)connecting: the stub reads this packet */
			pushback = c;
			enter = true;
		}	/* acks and noise while the kernel runs: dropped */
	}
	apic_eoi();
	if (enter)
		kgdb_handle_exception((int)regs->vector, SIGINT, regs);
}

bool kgdboc_ctrl_c_breaks(void)
{
	return port && port->base == 0x3f8 && READ_ONCE(kgdb_connected);
}

static int kgdboc_init(void)
{
	int err;

	if (!port) {
		if (kgdbwait)
			pr_warn("kgdb: kgdbwait without kgdboc=ttyS0 or ttyS1: no debugger\n");
		return 0;
	}
	if (port->base != 0x3f8 && !serial8250_setup_port(port->base)) {
		pr_err("kgdb: kgdboc=%s: no UART at %#x\n", port->name, port->base);
		return -ENODEV;
	}
	err = kgdb_register_io_module(port->base == 0x3f8 ? &kgdboc_io_ops_ttyS0
							    : &kgdboc_io_ops_ttyS1);
	if (err) {
		pr_err("kgdb: cannot register %s: error %d\n", port->name, err);
		return err;
	}
	if (port->base != 0x3f8) {
		err = irq_set_handler(ISA_IRQ_VECTOR(port->irq), kgdboc_irq, NULL);
		if (!err)
			err = ioapic_route_irq(port->irq, ISA_IRQ_VECTOR(port->irq), 0);
		if (err)
			pr_warn("kgdb: %s has no receive interrupt (%d): stop the kernel with SysRq g\n",
				port->name, err);
		else
			serial8250_set_rx_irq(port->base, true);
	}
	if (kgdbwait) {
		pr_info("kgdb: waiting for gdb on %s (kgdbwait)\n", port->name);
		kgdb_breakpoint();
	}
	return 0;
}
late_initcall(kgdboc_init);
