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
/* A received byte, or -1 if none is waiting (SysRq sequences are filtered out). */
int serial_getc(void);
/* Drain the UART into the receive buffer, filtering SysRq keys (the tick calls it). */
void serial_poll(void);

#endif
