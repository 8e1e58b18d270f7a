// SPDX-License-Identifier: GPL-2.0
/*
 * The IOAPIC and the HPET as the guest sees them (arch/intr_mmio.h): reads
 * go to the hardware through a read-only nested mapping, writes come here
 * and pass unless they would program a delivery mode the policy refuses
 * (arch/apic_filter.h).  Plus the LVT scrub each CPU makes at launch.
 */
#include <arch/x86.h>
#include <arch/apic_filter.h>
#include <arch/intr_mmio.h>
#include <core/lapic.h>
#include <core/log.h>
#include <core/npt.h>
#include <core/spinlock.h>

/* Below 4 GiB the runtime maps physical memory 1:1. */
static volatile u32 *mmio32(u64 pa)
{
	return (volatile u32 *)(uintptr_t)pa;
}

static u32 rd32(u64 pa)
{
	return *mmio32(pa);
}

static void wr32(u64 pa, u32 val)
{
	*mmio32(pa) = val;
}

/* ---- IOAPIC: IOREGSEL at 0x00 selects, IOWIN at 0x10 reads/writes ---- */

#define IOREGSEL		0x00
#define IOWIN			0x10
#define IOAPIC_EOI		0x40	/* version 0x20 and later */
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_RTE0		0x10

static spinlock_t ioapic_lock;
/*
 * The guest's IOREGSEL.  Only the hypervisor writes the real one (the
 * page is read-only to the guest), always to this value outside the lock,
 * so the guest's native IOWIN reads see the register it selected.
 */
static u32 ioregsel;
static bool have_ioapic, have_hpet;

static u32 ioapic_read(u32 reg)
{
	wr32(IOAPIC_BASE + IOREGSEL, reg);
	return rd32(IOAPIC_BASE + IOWIN);
}

static void ioapic_write_reg(u32 reg, u32 val)
{
	wr32(IOAPIC_BASE + IOREGSEL, reg);
	wr32(IOAPIC_BASE + IOWIN, val);
}

static bool is_rte_lo(u32 reg)
{
	return reg >= IOAPIC_REG_RTE0 && !(reg & 1);
}

static void ioapic_launch(void)
{
	u32 ver, n, i, lo;

	ioregsel = rd32(IOAPIC_BASE + IOREGSEL) & 0xff;
	ver = ioapic_read(IOAPIC_REG_VER);
	have_ioapic = ver != 0xffffffffu;
	if (!have_ioapic) {
		hv_log("xmhf: no IOAPIC at 0x%llx\n", IOAPIC_BASE);
		return;
	}
	n = ((ver >> 16) & 0xff) + 1;
	for (i = 0; i < n; i++) {
		lo = ioapic_read(IOAPIC_REG_RTE0 + 2 * i);
		if (ioapic_rte_allowed(lo))
			continue;
		hv_log("xmhf: IOAPIC pin %u had delivery mode %u at launch: masked\n",
		       i, intr_dm(lo));
		ioapic_write_reg(IOAPIC_REG_RTE0 + 2 * i, intr_defuse(lo));
	}
	wr32(IOAPIC_BASE + IOREGSEL, ioregsel);
}

static bool ioapic_write(u32 off, unsigned int size, u32 val)
{
	bool ok = true;

	spin_lock(&ioapic_lock);
	if (off == IOREGSEL && (size == 1 || size == 4)) {
		ioregsel = val & 0xff;
		wr32(IOAPIC_BASE + IOREGSEL, ioregsel);
	} else if (off == IOWIN && size == 4) {
		if (is_rte_lo(ioregsel) && !ioapic_rte_allowed(val))
			hv_log("xmhf: guest IOAPIC pin %u write 0x%x (delivery mode %u) refused\n",
			       (ioregsel - IOAPIC_REG_RTE0) / 2, val, intr_dm(val));
		else
			ioapic_write_reg(ioregsel, val);
	} else if (off == IOAPIC_EOI && size == 4) {
		wr32(IOAPIC_BASE + IOAPIC_EOI, val);
	} else {
		ok = false;
	}
	spin_unlock(&ioapic_lock);
	return ok;
}

/* ---- HPET: timer N's FSB (MSI) route must be a valid MSI ---- */

#define HPET_CAP		0x000
#define HPET_TIMER0		0x100
#define HPET_TIMER_STRIDE	0x20
#define HPET_TN_CFG		0x00
#define HPET_TN_FSB_DATA	0x10
#define HPET_TN_FSB_ADDR	0x14
#define HPET_TN_FSB_EN		BIT(14)

static spinlock_t hpet_lock;
static u32 hpet_timers;

static u64 hpet_timer_reg(u32 n, u32 reg)
{
	return HPET_BASE + HPET_TIMER0 + n * HPET_TIMER_STRIDE + reg;
}

static bool hpet_route_ok(u32 n)
{
	return msi_data_allowed(rd32(hpet_timer_reg(n, HPET_TN_FSB_DATA))) &&
	       msi_addr_allowed(rd32(hpet_timer_reg(n, HPET_TN_FSB_ADDR)));
}

static void hpet_launch(void)
{
	u32 cap = rd32(HPET_BASE + HPET_CAP), n, cfg;

	/* Vendor ID in bits 31:16; all ones or zero: nothing decodes there. */
	have_hpet = cap != 0xffffffffu && (cap >> 16);
	if (!have_hpet) {
		hv_log("xmhf: no HPET at 0x%llx\n", HPET_BASE);
		return;
	}
	hpet_timers = ((cap >> 8) & 0x1f) + 1;
	for (n = 0; n < hpet_timers; n++) {
		cfg = rd32(hpet_timer_reg(n, HPET_TN_CFG));
		if (!(cfg & HPET_TN_FSB_EN) || hpet_route_ok(n))
			continue;
		hv_log("xmhf: HPET timer %u had an FSB route refused at launch: FSB off\n", n);
		wr32(hpet_timer_reg(n, HPET_TN_CFG), cfg & ~HPET_TN_FSB_EN);
	}
}

