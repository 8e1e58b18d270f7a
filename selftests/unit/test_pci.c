// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI configuration-space policy (hv/arch/x86/pci.c) against a
 * platform played here: a q35 host bridge, an AMD IOMMU function, a
 * device with a 32-bit MSI, a device with MSI-X (table in BAR 1), the
 * ICH9 LPC bridge, a PCIe root port (type 1 header) and an SR-IOV PF,
 * each a 4 KiB configuration space that takes every write, and the MMIO
 * under the MSI-X table, which holds what is stored there.  The test sees each write that reaches "hardware", each store
 * into an MSI-X table, and each change of the nested page tables.
 * XMHF_HOST_TEST routes pci.c's hardware accesses here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

/* The unit under test, whole: setup() resets its state between tests. */
#include "../../hv/arch/x86/pci.c"

#define HB	0x0000		/* 00:00.0 */
#define IOMMU	0x0008		/* 00:01.0 */
#define MSIDEV	0x0010		/* 00:02.0 */
#define MSIXDEV	0x0020		/* 00:04.0 */
#define LPC	0x00f8		/* 00:1f.0 */
#define PIIX4PM	0x000b		/* 00:01.3 */
#define BRIDGE	0x00e0		/* 00:1c.0 */
#define SRIOVPF	0x0030		/* 00:06.0 */
#define ECAM	0xb0000000ull
#define TABLE	0xfebe1000ull	/* MSI-X BAR 1 at launch; the table at 0 */
#define MMIO	0xfebe0000ull	/* the played MMIO: 64 KiB around the table */

/* ---- the platform */
static struct dev {
	u16 bdf;
	u8 cfg[4096];
} devs[8];
static u8 mmio[0x10000];

static struct { u16 bdf, reg; unsigned int size; u32 val; } writes[16];
static unsigned int nwrites;
static struct { u64 pa; unsigned int size; u64 val; } stores[16];
static unsigned int nstores;
static u64 ro_pages[64];	/* pages npt_set_4k() made read-only */
static unsigned int nro;
static u64 fail_page = ~0ull;	/* npt_set_4k() refuses this page */
static u64 wp_start, wp_len;
static int msr_ok = -1;		/* MMIO_CFG_BASE: -1 #GP, else readable */
static u64 msr_val;
static unsigned int quiesces;
static char logged[4096];

static struct dev *dev_of(u16 bdf)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(devs); i++)
		if (devs[i].bdf == bdf)
			return &devs[i];
	return NULL;
}

u32 test_cfg_read(u16 bdf, u16 reg, unsigned int size)
{
	struct dev *d = dev_of(bdf);
	u32 v = 0;
	unsigned int i;

	assert_true(size == 1 || size == 2 || size == 4);
	assert_true(reg + size <= 4096);
	if (!d)
		return size == 4 ? 0xffffffffu : (1u << 8 * size) - 1;
	for (i = 0; i < size; i++)
		v |= (u32)d->cfg[reg + i] << 8 * i;
	return v;
}

void test_cfg_write(u16 bdf, u16 reg, unsigned int size, u32 val)
{
	struct dev *d = dev_of(bdf);
	unsigned int i;

	assert_true(size == 1 || size == 2 || size == 4);
	assert_true(reg + size <= 4096);
	if (nwrites < ARRAY_SIZE(writes)) {
		writes[nwrites].bdf = bdf;
		writes[nwrites].reg = reg;
		writes[nwrites].size = size;
		writes[nwrites].val = val;
	}
	nwrites++;
	/* MSIDEV's BAR 4 decodes 32 I/O ports: its low five bits stay put. */
	if (bdf == MSIDEV && reg == 0x20 && size == 4)
		val = (val & ~0x1fu) | 1;
	for (i = 0; d && i < size; i++)
		d->cfg[reg + i] = (u8)(val >> 8 * i);
}

/* The port policy's side of the I/O BARs (arch/ioports.h), recorded. */
static struct { char kind; u16 bdf; unsigned int bar; u32 val, size; bool on; } iobar_calls[16];
static unsigned int niobar;

static void iobar_call(char kind, u16 bdf, unsigned int bar, u32 val, u32 size, bool on)
{
	if (niobar < ARRAY_SIZE(iobar_calls)) {
		iobar_calls[niobar].kind = kind;
		iobar_calls[niobar].bdf = bdf;
		iobar_calls[niobar].bar = bar;
		iobar_calls[niobar].val = val;
		iobar_calls[niobar].size = size;
		iobar_calls[niobar].on = on;
	}
	niobar++;
}

/* The played chipset's read-only page: the FCH's AcpiMmio. */
bool ioports_mmio_page(u64 gpa)
{
	return (gpa & ~0xfffull) == 0xfed80000ull;
}

void ioports_pci_bar_launch(u16 bdf, unsigned int bar, u32 val, u32 size, bool io_on)
{
	iobar_call('L', bdf, bar, val, size, io_on);
}

bool ioports_pci_bars_close(u16 bdf)
{
	iobar_call('C', bdf, 0, 0, 0, false);
	return bdf == MSIDEV;
}

void ioports_pci_bar_update(u16 bdf, unsigned int bar, u32 val, bool io_on)
{
	iobar_call('U', bdf, bar, val, 0, io_on);
}

void test_mmio_store(u64 pa, unsigned int size, u64 val)
{
	unsigned int i;

	if (nstores < ARRAY_SIZE(stores)) {
		stores[nstores].pa = pa;
		stores[nstores].size = size;
		stores[nstores].val = val;
	}
	nstores++;
	for (i = 0; i < size && pa >= MMIO && pa + size <= MMIO + sizeof(mmio); i++)
		mmio[pa - MMIO + i] = (u8)(val >> 8 * i);
}

u32 test_mmio_load32(u64 pa)
{
	assert_true(pa >= MMIO && pa + 4 <= MMIO + sizeof(mmio));
	return mmio[pa - MMIO] | (u32)mmio[pa - MMIO + 1] << 8 |
	       (u32)mmio[pa - MMIO + 2] << 16 | (u32)mmio[pa - MMIO + 3] << 24;
}

static u32 mm(u64 pa)
{
	return test_mmio_load32(pa);
}

static void mm_put(u64 pa, u32 v)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		mmio[pa - MMIO + i] = (u8)(v >> 8 * i);
}

static bool page_ro(u64 pa)
{
	unsigned int i;

	for (i = 0; i < nro; i++)
		if (ro_pages[i] == (pa & ~0xfffull))
			return true;
	return false;
}

