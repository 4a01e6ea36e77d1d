/* Formatting helpers (lib/string_helpers.c, Linux's string_helpers.h). */
#ifndef KESTREL_STRING_HELPERS_H
#define KESTREL_STRING_HELPERS_H

#include <kestrel/types.h>

enum string_size_units {
	STRING_UNITS_10,	/* kB, MB, GB: powers of 1000 */
	STRING_UNITS_2,		/* KiB, MiB, GiB: powers of 1024 */
};

/*
 * size * blk_size bytes as three significant digits and a unit, rounded,
 * as Linux prints disk sizes: "67.1 MB", "64.0 MiB", "512 B".
 */
void string_get_size(u64 size, u64 blk_size, enum string_size_units units, char *buf, int len);

#endif
