// SPDX-License-Identifier: GPL-2.0
/* Blob header validation (loader-lkm/blob.c): good blobs and every way to break one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "blob_fixture.h"
#include <xmhf/layout.h>

static unsigned char *blob;
static size_t blob_size;

static int setup(void **state)
{
	(void)state;
	blob = fixture_blob(&blob_size);
	return blob ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(blob);
	return 0;
}

static struct xmhf_blob_header *hdr(void)
{
	return (struct xmhf_blob_header *)blob;
}

static void test_crc32_check_value(void **state)
{
	(void)state;
	/* The standard CRC-32 check value. */
	assert_int_equal(xmhf_crc32("123456789", 9), 0xcbf43926u);
	assert_int_equal(xmhf_crc32("", 0), 0);
}

static void test_good_blob(void **state)
{
	(void)state;
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_OK);
	assert_int_equal(xmhf_blob_slb(blob)->entry, 8);
	assert_int_equal(xmhf_blob_rt(blob)->entry, FIX_RT_ENTRY);
}

static void test_null_and_short(void **state)
{
	(void)state;
	assert_int_equal(xmhf_blob_check(NULL, 100), XMHF_BLOB_E_SHORT);
	assert_int_equal(xmhf_blob_check(blob, 0), XMHF_BLOB_E_SHORT);
	assert_int_equal(xmhf_blob_check(blob, sizeof(struct xmhf_blob_header) - 1),
			 XMHF_BLOB_E_SHORT);
}

static void test_bad_magic(void **state)
{
	(void)state;
	blob[0] ^= 1;
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_MAGIC);
}

static void test_bad_format(void **state)
{
	(void)state;
	hdr()->fmt_major++;
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_FMT);
}

static void test_newer_minor_accepted(void **state)
{
	(void)state;
	hdr()->fmt_minor++;
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_OK);
}

static void test_bad_header_size(void **state)
{
	(void)state;
	hdr()->header_size = 8;
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_HDR_SIZE);
}

static void test_corrupt_header_crc(void **state)
{
	(void)state;
	hdr()->rt_entry++;	/* changed without resealing */
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_CRC);
}

static void test_truncated(void **state)
{
	(void)state;
	assert_int_equal(xmhf_blob_check(blob, blob_size - 1), XMHF_BLOB_E_TRUNCATED);
	assert_int_equal(xmhf_blob_check(blob, 0x1000), XMHF_BLOB_E_TRUNCATED);
}

static void test_trailing(void **state)
{
	unsigned char *big = calloc(1, blob_size + 1);

	(void)state;
	memcpy(big, blob, blob_size);
	assert_int_equal(xmhf_blob_check(big, blob_size + 1), XMHF_BLOB_E_TRAILING);
	free(big);
}

static void test_unknown_flags(void **state)
{
	(void)state;
	hdr()->flags = 0x80000000u;
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_FLAGS);
}

static void test_build_id(void **state)
{
	(void)state;
	memset(hdr()->build_id, 'A', sizeof(hdr()->build_id));
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_BUILD_ID);
	memset(hdr()->build_id, 0, sizeof(hdr()->build_id));
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_BUILD_ID);
}

static void test_reserved(void **state)
{
	(void)state;
	hdr()->reserved[31] = 1;
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_RESERVED);
}

static void test_sl_ranges(void **state)
{
	(void)state;
	hdr()->sl_offset = 0x1004;	/* unaligned */
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_SL_RANGE);

	hdr()->sl_offset = 0;		/* overlaps the header */
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_SL_RANGE);

	hdr()->sl_offset = 0x1000;
	hdr()->sl_size = 0xfffff000u;	/* offset + size wraps */
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_SL_RANGE);
}

static void test_sl_too_big(void **state)
{
	(void)state;
	/* 64 KiB minus the stack reserve is the limit; one more is refused. */
	hdr()->sl_size = 0x10000 - 0x2000 + 1;
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_SL_RANGE);
}

static void test_slb_header(void **state)
{
	struct xmhf_slb_header *slb = (void *)(blob + 0x1000);

	(void)state;
	slb->entry = slb->length;	/* entry outside measured part */
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_SLB_HEADER);
	slb->entry = 8;
	slb->length = FIX_SL_SIZE + 1;	/* measures past the SL */
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_SLB_HEADER);
	slb->length = 2;
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_SLB_HEADER);
}

static void test_rt_ranges(void **state)
{
	(void)state;
	hdr()->rt_offset = 0x1000;	/* overlaps the SL */
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_RT_RANGE);
	hdr()->rt_offset = 0x2000;
	hdr()->rt_entry = FIX_RT_SIZE;
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_RT_RANGE);
	hdr()->rt_entry = FIX_RT_ENTRY;
	hdr()->rt_mem_size = 0x400000;	/* larger than the runtime area */
	fixture_reseal(blob);
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_RT_RANGE);
}

static void test_rt_header_mismatch(void **state)
{
	struct xmhf_rt_header *rt = (void *)(blob + 0x2000);

	(void)state;
	rt->mem_size += 0x1000;
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_RT_HEADER);
	rt->mem_size -= 0x1000;
	rt->link_base = 0;
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_RT_HEADER);
	rt->link_base = XMHF_RT_VBASE;
	/* The exit page: none, or one whole page of the image past the header. */
	rt->exit_page = 0;
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_OK);
	rt->exit_page = 0x800;			/* not a page */
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_RT_HEADER);
	rt->exit_page = FIX_RT_SIZE;		/* past the image */
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_E_RT_HEADER);
	rt->exit_page = FIX_RT_SIZE - 0x1000;
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_OK);
}

/* Code integrity is the measurement's job: a changed code byte still loads. */
static void test_code_byte_change_loads(void **state)
{
	(void)state;
	blob[0x2000 + 0x100] ^= 0xff;
	blob[0x1000 + 0x100] ^= 0xff;
	assert_int_equal(xmhf_blob_check(blob, blob_size), XMHF_BLOB_OK);
}

static void test_strerror(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < XMHF_BLOB_E_COUNT; i++)
		assert_non_null(xmhf_blob_strerror(i));
	assert_string_equal(xmhf_blob_strerror(-1), "unknown blob error");
	assert_string_equal(xmhf_blob_strerror(XMHF_BLOB_E_COUNT), "unknown blob error");
	assert_non_null(strstr(xmhf_blob_strerror(XMHF_BLOB_E_TRUNCATED), "truncated"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_crc32_check_value), T(test_good_blob), T(test_null_and_short),
		T(test_bad_magic), T(test_bad_format), T(test_newer_minor_accepted),
		T(test_bad_header_size), T(test_corrupt_header_crc), T(test_truncated),
		T(test_trailing), T(test_unknown_flags), T(test_build_id),
		T(test_reserved), T(test_sl_ranges), T(test_sl_too_big),
		T(test_slb_header), T(test_rt_ranges), T(test_rt_header_mismatch),
		T(test_code_byte_change_loads), T(test_strerror),
	};

	return cmocka_run_group_tests_name("blob", tests, NULL, NULL);
}
