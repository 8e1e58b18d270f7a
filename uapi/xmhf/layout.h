/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Physical layout of the hypervisor's memory.  The module allocates one
 * naturally aligned 4 MiB block (a buddy order-10 block) below 4 GiB:
 *
 *   base + 0x000000  secure loader block, 64 KiB (SKINIT: 64 KiB aligned,
 *                    stack at the top, ESP = base + 64 KiB)
 *   base + 0x010000  SL parameter block, 4 KiB, written by the module,
 *                    untrusted: the SL validates every field
 *   base + 0x011000  early area: the runtime's page tables, built by the SL
 *                    (the rest of it is unused)
 *   base + 0x200000  runtime image, bss, then heap up to the end
 */
#ifndef XMHF_UAPI_LAYOUT_H
#define XMHF_UAPI_LAYOUT_H

#define XMHF_MEM_ORDER		10
#define XMHF_MEM_SIZE		(0x1000 << XMHF_MEM_ORDER)	/* 4 MiB */

#define XMHF_SL_OFFSET		0x000000
#define XMHF_SL_MAX_SIZE	0x10000	/* 64 KiB: SKINIT's limit */
#define XMHF_SL_STACK_SIZE	0x2000	/* reserved at the SLB's top */
#define XMHF_SLPB_OFFSET	0x010000
#define XMHF_SLPB_SIZE		0x1000
#define XMHF_EARLY_OFFSET	0x011000
#define XMHF_RT_OFFSET		0x200000
#define XMHF_RT_MAX_SIZE	(XMHF_MEM_SIZE - XMHF_RT_OFFSET)

/* Where the runtime is linked: the top 1 GiB, so -mcmodel=kernel works. */
#define XMHF_RT_VBASE		0xffffffffc0000000

#endif /* XMHF_UAPI_LAYOUT_H */
