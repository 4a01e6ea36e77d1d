/*
 * Host tests of lib/chacha.c against RFC 8439's test vectors: the quarter
 * round (2.1.1), one block (2.3.2), the encryption example (2.4.2) and
 * the all-zero key block (A.1 #1); also that a block advances the counter.
 *
 * HOST_SOURCES: lib/chacha.c lib/string.c
 */
#include <kestrel/chacha.h>
#include <kestrel/ktest.h>
#include <kestrel/string.h>

static void key_0_to_31(u8 key[32])
{
	for (int i = 0; i < 32; i++)
		key[i] = (u8)i;
}

static int unhex(const char *s, u8 *out)
{
	int n = 0;

	for (; s[0] && s[1]; s += 2) {
		int hi = s[0] <= '9' ? s[0] - '0' : s[0] - 'a' + 10;
		int lo = s[1] <= '9' ? s[1] - '0' : s[1] - 'a' + 10;
		out[n++] = (u8)(hi << 4 | lo);
	}
	return n;
}

KTEST(chacha, quarter_round_2_1_1)
{
	u32 a = 0x11111111, b = 0x01020304, c = 0x9b8d6f43, d = 0x01234567;

	chacha_quarter_round(&a, &b, &c, &d);
	KEXPECT_EQ(a, 0xea2a92f4);
	KEXPECT_EQ(b, 0xcb1cf8ce);
	KEXPECT_EQ(c, 0x4581472e);
	KEXPECT_EQ(d, 0x5881c4bb);
}

KTEST(chacha, block_2_3_2)
{
	static const u8 nonce[12] = { 0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	u8 key[32], out[64], want[64];
	u32 st[16];

	key_0_to_31(key);
	chacha20_init(st, key, 1, nonce);
	KEXPECT_EQ(st[12], 1);
	KEXPECT_EQ(st[13], 0x09000000);
	KEXPECT_EQ(st[14], 0x4a000000);
	chacha20_block(st, out);
	KASSERT_EQ(unhex("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
			 "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e",
			 want), 64);
	KEXPECT_MEMEQ(out, want, 64);
	KEXPECT_EQ(st[12], 2);
}

KTEST(chacha, encrypt_2_4_2)
{
	static const char pt[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
				 "only one tip for the future, sunscreen would be it.";
	static const u8 nonce[12] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	u8 key[32], ct[sizeof(pt)], want[sizeof(pt)], back[sizeof(pt)];
	size_t len = sizeof(pt) - 1;
	u32 st[16];

	KASSERT_EQ(len, 114);
	key_0_to_31(key);
	chacha20_init(st, key, 1, nonce);
	chacha20_crypt(st, ct, (const u8 *)pt, len);
	KASSERT_EQ(unhex("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
			 "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
			 "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
			 "5af90bbf74a35be6b40b8eedf2785e42874d", want), 114);
	KEXPECT_MEMEQ(ct, want, len);
	/* Decryption is the same operation from the same starting counter. */
	chacha20_init(st, key, 1, nonce);
	chacha20_crypt(st, back, ct, len);
	KEXPECT_MEMEQ(back, pt, len);
}

KTEST(chacha, zero_key_block_a_1)
{
	u8 key[32] = { 0 }, nonce[12] = { 0 }, out[64], want[64];
	u32 st[16];

	chacha20_init(st, key, 0, nonce);
	chacha20_block(st, out);
	KASSERT_EQ(unhex("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
			 "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
			 want), 64);
	KEXPECT_MEMEQ(out, want, 64);
	/* The next block differs (counter 1). */
	chacha20_block(st, out);
	KEXPECT(memcmp(out, want, 64) != 0);
}