static bool hpet_write32(u32 off, u32 val)
{
	u32 n, reg;
	bool pass = true;

	if (off >= HPET_TIMER0 && off < HPET_TIMER0 + hpet_timers * HPET_TIMER_STRIDE) {
		n = (off - HPET_TIMER0) / HPET_TIMER_STRIDE;
		reg = (off - HPET_TIMER0) % HPET_TIMER_STRIDE;
		if (reg == HPET_TN_CFG)
			pass = !(val & HPET_TN_FSB_EN) || hpet_route_ok(n);
		else if (reg == HPET_TN_FSB_DATA)
			pass = msi_data_allowed(val);
		else if (reg == HPET_TN_FSB_ADDR)
			pass = msi_addr_allowed(val);
		if (!pass) {
			hv_log("xmhf: guest HPET timer %u write 0x%x at +0x%x refused (FSB route)\n",
			       n, val, reg);
			return true;
		}
	}
	wr32(HPET_BASE + off, val);
	return true;
}

static bool hpet_write(u32 off, unsigned int size, u64 val)
{
	bool ok;

	/* Linux writes 32 bits; a 64-bit store is its two halves, low first. */
	if ((size != 4 && size != 8) || (off & (size - 1)))
		return false;
	spin_lock(&hpet_lock);
	ok = hpet_write32(off, (u32)val) &&
	     (size == 4 || hpet_write32(off + 4, (u32)(val >> 32)));
	spin_unlock(&hpet_lock);
	return ok;
}

/* ---- the shared part ---- */

bool intr_mmio_page(u64 gpa)
{
	u64 page = gpa & ~0xfffull;

	return page == IOAPIC_BASE || page == HPET_BASE;
}

int intr_mmio_launch(struct npt *npt)
{
	ioapic_launch();
	hpet_launch();
	/* Read-only even when absent: nothing may appear there later. */
	if (npt_set_4k(npt, IOAPIC_BASE, true, false) ||
	    npt_set_4k(npt, HPET_BASE, true, false))
		return -1;
	return 0;
}

bool intr_mmio_write(u64 gpa, unsigned int size, u64 val)
{
	u32 off = gpa & 0xfff;

	if ((gpa & ~0xfffull) == IOAPIC_BASE)
		return have_ioapic && ioapic_write(off, size, (u32)val);
	if ((gpa & ~0xfffull) == HPET_BASE)
		return have_hpet && hpet_write(off, size, val);
	return false;
}

/* ---- LVT entries as this CPU has them at launch ---- */

/* In the order of the version register's "max LVT entry" count. */
static const u32 lvt_regs[] = {
	APIC_LVT_TIMER, APIC_LVT_THERMAL, APIC_LVT_PERF, APIC_LVT_LINT0,
	APIC_LVT_LINT1, APIC_LVT_ERROR, APIC_LVT_CMCI,
};

#define APIC_VERSION		0x30
#define APIC_VER_EAS		BIT(31)		/* AMD: extended register space */
#define APIC_EXT_FEATURE	0x400

static u32 apic_rd(u32 off, bool x2)
{
	return x2 ? (u32)rdmsr(X2APIC_MSR_BASE + (off >> 4)) : lapic_read(off);
}

/*
 * The LVT registers this APIC has: reading one it lacks sets the
 * "illegal register address" error (QEMU does so for an x2APIC MSR too),
 * which Linux's next AP start-up reads back from the ESR as a failed
 * delivery.
 */
static bool apic_has(u32 off, bool x2, u32 ver)
{
	unsigned int i, max_lvt = (ver >> 16) & 0xff;

	if (off >= APIC_EILVT0)
		return (ver & APIC_VER_EAS) &&
		       (off - APIC_EILVT0) / 0x10 < ((apic_rd(APIC_EXT_FEATURE, x2) >> 16) & 0xff);
	for (i = 0; i < ARRAY_SIZE(lvt_regs); i++)
		if (lvt_regs[i] == off)
			return i <= max_lvt;
	return false;
}

static void lvt_scrub_one(u32 off, bool x2, u32 ver)
{
	u64 val;

	if (!apic_has(off, x2, ver))
		return;
	if (x2) {
		if (rdmsr_safe(X2APIC_MSR_BASE + (off >> 4), &val))
			return;
	} else {
		val = lapic_read(off);
	}
	if (lvt_write_allowed(off, (u32)val))
		return;
	hv_log("xmhf: CPU APIC ID %u: LVT 0x%x had delivery mode %u at launch: masked\n",
	       cpu_apic_id(), off, intr_dm((u32)val));
	if (x2)
		wrmsr_safe(X2APIC_MSR_BASE + (off >> 4), intr_defuse((u32)val));
	else
		lapic_write(off, intr_defuse((u32)val));
}

void lvt_launch_scrub(void)
{
	bool x2 = lapic_x2apic();
	u32 ver = apic_rd(APIC_VERSION, x2);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvt_regs); i++)
		lvt_scrub_one(lvt_regs[i], x2, ver);
	for (i = 0; i < APIC_EILVT_COUNT; i++)
		lvt_scrub_one(APIC_EILVT0 + 0x10 * i, x2, ver);
}
