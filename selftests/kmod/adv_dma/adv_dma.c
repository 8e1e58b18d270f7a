// SPDX-License-Identifier: GPL-2.0
/*
 * adv_dma: test-only.  Drives the DMA engine of QEMU's "edu" device (PCI
 * 1234:11e8, testbench --dma) at an address the test chooses, the
 * kernel-mode half of selftests/host/adv-dma.t.  One command per write to
 * /sys/module/adv_dma/parameters/cmd; reading it gives the last result:
 *
 *   rd WAY PA LEN       DMA LEN bytes from PA into edu's buffer and back
 *                       -> "ok HEX" (the bytes, LEN <= 64) or "err N"
 *   wr WAY PA LEN BYTE  DMA LEN bytes of BYTE to PA -> "ok" or "err N"
 *   vfill BYTE          fill the module's own page ("victim") by CPU
 *   vpeek OFF LEN       -> "ok HEX": LEN bytes of the victim at OFF, by CPU
 *   reg PA              -> "ok 0x%016llx": the 8-byte MMIO register at PA,
 *                       by CPU (readq; the IOMMU's registers, which
 *                       /dev/mem refuses once Linux's driver claimed them)
 *
 * Attacks on the IOMMU itself (selftests/adversarial/61-dma-iommu.t), by
 * CPU stores to its registers and to Linux's tables, never through
 * Linux's IOMMU driver; one at a time, each undone by "undo":
 *   iommu PA            map the IOMMU's register window at PA
 *   atk dte             edu's entry in Linux's device table -> passthrough
 *                       (V, TV, Mode 0, IR, IW), INVALIDATE_DEVTAB_ENTRY
 *   atk newdt           a copy of Linux's device table with edu's entry
 *                       passthrough, written to DevTabBar (writeq), then
 *                       Control.IommuEn off and on again
 *   atk ctl             Control.IommuEn cleared (writeq)
 *   atk pte IOVA PA INV a leaf IOVA -> PA written straight into the I/O page
 *                       table of edu's domain (one of the module's, edu's
 *                       entry pointing at it, when edu's domain has none),
 *                       then INV: none, other (INVALIDATE_IOMMU_PAGES of
 *                       another domain) or all (INVALIDATE_IOMMU_ALL)
 *   undo                the attack's entries, registers and pages back,
 *                       invalidated
 *   init CPU APIC HOW   an INIT message (MSI data 0x500) to APIC ID APIC,
 *                       written by edu's DMA engine, with HOW: pass
 *                       (InitPass set in the device table entries) or iv0
 *                       (their interrupt remapping turned off, IV=0)
 *                       or raw (no change: Linux's IOMMU off); the
 *                       entries back after -> "ok 1" if CPU (APIC's)
 *                       still runs a function call, "ok 0" if not
 *   selfdma BYTE        -> "ok HEX": 64 bytes of BYTE to edu's buffer and
 *                       back through the module's DMA-API page (Linux's
 *                       own use of its IOMMU)
 *   alive CPU           -> "ok 1" if CPU ran a function call within 2 s
 *                       ("ok 0": it is stopped; never asked again)
 * After dte, newdt and ctl edu reaches memory untranslated, so the module
 * moves its own transfers to a page it addresses physically.  Commands are
 * injected into Linux's command ring from inside stop_machine(): at its
 * tail, followed by a COMPLETION_WAIT storing to the module's page, then
 * the ring's pointers are put back where Linux's driver left them.
 *
 * WAY says which bus address reaches PA:
 *   phys  PA itself (a raw physical address: works when Linux's IOMMU is
 *         off or in passthrough, not through a translated domain);
 *   map   Linux's IOMMU API: iommu_map() of an unused IOVA onto PA's page in
 *         edu's default domain (iommu_get_domain_for_dev()); unmapped after;
 *   own   an unmanaged domain of our own (iommu_domain_alloc()), edu
 *         attached to it for the transfer, PA's page mapped at the IOVA,
 *         then edu back on its default domain.
 *
 * Read-only parameters: "victim" (the physical address of the module's
 * page) and "domain" (edu's default domain type: none, identity, dma,
 * dma-fq, or the number).  A read first loads a marker (0x5a) into edu's
 * buffer: a blocked read leaves the marker (or zeros), never PA's bytes.
 * Transfers stay short of the end of edu's 4 KiB buffer (QEMU 7.2 stops on
 * one that ends exactly there).  Only exported symbols.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/smp.h>
#include <linux/stop_machine.h>
#include <linux/string.h>

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_ID		0x00	/* 0x010000ed */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_RUN	0x1
#define EDU_CMD_TO_RAM	0x2	/* direction: edu's buffer -> bus address */
#define EDU_BUF		0x40000	/* edu's 4 KiB buffer, in its address space */
#define EDU_BUF_SIZE	4096

