/*
 * printk for host tests (tests/host/printk_capture.c): kernel code under
 * test may log; the messages are formatted with the kernel's own
 * vsnprintf into a buffer that the test can search. Name
 * tests/host/printk_capture.c and lib/vsprintf.c lib/string.c on the
 * test's HOST_SOURCES line to use it.
 */
#ifndef HOST_PRINTK_H
#define HOST_PRINTK_H

#include <kestrel/types.h>

/* Everything printed since the last host_printk_reset(), "<L>" level prefixes removed. */
const char *host_printk_log(void);
void host_printk_reset(void);
/* Whether the captured log contains s. */
bool host_printk_contains(const char *s);

#endif
