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
int sl_params_check(const struct xmhf_sl_params *p, u64 sl_base, u64 lapic_base);
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
	struct xmhf_load_opts o = opts;
	int n, err;

	(void)state;
	o.extra_blocks = 2;
	for (n = 1;; n++) {
		mock.fail_at = n;
		mock.calls = 0;
		err = xmhf_loader_load(&ld, &mock_platform, &o);
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
	/* fw_get, mem_alloc, describe and both extra blocks were each failed once. */
	assert_int_equal(n, 6);
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

/* More CPUs than supported: refused first, one line, nothing taken or changed. */
static void test_too_many_cpus(void **state)
{
	(void)state;
	mock.cpus = XMHF_SLPB_MAX_CPUS + 1;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), -E2BIG);
	assert_int_equal(ld.state, 0);
	assert_null(ld.mem);
	assert_int_equal(mock.calls, 0);	/* no blob read, no allocation */
	assert_int_equal(mock.fw_held, 0);
	assert_int_equal(mock.mem_held, 0);
	assert_int_equal(mock.log_errors, 1);
	assert_int_equal(mock.log_lines, 1);
	assert_non_null(strstr(mock.last_log, "CPUs present"));
	/* The limit itself still loads, with more heap. */
	xmhf_loader_unload(&ld);
	mock.cpus = XMHF_SLPB_MAX_CPUS;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
	assert_true(ld.num_blocks >= 3);
}

/* The heap the estimate asks for: none on a small machine, more with CPUs. */
static void test_blocks_sizing(void **state)
{
	struct xmhf_sl_params *p;
	u64 first = (XMHF_RT_MAX_SIZE - ((struct xmhf_blob_header *)blob)->rt_mem_size) / 4096;
	u32 i;

	(void)state;
	/* The figures layout.h states: 256 CPUs and 512 GiB in four blocks. */
	assert_int_equal(xmhf_heap_pages_needed(256, 512ull << 30), 255 * 12 + 512 * 2 + 2 * 4 + 192);
	assert_int_equal(xmhf_blocks_needed(xmhf_heap_pages_needed(256, 512ull << 30), 400), 4);
	assert_int_equal(xmhf_blocks_needed(100, 400), 0);
	assert_int_equal(xmhf_blocks_needed(401, 400), 1);
	assert_int_equal(xmhf_blocks_needed(400 + 1024, 400), 1);
	assert_int_equal(xmhf_blocks_needed(400 + 1025, 400), 2);
	/* Below 4 GiB of RAM the nested map still covers 4 GiB. */
	assert_int_equal(xmhf_heap_pages_needed(1, 1), xmhf_heap_pages_needed(1, 4ull << 30));

	/* The testbench: 2 CPUs, 1 GiB: the first block does. */
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
	assert_int_equal(ld.num_blocks, 0);
	assert_int_equal(xmhf_loader_params(&ld)->num_blocks, 0);
	xmhf_loader_unload(&ld);

	/* 64 CPUs and 600 GiB: blocks, sorted, 4 MiB aligned, in the params. */
	mock.cpus = 64;
	mock.ram_end = 600ull << 30;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
	p = xmhf_loader_params(&ld);
	assert_int_equal(ld.num_blocks,
			 xmhf_blocks_needed(xmhf_heap_pages_needed(64, 600ull << 30), first));
	assert_true(ld.num_blocks >= 1);
	assert_int_equal(p->num_blocks, ld.num_blocks);
	for (i = 0; i < ld.num_blocks; i++) {
		assert_int_equal(p->blocks[i], ld.blocks_phys[i]);
		assert_int_equal(p->blocks[i] % XMHF_MEM_SIZE, 0);
		if (i)
			assert_true(p->blocks[i] > p->blocks[i - 1]);
	}
	assert_int_equal(mock.mem_held, 1 + ld.num_blocks);
	xmhf_loader_unload(&ld);
	assert_int_equal(mock.mem_held, 0);
	assert_false(mock.freed_dirty);
}

/*
 * The IOMMU is taken at launch: the heap grows by its tables (a 2 MiB
 * device table does not fit the first block's heap), and by the virtual
 * IOMMU's shadows when Linux uses it.  No IOMMU: no change.
 */
static void test_blocks_iommu(void **state)
{
	(void)state;
	mock.iommu_base = 0;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
	assert_int_equal(ld.num_blocks, 0);
	xmhf_loader_unload(&ld);
	mock.iommu_base = 0xfed80000;
	mock.iommu_free = false;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
	assert_int_equal(ld.num_blocks, 1);
	xmhf_loader_unload(&ld);
	mock.iommu_free = true;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
	assert_int_equal(ld.num_blocks, 1);
	assert_int_equal(xmhf_loader_params(&ld)->iommu_base, 0xfed80000);
	xmhf_loader_unload(&ld);
	assert_int_equal(mock.mem_held, 0);
}