#define MAX_LEN		2048	/* well short of the buffer's end */
#define MAX_HEX		64
#define MARKER		0x5a
/* An IOVA below 2^39 (3-level tables) that the DMA API does not hand out
 * (it allocates below 4 GiB first); checked unused before each map. */
#define ATTACK_IOVA	0x7f00000000ULL

static DEFINE_MUTEX(lock);
static struct pci_dev *edu;
static void __iomem *regs;
static void *bounce;		/* coherent page: how we see edu's buffer */
static dma_addr_t bounce_bus;
static struct page *victim;
static char result[2 * MAX_HEX + 32] = "none";
static struct page *rawbuf;	/* the transfers' page while edu is untranslated */
static bool raw;

/* The bus address and CPU view of the page edu's transfers go through. */
static u64 xfer_bus(void)
{
	return raw ? page_to_phys(rawbuf) : bounce_bus;
}

static void *xfer_va(void)
{
	return raw ? page_address(rawbuf) : bounce;
}

static int edu_dma(u64 src, u64 dst, u32 len, bool to_ram)
{
	int i;

	writeq(src, regs + EDU_DMA_SRC);
	writeq(dst, regs + EDU_DMA_DST);
	writeq(len, regs + EDU_DMA_CNT);
	writeq(EDU_CMD_RUN | (to_ram ? EDU_CMD_TO_RAM : 0), regs + EDU_DMA_CMD);
	/* edu runs the transfer 100 ms (virtual) after the command. */
	for (i = 0; i < 300; i++) {
		msleep(10);
		if (!(readq(regs + EDU_DMA_CMD) & EDU_CMD_RUN))
			return 0;
	}
	return -ETIMEDOUT;
}

static void set_hex(const u8 *p, unsigned int len)
{
	unsigned int i, n;

	n = scnprintf(result, sizeof(result), "ok ");
	for (i = 0; i < len && i < MAX_HEX; i++)
		n += scnprintf(result + n, sizeof(result) - n, "%02x", p[i]);
}

/*
 * The bus address that reaches @pa by @way.  For "map" and "own" it maps
 * @pa's page at ATTACK_IOVA; put_bus() undoes that.
 */
struct route {
	struct iommu_domain *dom;	/* where the IOVA is mapped, or NULL */
	bool attached;			/* edu on our own domain */
};

static int get_bus(const char *way, u64 pa, u32 len, struct route *rt, u64 *bus)
{
	struct iommu_domain *dom;
	u64 off = pa & ~PAGE_MASK;
	int ret;

	rt->dom = NULL;
	rt->attached = false;
	if (!strcmp(way, "phys")) {
		*bus = pa;
		return 0;
	}
	if (off + len > PAGE_SIZE)
		return -EINVAL;
	if (!strcmp(way, "map")) {
		dom = iommu_get_domain_for_dev(&edu->dev);
		if (!dom)
			return -ENODEV;
	} else if (!strcmp(way, "own")) {
		dom = iommu_domain_alloc(edu->dev.bus);
		if (!dom)
			return -ENODEV;
		ret = iommu_attach_device(dom, &edu->dev);
		if (ret) {
			iommu_domain_free(dom);
			return ret;
		}
		rt->attached = true;
	} else {
		return -EINVAL;
	}
	/* An identity domain "translates" every IOVA: iommu_map() decides. */
	if ((dom->type & __IOMMU_DOMAIN_PAGING) &&
	    iommu_iova_to_phys(dom, ATTACK_IOVA)) {
		ret = -EBUSY;
		goto undo;
	}
	ret = iommu_map(dom, ATTACK_IOVA, pa & PAGE_MASK, PAGE_SIZE,
			IOMMU_READ | IOMMU_WRITE);
	if (ret)
		goto undo;
	rt->dom = dom;
	*bus = ATTACK_IOVA + off;
	return 0;
undo:
	if (rt->attached) {
		iommu_detach_device(dom, &edu->dev);
		iommu_domain_free(dom);
		rt->attached = false;
	}
	return ret;
}

static void put_bus(struct route *rt)
{
	if (rt->dom)
		iommu_unmap(rt->dom, ATTACK_IOVA, PAGE_SIZE);
	if (rt->attached) {
		iommu_detach_device(rt->dom, &edu->dev);
		iommu_domain_free(rt->dom);
	}
}

