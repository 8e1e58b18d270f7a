// SPDX-License-Identifier: GPL-2.0
/* Address translation for the runtime's own memory and its page heap. */
#include <core/mm.h>
#include <core/spinlock.h>
#include <lib/string.h>
#include <xmhf/layout.h>

extern u8 _rt_mem_end[];

static u64 hv_base;		/* physical start of the 4 MiB block */
static u8 *heap_next, *heap_end;
static spinlock_t heap_lock;

void mm_init(u64 hv_phys_base)
{
	hv_base = hv_phys_base;
	heap_next = (u8 *)ALIGN_UP((uintptr_t)_rt_mem_end, 4096);
	heap_end = (u8 *)(uintptr_t)(XMHF_RT_VBASE + XMHF_RT_MAX_SIZE);
}

/* The runtime's link range maps to base + XMHF_RT_OFFSET; below 4 GiB is 1:1. */
u64 hv_pa(const void *va)
{
	u64 v = (u64)(uintptr_t)va;

	if (v >= XMHF_RT_VBASE)
		return hv_base + XMHF_RT_OFFSET + (v - XMHF_RT_VBASE);
	return v;
}

void *hv_alloc_pages(unsigned int n)
{
	u8 *p;

	spin_lock(&heap_lock);
	p = heap_next;
	if (n == 0 || (u64)(heap_end - heap_next) < (u64)n * 4096) {
		spin_unlock(&heap_lock);
		return NULL;
	}
	heap_next += (u64)n * 4096;
	spin_unlock(&heap_lock);
	memset(p, 0, (size_t)n * 4096);
	return p;
}

bool hv_owns(u64 pa, u64 len)
{
	return pa < hv_base + XMHF_MEM_SIZE && pa + len > hv_base;
}

u64 hv_heap_used(void)
{
	return (u64)(heap_next - _rt_mem_end);
}

u64 hv_heap_free_pages(void)
{
	return (u64)(heap_end - heap_next) / 4096;
}