int npt_set_4k(struct npt *n, u64 gpa, bool read, bool write)
{
	unsigned int i;

	(void)n;
	assert_true(read);
	if (gpa == fail_page || npt_protected(gpa))
		return -1;
	for (i = 0; i < nro && ro_pages[i] != gpa; i++)
		;
	if (!write && i == nro && nro < ARRAY_SIZE(ro_pages))
		ro_pages[nro++] = gpa;
	else if (write && i < nro)
		ro_pages[i] = ro_pages[--nro];
	return 0;
}

int test_rdmsr_safe(u32 msr, u64 *val)
{
	assert_int_equal(msr, 0xc0010058);
	*val = msr_val;
	return msr_ok;
}

int npt_write_protect(struct npt *n, u64 start, u64 len)
{
	(void)n;
	wp_start = start;
	wp_len = len;
	return 0;
}

/* Pages other parts keep read-only: the LAPIC's, the IOAPIC's, the HPET's. */
u64 lapic_mmio_base(void)
{
	return 0xfee00000;
}

bool intr_mmio_page(u64 gpa)
{
	gpa &= ~0xfffull;
	return gpa == 0xfec00000 || gpa == 0xfed00000;
}

/* The hypervisor's block: 16-20 MiB. */
bool hv_owns(u64 pa, u64 len)
{
	return pa < 0x1400000 && pa + len > 0x1000000;
}

bool npt_protected(u64 gpa)
{
	return hv_owns(gpa & ~0xfffull, 0x1000);
}

u64 hv_heap_free_pages(void)
{
	return 1000;
}

bool hub_owns_page(u64 gpa)
{
	(void)gpa;
	return false;
}

static bool quiesce_fails;	/* a CPU that does not answer (NMIs blocked) */

int quiesce_begin(struct vcpu *me)
{
	(void)me;
	if (quiesce_fails)
		return -1;
	quiesces++;
	return 0;
}

void quiesce_end(struct vcpu *me)
{
	(void)me;
}

void quiesce_poll(struct vcpu *v)
{
	(void)v;
}

void hv_log(const char *fmt, ...)
{
	size_t n = strlen(logged);
	va_list ap;

	va_start(ap, fmt);
	if (n < sizeof(logged) - 1)
		vsnprintf(logged + n, sizeof(logged) - n, fmt, ap);
	va_end(ap);
}

static void put(struct dev *d, u16 reg, unsigned int size, u32 v)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		d->cfg[reg + i] = (u8)(v >> 8 * i);
}

static void header(struct dev *d, u16 bdf, u32 id, u32 cls, u16 cmd, u8 cap)
{
	memset(d->cfg, 0, sizeof(d->cfg));
	d->bdf = bdf;
	put(d, 0x00, 4, id);
	put(d, 0x04, 2, cmd);
	put(d, 0x06, 2, cap ? 0x0010 : 0);	/* status: capability list */
	put(d, 0x08, 4, cls << 8);
	put(d, 0x34, 1, cap);
}

static struct vcpu cpu;
static struct npt npt;

/* The launch again, over the platform as the test left it. */
static int relaunch(void)
{
	int err;

	memset(msix, 0, sizeof(msix));
	logged[0] = 0;
	nwrites = nstores = 0;
	err = pci_locate() || pci_init(&npt);
	return err ? -1 : 0;
}

/* A fresh platform, launched: pci_init() found ECAM and the MSI-X table. */
static int setup(void **state)
{
	unsigned int k;

	(void)state;
	header(&devs[0], HB, 0x29c08086, 0x060000, 0x0000, 0);
	put(&devs[0], 0x60, 4, (u32)ECAM | 1);		/* PCIEXBAR: 256 MiB, on */
	put(&devs[0], 0x90, 4, 0x11111110);		/* PAM0-3 */
	put(&devs[0], 0x9d, 1, 0x0a);			/* SMRAM */
	header(&devs[1], IOMMU, 0x00081022, 0x080600, 0x0503, 0x40);
	put(&devs[1], 0x40, 4, 0x1f03600f);		/* IOMMU capability, next 0x60 */
	put(&devs[1], 0x44, 4, 0xfed80000);		/* its MMIO base */
	put(&devs[1], 0x60, 4, 0x00810005);		/* MSI, 64-bit, enabled */
	put(&devs[1], 0x64, 4, 0xfee01004);
	put(&devs[1], 0x6c, 2, 0x0021);			/* data at +12 */
	put(&devs[1], 0x10, 4, 0x0000d001);		/* an I/O BAR: never opened */
	header(&devs[2], MSIDEV, 0x29228086, 0x010601, 0x0007, 0x80);
	put(&devs[2], 0x80, 4, 0x00000005);		/* MSI, 32-bit, off */
	put(&devs[2], 0x88, 2, 0x0000);			/* data at +8 */
	put(&devs[2], 0x20, 4, 0x0000c041);		/* BAR 4: I/O, 32 ports */
	header(&devs[3], MSIXDEV, 0x10051af4, 0x00ff00, 0x0007, 0x40);
	put(&devs[3], 0x14, 4, (u32)TABLE);		/* BAR 1, 32-bit memory */
	put(&devs[3], 0x40, 4, 0x00010011);		/* MSI-X, 2 entries */
	put(&devs[3], 0x44, 4, 0x00000001);		/* table at BAR 1 + 0 */
	put(&devs[3], 0x48, 4, 0x00000801);		/* PBA at BAR 1 + 0x800 */
	header(&devs[4], LPC, 0x29188086, 0x060100, 0x0007, 0);
	put(&devs[4], 0xf0, 4, 0xfed1c001);		/* RCBA */
	header(&devs[5], PIIX4PM, 0x71138086, 0x068000, 0x0001, 0);
	put(&devs[5], 0x40, 4, 0x0000b001);		/* PMBASE 0xb000 */
	header(&devs[6], BRIDGE, 0x29408086, 0x060400, 0x0007, 0x40);
	put(&devs[6], 0x0c, 4, 0x00010000);		/* header type 1 */
	put(&devs[6], 0x18, 4, 0x00010100);		/* buses 0, 1, 1 */
	put(&devs[6], 0x40, 4, 0x00420010);		/* PCIe, root port */
	header(&devs[7], SRIOVPF, 0x10ca8086, 0x020000, 0x0006, 0);
	put(&devs[7], 0x100, 4, 0x00010010);		/* SR-IOV, last */
	put(&devs[7], 0x10e, 2, 8);			/* TotalVFs */
	/* The table: entries masked, address and data 0, as after reset. */
	memset(mmio, 0, sizeof(mmio));
	for (k = 0; k < 2; k++)
		mm_put(TABLE + 16 * k + 12, 1);
	memset(msix, 0, sizeof(msix));
	ecam_base = ecam_size = 0;
	guest_cf8 = 0;
	nwrites = nstores = nro = quiesces = niobar = 0;
	quiesce_fails = false;
	fail_page = ~0ull;
	msr_ok = -1;
	logged[0] = 0;
	assert_int_equal(pci_locate(), 0);
	assert_int_equal(pci_init(&npt), 0);
	/* The one I/O BAR the launch hands to the port policy: MSIDEV's. */
	assert_int_equal(niobar, 1);
	assert_int_equal(iobar_calls[0].kind, 'L');
	assert_int_equal(iobar_calls[0].bdf, MSIDEV);
	assert_int_equal(iobar_calls[0].bar, 4);
	assert_int_equal(iobar_calls[0].val, 0xc041);
	assert_int_equal(iobar_calls[0].size, 32);
	assert_true(iobar_calls[0].on);
	/* Sized with I/O decode off, then put back as it was. */
	assert_int_equal(test_cfg_read(MSIDEV, 0x20, 4), 0xc041);
	assert_int_equal(test_cfg_read(MSIDEV, 0x04, 2), 0x0007);
	niobar = 0;
	assert_int_equal(wp_start, ECAM);
	assert_int_equal(wp_len, 256ull << 20);
	assert_int_equal(nstores, 0);		/* nothing to mask */
	nwrites = 0;
	logged[0] = 0;
	return 0;
}

