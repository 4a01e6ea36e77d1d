/* Console selection (kernel/console.c). */
#ifndef KESTREL_CONSOLE_H
#define KESTREL_CONSOLE_H

#include <kestrel/types.h>

/* Does the command line ask for console name+index (or name none at all)? */
bool console_wanted(const char *name, int index);
/* Drop the early serial console if console= does not name ttyS0. */
void serial_console_setup(void);

#endif
