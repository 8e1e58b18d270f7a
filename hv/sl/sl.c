// SPDX-License-Identifier: GPL-2.0
/*
 * Secure loader, C part.  Runs in 32-bit protected mode with segment
 * base = SLB base (see entry.S), so a pointer p reaches linear address
 * base + p; sl_phys() turns a physical address into such a pointer.
 */
#include <types.h>
#include <arch/amd_iommu.h>
#include <arch/x86.h>
#include <sl.h>
#include <sl_handoff.h>
#include <sl_steps.h>
#include <xmhf/blob.h>
#include <core/measure.h>
#include <lib/string.h>
#include <lib/tpm.h>
#include <xmhf/layout.h>

void sl_main(u32 base);
void sl_enter_runtime(u32 top_table, u32 la57, u32 params, u32 entry_lo,
		      u32 entry_hi) __attribute__((noreturn));

u32 sl_base_linear;		/* read by entry.S */
static struct sl_handoff handoff;	/* scratch: not part of the measurement */
static u16 log_port;
static u32 pt_next;		/* bump allocator for page tables */

#define PTE_P		0x1ull
#define PTE_W		0x2ull
#define PTE_PS		0x80ull
#define CR4_LA57	(1ull << 12)

/* Linear = base + offset (mod 2^32), so any address below 4 GiB works. */
static void *sl_phys(u32 phys)
{
	return (void *)(uintptr_t)(phys - sl_base_linear);
}

static void sl_puts(const char *s)
{
	if (!log_port)
		return;
	while (*s)
		outb(log_port, *s++);
}

