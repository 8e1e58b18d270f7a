// SPDX-License-Identifier: GPL-2.0
/*
 * Address translation for the runtime's own memory, and its page heap:
 * the first block's pages after bss, then the extra 4 MiB blocks the
 * module passed (uapi/xmhf/layout.h), reached through the direct map.
 */
#include <core/directmap.h>
#include <core/mm.h>
#include <core/spinlock.h>
#include <lib/string.h>
#include <xmhf/layout.h>

extern u8 _rt_mem_end[];

struct heap_part {
	u8 *next, *end;
	u64 start_pa;		/* the block's base (the first: its heap's) */
};

static u64 hv_base;		/* physical start of the first block */
/* [0] is the first block's heap; the extra blocks follow, in order. */
static struct heap_part parts[1 + XMHF_MAX_BLOCKS];
static unsigned int nparts;
static spinlock_t heap_lock;

void mm_init(u64 hv_phys_base)
{
	hv_base = hv_phys_base;
	parts[0].next = (u8 *)ALIGN_UP((uintptr_t)_rt_mem_end, 4096);
	parts[0].end = (u8 *)(uintptr_t)(XMHF_RT_VBASE + XMHF_RT_MAX_SIZE);
	parts[0].start_pa = hv_pa(parts[0].next);
	nparts = 1;
}

/* Needs the block in the direct map already (core/directmap.c). */
void mm_add_block(u64 pa)
{
	struct heap_part *h = &parts[nparts];

	h->next = dmap_va(pa);
	h->end = h->next + XMHF_MEM_SIZE;
	h->start_pa = pa;
	__atomic_store_n(&nparts, nparts + 1, __ATOMIC_RELEASE);
}

/*
 * The runtime's link range maps to base + XMHF_RT_OFFSET, the direct map
 * to all RAM; the rest (the SL's map below 4 GiB) is 1:1.
 */
u64 hv_pa(const void *va)
{
	u64 v = (u64)(uintptr_t)va;

	if (v >= XMHF_RT_VBASE)
		return hv_base + XMHF_RT_OFFSET + (v - XMHF_RT_VBASE);
	if (v >= DMAP_BASE && v - DMAP_BASE < DMAP_SIZE)
		return v - DMAP_BASE;
	return v;
}

/*
 * The inverse, for pages the runtime owns (page-table walks): its image
 * and first heap, then the SL's 1:1 map below 4 GiB, then the direct
 * map, which has every extra block before it has anything else.
 */
void *hv_va(u64 pa)
{
	if (pa - (hv_base + XMHF_RT_OFFSET) < XMHF_RT_MAX_SIZE)
		return (void *)(uintptr_t)(XMHF_RT_VBASE + (pa - hv_base - XMHF_RT_OFFSET));
	if (pa < (1ull << 32))
		return (void *)(uintptr_t)pa;
	return dmap_va(pa);
}

/*
 * The extra blocks first: they exist only when the first block's heap
 * would not do, and so every launch that has them uses them.
 */
void *hv_alloc_pages(unsigned int n)
{
	u64 bytes = (u64)n * 4096;
	unsigned int i;
	u8 *p = NULL;

	if (n == 0)
		return NULL;
	spin_lock(&heap_lock);
	for (i = 1; i <= nparts && !p; i++) {
		struct heap_part *h = &parts[i % nparts];

		if ((u64)(h->end - h->next) >= bytes) {
			p = h->next;
			h->next += bytes;
		}
	}
	spin_unlock(&heap_lock);
	if (p)
		memset(p, 0, bytes);
	return p;
}

/* Blocks the hypervisor owns outside the heap (the IOMMU's, arch/dma.h). */
static u64 own_blocks[XMHF_MAX_BLOCKS];
static unsigned int nown;

void mm_own_block(u64 pa)
{
	if (nown < XMHF_MAX_BLOCKS)
		own_blocks[nown++] = pa;
}

bool hv_owns(u64 pa, u64 len)
{
	unsigned int i;

	if (pa < hv_base + XMHF_MEM_SIZE && pa + len > hv_base)
		return true;
	for (i = 0; i < nown; i++)
		if (pa < own_blocks[i] + XMHF_MEM_SIZE && pa + len > own_blocks[i])
			return true;
	for (i = 1; i < __atomic_load_n(&nparts, __ATOMIC_ACQUIRE); i++)
		if (pa < parts[i].start_pa + XMHF_MEM_SIZE && pa + len > parts[i].start_pa)
			return true;
	return false;
}

/* Pages handed out of the first block's heap. */
u64 hv_heap_used(void)
{
	return (u64)(parts[0].next - (u8 *)ALIGN_UP((uintptr_t)_rt_mem_end, 4096));
}

u64 hv_heap_free_pages(void)
{
	u64 free = 0;
	unsigned int i;

	for (i = 0; i < nparts; i++)
		free += (u64)(parts[i].end - parts[i].next) / 4096;
	return free;
}

u64 hv_heap_pages(void)
{
	return (u64)(parts[0].end - (u8 *)ALIGN_UP((uintptr_t)_rt_mem_end, 4096)) / 4096 +
	       (u64)(nparts - 1) * (XMHF_MEM_SIZE / 4096);
}

unsigned int hv_blocks(void)
{
	return nparts - 1 + nown;
}

/* Unload: the extra blocks hold secrets too (stacks, VMCBs, tables). */
void hv_scrub_blocks(void)
{
	hv_scrub_blocks_except(0, 0);
}

void hv_scrub_blocks_except(u64 pa, u64 len)
{
	unsigned int i;
	u64 b, lo, hi;

	for (i = 1; i < nparts + nown; i++) {
		b = i < nparts ? parts[i].start_pa : own_blocks[i - nparts];
		lo = pa > b ? pa : b;
		hi = pa + len < b + XMHF_MEM_SIZE ? pa + len : b + XMHF_MEM_SIZE;
		if (!len || lo >= hi) {
			memset(dmap_va(b), 0, XMHF_MEM_SIZE);
			continue;
		}
		memset(dmap_va(b), 0, lo - b);
		memset(dmap_va(hi), 0, b + XMHF_MEM_SIZE - hi);
	}
}
