// SPDX-License-Identifier: GPL-2.0
/*
 * The load sequence (loader-lkm/loader.c) under fault injection: every
 * fallible platform call is failed in turn, and each time the load must
 * fail cleanly with nothing held.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_platform.h"
#include "blob_fixture.h"
#include "loader.h"
#include <xmhf/layout.h>

/* From hv/include/sl.h, whose u64 clashes with the loader's compat.h. */
int sl_params_check(const struct xmhf_sl_params *p, u64 sl_base);
#define SL_PARAMS_OK 0

static unsigned char *blob;
static size_t blob_size;
static struct xmhf_loader ld;
static const struct xmhf_load_opts opts = {
	.blob_name = "xmhf/xmhf.bin",
	.launch = XMHF_LAUNCH_NONE,
	.debug_port = 0xe9,
};

static int setup(void **state)
{
	(void)state;
	mock_reset(MOCK_AMD_FULL);
	blob = fixture_blob(&blob_size);
	mock.blob = blob;
	mock.blob_size = blob_size;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	xmhf_loader_unload(&ld);
	free(blob);
	return 0;
}

static void test_load_ok(void **state)
{
	struct xmhf_sl_params *p;
	const struct xmhf_blob_header *h = (const void *)blob;

	(void)state;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
	assert_int_equal(ld.state, XMHF_STATE_LOADED);
	assert_int_equal(mock.fw_held, 0);	/* blob released after copy */
	assert_int_equal(mock.mem_held, 1);
	assert_memory_equal(ld.mem + XMHF_SL_OFFSET, blob + h->sl_offset, h->sl_size);
	assert_memory_equal(ld.mem + XMHF_RT_OFFSET, blob + h->rt_offset, h->rt_size);
	assert_string_equal(ld.blob.build_id, "test-fixture");

	p = xmhf_loader_params(&ld);
	assert_int_equal(p->magic, XMHF_SLPB_MAGIC);
	assert_int_equal(p->size, sizeof(*p));
	assert_int_equal(p->hv_phys_base, mock.phys);
	assert_int_equal(p->hv_size, XMHF_MEM_SIZE);
	assert_int_equal(p->rt_entry, FIX_RT_ENTRY);
	assert_int_equal(p->rt_mem_size, FIX_RT_MEM);
	assert_int_equal(p->debug_port, 0xe9);
	assert_int_equal(p->num_ram, 1);

	xmhf_loader_unload(&ld);
	assert_int_equal(mock.mem_held, 0);
	assert_null(ld.mem);
}

static void test_every_fault_unwinds(void **state)
{
	int n, err;

	(void)state;
	for (n = 1;; n++) {
		mock.fail_at = n;
		mock.calls = 0;
		err = xmhf_loader_load(&ld, &mock_platform, &opts);
		if (mock.calls < n) {	/* no call left to fail: it loaded */
			assert_int_equal(err, 0);
			break;
		}
		assert_true(err < 0);
		assert_null(ld.mem);
		assert_int_equal(ld.state, 0);
		assert_int_equal(mock.fw_held, 0);
		assert_int_equal(mock.mem_held, 0);
		assert_true(mock.log_errors > 0);
		mock.log_errors = 0;
	}
	/* fw_get, mem_alloc and describe were each failed once. */
	assert_int_equal(n, 4);
}

static void test_bad_blob_rejected(void **state)
{
	(void)state;
	blob[0] ^= 0xff;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), -ENOEXEC);
	assert_non_null(strstr(mock.last_log, "bad magic"));
	assert_int_equal(mock.mem_held, 0);
	assert_int_equal(mock.fw_held, 0);
}

static void test_truncated_blob_rejected(void **state)
{
	(void)state;
	mock.blob_size -= 100;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), -ENOEXEC);
	assert_non_null(strstr(mock.last_log, "truncated"));
	assert_int_equal(mock.mem_held, 0);
}

static void test_no_svm_touches_nothing(void **state)
{
	(void)state;
	mock.cpu = MOCK_AMD_NO_SVM;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), -ENODEV);
	assert_int_equal(mock.calls, 0);	/* not even the blob was read */
}

static void test_unusable_memory(void **state)
{
	(void)state;
	mock.phys = 0x100000000ull;		/* above 4 GiB */
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), -ENOMEM);
	assert_int_equal(mock.mem_held, 0);
	mock.phys = 0x01c01000;			/* not 4 MiB aligned */
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), -ENOMEM);
	assert_int_equal(mock.mem_held, 0);
}

