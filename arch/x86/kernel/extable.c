/*
 * The exception table (see asm/extable.h) and reads that may fault.
 *
 * The table is read-only after the link, so lookups need no lock.
 */
#include <kestrel/compiler.h>
#include <kestrel/errno.h>
#include <asm/extable.h>
#include <asm/ptrace.h>

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

const struct exception_table_entry *search_exception_tables(unsigned long addr)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == addr)
			return e;
	return NULL;
}

bool fixup_exception(struct pt_regs *regs)
{
	const struct exception_table_entry *e = search_exception_tables(regs->rip);

	if (!e)
		return false;
	regs->rip = e->fixup;
	return true;
}

/* One load that may fault: returns 0, or -EFAULT through the fixup. */
static __always_inline int read_u64_nofault(const void *src, u64 *val)
{
	int err = 0;
	u64 v;

	__asm__ volatile("1:	movq (%[src]), %[v]\n"
			 "2:\n"
			 "	.pushsection .text.fixup, \"ax\"\n"
			 "3:	mov %[efault], %[err]\n"
			 "	xor %k[v], %k[v]\n"
			 "	jmp 2b\n"
			 "	.popsection\n"
			 _ASM_EXTABLE(1b, 3b)
			 : [err] "+r"(err), [v] "=r"(v)
			 : [src] "r"(src), [efault] "i"(-EFAULT)
			 : "memory");
	*val = v;
	return err;
}

static __always_inline int read_u8_nofault(const void *src, u8 *val)
{
	int err = 0;
	u8 v;

	__asm__ volatile("1:	movb (%[src]), %[v]\n"
			 "2:\n"
			 "	.pushsection .text.fixup, \"ax\"\n"
			 "3:	mov %[efault], %[err]\n"
			 "	xor %[v], %[v]\n"
			 "	jmp 2b\n"
			 "	.popsection\n"
			 _ASM_EXTABLE(1b, 3b)
			 : [err] "+r"(err), [v] "=q"(v)
			 : [src] "r"(src), [efault] "i"(-EFAULT)
			 : "memory");
	*val = v;
	return err;
}

/* One store that may fault: 0, or -EFAULT through the fixup. */
static __always_inline int write_u8_nofault(void *dst, u8 val)
{
	int err = 0;

	__asm__ volatile("1:	movb %[v], (%[dst])\n"
			 "2:\n"
			 "	.pushsection .text.fixup, \"ax\"\n"
			 "3:	mov %[efault], %[err]\n"
			 "	jmp 2b\n"
			 "	.popsection\n"
			 _ASM_EXTABLE(1b, 3b)
			 : [err] "+r"(err)
			 : [dst] "r"(dst), [v] "q"(val), [efault] "i"(-EFAULT)
			 : "memory");
	return err;
}

long copy_to_kernel_nofault(void *dst, const void *src, size_t size)
{
	u8 *d = dst;
	const u8 *s = src;

	for (; size; d++, s++, size--)
		if (write_u8_nofault(d, *s))
			return -EFAULT;
	return 0;
}

long copy_from_kernel_nofault(void *dst, const void *src, size_t size)
{
	u8 *d = dst;
	const u8 *s = src;

	while (size >= 8 && IS_ALIGNED((unsigned long)s, 8)) {
		u64 v;
		if (read_u64_nofault(s, &v))
			return -EFAULT;
		__builtin_memcpy(d, &v, 8);
		d += 8, s += 8, size -= 8;
	}
	while (size) {
		if (read_u8_nofault(s, d))
			return -EFAULT;
		d++, s++, size--;
	}
	return 0;
}