static void __attribute__((noreturn)) sl_halt(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

static bool cpu_has_la57(void)
{
	u32 a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
	return c & (1u << 16);
}

/* A zeroed page from the early area, as a physical address. */
/* At most 10 tables (5-level: top, two PML4s, two PDPTs, five PDs). */
#define SL_MAX_TABLES	XMHF_EARLY_TABLES
_Static_assert(XMHF_EARLY_OFFSET + SL_MAX_TABLES * 4096 <= XMHF_RT_OFFSET,
	       "the SL's page tables no longer fit between parameters and runtime");

static u32 pt_alloc(void)
{
	u32 pa = pt_next;

	pt_next += 0x1000;
	memset(sl_phys(pa), 0, 0x1000);
	return pa;
}

static u64 *pt(u32 pa)
{
	return sl_phys(pa);
}

/*
 * Page tables for the runtime, at the depth Linux runs with so that the
 * unload path can load Linux's CR3 without leaving long mode:
 *  - physical [0, 4 GiB) 1:1 in 2 MiB pages (this code, MMIO, the
 *    trampoline of a native return);
 *  - the runtime's 2 MiB at XMHF_RT_VBASE.
 */
static u32 build_page_tables(u32 base, bool la57)
{
	const u64 va = XMHF_RT_VBASE;
	u32 top, l4_lo, l4_hi, pdpt_lo, pdpt_hi, pd_hi, pd;
	unsigned int i, j;

	pt_next = base + XMHF_EARLY_OFFSET;
	top = pt_alloc();
	pdpt_lo = pt_alloc();
	for (i = 0; i < 4; i++) {
		pd = pt_alloc();
		for (j = 0; j < 512; j++)
			pt(pd)[j] = ((u64)i << 30 | (u64)j << 21) | PTE_P | PTE_W | PTE_PS;
		pt(pdpt_lo)[i] = pd | PTE_P | PTE_W;
	}
	pdpt_hi = pt_alloc();
	pd_hi = pt_alloc();
	pt(pd_hi)[(va >> 21) & 511] = (base + XMHF_RT_OFFSET) | PTE_P | PTE_W | PTE_PS;
	pt(pdpt_hi)[(va >> 30) & 511] = pd_hi | PTE_P | PTE_W;

	if (la57) {
		l4_lo = pt_alloc();
		l4_hi = pt_alloc();
		pt(top)[0] = l4_lo | PTE_P | PTE_W;
		pt(top)[(va >> 48) & 511] = l4_hi | PTE_P | PTE_W;
	} else {
		l4_lo = l4_hi = top;
	}
	pt(l4_lo)[0] = pdpt_lo | PTE_P | PTE_W;
	pt(l4_hi)[(va >> 39) & 511] = pdpt_hi | PTE_P | PTE_W;
	return top;
}

/*
 * H(SLB) and H(runtime) into PCR 17 at locality 2 (docs/architecture.md,
 * "Measurement chain"): under SKINIT the CPU already extended H(SLB); the
 * emulated launch does it here.
 * The measured bytes are never written at run time (sl.lds.S), so the
 * hashes equal what the build's golden values were computed from.
 */
static void measure(struct sl_handoff *h, u32 base)
{
	const struct xmhf_slb_header *slb = sl_phys(base);
	const struct xmhf_rt_header *rt = sl_phys(base + XMHF_RT_OFFSET);
	bool skinit = h->params.launch_kind == XMHF_LAUNCH_SKINIT;
	struct xmhf_event *ev_slb, *ev_rt;
	u32 rt_len = rt->image_size;	/* checked by runtime_header_ok() */
	volatile u8 *tpm = sl_phys((u32)h->params.tpm_base);
	ev_slb = evlog_add(&h->log, XMHF_EV_SLB, slb, slb->length,
			   skinit ? "SLB (extended by SKINIT)" : "SLB (extended by the SL)");
	ev_rt = evlog_add(&h->log, XMHF_EV_RUNTIME, rt, rt_len,
			  "runtime image (hypapps included)");
	if (!h->params.tpm_base) {
		h->log.state = XMHF_MEAS_NONE;
		sl_puts("xmhf sl: no TPM: launching unmeasured\n");
		return;
	}
	h->log.state = XMHF_MEAS_OK;
	if ((!skinit && evlog_extend(&h->log, tpm, ev_slb)) ||
	    evlog_extend(&h->log, tpm, ev_rt)) {
		sl_puts("xmhf sl: TPM extend failed: launching unmeasured\n");
		return;
	}
	sl_puts("xmhf sl: PCR 17 extended\n");
}

/* ------------------------------------------------ DMA before measurement */

static u32 dma_next, dma_end;		/* bump allocator in the early area */
static const struct xmhf_sl_params *dma_params;
static struct amdv_range dma_prot[1 + XMHF_MAX_BLOCKS];
static unsigned int dma_nprot;
static struct amdv_range dma_ram[XMHF_SLPB_MAX_RAM];

static void *dma_alloc(void *ctx, unsigned int n, u64 *pa)
{
	u32 bytes = n * 0x1000u;
	void *p;

	(void)ctx;
	if (n > XMHF_SL_DEVTAB_PAGES || dma_end - dma_next < bytes)
		return NULL;
	*pa = dma_next;
	p = sl_phys(dma_next);
	memset(p, 0, bytes);
	dma_next += bytes;
	return p;
}

static void dma_relax(void *ctx)
{
	(void)ctx;
	asm volatile("pause");
}

/* About a microsecond per unit (4096 cycles): no calibrated TSC here. */
static u64 dma_now(void *ctx)
{
	u32 lo, hi;

	(void)ctx;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (((u64)hi << 32) | lo) >> 12;
}

/* [pa, pa + len) in one RAM range and in none of the hypervisor's blocks. */
static bool dma_ram_ok(void *ctx, u64 pa, u64 len)
{
	const struct xmhf_sl_params *p = dma_params;
	unsigned int i;
	bool ram = false;

	(void)ctx;
	if (!len || pa + len < pa)
		return false;
	for (i = 0; i < p->num_ram; i++)
		if (pa >= p->ram[i].start && pa + len <= p->ram[i].start + p->ram[i].size)
			ram = true;
	for (i = 0; i < dma_nprot; i++)
		if (pa < dma_prot[i].start + dma_prot[i].size && dma_prot[i].start < pa + len)
			return false;
	return ram;
}

/* Linux's device table, where the SL can read it (below 4 GiB, RAM, not ours). */
static const volatile u64 *dma_linux_table(void *ctx, u64 pa, u64 len)
{
	(void)ctx;
	if (pa + len > (1ull << 32) || !dma_ram_ok(NULL, pa, len))
		return NULL;
	return sl_phys((u32)pa);
}

/*
 * Before the runtime is measured, no device may reach it (docs/dma.md,
 * "Launch order"): the IOMMU on, on a table of RAM without the
 * hypervisor's blocks for every DeviceID, whatever Linux had.  The runtime
 * replaces these tables with its own; a failure here makes it abort.
 */
static void dma_protect(struct sl_handoff *h, u32 base)
{
	static struct amdv_own o;
	static struct amdv_env env;
	struct xmhf_sl_params *p = &h->params;
	struct sl_dma *d = &h->dma;
	unsigned int i, nram;
	int err;

	d->state = SL_DMA_NONE;
	if (!p->iommu_base)
		return;
	d->state = SL_DMA_FAILED;
	if (p->iommu_base >= (1ull << 32) - XMHF_IOMMU_MMIO_SIZE)
		return;
	dma_params = p;
	dma_next = base + XMHF_EARLY_DMA_OFFSET;
	dma_end = base + XMHF_RT_OFFSET;
	dma_nprot = 0;
	for (i = 0; i < p->num_blocks && i < XMHF_MAX_BLOCKS; i++)
		dma_prot[dma_nprot++] = (struct amdv_range){ p->blocks[i], XMHF_MEM_SIZE };
	dma_prot[dma_nprot++] = (struct amdv_range){ base, XMHF_MEM_SIZE };
	for (nram = 0; nram < p->num_ram && nram < XMHF_SLPB_MAX_RAM; nram++)
		dma_ram[nram] = (struct amdv_range){ p->ram[nram].start, p->ram[nram].size };
	env = (struct amdv_env){ .mmio = sl_phys((u32)p->iommu_base), .alloc = dma_alloc,
				 .relax = dma_relax, .now_us = dma_now,
				 .devtab_pages = XMHF_SL_DEVTAB_PAGES };
	err = amdv_sl_take(&o, &env, dma_ram, nram, dma_prot, dma_nprot, dma_linux_table,
			   dma_ram_ok, NULL);
	if (err) {
		sl_puts("xmhf sl: cannot take the IOMMU: DMA unprotected, the runtime will abort\n");
		return;
	}
	*d = (struct sl_dma){ SL_DMA_TAKEN, o.live, { 0 }, o.saved_status, o.devtab_pa,
			      o.cmd_pa, o.evt_pa, o.sem_pa, o.sem_seq, o.devtab_pages,
			      o.cmd_tail };
	for (i = 0; i < AMDV_NSAVED; i++)
		d->saved[i] = o.saved[i];
	sl_puts("xmhf sl: IOMMU taken: no device reaches the hypervisor\n");
}

/*
 * The runtime's entry comes from its own header, which is part of what
 * the SL measures, never from the (untrusted) parameter block: the block
 * must agree with it or the launch stops.
 */
static bool runtime_header_ok(const struct xmhf_sl_params *p, u32 base)
{
	const struct xmhf_rt_header *rt = sl_phys(base + XMHF_RT_OFFSET);

	return rt->magic == XMHF_RT_MAGIC && rt->link_base == XMHF_RT_VBASE &&
	       rt->image_size >= sizeof(*rt) && rt->image_size <= XMHF_RT_MAX_SIZE &&
	       rt->mem_size >= rt->image_size && rt->mem_size <= XMHF_RT_MAX_SIZE &&
	       rt->entry < rt->image_size && rt->entry == p->rt_entry &&
	       rt->mem_size == p->rt_mem_size;
}

/*
 * The base travels with the handoff: sl_phys(sl_base_linear) is offset 0,
 * which the compiler would take for NULL.
 */
struct step_ctx {
	struct sl_handoff *h;
	u32 base;
};

static void step_dma(void *ctx)
{
	const struct step_ctx *c = ctx;

	dma_protect(c->h, c->base);
}

static void step_measure(void *ctx)
{
	const struct step_ctx *c = ctx;

	measure(c->h, c->base);
}

static const struct sl_step_ops steps = { step_dma, step_measure };

void sl_main(u32 base)
{
	struct xmhf_sl_params *params = &handoff.params;
	u64 entry;
	bool la57;
	int err;

	sl_base_linear = base;
	/* Copy first: the checks and all later uses see the same bytes. */
	memcpy(params, sl_phys(base + XMHF_SLPB_OFFSET), sizeof(*params));
	err = sl_params_check(params, base, rdmsr(MSR_IA32_APIC_BASE) & 0x000ffffffffff000ull);
	if (err == SL_PARAMS_OK || xmhf_debug_port_ok(params->debug_port))
		log_port = (u16)params->debug_port;
	if (err) {
		sl_puts("xmhf sl: parameter block rejected: ");
		sl_puts(sl_params_strerror(err));
		sl_puts("\n");
		sl_halt();
	}
	if (!runtime_header_ok(params, base)) {
		sl_puts("xmhf sl: runtime header missing or disagrees with the parameters\n");
		sl_halt();
	}
	la57 = params->bsp.cr4 & CR4_LA57;
	if (la57 && !cpu_has_la57()) {
		sl_puts("xmhf sl: 5-level paging requested but not supported\n");
		sl_halt();
	}
	sl_launch_steps(&steps, &(struct step_ctx){ &handoff, base });
	sl_puts("xmhf sl: entering the runtime\n");
	entry = XMHF_RT_VBASE +
		((const struct xmhf_rt_header *)sl_phys(base + XMHF_RT_OFFSET))->entry;
	sl_enter_runtime(build_page_tables(base, la57), la57,
			 base + (u32)(uintptr_t)&handoff, (u32)entry,
			 (u32)(entry >> 32));
}
