// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of the local APIC ICR writes the core intercepts (core/icr.h):
 * INIT and STARTUP are virtualised, everything else goes to the real APIC.
 */
#include <core/icr.h>

static enum icr_kind icr_kind(u32 lo)
{
	switch (lo & ICR_DM_MASK) {
	case ICR_DM_INIT:
		/*
		 * Level-triggered with level 0 is the INIT level de-assert
		 * that the MP start-up sequence still sends (Linux does, in
		 * both APIC modes); P4 and later ignore it.  Any other INIT
		 * acts as an edge INIT.
		 */
		if ((lo & ICR_TRIGGER_LEVEL) && !(lo & ICR_LEVEL_ASSERT))
			return ICR_INIT_DEASSERT;
		return ICR_INIT;
	case ICR_DM_STARTUP:
		return ICR_SIPI;
	case ICR_DM_FIXED:
	case ICR_DM_LOWEST:
	case ICR_DM_NMI:
		return ICR_PASS;
	}
	/* SMI, and the reserved 011 (remote read) and 111 (ExtINT). */
	return ICR_REFUSE;
}

static u32 broadcast_id(bool x2apic)
{
	return x2apic ? ICR_X2APIC_BROADCAST : ICR_XAPIC_BROADCAST;
}

/* A shorthand overrides the destination mode and field. */
static enum icr_dest icr_dest(u32 lo, u32 apic_id, bool x2apic)
{
	switch (lo & ICR_SH_MASK) {
	case ICR_SH_SELF:
		return ICR_DEST_SELF;
	case ICR_SH_ALL:
		return ICR_DEST_ALL;
	case ICR_SH_OTHERS:
		return ICR_DEST_OTHERS;
	}
	if (lo & ICR_DEST_LOGICAL_BIT)
		return ICR_DEST_LOGICAL;
	return apic_id == broadcast_id(x2apic) ? ICR_DEST_ALL : ICR_DEST_PHYS;
}

void icr_decode(u32 lo, u32 hi, bool x2apic, struct icr_msg *m)
{
	/* xAPIC: bits 23:0 of ICR high are reserved. */
	m->apic_id = x2apic ? hi : hi >> ICR_XAPIC_DEST_SHIFT;
	m->vector = lo & ICR_VECTOR_MASK;
	m->kind = icr_kind(lo);
	m->dest = icr_dest(lo, m->apic_id, x2apic);
}

bool icr_targets(const struct icr_msg *m, u32 self, u32 target, bool x2apic)
{
	switch (m->dest) {
	case ICR_DEST_PHYS:
		/* A message built by hand may still name the broadcast ID. */
		return m->apic_id == target || m->apic_id == broadcast_id(x2apic);
	case ICR_DEST_SELF:
		return target == self;
	case ICR_DEST_ALL:
		return true;
	case ICR_DEST_OTHERS:
		return target != self;
	case ICR_DEST_LOGICAL:
		break;
	}
	return false;
}
