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
 *   decodes it and hands it to pci_ecam_write().  Reads stay native.
 *
 * A write is checked byte by byte against the table.  Bytes of a
 * read-only range keep their value; a filter may refuse bytes too; the
 * rest is written as the guest asked, with its width.  A write left with
 * nothing to change is dropped, so that writing back the old value of a
 * write-1-to-clear register cannot clear it.
 */
#include <arch/x86.h>
#include <core/log.h>
#include <core/npt.h>
#include <core/pci.h>
#include <core/spinlock.h>

#define CF8_ENABLE		BIT(31)
/* Reserved, or AMD's extended register number (NB_CFG EnableCf8ExtCfg). */
#define CF8_RESERVED		0x7f000000u
#define CF8_BDF_REG		0x00fffffcu

#define PCI_ID			0x00
#define PCI_COMMAND		0x04
#define PCI_STATUS_CAP_LIST	BIT(20)		/* in the dword at 0x04 */
#define PCI_CLASS		0x08
#define PCI_HEADER_TYPE		0x0c
#define PCI_CAP_PTR		0x34
#define PCI_CAP_PTR_CARDBUS	0x14

#define CAP_MSI			0x05
#define CAP_SECDEV		0x0f		/* AMD IOMMU's capability block */
#define CAP_MSIX		0x11

#define MSI_CTL_64BIT		BIT(7)
#define MSI_CTL_MASKBIT		BIT(8)

/* MSI data bits 10:8: fixed 000 and lowest priority 001 may be sent. */
#define MSI_DM(data)		(((data) >> 8) & 7)
#define MSI_DM_OK(dm)		((dm) <= 1)

/* The whole platform's: CPUs take it around every config access. */
static spinlock_t pci_lock;
static u32 guest_cf8;
static u64 ecam_base, ecam_size;	/* ecam_size 0: no ECAM */

/* ---- the hardware, pci_lock held ---- */

static bool ecam_reaches(u16 bdf)
{
	/* Below 4 GiB the runtime maps physical memory 1:1. */
	return ecam_size && ecam_base + ecam_size <= (1ull << 32) &&
	       ((u64)bdf << 12) < ecam_size;
}

static volatile void *ecam_ptr(u16 bdf, u16 reg)
{
	return (volatile void *)(uintptr_t)(ecam_base + ((u64)bdf << 12) + reg);
}