/* Mechanism #1: the latch, then one access of size at 0xCFC + off. */
static bool cf8_out(u16 bdf, u16 reg, unsigned int size, u32 val)
{
	u32 a = 0x80000000u | (u32)bdf << 8 | (reg & 0xfc);

	assert_true(pci_cfg_io(&cpu, 0xcf8, 4, false, &a));
	return pci_cfg_io(&cpu, 0xcfc + (reg & 3), size, false, &val);
}

static u32 cf8_in(u16 bdf, u16 reg, unsigned int size)
{
	u32 a = 0x80000000u | (u32)bdf << 8 | (reg & 0xfc), v = 0;

	assert_true(pci_cfg_io(&cpu, 0xcf8, 4, false, &a));
	assert_true(pci_cfg_io(&cpu, 0xcfc + (reg & 3), size, true, &v));
	return v;
}

static int ecam_out(u16 bdf, u16 reg, unsigned int size, u64 val)
{
	return pci_mmio_write(&cpu, ECAM + ((u64)bdf << 12) + reg, size, val);
}

static u32 cfg(u16 bdf, u16 reg, unsigned int size)
{
	return test_cfg_read(bdf, reg, size);
}

/* ---- host bridge */

static void test_host_bridge(void **state)
{
	(void)state;
	assert_true(cf8_out(HB, 0x91, 1, 0x33));	/* PAM1 */
	assert_int_equal(ecam_out(HB, 0x9d, 1, 0x4a), 0);	/* SMRAM D_OPEN */
	assert_int_equal(ecam_out(HB, 0x60, 4, 0xc0000001), 0);	/* PCIEXBAR */
	assert_true(cf8_out(HB, 0xb0, 2, 0x8000));	/* TOLUD */
	assert_int_equal(nwrites, 0);			/* none reached it */
	assert_int_equal(cfg(HB, 0x90, 4), 0x11111110);
	assert_int_equal(cfg(HB, 0x9d, 1), 0x0a);
	assert_non_null(strstr(logged, "0x33 (1 bytes at 0x91, CF8/CFC) refused: host bridge: memory map and SMM"));
	assert_non_null(strstr(logged, "0x4a (1 bytes at 0x9d, ECAM) refused"));
}

/* Status bits are write-1-to-clear: they go through, the command keeps its value. */
static void test_host_bridge_status(void **state)
{
	(void)state;
	put(&devs[0], 0x04, 4, 0x20000006);
	assert_true(cf8_out(HB, 0x04, 4, 0x20000007));
	assert_int_equal(nwrites, 1);
	assert_int_equal(writes[0].reg, 0x04);
	assert_int_equal(writes[0].size, 4);
	assert_int_equal(writes[0].val, 0x20000006);
	/* Every byte refused: nothing written at all. */
	assert_true(cf8_out(HB, 0x04, 2, 0x0107));
	assert_int_equal(nwrites, 1);
	assert_int_equal(cfg(HB, 0x04, 2), 0x0006);
}

/* ---- IOMMU */

static void test_iommu(void **state)
{
	(void)state;
	assert_true(cf8_out(IOMMU, 0x04, 1, 0x07));	/* bus master on: refused */
	assert_int_equal(ecam_out(IOMMU, 0x04, 1, 0x01), 0);	/* memory off: refused */
	assert_int_equal(ecam_out(IOMMU, 0x44, 4, 0xfec00000), 0);	/* MMIO base */
	assert_true(cf8_out(IOMMU, 0x10, 4, 0xfebf0000));	/* a BAR */
	assert_int_equal(nwrites, 0);
	/* A word: its high byte (INTx-disable unchanged) goes through as it was. */
	assert_true(cf8_out(IOMMU, 0x04, 2, 0x0507));
	assert_int_equal(cfg(IOMMU, 0x04, 2), 0x0503);
	assert_int_equal(cfg(IOMMU, 0x44, 4), 0xfed80000);
	nwrites = 0;
	assert_non_null(strstr(logged, "refused: IOMMU: command"));
	assert_non_null(strstr(logged, "refused: IOMMU: BARs, capability block and the rest"));
	/* INTx-disable is Linux's. */
	assert_true(cf8_out(IOMMU, 0x04, 2, 0x0103));
	assert_int_equal(nwrites, 1);
	assert_int_equal(cfg(IOMMU, 0x04, 2), 0x0103);
}

/* ---- MSI */