static int do_dma(bool write, const char *way, u64 pa, u32 len, u8 byte)
{
	struct route rt;
	u64 bus;
	int ret;

	if (!len || len > MAX_LEN)
		return -EINVAL;
	/* edu's buffer first: the marker for a read, the data for a write. */
	memset(xfer_va(), write ? byte : MARKER, len);
	ret = edu_dma(xfer_bus(), EDU_BUF, len, false);
	if (ret)
		return ret;
	ret = get_bus(way, pa, len, &rt, &bus);
	if (ret)
		return ret;
	if (write)
		ret = edu_dma(EDU_BUF, bus, len, true);
	else
		ret = edu_dma(bus, EDU_BUF, len, false);
	put_bus(&rt);
	if (ret || write)
		return ret;
	/* What edu got, back where the CPU can see it. */
	memset(xfer_va(), 0, len);
	ret = edu_dma(EDU_BUF, xfer_bus(), len, true);
	if (!ret)
		set_hex(xfer_va(), len);
	return ret;
}

/* ------------------------------------------------ attacks on the IOMMU */

#define IOMMU_DEVTAB	0x00
#define IOMMU_CMDBUF	0x08
#define IOMMU_CONTROL	0x18
#define IOMMU_CMD_HEAD	0x2000
#define IOMMU_CMD_TAIL	0x2008
#define IOMMU_MAP_SIZE	0x4000
#define CTL_IOMMU_EN	BIT_ULL(0)
#define CTL_CMDBUF_EN	BIT_ULL(12)
#define ADDR_MASK	GENMASK_ULL(51, 12)
#define DTE_V		BIT_ULL(0)
#define DTE_TV		BIT_ULL(1)
#define DTE_MODE_SHIFT	9
#define DTE_MODE	GENMASK_ULL(11, 9)	/* and a PTE's next level */
#define DTE_IR		BIT_ULL(61)		/* and a PTE's */
#define DTE_IW		BIT_ULL(62)
#define DTE1_DOMID	GENMASK_ULL(15, 0)
#define DTE2_IV		BIT_ULL(0)
#define DTE2_INIT_PASS	BIT_ULL(56)
#define PTE_PR		BIT_ULL(0)
#define CMD_COMPLETION_WAIT	1ULL
#define CMD_INV_DEVTAB		2ULL
#define CMD_INV_PAGES		3ULL
#define CMD_INV_ALL		8ULL
#define INV_ALL_PAGES	(0x7ffffffffffff000ULL | 3)	/* S=1, PDE=1 */
/* QEMU 7.2 gives a DMA write into the MSI window (no requester ID) the
 * IOAPIC's DeviceID; hardware gives it the device's. */
#define IOAPIC_DEVID	0xa0
#define MSI_BASE	0xfee00000ULL
#define MSI_DATA_INIT	0x500			/* delivery mode INIT */
#define ATK_DOMID	0xfff0			/* ours, when edu's has no table */
#define MAX_ENTRIES	8

static void __iomem *mmio;
static struct page *sem_page;	/* the completion waits' store */
static u64 seq;

static struct {
	const char *kind;		/* NULL: no attack on */
	u32 devid;
	u64 dte[4];			/* edu's entry before */
	bool dte_changed;
	u64 bar, ctl;			/* the registers before */
	struct page *table;		/* newdt's device table */
	unsigned int order;
	u64 *slot[MAX_ENTRIES];		/* table entries written, in order */
	u64 old[MAX_ENTRIES];
	unsigned int nslots;
	struct page *pages[MAX_ENTRIES];	/* table pages of ours */
	unsigned int npages;
	u16 domid;
} atk;

struct inject {
	u64 cmd[4][2];
	unsigned int n;
	int ret;
};

