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

#endif
