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
 *   base + 0x014000  early area: the runtime's page tables, built by the SL
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
#define XMHF_SLPB_SIZE		0x4000
#define XMHF_EARLY_OFFSET	(XMHF_SLPB_OFFSET + XMHF_SLPB_SIZE)
/* The SL's page tables, at the early area's start: at most this many pages. */
#define XMHF_EARLY_TABLES	10
#define XMHF_RT_OFFSET		0x200000
#define XMHF_RT_MAX_SIZE	(XMHF_MEM_SIZE - XMHF_RT_OFFSET)

/*
 * CPUs whose state fits the heap of the one 4 MiB block, leaving room for
 * the nested page tables and the rest: each AP takes 11 pages (host stack,
 * IST stacks with GDT and TSS, VMCB and save areas; hv/include/core/
 * percpu.h).  256 CPUs need 11.1 MiB of heap (2805 pages for the APs, 23
 * for the vCPU table), beyond one block's 1.9 MiB: more blocks lift this.
 */
#define XMHF_CPUS_FIT		32

/* Where the runtime is linked: the top 1 GiB, so -mcmodel=kernel works. */
#define XMHF_RT_VBASE		0xffffffffc0000000

#endif /* XMHF_UAPI_LAYOUT_H */
