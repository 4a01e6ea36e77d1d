/*
 * The exception table: pairs (instruction that may fault, where to go
 * instead). The #PF and #GP handlers look a faulting kernel RIP up here
 * before declaring an oops; on a hit they resume at the fixup, which
 * typically sets an error (-EFAULT) and jumps back after the access.
 * User-copy functions and "probe" reads use it.
 *
 *	asm("1: mov (%1), %0\n"
 *	    "2:\n"
 *	    ".pushsection .text.fixup, \"ax\"\n"
 *	    "3: mov $-14, %2\n"
 *	    "   jmp 2b\n"
 *	    ".popsection\n"
 *	    _ASM_EXTABLE(1b, 3b) ...);
 *
 * Entries live in the __ex_table section (linker.ld gathers them).
 */
#ifndef ASM_EXTABLE_H
#define ASM_EXTABLE_H

#define _ASM_EXTABLE(from, to)                         \
	"	.pushsection __ex_table, \"a\"\n"      \
	"	.balign 8\n"                           \
	"	.quad " #from ", " #to "\n"            \
	"	.popsection\n"

#ifndef __ASSEMBLER__
#include <kestrel/types.h>

struct pt_regs;

struct exception_table_entry {
	unsigned long insn;	/* address of the instruction that may fault */
	unsigned long fixup;	/* where execution continues if it does */
};

/* The entry for a faulting instruction address, or NULL. */
const struct exception_table_entry *search_exception_tables(unsigned long addr);
/* If regs->rip has an entry, move regs->rip to its fixup and return true. */
bool fixup_exception(struct pt_regs *regs);

/*
 * Copy size bytes from a kernel address that may be unmapped or
 * non-canonical. Returns 0, or -EFAULT (then dst's content is undefined).
 * Used by the oops code to read stacks it does not trust.
 */
long copy_from_kernel_nofault(void *dst, const void *src, size_t size);
/*
 * Copy size bytes to a kernel address that may be unmapped, non-canonical
 * or read-only, a byte at a time: 0, or -EFAULT at the first byte that
 * faulted (the bytes before it are written). The debugger's writes.
 */
long copy_to_kernel_nofault(void *dst, const void *src, size_t size);
#endif

#endif
