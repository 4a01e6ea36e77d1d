/*
 * Kernel symbols, source lines and backtraces.
 *
 * The build embeds a table of every text symbol (address, size, name) and
 * a line table (for each address where the source position changes: the
 * file and line the compiler's DWARF gives) in the .kallsyms section: the
 * Makefile links the kernel once, lists its symbols with nm and decodes
 * its line table with objdump, turns them into tables (tools/kallsyms) and
 * links again; text addresses are checked to be identical in both links.
 * The line of an inlined function's code is its own (include/kestrel/list.h
 * for list_del's), as addr2line prints it without -i.
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
 * The source file (as the build named it: "fs/namei.c") and line of the
 * instruction at addr, or NULL if the line table has none.
 */
const char *kallsyms_lookup_line(unsigned long addr, unsigned int *line);

/*
 * Write "name+0xoff/0xsize (file:line)" for addr into buf (without the
 * line part if the line table has none); returns its length, or 0 if
 * addr is in no function. With is_return, addr is a return address and is
 * looked up as addr - 1 (a call at a function's very end returns past it;
 * the line is the call's). printk's %pS prints the part before the line.
 */
size_t kallsyms_sprint(char *buf, size_t size, unsigned long addr, bool is_return);

/*
 * One line saying how to see the source around addr on the build machine:
 * the gdb and addr2line commands with the kernel file's name. Nothing if
 * addr is in no function.
 */
void kallsyms_print_source_hint(const char *lvl, unsigned long addr);

/* Number of symbols in the table (0 if the build did not embed one). */
unsigned long kallsyms_count(void);

/* Let printk's %pS use the table. */
void kallsyms_init(void);

/* Print "CPU: n" and a backtrace from the caller (log level KERN_ERR / lvl). */
void dump_stack(void);
void dump_stack_lvl(const char *lvl);

#endif
