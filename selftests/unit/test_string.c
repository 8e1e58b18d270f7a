// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for hv/lib/string.c.  With XMHF_HOST_TEST the header
 * maps memcpy etc. to hv_memcpy etc., so these calls reach our code and
 * are never folded away as compiler builtins.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <lib/string.h>

#define GUARD 0xa5

static void fill_guard(u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = GUARD;
}

static void assert_bytes(const u8 *p, size_t n, u8 v)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(p[i], v);
}

static void test_memcpy(void **state)
{
	u8 src[40], dst[48];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(src); i++)
		src[i] = (u8)(i + 1);
	fill_guard(dst, sizeof(dst));
	assert_ptr_equal(memcpy(dst + 4, src, 37), dst + 4);
	assert_memory_equal(dst + 4, src, 37);
	/* No byte outside [dst + 4, dst + 41) was touched. */
	assert_bytes(dst, 4, GUARD);
	assert_bytes(dst + 41, sizeof(dst) - 41, GUARD);

	/* n == 0 writes nothing and may take any pointers. */
	fill_guard(dst, sizeof(dst));
	assert_ptr_equal(memcpy(dst, src, 0), dst);
	assert_bytes(dst, sizeof(dst), GUARD);
}

static void test_memset(void **state)
{
	u8 buf[32];

	(void)state;
	fill_guard(buf, sizeof(buf));
	assert_ptr_equal(memset(buf + 3, 0x1ff, 20), buf + 3);
	/* Only the low byte of c is used. */
	assert_bytes(buf + 3, 20, 0xff);
	assert_bytes(buf, 3, GUARD);
	assert_bytes(buf + 23, sizeof(buf) - 23, GUARD);

	assert_ptr_equal(memset(buf, 0, 0), buf);
	assert_bytes(buf, 3, GUARD);
}

/* Reference result of memmove(buf + d, buf + s, n) on a 0..N pattern. */
static void check_memmove(size_t d, size_t s, size_t n)
{
	u8 buf[256], want[256], tmp[256];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = want[i] = (u8)(i * 7 + 1);
	for (i = 0; i < n; i++)
		tmp[i] = want[s + i];
	for (i = 0; i < n; i++)
		want[d + i] = tmp[i];
	assert_ptr_equal(memmove(buf + d, buf + s, n), buf + d);
	assert_memory_equal(buf, want, sizeof(buf));
}

static void test_memmove_overlap(void **state)
{
	(void)state;
	check_memmove(1, 0, 100);	/* dst above src: backwards copy */
	check_memmove(7, 0, 200);
	check_memmove(0, 1, 100);	/* dst below src: forwards copy */
	check_memmove(0, 7, 200);
	check_memmove(10, 10, 50);	/* same pointer */
	check_memmove(100, 0, 100);	/* adjacent, no overlap */
	check_memmove(0, 100, 100);
	check_memmove(5, 0, 0);		/* nothing */
	check_memmove(255, 0, 1);
	check_memmove(0, 255, 1);
}

static void test_memcmp(void **state)
{
	(void)state;
	assert_int_equal(memcmp("abc", "abc", 3), 0);
	assert_true(memcmp("abc", "abd", 3) < 0);
	assert_true(memcmp("abd", "abc", 3) > 0);
	/* Bytes compare as unsigned: 0x80 is greater than 0x01. */
	assert_true(memcmp("\x80", "\x01", 1) > 0);
	assert_true(memcmp("\x01", "\x80", 1) < 0);
	/* Differences past n and NULs inside the range do not stop it. */
	assert_int_equal(memcmp("abX", "abY", 2), 0);
	assert_true(memcmp("a\0b", "a\0c", 3) < 0);
	assert_int_equal(memcmp("x", "y", 0), 0);
}

static void test_strlen(void **state)
{
	(void)state;
	assert_int_equal(strlen(""), 0);
	assert_int_equal(strlen("a"), 1);
	assert_int_equal(strlen("hello\0world"), 5);
	assert_int_equal(strnlen("hello", 3), 3);
	assert_int_equal(strnlen("hello", 5), 5);
	assert_int_equal(strnlen("hello", 100), 5);
	assert_int_equal(strnlen("hello", 0), 0);
	assert_int_equal(strnlen("", 10), 0);
}

