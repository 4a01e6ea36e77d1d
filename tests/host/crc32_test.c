/*
 * Host tests of lib/crc32.c: the standard check value ("123456789" gives
 * 0xcbf43926), the empty string, a chained computation equal to one pass,
 * and a GPT header image whose stored CRC sfdisk computed.
 *
 * HOST_SOURCES: lib/crc32.c lib/string.c
 */
#include <kestrel/crc32.h>
#include <kestrel/ktest.h>
#include <kestrel/string.h>

static u32 crc32(const void *p, size_t len)
{
	return crc32_le(~0u, p, len) ^ ~0u;
}

KTEST(crc32, check_value)
{
	KEXPECT_EQ(crc32("123456789", 9), 0xcbf43926u);
	KEXPECT_EQ(crc32("", 0), 0u);
	KEXPECT_EQ(crc32("The quick brown fox jumps over the lazy dog", 43), 0x414fa339u);
}

KTEST(crc32, chained_equals_one_pass)
{
	u8 buf[1000];
	u32 c;

	for (int i = 0; i < 1000; i++)
		buf[i] = (u8)(i * 7 + 3);
	c = crc32_le(~0u, buf, 333);
	c = crc32_le(c, buf + 333, 667);
	KEXPECT_EQ(c ^ ~0u, crc32(buf, sizeof(buf)));
}

/* A GPT header (LBA 1 of a 1 MiB image) as `sfdisk` wrote it: its CRC covers the 92 bytes with the CRC field zeroed. */
KTEST(crc32, gpt_header_from_sfdisk)
{
	static const char hex[] =
		"4546492050415254000001005c000000595ce6dd000000000100000000000000"
		"ff070000000000002200000000000000de0700000000000067452301ab89efcd"
		"0123456789abcdef02000000000000008000000080000000d0d4172a";
	u8 hdr[92];
	u32 stored;

	for (int i = 0; i < 92; i++) {
		int hi = hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10;
		int lo = hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0' : hex[2 * i + 1] - 'a' + 10;

		hdr[i] = (u8)(hi << 4 | lo);
	}
	stored = hdr[16] | hdr[17] << 8 | hdr[18] << 16 | (u32)hdr[19] << 24;
	KEXPECT_EQ(stored, 0xdde65c59u);
	memset(hdr + 16, 0, 4);
	KEXPECT_EQ(crc32(hdr, sizeof(hdr)), stored);
}
