/*
 * Formatting helpers (Linux's lib/string_helpers.c): sizes for humans.
 */
#include <kestrel/printk.h>
#include <kestrel/string_helpers.h>

void string_get_size(u64 size, u64 blk_size, enum string_size_units units, char *buf, int len)
{
	static const char *const units10[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	static const char *const units2[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	const char *const *names = units == STRING_UNITS_10 ? units10 : units2;
	unsigned int base = units == STRING_UNITS_10 ? 1000 : 1024;
	u64 bytes = size * blk_size, rem = 0, total;
	int i = 0;

	while (bytes >= base && i < 6) {
		rem = bytes % base;
		bytes /= base;
		i++;
	}
	total = bytes * 100 + (rem * 100 + base / 2) / base;	/* in hundredths */
	if (total >= 10000 || i == 0)
		snprintf(buf, len, "%llu %s", (unsigned long long)((total + 50) / 100), names[i]);
	else if (total >= 1000)
		snprintf(buf, len, "%llu.%llu %s", (unsigned long long)((total + 5) / 100),
			 (unsigned long long)((total + 5) / 10 % 10), names[i]);
	else
		snprintf(buf, len, "%llu.%02llu %s", (unsigned long long)(total / 100),
			 (unsigned long long)(total % 100), names[i]);
}