static void test_msi_64(void **state)
{
	unsigned int dm;

	(void)state;
	for (dm = 0; dm < 8; dm++) {
		nwrites = 0;
		assert_true(cf8_out(IOMMU, 0x6c, 2, dm << 8 | 0x21));
		assert_int_equal(nwrites, dm <= 1 ? 1 : 0);
		assert_int_equal(cfg(IOMMU, 0x6c, 2), dm <= 1 ? dm << 8 | 0x21 : 0x0121);
		put(&devs[1], 0x6c, 2, 0x0121);
	}
	assert_non_null(strstr(logged, "0x521 (2 bytes at 0x6c, CF8/CFC) refused: MSI: address and delivery mode"));
	/* The high byte alone (ECAM), and the dword with the extended data. */
	nwrites = 0;
	assert_int_equal(ecam_out(IOMMU, 0x6d, 1, 0x04), 0);
	assert_int_equal(ecam_out(IOMMU, 0x6c, 4, 0x00000721), 0);
	assert_int_equal(nwrites, 0);
	assert_int_equal(ecam_out(IOMMU, 0x6c, 1, 0x55), 0);	/* the vector: fine */
	assert_int_equal(nwrites, 1);
	assert_int_equal(cfg(IOMMU, 0x6c, 2), 0x0155);
	/* The address is not the delivery mode's: it passes. */
	assert_true(cf8_out(IOMMU, 0x64, 4, 0xfee02004));
	assert_int_equal(nwrites, 2);
}

/* A 32-bit MSI: data at +8; +12 is not MSI data there. */
static void test_msi_32(void **state)
{
	(void)state;
	assert_true(cf8_out(MSIDEV, 0x88, 2, 0x0500));	/* INIT */
	assert_int_equal(ecam_out(MSIDEV, 0x88, 2, 0x0200), 0);	/* SMI */
	assert_int_equal(nwrites, 0);
	assert_true(cf8_out(MSIDEV, 0x8c, 2, 0x0500));
	assert_true(cf8_out(MSIDEV, 0x88, 2, 0x0041));
	assert_true(cf8_out(MSIDEV, 0x3c, 1, 0x0b));	/* an ordinary register */
	assert_int_equal(nwrites, 3);
	assert_int_equal(cfg(MSIDEV, 0x88, 2), 0x0041);
}

static void test_lpc(void **state)
{
	(void)state;
	assert_true(cf8_out(LPC, 0xf0, 4, 0xfed40001));	/* RCBA over the TPM */
	assert_int_equal(ecam_out(LPC, 0x40, 4, 0x701), 0);	/* PMBASE */
	assert_int_equal(nwrites, 0);
	assert_true(cf8_out(LPC, 0x60, 1, 0x0b));	/* PIRQA routing: AML's */
	assert_int_equal(nwrites, 1);
	assert_non_null(strstr(logged, "refused: ICH9 LPC: root complex base (RCBA)"));
}

/* PIIX4 (i440fx): PMBASE and its enable stay where the launch found them. */
static void test_piix4_pm(void **state)
{
	(void)state;
	assert_true(cf8_out(PIIX4PM, 0x40, 4, 0x0000c001));	/* PMBASE moved */
	assert_int_equal(ecam_out(PIIX4PM, 0x80, 1, 0x00), 0);	/* PM I/O off */
	assert_int_equal(nwrites, 0);
	assert_int_equal(cfg(PIIX4PM, 0x40, 4), 0x0000b001);
	assert_non_null(strstr(logged, "refused: PIIX4 PM"));
	assert_true(cf8_out(PIIX4PM, 0x5c, 1, 0x01));		/* another register */
	assert_int_equal(nwrites, 1);
}

/* ---- the ways in */

static void test_cf8_rules(void **state)
{
	u32 v = 0x80000000u | IOMMU << 8, got = 0;

	(void)state;
	/* The latch reads back; a byte or word at 0xCF8-0xCFB is not it. */
	assert_true(pci_cfg_io(&cpu, 0xcf8, 4, false, &v));
	assert_true(pci_cfg_io(&cpu, 0xcf8, 4, true, &got));
	assert_int_equal(got, v);
	assert_false(pci_cfg_io(&cpu, 0xcf9, 1, false, &v));
	assert_false(pci_cfg_io(&cpu, 0xcf8, 2, false, &v));
	assert_false(pci_cfg_io(&cpu, 0xcf7, 1, false, &v));
	assert_false(pci_cfg_io(&cpu, 0xd00, 4, false, &v));
	/* Straddling 0xCFB/0xCFC: refused, all ones. */
	got = 0;
	assert_true(pci_cfg_io(&cpu, 0xcfa, 4, true, &got));
	assert_int_equal(got, 0xffffffffu);
	v = 0x0507;
	assert_true(pci_cfg_io(&cpu, 0xcfa, 4, false, &v));
	assert_non_null(strstr(logged, "straddles"));
	/* A word at 0xCFD is bytes 1-2 of the dword. */
	assert_int_equal(cf8_in(IOMMU, 0x01, 2), 0x0810);
	/* Enable clear: no configuration cycle. */
	v = IOMMU << 8;
	assert_true(pci_cfg_io(&cpu, 0xcf8, 4, false, &v));
	assert_true(pci_cfg_io(&cpu, 0xcfc, 4, true, &got));
	assert_int_equal(got, 0xffffffffu);
	v = 0x0507;
	assert_true(pci_cfg_io(&cpu, 0xcfc, 2, false, &v));
	/* Reserved (AMD extended) bits: refused. */
	v = 0x81000000u | IOMMU << 8 | 0x04;
	assert_true(pci_cfg_io(&cpu, 0xcf8, 4, false, &v));
	v = 0x0507;
	assert_true(pci_cfg_io(&cpu, 0xcfc, 2, false, &v));
	assert_true(pci_cfg_io(&cpu, 0xcfc, 4, true, &got));
	assert_int_equal(got, 0xffffffffu);
	assert_int_equal(nwrites, 0);
	assert_int_equal(cfg(IOMMU, 0x04, 2), 0x0503);
}

static void test_ecam_rules(void **state)
{
	(void)state;
	assert_true(pci_mmio_owns(ECAM));
	assert_true(pci_mmio_owns(ECAM + (256ull << 20) - 1));
	assert_false(pci_mmio_owns(ECAM + (256ull << 20)));
	assert_false(pci_mmio_owns(ECAM - 1));
	assert_int_equal(ecam_out(MSIDEV, 0x3c, 8, 0), -1);	/* 8 bytes */
	assert_int_equal(ecam_out(MSIDEV, 0x3d, 2, 0), -1);	/* misaligned */
	assert_int_equal(ecam_out(MSIDEV, 0x3d, 3, 0), -1);
	assert_int_equal(nwrites, 0);
	/* Nothing answers at 00:05.0: the write goes on, nothing to protect. */
	assert_int_equal(ecam_out(0x0028, 0x04, 2, 0x0006), 0);
	assert_int_equal(nwrites, 1);
}

/* ---- MSI-X */

