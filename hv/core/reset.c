// SPDX-License-Identifier: GPL-2.0
/*
 * Platform reset and sleep requested by the guest (core/reset.h).  DRAM
 * survives a reset (and S3, whose resume runs the OS natively), so
 * nothing of the hypervisor may be left in it: the other CPUs are parked
 * first (they would run hypervisor code out of scrubbed memory), then
 * the stub in reset_stub.S scrubs and makes the guest's OUT.
 */
#include <arch/x86.h>
#include <arch/dma.h>
#include <core/lapic.h>
#include <core/log.h>
#include <core/mm.h>
#include <core/quiesce.h>
#include <core/reset.h>
#include <core/smp.h>
#include <xmhf/layout.h>

void rt_scrub_and_out(u64 base_pa, u32 port, u32 val, u32 size, u64 delay_tsc)
	__attribute__((noreturn));

#define PARK_WAIT_US	2000000
#define FALLBACK_MS	500	/* between the stub's reset attempts */

static volatile u32 reset_owner = ~0u;	/* index of the CPU on this path */

/* Every other live CPU out of guest mode and parked (halted, SVM off). */
static bool park_others(struct vcpu *me)
{
	unsigned int i;

	for (i = 0; i < smp_count(); i++) {
		struct vcpu *t = smp_vcpu(i);

		if (t == me || !vcpu_live(t))
			continue;
		t->park = true;
		smp_kick(t);
	}
	for (i = 0; i < smp_count(); i++) {
		struct vcpu *t = smp_vcpu(i);
		u64 until = tsc_us() + PARK_WAIT_US;

		if (t == me)
			continue;
		/* A CPU stopping the others for a moment waits for us: answer. */
		while (vcpu_live(t) && !__atomic_load_n(&t->parking_done, __ATOMIC_ACQUIRE)) {
			quiesce_poll(me);
			cpu_relax();
			if (tsc_us() > until) {
				hv_log("xmhf: CPU %u (APIC ID %u) did not stop for the reset: refused\n",
				       t->index, t->apic_id);
				return false;
			}
		}
	}
	return true;
}

void hv_reset_platform(struct vcpu *v, u16 port, unsigned int size, u32 val,
		       const char *why)
{
	u64 base = hv_pa((void *)(uintptr_t)XMHF_RT_VBASE) - XMHF_RT_OFFSET;
	u32 none = ~0u;
	u64 t0, u0;

	if (!__atomic_compare_exchange_n(&reset_owner, &none, v->index, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		/* Another CPU is on this path and parks this one: let it. */
		while (!__atomic_load_n(&v->park, __ATOMIC_ACQUIRE)) {
			quiesce_poll(v);
			cpu_relax();
		}
		return;
	}
	hv_log("xmhf: CPU %u: %s (OUT 0x%x, %u byte(s), to port 0x%x): parking the other CPUs\n",
	       v->index, why, val, size, port);
	if (!park_others(v)) {
		/* Not this time: let a later reset try again, not spin for ever. */
		__atomic_store_n(&reset_owner, ~0u, __ATOMIC_RELEASE);
		return;
	}
	/* A cold start: no CMOS shutdown code sends the firmware to 0x467. */
	outb(0x70, 0x0f);
	outb(0x71, 0x00);
	t0 = rdtsc();
	u0 = tsc_us();
	while (tsc_us() < u0 + 1000)
		cpu_relax();
	dma_release();		/* the IOMMU as Linux left it, before its tables go */
	/* The announcement stays the log's last line (reset-scrub.t). */
	hv_log("xmhf: scrubbing the hypervisor's %u KiB at 0x%lx and %u extra blocks, then the platform takes over\n",
	       XMHF_MEM_SIZE >> 10, base, hv_blocks());
	hv_scrub_blocks();	/* through the direct map, before the stub takes it all */
	rt_scrub_and_out(base, port, val, size, (rdtsc() - t0) * FALLBACK_MS);
}
