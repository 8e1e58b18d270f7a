// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's intercepted local APIC writes (core/guest_apic.h): its
 * IA32_APIC_BASE, and its ICR, where INIT and SIPI never reach the
 * hardware.  An INIT sends the target back to wait-for-SIPI (an NMI gets
 * it out of guest mode), a SIPI starts it in real mode at the vector's
 * page (core/smp.c does both), as the CPU would.
 */
#include <arch/x86.h>
#include <arch/apic_filter.h>
#include <core/guest_apic.h>
#include <core/icr.h>
#include <core/lapic.h>
#include <core/log.h>
#include <core/smp.h>
#include <core/spinlock.h>
#include <xmhf/hypercall.h>

#ifdef XMHF_HOST_TEST
/* The unit test plays the CPU's MSRs. */
u64 test_rdmsr(u32 msr);
int test_wrmsr_safe(u32 msr, u64 val);
#define rdmsr(msr)		test_rdmsr(msr)
#define wrmsr_safe(msr, val)	test_wrmsr_safe(msr, val)
#endif

#define APIC_BASE_ADDR	0x000ffffffffff000ull

bool guest_apic_base_write(u64 val)
{
	/*
	 * The xAPIC page stays where the nested page tables trap it, and
	 * the APIC stays on: the hypervisor's NMIs must reach this CPU.
	 */
	if (((val ^ rdmsr(MSR_IA32_APIC_BASE)) & APIC_BASE_ADDR) ||
	    !(val & APIC_BASE_EN))
		return false;
	return !wrmsr_safe(MSR_IA32_APIC_BASE, val);
}

bool guest_x2apic_icr_write(struct vcpu *v, u64 val)
{
	/* Not an MSR outside x2APIC mode: #GP, as the CPU would. */
	if (!lapic_x2apic())
		return false;
	return !smp_guest_icr(v, (u32)val, (u32)(val >> 32), true);
}

bool guest_lvt_write_ok(u32 off, u32 val)
{
	if (lvt_write_allowed(off, val))
		return true;
	hv_log("xmhf: guest %s write 0x%x (APIC 0x%x, delivery mode %u) refused: #GP\n",
	       intr_source_name(lvt_source(off)), val, off, intr_dm(val));
	return false;
}

bool guest_x2apic_lvt_write(u32 msr, u64 val)
{
	u32 off = lvt_offset_of_msr(msr);

	/* Not an MSR outside x2APIC mode; bits 63:32 are reserved: the CPU's #GP. */
	if (!off || !lapic_x2apic() || !guest_lvt_write_ok(off, (u32)val))
		return false;
	return !wrmsr_safe(msr, val);
}

/* INIT: a vCPU in the guest goes back to wait-for-SIPI; a pending SIPI is void. */
static void guest_init(struct vcpu *t)
{
	bool kick;

	spin_lock(&smp_start_lock);
	kick = t->state == XMHF_CPU_GUEST;
	if (vcpu_live(t))
		t->sipi = 0;
	if (kick)
		t->init_req = true;
	spin_unlock(&smp_start_lock);
	if (kick)
		smp_kick(t);
}

/* SIPI: only a vCPU waiting for it (or about to, after an INIT) starts. */
static void guest_sipi(struct vcpu *t, u8 vector)
{
	spin_lock(&smp_start_lock);
	if ((t->state == XMHF_CPU_WAIT_SIPI || t->init_req) &&
	    !(t->sipi & VCPU_SIPI_VALID))
		t->sipi = VCPU_SIPI_VALID | vector;
	spin_unlock(&smp_start_lock);
}

int smp_guest_icr(struct vcpu *v, u32 lo, u32 hi, bool x2apic)
{
	struct icr_msg m;
	unsigned int i;

	icr_decode(lo, hi, x2apic, &m);
	if (m.kind == ICR_PASS) {
		/* Reserved x2APIC ICR bits make WRMSR fault: the guest's #GP. */
		if (x2apic)
			return wrmsr_safe(MSR_X2APIC_ICR, (u64)hi << 32 | lo) ? -1 : 0;
		lapic_write(APIC_ICR_LO, lo);
		return 0;
	}
	if (m.kind == ICR_INIT_DEASSERT)
		return 0;
	if (m.kind == ICR_REFUSE) {
		/* Dropped, as a device would drop it: Linux never sends these. */
		hv_log("xmhf: guest IPI with delivery mode %u refused (ICR 0x%x)\n",
		       (lo & ICR_DM_MASK) >> 8, lo);
		return 0;
	}
	if (m.dest == ICR_DEST_LOGICAL) {
		hv_log("xmhf: guest INIT/SIPI in logical destination mode dropped\n");
		return 0;
	}
	for (i = 0; i < smp_count(); i++) {
		struct vcpu *t = smp_vcpu(i);

		/* A CPU cannot INIT or start itself. */
		if (t == v || !icr_targets(&m, v->apic_id, t->apic_id, x2apic))
			continue;
		if (m.kind == ICR_INIT)
			guest_init(t);
		else
			guest_sipi(t, m.vector);
	}
	return 0;
}