/* On one CPU, every other one stopped: Linux issues no command meanwhile. */
static int inject_fn(void *data)
{
	struct inject *in = data;
	u64 ctl = readq(mmio + IOMMU_CONTROL), bar = readq(mmio + IOMMU_CMDBUF);
	unsigned int lg = (bar >> 56) & 0xf, i;
	u64 *sem = page_address(sem_page), *ring, c0, c1;
	u32 size = 16U << lg, t0, t;

	in->ret = -ENODEV;
	if (!(ctl & CTL_IOMMU_EN) || !(ctl & CTL_CMDBUF_EN) || lg < 8 || lg > 15)
		return 0;
	in->ret = -EBUSY;
	for (i = 0; i < 100000; i++) {
		t0 = readl(mmio + IOMMU_CMD_TAIL);
		/* QEMU 7.2 leaves the head register at the ring's size on a wrap. */
		if (readl(mmio + IOMMU_CMD_HEAD) % size == t0)
			break;
		udelay(1);
	}
	if (i == 100000 || t0 >= size || (t0 & 15))
		return 0;
	ring = phys_to_virt(bar & ADDR_MASK);
	seq++;
	WRITE_ONCE(*sem, 0);
	t = t0;
	for (i = 0; i <= in->n; i++) {
		if (i < in->n) {
			c0 = in->cmd[i][0];
			c1 = in->cmd[i][1];
		} else {	/* S=1: store seq at the module's page */
			c0 = (CMD_COMPLETION_WAIT << 60) |
			     (page_to_phys(sem_page) & GENMASK_ULL(51, 3)) | 1;
			c1 = seq;
		}
		WRITE_ONCE(ring[t / 8], c0);
		WRITE_ONCE(ring[t / 8 + 1], c1);
		t = (t + 16) % size;
	}
	wmb();
	writel(t, mmio + IOMMU_CMD_TAIL);
	in->ret = -ETIMEDOUT;
	for (i = 0; i < 100000; i++) {
		if (READ_ONCE(*sem) == seq) {
			in->ret = 0;
			break;
		}
		udelay(1);
	}
	/* Linux's driver keeps its tail (t0) in memory: the pointers back. */
	writeq(ctl & ~CTL_CMDBUF_EN, mmio + IOMMU_CONTROL);
	writel(t0, mmio + IOMMU_CMD_HEAD);
	writel(t0, mmio + IOMMU_CMD_TAIL);
	writeq(ctl, mmio + IOMMU_CONTROL);
	return 0;
}

static int inject(struct inject *in)
{
	int ret;

	if (!in->n)
		return 0;
	ret = stop_machine(inject_fn, in, NULL);
	return ret ? ret : in->ret;
}

static void add_cmd(struct inject *in, u64 c0, u64 c1)
{
	if (in->n < ARRAY_SIZE(in->cmd)) {
		in->cmd[in->n][0] = c0;
		in->cmd[in->n][1] = c1;
		in->n++;
	}
}

static u64 inv_devtab(u32 devid)
{
	return (CMD_INV_DEVTAB << 60) | devid;
}

static u64 inv_pages(u16 domid)
{
	return (CMD_INV_PAGES << 60) | ((u64)domid << 32);
}

/* Device @devid's entry in the device table the IOMMU uses now. */
static u64 *dte_of(u32 devid)
{
	u64 bar = readq(mmio + IOMMU_DEVTAB);

	if (!(bar & ADDR_MASK) ||
	    devid >= ((bar & 0x1ff) + 1) * (PAGE_SIZE / 32))
		return NULL;
	return (u64 *)phys_to_virt(bar & ADDR_MASK) + 4 * devid;
}

static void dte_save(u64 *e)
{
	memcpy(atk.dte, e, sizeof(atk.dte));
	atk.dte_changed = true;
}

static void set_entry(u64 *p, u64 v)
{
	atk.slot[atk.nslots] = p;
	atk.old[atk.nslots++] = READ_ONCE(*p);
	WRITE_ONCE(*p, v);
}

/* A 4 KiB leaf @iova -> @pa in the AMD v1 table at @root of @levels. */
static int pte_set(u64 root, unsigned int levels, u64 iova, u64 pa)
{
	u64 *tbl = phys_to_virt(root), *p, v;
	struct page *pg;
	unsigned int l;

	if (levels < 1 || levels > 6 || (levels < 6 && iova >> (12 + 9 * levels)))
		return -ERANGE;
	for (l = levels; l > 1; l--) {
		p = &tbl[(iova >> (12 + 9 * (l - 1))) & 511];
		v = READ_ONCE(*p);
		if (!(v & PTE_PR)) {
			if (atk.npages == MAX_ENTRIES || atk.nslots == MAX_ENTRIES)
				return -ENOSPC;
			pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!pg)
				return -ENOMEM;
			atk.pages[atk.npages++] = pg;
			v = page_to_phys(pg) | ((u64)(l - 1) << DTE_MODE_SHIFT) |
			    PTE_PR | DTE_IR | DTE_IW;
			set_entry(p, v);
		} else if (((v & DTE_MODE) >> DTE_MODE_SHIFT) != l - 1) {
			return -EEXIST;	/* a large page or a skip: not ours */
		}
		tbl = phys_to_virt(v & ADDR_MASK);
	}
	p = &tbl[(iova >> 12) & 511];
	if (READ_ONCE(*p) & PTE_PR)
		return -EBUSY;		/* Linux's own mapping */
	if (atk.nslots == MAX_ENTRIES)
		return -ENOSPC;
	set_entry(p, (pa & ADDR_MASK) | PTE_PR | DTE_IR | DTE_IW);
	return 0;
}

