/* Basic fixed-width types for a freestanding kernel. */
#ifndef KESTREL_TYPES_H
#define KESTREL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef long ssize_t;
typedef u64 phys_addr_t;

#endif
