// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM as the hypervisor reaches it for the guest (core/guest_ram.h).
 * A "RAM" page that is really MMIO the hypervisor guards would let the
 * guest have the hypervisor write there for it -- a hypercall's result
 * into an MSI-X table or ECAM -- around the filters that guard it.
 */
#include <arch/intr_mmio.h>
#include <core/directmap.h>
#include <core/guest_ram.h>
#include <core/hub.h>
#include <core/lapic.h>
#include <arch/ioports.h>
#include <core/mm.h>
#include <core/npt.h>
#include <core/pci.h>
#include <xmhf/layout.h>

#define PAGE_4K		0x1000ull

int guest_ram_launch_check(const struct xmhf_sl_params *p)
{
	u32 i;

	for (i = 0; i < p->num_ram; i++)
		if (pci_ecam_overlaps(p->ram[i].start, p->ram[i].size))
			return -1;
	for (i = 0; i < p->num_blocks; i++)
		if (pci_ecam_overlaps(p->blocks[i], XMHF_MEM_SIZE))
			return -1;
	return 0;
}

bool guest_ram_guarded_mmio(const struct xmhf_sl_params *p, u64 gpa)
{
	u64 pg = gpa & ~(PAGE_4K - 1);

	return pg == lapic_mmio_base() || intr_mmio_page(pg) || pci_mmio_owns(pg) ||
	       ioports_mmio_page(pg) ||
	       (p->iommu_base && pg >= p->iommu_base &&
		pg - p->iommu_base < XMHF_IOMMU_MMIO_SIZE);
}

void *guest_ram_map(const struct xmhf_sl_params *p, u64 gpa, u64 len)
{
	u64 pg;
	u32 i;

	if (!len || gpa + len < gpa || !dmap_has(gpa, len) || hv_owns(gpa, len))
		return NULL;
	/* Every page: nor a page a hypapp protects, nor guarded MMIO. */
	for (pg = gpa & ~(PAGE_4K - 1); pg < gpa + len; pg += PAGE_4K)
		if (npt_protected(pg) || hub_owns_page(pg) || guest_ram_guarded_mmio(p, pg))
			return NULL;
	for (i = 0; i < p->num_ram; i++) {
		const struct xmhf_mem_range *r = &p->ram[i];

		if (gpa >= r->start && gpa + len <= r->start + r->size)
			return dmap_va(gpa);
	}
	return NULL;
}
