// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration space: one policy table for every guest write, by
 * either way in (docs/isolation-pci.md).
 *
 * - Mechanism #1: the guest's dword at 0xCF8 is kept here, one latch for
 *   the platform as on the chipset; an access to 0xCFC-0xCFF replays the
 *   guest's address and the access under pci_lock, so that no other CPU's
 *   address slips in between.
 * - ECAM: read-only in the nested page tables; a store faults, svm.c
 *   decodes it and hands it to pci_mmio_write().  Reads stay native.
 * - MSI-X tables, in BAR MMIO: their pages read-only wherever the BAR
 *   puts them (tracked on every BAR and command write), stores decoded
 *   the same way and their delivery modes filtered.
 *
 * A write is checked byte by byte against the table.  Bytes of a
 * read-only range keep their value; a filter may refuse bytes too; the
 * rest is written as the guest asked, with its width.  A write whose
 * every byte was refused is dropped.
 *
 * MSI and MSI-X keep one invariant: no message the device may send
 * (MSI enabled; MSI-X entry unmasked in a table the hypervisor guards)
 * is other than a write into 0xFEExxxxx with fixed or lowest-priority
 * delivery.  The launch scan makes it true, the filters keep it.
 */
#include <arch/apic_filter.h>
#include <arch/intr_mmio.h>
#include <arch/ioports.h>
#include <arch/x86.h>
#include <core/hub.h>
#include <core/lapic.h>
#include <core/log.h>
#include <core/npt.h>
#include <core/mm.h>
#include <core/pci.h>
#include <core/quiesce.h>
#include <core/spinlock.h>
#include <core/vcpu.h>

#define CF8_ENABLE		BIT(31)
/* Reserved, or AMD's extended register number (NB_CFG EnableCf8ExtCfg). */
#define CF8_RESERVED		0x7f000000u

#define PCI_ID			0x00
#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEMORY	BIT(1)
#define PCI_STATUS_CAP_LIST	BIT(20)		/* in the dword at 0x04 */
#define PCI_CLASS		0x08
#define PCI_HEADER_TYPE		0x0c
#define PCI_CAP_PTR		0x34
#define PCI_CAP_PTR_CARDBUS	0x14
#define PCI_BUS_NUMBERS		0x18	/* type 1 and 2: primary, secondary, subordinate */
#define PCI_EXT_CAP		0x100

#define CAP_MSI			0x05
#define CAP_PCIE		0x10
#define CAP_MSIX		0x11
/* Extended capabilities (ECAM only), apart from the classic IDs. */
#define ECAP(id)		(0x8000 | (id))
#define ECAP_SRIOV		ECAP(0x10)

#define MSI_CTL_ENABLE		BIT(0)
#define MSI_CTL_64BIT		BIT(7)
#define MSI_CTL_MASKBIT		BIT(8)
#define MSIX_CTL_ENABLE		BIT(15)
#define PCIE_DEVCTL2		0x28
#define PCIE_DEVCTL2_ARI	BIT(5)	/* downstream ports: ARI forwarding */
#define SRIOV_CTL		0x08
#define SRIOV_CTL_VFE		BIT(0)	/* VF Enable */

/*
 * What an MSI may carry is the MSI row of the one delivery-mode table
 * and its address check (arch/x86/apic_filter.c).
 */

/* The whole platform's: CPUs take it around every config access. */
static spinlock_t pci_lock;
static u32 guest_cf8;
static u64 ecam_base, ecam_size;	/* ecam_size 0: no ECAM */
static struct npt *pci_npt;

/*
 * Spinning for pci_lock is a quiesce safe point: its holder may stop the
 * other CPUs (to move an MSI-X table's protection), and a CPU spinning
 * here with GIF clear could not take the NMI.  v is NULL at launch.
 */
static void pci_lock_take(struct vcpu *v)
{
	while (__atomic_exchange_n(&pci_lock.locked, 1, __ATOMIC_ACQUIRE)) {
		if (v)
			quiesce_poll(v);
		cpu_relax();
	}
}

/* ---- the hardware, pci_lock held ---- */

#ifdef XMHF_HOST_TEST
/* The unit test plays configuration space and the MSI-X tables' MMIO. */
u32 test_cfg_read(u16 bdf, u16 reg, unsigned int size);
void test_cfg_write(u16 bdf, u16 reg, unsigned int size, u32 v);
void test_mmio_store(u64 pa, unsigned int size, u64 v);
u32 test_mmio_load32(u64 pa);
#define hw_read(bdf, reg, size)		test_cfg_read(bdf, reg, size)
#define hw_write(bdf, reg, size, v)	test_cfg_write(bdf, reg, size, v)
#define mmio_store(pa, size, v)		test_mmio_store(pa, size, v)
#define mmio_load32(pa)			test_mmio_load32(pa)
int test_rdmsr_safe(u32 msr, u64 *val);
#define rdmsr_safe(msr, val)		test_rdmsr_safe(msr, val)
#else

static bool ecam_reaches(u16 bdf, u16 reg, unsigned int size)
{
	/*
	 * Below 4 GiB the runtime maps physical memory 1:1.  A word at an
	 * odd offset (mechanism #1 allows it inside the dword) goes by CF8.
	 */
	return ecam_size && ecam_base + ecam_size <= (1ull << 32) &&
	       ((u64)bdf << 12) < ecam_size && !(reg & (size - 1));
}

static volatile void *ecam_ptr(u16 bdf, u16 reg)
{
	return (volatile void *)(uintptr_t)(ecam_base + ((u64)bdf << 12) + reg);
}

/* An aligned access of 1, 2 or 4 bytes; all ones where it cannot go. */
static u32 hw_read(u16 bdf, u16 reg, unsigned int size)
{
	u32 v;

	if (ecam_reaches(bdf, reg, size)) {
		if (size == 1)
			return *(volatile u8 *)ecam_ptr(bdf, reg);
		if (size == 2)
			return *(volatile u16 *)ecam_ptr(bdf, reg);
		return *(volatile u32 *)ecam_ptr(bdf, reg);
	}
	if (reg >= 0x100)
		return ~0u;
	outl(PCI_CFG_ADDR_PORT, CF8_ENABLE | (u32)bdf << 8 | (reg & 0xfc));
	if (size == 1)
		v = inb(PCI_CFG_DATA_PORT + (reg & 3));
	else if (size == 2)
		v = inw(PCI_CFG_DATA_PORT + (reg & 3));
	else
		v = inl(PCI_CFG_DATA_PORT);
	/* Leave no address behind for a native access to find. */
	outl(PCI_CFG_ADDR_PORT, 0);
	return v;
}

