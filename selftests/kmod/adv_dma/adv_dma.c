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
	memset(bounce, write ? byte : MARKER, len);
	ret = edu_dma(bounce_bus, EDU_BUF, len, false);
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
	memset(bounce, 0, len);
	ret = edu_dma(EDU_BUF, bounce_bus, len, true);
	if (!ret)
		set_hex(bounce, len);
	return ret;
}

static int cmd_set(const char *val, const struct kernel_param *kp)
{
	char op[8], way[8];
	u64 pa;
	u32 len;
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
MODULE_PARM_DESC(cmd, "rd WAY PA LEN | wr WAY PA LEN BYTE | vfill BYTE | vpeek OFF LEN | reg PA (WAY: phys, map, own)");

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
	if (!victim)
		return -ENOMEM;
	ret = pci_register_driver(&edu_driver);
	if (ret)
		__free_page(victim);
	return ret;
}

static void __exit adv_dma_exit(void)
{
	pci_unregister_driver(&edu_driver);
	__free_page(victim);
}

module_init(adv_dma_init);
module_exit(adv_dma_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xmhf-ll test: QEMU edu DMA aimed at a chosen physical address");
