// SPDX-License-Identifier: GPL-2.0
/*
 * MOV to CR0/CR3/CR4, CLTS and LMSW, emulated for a subscribed CR write:
 * the checks the CPU makes (AMD APM vol. 2, 3.1 and 5.3; vol. 3, MOV
 * CRn, CLTS, LMSW), so that the VMCB only ever gets what the CPU itself
 * would have taken.
 */
#include <arch/x86.h>
#include <arch/cr.h>

#define CR3_PCID_NOFLUSH	BIT(63)
#define CR0_LMSW_BITS		(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS)

static int cr0_write(struct cr_state *st, u64 val)
{
	bool lma = st->efer & EFER_LMA;

	if (val >> 32)					/* bits 63:32 MBZ */
		return -1;
	val |= X86_CR0_ET;				/* fixed at 1 */
	if ((val & X86_CR0_PG) && !(val & X86_CR0_PE))
		return -1;
	if ((val & X86_CR0_NW) && !(val & X86_CR0_CD))
		return -1;
	/* Paging off in 64-bit mode; long mode on without PAE. */
	if (!(val & X86_CR0_PG) && lma && st->code64)
		return -1;
	if ((val & X86_CR0_PG) && !(st->cr0 & X86_CR0_PG) &&
	    (st->efer & EFER_LME) && !(st->cr4 & X86_CR4_PAE))
		return -1;
	/* EFER.LMA is what the CPU sets when PG goes on with LME, and clears with PG. */
	if (!(val & X86_CR0_PG))
		st->efer &= ~EFER_LMA;
	else if (!(st->cr0 & X86_CR0_PG) && (st->efer & EFER_LME))
		st->efer |= EFER_LMA;
	st->cr0 = val;
	return 0;
}

static int cr3_write(struct cr_state *st, u64 val)
{
	if (st->efer & EFER_LMA) {
		/* With PCIDE, bit 63 asks for no TLB flush; it is not part of CR3. */
		if (st->cr4 & X86_CR4_PCIDE)
			val &= ~CR3_PCID_NOFLUSH;
		if (st->phys_bits < 64 && (val >> st->phys_bits))
			return -1;			/* reserved: beyond the physical address */
	} else {
		val = (u32)val;				/* legacy CR3 is 32 bits */
	}
	st->cr3 = val;
	return 0;
}

static int cr4_write(struct cr_state *st, u64 val)
{
	u64 changed = val ^ st->cr4;
	bool lma = st->efer & EFER_LMA;

	if (val & ~st->cr4_valid)
		return -1;
	if (lma && !(val & X86_CR4_PAE))
		return -1;			/* PAE off in long mode */
	if (lma && (changed & X86_CR4_LA57))
		return -1;			/* the paging depth only outside long mode */
	if ((val & X86_CR4_PCIDE) && !lma)
		return -1;			/* PCIDs exist in long mode only */
	if ((changed & val & X86_CR4_PCIDE) && (st->cr3 & 0xfff))
		return -1;			/* PCIDE on needs PCID 0 in CR3 */
	st->cr4 = val;
	return 0;
}

int cr_write(struct cr_state *st, unsigned int cr, u64 val)
{
	struct cr_state next = *st;
	int err;

	if (!st->code64)
		val = (u32)val;			/* 32-bit operand outside 64-bit mode */
	switch (cr) {
	case 0: err = cr0_write(&next, val); break;
	case 3: err = cr3_write(&next, val); break;
	case 4: err = cr4_write(&next, val); break;
	default: err = -1; break;
	}
	if (!err)
		*st = next;
	return err;
}

u64 cr0_after_clts(u64 cr0)
{
	return cr0 & ~(u64)X86_CR0_TS;
}

/* LMSW writes PE, MP, EM and TS, and can set PE but never clear it. */
u64 cr0_after_lmsw(u64 cr0, u16 src)
{
	return (cr0 & ~(u64)CR0_LMSW_BITS) | (src & CR0_LMSW_BITS) | (cr0 & X86_CR0_PE);
}

int efer_write(struct cr_state *st, u64 val)
{
	u64 changed = val ^ (st->efer & ~EFER_SVME);

	if (val & ~st->efer_valid)
		return -1;			/* reserved here, or SVME */
	if ((changed & EFER_LME) && (st->cr0 & X86_CR0_PG))
		return -1;			/* as the CPU: LME fixed while paging */
	if (changed & EFER_LMA)
		return -1;			/* long mode would disagree with CR0.PG/LME */
	st->efer = val | (st->efer & EFER_SVME);
	return 0;
}

#ifndef XMHF_HOST_TEST
u64 efer_valid_bits(void)
{
	u32 a, b, c, d, max;
	u64 bits = EFER_SCE | EFER_LME | EFER_LMA;

	cpuid(0x80000000, &max, &b, &c, &d);
	cpuid(0x80000001, &a, &b, &c, &d);
	if (d & BIT(20))
		bits |= EFER_NXE;
	if (d & BIT(25))
		bits |= EFER_FFXSR;
	if (c & BIT(17))
		bits |= EFER_TCE;
	if (max >= 0x80000021) {
		cpuid(0x80000021, &a, &b, &c, &d);
		if (a & BIT(8))
			bits |= EFER_AUTOIBRS;
	}
	return bits;
}

/* The architectural CR4 bits that AMD defines, each only if CPUID says so. */
u64 cr4_valid_bits(void)
{
	u32 a, b, c, d, max;
	u64 bits = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		   X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		   X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	cpuid(0, &max, &b, &c, &d);
	cpuid(1, &a, &b, &c, &d);
	if (c & BIT(17))
		bits |= X86_CR4_PCIDE;
	if (c & BIT(26))
		bits |= X86_CR4_OSXSAVE;
	if (max >= 7) {
		cpuid_count(7, 0, &a, &b, &c, &d);
		if (b & BIT(0))
			bits |= X86_CR4_FSGSBASE;
		if (b & BIT(7))
			bits |= X86_CR4_SMEP;
		if (b & BIT(20))
			bits |= X86_CR4_SMAP;
		if (c & BIT(2))
			bits |= X86_CR4_UMIP;
		if (c & BIT(3))
			bits |= X86_CR4_PKE;
		if (c & BIT(7))
			bits |= X86_CR4_CET;
		if (c & BIT(16))
			bits |= X86_CR4_LA57;
	}
	return bits;
}
#endif
