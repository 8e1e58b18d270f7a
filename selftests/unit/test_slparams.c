// SPDX-License-Identifier: GPL-2.0
/* The SL's check of its untrusted parameter block (hv/sl/params.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <sl.h>
#include <xmhf/layout.h>

#define BASE 0x01c00000ull

static struct xmhf_sl_params p;

static int setup(void **state)
{
	(void)state;
	memset(&p, 0, sizeof(p));
	p.magic = XMHF_SLPB_MAGIC;
	p.version = XMHF_SLPB_VERSION;
	p.size = sizeof(p);
	p.launch_kind = XMHF_LAUNCH_EMULATED;
	p.hv_phys_base = BASE;
	p.hv_size = XMHF_MEM_SIZE;
	p.rt_entry = 0x40;
	p.rt_mem_size = 0x20000;
	p.num_ram = 2;
	p.ram[0].start = 0;
	p.ram[0].size = 0x9f000;
	p.ram[1].start = 0x100000;
	p.ram[1].size = 0x3ff00000;
	p.num_cpus = 2;
	p.phys_addr_bits = 40;
	p.tpm_base = 0xfed40000;
	p.iommu_base = 0xfeb00000;
	p.debug_port = 0xe9;
	return 0;
}

#define LAPIC 0xfee00000ull
#define CHECK(expect) assert_int_equal(sl_params_check(&p, BASE, LAPIC), (expect))

static void test_good(void **state)
{
	(void)state;
	CHECK(SL_PARAMS_OK);
	p.launch_kind = XMHF_LAUNCH_SKINIT;
	p.tpm_base = 0;
	p.iommu_base = 0;
	p.debug_port = 0;
	CHECK(SL_PARAMS_OK);
}

static void test_header(void **state)
{
	(void)state;
	p.magic++;
	CHECK(SL_PARAMS_E_HEADER);
	setup(NULL);
	p.version = XMHF_SLPB_VERSION + 1;
	CHECK(SL_PARAMS_E_HEADER);
	setup(NULL);
	p.version = 1;			/* an older module's 32-range block */
	CHECK(SL_PARAMS_E_HEADER);
	setup(NULL);
	p.size--;
	CHECK(SL_PARAMS_E_HEADER);
	setup(NULL);
	p.flags = XMHF_SLPB_F_TEST_ABORT;
	CHECK(SL_PARAMS_OK);
	p.flags = 1u << 31;		/* unknown flag */
	CHECK(SL_PARAMS_E_HEADER);
}

/* The base the CPU gave in EAX wins over the block's claim. */
static void test_base(void **state)
{
	(void)state;
	assert_int_equal(sl_params_check(&p, BASE + 0x400000, LAPIC), SL_PARAMS_E_BASE);
	p.hv_size = 2 * XMHF_MEM_SIZE;
	CHECK(SL_PARAMS_E_BASE);
}

static void test_launch(void **state)
{
	(void)state;
	p.launch_kind = XMHF_LAUNCH_NONE;
	CHECK(SL_PARAMS_E_LAUNCH);
	p.launch_kind = XMHF_LAUNCH_SENTER;
	CHECK(SL_PARAMS_E_LAUNCH);
	p.launch_kind = 0xffffffffu;
	CHECK(SL_PARAMS_E_LAUNCH);
}

static void test_runtime(void **state)
{
	(void)state;
	p.rt_mem_size = XMHF_RT_MAX_SIZE + 0x1000;
	CHECK(SL_PARAMS_E_RUNTIME);
	setup(NULL);
	p.rt_mem_size = 0x20001;
	CHECK(SL_PARAMS_E_RUNTIME);
	setup(NULL);
	p.rt_entry = p.rt_mem_size;
	CHECK(SL_PARAMS_E_RUNTIME);
	setup(NULL);
	p.rt_mem_size = 0;
	CHECK(SL_PARAMS_E_RUNTIME);
}

static void test_ram(void **state)
{
	(void)state;
	p.num_ram = 0;
	CHECK(SL_PARAMS_E_RAM);
	p.num_ram = XMHF_SLPB_MAX_RAM + 1;
	CHECK(SL_PARAMS_E_RAM);
	setup(NULL);
	p.ram[1].start = 0xfffffffffffff000ull;	/* wraps */
	p.ram[1].size = 0x2000;
	CHECK(SL_PARAMS_E_RAM);
	setup(NULL);
	p.ram[1].size = 1ull << 40;		/* past the physical address width */
	CHECK(SL_PARAMS_E_RAM);
	setup(NULL);
	p.ram[0].size = 0;
	CHECK(SL_PARAMS_E_RAM);
	setup(NULL);
	p.phys_addr_bits = 64;			/* would make the shifts undefined */
	CHECK(SL_PARAMS_E_RAM);
	setup(NULL);
	p.ram[1].start = 0xfed00000;		/* "RAM" over the TPM window */
	p.ram[1].size = 0x100000;
	CHECK(SL_PARAMS_E_RAM);
}

