// SPDX-License-Identifier: GPL-2.0
/*
 * Freestanding string and memory routines.
 *
 * memcpy and memset use "rep movsb/stosb": fast on CPUs with ERMS, small,
 * and immune to GCC rewriting a copy loop into a call to the very function
 * being defined.  The C loops that could be recognised as memmove carry a
 * compiler barrier for the same reason.
 */
#include <lib/string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	asm volatile("rep movsb"
		     : "+D" (d), "+S" (src), "+c" (n)
		     : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	asm volatile("rep stosb"
		     : "+D" (d), "+c" (n)
		     : "a" (c) : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	/*
	 * A forward copy is safe unless dst starts inside [src, src + n).
	 * The unsigned difference wraps when d < s, covering both cases.
	 */
	if ((uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(dst, src, n);

	/* Backwards in C: no need to toggle EFLAGS.DF for a rare case. */
	while (n--) {
		d[n] = s[n];
		asm volatile("" : : : "memory");
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *p = a, *q = b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Bytes compare as unsigned char, as the C standard requires. */
int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		u8 x = *a, y = *b;

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			break;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

void memzero_explicit(void *p, size_t n)
{
	memset(p, 0, n);
	/* The asm "reads" p, so the stores above cannot be dropped. */
	asm volatile("" : : "r" (p) : "memory");
}
