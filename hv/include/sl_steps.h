/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SL's steps after its checks, in the one order the trust chain
 * allows (docs/dma.md, "Launch order"): the IOMMU keeps every device off
 * the hypervisor's memory before the runtime is measured, so that what
 * PCR 17 records is what runs.  Separate from sl.c so that the unit test
 * runs the same order against a played IOMMU (test_amd_iommu.c).
 */
#ifndef XMHF_HV_SL_STEPS_H
#define XMHF_HV_SL_STEPS_H

struct sl_step_ops {
	void (*protect_dma)(void *ctx);
	void (*measure)(void *ctx);
};

void sl_launch_steps(const struct sl_step_ops *ops, void *ctx);

#endif /* XMHF_HV_SL_STEPS_H */