/* "RAM" over MMIO the hypervisor guards or emulates, and its bound. */
static void test_ram_mmio(void **state)
{
	static const u64 mmio[] = {
		0xfec00000,	/* IOAPIC */
		0xfed00000,	/* HPET */
		0xfed40000,	/* TPM */
		0xfee00000,	/* LAPIC */
		0xfffff000,	/* the firmware's last page */
	};
	u32 i;

	(void)state;
	for (i = 0; i < sizeof(mmio) / sizeof(mmio[0]); i++) {
		setup(NULL);
		p.ram[1].start = mmio[i];
		p.ram[1].size = 0x1000;
		CHECK(SL_PARAMS_E_RAM);
	}
	/* Just below the fixed window is fine. */
	setup(NULL);
	p.ram[1].start = 0x100000;
	p.ram[1].size = 0xfec00000 - 0x100000;
	p.iommu_base = 0;
	CHECK(SL_PARAMS_OK);
	/* The LAPIC where this CPU has it, even if moved into "RAM". */
	setup(NULL);
	assert_int_equal(sl_params_check(&p, BASE, 0x20000000), SL_PARAMS_E_RAM);
	assert_int_equal(sl_params_check(&p, BASE, 0x40000000), SL_PARAMS_OK);
	/* The IOMMU's registers, with the extended ones (512 KiB). */
	setup(NULL);
	p.iommu_base = 0x30000000;
	CHECK(SL_PARAMS_E_RAM);
	p.iommu_base = 0x40000000 - XMHF_IOMMU_MMIO_SIZE + 0x1000;
	CHECK(SL_PARAMS_E_RAM);
	p.iommu_base = 0x40000000;		/* right after RAM */
	CHECK(SL_PARAMS_OK);
	/* RAM ends within the direct map's 32 TiB, whatever the CPU's width. */
	setup(NULL);
	p.phys_addr_bits = 52;
	p.num_ram = 3;
	p.ram[2].start = 1ull << 32;
	p.ram[2].size = XMHF_SLPB_RAM_LIMIT - (1ull << 32);
	CHECK(SL_PARAMS_OK);
	p.ram[2].size += 0x1000;
	CHECK(SL_PARAMS_E_RAM);
}

/* A server-sized map: 512 ranges of 1 MiB with 1 MiB holes, from 4 GiB. */
static void fill_512(void)
{
	u32 i;

	p.num_ram = XMHF_SLPB_MAX_RAM;
	for (i = 0; i < p.num_ram; i++) {
		p.ram[i].start = (1ull << 32) + (u64)i * 0x200000;
		p.ram[i].size = 0x100000;
	}
}

static void test_ram_512(void **state)
{
	(void)state;
	assert_int_equal(XMHF_SLPB_MAX_RAM, 512);
	fill_512();
	CHECK(SL_PARAMS_OK);
	/* The last entry is read too: a bad one there is caught. */
	p.ram[511].size = 0;
	CHECK(SL_PARAMS_E_RAM);
	fill_512();
	p.ram[511].size = 0x200000;		/* adjacent ranges are fine */
	p.ram[510].size = 0x200000;
	CHECK(SL_PARAMS_OK);
}

static void test_ram_unsorted(void **state)
{
	(void)state;
	p.ram[0] = (struct xmhf_mem_range){ 0x100000, 0x3ff00000 };
	p.ram[1] = (struct xmhf_mem_range){ 0, 0x9f000 };
	CHECK(SL_PARAMS_E_RAM_UNSORTED);
	fill_512();
	p.ram[300].start = p.ram[100].start;	/* goes back, deep in the map */
	CHECK(SL_PARAMS_E_RAM_UNSORTED);
	assert_string_equal(sl_params_strerror(SL_PARAMS_E_RAM_UNSORTED),
			    "RAM map not sorted by address");
}

static void test_ram_overlap(void **state)
{
	(void)state;
	p.ram[0].size = 0x100001;		/* one byte into ram[1] */
	CHECK(SL_PARAMS_E_RAM_OVERLAP);
	fill_512();
	p.ram[400].size = 0x200001;
	CHECK(SL_PARAMS_E_RAM_OVERLAP);
	fill_512();
	p.ram[7].start = p.ram[6].start;	/* a duplicate */
	CHECK(SL_PARAMS_E_RAM_OVERLAP);
	assert_string_equal(sl_params_strerror(SL_PARAMS_E_RAM_OVERLAP),
			    "RAM map has overlapping ranges");
}