static void test_msix_entries(void **state)
{
	(void)state;
	assert_true(page_ro(TABLE));
	assert_true(pci_mmio_owns(TABLE + 8));
	assert_true(pci_mmio_owns(TABLE + 0xff8));	/* the page, PBA included */
	assert_false(pci_mmio_owns(TABLE + 0x1000));
	/* Entry 0's data: INIT refused, fixed taken. */
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 8, 4, 0x500), 0);
	assert_int_equal(nstores, 0);
	assert_non_null(strstr(logged, "MSI-X entry 0 data refused (address 0x0:00000000, data 0x500, control 0x1)"));
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 8, 4, 0x41), 0);
	assert_int_equal(nstores, 1);
	assert_int_equal(stores[0].pa, TABLE + 8);
	assert_int_equal(stores[0].val, 0x41);
	/* Entry 1, byte 9 alone, ExtINT; an 8-byte store with NMI in it. */
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x19, 1, 0x07), 0);
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x18, 8, 0x0000000100000400ull), 0);
	assert_int_equal(nstores, 1);
	/* The address and vector control, and the PBA: written as asked. */
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x10, 8, 0xfee00000ull), 0);
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x1c, 4, 1), 0);
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x800, 4, 0), 0);
	assert_int_equal(nstores, 4);
	/* Misaligned: dropped, logged; a 3-byte store cannot be emulated. */
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 9, 2, 0x0005), 0);
	assert_int_equal(nstores, 4);
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 8, 3, 0), -1);
	/* Not a table page (any more): run it again. */
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x1008, 4, 0x500), 1);
}

static void test_msix_follows_bar(void **state)
{
	(void)state;
	/* The table's entries as the device shows them there: masked. */
	mm_put(0xfebe9000 + 12, 1);
	mm_put(0xfebe9000 + 0x1c, 1);
	/* The BAR moves: the other CPUs stop, the protection follows. */
	assert_true(cf8_out(MSIXDEV, 0x14, 4, 0xfebe9000));
	assert_int_equal(quiesces, 1);
	assert_false(page_ro(TABLE));
	assert_true(page_ro(0xfebe9000));
	assert_false(pci_mmio_owns(TABLE + 8));
	assert_true(pci_mmio_owns(0xfebe9008));
	assert_int_equal(pci_mmio_write(&cpu, 0xfebe9008, 4, 0x500), 0);
	assert_int_equal(nstores, 0);
	/* Decode off: unreachable, unprotected; on: protected again. */
	assert_int_equal(ecam_out(MSIXDEV, 0x04, 2, 0x0005), 0);
	assert_false(page_ro(0xfebe9000));
	assert_false(pci_mmio_owns(0xfebe9008));
	/* BAR sizing with decode off moves nothing. */
	assert_true(cf8_out(MSIXDEV, 0x14, 4, 0xffffffff));
	assert_int_equal(nro, 0);
	assert_true(cf8_out(MSIXDEV, 0x14, 4, 0xfebe9000));
	assert_true(cf8_out(MSIXDEV, 0x04, 2, 0x0007));
	assert_true(page_ro(0xfebe9000));
	assert_int_equal(quiesces, 5);
	/* A place that cannot be protected: the BAR write is undone. */
	fail_page = 0xfec00000;
	logged[0] = 0;
	assert_true(cf8_out(MSIXDEV, 0x14, 4, 0xfec00000));
	assert_int_equal(cfg(MSIXDEV, 0x14, 4), 0xfebe9000);
	assert_true(page_ro(0xfebe9000));
	assert_true(pci_mmio_owns(0xfebe9008));
	assert_non_null(strstr(logged, "undone"));
	/* Into the hypervisor's own memory: undone too. */
	assert_true(cf8_out(MSIXDEV, 0x14, 4, 0x1200000));
	assert_int_equal(cfg(MSIXDEV, 0x14, 4), 0xfebe9000);
	/* A write to another register of the device stops nobody. */
	assert_true(cf8_out(MSIXDEV, 0x3c, 1, 0x0b));
	assert_int_equal(quiesces, 7);
}

/*
 * The other CPUs cannot be stopped (one stays in its NMI handler): a
 * write that would move an MSI-X table is not made at all, so the table
 * never sits unprotected; a later try, once they answer, goes through.
 */
static void test_msix_move_needs_quiesce(void **state)
{
	(void)state;
	quiesce_fails = true;
	assert_true(cf8_out(MSIXDEV, 0x14, 4, 0xfebe9000));
	assert_int_equal(cfg(MSIXDEV, 0x14, 4), (u32)TABLE);
	assert_int_equal(nwrites, 0);
	assert_true(page_ro(TABLE));
	assert_true(pci_mmio_owns(TABLE + 8));
	assert_true(cf8_out(MSIXDEV, 0x04, 2, 0x0000));	/* decode off: refused too */
	assert_true(page_ro(TABLE));
	quiesce_fails = false;
	assert_true(cf8_out(MSIXDEV, 0x14, 4, 0xfebe9000));
	assert_int_equal(cfg(MSIXDEV, 0x14, 4), 0xfebe9000);
	assert_true(page_ro(0xfebe9000));
	assert_false(page_ro(TABLE));
}

/*
 * A table moved over a page another part keeps read-only (the IOAPIC,
 * HPET and LAPIC pages): refused and undone, and moving it away again
 * never makes that page writable (it was, before: the review's attack).
 */
static void test_msix_not_over_others(void **state)
{
	static const u64 pages[] = { 0xfec00000, 0xfed00000, 0xfee00000, 0xfed80000 };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		ro_pages[nro++] = pages[i];	/* as intr_mmio and the APIC code left them */
		logged[0] = 0;
		assert_true(cf8_out(MSIXDEV, 0x14, 4, (u32)pages[i]));
		assert_int_equal(cfg(MSIXDEV, 0x14, 4), (u32)TABLE);
		assert_non_null(strstr(logged, "undone"));
		assert_true(page_ro(pages[i]));
		assert_true(page_ro(TABLE));
		/* And back where it was: nothing changes, the page stays read-only. */
		assert_true(cf8_out(MSIXDEV, 0x14, 4, (u32)TABLE));
		assert_true(page_ro(pages[i]));
	}
}

/*
 * A BAR moved by less than a page keeps its table on the same page: the
 * move must not lift that page's protection (found in review: the old
 * place was unprotected after the new one was protected).
 */