static void test_launch_kinds(void **state)
{
	struct xmhf_load_opts o = opts;
	enum xmhf_launch_kind k;

	(void)state;
	o.launch = XMHF_LAUNCH_SKINIT;		/* mock CPU has no SKINIT */
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &o), -ENODEV);
	assert_non_null(strstr(mock.last_log, "SKINIT"));
	o.launch = XMHF_LAUNCH_SENTER;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &o), -ENODEV);
	assert_int_equal(mock.calls, 0);

	assert_int_equal(xmhf_launch_parse("emulated", &k), 0);
	assert_int_equal(k, XMHF_LAUNCH_EMULATED);
	assert_int_equal(xmhf_launch_parse("auto", &k), 0);
	assert_int_equal(xmhf_launch_parse("bogus", &k), -EINVAL);
	assert_int_equal(xmhf_launch_parse("", &k), -EINVAL);
	assert_string_equal(xmhf_launch_name(XMHF_LAUNCH_SKINIT), "skinit");
	assert_string_equal(xmhf_launch_name(99), "unknown");
}

/* The block held the hypervisor's code: it is scrubbed before it goes back. */
static void test_unload_scrubs(void **state)
{
	(void)state;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
	assert_int_equal(xmhf_loader_params(&ld)->magic, XMHF_SLPB_MAGIC);
	xmhf_loader_unload(&ld);
	assert_null(ld.mem);
	assert_int_equal(mock.mem_held, 0);
	assert_false(mock.freed_dirty);
}

/* An error after the copy also scrubs: describe() is the last fallible call. */
static void test_failed_load_scrubs(void **state)
{
	(void)state;
	mock.fail_at = 3;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), -E2BIG);
	assert_int_equal(mock.mem_held, 0);
	assert_false(mock.freed_dirty);
}

/* auto: SKINIT needs both the instruction and a TPM; else emulated. */
static void test_launch_choice(void **state)
{
	struct xmhf_cpu_caps caps = { .skinit = true };
	struct xmhf_load_opts o = opts;

	(void)state;
	assert_int_equal(xmhf_launch_choose(XMHF_LAUNCH_AUTO, &caps, true), XMHF_LAUNCH_SKINIT);
	assert_int_equal(xmhf_launch_choose(XMHF_LAUNCH_AUTO, &caps, false), XMHF_LAUNCH_EMULATED);
	caps.skinit = false;
	assert_int_equal(xmhf_launch_choose(XMHF_LAUNCH_AUTO, &caps, true), XMHF_LAUNCH_EMULATED);
	assert_int_equal(xmhf_launch_choose(XMHF_LAUNCH_NONE, &caps, true), XMHF_LAUNCH_NONE);
	assert_int_equal(xmhf_launch_choose(XMHF_LAUNCH_EMULATED, &caps, true), XMHF_LAUNCH_EMULATED);

	/* Through the loader: the mock CPU has no SKINIT. */
	o.launch = XMHF_LAUNCH_AUTO;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &o), 0);
	assert_int_equal(ld.launch, XMHF_LAUNCH_EMULATED);
	assert_int_equal(xmhf_loader_params(&ld)->launch_kind, XMHF_LAUNCH_EMULATED);
	xmhf_loader_unload(&ld);

	mock.skinit = true;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &o), 0);
	assert_int_equal(ld.launch, XMHF_LAUNCH_SKINIT);
	xmhf_loader_unload(&ld);

	/* Explicit SKINIT without a TPM fails after describe(), nothing held. */
	mock.no_tpm = true;
	o.launch = XMHF_LAUNCH_SKINIT;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &o), -ENODEV);
	assert_non_null(strstr(mock.last_log, "launch=skinit: no TPM"));
	assert_int_equal(mock.mem_held, 0);
	assert_false(mock.freed_dirty);
}

static void test_skinit_preconditions(void **state)
{
	struct xmhf_cpu_caps caps = { .skinit = true };
	struct xmhf_slb_header slb = { .entry = 4, .length = 0x800 };
	struct xmhf_slb_header bad = { .entry = 0x800, .length = 0x800 };

	(void)state;
	assert_null(xmhf_skinit_check(&caps, 0x1c00000, &slb, true));
	assert_non_null(strstr(xmhf_skinit_check(&caps, 0x1c08000, &slb, true), "64 KiB aligned"));
	assert_non_null(strstr(xmhf_skinit_check(&caps, 0x100000000ull, &slb, true), "above 4 GiB"));
	/* The last 64 KiB below 4 GiB is still reachable. */
	assert_null(xmhf_skinit_check(&caps, 0xffff0000ull, &slb, true));
	assert_non_null(strstr(xmhf_skinit_check(&caps, 0x1c00000, &bad, true), "malformed"));
	assert_non_null(strstr(xmhf_skinit_check(&caps, 0x1c00000, &slb, false), "no TPM"));
	caps.skinit = false;
	assert_non_null(strstr(xmhf_skinit_check(&caps, 0x1c00000, &slb, true), "no SKINIT"));
}

