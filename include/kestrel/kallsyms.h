/*
 * Kernel symbols and backtraces.
 *
 * The build embeds a table of every text symbol (address, size, name) in
 * the .kallsyms section: the Makefile links the kernel once, lists its
 * symbols with nm, turns them into a table (tools/kallsyms) and links
 * again; text addresses are checked to be identical in both links.
 */
#ifndef KESTREL_KALLSYMS_H
#define KESTREL_KALLSYMS_H

#include <kestrel/types.h>

#define KSYM_NAME_LEN 128

/*
 * The name of the function containing addr, with its size and addr's
 * offset into it (either pointer may be NULL), or NULL if addr is in no
 * known function.
 */
const char *kallsyms_lookup(unsigned long addr, unsigned long *size, unsigned long *offset);

/* The address of the text symbol called name, or 0. */
unsigned long kallsyms_lookup_name(const char *name);

/*
 * Write "name+0xoff/0xsize" for addr into buf; returns its length, or 0 if
 * addr is in no function. With is_return, addr is a return address and is
 * looked up as addr - 1 (a call at a function's very end returns past it).
 */
size_t kallsyms_sprint(char *buf, size_t size, unsigned long addr, bool is_return);

/* Number of symbols in the table (0 if the build did not embed one). */
unsigned long kallsyms_count(void);

/* Let printk's %pS use the table. */
void kallsyms_init(void);

/* Print "CPU: n" and a backtrace from the caller (log level KERN_ERR / lvl). */
void dump_stack(void);
void dump_stack_lvl(const char *lvl);

#endif
