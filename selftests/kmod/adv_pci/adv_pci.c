// SPDX-License-Identifier: GPL-2.0
/*
 * adv_pci: the kernel-mode half of selftests/adversarial/40-pci.t.  It
 * reaches PCI configuration space through ECAM (MMCONFIG), which
 * userspace cannot map (the kernel holds the range busy), and other MMIO
 * the test reads (the TPM's registers), with plain MOVs as Linux's own
 * mmconfig accessors use.
 *
 *   echo CMD > /sys/module/adv_pci/parameters/cmd
 *   cat /sys/module/adv_pci/parameters/cmd       # the last result
 *
 * CMD:
 *   rd PA SIZE       one load of SIZE (1, 2 or 4) bytes -> "ok 0xVALUE"
 *   wr PA SIZE VAL   one store, then a load of the same -> "ok 0xREADBACK"
 *   selfcheck        the SELFCHECK hypercall at CPL 0 -> "ok N" (1: intact)
 * PA must be naturally aligned; a malformed command gets -EINVAL.
 */
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include "adv_cmd.h"

#define XMHF_HC_SELFCHECK	4

static char result[64] = "none";

static u32 mmio_read(void __iomem *p, unsigned int size)
{
	if (size == 1)
		return readb(p);
	if (size == 2)
		return readw(p);
	return readl(p);
}

static void mmio_write(void __iomem *p, unsigned int size, u32 val)
{
	if (size == 1)
		writeb(val, p);
	else if (size == 2)
		writew(val, p);
	else
		writel(val, p);
}

static int do_mmio(bool write, u64 pa, unsigned int size, u32 val)
{
	void __iomem *page;
	u32 got;

	if ((size != 1 && size != 2 && size != 4) || (pa & (size - 1)))
		return -EINVAL;
	page = ioremap(pa & PAGE_MASK, PAGE_SIZE);
	if (!page)
		return -ENOMEM;
	if (write)
		mmio_write(page + (pa & ~PAGE_MASK), size, val);
	got = mmio_read(page + (pa & ~PAGE_MASK), size);
	iounmap(page);
	snprintf(result, sizeof(result), "ok 0x%x", got);
	return 0;
}

static long selfcheck(void)
{
	long ret;

	asm volatile("vmmcall" : "=a"(ret) : "a"((long)XMHF_HC_SELFCHECK)
		     : "memory");
	return ret;
}

static int cmd_set(const char *val, const struct kernel_param *kp)
{
	char op[16];
	u64 pa;
	unsigned int size;
	u32 v;

	if (sscanf(val, "%15s", op) != 1)
		return -EINVAL;
	if (!strcmp(op, "selfcheck")) {
		snprintf(result, sizeof(result), "ok %ld", selfcheck());
		return 0;
	}
	if (!strcmp(op, "rd") && sscanf(val, "%*s %llx %u", &pa, &size) == 2)
		return do_mmio(false, pa, size, 0);
	if (!strcmp(op, "wr") && sscanf(val, "%*s %llx %u %x", &pa, &size, &v) == 3)
		return do_mmio(true, pa, size, v);
	return -EINVAL;
}

ADV_CMD_PARAM(cmd_set, "rd PA SIZE | wr PA SIZE VAL | selfcheck");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xmhf-ll test: ECAM and MMIO accesses at CPL 0");
