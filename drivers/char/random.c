/*
 * The kernel's random number generator.
 *
 * State: a 32-byte ChaCha20 key and a 64-bit generation counter. Output
 * is made by "fast key erasure": each request runs ChaCha20 with the
 * current key; the first 32 bytes of key stream become the next key and
 * the rest is handed out. A later theft of the state therefore tells
 * nothing about bytes already returned.
 *
 * Seeding (random_init at boot): RDSEED and RDRAND (when CPUID says the
 * CPU has them), the TSC sampled around short busy loops (jitter from
 * caches, interrupts and, in QEMU, the host), the RTC's wall clock and
 * the TSC itself. Each input is mixed in by XOR into the key followed by
 * a ChaCha20 block under the new key (so every input bit affects the
 * whole key). Without RDSEED/RDRAND the jitter is the only real entropy:
 * adequate for a teaching kernel, and said so in docs/filesystems.md.
 *
 * Locking: crng_lock (irqsave: any context may ask for bytes) protects
 * crng_key, crng_generation and seed_sources.
 *
 * getrandom(2) reads the same generator. It is seeded before user space
 * exists, so no flag ever makes it block: GRND_RANDOM and GRND_NONBLOCK
 * are accepted and change nothing (as on Linux 5.6+ once seeded).
 */
#include <kestrel/chacha.h>
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/random.h>
#include <kestrel/sched.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

static DEFINE_SPINLOCK(crng_lock);	/* crng_key, crng_generation, seed_sources */
static u8 crng_key[CHACHA_KEY_SIZE];
static u64 crng_generation;		/* nonce: never reuse a (key, nonce) pair */
static unsigned int seed_sources;
static bool crng_seeded;

static bool cpu_has_rdseed(void)
{
	u32 a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	if (a < 7)
		return false;
	cpuid_count(7, 0, &a, &b, &c, &d);
	return b & (1U << 18);
}

/* RDRAND/RDSEED may fail transiently (carry clear): retry a few times as Intel advises. */
static bool rdrand_long(unsigned long *v)
{
	for (int i = 0; i < 10; i++) {
		bool ok;

		__asm__ volatile("rdrand %0" : "=r"(*v), "=@ccc"(ok));
		if (ok)
			return true;
	}
	return false;
}

static bool rdseed_long(unsigned long *v)
{
	for (int i = 0; i < 10; i++) {
		bool ok;

		__asm__ volatile("rdseed %0" : "=r"(*v), "=@ccc"(ok));
		if (ok)
			return true;
		cpu_relax();
	}
	return false;
}

/* Fold len bytes into the key: XOR, then rekey with a block under the mixed key. Lock held. */
static void crng_mix(const void *buf, size_t len)
{
	static const u8 mix_nonce[CHACHA_NONCE_SIZE] = { 'm', 'i', 'x' };
	const u8 *p = buf;
	u8 block[CHACHA_BLOCK_SIZE];
	u32 st[CHACHA_STATE_WORDS];

	while (len) {
		size_t n = len < CHACHA_KEY_SIZE ? len : CHACHA_KEY_SIZE;

		for (size_t i = 0; i < n; i++)
			crng_key[i] ^= p[i];
		chacha20_init(st, crng_key, 0, mix_nonce);
		chacha20_block(st, block);
		memcpy(crng_key, block, CHACHA_KEY_SIZE);
		p += n;
		len -= n;
	}
	memset(block, 0, sizeof(block));
	memset(st, 0, sizeof(st));
}

/* TSC deltas around busy loops whose length depends on the previous delta. */
static void mix_jitter(void)
{
	u64 samples[32];

	for (int i = 0; i < 32; i++) {
		u64 t0 = rdtsc();
		unsigned int spins = 16 + (unsigned int)(i ? samples[i - 1] & 63 : 0);

		for (volatile unsigned int k = 0; k < spins; k++)
			;
		samples[i] = rdtsc() - t0;
	}
	crng_mix(samples, sizeof(samples));
}

