/* The COM1 serial port (drivers/tty/serial8250.c). */
#ifndef KESTREL_SERIAL_H
#define KESTREL_SERIAL_H

#include <kestrel/types.h>

struct console;

/* Probe and program COM1; false if there is no UART. */
bool serial_init(void);
/* The serial console, or NULL if there is no UART. */
struct console *serial_console_get(void);
void serial_putc(char c);
/* Drain the UART into ttyS0, filtering SysRq keys (its interrupt and the tick call it). */
void serial_poll(void);
/* Loop sent bytes back to the receiver (self-tests of the receive path). */
void serial_set_loopback(bool on);
/* Receive interrupts taken so far. */
unsigned long serial_rx_irq_count(void);

/*
 * Any 16550 port by its I/O base (0x3f8 COM1 = ttyS0, 0x2f8 COM2 = ttyS1),
 * polled: what kgdboc uses, from any context with interrupts off.
 * setup_port: probe and program it (115200 8N1, FIFO, no interrupts);
 * false if there is no UART. poll_get_char: a byte, or -1 if none came.
 * set_rx_irq: raise its line when a byte comes (or not).
 */
bool serial8250_setup_port(u16 base);
int serial8250_poll_get_char(u16 base);
void serial8250_poll_put_char(u16 base, u8 c);
void serial8250_poll_flush(u16 base);
void serial8250_set_rx_irq(u16 base, bool on);

#endif