static void test_msix_move_within_page(void **state)
{
	(void)state;
	assert_true(page_ro(TABLE));
	assert_true(cf8_out(MSIXDEV, 0x14, 4, (u32)TABLE + 0x100));
	assert_int_equal(cfg(MSIXDEV, 0x14, 4), (u32)TABLE + 0x100);
	assert_true(page_ro(TABLE));
	assert_true(pci_mmio_owns(TABLE + 0x108));
	/* And on to the next page: the old one is free, the new one guarded. */
	assert_true(cf8_out(MSIXDEV, 0x14, 4, (u32)TABLE + 0x1000));
	assert_false(page_ro(TABLE));
	assert_true(page_ro(TABLE + 0x1000));
}

/* ---- bus numbers, ARI, SR-IOV (issue 12: state keyed by bus/device/function) */

static void test_bridge_bus_numbers(void **state)
{
	(void)state;
	/* Linux's dword: primary 0, secondary 2, subordinate 2, latency 0x20. */
	assert_true(cf8_out(BRIDGE, 0x18, 4, 0x20020200));
	assert_int_equal(nwrites, 1);
	assert_int_equal(cfg(BRIDGE, 0x18, 4), 0x20010100);	/* only the latency */
	assert_non_null(strstr(logged, "refused: bridge: bus numbers"));
	/* One byte, by ECAM: dropped whole. */
	assert_int_equal(ecam_out(BRIDGE, 0x1a, 1, 0x05), 0);
	assert_int_equal(nwrites, 1);
	assert_int_equal(cfg(BRIDGE, 0x1a, 1), 0x01);
	/* The same value again: no change, written, not logged. */
	logged[0] = 0;
	assert_true(cf8_out(BRIDGE, 0x19, 1, 0x01));
	assert_int_equal(nwrites, 2);
	assert_null(strstr(logged, "refused"));
	/* On a type-0 header 0x18 is BAR 2: written. */
	assert_true(cf8_out(MSIDEV, 0x18, 4, 0xfebf0000));
	assert_int_equal(cfg(MSIDEV, 0x18, 4), 0xfebf0000);
	/* A CardBus bridge (type 2) keeps its bus numbers too. */
	put(&devs[6], 0x0e, 1, 0x02);
	assert_true(cf8_out(BRIDGE, 0x18, 2, 0x0300));
	assert_int_equal(cfg(BRIDGE, 0x19, 1), 0x01);
}

static void test_ari_forwarding(void **state)
{
	(void)state;
	/* Device Control 2 of the root port: ARI forwarding (bit 5) stays. */
	assert_int_equal(ecam_out(BRIDGE, 0x68, 1, 0x20), 0);
	assert_int_equal(nwrites, 0);
	assert_int_equal(ecam_out(BRIDGE, 0x68, 2, 0x0420), 0);
	assert_int_equal(cfg(BRIDGE, 0x68, 2), 0x0400);
	assert_non_null(strstr(logged, "refused: PCIe: ARI forwarding"));
	assert_int_equal(ecam_out(BRIDGE, 0x68, 2, 0x0410), 0);	/* other bits */
	assert_int_equal(cfg(BRIDGE, 0x68, 2), 0x0410);
}

static void test_sriov(void **state)
{
	(void)state;
	/* VF Enable: refused; VF MSE and ARI capable hierarchy alone: written. */
	assert_int_equal(ecam_out(SRIOVPF, 0x108, 2, 0x0001), 0);
	assert_int_equal(ecam_out(SRIOVPF, 0x108, 4, 0x00000019), 0);
	assert_int_equal(cfg(SRIOVPF, 0x108, 2), 0x0018);
	assert_non_null(strstr(logged, "refused: SR-IOV: VF Enable"));
	assert_int_equal(ecam_out(SRIOVPF, 0x108, 2, 0x0008), 0);
	assert_int_equal(cfg(SRIOVPF, 0x108, 2), 0x0008);
	/* VFs enabled before the launch: the launch does not go on. */
	put(&devs[7], 0x108, 2, 0x0009);
	assert_int_equal(relaunch(), -1);
	assert_non_null(strstr(logged, "00:06.0: SR-IOV VFs enabled"));
	put(&devs[7], 0x108, 2, 0x0008);
	assert_int_equal(relaunch(), 0);
}

/* ---- MSI and MSI-X addresses (an MSI is a memory write) */

static void test_msi_address(void **state)
{
	(void)state;
	/* 32-bit MSI: the address must lie in 0xFEExxxxx. */
	assert_true(cf8_out(MSIDEV, 0x84, 4, 0xfed40000));
	assert_int_equal(ecam_out(MSIDEV, 0x84, 4, 0x00001000), 0);
	assert_int_equal(ecam_out(MSIDEV, 0x86, 2, 0xfef0), 0);	/* word: 0xfef00000 */
	assert_int_equal(nwrites, 0);
	assert_non_null(strstr(logged, "0xfed40000 (4 bytes at 0x84, CF8/CFC) refused: MSI: address"));
	assert_true(cf8_out(MSIDEV, 0x84, 4, 0xfee01000));
	assert_int_equal(ecam_out(MSIDEV, 0x84, 1, 0x0c), 0);	/* RH/DM bits: fine */
	assert_int_equal(cfg(MSIDEV, 0x84, 4), 0xfee0100c);
	/* 64-bit MSI (the IOMMU's): low in the window, high dword 0. */
	nwrites = 0;
	assert_true(cf8_out(IOMMU, 0x64, 4, 0xfeb00000));
	assert_true(cf8_out(IOMMU, 0x68, 4, 0x00000001));
	assert_int_equal(ecam_out(IOMMU, 0x6b, 1, 0x80), 0);
	assert_int_equal(nwrites, 0);
	assert_int_equal(cfg(IOMMU, 0x64, 4), 0xfee01004);
	assert_true(cf8_out(IOMMU, 0x68, 4, 0));
	assert_int_equal(nwrites, 1);
}

static void test_msix_address(void **state)
{
	(void)state;
	/* Low dword outside the window, high dword not 0: refused. */
	assert_int_equal(pci_mmio_write(&cpu, TABLE, 4, 0xfed40000), 0);
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 4, 4, 1), 0);
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 7, 1, 0x80), 0);
	assert_int_equal(pci_mmio_write(&cpu, TABLE, 8, 0x00000001fee00000ull), 0);
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x12, 2, 0xfec0), 0);	/* entry 1 */
	assert_int_equal(nstores, 0);
	assert_non_null(strstr(logged, "MSI-X entry 0 address low refused (address 0x0:fed40000"));
	assert_non_null(strstr(logged, "MSI-X entry 0 address high refused (address 0x1:00000000"));
	assert_non_null(strstr(logged, "MSI-X entry 1 address low refused (address 0x0:fec00000"));
	/* 0xFEExxxxx with high 0, both forms: written. */
	assert_int_equal(pci_mmio_write(&cpu, TABLE, 8, 0x00000000fee01000ull), 0);
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x10, 4, 0xfee02000), 0);
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x14, 4, 0), 0);
	assert_int_equal(nstores, 3);
	assert_int_equal(mm(TABLE), 0xfee01000);
	assert_int_equal(mm(TABLE + 0x10), 0xfee02000);
}