/* An aligned access of 1, 2 or 4 bytes; all ones where it cannot go. */
static u32 hw_read(u16 bdf, u16 reg, unsigned int size)
{
	u32 v;

	if (ecam_reaches(bdf)) {
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
	if (ecam_reaches(bdf)) {
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
	u8 cap;			/* 0: offsets from 0; else from this capability */
	u16 start, end;		/* [start, end); end 0: the capability's length */
	enum pci_act act;
	u32 allow;		/* PCI_MASK */
	void (*filter)(const struct pci_dev *d, u16 base, struct pci_write *w);
};

static void msi_filter(const struct pci_dev *d, u16 base, struct pci_write *w);

#define ANY_DEVICE		0, 0, 0, 0
#define CLASS(c, m)		0, 0, (c), (m)
#define PCI_DEV_ID(v, d)	((v) | (u32)(d) << 16), 0xffffffffu, 0, 0

/*
 * THE policy.  For each byte written, the first rule that matches the
 * device and covers the byte decides; a byte no rule covers is written.
 * Ordinary devices meet only the MSI rule: their drivers keep working.
 */
static const struct pci_rule pci_rules[] = {
	/* Any device: an MSI may carry fixed or lowest-priority delivery only. */
	{ "MSI data: delivery mode", ANY_DEVICE, CAP_MSI, 0, 0, PCI_FILTER,
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
};

/* The offset of capability id in d's list, or 0; bounded against loops. */
static u16 cap_find(const struct pci_dev *d, u8 id)
{
	u8 type = (hw_read(d->bdf, PCI_HEADER_TYPE, 4) >> 16) & 0x7f;
	u16 p;
	unsigned int n;

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
static u16 cap_len(const struct pci_dev *d, u8 id, u16 at)
{
	u16 ctl = hw_read(d->bdf, at + 2, 2);

	if (id == CAP_MSI)
		return (ctl & MSI_CTL_64BIT ? 14 : 10) + (ctl & MSI_CTL_MASKBIT ? 10 : 0);
	if (id == CAP_MSIX)
		return 12;
	return 4;
}

/*
 * MSI: the data register (16 bits at +8, or +12 with 64-bit addresses)
 * must keep delivery mode fixed or lowest priority in bits 10:8, the
 * native format and the AMD IOMMU's remapped one alike.  Refused: the
 * whole register keeps its old value.
 */
static void msi_filter(const struct pci_dev *d, u16 base, struct pci_write *w)
{
	u16 ctl = hw_read(d->bdf, base + 2, 2);
	u16 data = base + (ctl & MSI_CTL_64BIT ? 12 : 8);
	u8 hi;

	/* Capabilities are dword aligned: data is bytes 0-1 of its dword. */
	if (w->dw != data || !(w->mask & 3))
		return;
	hi = w->mask & 2 ? w->val[1] : w->old[1];
	if (MSI_DM_OK(MSI_DM((u16)hi << 8)))
		return;
	w->val[0] = w->old[0];
	w->val[1] = w->old[1];
}

static bool rule_matches(const struct pci_rule *r, const struct pci_dev *d)
{
	return (d->id & r->id_mask) == r->id && (d->cls & r->cls_mask) == r->cls;
}

/*
 * Applies the table to w.  Returns the first rule that refused a byte
 * (for the log), or NULL when the write goes through as asked.
 */
static const struct pci_rule *pci_policy(const struct pci_dev *d, struct pci_write *w)
{
	const struct pci_rule *refused = NULL;
	u8 want[4], done = 0;
	unsigned int i, b;

	for (b = 0; b < 4; b++)
		want[b] = w->val[b];
	for (i = 0; i < ARRAY_SIZE(pci_rules) && done != w->mask; i++) {
		const struct pci_rule *r = &pci_rules[i];
		u16 start = r->start, end = r->end, base = 0;
		u8 hit = 0;

		if (!rule_matches(r, d))
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
			r->filter(d, base, w);
		for (b = 0; b < 4; b++)
			if ((hit & (1u << b)) && w->val[b] != want[b] && !refused)
				refused = r;
	}
	return refused;
}

/*
 * The guest's write of size bytes at reg of bdf, pci_lock held: through
 * the policy, then to the hardware.  how names the way in, for the log.
 */
static void pci_write(u16 bdf, u16 reg, unsigned int size, u32 val, const char *how)
{
	struct pci_dev d = { .bdf = bdf };
	struct pci_write w = { .dw = reg & ~3 };
	const struct pci_rule *r;
	u32 old, out = 0;
	unsigned int b, sh = reg & 3;
	bool changes = false;

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
	r = pci_policy(&d, &w);
	for (b = 0; b < size; b++) {
		out |= (u32)w.val[sh + b] << 8 * b;
		changes |= w.val[sh + b] != w.old[sh + b];
	}
	if (r)
		hv_log("xmhf: PCI %02x:%02x.%x [%04x:%04x]: guest write of 0x%x (%u bytes at 0x%x, %s) refused: %s\n",
		       bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, d.id & 0xffff, d.id >> 16,
		       val, size, reg, how, r->what);
	if (!r || changes)
		hw_write(bdf, reg, size, out);
}

/* ---- the ways in ---- */

bool pci_cfg_io(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val)
{
	u32 mask = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffu;
	u32 a;
	u16 reg;

	(void)v;
	if (port >= PCI_CFG_PORT_END || port + size <= PCI_CFG_ADDR_PORT)
		return false;
	if (port == PCI_CFG_ADDR_PORT && size == 4) {
		spin_lock(&pci_lock);
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
	spin_lock(&pci_lock);
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
		pci_write((a >> 8) & 0xffff, reg, size, *val & mask, "CF8/CFC");
	}
	spin_unlock(&pci_lock);
	return true;
}

bool pci_ecam_owns(u64 gpa)
{
	return ecam_size && gpa >= ecam_base && gpa - ecam_base < ecam_size;
}

bool pci_ecam_write(struct vcpu *v, u64 gpa, unsigned int size, u64 val)
{
	u64 off = gpa - ecam_base;
	u16 bdf = (u16)(off >> 12), reg = off & 0xfff;

	(void)v;
	if (!pci_ecam_owns(gpa) || (size != 1 && size != 2 && size != 4) ||
	    (reg & (size - 1)))
		return false;
	spin_lock(&pci_lock);
	pci_write(bdf, reg, size, (u32)val & (size == 4 ? 0xffffffffu : (1u << 8 * size) - 1),
		  "ECAM");
	spin_unlock(&pci_lock);
	return true;
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

int pci_init(struct npt *npt)
{
	int err;

	spin_lock(&pci_lock);
	err = ecam_find();
	spin_unlock(&pci_lock);
	if (err)
		return -1;
	if (!ecam_size)
		return 0;
	hv_log("xmhf: PCI: ECAM at 0x%lx, %lu MiB: read-only to the guest, writes filtered\n",
	       ecam_base, ecam_size >> 20);
	return npt_write_protect(npt, ecam_base, ecam_size);
}
