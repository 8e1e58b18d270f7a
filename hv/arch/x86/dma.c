// SPDX-License-Identifier: GPL-2.0
/*
 * DMA protection in the runtime (arch/dma.h, docs/dma.md).  With
 * amd_iommu=off Linux never enables the IOMMU and the hypervisor takes it
 * (amd_iommu_own.c); when Linux uses it, the hypervisor takes it too and
 * shows Linux a virtual one (viommu.c).
 */
#include <arch/amd_iommu.h>
#include <arch/dma.h>
#include <arch/viommu.h>
#include <arch/x86.h>
#include <core/lapic.h>
#include <core/log.h>
#include <core/mm.h>
#include <core/npt.h>
#include <core/spinlock.h>
#include <xmhf/hypercall.h>
#include <xmhf/layout.h>

static struct amdv_own own;
static struct amdv_env env;
static u32 mode = XMHF_DMA_NO_IOMMU;
static spinlock_t dma_lock;	/* the event log, read from any CPU */

static void *env_alloc(void *ctx, unsigned int n, u64 *pa)
{
	void *p = hv_alloc_pages(n);

	(void)ctx;
	if (p)
		*pa = hv_pa(p);
	return p;
}

static void env_relax(void *ctx)
{
	(void)ctx;
	cpu_relax();
}

static u64 env_now(void *ctx)
{
	(void)ctx;
	return tsc_us();
}

int dma_launch(const struct xmhf_sl_params *p, struct npt *npt)
{
	static struct amdv_range ram[XMHF_SLPB_MAX_RAM], prot[1 + XMHF_MAX_BLOCKS];
	unsigned int i, nprot = 0, nram;

	if (!p->iommu_base) {
		hv_log("xmhf: DMA: no AMD IOMMU (IVRS): devices reach all memory, the hypervisor's too\n");
		return 0;
	}
	/* Below 4 GiB the runtime maps physical memory 1:1 (the SL checked it). */
	env = (struct amdv_env){ (volatile u64 *)(uintptr_t)p->iommu_base,
				 env_alloc, env_relax, env_now, NULL };
	if (p->iommu_base >= (1ull << 32))
		return -1;
	for (i = 0; i < p->num_blocks && i < XMHF_MAX_BLOCKS; i++) {
		prot[nprot].start = p->blocks[i];
		prot[nprot++].size = XMHF_MEM_SIZE;
	}
	for (nram = 0; nram < p->num_ram && nram < XMHF_SLPB_MAX_RAM; nram++) {
		ram[nram].start = p->ram[nram].start;
		ram[nram].size = p->ram[nram].size;
	}
	prot[nprot].start = p->hv_phys_base;
	prot[nprot++].size = XMHF_MEM_SIZE;
	if (amdv_linux_enabled(&env)) {
		/* Linux's: it gets a virtual one, the hardware our tables. */
		if (viommu_launch(p, &own, &env, ram, nram, prot, nprot)) {
			hv_log("xmhf: DMA: cannot take over the IOMMU Linux uses (out of memory, its commands stuck, or no completion)\n");
			return -1;
		}
		if (npt_hide(npt, p->iommu_base, XMHF_IOMMU_MMIO_SIZE)) {
			viommu_release();
			amdv_own_release(&own);
			return -1;
		}
		mode = XMHF_DMA_VIRTUAL;
		hv_log("xmhf: DMA: Linux uses the IOMMU: it now drives a virtual one; the hardware's device table is at 0x%lx, %lu mapping(s) refused\n",
		       own.devtab_pa, viommu_refused());
		return 0;
	}
	if (amdv_own_take(&own, &env, ram, nram, prot, nprot)) {
		hv_log("xmhf: DMA: cannot take the IOMMU (out of memory, no INVALIDATE_IOMMU_ALL, or no completion)\n");
		return -1;
	}
	/* Its registers are the hypervisor's now: not even readable. */
	if (npt_hide(npt, p->iommu_base, XMHF_IOMMU_MMIO_SIZE)) {
		amdv_own_release(&own);
		return -1;
	}
	mode = XMHF_DMA_OWNED;
	hv_log("xmhf: DMA: Linux left the IOMMU off: the hypervisor owns it (device table at 0x%lx, %u-level identity table without its %u block(s))\n",
	       own.devtab_pa, own.id_levels, nprot);
	return 0;
}

void dma_release(void)
{
	u64 n;

	if ((mode != XMHF_DMA_OWNED && mode != XMHF_DMA_VIRTUAL) || !own.owned)
		return;
	spin_lock(&dma_lock);
	viommu_release();
	n = amdv_own_release(&own);
	spin_unlock(&dma_lock);
	hv_log("xmhf: DMA: the IOMMU is back as Linux left it (%s); %lu event(s) logged while it was ours\n",
	       own.live ? "its own tables" : "off", n);
}

u32 dma_mode(void)
{
	return mode;
}

u64 dma_refused(void)
{
	return mode == XMHF_DMA_VIRTUAL ? viommu_refused() : 0;
}

u64 dma_events(void)
{
	u64 n;

	spin_lock(&dma_lock);
	n = amdv_own_events(&own);
	spin_unlock(&dma_lock);
	return n;
}