/* ---- what was programmed before the launch, and what a reset leaves */

static void test_msi_prelaunch(void **state)
{
	(void)state;
	/* An enabled MSI with INIT, one with a DMA address, one good. */
	put(&devs[2], 0x82, 2, 0x0001);
	put(&devs[2], 0x84, 4, 0xfee00000);
	put(&devs[2], 0x88, 2, 0x0500);
	put(&devs[1], 0x64, 4, 0x00000000);		/* the IOMMU's: address 0 */
	assert_int_equal(relaunch(), 0);
	assert_int_equal(cfg(MSIDEV, 0x82, 2), 0x0000);
	assert_int_equal(cfg(IOMMU, 0x62, 2), 0x0080);
	assert_non_null(strstr(logged, "00:02.0: MSI (address 0x0:fee00000, data 0x500) refused at launch: MSI disabled"));
	assert_non_null(strstr(logged, "00:01.0: MSI (address 0x0:00000000, data 0x21) refused at launch"));
	/* Enabling it again with that message: refused; with a good one: taken. */
	nwrites = 0;
	assert_true(cf8_out(MSIDEV, 0x82, 2, 0x0001));
	assert_int_equal(ecam_out(MSIDEV, 0x80, 4, 0x00018005), 0);
	assert_int_equal(cfg(MSIDEV, 0x82, 2), 0x0000);
	assert_non_null(strstr(logged, "refused: MSI: address and delivery mode"));
	assert_true(cf8_out(MSIDEV, 0x88, 2, 0x0041));
	assert_true(cf8_out(MSIDEV, 0x82, 2, 0x0001));
	assert_int_equal(cfg(MSIDEV, 0x82, 2), 0x0001);
	/* The IOMMU's, address 0 as after a function reset: enable refused. */
	assert_true(cf8_out(IOMMU, 0x62, 2, 0x0081));
	assert_int_equal(cfg(IOMMU, 0x62, 2), 0x0080);
	assert_true(cf8_out(IOMMU, 0x64, 4, 0xfee01004));
	assert_true(cf8_out(IOMMU, 0x62, 2, 0x0081));
	assert_int_equal(cfg(IOMMU, 0x62, 2), 0x0081);
	/* A good MSI enabled at launch stays enabled. */
	assert_int_equal(relaunch(), 0);
	assert_int_equal(cfg(MSIDEV, 0x82, 2), 0x0001);
	assert_int_equal(cfg(IOMMU, 0x62, 2), 0x0081);
	assert_null(strstr(logged, "refused at launch"));
}

static void test_msix_prelaunch(void **state)
{
	(void)state;
	/* Entry 0 unmasked and good; entry 1 unmasked with INIT. */
	mm_put(TABLE, 0xfee00000);
	mm_put(TABLE + 8, 0x41);
	mm_put(TABLE + 12, 0);
	mm_put(TABLE + 0x10, 0xfee00000);
	mm_put(TABLE + 0x18, 0x541);
	mm_put(TABLE + 0x1c, 0);
	assert_int_equal(relaunch(), 0);
	assert_int_equal(mm(TABLE + 12), 0);
	assert_int_equal(mm(TABLE + 0x1c), 1);
	assert_int_equal(nstores, 1);
	assert_non_null(strstr(logged, "MSI-X entry 1 (address 0x0:fee00000, data 0x541) refused: masked"));
	/* Unmasking it: refused, until its message is good. */
	logged[0] = 0;
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x1c, 4, 0), 0);
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x18, 8, 0x0000000000000041ull | 0ull << 32), 0);
	assert_int_equal(nstores, 2);	/* the second: data fixed, and unmasked */
	assert_non_null(strstr(logged, "MSI-X entry 1 vector control refused"));
	assert_int_equal(mm(TABLE + 0x1c), 0);
	/* An unmasked entry keeps a good message: INIT into it refused. */
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x19, 1, 0x05), 0);
	assert_int_equal(nstores, 2);
	/* A table with address 0 (a function reset): unmask refused. */
	mm_put(TABLE + 0x10, 0);
	mm_put(TABLE + 0x1c, 1);
	assert_int_equal(pci_mmio_write(&cpu, TABLE + 0x1c, 4, 0), 0);
	assert_int_equal(nstores, 2);
	/* The scan runs wherever the table is protected anew: BAR moved. */
	mm_put(0xfebe9000 + 8, 0x200);		/* SMI, unmasked, at the new place */
	assert_true(cf8_out(MSIXDEV, 0x14, 4, 0xfebe9000));
	assert_int_equal(mm(0xfebe9000 + 12), 1);
	assert_non_null(strstr(logged, "MSI-X entry 0 (address 0x0:00000000, data 0x200) refused: masked"));
}

/* ---- MSI-X where the table is not guarded */

