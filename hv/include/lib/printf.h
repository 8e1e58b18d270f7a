/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal snprintf for the hypervisor's log and diagnostics.
 *
 * Conversions: %s %c %d %i %u %x %X %p %%.
 * Flags: '-' (left-justify) and '0' (zero-pad numbers).
 * Field width and precision, either may be '*'.  Precision limits %s and
 * gives the minimum digit count for integers, as in C.
 * Length modifiers: hh h l ll z.
 * %p prints "0x" and the address in lower-case hex without leading zeros.
 * %s of NULL prints "(null)".  An unknown conversion is printed as is.
 *
 * C99 semantics: the output is always NUL-terminated when size > 0, and
 * the return value is the length the full output would have had.
 */
#ifndef XMHF_LIB_PRINTF_H
#define XMHF_LIB_PRINTF_H

#include <stdarg.h>
#include <types.h>

#ifdef XMHF_HOST_TEST
/* Keep libc's own printf family intact for cmocka; see lib/string.h. */
#define vsnprintf	hv_vsnprintf
#define snprintf	hv_snprintf
#endif

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* XMHF_LIB_PRINTF_H */