/* extra_blocks adds to the estimate; past the limit is refused whole. */
static void test_blocks_extra(void **state)
{
	struct xmhf_load_opts o = opts;

	(void)state;
	o.extra_blocks = 2;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &o), 0);
	assert_int_equal(ld.num_blocks, 2);
	/* After a launch the module says whether the hypervisor scrubbed them. */
	memset(ld.mem, 0, XMHF_MEM_SIZE);	/* as the hypervisor leaves it */
	ld.state = XMHF_STATE_LAUNCHED;
	memset(ld.blocks[1] + 0x3000, 0xa5, 64);	/* it left one page */
	xmhf_loader_unload(&ld);
	assert_non_null(strstr(mock.last_log, "left 1 pages of its 2 extra heap blocks unscrubbed"));
	assert_false(mock.freed_dirty);	/* scrubbed all the same */
	assert_int_equal(mock.mem_held, 0);
	o.extra_blocks = 2;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &o), 0);
	ld.state = XMHF_STATE_LAUNCHED;
	memset(ld.mem, 0, XMHF_MEM_SIZE);
	xmhf_loader_unload(&ld);
	assert_non_null(strstr(mock.last_log, "the hypervisor scrubbed its 2 extra heap blocks"));

	o.extra_blocks = XMHF_MAX_BLOCKS;
	mock.cpus = 64;			/* needs one of its own */
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &o), -E2BIG);
	assert_non_null(strstr(mock.last_log, "at most"));
	assert_int_equal(mock.mem_held, 0);
	assert_int_equal(ld.state, 0);
}

/*
 * The first block after a launch: all zero but the exit page, the SL's
 * page tables and the log ring, or the module says how much is left.
 */
static void test_block_scrub_report(void **state)
{
	u64 exit_off = XMHF_RT_OFFSET + FIX_RT_SIZE - 0x1000;
	u64 ring_off = XMHF_RT_OFFSET + FIX_RT_SIZE;

	(void)state;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
	ld.state = XMHF_STATE_LAUNCHED;
	memset(ld.mem, 0, XMHF_MEM_SIZE);
	ld.mem[XMHF_EARLY_OFFSET] = 1;				/* a page table */
	ld.mem[XMHF_EARLY_OFFSET + XMHF_EARLY_TABLES * 4096 - 1] = 1;	/* the last one */
	ld.mem[exit_off + 0xfff] = 1;
	ld.mem[ring_off] = 1;
	xmhf_loader_unload(&ld);
	assert_non_null(strstr(mock.last_log, "the hypervisor scrubbed its block"));

	/* Any other byte: the SL, its parameters, the image, bss, the heap. */
	static const u64 dirty[] = {
		0, XMHF_SLPB_OFFSET, XMHF_EARLY_OFFSET - 1,
		XMHF_EARLY_OFFSET + XMHF_EARLY_TABLES * 4096, XMHF_RT_OFFSET,
		XMHF_RT_OFFSET + 0x7000, XMHF_MEM_SIZE - 1,
	};
	for (unsigned int i = 0; i < sizeof(dirty) / sizeof(dirty[0]); i++) {
		assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &opts), 0);
		ld.state = XMHF_STATE_LAUNCHED;
		memset(ld.mem, 0, XMHF_MEM_SIZE);
		ld.mem[dirty[i]] = 1;
		xmhf_loader_unload(&ld);
		assert_non_null(strstr(mock.last_log, "left 1 pages of its block unscrubbed"));
	}
}

/* A block the allocator misplaced is refused, and nothing leaks. */
static void test_blocks_misaligned(void **state)
{
	struct xmhf_load_opts o = opts;

	(void)state;
	o.extra_blocks = 3;
	mock.any_phys = 0x200000000ull + 0x1000;
	assert_int_equal(xmhf_loader_load(&ld, &mock_platform, &o), -ENOMEM);
	assert_non_null(strstr(mock.last_log, "contiguous 4 MiB blocks"));
	assert_int_equal(mock.mem_held, 0);
	assert_null(ld.mem);
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
	/* RAM beyond the direct map's 32 TiB is refused, not cut. */
	memset(&map, 0, sizeof(map));
	assert_int_equal(xmhf_ram_add(&map, XMHF_SLPB_RAM_LIMIT - 0x1000, 0x1000), 0);
	assert_int_equal(xmhf_ram_add(&map, XMHF_SLPB_RAM_LIMIT, 0x1000), -E2BIG);
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
	assert_int_equal(sl_params_check(p, ld.mem_phys, 0xfee00000), SL_PARAMS_OK);
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
		T(test_blocks_sizing), T(test_blocks_extra), T(test_blocks_iommu), T(test_blocks_misaligned),
		T(test_block_scrub_report),
		T(test_ram_512), T(test_ram_normalise),
	};

	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
