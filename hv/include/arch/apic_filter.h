/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which interrupt delivery modes the guest may program into the sources
 * the hypervisor filters: the IOAPIC's redirection entries, the local
 * APIC's LVT entries (xAPIC page and x2APIC MSRs) and MSI messages (the
 * HPET's FSB route).  None may send SMI, INIT or STARTUP, or a mode the
 * source calls reserved (docs/isolation-init.md).  Pure: unit-tested on
 * the host (selftests/unit/test_apic_filter.c).
 *
 * The delivery mode is bits 10:8 in all of them: the IOAPIC entry's low
 * dword, the LVT register, the MSI data word (Intel SDM vol. 3A 10.5.1,
 * 10.11.2; AMD APM vol. 2 16.4; 82093AA IOAPIC 3.2.4).
 */
#ifndef XMHF_ARCH_APIC_FILTER_H
#define XMHF_ARCH_APIC_FILTER_H

#include <types.h>

#define INTR_DM_SHIFT		8
#define INTR_DM_MASK		(7u << INTR_DM_SHIFT)
#define INTR_DM_FIXED		0u
#define INTR_DM_LOWEST		1u
#define INTR_DM_SMI		2u
#define INTR_DM_NMI		4u
#define INTR_DM_INIT		5u
#define INTR_DM_STARTUP		6u
#define INTR_DM_EXTINT		7u
#define INTR_MASKED		(1u << 16)	/* IOAPIC entry and LVT mask bit */

/* Where a delivery mode was written: one row each in the policy table. */
enum intr_source {
	INTR_IOAPIC,		/* IOAPIC redirection entry, low dword */
	INTR_LVT_LINT,		/* LVT LINT0/LINT1 */
	INTR_LVT_DM,		/* LVT CMCI, thermal, performance counter, AMD EILVT */
	INTR_LVT_NODM,		/* LVT timer, error: bits 10:8 reserved */
	INTR_MSI,		/* an MSI data word (HPET FSB route) */
	INTR_SOURCES
};

static inline u32 intr_dm(u32 val)
{
	return (val & INTR_DM_MASK) >> INTR_DM_SHIFT;
}

/* May src carry delivery mode dm (0-7)? */
bool intr_mode_allowed(enum intr_source src, u32 dm);
const char *intr_source_name(enum intr_source src);

/* xAPIC LVT registers (MMIO offsets); x2APIC MSR = 0x800 + (offset >> 4). */
#define APIC_LVT_CMCI		0x2f0
#define APIC_LVT_TIMER		0x320
#define APIC_LVT_THERMAL	0x330
#define APIC_LVT_PERF		0x340
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
/* AMD's extended LVTs (APM vol. 2, 16.4.5): IBS, MCE thresholds, ... */
#define APIC_EILVT0		0x500
#define APIC_EILVT_COUNT	4
#define X2APIC_MSR_BASE		0x800

/* May the guest write the xAPIC register at off (16-byte aligned, not read-only/reserved)? */
bool apic_reg_writable(u32 off);
/* The LVT row of an xAPIC offset, or INTR_SOURCES if off is no LVT. */
enum intr_source lvt_source(u32 off);
/* The xAPIC offset of an x2APIC MSR, or 0 if it is no LVT MSR. */
u32 lvt_offset_of_msr(u32 msr);
/* A write of val to the APIC register at off: false if it is a refused LVT value. */
bool lvt_write_allowed(u32 off, u32 val);
/* The value a refused entry is made harmless with: masked, fixed mode. */
static inline u32 intr_defuse(u32 val)
{
	return (val & ~INTR_DM_MASK) | INTR_MASKED;
}

/* IOAPIC redirection entry, low dword. */
bool ioapic_rte_allowed(u32 lo);

/*
 * An MSI message: address in the 0xFEExxxxx window (upper dword 0 in the
 * 64-bit form), fixed or lowest priority.  Each register alone, and the
 * whole message.
 */
#define MSI_ADDR_WINDOW		0xfee00000u
#define MSI_ADDR_WINDOW_MASK	0xfff00000u
bool msi_addr_allowed(u32 addr);
bool msi_addr_hi_allowed(u32 addr_hi);
bool msi_data_allowed(u32 data);
bool msi_msg_allowed(u32 addr_lo, u32 addr_hi, u32 data);

#endif /* XMHF_ARCH_APIC_FILTER_H */