static void hw_write(u16 bdf, u16 reg, unsigned int size, u32 v)
{
	if (ecam_reaches(bdf, reg, size)) {
		if (size == 1)
			*(volatile u8 *)ecam_ptr(bdf, reg) = (u8)v;
		else if (size == 2)
			*(volatile u16 *)ecam_ptr(bdf, reg) = (u16)v;
		else
			*(volatile u32 *)ecam_ptr(bdf, reg) = v;
		return;
	}
	if (reg >= 0x100)
		return;
	outl(PCI_CFG_ADDR_PORT, CF8_ENABLE | (u32)bdf << 8 | (reg & 0xfc));
	if (size == 1)
		outb(PCI_CFG_DATA_PORT + (reg & 3), (u8)v);
	else if (size == 2)
		outw(PCI_CFG_DATA_PORT + (reg & 3), (u16)v);
	else
		outl(PCI_CFG_DATA_PORT, v);
	outl(PCI_CFG_ADDR_PORT, 0);
}

/* A store into an MSI-X table page, below 4 GiB (mapped 1:1). */
static void mmio_store(u64 pa, unsigned int size, u64 val)
{
	if (size == 1)
		*(volatile u8 *)(uintptr_t)pa = (u8)val;
	else if (size == 2)
		*(volatile u16 *)(uintptr_t)pa = (u16)val;
	else if (size == 4)
		*(volatile u32 *)(uintptr_t)pa = (u32)val;
	else
		*(volatile u64 *)(uintptr_t)pa = val;
}

static u32 mmio_load32(u64 pa)
{
	return *(volatile u32 *)(uintptr_t)pa;
}
#endif /* XMHF_HOST_TEST */

/* ---- the policy ---- */

struct pci_dev {
	u16 bdf;
	u32 id;		/* vendor | device << 16 */
	u32 cls;	/* base class << 16 | subclass << 8 | programming interface */
};

/* One write, inside one dword: the bytes in mask, old and as they will be. */
struct pci_write {
	u16 dw;			/* the dword's offset */
	u8 mask;		/* bit i: byte dw + i is written */
	u8 old[4], val[4];
};

enum pci_act {
	PCI_RO,		/* the guest's bytes are dropped */
	PCI_MASK,	/* only the bits in allow change (a dword-aligned rule) */
	PCI_FILTER,	/* filter() decides */
};

struct pci_rule {
	const char *what;
	u32 id, id_mask;	/* the device matches when (id & id_mask) == .id */
	u32 cls, cls_mask;	/* the same for its class code */
	u16 cap;		/* 0: offsets from 0; else from this capability (or ECAP()) */
	u16 start, end;		/* [start, end); end 0: the capability's length */
	enum pci_act act;
	u32 allow;		/* PCI_MASK */
	/* Returns the bytes of w it refused (bit i: byte dw + i). */
	u8 (*filter)(const struct pci_dev *d, u16 base, struct pci_write *w);
};

static u8 msi_filter(const struct pci_dev *d, u16 base, struct pci_write *w);
static u8 msix_ctl_filter(const struct pci_dev *d, u16 base, struct pci_write *w);
static u8 bus_number_filter(const struct pci_dev *d, u16 base, struct pci_write *w);

#define ANY_DEVICE		0, 0, 0, 0
#define CLASS(c, m)		0, 0, (c), (m)
#define PCI_DEV_ID(v, d)	((v) | (u32)(d) << 16), 0xffffffffu, 0, 0

/*
 * THE policy.  For each byte written, the first rule that matches the
 * device and covers the byte decides; a byte no rule covers is written.
 * Ordinary devices meet only the MSI, MSI-X, SR-IOV, ARI and bus-number
 * rules, which refuse nothing Linux writes once it runs: their drivers
 * keep working.
 */