static void test_cpus(void **state)
{
	(void)state;
	p.num_cpus = 0;
	CHECK(SL_PARAMS_E_CPUS);
	p.num_cpus = XMHF_SLPB_MAX_CPUS + 1;
	CHECK(SL_PARAMS_E_CPUS);
	p.num_cpus = 256;
	assert_int_equal(XMHF_SLPB_MAX_CPUS, 256);
	p.cpus_online[3] = 1ull << 63;		/* CPU 255 */
	CHECK(SL_PARAMS_OK);
	p.num_cpus = 255;			/* now the bit names no CPU */
	CHECK(SL_PARAMS_E_CPUS);
}

static void test_block_size(void **state)
{
	(void)state;
	/* The early area (SL page tables) starts right after the block. */
	assert_true(sizeof(p) <= XMHF_SLPB_SIZE);
	assert_int_equal(XMHF_EARLY_OFFSET, XMHF_SLPB_OFFSET + XMHF_SLPB_SIZE);
}

static void test_devices(void **state)
{
	(void)state;
	p.debug_port = 0xcf8;			/* PCI config: not a log port */
	CHECK(SL_PARAMS_E_DEVICES);
	setup(NULL);
	p.tpm_base = 0xfed41000;
	CHECK(SL_PARAMS_E_DEVICES);
	setup(NULL);
	p.iommu_base = BASE + 0x1000;		/* inside the hypervisor... */
	CHECK(SL_PARAMS_E_RAM);			/* ...which is RAM: refused as such */
	p.ram[1].size = BASE - 0x100000;	/* the block outside the map */
	CHECK(SL_PARAMS_E_DEVICES);
	setup(NULL);
	p.iommu_base = 0xfeb00010;		/* unaligned */
	CHECK(SL_PARAMS_E_DEVICES);
}

/* Extra heap blocks: aligned, in RAM, sorted, apart from all else. */
static void test_heap_blocks(void **state)
{
	(void)state;
	p.num_blocks = 2;
	p.blocks[0] = 0x08000000;
	p.blocks[1] = 0x3fc00000;	/* the last 4 MiB of RAM */
	CHECK(SL_PARAMS_OK);
	p.num_blocks = XMHF_MAX_BLOCKS + 1;
	CHECK(SL_PARAMS_E_BLOCKS);
	p.num_blocks = 2;
	p.blocks[1] = 0x3fe00000;	/* 2 MiB aligned only */
	CHECK(SL_PARAMS_E_BLOCKS);
	p.blocks[1] = 0x40000000;	/* past the end of RAM */
	CHECK(SL_PARAMS_E_BLOCKS);
	p.blocks[1] = 0;		/* straddles the hole at 0x9f000 */
	CHECK(SL_PARAMS_E_BLOCKS);
	p.blocks[1] = 0x08000000;	/* twice the same */
	CHECK(SL_PARAMS_E_BLOCKS);
	p.blocks[1] = 0x04000000;	/* below the one before */
	CHECK(SL_PARAMS_E_BLOCKS);
	p.blocks[1] = BASE;		/* the first block again */
	CHECK(SL_PARAMS_E_BLOCKS);
	p.blocks[1] = 0x3fc00000;
	p.iommu_base = 0x3fc01000;	/* the IOMMU "inside" a block, */
	CHECK(SL_PARAMS_E_RAM);		/* which is RAM: refused as such */
	p.iommu_base = 0xfeb00000;
	p.reserved = 1;
	CHECK(SL_PARAMS_E_BLOCKS);
	p.reserved = 0;
	/* Unused slots are not looked at. */
	p.num_blocks = 1;
	p.blocks[1] = 0x1234;
	CHECK(SL_PARAMS_OK);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(sl_params_strerror(SL_PARAMS_E_RAM), "bad RAM map");
	assert_string_equal(sl_params_strerror(-1), "unknown error");
	assert_string_equal(sl_params_strerror(SL_PARAMS_E_COUNT), "unknown error");
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_good), T(test_header), T(test_base), T(test_launch),
		T(test_runtime), T(test_ram), T(test_ram_mmio), T(test_ram_512),
		T(test_ram_unsorted), T(test_ram_overlap), T(test_cpus),
		T(test_block_size), T(test_devices), T(test_heap_blocks),
		T(test_strerror),
	};

	return cmocka_run_group_tests_name("sl_params", tests, NULL, NULL);
}
