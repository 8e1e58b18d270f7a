/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA protection (docs/dma.md): at launch the runtime takes the AMD IOMMU
 * when Linux left it off; at the end (unload, abort, platform reset) it
 * gives it back as it was.  In Linux's other modes nothing is done yet.
 */
#ifndef XMHF_ARCH_DMA_H
#define XMHF_ARCH_DMA_H

#include <types.h>
#include <xmhf/slparams.h>

struct npt;
struct sl_dma;

/* First thing in the runtime: the IOMMU as the SL took it (sl_handoff.h). */
void dma_adopt(const struct xmhf_sl_params *p, const struct sl_dma *d);

/*
 * On the boot CPU, before any other CPU runs hypervisor code.  With the
 * IOMMU taken, its register window is hidden from the guest.  -1: the
 * IOMMU was free but could not be taken (left as it was): abort.
 */
int dma_launch(const struct xmhf_sl_params *p, struct npt *npt);
/* The extra block that holds what the IOMMU reads (0: none). */
u64 dma_block(const struct xmhf_sl_params *p);
/* After the direct map: that block becomes the IOMMU's region.  -1: none. */
int dma_reserve(const struct xmhf_sl_params *p);
/* The IOMMU back as Linux left it; the other CPUs are parked. */
void dma_release(void);
/*
 * The same, for the unload's exit stub to do after the scrub: the
 * physical address (below 4 GiB) of the release program and, in @late,
 * the two ranges to scrub after it ran; 0 if it was released now instead.
 */
u64 dma_release_prepare(u64 late[4]);
/* enum xmhf_dma_mode, and the events logged so far. */
u32 dma_mode(void);
u64 dma_events(void);
/* Mappings, device table and remapping entries, commands refused. */
u64 dma_refused(void);

#endif /* XMHF_ARCH_DMA_H */