static int atk_undo(void)
{
	struct inject in = { .n = 0 };
	u64 *e;
	int ret;

	if (!atk.kind)
		return 0;
	e = dte_of(atk.devid);
	while (atk.nslots) {
		atk.nslots--;
		WRITE_ONCE(*atk.slot[atk.nslots], atk.old[atk.nslots]);
	}
	if (!strcmp(atk.kind, "newdt") || !strcmp(atk.kind, "ctl")) {
		if (!strcmp(atk.kind, "newdt")) {
			writeq(atk.bar, mmio + IOMMU_DEVTAB);
			writeq(atk.ctl & ~CTL_IOMMU_EN, mmio + IOMMU_CONTROL);
		}
		writeq(atk.ctl, mmio + IOMMU_CONTROL);
	}
	if (atk.dte_changed && e) {
		WRITE_ONCE(e[1], atk.dte[1]);
		WRITE_ONCE(e[2], atk.dte[2]);
		WRITE_ONCE(e[3], atk.dte[3]);
		WRITE_ONCE(e[0], atk.dte[0]);
		add_cmd(&in, inv_devtab(atk.devid), 0);
	}
	if (!strcmp(atk.kind, "pte"))
		add_cmd(&in, inv_pages(atk.domid), INV_ALL_PAGES);
	ret = inject(&in);
	/* The pages only once no translation can reach them. */
	if (!ret) {
		while (atk.npages)
			__free_page(atk.pages[--atk.npages]);
		if (atk.table)
			__free_pages(atk.table, atk.order);
		atk.table = NULL;
	}
	atk.dte_changed = false;
	atk.kind = NULL;
	raw = false;
	return ret;
}

static int atk_start(const char *val)
{
	char kind[8], inv[8] = "";
	struct inject in = { .n = 0 };
	u64 *e, iova = 0, pa = 0, root;
	unsigned int levels;
	int ret;

	if (sscanf(val, "%*s %7s", kind) != 1)
		return -EINVAL;
	if (!mmio)
		return -ENXIO;
	if (atk.kind)
		return -EBUSY;
	atk.devid = pci_dev_id(edu);
	e = dte_of(atk.devid);
	if (!e)
		return -ENOENT;
	atk.bar = readq(mmio + IOMMU_DEVTAB);
	atk.ctl = readq(mmio + IOMMU_CONTROL);
	if (!strcmp(kind, "dte")) {
		atk.kind = "dte";
		dte_save(e);
		raw = true;
		WRITE_ONCE(e[0], (e[0] & ~(DTE_MODE | ADDR_MASK)) |
			   DTE_V | DTE_TV | DTE_IR | DTE_IW);
		add_cmd(&in, inv_devtab(atk.devid), 0);
	} else if (!strcmp(kind, "newdt")) {
		size_t bytes = ((atk.bar & 0x1ff) + 1) * PAGE_SIZE;
		u64 *t;

		atk.order = get_order(bytes);
		atk.table = alloc_pages(GFP_KERNEL | __GFP_ZERO, atk.order);
		if (!atk.table)
			return -ENOMEM;
		atk.kind = "newdt";
		t = page_address(atk.table);
		memcpy(t, phys_to_virt(atk.bar & ADDR_MASK), bytes);
		t += 4 * atk.devid;
		t[0] = (t[0] & ~(DTE_MODE | ADDR_MASK)) | DTE_V | DTE_TV | DTE_IR | DTE_IW;
		raw = true;
		writeq(page_to_phys(atk.table) | (atk.bar & 0x1ff), mmio + IOMMU_DEVTAB);
		/* A hypervisor would re-read the table only here. */
		writeq(atk.ctl & ~CTL_IOMMU_EN, mmio + IOMMU_CONTROL);
		writeq(atk.ctl, mmio + IOMMU_CONTROL);
	} else if (!strcmp(kind, "ctl")) {
		atk.kind = "ctl";
		raw = true;
		writeq(atk.ctl & ~CTL_IOMMU_EN, mmio + IOMMU_CONTROL);
	} else if (!strcmp(kind, "pte") &&
		   sscanf(val, "%*s %*s %llx %llx %7s", &iova, &pa, inv) == 3) {
		atk.kind = "pte";
		levels = (e[0] & DTE_MODE) >> DTE_MODE_SHIFT;
		if ((e[0] & DTE_V) && (e[0] & DTE_TV) && levels >= 1 && levels <= 6) {
			root = e[0] & ADDR_MASK;
			atk.domid = e[1] & DTE1_DOMID;
			ret = pte_set(root, levels, iova, pa);
		} else {
			/* No table (identity): one of ours, with our transfers' page. */
			struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);

			if (!pg) {
				ret = -ENOMEM;
				goto fail;
			}
			atk.pages[atk.npages++] = pg;
			root = page_to_phys(pg);
			levels = 3;
			atk.domid = ATK_DOMID;
			ret = pte_set(root, levels, iova, pa);
			if (!ret)
				ret = pte_set(root, levels, bounce_bus & PAGE_MASK,
					      bounce_bus & PAGE_MASK);
			if (!ret) {
				dte_save(e);
				WRITE_ONCE(e[1], (e[1] & ~DTE1_DOMID) | ATK_DOMID);
				WRITE_ONCE(e[0], (e[0] & ~(DTE_MODE | ADDR_MASK)) | root |
					   ((u64)levels << DTE_MODE_SHIFT) |
					   DTE_V | DTE_TV | DTE_IR | DTE_IW);
				add_cmd(&in, inv_devtab(atk.devid), 0);
			}
		}
		if (ret)
			goto fail;
		if (!strcmp(inv, "other"))
			add_cmd(&in, inv_pages(atk.domid ^ 0x8000), INV_ALL_PAGES);
		else if (!strcmp(inv, "all"))
			add_cmd(&in, CMD_INV_ALL << 60, 0);
		else if (strcmp(inv, "none"))
			ret = -EINVAL;
		if (ret)
			goto fail;
	} else {
		return -EINVAL;
	}
	ret = inject(&in);
	if (!ret)
		return 0;
