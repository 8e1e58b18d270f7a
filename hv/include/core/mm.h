/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime's memory: its own 2 MiB at XMHF_RT_VBASE, physical memory
 * below 4 GiB mapped 1:1 by the SL's tables (MMIO, the block itself), all
 * RAM in the direct map (core/directmap.h), and a page heap: the first
 * block's pages after bss and the extra blocks (core/mm.c).
 */
#ifndef XMHF_CORE_MM_H
#define XMHF_CORE_MM_H

#include <types.h>

void mm_init(u64 hv_phys_base);
void mm_add_block(u64 pa);		/* an extra 4 MiB block, in the direct map */
void mm_own_block(u64 pa);		/* one outside the heap: owned, scrubbed */
u64 hv_pa(const void *va);
void *hv_va(u64 pa);			/* of a page the runtime owns */
void *hv_alloc_pages(unsigned int n);	/* zeroed; NULL when exhausted */
bool hv_owns(u64 pa, u64 len);		/* overlaps one of the hypervisor's blocks */
u64 hv_heap_used(void);			/* bytes of the first block's heap */
u64 hv_heap_free_pages(void);		/* in every block */
u64 hv_heap_pages(void);		/* the whole heap */
unsigned int hv_blocks(void);		/* extra blocks */
void hv_scrub_blocks(void);
/* All but [pa, pa + len), which the unload scrubs last. */
void hv_scrub_blocks_except(u64 pa, u64 len);

#endif /* XMHF_CORE_MM_H */