static const struct pci_rule pci_rules[] = {
	/*
	 * Any device: an MSI is a write to 0xFEExxxxx (upper dword 0) with
	 * fixed or lowest-priority delivery; MSI Enable only with such a
	 * message in place.
	 */
	{ "MSI: address and delivery mode", ANY_DEVICE, CAP_MSI, 0, 0, PCI_FILTER,
	  0, msi_filter },
	/*
	 * Host bridges (class 06 00, vendor-neutral): past the common
	 * header lie the memory map and SMM (on q35 PCIEXBAR 0x60, PAM
	 * 0x90-0x96, SMRAM 0x9d, ESMRAMC 0x9e, TOM/TOUUD/TOLUD/TSEG 0xa0-
	 * 0xb3, QEMU's TSEG size 0x50; on AMD the D18Fx DRAM and MMIO
	 * maps).  Nothing there is Linux's to write.
	 */
	{ "host bridge: command/status", CLASS(0x060000, 0xffff00), 0,
	  0x04, 0x08, PCI_MASK, 0xffff0000u, NULL },
	{ "host bridge: memory map and SMM", CLASS(0x060000, 0xffff00), 0,
	  0x00, 0x1000, PCI_RO, 0, NULL },
	/*
	 * The IOMMU (class 08 06): Linux's driver reads its capability
	 * block and programs its MSI (the rule above); the command register
	 * keeps its decode and bus-master bits, INTx-disable stays Linux's
	 * (it sets it for MSI); the status register's write-1-to-clear bits
	 * stay writable.  Its BARs, capability block (the MMIO base) and
	 * everything else are read-only.
	 */
	{ "IOMMU: command", CLASS(0x080600, 0xffff00), 0,
	  0x04, 0x08, PCI_MASK, 0xffff0000u | BIT(10), NULL },
	{ "IOMMU: BARs, capability block and the rest", CLASS(0x080600, 0xffff00), 0,
	  0x00, 0x1000, PCI_RO, 0, NULL },
	/*
	 * Intel ICH9 LPC (q35): the ACPI PM I/O base and its enable (the
	 * sleep and SMI ports move with them), the GPIO base, BIOS control,
	 * and the root complex base (RCBA, whose 16 KiB window could be put
	 * over the TPM's decode at 0xfed40000 or the hypervisor's pages).
	 * The PIRQ routing (0x60-0x6b) and LPC I/O decode (0x80-0x93) that
	 * ACPI's AML programs stay writable.
	 */
	{ "ICH9 LPC: PMBASE, ACPI_CNTL, GPIOBASE, GC", PCI_DEV_ID(0x8086, 0x2918), 0,
	  0x40, 0x50, PCI_RO, 0, NULL },
	{ "ICH9 LPC: BIOS control", PCI_DEV_ID(0x8086, 0x2918), 0,
	  0xdc, 0xe0, PCI_RO, 0, NULL },
	{ "ICH9 LPC: root complex base (RCBA)", PCI_DEV_ID(0x8086, 0x2918), 0,
	  0xf0, 0xf4, PCI_RO, 0, NULL },
	/*
	 * Intel PIIX4 power management (i440fx): the ACPI PM I/O base and
	 * its enable, and the SMBus base.  A moved PMBASE would take the
	 * sleep control port away from the port policy, which found it at
	 * launch: S3 without the scrub.
	 */
	{ "PIIX4 PM: PMBASE", PCI_DEV_ID(0x8086, 0x7113), 0,
	  0x40, 0x44, PCI_RO, 0, NULL },
	{ "PIIX4 PM: PM I/O enable (PMREGMISC)", PCI_DEV_ID(0x8086, 0x7113), 0,
	  0x80, 0x81, PCI_RO, 0, NULL },
	{ "PIIX4 PM: SMBus base", PCI_DEV_ID(0x8086, 0x7113), 0,
	  0x90, 0x94, PCI_RO, 0, NULL },
	/* MSI-X Enable only where the hypervisor guards the table. */
	{ "MSI-X: enable without a guarded table", ANY_DEVICE, CAP_MSIX, 0, 4, PCI_FILTER,
	  0, msix_ctl_filter },
	/*
	 * SR-IOV: VF Enable stays as the launch found it (off: the launch
	 * refuses to run over VFs).  A VF's configuration space reads as
	 * no device (vendor 0xffff), so no filter here would see its MSI.
	 */
	{ "SR-IOV: VF Enable", ANY_DEVICE, ECAP_SRIOV, SRIOV_CTL, SRIOV_CTL + 4, PCI_MASK,
	  ~(u32)SRIOV_CTL_VFE, NULL },
	/*
	 * PCIe downstream ports: ARI forwarding changes which device and
	 * function numbers the functions below answer to (as a bus number
	 * does): it stays as the launch found it.
	 */
	{ "PCIe: ARI forwarding", ANY_DEVICE, CAP_PCIE, PCIE_DEVCTL2, PCIE_DEVCTL2 + 4, PCI_MASK,
	  ~(u32)PCIE_DEVCTL2_ARI, NULL },
	/*
	 * Bridges (header type 1 or 2, whatever the class): the primary,
	 * secondary and subordinate bus numbers stay as the launch found
	 * them.  A renumbered bus moves its devices to bus/device/function
	 * numbers the MSI-X state is not kept under.  Last: on a type-0
	 * header these bytes are BAR 2, which earlier rules may own.
	 */
	{ "bridge: bus numbers", ANY_DEVICE, 0, PCI_BUS_NUMBERS, PCI_BUS_NUMBERS + 4, PCI_FILTER,
	  0, bus_number_filter },
};

static u8 header_type(const struct pci_dev *d)
{
	return (hw_read(d->bdf, PCI_HEADER_TYPE, 4) >> 16) & 0x7f;
}

/* The offset of extended capability id (ECAM, from 0x100), or 0. */
static u16 ecap_find(const struct pci_dev *d, u16 id)
{
	u16 p = PCI_EXT_CAP;
	unsigned int n;
	u32 hdr;

	for (n = 0; n < (0x1000 - PCI_EXT_CAP) / 4 && p >= PCI_EXT_CAP; n++) {
		hdr = hw_read(d->bdf, p, 4);
		if (hdr == 0 || hdr == 0xffffffffu)
			return 0;
		if ((hdr & 0xffff) == id)
			return p;
		p = (hdr >> 20) & 0xffc;
	}
	return 0;
}

/* The offset of capability id in d's list, or 0; bounded against loops. */
static u16 cap_find(const struct pci_dev *d, u16 id)
{
	u8 type = header_type(d);
	u16 p;
	unsigned int n;

	if (id & ECAP(0))
		return ecap_find(d, id & ~ECAP(0));
	if (!(hw_read(d->bdf, PCI_COMMAND, 4) & PCI_STATUS_CAP_LIST))
		return 0;
	p = hw_read(d->bdf, type == 2 ? PCI_CAP_PTR_CARDBUS : PCI_CAP_PTR, 1) & 0xfc;
	for (n = 0; n < 48 && p >= 0x40; n++) {
		u32 hdr = hw_read(d->bdf, p, 4);

		if ((hdr & 0xff) == id)
			return p;
		p = (hdr >> 8) & 0xfc;
	}
	return 0;
}

/* Bytes of a capability whose size its own registers tell. */
static u16 cap_len(const struct pci_dev *d, u16 id, u16 at)
{
	u16 ctl = hw_read(d->bdf, at + 2, 2);

	if (id == CAP_MSI)
		return (ctl & MSI_CTL_64BIT ? 14 : 10) + (ctl & MSI_CTL_MASKBIT ? 10 : 0);
	if (id == CAP_MSIX)
		return 12;
	return 4;
}

/* A dword of w as it will be: the guest's bytes over the old ones. */
static u32 w_new(const struct pci_write *w)
{
	return w->val[0] | (u32)w->val[1] << 8 | (u32)w->val[2] << 16 | (u32)w->val[3] << 24;
}

/* Bytes in mask that the write changes. */
static u8 w_changes(const struct pci_write *w, u8 mask)
{
	u8 changed = 0;
	unsigned int b;

	for (b = 0; b < 4; b++)
		if ((mask & w->mask & (1u << b)) && w->val[b] != w->old[b])
			changed |= 1u << b;
	return changed;
}

/* A register refused: its bytes in the write keep their old value. */
static u8 w_refuse(struct pci_write *w, u8 mask)
{
	unsigned int b;

	for (b = 0; b < 4; b++)
		if (mask & w->mask & (1u << b))
			w->val[b] = w->old[b];
	return mask & w->mask;
}

