/* Hooks of the formatting engine (lib/vsprintf.c). */
#ifndef KESTREL_VSPRINTF_H
#define KESTREL_VSPRINTF_H

#include <kestrel/types.h>

/*
 * %pS: write "symbol+0xoff/0xsize" for addr into buf and return its length,
 * or 0 if addr is in no known symbol. Set by kernel/kallsyms.c.
 */
extern size_t (*vsprintf_symbol_hook)(char *buf, size_t size, unsigned long addr);

#endif