/* strnlen must not read past max: no NUL anywhere in this buffer. */
static void test_strnlen_unterminated(void **state)
{
	char buf[4] = { 'a', 'b', 'c', 'd' };

	(void)state;
	assert_int_equal(strnlen(buf, sizeof(buf)), 4);
	assert_int_equal(strnlen(buf, 2), 2);
}

static void test_strcmp(void **state)
{
	(void)state;
	assert_int_equal(strcmp("", ""), 0);
	assert_int_equal(strcmp("abc", "abc"), 0);
	assert_true(strcmp("ab", "abc") < 0);	/* prefix sorts first */
	assert_true(strcmp("abc", "ab") > 0);
	assert_true(strcmp("abc", "abd") < 0);
	assert_true(strcmp("b", "abc") > 0);
	assert_true(strcmp("\xff", "a") > 0);	/* unsigned char order */
	assert_true(strcmp("a", "\xff") < 0);
}

static void test_strncmp(void **state)
{
	(void)state;
	assert_int_equal(strncmp("abc", "xyz", 0), 0);
	assert_int_equal(strncmp("abcX", "abcY", 3), 0);
	assert_true(strncmp("abcX", "abcY", 4) < 0);
	/* Stops at the common NUL even if n is larger. */
	assert_int_equal(strncmp("ab\0X", "ab\0Y", 10), 0);
	assert_true(strncmp("ab", "abc", 10) < 0);
	assert_true(strncmp("\x80", "\x7f", 1) > 0);
}

static void test_strlcpy(void **state)
{
	char buf[8];

	(void)state;
	/* Fits. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(strlcpy(buf, "abc", sizeof(buf)), 3);
	assert_memory_equal(buf, "abc\0xxxx", 8);

	/* Exactly size - 1 characters: fits, no truncation. */
	assert_int_equal(strlcpy(buf, "1234567", sizeof(buf)), 7);
	assert_memory_equal(buf, "1234567", 8);

	/* Truncated: returns the full source length, still terminated. */
	assert_int_equal(strlcpy(buf, "123456789", sizeof(buf)), 9);
	assert_memory_equal(buf, "1234567", 8);

	/* size 1: just the NUL. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(strlcpy(buf, "abc", 1), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'x');

	/* size 0: destination untouched. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'x');

	/* Empty source. */
	assert_int_equal(strlcpy(buf, "", sizeof(buf)), 0);
	assert_int_equal(buf[0], '\0');
}

static void test_memzero_explicit(void **state)
{
	u8 buf[24];

	(void)state;
	fill_guard(buf, sizeof(buf));
	memzero_explicit(buf + 2, 20);
	assert_bytes(buf + 2, 20, 0);
	assert_bytes(buf, 2, GUARD);
	assert_bytes(buf + 22, 2, GUARD);
}

/* Larger copies and fills at every small alignment. */
static void test_alignments(void **state)
{
	static u8 src[600], dst[600];
	size_t so, d, n = 513, i;

	(void)state;
	for (i = 0; i < sizeof(src); i++)
		src[i] = (u8)(i ^ 0x5a);
	for (so = 0; so < 8; so++) {
		for (d = 0; d < 8; d++) {
			fill_guard(dst, sizeof(dst));
			memcpy(dst + d, src + so, n);
			assert_memory_equal(dst + d, src + so, n);
			assert_bytes(dst, d, GUARD);
			assert_bytes(dst + d + n, sizeof(dst) - d - n, GUARD);
			memset(dst + d, so, n);
			assert_bytes(dst + d, n, (u8)so);
			assert_int_equal(memcmp(dst + d, dst + d, n), 0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy),
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_strlen),
		cmocka_unit_test(test_strnlen_unterminated),
		cmocka_unit_test(test_strcmp),
		cmocka_unit_test(test_strncmp),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_memzero_explicit),
		cmocka_unit_test(test_alignments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
