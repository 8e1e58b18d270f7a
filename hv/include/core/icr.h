/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC's interrupt command register, as the guest writes it:
 * decoded so the core can virtualise INIT and STARTUP, refuse SMI and
 * the reserved modes, and pass the rest to the real APIC, and composed for the IPIs the core sends itself.
 * Pure: unit-tested on the host.
 *
 * xAPIC: ICR low at MMIO offset 0x300 (writing it sends), ICR high at
 * 0x310 with the destination in bits 31:24.  x2APIC: one 64-bit write to
 * MSR 0x830, destination in bits 63:32.  (Intel SDM vol. 3A, 10.6.1 and
 * 10.12.9; AMD APM vol. 2, 16.5 and 16.11.)
 */
#ifndef XMHF_CORE_ICR_H
#define XMHF_CORE_ICR_H

#include <types.h>

#define APIC_ICR_LO		0x300
#define APIC_ICR_HI		0x310
#define MSR_X2APIC_ICR		0x830

/* ICR bits 31:0. */
#define ICR_VECTOR_MASK		0xffu
#define ICR_DM_MASK		(7u << 8)	/* delivery mode */
#define ICR_DM_FIXED		(0u << 8)
#define ICR_DM_LOWEST		(1u << 8)
#define ICR_DM_SMI		(2u << 8)
#define ICR_DM_NMI		(4u << 8)
#define ICR_DM_INIT		(5u << 8)
#define ICR_DM_STARTUP		(6u << 8)
#define ICR_DEST_LOGICAL_BIT	(1u << 11)
#define ICR_BUSY		(1u << 12)	/* delivery status, read-only; not in x2APIC */
#define ICR_LEVEL_ASSERT	(1u << 14)
#define ICR_TRIGGER_LEVEL	(1u << 15)
#define ICR_SH_SHIFT		18
#define ICR_SH_MASK		(3u << ICR_SH_SHIFT)	/* destination shorthand */
#define ICR_SH_NONE		(0u << ICR_SH_SHIFT)
#define ICR_SH_SELF		(1u << ICR_SH_SHIFT)
#define ICR_SH_ALL		(2u << ICR_SH_SHIFT)
#define ICR_SH_OTHERS		(3u << ICR_SH_SHIFT)

/* The destination field of ICR high (xAPIC) and the broadcast IDs. */
#define ICR_XAPIC_DEST_SHIFT	24
#define ICR_XAPIC_BROADCAST	0xffu
#define ICR_X2APIC_BROADCAST	0xffffffffu

enum icr_kind {
	ICR_PASS,		/* fixed, lowest priority, NMI: forward to the real APIC */
	ICR_REFUSE,		/* SMI and the reserved modes: never sent */
	ICR_INIT,		/* INIT, level assert (or edge) */
	ICR_INIT_DEASSERT,	/* INIT with level=0 and trigger=level: a no-op on modern CPUs */
	ICR_SIPI,		/* STARTUP, vector = start page */
};

enum icr_dest {
	ICR_DEST_PHYS,		/* one physical APIC ID (apic_id) */
	ICR_DEST_SELF,		/* shorthand 01 */
	ICR_DEST_ALL,		/* shorthand 10, or the physical broadcast ID */
	ICR_DEST_OTHERS,	/* shorthand 11 */
	ICR_DEST_LOGICAL,	/* logical mode, no shorthand: apic_id is the logical destination */
};

struct icr_msg {
	enum icr_kind kind;
	enum icr_dest dest;
	u8 vector;
	u32 apic_id;		/* the destination field as written */
};

/*
 * lo = ICR bits 31:0; hi = bits 63:32 (xAPIC: the ICR high register's
 * value, destination in bits 31:24).  Every write decodes, reserved bits
 * and invalid combinations (SELF with INIT or STARTUP) included.
 */
void icr_decode(u32 lo, u32 hi, bool x2apic, struct icr_msg *m);

/*
 * Does m address the CPU with APIC ID target, when sent by the CPU with
 * APIC ID self?  Logical destinations: false (unsupported, the caller logs).
 */
bool icr_targets(const struct icr_msg *m, u32 self, u32 target, bool x2apic);

/*
 * ICR bits 31:0 for an IPI to one physical destination, no shorthand:
 * delivery_mode is one of ICR_DM_*, edge-triggered, level asserted (the
 * SDM asks for 1 in every mode but the INIT de-assert).
 */
static inline u32 icr_lo(u32 delivery_mode, u8 vector)
{
	return (delivery_mode & ICR_DM_MASK) | ICR_LEVEL_ASSERT | vector;
}

/* ICR bits 63:32 for physical destination apic_id. */
static inline u32 icr_hi(u32 apic_id, bool x2apic)
{
	return x2apic ? apic_id : apic_id << ICR_XAPIC_DEST_SHIFT;
}

#endif /* XMHF_CORE_ICR_H */