fail:
	atk_undo();
	return ret;
}

static call_single_data_t alive_csd;
static atomic_t alive_ran;
static bool alive_stuck;	/* a call never ran: the csd stays queued */

static void alive_fn(void *info)
{
	atomic_set(&alive_ran, 1);
}

/* 1: @cpu ran a function call within 2 s; 0: it did not; or an error. */
static int cpu_alive(unsigned int cpu)
{
	int i, ret;

	if (alive_stuck)
		return -EBUSY;
	if (cpu >= nr_cpu_ids || !cpu_online(cpu) || cpu == raw_smp_processor_id())
		return -EINVAL;
	atomic_set(&alive_ran, 0);
	INIT_CSD(&alive_csd, alive_fn, NULL);
	ret = smp_call_function_single_async(cpu, &alive_csd);
	if (ret)
		return ret;
	for (i = 0; i < 200 && !atomic_read(&alive_ran); i++)
		msleep(10);
	alive_stuck = !atomic_read(&alive_ran);
	return !alive_stuck;
}

/* An INIT message by edu's DMA engine, with the entries that rule it changed. */
static int atk_init(unsigned int cpu, u32 apic, const char *how)
{
	u32 ids[2] = { pci_dev_id(edu), IOAPIC_DEVID };
	struct inject in = { .n = 0 };
	u64 saved[2][4];
	u64 *e[2];
	unsigned long flags;
	int ret, ret2, i, alive;

	if (atk.kind)
		return -EBUSY;
	if (apic > 0xff || (strcmp(how, "pass") && strcmp(how, "iv0") &&
			    strcmp(how, "raw")))
		return -EINVAL;
	/* The message's data into edu's buffer first, while edu is Linux's. */
	*(u32 *)bounce = MSI_DATA_INIT;
	ret = edu_dma(bounce_bus, EDU_BUF, 4, false);
	if (ret)
		return ret;
	if (!strcmp(how, "raw")) {	/* the device table as it is */
		ret = edu_dma(EDU_BUF, MSI_BASE | ((u64)apic << 12), 4, true);
		return ret ? ret : cpu_alive(cpu);
	}
	if (!mmio)
		return -ENXIO;
	for (i = 0; i < 2; i++) {
		e[i] = dte_of(ids[i]);
		if (!e[i])
			return -ENOENT;
	}
	for (i = 0; i < 2; i++) {
		memcpy(saved[i], e[i], sizeof(saved[i]));
		if (!strcmp(how, "pass"))
			WRITE_ONCE(e[i][2], e[i][2] | DTE2_INIT_PASS);
		else
			WRITE_ONCE(e[i][2], e[i][2] & ~DTE2_IV);
		add_cmd(&in, inv_devtab(ids[i]), 0);
	}
	ret = inject(&in);
	if (!ret)
		ret = edu_dma(EDU_BUF, MSI_BASE | ((u64)apic << 12), 4, true);
	alive = ret ? 1 : cpu_alive(cpu);
	for (i = 0; i < 2; i++)
		WRITE_ONCE(e[i][2], saved[i][2]);
	if (alive == 1) {
		ret2 = inject(&in);
	} else {
		/* A stopped CPU never joins stop_machine(): nobody else issues. */
		local_irq_save(flags);
		inject_fn(&in);
		local_irq_restore(flags);
		ret2 = in.ret;
	}
	if (ret || ret2)
		return ret ? ret : ret2;
	return alive;
}