static void test_msix_unguarded(void **state)
{
	unsigned int i;

	(void)state;
	/* Guarded: MSI-X Enable is Linux's. */
	assert_true(cf8_out(MSIXDEV, 0x42, 2, 0x8001));
	assert_int_equal(cfg(MSIXDEV, 0x42, 2), 0x8001);
	assert_true(cf8_out(MSIXDEV, 0x42, 2, 0x0001));
	/* Decode off: the table is not guarded, Enable refused. */
	assert_true(cf8_out(MSIXDEV, 0x04, 2, 0x0005));
	assert_true(cf8_out(MSIXDEV, 0x42, 2, 0x8001));
	assert_int_equal(cfg(MSIXDEV, 0x42, 2), 0x0001);
	assert_non_null(strstr(logged, "refused: MSI-X: enable without a guarded table"));
	/* No slot left (MSIX_MAX): decode on is undone, Enable stays refused. */
	for (i = 0; i < MSIX_MAX; i++) {
		msix[i].used = true;
		msix[i].bdf = 0x1000 + i;
		msix[i].pa = 0x80000000ull + i * PAGE_4K;
		msix[i].len = 16;
	}
	assert_true(cf8_out(MSIXDEV, 0x04, 2, 0x0007));
	assert_int_equal(cfg(MSIXDEV, 0x04, 2), 0x0005);
	assert_true(cf8_out(MSIXDEV, 0x42, 2, 0x8001));
	assert_int_equal(cfg(MSIXDEV, 0x42, 2), 0x0001);
	/* At launch: MSI-X enabled, no slot for it: disabled. */
	put(&devs[3], 0x04, 2, 0x0007);
	put(&devs[3], 0x42, 2, 0x8001);
	memset(msix, 0, sizeof(msix));
	fail_page = TABLE;		/* its page cannot be protected */
	logged[0] = 0;
	assert_int_equal(pci_locate() || pci_init(&npt), 0);
	assert_int_equal(cfg(MSIXDEV, 0x42, 2), 0x0001);
	assert_non_null(strstr(logged, "00:04.0: MSI-X table not guarded: MSI-X disabled"));
	assert_true(cf8_out(MSIXDEV, 0x42, 2, 0x8001));
	assert_int_equal(cfg(MSIXDEV, 0x42, 2), 0x0001);
	/* A table above 4 GiB (64-bit BAR): not guarded either. */
	fail_page = ~0ull;
	put(&devs[3], 0x14, 4, (u32)TABLE | 4);
	put(&devs[3], 0x18, 4, 0x1);
	put(&devs[3], 0x42, 2, 0x8001);
	assert_int_equal(relaunch(), 0);
	assert_int_equal(cfg(MSIXDEV, 0x42, 2), 0x0001);
	assert_false(pci_mmio_owns(TABLE));
	assert_non_null(strstr(logged, "MSI-X table not guarded"));
}

/* Where ECAM is: the host bridge first, then the MSR, else no launch. */
static void test_ecam_find(void **state)
{
	(void)state;
	/* QEMU reads the unknown MSR as 0: the host bridge must win. */
	msr_ok = 0;
	msr_val = 0;
	wp_start = wp_len = 0;
	assert_int_equal(relaunch(), 0);
	assert_int_equal(wp_start, ECAM);
	assert_int_equal(wp_len, 256ull << 20);
	assert_true(pci_ecam_overlaps(ECAM + (256ull << 20) - 1, 1));
	assert_false(pci_ecam_overlaps(ECAM + (256ull << 20), 0x1000));
	assert_false(pci_ecam_overlaps(0, ECAM));
	assert_true(pci_ecam_overlaps(0, ECAM + 1));
	/* An unknown host bridge: the MSR (base 0xe0000000, 64 buses). */
	put(&devs[0], 0x00, 4, 0x14501022);
	msr_val = 0xe0000000ull | 6 << 2 | 1;
	wp_start = wp_len = 0;
	assert_int_equal(relaunch(), 0);
	assert_int_equal(wp_start, 0xe0000000ull);
	assert_int_equal(wp_len, 64ull << 20);
	assert_true(pci_mmio_owns(0xe0000000ull + (63ull << 20)));
	assert_false(pci_mmio_owns(0xe0000000ull + (64ull << 20)));
	/* MSR readable and off: no ECAM, nothing protected, launch goes on. */
	msr_val = 0;
	wp_start = wp_len = 0;
	assert_int_equal(relaunch(), 0);
	assert_int_equal(wp_len, 0);
	assert_false(pci_mmio_owns(ECAM));
	assert_false(pci_ecam_overlaps(0, ~0ull));
	/* Neither: the launch must not go on. */
	msr_ok = -1;
	assert_int_equal(pci_locate(), -1);
	assert_non_null(strstr(logged, "cannot tell where ECAM is"));
}

/* A BAR or command write closes a function's I/O BARs, then reopens them. */
static void test_io_bars_follow(void **state)
{
	(void)state;
	assert_true(cf8_out(MSIDEV, 0x20, 4, 0xe000));
	assert_int_equal(niobar, 2);
	assert_int_equal(iobar_calls[0].kind, 'C');
	assert_int_equal(iobar_calls[0].bdf, MSIDEV);
	assert_int_equal(iobar_calls[1].kind, 'U');
	assert_int_equal(iobar_calls[1].bar, 4);
	assert_int_equal(iobar_calls[1].val, 0xe001);
	assert_true(iobar_calls[1].on);
	niobar = 0;
	/* I/O decode off, through ECAM. */
	assert_int_equal(ecam_out(MSIDEV, 0x04, 2, 0x0006), 0);
	assert_int_equal(niobar, 2);
	assert_int_equal(iobar_calls[1].kind, 'U');
	assert_false(iobar_calls[1].on);
	niobar = 0;
	/* Another register: the port policy is not asked. */
	assert_true(cf8_out(MSIDEV, 0x3c, 1, 0x0b));
	assert_int_equal(niobar, 0);
	/* A function without tracked I/O BARs: closed (none), no update. */
	assert_true(cf8_out(MSIXDEV, 0x04, 2, 0x0007));
	assert_int_equal(niobar, 1);
	assert_int_equal(iobar_calls[0].kind, 'C');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_host_bridge, setup),
		cmocka_unit_test_setup(test_host_bridge_status, setup),
		cmocka_unit_test_setup(test_iommu, setup),
		cmocka_unit_test_setup(test_msi_64, setup),
		cmocka_unit_test_setup(test_msi_32, setup),
		cmocka_unit_test_setup(test_lpc, setup),
		cmocka_unit_test_setup(test_cf8_rules, setup),
		cmocka_unit_test_setup(test_ecam_rules, setup),
		cmocka_unit_test_setup(test_msix_entries, setup),
		cmocka_unit_test_setup(test_msix_follows_bar, setup),
		cmocka_unit_test_setup(test_msix_not_over_others, setup),
		cmocka_unit_test_setup(test_msix_move_within_page, setup),
		cmocka_unit_test_setup(test_msix_move_needs_quiesce, setup),
		cmocka_unit_test_setup(test_piix4_pm, setup),
		cmocka_unit_test_setup(test_ecam_find, setup),
		cmocka_unit_test_setup(test_io_bars_follow, setup),
		cmocka_unit_test_setup(test_bridge_bus_numbers, setup),
		cmocka_unit_test_setup(test_ari_forwarding, setup),
		cmocka_unit_test_setup(test_sriov, setup),
		cmocka_unit_test_setup(test_msi_address, setup),
		cmocka_unit_test_setup(test_msix_address, setup),
		cmocka_unit_test_setup(test_msi_prelaunch, setup),
		cmocka_unit_test_setup(test_msix_prelaunch, setup),
		cmocka_unit_test_setup(test_msix_unguarded, setup),
	};

	return cmocka_run_group_tests_name("pci", tests, NULL, NULL);
}
