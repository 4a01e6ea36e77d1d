/*
 * ChaCha20 as RFC 8439 describes it (sections 2.1-2.4), written from the
 * RFC's prose. Pure code: the host tests build this file as is.
 *
 * A block: copy the state, run 20 rounds (10 "double rounds": four
 * quarter rounds down the columns, four along the diagonals), add the
 * original state word by word, and serialize little-endian.
 */
#include <kestrel/chacha.h>
#include <kestrel/string.h>

static inline u32 rotl32(u32 v, unsigned int n)
{
	return (v << n) | (v >> (32 - n));
}

static inline u32 get_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline void put_le32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

void chacha_quarter_round(u32 *a, u32 *b, u32 *c, u32 *d)
{
	*a += *b; *d ^= *a; *d = rotl32(*d, 16);
	*c += *d; *b ^= *c; *b = rotl32(*b, 12);
	*a += *b; *d ^= *a; *d = rotl32(*d, 8);
	*c += *d; *b ^= *c; *b = rotl32(*b, 7);
}

void chacha20_init(u32 state[CHACHA_STATE_WORDS], const u8 key[CHACHA_KEY_SIZE], u32 counter,
		   const u8 nonce[CHACHA_NONCE_SIZE])
{
	/* "expa" "nd 3" "2-by" "te k" as little-endian words */
	state[0] = 0x61707865;
	state[1] = 0x3320646e;
	state[2] = 0x79622d32;
	state[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		state[4 + i] = get_le32(key + 4 * i);
	state[12] = counter;
	for (int i = 0; i < 3; i++)
		state[13 + i] = get_le32(nonce + 4 * i);
}

#define QR(x, a, b, c, d) chacha_quarter_round(&x[a], &x[b], &x[c], &x[d])

void chacha20_block(u32 state[CHACHA_STATE_WORDS], u8 out[CHACHA_BLOCK_SIZE])
{
	u32 x[CHACHA_STATE_WORDS];

	memcpy(x, state, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x, 0, 4, 8, 12);	/* columns */
		QR(x, 1, 5, 9, 13);
		QR(x, 2, 6, 10, 14);
		QR(x, 3, 7, 11, 15);
		QR(x, 0, 5, 10, 15);	/* diagonals */
		QR(x, 1, 6, 11, 12);
		QR(x, 2, 7, 8, 13);
		QR(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < CHACHA_STATE_WORDS; i++)
		put_le32(out + 4 * i, x[i] + state[i]);
	memset(x, 0, sizeof(x));	/* no key-derived words left on the stack */
	state[12]++;
}

void chacha20_crypt(u32 state[CHACHA_STATE_WORDS], u8 *dst, const u8 *src, size_t len)
{
	u8 ks[CHACHA_BLOCK_SIZE];

	while (len) {
		size_t n = len < CHACHA_BLOCK_SIZE ? len : CHACHA_BLOCK_SIZE;

		chacha20_block(state, ks);
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i] ^ ks[i];
		dst += n;
		src += n;
		len -= n;
	}
	memset(ks, 0, sizeof(ks));
}
