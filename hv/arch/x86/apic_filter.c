// SPDX-License-Identifier: GPL-2.0
/*
 * The delivery-mode policy of the interrupt sources the guest programs
 * (arch/apic_filter.h): one table, a row per source, a bit per mode.
 */
#include <arch/apic_filter.h>

#define DM(m)	(1u << INTR_DM_##m)

static const struct {
	u8 allowed;		/* bit n: delivery mode n may be written */
	const char *name;
} intr_policy[INTR_SOURCES] = {
	/*
	 * Fixed and lowest priority are what Linux programs; NMI is taken by
	 * the hypervisor's NMI exit and handed on; ExtINT only fetches a
	 * vector from the 8259 (Linux's timer fall-back on pin 0).
	 */
	[INTR_IOAPIC]	= { DM(FIXED) | DM(LOWEST) | DM(NMI) | DM(EXTINT), "IOAPIC entry" },
	/* LINT0 is ExtINT in virtual-wire mode, LINT1 the NMI pin. */
	[INTR_LVT_LINT]	= { DM(FIXED) | DM(NMI) | DM(EXTINT), "LVT LINT" },
	/* Linux's perf counters interrupt as NMIs. */
	[INTR_LVT_DM]	= { DM(FIXED) | DM(NMI), "LVT" },
	/* No mode field: only 000 (QEMU honours whatever is written there). */
	[INTR_LVT_NODM]	= { DM(FIXED), "LVT timer/error" },
	[INTR_MSI]	= { DM(FIXED) | DM(LOWEST), "MSI" },
};

bool intr_mode_allowed(enum intr_source src, u32 dm)
{
	return src < INTR_SOURCES && dm < 8 && (intr_policy[src].allowed >> dm) & 1;
}

const char *intr_source_name(enum intr_source src)
{
	return src < INTR_SOURCES ? intr_policy[src].name : "?";
}

enum intr_source lvt_source(u32 off)
{
	switch (off) {
	case APIC_LVT_LINT0:
	case APIC_LVT_LINT1:
		return INTR_LVT_LINT;
	case APIC_LVT_CMCI:
	case APIC_LVT_THERMAL:
	case APIC_LVT_PERF:
		return INTR_LVT_DM;
	case APIC_LVT_TIMER:
	case APIC_LVT_ERROR:
		return INTR_LVT_NODM;
	}
	if (off >= APIC_EILVT0 && off < APIC_EILVT0 + 0x10 * APIC_EILVT_COUNT &&
	    !(off & 0xf))
		return INTR_LVT_DM;
	return INTR_SOURCES;
}

/*
 * The xAPIC registers the guest may write, as [first, last] offsets of
 * 16-byte registers.  Everything else is read-only or reserved, and not
 * harmless to forward: QEMU turns a store at offset 0x000 of the APIC
 * page into an MSI carrying the guest's data (hw/intc/apic.c), so INIT
 * and SMI could be sent without passing the LVT or ICR filters.
 * AMD APM vol. 2, table 16-2; Intel SDM vol. 3A, table 10-1.
 */
static const struct { u16 first, last; } apic_writable[] = {
	{ 0x080, 0x080 },	/* task priority */
	{ 0x0b0, 0x0b0 },	/* EOI */
	{ 0x0d0, 0x0f0 },	/* logical destination, destination format, spurious */
	{ 0x280, 0x280 },	/* error status */
	{ 0x2f0, 0x370 },	/* CMCI, ICR low/high, LVTs (filtered by mode) */
	{ 0x380, 0x380 },	/* timer initial count */
	{ 0x3e0, 0x3e0 },	/* timer divide configuration */
	{ 0x410, 0x420 },	/* AMD extended control, specific EOI */
	{ 0x480, 0x4f0 },	/* AMD interrupt enables */
	{ APIC_EILVT0, APIC_EILVT0 + 0x10 * (APIC_EILVT_COUNT - 1) },
};

bool apic_reg_writable(u32 off)
{
	unsigned int i;

	if (off & 0xf)
		return false;
	for (i = 0; i < sizeof(apic_writable) / sizeof(apic_writable[0]); i++)
		if (off >= apic_writable[i].first && off <= apic_writable[i].last)
			return true;
	return false;
}

u32 lvt_offset_of_msr(u32 msr)
{
	u32 off;

	if (msr < X2APIC_MSR_BASE || msr > X2APIC_MSR_BASE + 0xff)
		return 0;
	off = (msr - X2APIC_MSR_BASE) << 4;
	return lvt_source(off) == INTR_SOURCES ? 0 : off;
}

bool lvt_write_allowed(u32 off, u32 val)
{
	enum intr_source src = lvt_source(off);

	/*
	 * Masked or not: a later unmask is a write of the whole register,
	 * but the launch scrub and this check keep every LVT valid, so
	 * Linux's "read, set the mask bit, write back" passes too.
	 */
	return src == INTR_SOURCES || intr_mode_allowed(src, intr_dm(val));
}

bool ioapic_rte_allowed(u32 lo)
{
	return intr_mode_allowed(INTR_IOAPIC, intr_dm(lo));
}

/*
 * Bits 19:0 (destination, the extended destination ID or remapping
 * handle, RH and DM) are left to the guest: every combination is an
 * interrupt message, claimed by the interrupt logic, never a memory write.
 */
bool msi_addr_allowed(u32 addr)
{
	return (addr & MSI_ADDR_WINDOW_MASK) == MSI_ADDR_WINDOW;
}

/* A 64-bit MSI address above 4 GiB is a DMA write, not an interrupt. */
bool msi_addr_hi_allowed(u32 addr_hi)
{
	return addr_hi == 0;
}

bool msi_data_allowed(u32 data)
{
	return intr_mode_allowed(INTR_MSI, intr_dm(data));
}

bool msi_msg_allowed(u32 addr_lo, u32 addr_hi, u32 data)
{
	return msi_addr_allowed(addr_lo) && msi_addr_hi_allowed(addr_hi) &&
	       msi_data_allowed(data);
}
