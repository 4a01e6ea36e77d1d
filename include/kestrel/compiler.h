/* Compiler helpers: attributes, access-once macros and small generic macros. */
#ifndef KESTREL_COMPILER_H
#define KESTREL_COMPILER_H

#include <kestrel/types.h>

#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __section(s) __attribute__((section(s)))
#define __used __attribute__((used))
#define __unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))
#define __noinline __attribute__((noinline))
/* No specialised copy (gcc's ipa-cp): a debugger's breakpoint must be the symbol's own code. */
#ifdef __clang__
#define __noclone
#else
#define __noclone __attribute__((noclone))
#endif
#define __always_inline inline __attribute__((always_inline))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __weak __attribute__((weak))
/* Marks a pointer into user space: only copy_*_user/get_user/put_user may dereference it. */
#define __user
#define __force_kernel	/* a cast that drops __user: for the copy routines only */

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define barrier() __asm__ volatile("" ::: "memory")

/* Force exactly one load/store: the compiler may not merge, tear or re-read it. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#define ALIGN(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
/*
 * A name no other expansion uses: macros that declare locals (min, max)
 * nest inside each other without one shadowing the other (-Wshadow).
 */
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

/* Evaluate x and y once each; ux, uy are __UNIQUE_ID names. */
#define __cmp_once(op, x, y, ux, uy) \
	({ __typeof__(x) ux = (x); __typeof__(y) uy = (y); ux op uy ? ux : uy; })
#define min(a, b) __cmp_once(<, a, b, __UNIQUE_ID(min_x_), __UNIQUE_ID(min_y_))
#define max(a, b) __cmp_once(>, a, b, __UNIQUE_ID(max_x_), __UNIQUE_ID(max_y_))
#define clamp(v, lo, hi) min(max(v, lo), hi)

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#endif
