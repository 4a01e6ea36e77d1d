/*
 * User copies (include/kestrel/uaccess.h).
 *
 * Each copy is one `rep movsb` (or stosb) inside stac/clac. If it faults
 * on a user page the page-fault handler first tries to make the page
 * present; if it cannot, the exception-table entry resumes right after
 * the instruction, with rcx still holding the bytes left: that is the
 * "not copied" count the callers return.
 */
#include <kestrel/string.h>
#include <kestrel/uaccess.h>
#include <asm/extable.h>
#include <asm/smap.h>

static unsigned long raw_copy(void *to, const void *from, unsigned long n)
{
	stac();
	asm volatile("1:	rep movsb\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : "+c"(n), "+D"(to), "+S"(from)
		     :
		     : "memory");
	clac();
	return n;
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	return raw_copy((void __force_kernel *)to, from, n);
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	unsigned long left = n;

	if (access_ok(from, n))
		left = raw_copy(to, (const void __force_kernel *)from, n);
	if (left)
		memset((char *)to + (n - left), 0, left);
	return left;
}

unsigned long clear_user(void __user *to, unsigned long n)
{
	void *dst = (void __force_kernel *)to;

	if (!access_ok(to, n))
		return n;
	stac();
	asm volatile("1:	rep stosb\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : "+c"(n), "+D"(dst)
		     : "a"(0)
		     : "memory");
	clac();
	return n;
}

/* One byte from user space: 0, or -EFAULT. */
static int get_user_byte(const char __user *p, char *out)
{
	return copy_from_user(out, p, 1) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, const char __user *src, long count)
{
	long i;

	for (i = 0; i < count; i++) {
		if (get_user_byte(src + i, &dst[i]))
			return -EFAULT;
		if (!dst[i])
			return i;
	}
	return count;
}

long strnlen_user(const char __user *s, long n)
{
	long i;
	char c;

	for (i = 0; i < n; i++) {
		if (get_user_byte(s + i, &c))
			return 0;
		if (!c)
			return i + 1;
	}
	return n + 1;
}

bool is_uaccess_insn(unsigned long ip)
{
	return search_exception_tables(ip) != NULL;
}
