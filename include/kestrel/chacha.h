/*
 * ChaCha20 (RFC 8439): a 256-bit-key stream cipher. lib/chacha.c is pure
 * (no kernel state, no locks) so the host tests can check it against the
 * RFC's test vectors; drivers/char/random.c builds the kernel's random
 * number generator on it.
 *
 * The state is 16 32-bit words: 4 constants, 8 key words, a block counter
 * and 3 nonce words. chacha20_block() turns a state into 64 bytes of key
 * stream and advances the counter.
 */
#ifndef KESTREL_CHACHA_H
#define KESTREL_CHACHA_H

#include <kestrel/types.h>

#define CHACHA_KEY_SIZE 32
#define CHACHA_NONCE_SIZE 12
#define CHACHA_BLOCK_SIZE 64
#define CHACHA_STATE_WORDS 16

/* The quarter round on four words (exposed for the RFC's section 2.1.1 test). */
void chacha_quarter_round(u32 *a, u32 *b, u32 *c, u32 *d);

/* "expand 32-byte k", the key (little-endian words), the counter, the nonce. */
void chacha20_init(u32 state[CHACHA_STATE_WORDS], const u8 key[CHACHA_KEY_SIZE], u32 counter,
		   const u8 nonce[CHACHA_NONCE_SIZE]);

/* 64 bytes of key stream for the state's counter; then the counter goes up by one. */
void chacha20_block(u32 state[CHACHA_STATE_WORDS], u8 out[CHACHA_BLOCK_SIZE]);

/* XOR len bytes of key stream into dst (dst may equal src): encryption and decryption. */
void chacha20_crypt(u32 state[CHACHA_STATE_WORDS], u8 *dst, const u8 *src, size_t len);

#endif