static int cmd_set(const char *val, const struct kernel_param *kp)
{
	char op[8], way[8];
	u64 pa;
	u32 len, apic;
	unsigned int byte;
	int ret = -EINVAL;

	if (sscanf(val, "%7s", op) != 1)
		return -EINVAL;
	mutex_lock(&lock);
	if (!edu) {
		ret = -ENODEV;
	} else if (!strcmp(op, "rd") &&
		   sscanf(val, "%*s %7s %llx %u", way, &pa, &len) == 3) {
		ret = do_dma(false, way, pa, len, 0);
	} else if (!strcmp(op, "wr") &&
		   sscanf(val, "%*s %7s %llx %u %x", way, &pa, &len, &byte) == 4 &&
		   byte <= 0xff) {
		ret = do_dma(true, way, pa, len, byte);
		if (!ret)
			strscpy(result, "ok", sizeof(result));
	} else if (!strcmp(op, "vfill") && sscanf(val, "%*s %x", &byte) == 1 &&
		   byte <= 0xff) {
		memset(page_address(victim), byte, PAGE_SIZE);
		strscpy(result, "ok", sizeof(result));
		ret = 0;
	} else if (!strcmp(op, "reg") && sscanf(val, "%*s %llx", &pa) == 1 &&
		   !(pa & 7)) {
		void __iomem *r = ioremap(pa, 8);

		ret = -ENOMEM;
		if (r) {
			snprintf(result, sizeof(result), "ok %#018llx", readq(r));
			iounmap(r);
			ret = 0;
		}
	} else if (!strcmp(op, "iommu") && sscanf(val, "%*s %llx", &pa) == 1 &&
		   !mmio) {
		mmio = ioremap(pa, IOMMU_MAP_SIZE);
		ret = mmio ? 0 : -ENOMEM;
		if (!ret)
			strscpy(result, "ok", sizeof(result));
	} else if (!strcmp(op, "atk")) {
		ret = atk_start(val);
		if (!ret)
			strscpy(result, "ok", sizeof(result));
	} else if (!strcmp(op, "undo")) {
		ret = atk_undo();
		if (!ret)
			strscpy(result, "ok", sizeof(result));
	} else if (!strcmp(op, "init") &&
		   sscanf(val, "%*s %u %x %7s", &len, &apic, way) == 3) {
		ret = atk_init(len, apic, way);
		if (ret >= 0) {
			snprintf(result, sizeof(result), "ok %d", ret);
			ret = 0;
		}
	} else if (!strcmp(op, "selfdma") && sscanf(val, "%*s %x", &byte) == 1 &&
		   byte <= 0xff) {
		/* Linux's own DMA: edu's buffer out and back through the DMA API. */
		memset(bounce, byte, 64);
		ret = edu_dma(bounce_bus, EDU_BUF, 64, false);
		memset(bounce, 0, 64);
		if (!ret)
			ret = edu_dma(EDU_BUF, bounce_bus, 64, true);
		if (!ret)
			set_hex(bounce, 64);
	} else if (!strcmp(op, "alive") && sscanf(val, "%*s %u", &len) == 1) {
		ret = cpu_alive(len);
		if (ret >= 0) {
			snprintf(result, sizeof(result), "ok %d", ret);
			ret = 0;
		}
	} else if (!strcmp(op, "vpeek") &&
		   sscanf(val, "%*s %llx %u", &pa, &len) == 2 &&
		   len && len <= MAX_HEX && pa + len <= PAGE_SIZE) {
		set_hex(page_address(victim) + pa, len);
		ret = 0;
	}
	if (ret)
		snprintf(result, sizeof(result), "err %d", ret);
	mutex_unlock(&lock);
	/* The result says what happened; the write itself succeeds. */
	return 0;
}

static int cmd_get(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&lock);
	n = scnprintf(buf, PAGE_SIZE, "%s\n", result);
	mutex_unlock(&lock);
	return n;
}

