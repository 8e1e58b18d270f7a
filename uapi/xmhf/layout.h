/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Physical layout of the hypervisor's memory.  The module allocates one
 * naturally aligned 4 MiB block (a buddy order-10 block) below 4 GiB:
 *
 *   base + 0x000000  secure loader block, 64 KiB (SKINIT: 64 KiB aligned,
 *                    stack at the top, ESP = base + 64 KiB)
 *   base + 0x010000  SL parameter block, 16 KiB (512 RAM ranges, 256 CPUs),
 *                    written by the module, untrusted: the SL validates
 *                    every field
 *   base + 0x014000  early area: the runtime's page tables, built by the SL,
 *                    then the SL's IOMMU tables (until the runtime's own)
 *   base + 0x200000  runtime image, bss, then heap up to the end
 *
 * More 4 MiB blocks, heap only, follow when the machine needs them (below).
 */
#ifndef XMHF_UAPI_LAYOUT_H
#define XMHF_UAPI_LAYOUT_H

#define XMHF_MEM_ORDER		10
#define XMHF_MEM_SIZE		(0x1000 << XMHF_MEM_ORDER)	/* 4 MiB */

#define XMHF_SL_OFFSET		0x000000
#define XMHF_SL_MAX_SIZE	0x10000	/* 64 KiB: SKINIT's limit */
#define XMHF_SL_STACK_SIZE	0x2000	/* reserved at the SLB's top */
#define XMHF_SLPB_OFFSET	0x010000
#define XMHF_SLPB_SIZE		0x4000
#define XMHF_EARLY_OFFSET	(XMHF_SLPB_OFFSET + XMHF_SLPB_SIZE)
/* The SL's page tables, at the early area's start: at most this many pages. */
#define XMHF_EARLY_TABLES	10
/*
 * After them, the SL's IOMMU tables (docs/dma.md, "Launch order"): a
 * device table for 32768 DeviceIDs (1 MiB), its rings and the identity
 * table, up to the runtime.
 */
#define XMHF_EARLY_DMA_OFFSET	(XMHF_EARLY_OFFSET + XMHF_EARLY_TABLES * 0x1000)
#define XMHF_SL_DEVTAB_PAGES	256
#define XMHF_RT_OFFSET		0x200000
#define XMHF_RT_MAX_SIZE	(XMHF_MEM_SIZE - XMHF_RT_OFFSET)

/*
 * The heap grows with the machine: besides the first block's heap, the
 * module passes up to XMHF_MAX_BLOCKS more 4 MiB blocks (order 10, anywhere
 * in RAM), all heap.  It asks for as many as the estimate below says,
 * from what the hypervisor takes (hv/include/core/percpu.h asserts the
 * per-CPU figure):
 *   - each AP: 11 pages (host stack, IST stacks with GDT and TSS, VMCB and
 *     save areas) and its share of the vCPU table: 12 pages;
 *   - each GiB of guest-physical space: one 2 MiB-page table of the nested
 *     map and one of the direct map (1 GiB pages need none), and the upper
 *     levels' tables per 512 GiB;
 *   - a fixed reserve for the permission maps, 4 KiB splits of the nested
 *     map, lazily mapped MMIO and the hypapps.
 * 256 CPUs and 512 GiB come to 4.1k pages, about four blocks.
 */
#define XMHF_MAX_BLOCKS			32	/* extra blocks: 128 MiB */
#define XMHF_HEAP_PAGES_PER_AP		12
#define XMHF_HEAP_PAGES_PER_GIB		2
#define XMHF_HEAP_PAGES_PER_512GIB	4
#define XMHF_HEAP_PAGES_RESERVE		192
/*
 * With an AMD IOMMU (docs/dma.md) the loader adds one whole extra block for
 * the region the IOMMU reads, which the unload scrubs last: a device table
 * for every DeviceID (2 MiB), command ring, event log, completion word and
 * the identity table's pages; the release program's page; and when Linux
 * uses its IOMMU, the virtual IOMMU's shadow pool (XMHF_VIOMMU_POOL_PAGES),
 * remapping-table copies (32 of 8 KiB) and an empty table.  On top, in the
 * ordinary heap, the virtual IOMMU's indexes and lists.
 */
#define XMHF_HEAP_PAGES_IOMMU		(512 + 3 + 32 + 1)
#define XMHF_VIOMMU_POOL_PAGES		384
#define XMHF_VIOMMU_REGION_PAGES	(XMHF_VIOMMU_POOL_PAGES + 64 + 1)
#define XMHF_IOMMU_REGION_PAGES		(XMHF_HEAP_PAGES_IOMMU + 1 + XMHF_VIOMMU_REGION_PAGES)
#define XMHF_HEAP_PAGES_VIOMMU		(16 + 16 + 2 + 2 + 1 + 1)

#ifndef __ASSEMBLY__
/* Heap pages a machine needs: CPUs present, guest-physical end in bytes. */
static inline unsigned long long xmhf_heap_pages_needed(unsigned int cpus,
							unsigned long long phys_end)
{
	unsigned long long gib = (phys_end + (1ull << 30) - 1) >> 30;

	if (gib < 4)
		gib = 4;	/* the nested map always covers 4 GiB */
	return (unsigned long long)(cpus ? cpus - 1 : 0) * XMHF_HEAP_PAGES_PER_AP +
	       gib * XMHF_HEAP_PAGES_PER_GIB +
	       (gib / 512 + 1) * XMHF_HEAP_PAGES_PER_512GIB + XMHF_HEAP_PAGES_RESERVE;
}

/* Extra blocks for that need, given the first block's heap pages. */
static inline unsigned long long xmhf_blocks_needed(unsigned long long need,
						    unsigned long long first_heap)
{
	unsigned long long per = XMHF_MEM_SIZE / 0x1000;

	return need <= first_heap ? 0 : (need - first_heap + per - 1) / per;
}
#endif

/* Where the runtime is linked: the top 1 GiB, so -mcmodel=kernel works. */
#define XMHF_RT_VBASE		0xffffffffc0000000

#endif /* XMHF_UAPI_LAYOUT_H */
