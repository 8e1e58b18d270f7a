/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime's memory: its own 2 MiB at XMHF_RT_VBASE, physical memory
 * below 4 GiB mapped 1:1 by the SL's tables (MMIO, the block itself), all
 * RAM in the direct map (core/directmap.h), and a page heap after bss.
 */
#ifndef XMHF_CORE_MM_H
#define XMHF_CORE_MM_H

#include <types.h>

void mm_init(u64 hv_phys_base);
u64 hv_pa(const void *va);
void *hv_alloc_pages(unsigned int n);	/* zeroed; NULL when exhausted */
bool hv_owns(u64 pa, u64 len);		/* overlaps the hypervisor's block */
u64 hv_heap_used(void);
u64 hv_heap_free_pages(void);

#endif /* XMHF_CORE_MM_H */
