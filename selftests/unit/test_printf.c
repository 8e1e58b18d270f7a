// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for hv/lib/printf.c.  With XMHF_HOST_TEST, snprintf here
 * is hv_snprintf; libc's printf family is not used by these tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <sys/types.h>

#include <lib/printf.h>
#include <lib/string.h>

/*
 * Format into a guard-filled buffer; check the text, the NUL right after
 * it, the untouched byte after that, and the C99 return value.
 */
#define CHECK(want, ...) do {						\
	char b_[128];							\
	int n_;								\
	memset(b_, '#', sizeof(b_));					\
	n_ = snprintf(b_, sizeof(b_), __VA_ARGS__);			\
	assert_string_equal(b_, want);					\
	assert_int_equal(n_, strlen(want));				\
	assert_int_equal(b_[n_ + 1], '#');				\
} while (0)

static void test_plain(void **state)
{
	(void)state;
	CHECK("", "%s", "");
	CHECK("hello", "hello");
	CHECK("100%", "100%%");
	CHECK("%d", "%%d");
}

static void test_signed(void **state)
{
	(void)state;
	CHECK("0", "%d", 0);
	CHECK("42 -42", "%d %i", 42, -42);
	CHECK("2147483647", "%d", INT_MAX);
	CHECK("-2147483648", "%d", INT_MIN);
	CHECK("-1", "%ld", -1L);
	CHECK("9223372036854775807", "%lld", LLONG_MAX);
	CHECK("-9223372036854775808", "%lld", LLONG_MIN);
	CHECK("-9223372036854775808", "%ld", LONG_MIN);
	CHECK("-5", "%zd", (ssize_t)-5);
}

static void test_unsigned(void **state)
{
	(void)state;
	CHECK("4294967295", "%u", UINT_MAX);
	CHECK("18446744073709551615", "%llu", ULLONG_MAX);
	CHECK("18446744073709551615", "%lu", ULONG_MAX);
	CHECK("18446744073709551615", "%zu", SIZE_MAX);
	CHECK("10000000000000000000", "%llu", 10000000000000000000ULL);
	CHECK("deadbeef DEADBEEF", "%x %X", 0xdeadbeefU, 0xdeadbeefU);
	CHECK("0", "%x", 0U);
	CHECK("ffffffffffffffff", "%llx", ULLONG_MAX);
	CHECK("123456789ABCDEF0", "%lX", 0x123456789abcdef0UL);
	/* A negative int through %u/%x is its two's complement. */
	CHECK("4294967295 ffffffff", "%u %x", -1, -1);
}

/* hh and h truncate the promoted int argument. */
static void test_short_lengths(void **state)
{
	int big = 0x1ff, neg = 0x80, h = 0x18000;

	(void)state;
	CHECK("-1 255", "%hhd %hhu", big, big);
	CHECK("-128 80", "%hhd %hhx", neg, neg);
	CHECK("-32768 32768 8000", "%hd %hu %hx", h, h, h);
}

static void test_width_flags(void **state)
{
	const char *fmt;

	(void)state;
	CHECK("   42", "%5d", 42);
	CHECK("42   |", "%-5d|", 42);
	CHECK("00042", "%05d", 42);
	CHECK("-0042", "%05d", -42);	/* sign goes before the zeros */
	CHECK("  -42", "%5d", -42);
	CHECK("-42  |", "%-5d|", -42);
	CHECK("000000ff", "%08x", 255);
	CHECK("123456", "%3d", 123456);	/* width never truncates */
	CHECK("-2147483648", "%5d", INT_MIN);
	CHECK("    7", "%*d", 5, 7);
	CHECK("7    |", "%*d|", -5, 7);	/* negative '*' width: left */
	/* Formats gcc would warn about are passed as variables. */
	fmt = "%-05d|";
	CHECK("42   |", fmt, 42);		/* '-' beats '0' */
}

static void test_int_precision(void **state)
{
	const char *fmt = "%08.3d";

	(void)state;
	CHECK("007", "%.3d", 7);
	CHECK("-007", "%.3d", -7);
	CHECK(" -007", "%5.3d", -7);
	CHECK("", "%.0d", 0);		/* C: no digits for zero */
	CHECK("     ", "%5.0d", 0);
	CHECK("12345", "%.2d", 12345);
	CHECK("    -007", fmt, -7);	/* '0' ignored with precision */
}