/* More CPUs than fit: refused first, one line, nothing taken or changed. */
static void test_too_many_cpus(void **state)
{
	(void)state;
	mock.cpus = XMHF_CPUS_FIT + 1;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), -E2BIG);
	assert_int_equal(ld.state, 0);
	assert_null(ld.mem);
	assert_int_equal(mock.calls, 0);	/* no blob read, no allocation */
	assert_int_equal(mock.fw_held, 0);
	assert_int_equal(mock.mem_held, 0);
	assert_int_equal(mock.log_errors, 1);
	assert_int_equal(mock.log_lines, 1);
	assert_non_null(strstr(mock.last_log, "CPUs present"));
	/* The limit itself still loads. */
	xmhf_loader_unload(&ld);
	mock.cpus = XMHF_CPUS_FIT;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
}

static struct xmhf_sl_params map;

/* A server-sized map: 512 ranges, each a hole apart; the SL takes it. */
static void test_ram_512(void **state)
{
	u32 i;

	(void)state;
	memset(&map, 0, sizeof(map));
	for (i = 0; i < 512; i++)
		assert_int_equal(xmhf_ram_add(&map, (1ull << 32) + i * 0x200000ull,
					      0x100000), 0);
	assert_int_equal(map.num_ram, 512);
	assert_int_equal(map.ram[511].start, (1ull << 32) + 511 * 0x200000ull);
	/* One more range that does not touch the last is one too many. */
	assert_int_equal(xmhf_ram_add(&map, 1ull << 40, 0x1000), -E2BIG);
	assert_int_equal(map.num_ram, 512);
	/* One that touches it merges and still fits. */
	assert_int_equal(xmhf_ram_add(&map, map.ram[511].start + 0x100000, 0x1000), 0);
	assert_int_equal(map.ram[511].size, 0x101000);
}

/* Overlapping and touching ranges merge; a range going back is refused. */
static void test_ram_normalise(void **state)
{
	struct xmhf_sl_params *p;

	(void)state;
	memset(&map, 0, sizeof(map));
	assert_int_equal(xmhf_ram_add(&map, 0x100000, 0x100000), 0);
	assert_int_equal(xmhf_ram_add(&map, 0x180000, 0x100000), 0);	/* overlaps */
	assert_int_equal(xmhf_ram_add(&map, 0x280000, 0x80000), 0);	/* touches */
	assert_int_equal(xmhf_ram_add(&map, 0x200000, 0x1000), 0);	/* inside */
	assert_int_equal(xmhf_ram_add(&map, 0x400000, 0), 0);		/* empty */
	assert_int_equal(map.num_ram, 1);
	assert_int_equal(map.ram[0].start, 0x100000);
	assert_int_equal(map.ram[0].size, 0x200000);
	assert_int_equal(xmhf_ram_add(&map, 0x1000, 0x1000), -EINVAL);	/* unsorted */
	assert_int_equal(xmhf_ram_add(&map, ~0ull - 0xfff, 0x2000), -EINVAL); /* wraps */
	assert_int_equal(map.num_ram, 1);

	/* What the module hands over passes the SL's own check. */
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
	p = xmhf_loader_params(&ld);
	memcpy(p->ram, map.ram, sizeof(map.ram));
	p->num_ram = map.num_ram;
	p->launch_kind = XMHF_LAUNCH_EMULATED;
	p->phys_addr_bits = 40;
	assert_int_equal(sl_params_check(p, ld.mem_phys), SL_PARAMS_OK);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_load_ok), T(test_every_fault_unwinds), T(test_bad_blob_rejected),
		T(test_truncated_blob_rejected), T(test_no_svm_touches_nothing),
		T(test_unusable_memory), T(test_launch_kinds), T(test_unload_scrubs),
		T(test_failed_load_scrubs), T(test_launch_choice),
		T(test_skinit_preconditions), T(test_too_many_cpus),
		T(test_ram_512), T(test_ram_normalise),
	};

	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
