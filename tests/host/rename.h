/*
 * Force-included (-include) into every file of a host test build, kernel
 * sources and test files alike. Kernel routines named like C library
 * functions get a kestrel_ prefix, so the kernel's own code is what runs
 * and is tested, while libc and the sanitizer runtime keep theirs.
 *
 * Because of this, host test files must not include the C library's
 * <string.h> or <stdio.h>: use the kernel headers, and the framework in
 * tests/host/include/kestrel/ktest.h for checks and output.
 */
#ifndef HOSTTEST_RENAME_H
#define HOSTTEST_RENAME_H

#define memcpy kestrel_memcpy
#define memmove kestrel_memmove
#define memset kestrel_memset
#define memcmp kestrel_memcmp
#define memchr kestrel_memchr
#define strlen kestrel_strlen
#define strnlen kestrel_strnlen
#define strcmp kestrel_strcmp
#define strncmp kestrel_strncmp
#define strchr kestrel_strchr
#define strrchr kestrel_strrchr
#define strstr kestrel_strstr
#define strlcpy kestrel_strlcpy
#define strcpy kestrel_strcpy
#define strncpy kestrel_strncpy
#define strcat kestrel_strcat
#define strdup kestrel_strdup
#define vsnprintf kestrel_vsnprintf
#define snprintf kestrel_snprintf
#define vscnprintf kestrel_vscnprintf
#define scnprintf kestrel_scnprintf
#define sprintf kestrel_sprintf
#define vsprintf kestrel_vsprintf
#define printk kestrel_printk
#define vprintk kestrel_vprintk
#define panic kestrel_panic

#endif
