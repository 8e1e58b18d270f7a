/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime's direct map of all RAM: physical address pa is at
 * DMAP_BASE + pa, for every RAM range the SL validated, in 1 GiB pages
 * where the CPU has them and 2 MiB pages otherwise.  Built once at launch
 * (docs/design-notes.md, "Reaching guest memory").
 */
#ifndef XMHF_CORE_DIRECTMAP_H
#define XMHF_CORE_DIRECTMAP_H

#include <types.h>
#include <xmhf/slparams.h>

/* PML4 slot 384 (4-level) or PML5 511/PML4 384 (5-level): 32 TiB of room. */
#define DMAP_BASE	0xffffc00000000000ull
#define DMAP_SIZE	(1ull << 45)

int dmap_init(const struct xmhf_sl_params *p, bool la57);	/* and the extra heap */
bool dmap_has(u64 pa, u64 len);		/* inside what dmap_init mapped */
u64 dmap_table_pages(void);

static inline void *dmap_va(u64 pa)
{
	return (void *)(uintptr_t)(DMAP_BASE + pa);
}

#endif /* XMHF_CORE_DIRECTMAP_H */
