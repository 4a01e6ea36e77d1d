/* String and memory routines (lib/string.c); the same code is host-tested. */
#ifndef KESTREL_STRING_H
#define KESTREL_STRING_H

#include <kestrel/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
/* Copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
/* Parse an unsigned integer in base 0 (auto: 0x, 0), 8, 10 or 16; -EINVAL/-ERANGE on error. */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtoll(const char *s, unsigned int base, long long *res);
/* Shell-style glob with * and ?, for ktest=GLOB. */
bool glob_match(const char *pattern, const char *str);

#endif
