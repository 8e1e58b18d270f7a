/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's writes to its local APIC that the core intercepts: the
 * IA32_APIC_BASE MSR and the ICR (x2APIC MSR 0x830, or the xAPIC page
 * through smp_guest_icr()), with INIT and SIPI virtualised, and the LVT
 * entries, filtered.  Kept apart
 * from svm.c and smp.c so that the host unit tests can build it against
 * a CPU they play (selftests/unit/test_guest_apic.c).
 */
#ifndef XMHF_CORE_GUEST_APIC_H
#define XMHF_CORE_GUEST_APIC_H

#include <core/vcpu.h>

/*
 * WRMSR IA32_APIC_BASE: the xAPIC page may not move and the APIC may not
 * be turned off; anything else is the CPU's to accept.  false: #GP.
 */
bool guest_apic_base_write(u64 val);

/* WRMSR to the x2APIC ICR: only in x2APIC mode.  false: #GP. */
bool guest_x2apic_icr_write(struct vcpu *v, u64 val);

/*
 * A write of val to the local APIC register at xAPIC offset off: false
 * (logged) if it is an LVT entry with a delivery mode the policy refuses
 * (arch/apic_filter.h: SMI, INIT, reserved), which gets #GP.
 */
bool guest_lvt_write_ok(u32 off, u32 val);

/* WRMSR to an x2APIC LVT MSR (0x82F, 0x832-0x837, 0x850-0x853).  false: #GP. */
bool guest_x2apic_lvt_write(u32 msr, u64 val);

#endif /* XMHF_CORE_GUEST_APIC_H */