/*
 * MSI: each register of the message is checked on its own, so that the
 * order Linux writes them in does not matter: the address low dword (+4)
 * must lie in 0xFEExxxxx, the high one (+8 with 64-bit addresses) must be
 * 0, the data (+8, or +12) must keep delivery mode fixed or lowest
 * priority in bits 10:8 (native and AMD-remapped formats alike).  A bad
 * register keeps its old value whole.  MSI Enable (control bit 0) may go
 * from 0 to 1 only when the message in place is good: a device that was
 * reset (FLR) has address 0.
 */
static u8 msi_filter(const struct pci_dev *d, u16 base, struct pci_write *w)
{
	u16 ctl = hw_read(d->bdf, base + 2, 2);
	bool is64 = ctl & MSI_CTL_64BIT;
	u16 data = base + (is64 ? 12 : 8);
	u32 lo, hi, dv;

	if (w->dw == base + 4) {
		if (!msi_addr_allowed(w_new(w)))
			return w_refuse(w, 0xf);
		return 0;
	}
	if (is64 && w->dw == base + 8) {
		if (!msi_addr_hi_allowed(w_new(w)))
			return w_refuse(w, 0xf);
		return 0;
	}
	/* Capabilities are dword aligned: data is bytes 0-1 of its dword. */
	if (w->dw == data && (w->mask & 3)) {
		if (!msi_data_allowed(w_new(w) & 0xffff))
			return w_refuse(w, 3);
		return 0;
	}
	/* Control is bytes 2-3 of the header dword; Enable is bit 0 of byte 2. */
	if (w->dw == base && (w->mask & 4) && (w->val[2] & MSI_CTL_ENABLE) &&
	    !(w->old[2] & MSI_CTL_ENABLE)) {
		lo = hw_read(d->bdf, base + 4, 4);
		hi = is64 ? hw_read(d->bdf, base + 8, 4) : 0;
		dv = hw_read(d->bdf, data, 2);
		if (!msi_msg_allowed(lo, hi, dv)) {
			w->val[2] &= ~MSI_CTL_ENABLE;
			return 4;
		}
	}
	return 0;
}

static bool msix_guarded(u16 bdf);

/*
 * MSI-X control (bytes 2-3 of the capability's header dword): Enable
 * (bit 15) may go from 0 to 1 only when the hypervisor guards the
 * function's table now -- write-protected and scanned (msix_track) --
 * not when it could not be (no slot left, a page that is not ours,
 * above 4 GiB) or while memory decode is off.
 */
static u8 msix_ctl_filter(const struct pci_dev *d, u16 base, struct pci_write *w)
{
	(void)base;
	if (!(w->mask & 8) || !(w->val[3] & (MSIX_CTL_ENABLE >> 8)) ||
	    (w->old[3] & (MSIX_CTL_ENABLE >> 8)) || msix_guarded(d->bdf))
		return 0;
	w->val[3] &= ~(MSIX_CTL_ENABLE >> 8);
	return 8;
}

/* Header types 1 (PCI bridge) and 2 (CardBus): bus numbers at 0x18-0x1a. */
static u8 bus_number_filter(const struct pci_dev *d, u16 base, struct pci_write *w)
{
	u8 type;

	(void)base;
	if (!(w->mask & 7))
		return 0;
	type = header_type(d);
	if ((type != 1 && type != 2) || !w_changes(w, 7))
		return 0;
	return w_refuse(w, 7);
}

static bool rule_matches(const struct pci_rule *r, const struct pci_dev *d)
{
	return (d->id & r->id_mask) == r->id && (d->cls & r->cls_mask) == r->cls;
}

/*
 * Applies the table to w.  Returns the first rule that refused a byte
 * (for the log), or NULL when the write goes through as asked.  Refused
 * bytes, in *refused: every byte of a read-only range, and the bytes a
 * mask or a filter changed.
 */
static const struct pci_rule *pci_policy(const struct pci_dev *d, struct pci_write *w,
					 u8 *refused_bytes)
{
	const struct pci_rule *refused = NULL;
	u8 want[4], done = 0;
	unsigned int i, b;

	for (b = 0; b < 4; b++)
		want[b] = w->val[b];
	for (i = 0; i < ARRAY_SIZE(pci_rules) && done != w->mask; i++) {
		const struct pci_rule *r = &pci_rules[i];
		u16 start = r->start, end = r->end, base = 0;
		u8 hit = 0, no = 0;

		if (!rule_matches(r, d))
			continue;
		/* Extended capabilities lie at 0x100 and up, the others below. */
		if (r->cap && ((r->cap & ECAP(0)) != 0) != (w->dw >= PCI_EXT_CAP))
			continue;
		if (r->cap) {
			base = cap_find(d, r->cap);
			if (!base)
				continue;
			start = base + r->start;
			end = r->end ? base + r->end : base + cap_len(d, r->cap, base);
		}
		for (b = 0; b < 4; b++)
			if ((w->mask & ~done & (1u << b)) &&
			    w->dw + b >= start && w->dw + b < end)
				hit |= 1u << b;
		if (!hit)
			continue;
		done |= hit;
		for (b = 0; b < 4; b++) {
			if (!(hit & (1u << b)))
				continue;
			if (r->act == PCI_RO)
				w->val[b] = w->old[b];
			else if (r->act == PCI_MASK)
				w->val[b] = (w->old[b] & ~(u8)(r->allow >> 8 * b)) |
					    (w->val[b] & (u8)(r->allow >> 8 * b));
		}
		if (r->act == PCI_FILTER)
			no = r->filter(d, base, w) & hit;
		for (b = 0; b < 4; b++)
			if ((hit & (1u << b)) &&
			    (r->act == PCI_RO || w->val[b] != want[b]))
				no |= 1u << b;
		/* Logged when the guest's value was changed, not when kept. */
		for (b = 0; b < 4; b++)
			if ((no & (1u << b)) && w->val[b] != want[b] && !refused)
				refused = r;
		*refused_bytes |= no;
	}
	return refused;
}

/* ---- MSI-X tables: write-protected wherever their BAR puts them ---- */

#define MSIX_MAX	32	/* functions with an MSI-X table */
#define MSIX_ENTRY	16	/* address low, high, data, vector control */
#define MSIX_CTRL_MASKED	BIT(0)	/* vector control: the entry is masked */
#define PAGE_4K		0x1000ull
#define LOW_4G		(1ull << 32)

