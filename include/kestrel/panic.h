/* Panic, oops state and machine shutdown. */
#ifndef KESTREL_PANIC_H
#define KESTREL_PANIC_H

#include <kestrel/compiler.h>

/* Non-zero while an oops or panic is being printed: printk stops waiting for locks. */
extern int oops_in_progress;

/* oops=panic on the command line: an oops never only kills its task. */
extern bool panic_on_oops;



#endif
