/* SPDX-License-Identifier: GPL-2.0 */
/* What the SL hands the runtime: its checked parameters and the extends it made. */
#ifndef XMHF_HV_SL_HANDOFF_H
#define XMHF_HV_SL_HANDOFF_H

#include <xmhf/eventlog.h>
#include <xmhf/slparams.h>

/*
 * The IOMMU as the SL left it (docs/dma.md, "Launch order"): taken before
 * the runtime was measured, with Linux's registers saved.  Physical
 * addresses below 4 GiB (the early area), which the runtime reaches 1:1.
 */
enum { SL_DMA_NONE, SL_DMA_TAKEN, SL_DMA_FAILED };
struct __attribute__((aligned(8))) sl_dma {	/* one layout in the SL (32-bit) and the runtime */
	u32 state;
	u32 live;		/* Linux had its IOMMU on */
	u64 saved[10];		/* Linux's registers, amdv_own.saved[] order */
	u64 saved_status;
	u64 devtab_pa, cmd_pa, evt_pa, sem_pa, sem_seq;
	u32 devtab_pages, cmd_tail;
};
_Static_assert(sizeof(struct sl_dma) == 144, "struct sl_dma: the SL and the runtime disagree");

struct sl_handoff {
	struct xmhf_sl_params params;
	struct xmhf_eventlog log;
	struct sl_dma dma;
};

#endif /* XMHF_HV_SL_HANDOFF_H */