static void test_strings(void **state)
{
	char raw[3] = { 'a', 'b', 'c' };	/* not NUL-terminated */
	const char *volatile nul = NULL;	/* hide NULL from gcc */

	(void)state;
	CHECK("abc", "%s", "abc");
	CHECK("  abc", "%5s", "abc");
	CHECK("abc  |", "%-5s|", "abc");
	CHECK("ab", "%.2s", "abcdef");
	CHECK("   ab", "%5.2s", "abcdef");
	CHECK("", "%.0s", "abc");
	CHECK("xy", "%.*s", 2, "xyz");
	CHECK("xyz", "%.*s", -1, "xyz");	/* negative: no precision */
	/* With a precision, %s must not read past it (valgrind checks). */
	CHECK("abc", "%.3s", raw);
	CHECK("(null)", "%s", nul);
}

static void test_chars(void **state)
{
	char b[8];

	(void)state;
	CHECK("x", "%c", 'x');
	CHECK("  x", "%3c", 'x');
	CHECK("x  |", "%-3c|", 'x');
	CHECK("\xff", "%c", 0xff);
	/* A NUL character counts in the returned length. */
	memset(b, '#', sizeof(b));
	assert_int_equal(snprintf(b, sizeof(b), "a%cb", 0), 3);
	assert_memory_equal(b, "a\0b\0#", 5);
}

static void test_pointers(void **state)
{
	(void)state;
	CHECK("0x1234", "%p", (void *)0x1234);
	CHECK("0x0", "%p", NULL);
	CHECK("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	CHECK("    0xab|", "%8p|", (void *)0xab);
	CHECK("0xab    |", "%-8p|", (void *)0xab);
}

static void test_truncation(void **state)
{
	char b[16];

	(void)state;
	/* size 0: nothing written, full length returned. */
	memset(b, '#', sizeof(b));
	assert_int_equal(snprintf(b, 0, "hello"), 5);
	assert_int_equal(b[0], '#');
	assert_int_equal(snprintf(NULL, 0, "%d-%s", -123, "xyz"), 8);

	/* size 1: only the NUL. */
	assert_int_equal(snprintf(b, 1, "hello"), 5);
	assert_int_equal(b[0], '\0');
	assert_int_equal(b[1], '#');

	/* Cut in the middle of a string, a number and padding. */
	memset(b, '#', sizeof(b));
	assert_int_equal(snprintf(b, 5, "hello world"), 11);
	assert_memory_equal(b, "hell\0#", 6);
	assert_int_equal(snprintf(b, 4, "%d", -123456), 7);
	assert_string_equal(b, "-12");
	assert_int_equal(snprintf(b, 6, "%10d", 1), 10);
	assert_string_equal(b, "     ");
	assert_int_equal(snprintf(b, sizeof(b), "%300d", 1), 300);
	assert_int_equal(strlen(b), sizeof(b) - 1);

	/* Exactly fitting output. */
	assert_int_equal(snprintf(b, 6, "hello"), 5);
	assert_string_equal(b, "hello");
}

static void test_odd_formats(void **state)
{
	const char *unknown = "a%qb", *trailing = "abc%", *lone = "%";

	(void)state;
	CHECK("a%qb", unknown);
	CHECK("abc", trailing);
	CHECK("", lone);
	CHECK("1 two 3", "%d %s %c", 1, "two", '3');
}

static int wrap_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vsnprintf(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(wrap_vsnprintf(b, sizeof(b), "%s=%llx;%d", "k",
					0x1122334455667788ULL, -9), 21);
	assert_string_equal(b, "k=1122334455667788;-9");
}

/* Independent reference: native 64-bit division on the host. */
static void ref_utoa(unsigned long long v, char *out)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*out++ = tmp[--n];
	*out = '\0';
}

static void check_u64(unsigned long long v)
{
	char want[24], got[24];

	ref_utoa(v, want);
	snprintf(got, sizeof(got), "%llu", v);
	assert_string_equal(got, want);
}

/*
 * The decimal conversion avoids 64-bit division (for 32-bit builds), so
 * sweep powers of two and ten, their neighbours, and pseudo-random values.
 */
static void test_decimal_sweep(void **state)
{
	unsigned long long p, x = 0x9e3779b97f4a7c15ULL;
	int i, d;

	(void)state;
	for (i = 0; i < 64; i++) {
		p = 1ULL << i;
		for (d = -1; d <= 1; d++)
			check_u64(p + d);
	}
	for (p = 1, i = 0; i < 20; i++, p *= 10) {
		for (d = -1; d <= 1; d++)
			check_u64(p + d);
		check_u64(p * 9 + 9);
	}
	check_u64(ULLONG_MAX);
	check_u64(ULLONG_MAX - 5);
	for (i = 0; i < 100000; i++) {
		/* xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check_u64(x);
		check_u64(x >> (i & 63));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_unsigned),
		cmocka_unit_test(test_short_lengths),
		cmocka_unit_test(test_width_flags),
		cmocka_unit_test(test_int_precision),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_chars),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_odd_formats),
		cmocka_unit_test(test_vsnprintf),
		cmocka_unit_test(test_decimal_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
