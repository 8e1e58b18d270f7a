/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest-physical RAM the hypervisor reads and writes on the guest's
 * behalf (hypercall arguments and results, guest page-table walks),
 * through its direct map.  The RAM map comes from the parameter block,
 * which the untrusted module wrote; the SL refused RAM over the fixed
 * MMIO window, the LAPIC and the IOMMU (hv/sl/params.c).  What moves, or
 * is found only at launch, is checked here.
 */
#ifndef XMHF_CORE_GUEST_RAM_H
#define XMHF_CORE_GUEST_RAM_H

#include <types.h>
#include <xmhf/slparams.h>

/*
 * At launch, after pci_locate(), before the direct map: -1 if a RAM range
 * or an extra heap block overlaps the ECAM window (the heap would sit in
 * configuration space, and RAM there would be written around the filter).
 */
int guest_ram_launch_check(const struct xmhf_sl_params *p);

/*
 * gpa's page lies in MMIO the hypervisor guards: the LAPIC page, the
 * IOAPIC and HPET pages, the ECAM window, a page of an MSI-X table
 * (wherever its BAR is now), the IOMMU's registers.
 */
bool guest_ram_guarded_mmio(const struct xmhf_sl_params *p, u64 gpa);

/*
 * [gpa, gpa + len) inside one RAM range, in the direct map, and none of it
 * the hypervisor's, a hypapp's, protected, or guarded MMIO: its direct-map
 * address; else NULL.
 */
void *guest_ram_map(const struct xmhf_sl_params *p, u64 gpa, u64 len);

#endif /* XMHF_CORE_GUEST_RAM_H */
