/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's write to CR0, CR3 or CR4 that the hypervisor emulates (a
 * hypapp subscribed it): checked the way the CPU checks MOV to CRn, so
 * that a value the CPU would refuse gets #GP instead of reaching the
 * VMCB, where VMRUN would fail and the CPU would be lost (AMD APM vol. 2,
 * "Control registers"; docs/isolation-msr.md, "CR writes").  Pure: unit-
 * tested on the host (selftests/unit/test_cr.c).
 */
#ifndef XMHF_ARCH_CR_H
#define XMHF_ARCH_CR_H

#include <types.h>

struct cr_state {
	u64 cr0, cr3, cr4, efer;
	bool code64;		/* 64-bit code segment: 64-bit operands */
	u8 phys_bits;		/* CPUID 0x80000008 EAX[7:0] */
	u64 cr4_valid;		/* the CR4 bits this CPU implements (cr4_valid_bits) */
	u64 efer_valid;		/* the EFER bits a guest may set (efer_valid_bits) */
};

/*
 * MOV to CRn (0, 3 or 4) of val: 0 and *st updated (EFER.LMA follows
 * CR0.PG; CR3's PCID no-flush bit 63 is taken off), or -1 for #GP(0)
 * with *st unchanged.
 */
int cr_write(struct cr_state *st, unsigned int cr, u64 val);

/* CLTS and LMSW, as CR0 writes: the CR0 value they write. */
u64 cr0_after_clts(u64 cr0);
u64 cr0_after_lmsw(u64 cr0, u16 src);

/* The CR4 bits the CPU's CPUID says it implements. */
u64 cr4_valid_bits(void);

/*
 * WRMSR to EFER of val (as the guest sees it: without SVME): 0 and
 * st->efer updated, SVME kept, or -1 for #GP(0) with *st unchanged.  A
 * bit outside st->efer_valid (SVME included), LME changed with paging
 * on, or LMA changed (the CPU's to set, never the guest's): VMRUN would
 * fail or long mode would no longer match the CPU's state.
 */
int efer_write(struct cr_state *st, u64 val);

/*
 * The EFER bits the guest may set: SCE, LME, LMA, NXE, and FFXSR, TCE
 * and AutoIBRS where CPUID says the CPU has them.  Never SVME or LMSLE.
 */
u64 efer_valid_bits(void);

#endif /* XMHF_ARCH_CR_H */
