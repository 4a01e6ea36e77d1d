/*
 * printk and panic for host tests (see tests/host/include/host_printk.h).
 * Built like kernel code (renamed by tests/host/rename.h): printk here is
 * the kernel's printk as far as the code under test can tell. panic()
 * aborts the test program with a trap, which the runner reports as a
 * crash of that test binary.
 */
#include <stdarg.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <host_printk.h>

static char log_text[1 << 16];
static size_t log_len;

int vprintk(const char *fmt, va_list ap)
{
	char buf[1024];
	const char *text = buf;
	int n = vscnprintf(buf, sizeof(buf), fmt, ap);

	while (text[0] == KERN_SOH[0] && text[1]) {	/* level / continuation prefixes */
		text += 2;
		n -= 2;
	}
	if (n > 0 && log_len + n < sizeof(log_text)) {
		memcpy(log_text + log_len, text, n);
		log_len += n;
		log_text[log_len] = '\0';
	}
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	__builtin_trap();
}

const char *host_printk_log(void)
{
	return log_text;
}

void host_printk_reset(void)
{
	log_len = 0;
	log_text[0] = '\0';
}

bool host_printk_contains(const char *s)
{
	return strstr(log_text, s) != NULL;
}
