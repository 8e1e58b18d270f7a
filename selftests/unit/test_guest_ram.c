// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM as the hypervisor reaches it for the guest (hv/core/guest_ram.c):
 * the RAM map the parameter block gave, minus the hypervisor's pages, the
 * hypapps', and the MMIO the hypervisor guards -- even when the block
 * (written by the untrusted module) calls that MMIO RAM.  The parts it
 * asks (direct map, NPT, hub, LAPIC, IOAPIC/HPET, PCI) are played here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <core/directmap.h>
#include <core/guest_ram.h>
#include <xmhf/layout.h>

#define HV	0x01000000ull	/* the hypervisor's block: 16-20 MiB */
#define ECAM	0xb0000000ull	/* 256 MiB */
#define TABLE	0xc0001000ull	/* an MSI-X table page (a BAR the guest put there) */
#define IOMMU	0xd0000000ull
#define HYPAPP	0x00200000ull	/* a page a hypapp protects */

static struct xmhf_sl_params p;

bool dmap_has(u64 pa, u64 len)
{
	return pa + len <= (8ull << 30);
}

bool hv_owns(u64 pa, u64 len)
{
	return pa < HV + XMHF_MEM_SIZE && pa + len > HV;
}

bool npt_protected(u64 gpa)
{
	return hv_owns(gpa & ~0xfffull, 0x1000);
}

bool hub_owns_page(u64 gpa)
{
	return (gpa & ~0xfffull) == HYPAPP;
}

u64 lapic_mmio_base(void)
{
	return 0xfee00000;
}

bool intr_mmio_page(u64 gpa)
{
	gpa &= ~0xfffull;
	return gpa == 0xfec00000 || gpa == 0xfed00000;
}

bool pci_ecam_overlaps(u64 start, u64 len)
{
	return start < ECAM + (256ull << 20) && start + len > ECAM;
}

bool ioports_mmio_page(u64 gpa)
{
	return (gpa & ~0xfffull) == 0xfed80000ull;
}

bool pci_mmio_owns(u64 gpa)
{
	return pci_ecam_overlaps(gpa, 1) || (gpa & ~0xfffull) == TABLE;
}

/* The block a hostile module could write: all of the low 8 GiB is "RAM". */
static int setup(void **state)
{
	(void)state;
	memset(&p, 0, sizeof(p));
	p.num_ram = 1;
	p.ram[0].start = 0;
	p.ram[0].size = 8ull << 30;
	p.iommu_base = IOMMU;
	return 0;
}

static bool maps(u64 gpa, u64 len)
{
	void *va = guest_ram_map(&p, gpa, len);

	if (va)
		assert_ptr_equal(va, dmap_va(gpa));
	return va != NULL;
}

static void test_plain_ram(void **state)
{
	(void)state;
	assert_true(maps(0x100000, 8));
	assert_true(maps(0x100ff8, 8));
	assert_true(maps(0x1fffff000ull, 0x1000));
	assert_false(maps(0x200000000ull, 8));
	/* Outside every RAM range, or the direct map, or wrapping: no. */
	p.ram[0].size = 4ull << 30;
	assert_false(maps(0x100000000ull, 8));
	assert_false(maps(~0ull - 3, 8));
	assert_false(maps(0x1000, 0));
}

static void test_hypervisor_and_hypapps(void **state)
{
	(void)state;
	assert_false(maps(HV, 8));
	assert_false(maps(HV - 4, 8));
	assert_false(maps(HYPAPP + 0x800, 8));
	assert_false(maps(HYPAPP - 0x800, 0x1000));	/* its last half lies in it */
	assert_true(maps(HYPAPP - 0x1000, 0x1000));
}

/* Each kind of guarded MMIO, first and last byte of its page. */
static void test_guarded_mmio(void **state)
{
	static const u64 pages[] = {
		0xfee00000, 0xfec00000, 0xfed00000,	/* LAPIC, IOAPIC, HPET */
		ECAM, ECAM + (256ull << 20) - 0x1000,	/* ECAM */
		TABLE,					/* an MSI-X table */
		IOMMU, IOMMU + XMHF_IOMMU_MMIO_SIZE - 0x1000,
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		assert_true(guest_ram_guarded_mmio(&p, pages[i]));
		assert_false(maps(pages[i], 8));
		assert_false(maps(pages[i] + 0xff8, 8));
	}
	/* The pages next to them are plain RAM here. */
	assert_true(maps(TABLE + 0x1000, 8));
	assert_true(maps(TABLE - 8, 8));
	assert_true(maps(IOMMU + XMHF_IOMMU_MMIO_SIZE, 8));
	assert_true(maps(ECAM - 8, 8));
	/* No IOMMU: its range is nothing special. */
	p.iommu_base = 0;
	assert_true(maps(IOMMU, 8));
	assert_true(maps(0, 8));
}

/* At launch: no RAM range, no heap block over ECAM. */
static void test_launch_check(void **state)
{
	(void)state;
	assert_int_equal(guest_ram_launch_check(&p), -1);
	p.ram[0].size = ECAM;
	p.num_ram = 2;
	p.ram[1].start = ECAM + (256ull << 20);
	p.ram[1].size = 1ull << 30;
	assert_int_equal(guest_ram_launch_check(&p), 0);
	p.num_blocks = 2;
	p.blocks[0] = 0x02000000;
	p.blocks[1] = ECAM + (128ull << 20);
	assert_int_equal(guest_ram_launch_check(&p), -1);
	p.blocks[1] = ECAM - XMHF_MEM_SIZE;
	assert_int_equal(guest_ram_launch_check(&p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_plain_ram, setup),
		cmocka_unit_test_setup(test_hypervisor_and_hypapps, setup),
		cmocka_unit_test_setup(test_guarded_mmio, setup),
		cmocka_unit_test_setup(test_launch_check, setup),
	};

	return cmocka_run_group_tests_name("guest_ram", tests, NULL, NULL);
}
