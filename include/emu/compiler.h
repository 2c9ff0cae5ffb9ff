/* Compiler helpers shared by every module. */
#ifndef EMU_COMPILER_H
#define EMU_COMPILER_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define NORETURN _Noreturn
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define WARN_UNUSED __attribute__((warn_unused_result))
#define UNUSED __attribute__((unused))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define PRINTF_FMT(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
