/*
 * vsnprintf: the formatting engine behind printk and snprintf.
 *
 * Supports the C conversions the kernel uses (d i u x X o c s p %, flags
 * "-+ 0#", width, precision, `*`, lengths hh h l ll z t j) and two kernel
 * extensions: %pS prints a code address as symbol+offset/size (through
 * vsprintf_symbol_hook, set once kallsyms is ready) and %pa prints a
 * phys_addr_t passed by reference. Pure code: host-tested in tests/host.
 */
#include <stdarg.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <kestrel/vsprintf.h>

size_t (*vsprintf_symbol_hook)(char *buf, size_t size, unsigned long addr);

struct out {
	char *buf;
	size_t size;	/* capacity of buf, including the terminator */
	size_t len;	/* characters produced so far (may exceed size) */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	bool left, plus, space, zero, alt;
	int width;
	int precision;	/* -1: none */
};

static void put_padded(struct out *o, const char *s, size_t n, const struct spec *sp)
{
	size_t pad = sp->width > 0 && (size_t)sp->width > n ? sp->width - n : 0;

	if (!sp->left)
		while (pad--)
			put(o, ' ');
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		while (pad--)
			put(o, ' ');
}

static void put_number(struct out *o, unsigned long long v, bool negative,
		       unsigned int base, bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	char sign = negative ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	const char *prefix = "";
	int prec = sp->precision;

	if (v == 0 && prec == 0)
		n = 0;	/* "%.0d" of 0 prints nothing */
	else
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	if (sp->alt && base == 16 && n)
		prefix = upper ? "0X" : "0x";
	if (sp->alt && base == 8 && (n == 0 || tmp[n - 1] != '0'))
		prefix = "0";

	int zeros = prec > n ? prec - n : 0;
	int body = n + zeros + (int)strlen(prefix) + (sign != 0);
	int pad = sp->width > body ? sp->width - body : 0;

	if (sp->zero && !sp->left && prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		while (pad-- > 0)
			put(o, ' ');
	if (sign)
		put(o, sign);
	for (const char *p = prefix; *p; p++)
		put(o, *p);
	while (zeros-- > 0)
		put(o, '0');
	while (n > 0)
		put(o, tmp[--n]);
	if (sp->left)
		while (pad-- > 0)
			put(o, ' ');
}

/* Read a decimal width or precision, saturating instead of overflowing. */
static const char *parse_decimal(const char *f, int *v)
{
	for (*v = 0; *f >= '0' && *f <= '9'; f++)
		*v = *v > 100000 ? *v : *v * 10 + (*f - '0');
	return f;
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .precision = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = sp->width < -100000 ? 100000 : -sp->width;
		}
		f++;
	} else {
		f = parse_decimal(f, &sp->width);
	}
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			if (sp->precision < 0)
				sp->precision = -1;
			f++;
		} else {
			f = parse_decimal(f, &sp->precision);
		}
	}
	return f;
}

/* Length modifiers, as the number of bytes of the argument. */
static const char *parse_length(const char *f, int *len)
{
	*len = sizeof(int);
	if (f[0] == 'h' && f[1] == 'h')
		*len = 1, f += 2;
	else if (f[0] == 'h')
		*len = 2, f++;
	else if (f[0] == 'l' && f[1] == 'l')
		*len = 8, f += 2;
	else if (f[0] == 'l' || f[0] == 'z' || f[0] == 't' || f[0] == 'j')
		*len = 8, f++;
	return f;
}

static void put_pointer(struct out *o, const char **fp, void *p, const struct spec *sp)
{
	const char *f = *fp;
	struct spec hex = { .zero = true, .alt = true, .width = 18, .precision = -1 };

	if (f[1] == 'S' || f[1] == 's') {
		char sym[128];
		size_t n;
		*fp = f + 1;
		if (vsprintf_symbol_hook) {
			n = vsprintf_symbol_hook(sym, sizeof(sym), (unsigned long)p);
			if (n) {
				put_padded(o, sym, n < sizeof(sym) ? n : sizeof(sym) - 1, sp);
				return;
			}
		}
		put_number(o, (unsigned long)p, false, 16, false, &hex);
		return;
	}
	if (f[1] == 'a') {
		*fp = f + 1;
		p = p ? (void *)(unsigned long)*(phys_addr_t *)p : NULL;
	}
	if (sp->width)
		hex.width = sp->width, hex.left = sp->left, hex.zero = !sp->left;
	put_number(o, (unsigned long)p, false, 16, false, &hex);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list ap;
	int len;

	va_copy(ap, args);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &ap);
		f = parse_length(f, &len);
		switch (*f) {
		case 'd':
		case 'i': {
			long long v = len == 8 ? va_arg(ap, long long) : va_arg(ap, int);
			if (len == 1)
				v = (signed char)v;
			else if (len == 2)
				v = (short)v;
			put_number(&o, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v,
				   v < 0, 10, false, &sp);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned long long v = len == 8 ? va_arg(ap, unsigned long long)
							: va_arg(ap, unsigned int);
			if (len == 1)
				v = (unsigned char)v;
			else if (len == 2)
				v = (unsigned short)v;
			sp.plus = sp.space = false;	/* signs are for %d and %i only */
			put_number(&o, v, false, *f == 'o' ? 8 : *f == 'u' ? 10 : 16,
				   *f == 'X', &sp);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			put_padded(&o, &c, 1, &sp);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			size_t n = sp.precision >= 0 ? strnlen(s, sp.precision) : strlen(s);
			put_padded(&o, s, n, &sp);
			break;
		}
		case 'p':
			put_pointer(&o, &f, va_arg(ap, void *), &sp);
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--;	/* a lone '%' at the end: stop */
			break;
		default:	/* unknown conversion: print it as written */
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	len = o.len > 0x7fffffff ? 0x7fffffff : (int)o.len;
	return len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (size == 0)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