static struct msix_tbl {
	bool used;
	u16 bdf;
	u64 pa;		/* 0: no table reachable (no BAR, an I/O BAR) */
	u32 len;
} msix[MSIX_MAX];

/* The function's table is write-protected and was scanned where it is. */
static bool msix_guarded(u16 bdf)
{
	unsigned int i;

	for (i = 0; i < MSIX_MAX; i++)
		if (msix[i].used && msix[i].pa && msix[i].bdf == bdf)
			return true;
	return false;
}

static bool is_bar(const struct pci_dev *d, u16 dw)
{
	u8 type = header_type(d);

	return dw >= 0x10 && dw < (type == 0 ? 0x28 : type == 1 ? 0x18 : 0x10);
}

/*
 * Where d's MSI-X table is now, and its length; 0 if it has none, or if
 * memory decode is off (then no CPU store reaches it, and BAR sizing,
 * which Linux does with decode off, moves nothing).
 */
static u64 msix_locate(const struct pci_dev *d, u32 *len)
{
	u16 c = cap_find(d, CAP_MSIX), breg;
	u32 tbl, bar;
	u64 base;

	if (!c || !(hw_read(d->bdf, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY))
		return 0;
	*len = ((hw_read(d->bdf, c + 2, 2) & 0x7ff) + 1) * MSIX_ENTRY;
	tbl = hw_read(d->bdf, c + 4, 4);
	breg = 0x10 + 4 * (tbl & 7);
	if (!is_bar(d, breg))
		return 0;
	bar = hw_read(d->bdf, breg, 4);
	if (bar & 1)
		return 0;
	base = bar & ~0xfull;
	if (((bar >> 1) & 3) == 2 && is_bar(d, breg + 4))
		base |= (u64)hw_read(d->bdf, breg + 4, 4) << 32;
	return base ? base + (tbl & ~7u) : 0;
}

static bool msix_covers(const struct msix_tbl *t, u64 page)
{
	return t->used && t->pa && page + PAGE_4K > t->pa && page < t->pa + t->len;
}

static const struct msix_tbl *msix_page_owner(u64 page, const struct msix_tbl *except)
{
	unsigned int i;

	for (i = 0; i < MSIX_MAX; i++)
		if (&msix[i] != except && msix_covers(&msix[i], page))
			return &msix[i];
	return NULL;
}

/*
 * The pages under [pa, pa + len) read-only (protect) or back to
 * read-write where no other table needs them.  -1 if a page cannot be
 * protected: beyond the CPU's physical width, the hypervisor's, the
 * ECAM window, a hypapp's, or no heap left for a page table.
 */
static bool ecam_owns(u64 gpa);

/*
 * Pages other parts keep read-only, or away from the guest, for reasons of
 * their own: the local APIC, the IOAPIC and HPET, the ECAM window, the
 * hypervisor's and the TPM's.  A table there is refused, and its
 * protection is never lifted, whatever a BAR says.
 */
static bool page_not_ours(u64 pg)
{
	return pg == lapic_mmio_base() || intr_mmio_page(pg) || ecam_owns(pg) ||
	       ioports_mmio_page(pg) || npt_protected(pg) || hv_owns(pg, PAGE_4K);
}

static int msix_pages(u64 pa, u32 len, bool protect)
{
	u32 a, b, c, d;
	u64 pg;

	cpuid(0x80000008, &a, &b, &c, &d);
	for (pg = pa & ~(PAGE_4K - 1); pg < pa + len; pg += PAGE_4K) {
		if (page_not_ours(pg)) {
			if (protect)
				return -1;
			continue;
		}
		/* A page any table covers where it is now stays protected. */
		if (!protect && msix_page_owner(pg, NULL))
			continue;
		if (protect && ((pg >> (a & 0xff)) || hub_owns_page(pg) ||
				hv_heap_free_pages() < 64))
			return -1;
		if (npt_set_4k(pci_npt, pg, true, !protect) && protect)
			return -1;
	}
	return 0;
}

static bool msix_entry_ok(u32 e[4])
{
	return (e[3] & MSIX_CTRL_MASKED) || msi_msg_allowed(e[0], e[1], e[2]);
}

/*
 * A table just protected where it lies (at launch, or after a BAR move
 * or decode on): an unmasked entry whose message is refused -- put there
 * before the launch, or while the table was not guarded -- is masked.
 * Masked entries may hold anything: unmasking one is checked.
 */
static void msix_scan_table(const struct msix_tbl *t)
{
	u32 k, i, e[4];
	u64 a;

	for (k = 0; k < t->len / MSIX_ENTRY; k++) {
		a = t->pa + (u64)k * MSIX_ENTRY;
		for (i = 0; i < 4; i++)
			e[i] = mmio_load32(a + 4 * i);
		if (msix_entry_ok(e))
			continue;
		mmio_store(a + 12, 4, e[3] | MSIX_CTRL_MASKED);
		hv_log("xmhf: PCI %02x:%02x.%x: MSI-X entry %u (address 0x%x:%08x, data 0x%x) refused: masked\n",
		       t->bdf >> 8, (t->bdf >> 3) & 0x1f, t->bdf & 7, k, e[1], e[0], e[2]);
	}
}

/*
 * Re-reads where d's MSI-X table lies and moves its protection along,
 * the other CPUs stopped (or not yet running).  -1 if the new place
 * cannot be protected: the caller undoes its write, and the old place
 * stays protected.
 */
static int msix_track(const struct pci_dev *d)
{
	struct msix_tbl *t = NULL, *spare = NULL;
	u32 len = 0, old_len;
	u64 pa = msix_locate(d, &len), old_pa;
	unsigned int i;

	for (i = 0; i < MSIX_MAX; i++) {
		if (msix[i].used && msix[i].bdf == d->bdf)
			t = &msix[i];
		else if (!msix[i].used && !spare)
			spare = &msix[i];
	}
	if (!t) {
		if (!pa)
			return 0;
		if (!spare)
			return -1;
		t = spare;
		t->bdf = d->bdf;
		t->pa = 0;
		t->used = true;
	}
	if (t->pa == pa && t->len == len)
		return 0;
	/*
	 * Above 4 GiB the hypervisor can neither scan the table nor carry
	 * out the guest's stores (its 1:1 map ends there): not guarded.
	 */
	if (pa && (pa + len > LOW_4G || msix_pages(pa, len, true))) {
		/* What got protected of it, but what t still covers where it is. */
		msix_pages(pa, len, false);
		if (!t->pa)
			t->used = false;
		return -1;
	}
	old_pa = t->pa;
	old_len = t->len;
	/* t at its new place first: pages it keeps stay protected. */
	t->pa = pa;
	t->len = len;
	t->used = pa != 0;
	if (old_pa)
		msix_pages(old_pa, old_len, false);
	if (pa) {
		hv_log("xmhf: PCI %02x:%02x.%x: MSI-X table at 0x%lx (%u entries) write-protected\n",
		       d->bdf >> 8, (d->bdf >> 3) & 0x1f, d->bdf & 7, pa, len / MSIX_ENTRY);
		msix_scan_table(t);
	}
	return 0;
}

/* ---- I/O BARs: the port policy opens the devices' own ports ---- */

#define PCI_COMMAND_IO		BIT(0)
#define CLASS_IOMMU		0x080600	/* the hypervisor's: never opened */

/* The number of BARs of d's header type (0 for a type the table skips). */
static unsigned int bar_count(const struct pci_dev *d)
{
	u8 type = (hw_read(d->bdf, PCI_HEADER_TYPE, 4) >> 16) & 0x7f;

	if ((d->cls & 0xffff00) == CLASS_IOMMU)
		return 0;
	return type == 0 ? 6 : type == 1 ? 2 : 0;
}

/*
 * At launch: sizes each I/O BAR of d (I/O decode off meanwhile, then
 * everything as it was) and hands it to the port policy.
 */
static void io_bars_launch(const struct pci_dev *d)
{
	unsigned int i, n = bar_count(d);
	u16 cmd = hw_read(d->bdf, PCI_COMMAND, 2);
	u32 val, mask;

	for (i = 0; i < n; i++) {
		u16 reg = 0x10 + 4 * i;

		val = hw_read(d->bdf, reg, 4);
		if (!(val & 1)) {
			if (((val >> 1) & 3) == 2)
				i++;	/* a 64-bit memory BAR takes two */
			continue;
		}
		hw_write(d->bdf, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_IO);
		hw_write(d->bdf, reg, 4, 0xffffffffu);
		mask = hw_read(d->bdf, reg, 4) & ~3u;
		hw_write(d->bdf, reg, 4, val);
		hw_write(d->bdf, PCI_COMMAND, 2, cmd);
		if (!(mask & 0xffff0000u))
			mask |= 0xffff0000u;	/* a 16-bit decoder */
		if (mask)
			ioports_pci_bar_launch(d->bdf, i, val, ~mask + 1,
					       cmd & PCI_COMMAND_IO);
	}
}

/* After a guest write to d's command register or a BAR: as they are now. */
static void io_bars_update(const struct pci_dev *d)
{
	unsigned int i, n = bar_count(d);
	bool io_on = hw_read(d->bdf, PCI_COMMAND, 2) & PCI_COMMAND_IO;
	u32 val;

	for (i = 0; i < n; i++) {
		val = hw_read(d->bdf, 0x10 + 4 * i, 4);
		if (val & 1)
			ioports_pci_bar_update(d->bdf, i, val, io_on);
		else if (((val >> 1) & 3) == 2)
			i++;
	}
}

#define BDF_FMT		"%02x:%02x.%x"
#define BDF_ARGS(bdf)	(bdf) >> 8, ((bdf) >> 3) & 0x1f, (bdf) & 7

/*
 * At launch, one function: what Linux, or anything that ran before the
 * hypervisor, left programmed is made to fit the invariant.  An enabled
 * MSI with a refused message is disabled; the MSI-X table is protected
 * and scanned (msix_track), and MSI-X is disabled if the table cannot be
 * guarded.  VFs enabled under an SR-IOV capability: -1, the launch stops
 * (their configuration space reads as no device: nothing could filter
 * them).  No vCPU runs yet.
 */
static int launch_check(const struct pci_dev *d)
{
	u16 c, ctl;
	u32 lo, hi, data;

	c = cap_find(d, ECAP_SRIOV);
	if (c && (hw_read(d->bdf, c + SRIOV_CTL, 2) & SRIOV_CTL_VFE)) {
		hv_log("xmhf: PCI " BDF_FMT ": SR-IOV VFs enabled: their MSI and MSI-X cannot be filtered\n",
		       BDF_ARGS(d->bdf));
		return -1;
	}
	c = cap_find(d, CAP_MSI);
	if (c && ((ctl = hw_read(d->bdf, c + 2, 2)) & MSI_CTL_ENABLE)) {
		lo = hw_read(d->bdf, c + 4, 4);
		hi = ctl & MSI_CTL_64BIT ? hw_read(d->bdf, c + 8, 4) : 0;
		data = hw_read(d->bdf, c + (ctl & MSI_CTL_64BIT ? 12 : 8), 2);
		if (!msi_msg_allowed(lo, hi, data)) {
			hw_write(d->bdf, c + 2, 2, ctl & ~MSI_CTL_ENABLE);
			hv_log("xmhf: PCI " BDF_FMT ": MSI (address 0x%x:%08x, data 0x%x) refused at launch: MSI disabled\n",
			       BDF_ARGS(d->bdf), hi, lo, data);
		}
	}
	c = cap_find(d, CAP_MSIX);
	if (!c)
		return 0;
	if (msix_track(d))
		hv_log("xmhf: PCI " BDF_FMT ": its MSI-X table cannot be protected\n",
		       BDF_ARGS(d->bdf));
	ctl = hw_read(d->bdf, c + 2, 2);
	if ((ctl & MSIX_CTL_ENABLE) && !msix_guarded(d->bdf)) {
		hw_write(d->bdf, c + 2, 2, ctl & ~MSIX_CTL_ENABLE);
		hv_log("xmhf: PCI " BDF_FMT ": MSI-X table not guarded: MSI-X disabled\n",
		       BDF_ARGS(d->bdf));
	}
	return 0;
}

/* At launch: every function, bus by bus (no vCPU runs yet). */
static int launch_scan(void)
{
	struct pci_dev d = { 0 };
	unsigned int bus, dev, fn, nfn;
	int err = 0;

	for (bus = 0; bus < 256; bus++) {
		for (dev = 0; dev < 32; dev++) {
			nfn = 1;
			for (fn = 0; fn < nfn; fn++) {
				d.bdf = (u16)(bus << 8 | dev << 3 | fn);
				d.id = hw_read(d.bdf, PCI_ID, 4);
				if ((d.id & 0xffff) == 0xffff)
					continue;
				if (fn == 0 && (hw_read(d.bdf, PCI_HEADER_TYPE, 4) & BIT(23)))
					nfn = 8;
				d.cls = hw_read(d.bdf, PCI_CLASS, 4) >> 8;
				io_bars_launch(&d);
				if (launch_check(&d))
					err = -1;
			}
		}
	}
	return err;
}

/*
 * The guest's write of size bytes at reg of bdf, pci_lock held: through
 * the policy, then to the hardware.  how names the way in, for the log.
 * A write to a BAR or the command register of a function with an MSI-X
 * table stops the other CPUs (v's) while the table's protection follows
 * the BAR and the memory decode.
 */
static void pci_write(struct vcpu *v, u16 bdf, u16 reg, unsigned int size, u32 val,
		      const char *how)
{
	struct pci_dev d = { .bdf = bdf };
	struct pci_write w = { .dw = reg & ~3 };
	const struct pci_rule *r;
	u32 old, out = 0;
	unsigned int b, sh = reg & 3;
	bool moves, iobars;
	u8 refused = 0;

	d.id = hw_read(bdf, PCI_ID, 4);
	if (d.id == 0xffffffffu) {
		/* Nothing answers there: nothing to protect. */
		hw_write(bdf, reg, size, val);
		return;
	}
	d.cls = hw_read(bdf, PCI_CLASS, 4) >> 8;
	old = hw_read(bdf, w.dw, 4);
	for (b = 0; b < 4; b++) {
		w.old[b] = (u8)(old >> 8 * b);
		w.val[b] = w.old[b];
	}
	for (b = 0; b < size; b++) {
		w.mask |= 1u << (sh + b);
		w.val[sh + b] = (u8)(val >> 8 * b);
	}
	r = pci_policy(&d, &w, &refused);
	for (b = 0; b < size; b++) {
		out |= (u32)w.val[sh + b] << 8 * b;
	}
	if (r)
		hv_log("xmhf: PCI %02x:%02x.%x [%04x:%04x]: guest write of 0x%x (%u bytes at 0x%x, %s) refused: %s\n",
		       bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, d.id & 0xffff, d.id >> 16,
		       val, size, reg, how, r->what);
	/*
	 * Every byte refused: nothing is written.  Some let through: the
	 * write goes on with the refused bytes at their old value, so a
	 * write-1-to-clear status next to a refused command still clears.
	 */
	if (refused == w.mask)
		return;
	moves = (w.dw == PCI_COMMAND || is_bar(&d, w.dw)) && cap_find(&d, CAP_MSIX);
	/* A CPU that does not answer (NMIs blocked): the write is not made. */
	if (moves && v && quiesce_begin(v) < 0)
		return;
	/* Its I/O BARs close for the write, and reopen where they are after. */
	iobars = (w.dw == PCI_COMMAND || is_bar(&d, w.dw)) && ioports_pci_bars_close(bdf);
	hw_write(bdf, reg, size, out);
	if (moves && msix_track(&d)) {
		/* The command register alone: the status bits clear on a write. */
		if (w.dw == PCI_COMMAND)
			hw_write(bdf, PCI_COMMAND, 2, old & 0xffff);
		else
			hw_write(bdf, w.dw, 4, old);
		hv_log("xmhf: PCI %02x:%02x.%x: write 0x%x at 0x%x (%s) undone: the MSI-X table could not be protected there\n",
		       bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, val, reg, how);
	}
	if (iobars)
		io_bars_update(&d);
	if (moves && v)
		quiesce_end(v);
}

/* ---- the ways in ---- */

bool pci_cfg_io(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val)
{
	u32 mask = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffu;
	u32 a;
	u16 reg;

	if (port >= PCI_CFG_PORT_END || port + size <= PCI_CFG_ADDR_PORT)
		return false;
	if (port == PCI_CFG_ADDR_PORT && size == 4) {
		pci_lock_take(v);
		if (in)
			*val = guest_cf8;
		else
			guest_cf8 = *val;
		spin_unlock(&pci_lock);
		return true;
	}
	if (port < PCI_CFG_DATA_PORT && port + size <= PCI_CFG_DATA_PORT)
		return false;	/* 0xCF9 and friends: the port policy's */
	if (port < PCI_CFG_DATA_PORT || port + size > PCI_CFG_PORT_END) {
		hv_log("xmhf: %u-byte access at port 0x%x straddles the PCI data port: refused\n",
		       size, port);
		if (in)
			*val = mask;
		return true;
	}
	pci_lock_take(v);
	a = guest_cf8;
	reg = (a & 0xfc) + (port - PCI_CFG_DATA_PORT);
	if (!(a & CF8_ENABLE) || (a & CF8_RESERVED)) {
		/* Disabled: no configuration cycle.  Extended bits: refused. */
		if (a & CF8_ENABLE)
			hv_log("xmhf: PCI address 0x%x at 0xCF8 has reserved/extended bits: refused\n", a);
		if (in)
			*val = mask;
	} else if (in) {
		*val = hw_read((a >> 8) & 0xffff, reg, size) & mask;
	} else {
		pci_write(v, (a >> 8) & 0xffff, reg, size, *val & mask, "CF8/CFC");
	}
	spin_unlock(&pci_lock);
	return true;
}

static bool ecam_owns(u64 gpa)
{
	return ecam_size && gpa >= ecam_base && gpa - ecam_base < ecam_size;
}

bool pci_mmio_owns(u64 gpa)
{
	return ecam_owns(gpa) || msix_page_owner(gpa & ~(PAGE_4K - 1), NULL);
}

/*
 * A store into a protected MSI-X table page, pci_lock held.  Into an
 * entry it is refused when a register it writes gets a value the MSI
 * filter refuses (address low outside 0xFEExxxxx, address high not 0,
 * data with a delivery mode other than fixed or lowest priority), or
 * when the entry would be left unmasked with a refused message (an
 * unmask of an entry the scan masked, or one a reset cleared).  Anything
 * else, the pending-bit array and other registers on the page included,
 * is done on the device.  A store lies in one entry: entries and the
 * table are 8-byte aligned, and so are stores of up to 8 bytes.
 */
static int msix_write(u64 gpa, unsigned int size, u64 val)
{
	static const char *const field[] = { "address low", "address high", "data", "vector control" };
	unsigned int i, k, b, off;
	const struct msix_tbl *t;
	u32 e[4], was[4];
	u64 ent;
	int bad;

	if (!msix_page_owner(gpa & ~(PAGE_4K - 1), NULL))
		return 1;	/* moved meanwhile: the guest runs it again */
	if ((gpa & (size - 1)) || npt_protected(gpa) || hv_owns(gpa, size) ||
	    gpa + size > LOW_4G) {
		hv_log("xmhf: MSI-X page write of %u bytes at 0x%lx not emulated (misaligned, or above 4 GiB): dropped\n",
		       size, gpa);
		return 0;
	}
	for (i = 0; i < MSIX_MAX; i++) {
		t = &msix[i];
		if (!t->used || !t->pa || gpa < t->pa || gpa >= t->pa + t->len)
			continue;
		ent = t->pa + (gpa - t->pa) / MSIX_ENTRY * MSIX_ENTRY;
		off = gpa - ent;
		for (k = 0; k < 4; k++)
			e[k] = was[k] = mmio_load32(ent + 4 * k);
		for (b = 0; b < size; b++) {
			k = (off + b) / 4;
			e[k] &= ~(0xffu << 8 * ((off + b) % 4));
			e[k] |= (u32)(u8)(val >> 8 * b) << 8 * ((off + b) % 4);
		}
		bad = -1;
		if (e[0] != was[0] && !msi_addr_allowed(e[0]))
			bad = 0;
		else if (e[1] != was[1] && !msi_addr_hi_allowed(e[1]))
			bad = 1;
		else if ((e[2] ^ was[2]) & 0xffff && !msi_data_allowed(e[2]))
			bad = 2;
		else if (!msix_entry_ok(e))
			bad = 3;
		if (bad < 0)
			break;
		hv_log("xmhf: PCI " BDF_FMT ": MSI-X entry %lu %s refused (address 0x%x:%08x, data 0x%x, control 0x%x)\n",
		       BDF_ARGS(t->bdf), (ent - t->pa) / MSIX_ENTRY, field[bad], e[1], e[0], e[2], e[3]);
		return 0;
	}
	mmio_store(gpa, size, val);
	return 0;
}

int pci_mmio_write(struct vcpu *v, u64 gpa, unsigned int size, u64 val)
{
	u64 off = gpa - ecam_base;
	u16 bdf = (u16)(off >> 12), reg = off & 0xfff;
	int ret;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -1;
	pci_lock_take(v);
	if (!ecam_owns(gpa)) {
		ret = msix_write(gpa, size, val);
		spin_unlock(&pci_lock);
		return ret;
	}
	if (size == 8 || (reg & (size - 1))) {
		spin_unlock(&pci_lock);
		return -1;
	}
	pci_write(v, bdf, reg, size, (u32)val & (size == 4 ? 0xffffffffu : (1u << 8 * size) - 1),
		  "ECAM");
	spin_unlock(&pci_lock);
	return 0;
}

/* ---- where ECAM is ---- */

#define MSR_MMIO_CFG_BASE	0xc0010058	/* AMD: MMIO configuration base */

/*
 * ECAM locators for host bridges without that MSR, one a line: the
 * host bridge at 00:00.0 and its 64-bit base register.
 */
static const struct {
	u32 id;
	u16 reg;
	const char *what;
} ecam_bridges[] = {
	{ 0x8086 | 0x29c0 << 16, 0x60, "Q35 PCIEXBAR" },
};

/*
 * A host bridge the table knows is asked first: its register is what
 * the chipset decodes.  Else the CPU's MMIO_CFG_BASE (AMD family 10h
 * on), where a readable MSR is authoritative.  QEMU's TCG reads every
 * MSR it does not know as 0 ("off"), hence this order.
 */
static int ecam_find(void)
{
	u64 msr, bar;
	u32 id = hw_read(0, PCI_ID, 4);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ecam_bridges); i++) {
		if (ecam_bridges[i].id != id)
			continue;
		bar = hw_read(0, ecam_bridges[i].reg, 4) |
		      (u64)hw_read(0, ecam_bridges[i].reg + 4, 4) << 32;
		if (bar & 1) {
			/* Length in bits 2:1: 256, 128 or 64 MiB (3 reserved). */
			if (((bar >> 1) & 3) == 3)
				return -1;
			ecam_size = (256ull << 20) >> ((bar >> 1) & 3);
			/* Base in bits 35:26, aligned to the length. */
			ecam_base = bar & 0x0000000ffc000000ull & ~(ecam_size - 1);
		}
		hv_log("xmhf: PCI: ECAM from the %s: %s\n", ecam_bridges[i].what,
		       bar & 1 ? "on" : "off");
		return 0;
	}
	if (!rdmsr_safe(MSR_MMIO_CFG_BASE, &msr)) {
		if (msr & 1) {
			ecam_base = msr & 0x0000fffffff00000ull;
			ecam_size = (1ull << ((msr >> 2) & 0xf)) << 20;
		}
		hv_log("xmhf: PCI: ECAM from MMIO_CFG_BASE: %s\n", msr & 1 ? "on" : "off");
		return 0;
	}
	hv_log("xmhf: PCI: host bridge %04x:%04x unknown, no MMIO_CFG_BASE: cannot tell where ECAM is\n",
	       id & 0xffff, id >> 16);
	return -1;
}

int pci_locate(void)
{
	int err;

	pci_lock_take(NULL);
	ecam_base = ecam_size = 0;
	err = ecam_find();
	spin_unlock(&pci_lock);
	return err;
}

bool pci_ecam_overlaps(u64 start, u64 len)
{
	return ecam_size && start < ecam_base + ecam_size && start + len > ecam_base;
}

int pci_init(struct npt *npt)
{
	int err = 0;

	pci_npt = npt;
	pci_lock_take(NULL);
	if (ecam_size) {
		hv_log("xmhf: PCI: ECAM at 0x%lx, %lu MiB: read-only to the guest, writes filtered\n",
		       ecam_base, ecam_size >> 20);
		err = npt_write_protect(npt, ecam_base, ecam_size);
	}
	if (!err)
		err = launch_scan();
	spin_unlock(&pci_lock);
	return err;
}
