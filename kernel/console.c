/*
 * Console selection: which devices printk writes to, from console= words.
 *
 * Without console= Kestrel writes to both the serial port and the screen
 * (students see output wherever they look). With console= only the named
 * devices are used: console=ttyS0[,115200] and/or console=tty0.
 */
#include <kestrel/console.h>
#include <kestrel/cmdline.h>
#include <kestrel/printk.h>
#include <kestrel/serial.h>
#include <kestrel/string.h>

struct console_query {
	const char *name;	/* "ttyS" or "tty" */
	int index;
	bool found;
};

static void match_console(const char *val, void *arg)
{
	struct console_query *q = arg;
	size_t n = strlen(q->name);
	unsigned long long idx;
	char num[8] = "";
	size_t i;

	if (strncmp(val, q->name, n))
		return;
	/* "ttyS0,115200n8": the digits after the name, up to a comma. */
	for (i = 0; val[n + i] && val[n + i] != ',' && i < sizeof(num) - 1; i++)
		num[i] = val[n + i];
	num[i] = '\0';
	if (!kstrtoull(num, 10, &idx) && (int)idx == q->index)
		q->found = true;
}

bool console_wanted(const char *name, int index)
{
	struct console_query q = { name, index, false };

	if (!cmdline_has("console"))
		return true;
	cmdline_for_each("console", match_console, &q);
	return q.found;
}

void serial_console_setup(void)
{
	struct console *con = serial_console_get();

	if (con && !console_wanted("ttyS", 0))
		unregister_console(con);
}
