/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding string and memory routines.  The names are the standard
 * ones because the compiler may emit calls to memcpy/memset/memmove/memcmp
 * on its own (struct copies, zeroing).
 */
#ifndef XMHF_LIB_STRING_H
#define XMHF_LIB_STRING_H

#include <types.h>

#ifdef XMHF_HOST_TEST
/*
 * Host unit tests link with libc and cmocka.  Rename ours so the tests
 * call this code (not a compiler builtin or libc) while libc keeps its own.
 */
#define memcpy		hv_memcpy
#define memmove		hv_memmove
#define memset		hv_memset
#define memcmp		hv_memcmp
#define strlen		hv_strlen
#define strnlen		hv_strnlen
#define strcmp		hv_strcmp
#define strncmp		hv_strncmp
#define strlcpy		hv_strlcpy
#endif

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/*
 * Copy at most size - 1 bytes of src and NUL-terminate when size > 0.
 * Returns strlen(src); a result >= size means the copy was truncated.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

/* Zero secrets; never optimised away even if p is dead afterwards. */
void memzero_explicit(void *p, size_t n);

#endif /* XMHF_LIB_STRING_H */
