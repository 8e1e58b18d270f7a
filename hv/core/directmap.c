// SPDX-License-Identifier: GPL-2.0
/*
 * The direct map of all RAM (core/directmap.h).  Its tables hang off the
 * runtime's own top-level table, which every CPU shares, and come from
 * the heap.  The extra heap blocks are mapped first, with tables from the
 * first block's heap; only then do they join the heap, so every table
 * on the way to them lies in the first block (the SL's 1:1 map reaches
 * it), and the blocks can be scrubbed through the map at unload.
 */
#include <arch/x86.h>
#include <arch/dma.h>
#include <core/directmap.h>
#include <core/log.h>
#include <core/mm.h>
#include <xmhf/layout.h>

#define PTE_P		(1ull << 0)
#define PTE_W		(1ull << 1)
#define PTE_PS		(1ull << 7)
#define PTE_ADDR	0x000ffffffffff000ull

#define SZ_2M		(1ull << 21)
#define SZ_1G		(1ull << 30)

static u64 dm_end;		/* everything mapped lies below it */
static u64 dm_pages;		/* tables allocated for the map */
static bool dm_la57;

static u64 *table_at(u64 entry)
{
	return hv_va(entry & PTE_ADDR);
}

/* The table an entry points to, allocated when the entry is empty. */
static u64 *next_table(u64 *entry)
{
	u64 *t;

	if (*entry & PTE_P)
		return table_at(*entry);
	t = hv_alloc_pages(1);
	if (!t)
		return NULL;
	dm_pages++;
	*entry = hv_pa(t) | PTE_P | PTE_W;
	return t;
}

/* The PDPTE that maps pa's 1 GiB of the direct map. */
static u64 *pdpte_of(u64 pa)
{
	u64 va = DMAP_BASE + pa, *t = table_at(read_cr3());

	if (dm_la57 && !(t = next_table(&t[(va >> 48) & 511])))
		return NULL;
	if (!(t = next_table(&t[(va >> 39) & 511])))
		return NULL;
	return &t[(va >> 30) & 511];
}

static int map_2m(u64 pa)
{
	u64 *e = pdpte_of(pa), *pd;

	if (!e)
		return -1;
	if (*e & PTE_PS)		/* inside a 1 GiB page already */
		return 0;
	if (!(pd = next_table(e)))
		return -1;
	pd[(pa >> 21) & 511] = pa | PTE_P | PTE_W | PTE_PS;
	return 0;
}

/* A 1 GiB page, or its 2 MiB pages when a neighbour range split it first. */
static int map_1g(u64 pa)
{
	u64 *e = pdpte_of(pa), off;

	if (!e)
		return -1;
	if (!(*e & PTE_P)) {
		*e = pa | PTE_P | PTE_W | PTE_PS;
		return 0;
	}
	for (off = 0; off < SZ_1G; off += SZ_2M)
		if (map_2m(pa + off))
			return -1;
	return 0;
}

/* One RAM range, widened to 2 MiB boundaries. */
static int map_range(u64 start, u64 end, bool gb)
{
	u64 pa = start & ~(SZ_2M - 1);

	end = ALIGN_UP(end, SZ_2M);
	while (pa < end) {
		if (gb && !(pa & (SZ_1G - 1)) && end - pa >= SZ_1G) {
			if (map_1g(pa))
				return -1;
			pa += SZ_1G;
		} else {
			if (map_2m(pa))
				return -1;
			pa += SZ_2M;
		}
	}
	if (end > dm_end)
		dm_end = end;
	return 0;
}

/* RAM past the window stays out (the SL checked for overflow). */
static int map_ram(const struct xmhf_mem_range *r, bool gb)
{
	u64 end = r->start + r->size;

	if (end > DMAP_SIZE) {
		hv_log("xmhf: RAM above %llu TiB is not reachable\n", DMAP_SIZE >> 40);
		end = DMAP_SIZE;
	}
	return r->start < end ? map_range(r->start, end, gb) : 0;
}

int dmap_init(const struct xmhf_sl_params *p, bool la57)
{
	bool gb = cpu_has_1g_pages();
	u32 i;

	dm_la57 = la57;
	for (i = 0; i < p->num_blocks; i++) {
		if (p->blocks[i] + XMHF_MEM_SIZE > DMAP_SIZE ||
		    map_range(p->blocks[i], p->blocks[i] + XMHF_MEM_SIZE, false))
			return -1;
	}
	/* The IOMMU's block is not heap: its tables live there alone. */
	for (i = 0; i < p->num_blocks; i++)
		if (p->blocks[i] == dma_block(p))
			mm_own_block(p->blocks[i]);
		else
			mm_add_block(p->blocks[i]);
	for (i = 0; i < p->num_ram; i++)
		if (map_ram(&p->ram[i], gb))
			return -1;
	hv_log("xmhf: direct map of RAM up to 0x%lx in %s pages, %lu table pages; %u extra heap blocks%s\n",
	       dm_end, gb ? "1 GiB" : "2 MiB", dm_pages, p->num_blocks - (dma_block(p) ? 1 : 0),
	       dma_block(p) ? " and the IOMMU's" : "");
	return 0;
}

bool dmap_has(u64 pa, u64 len)
{
	return pa + len >= pa && pa + len <= dm_end;
}

u64 dmap_table_pages(void)
{
	return dm_pages;
}
