// SPDX-License-Identifier: GPL-2.0
/*
 * Secure loader, C part.  Runs in 32-bit protected mode with segment
 * base = SLB base (see entry.S), so a pointer p reaches linear address
 * base + p; sl_phys() turns a physical address into such a pointer.
 */
#include <types.h>
#include <sl.h>
#include <sl_handoff.h>
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

static void outb(u16 port, u8 val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port));
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

void sl_main(u32 base)
{
	struct xmhf_sl_params *params = &handoff.params;
	u64 entry;
	bool la57;
	int err;

	sl_base_linear = base;
	/* Copy first: the checks and all later uses see the same bytes. */
	memcpy(params, sl_phys(base + XMHF_SLPB_OFFSET), sizeof(*params));
	err = sl_params_check(params, base);
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
	measure(&handoff, base);
	sl_puts("xmhf sl: entering the runtime\n");
	entry = XMHF_RT_VBASE +
		((const struct xmhf_rt_header *)sl_phys(base + XMHF_RT_OFFSET))->entry;
	sl_enter_runtime(build_page_tables(base, la57), la57,
			 base + (u32)(uintptr_t)&handoff, (u32)entry,
			 (u32)(entry >> 32));
}
