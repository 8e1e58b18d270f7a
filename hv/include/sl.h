/* SPDX-License-Identifier: GPL-2.0 */
/* Secure loader internals shared with its host unit tests. */
#ifndef XMHF_HV_SL_H
#define XMHF_HV_SL_H

#include <types.h>
#include <xmhf/slparams.h>

enum sl_params_error {
	SL_PARAMS_OK = 0,
	SL_PARAMS_E_HEADER,	/* magic, version or size */
	SL_PARAMS_E_BASE,	/* hv_phys_base/hv_size disagree with the CPU */
	SL_PARAMS_E_LAUNCH,
	SL_PARAMS_E_RUNTIME,
	SL_PARAMS_E_RAM,
	SL_PARAMS_E_RAM_UNSORTED,	/* a range starts before the previous */
	SL_PARAMS_E_RAM_OVERLAP,	/* a range starts inside the previous */
	SL_PARAMS_E_CPUS,
	SL_PARAMS_E_DEVICES,	/* TPM, IOMMU or debug port */
	SL_PARAMS_E_BLOCKS,	/* an extra heap block misplaced */
	SL_PARAMS_E_COUNT
};

/* lapic_base: this CPU's (IA32_APIC_BASE), which no "RAM" may cover. */
int sl_params_check(const struct xmhf_sl_params *p, u64 sl_base, u64 lapic_base);
const char *sl_params_strerror(int err);

#endif /* XMHF_HV_SL_H */
