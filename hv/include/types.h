/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Basic types for hypervisor code.  Only the compiler's freestanding
 * headers are used, so the same sources also build on the host for the
 * unit tests.
 */
#ifndef XMHF_HV_TYPES_H
#define XMHF_HV_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)

#endif /* XMHF_HV_TYPES_H */
