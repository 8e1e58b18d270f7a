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
#include <lib/string.h>
#include <xmhf/hypercall.h>
#include <xmhf/layout.h>
#include <sl_handoff.h>

static struct amdv_own own;	/* the runtime's take */
static struct amdv_own sl_own;	/* the SL's, until the runtime's replaces it */
static struct amdv_own *cur;	/* what the release gives back */
static struct amdv_env env;
static u32 mode = XMHF_DMA_NO_IOMMU;
static spinlock_t dma_lock;	/* the event log, read from any CPU */

/*
 * Everything the IOMMU reads lives in one region of the heap, which the
 * unload scrubs last, after the IOMMU is Linux's again (docs/dma.md,
 * "Unload"): its first page holds the release program for the exit stub.
 */
static u8 *region;
static u64 region_pa;
static u32 region_pages, region_used;

static void *env_alloc(void *ctx, unsigned int n, u64 *pa)
{
	void *p;

	(void)ctx;
	if (n > region_pages - region_used)
		return NULL;
	p = region + (u64)region_used * 4096;
	*pa = region_pa + (u64)region_used * 4096;
	region_used += n;
	memset(p, 0, (u64)n * 4096);
	return p;
}

static u64 rt_iommu_base, sl_early_pa, sl_early_len;
_Static_assert(XMHF_IOMMU_REGION_PAGES <= XMHF_MEM_SIZE / 4096, "the IOMMU's region outgrew its block");

/*
 * The IOMMU's block: of the extra blocks the loader added (one more when
 * there is an IOMMU), the highest below 4 GiB, where the exit stub reaches
 * it; else the highest.  Never heap (core/directmap.c).
 */
u64 dma_block(const struct xmhf_sl_params *p)
{
	u64 best = 0;
	unsigned int i;

	if (!p->iommu_base || !p->num_blocks)
		return 0;
	for (i = 0; i < p->num_blocks && i < XMHF_MAX_BLOCKS; i++)
		if (p->blocks[i] + XMHF_MEM_SIZE <= (1ull << 32) && p->blocks[i] > best)
			best = p->blocks[i];
	return best ? best : p->blocks[p->num_blocks - 1];
}

/* After the direct map: the region is the IOMMU's block. */
int dma_reserve(const struct xmhf_sl_params *p)
{
	if (!cur)
		return 0;
	region_pa = dma_block(p);
	if (!region_pa)
		return -1;
	region = hv_va(region_pa);
	region_pages = XMHF_MEM_SIZE / 4096;
	region_used = 1;		/* page 0: the release program */
	return 0;
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

/*
 * The runtime's take failed: if it had reached the registers, its failure
 * path put Linux's back and the SL's tables are gone with them; else the
 * SL's stay until the abort's release.
 */
static int taken_back(void)
{
	if (own.programmed)
		sl_own.owned = false;
	return -1;
}

/* Below 4 GiB the runtime maps physical memory 1:1. */
static const volatile u64 *env_low_mem(void *ctx, u64 pa)
{
	(void)ctx;
	return (const volatile u64 *)(uintptr_t)pa;
}

static void *va_below_4g(u64 pa)
{
	return (void *)(uintptr_t)pa;	/* the runtime maps [0, 4 GiB) 1:1 */
}

void dma_adopt(const struct xmhf_sl_params *p, const struct sl_dma *d)
{
	unsigned int i;

	if (d->state != SL_DMA_TAKEN || !p->iommu_base || p->iommu_base >= (1ull << 32))
		return;
	env = (struct amdv_env){ (volatile u64 *)va_below_4g(p->iommu_base), env_alloc,
				 env_relax, env_now, NULL, 0, NULL, 0, env_low_mem };
	sl_own = (struct amdv_own){ .env = &env, .saved_status = d->saved_status,
				    .devtab = va_below_4g(d->devtab_pa), .devtab_pa = d->devtab_pa,
				    .devtab_pages = d->devtab_pages,
				    .cmd = va_below_4g(d->cmd_pa), .cmd_pa = d->cmd_pa,
				    .evt = va_below_4g(d->evt_pa), .evt_pa = d->evt_pa,
				    .sem = va_below_4g(d->sem_pa), .sem_pa = d->sem_pa,
				    .sem_seq = d->sem_seq, .cmd_tail = d->cmd_tail,
				    .owned = true, .live = d->live };
	for (i = 0; i < AMDV_NSAVED; i++)
		sl_own.saved[i] = d->saved[i];
	cur = &sl_own;
	rt_iommu_base = p->iommu_base;
	sl_early_pa = p->hv_phys_base + XMHF_EARLY_DMA_OFFSET;
	sl_early_len = XMHF_RT_OFFSET - XMHF_EARLY_DMA_OFFSET;
}

/* The runtime's tables in place of the SL's: those are forgotten. */
static void adopt_own(void)
{
	sl_own.owned = false;
	cur = &own;
}


int dma_launch(const struct xmhf_sl_params *p, struct npt *npt)
{
	static struct amdv_range ram[XMHF_SLPB_MAX_RAM], prot[1 + XMHF_MAX_BLOCKS];
	unsigned int i, nprot = 0, nram;

	if (!p->iommu_base) {
		hv_log("xmhf: DMA: no AMD IOMMU (IVRS): devices reach all memory, the hypervisor's too\n");
		return 0;
	}
	/* The SL took it before it measured us, or the launch stops here. */
	if (cur != &sl_own) {
		hv_log("xmhf: DMA: the SL could not take the IOMMU before measuring the runtime\n");
		return -1;
	}
	/* Linux's registers are what the SL saved: the live ones are the SL's. */
	env.linux_saved = sl_own.saved;
	if (!region) {
		hv_log("xmhf: DMA: no contiguous room for the IOMMU's tables\n");
		return -1;
	}
	env.linux_status = sl_own.saved_status;
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
			hv_log("xmhf: DMA: cannot take over the IOMMU Linux uses (out of memory, or no completion)\n");
			return taken_back();
		}
		adopt_own();
		if (npt_hide(npt, p->iommu_base, XMHF_IOMMU_MMIO_SIZE))
			return -1;
		mode = XMHF_DMA_VIRTUAL;
		hv_log("xmhf: DMA: Linux uses the IOMMU: it now drives a virtual one; the hardware's device table is at 0x%lx, %lu mapping(s) refused\n",
		       own.devtab_pa, viommu_refused());
		return 0;
	}
	if (amdv_own_take(&own, &env, ram, nram, prot, nprot)) {
		hv_log("xmhf: DMA: cannot take the IOMMU (out of memory, or no completion)\n");
		return taken_back();
	}
	adopt_own();
	/* Its registers are the hypervisor's now: not even readable. */
	if (npt_hide(npt, p->iommu_base, XMHF_IOMMU_MMIO_SIZE))
		return -1;
	mode = XMHF_DMA_OWNED;
	hv_log("xmhf: DMA: Linux left the IOMMU off: the hypervisor owns it (device table at 0x%lx, %u-level identity table without its %u block(s))\n",
	       own.devtab_pa, own.id_levels, nprot);
	return 0;
}

