// SPDX-License-Identifier: GPL-2.0
/*
 * DMA protection in the runtime (arch/dma.h, docs/dma.md).  Today one of
 * Linux's three IOMMU modes: amd_iommu=off, where Linux never enables the
 * IOMMU and the hypervisor takes it (amd_iommu_own.c); with Linux's IOMMU
 * enabled nothing is protected yet and the log says so.
 */
#include <arch/amd_iommu.h>
#include <arch/dma.h>
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

/* Below 4 GiB the runtime maps physical memory 1:1. */
static const volatile u64 *env_low_mem(void *ctx, u64 pa)
{
	(void)ctx;
	return (const volatile u64 *)(uintptr_t)pa;
}

int dma_launch(const struct xmhf_sl_params *p, struct npt *npt)
{
	static struct amdv_range ram[XMHF_SLPB_MAX_RAM], prot[1 + XMHF_MAX_BLOCKS];
	unsigned int i, nprot = 0;

	if (!p->iommu_base) {
		hv_log("xmhf: DMA: no AMD IOMMU (IVRS): devices reach all memory, the hypervisor's too\n");
		return 0;
	}
	/* Below 4 GiB the runtime maps physical memory 1:1 (the SL checked it). */
	env = (struct amdv_env){ (volatile u64 *)(uintptr_t)p->iommu_base,
				 env_alloc, env_relax, env_now, NULL, env_low_mem };
	if (p->iommu_base >= (1ull << 32))
		return -1;
	if (amdv_linux_enabled(&env)) {
		mode = XMHF_DMA_LINUX_IOMMU;
		hv_log("xmhf: DMA: Linux uses the IOMMU: DMA protection NOT active (its emulation is not built yet)\n");
		return 0;
	}
	for (i = 0; i < p->num_blocks && i < XMHF_MAX_BLOCKS; i++) {
		prot[nprot].start = p->blocks[i];
		prot[nprot++].size = XMHF_MEM_SIZE;
	}
	for (i = 0; i < p->num_ram && i < XMHF_SLPB_MAX_RAM; i++) {
		ram[i].start = p->ram[i].start;
		ram[i].size = p->ram[i].size;
	}
	prot[nprot].start = p->hv_phys_base;
	prot[nprot++].size = XMHF_MEM_SIZE;
	if (amdv_own_take(&own, &env, ram, i, prot, nprot)) {
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

	if (mode != XMHF_DMA_OWNED || !own.owned)
		return;
	spin_lock(&dma_lock);
	n = amdv_own_release(&own);
	spin_unlock(&dma_lock);
	hv_log("xmhf: DMA: the IOMMU is back as Linux left it (off); %lu event(s) logged while it was ours\n", n);
}

u32 dma_mode(void)
{
	return mode;
}

u64 dma_events(void)
{
	u64 n;

	spin_lock(&dma_lock);
	n = amdv_own_events(&own);
	spin_unlock(&dma_lock);
	return n;
}