void random_init(void)
{
	unsigned long flags, v;
	u64 t;
	s64 wall;
	int n;

	/* The RTC read takes its own lock; do it before ours. */
	wall = rtc_get_seconds();

	spin_lock_irqsave(&crng_lock, flags);
	t = rdtsc();
	crng_mix(&t, sizeof(t));
	if (cpu_has_rdseed()) {
		for (n = 0; n < 8 && rdseed_long(&v); n++)
			crng_mix(&v, sizeof(v));
		if (n)
			seed_sources |= 1;
	}
	if (boot_cpu_has(X86_FEATURE_RDRAND)) {
		for (n = 0; n < 8 && rdrand_long(&v); n++)
			crng_mix(&v, sizeof(v));
		if (n)
			seed_sources |= 2;
	}
	if (wall > 0) {
		crng_mix(&wall, sizeof(wall));
		seed_sources |= 4;
	}
	mix_jitter();
	crng_seeded = true;
	spin_unlock_irqrestore(&crng_lock, flags);
	pr_info("random: seeded from%s%s%s TSC jitter\n", seed_sources & 1 ? " RDSEED" : "",
		seed_sources & 2 ? " RDRAND" : "", seed_sources & 4 ? " RTC" : "");
}

void add_device_randomness(const void *buf, size_t len)
{
	unsigned long flags;
	u64 t = rdtsc();

	spin_lock_irqsave(&crng_lock, flags);
	crng_mix(buf, len);
	crng_mix(&t, sizeof(t));
	spin_unlock_irqrestore(&crng_lock, flags);
}

/* At most this many bytes per hold of crng_lock (4 KiB: a few microseconds with irqs off). */
#define CRNG_CHUNK 4096

static void crng_fill(u8 *out, size_t len)
{
	u8 nonce[CHACHA_NONCE_SIZE] = { 0 };
	u8 block[CHACHA_BLOCK_SIZE];
	u32 st[CHACHA_STATE_WORDS];
	u64 t = rdtsc();

	if (!crng_seeded) {
		/* Asked before random_init: at least the TSC and jitter. */
		crng_mix(&t, sizeof(t));
		mix_jitter();
		crng_seeded = true;
	}
	memcpy(nonce, &crng_generation, sizeof(crng_generation));
	crng_generation++;
	chacha20_init(st, crng_key, 0, nonce);
	/* Block 0: the next key (fast key erasure) and up to 32 bytes of output. */
	chacha20_block(st, block);
	memcpy(crng_key, block, CHACHA_KEY_SIZE);
	if (len <= CHACHA_BLOCK_SIZE - CHACHA_KEY_SIZE) {
		memcpy(out, block + CHACHA_KEY_SIZE, len);
		goto out;
	}
	while (len) {
		size_t n = len < CHACHA_BLOCK_SIZE ? len : CHACHA_BLOCK_SIZE;

		chacha20_block(st, block);
		memcpy(out, block, n);
		out += n;
		len -= n;
	}
out:
	memset(block, 0, sizeof(block));
	memset(st, 0, sizeof(st));
}

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		size_t n = len < CRNG_CHUNK ? len : CRNG_CHUNK;
		unsigned long flags;

		spin_lock_irqsave(&crng_lock, flags);
		crng_fill(p, n);
		spin_unlock_irqrestore(&crng_lock, flags);
		p += n;
		len -= n;
	}
}

u64 get_random_u64(void)
{
	u64 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

/* ---- getrandom(2) ---- */

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM 0x0002
#define GRND_INSECURE 0x0004
#define GETRANDOM_MAX 0x7ffff000UL	/* Linux's MAX_RW_COUNT */

SYSCALL_DEFINE3(getrandom, char __user *, ubuf, size_t, len, unsigned int, flags)
{
	u8 buf[256];
	size_t done = 0;
	long ret = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	if (len > GETRANDOM_MAX)
		len = GETRANDOM_MAX;
	while (done < len) {
		size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		unsigned long left;

		/* A long request stops at a signal with what it has (Linux: every page). */
		if (done && !(done % 4096) && signal_pending(current))
			break;
		get_random_bytes(buf, n);
		left = copy_to_user(ubuf + done, buf, n);
		done += n - left;
		if (left) {
			ret = -EFAULT;
			break;
		}
		cond_resched();
	}
	memset(buf, 0, sizeof(buf));
	return done ? (long)done : ret;
}
