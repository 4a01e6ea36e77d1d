/* The High Precision Event Timer, used as a free-running reference counter. */
#ifndef ASM_HPET_H
#define ASM_HPET_H

#include <kestrel/types.h>

/* Map and start the main counter if ACPI described an HPET; returns 0 or -ENODEV. */
int hpet_init(void);
bool hpet_available(void);
/* The main counter (masked to its width: 32 or 64 bits). */
u64 hpet_read(void);
/* Counter ticks between two reads, taking a 32-bit counter's wrap into account. */
u64 hpet_delta(u64 from, u64 to);
/* Nanoseconds for a number of counter ticks. */
u64 hpet_ticks_to_ns(u64 ticks);
/* Counter frequency in Hz (0 if no HPET). */
u64 hpet_frequency(void);

#endif
