/*
 * The kernel's random number generator (drivers/char/random.c): a
 * ChaCha20-based generator (lib/chacha.c) seeded from RDSEED/RDRAND when
 * the CPU has them, TSC jitter and the RTC. /dev/random and /dev/urandom
 * read from it (they are the same: the generator is seeded at boot).
 */
#ifndef KESTREL_RANDOM_H
#define KESTREL_RANDOM_H

#include <kestrel/types.h>

/* Seed the generator (boot; later calls reseed). */
void random_init(void);
/* Fill buf with len random bytes; any context (takes an irq-safe spinlock). */
void get_random_bytes(void *buf, size_t len);
u64 get_random_u64(void);
/* Stir bytes into the key (e.g. what user space writes to /dev/urandom); they add no credit. */
void add_device_randomness(const void *buf, size_t len);

#endif