static const struct kernel_param_ops cmd_ops = {
	.set = cmd_set,
	.get = cmd_get,
};
module_param_cb(cmd, &cmd_ops, NULL, 0600);
MODULE_PARM_DESC(cmd, "rd WAY PA LEN | wr WAY PA LEN BYTE | vfill BYTE | vpeek OFF LEN | reg PA (WAY: phys, map, own) | iommu PA | atk dte|newdt|ctl|pte IOVA PA none|other|all | undo | init CPU APIC pass|iv0|raw | selfdma BYTE | alive CPU");

static int victim_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%#llx\n",
			 victim ? (unsigned long long)page_to_phys(victim) : 0ULL);
}

static const struct kernel_param_ops victim_ops = { .get = victim_get };
module_param_cb(victim, &victim_ops, NULL, 0400);
MODULE_PARM_DESC(victim, "physical address of the module's own page");

static int domain_get(char *buf, const struct kernel_param *kp)
{
	struct iommu_domain *dom;
	int n;

	mutex_lock(&lock);
	dom = edu ? iommu_get_domain_for_dev(&edu->dev) : NULL;
	if (!dom)
		n = scnprintf(buf, PAGE_SIZE, "none\n");
	else if (dom->type == IOMMU_DOMAIN_IDENTITY)
		n = scnprintf(buf, PAGE_SIZE, "identity\n");
	else if (dom->type == IOMMU_DOMAIN_DMA)
		n = scnprintf(buf, PAGE_SIZE, "dma\n");
	else if (dom->type == IOMMU_DOMAIN_DMA_FQ)
		n = scnprintf(buf, PAGE_SIZE, "dma-fq\n");
	else
		n = scnprintf(buf, PAGE_SIZE, "%u\n", dom->type);
	mutex_unlock(&lock);
	return n;
}

static const struct kernel_param_ops domain_ops = { .get = domain_get };
module_param_cb(domain, &domain_ops, NULL, 0444);
MODULE_PARM_DESC(domain, "edu's IOMMU domain type: none, identity, dma, dma-fq");

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int ret;

	if (edu)
		return -EBUSY;	/* one edu is enough */
	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	ret = pci_request_region(pdev, 0, "adv_dma");
	if (ret)
		goto disable;
	regs = pci_iomap(pdev, 0, 0);
	if (!regs) {
		ret = -ENOMEM;
		goto release;
	}
	if ((readl(regs + EDU_ID) & 0xff) != 0xed) {
		ret = -ENODEV;
		goto unmap;
	}
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		goto unmap;
	bounce = dma_alloc_coherent(&pdev->dev, PAGE_SIZE, &bounce_bus, GFP_KERNEL);
	if (!bounce) {
		ret = -ENOMEM;
		goto unmap;
	}
	pci_set_master(pdev);
	mutex_lock(&lock);
	edu = pdev;
	mutex_unlock(&lock);
	return 0;
unmap:
	pci_iounmap(pdev, regs);
	regs = NULL;
release:
	pci_release_region(pdev, 0);
disable:
	pci_disable_device(pdev);
	return ret;
}

static void edu_remove(struct pci_dev *pdev)
{
	if (pdev != edu)
		return;
	mutex_lock(&lock);
	atk_undo();
	edu = NULL;
	mutex_unlock(&lock);
	pci_clear_master(pdev);
	dma_free_coherent(&pdev->dev, PAGE_SIZE, bounce, bounce_bus);
	pci_iounmap(pdev, regs);
	regs = NULL;
	pci_release_region(pdev, 0);
	pci_disable_device(pdev);
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR, EDU_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = "adv_dma",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};

static int __init adv_dma_init(void)
{
	int ret;

	victim = alloc_page(GFP_KERNEL | __GFP_ZERO);
	rawbuf = alloc_page(GFP_KERNEL | __GFP_ZERO);
	sem_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!victim || !rawbuf || !sem_page) {
		ret = -ENOMEM;
		goto free;
	}
	ret = pci_register_driver(&edu_driver);
	if (!ret)
		return 0;
free:
	if (sem_page)
		__free_page(sem_page);
	if (rawbuf)
		__free_page(rawbuf);
	if (victim)
		__free_page(victim);
	return ret;
}

static void __exit adv_dma_exit(void)
{
	pci_unregister_driver(&edu_driver);
	if (mmio)
		iounmap(mmio);
	__free_page(sem_page);
	__free_page(rawbuf);
	__free_page(victim);
}

module_init(adv_dma_init);
module_exit(adv_dma_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xmhf-ll test: QEMU edu DMA aimed at a chosen physical address");