void dma_release(void)
{
	u64 n;

	if (!cur || !cur->owned)
		return;
	spin_lock(&dma_lock);
	viommu_release();
	n = amdv_own_release(cur);
	spin_unlock(&dma_lock);
	hv_log("xmhf: DMA: the IOMMU is back as Linux left it (%s%s); %lu event(s) logged while it was ours\n",
	       cur->live ? "its own tables" : "off", cur == &sl_own ? ", from the SL's" : "", n);
}

u64 dma_release_prepare(u64 late[4])
{
	struct amdv_prog prog;
	u64 n, *hdr = (u64 *)region;

	late[0] = late[1] = late[2] = late[3] = 0;
	if (!cur || !cur->owned)
		return 0;
	/*
	 * The stub reaches physical memory 1:1 below 4 GiB only, and scrubs
	 * the first block before it runs the program.
	 */
	if (cur != &own || region_pa + (u64)region_pages * 4096 > (1ull << 32) ||
	    (region_pa < sl_early_pa - XMHF_EARLY_DMA_OFFSET + XMHF_MEM_SIZE &&
	     region_pa + (u64)region_pages * 4096 > sl_early_pa - XMHF_EARLY_DMA_OFFSET)) {
		dma_release();
		return 0;
	}
	spin_lock(&dma_lock);
	viommu_release();
	prog = (struct amdv_prog){ hdr + 4, 0, (4096 / 8 - 4) / 3, rt_iommu_base, false };
	n = amdv_own_release_prog(cur, &prog);
	spin_unlock(&dma_lock);
	if (prog.overflow) {
		hv_log("xmhf: DMA: the release program did not fit: released before the scrub\n");
		prog.op[0] = AMDV_OP_END;
	}
	/* Scrubbed after the program ran: these tables, then the SL's. */
	hdr[0] = late[0] = region_pa;
	hdr[1] = late[1] = region_pa + (u64)region_pages * 4096;
	hdr[2] = late[2] = sl_early_pa;
	hdr[3] = late[3] = sl_early_pa + sl_early_len;
	hv_log("xmhf: DMA: %lu event(s) logged while the IOMMU was ours; it goes back as Linux left it (%s) once the hypervisor is scrubbed (%u steps)\n",
	       n, cur->live ? "its own tables" : "off", prog.n);
	return region_pa;
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
	n = cur == &own ? amdv_own_events(&own) : 0;
	spin_unlock(&dma_lock);
	return n;
}
