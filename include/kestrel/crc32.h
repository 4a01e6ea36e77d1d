/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xedb88320), as Linux's
 * crc32_le: the caller chooses the seed and the final inversion. The
 * common CRC-32 (zlib, Ethernet, GPT's headers and entry arrays) is
 * crc32_le(~0, p, len) ^ ~0.
 */
#ifndef KESTREL_CRC32_H
#define KESTREL_CRC32_H

#include <kestrel/types.h>

u32 crc32_le(u32 crc, const void *p, size_t len);

#endif
