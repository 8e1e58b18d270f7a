// SPDX-License-Identifier: GPL-2.0
/* The platform seam (platform.h) implemented with kernel services. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/firmware.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/cpumask.h>
#include <linux/acpi.h>
#include <asm/processor.h>
#include <asm/msr.h>
#include <asm/smp.h>
#include <asm/tsc.h>
#include <xmhf/hypercall.h>
#include <xmhf/layout.h>
#include <xmhf/slparams.h>

#include "xmhf.h"

static void lx_cpuid(u32 leaf, u32 subleaf, struct xmhf_cpuid *out)
{
	cpuid_count(leaf, subleaf, &out->eax, &out->ebx, &out->ecx, &out->edx);
}

static int lx_rdmsr(u32 msr, u64 *val)
{
	return rdmsrl_safe(msr, val) ? -EIO : 0;
}

static int lx_fw_get(const char *name, const void **data, size_t *size,
		     void **handle)
{
	const struct firmware *fw;
	int err;

	err = request_firmware(&fw, name, xmhf_device());
	if (err)
		return err;
	*data = fw->data;
	*size = fw->size;
	*handle = (void *)fw;
	return 0;
}

static void lx_fw_put(void *handle)
{
	release_firmware(handle);
}

/* GFP_DMA32 keeps the block below 4 GiB, where SKINIT can reach it. */
static void *lx_mem_alloc(unsigned int order, u64 *phys)
{
	struct page *page;

	page = alloc_pages(GFP_KERNEL | __GFP_DMA32 | __GFP_ZERO |
			   __GFP_NOWARN, order);
	if (!page)
		return NULL;
	*phys = page_to_phys(page);
	return page_address(page);
}

/*
 * The heap blocks: any RAM will do, the hypervisor reaches all of it.
 * An order-10 block may take the allocator some compaction; it may still
 * fail, and then insmod fails cleanly.
 */
static void *lx_mem_alloc_any(unsigned int order, u64 *phys)
{
	struct page *page;

	page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
			   __GFP_RETRY_MAYFAIL, order);
	if (!page)
		return NULL;
	*phys = page_to_phys(page);
	return page_address(page);
}

static void lx_mem_free(void *virt, unsigned int order)
{
	__free_pages(virt_to_page(virt), order);
}

/* The walk goes up in address order; xmhf_ram_add() merges and checks. */
static int add_ram_range(struct resource *res, void *arg)
{
	return xmhf_ram_add(arg, res->start, resource_size(res));
}

static unsigned int lx_num_cpus(void)
{
	return num_present_cpus();
}

/*
 * Every present CPU goes under the hypervisor, whether Linux has it
 * online or not: the hypervisor starts them all.  CPU 0 goes first, it
 * is the one the launch runs on (every other CPU is offline by then).
 */
static int describe_cpus(struct xmhf_sl_params *p)
{
	unsigned int cpu, n = 1;

	/* The loader checked the count; a CPU hot-added since is refused. */
	if (num_present_cpus() > XMHF_SLPB_MAX_CPUS)
		return -E2BIG;
	p->apic_ids[0] = per_cpu(x86_cpu_to_apicid, 0);
	if (cpu_online(0))
		p->cpus_online[0] = 1;
	for_each_present_cpu(cpu) {
		if (cpu == 0)
			continue;
		if (n >= XMHF_SLPB_MAX_CPUS)
			return -E2BIG;
		if (cpu_online(cpu))
			p->cpus_online[n / 64] |= 1ull << (n % 64);
		p->apic_ids[n++] = per_cpu(x86_cpu_to_apicid, cpu);
	}
	p->num_cpus = n;
	p->tsc_khz = tsc_khz;
	return 0;
}

/*
 * The TPM2 ACPI table says whether a TIS (start method 6, "MMIO") TPM is
 * there; its registers then sit at the PC Client's fixed address.
 */
static u64 find_tpm_tis(void)
{
	struct acpi_table_header *tbl;
	u64 base = 0;

	if (acpi_disabled || ACPI_FAILURE(acpi_get_table(ACPI_SIG_TPM2, 1, &tbl)))
		return 0;
	if (tbl->length >= sizeof(struct acpi_table_tpm2) &&
	    ((struct acpi_table_tpm2 *)tbl)->start_method == ACPI_TPM2_MEMORY_MAPPED)
		base = 0xfed40000;
	acpi_put_table(tbl);
	return base;
}

/* The first IVHD block of the IVRS table holds the IOMMU's MMIO base. */
static u64 find_amd_iommu(void)
{
	struct acpi_table_header *tbl;
	const u8 *ivhd;
	u64 base = 0;

	if (acpi_disabled || ACPI_FAILURE(acpi_get_table(ACPI_SIG_IVRS, 1, &tbl)))
		return 0;
	/* IVRS: 36-byte header, 4-byte IVinfo, 8 reserved, then blocks. */
	ivhd = (const u8 *)tbl + 48;
	if (tbl->length >= 48 + 16 && (ivhd[0] == 0x10 || ivhd[0] == 0x11 ||
				       ivhd[0] == 0x40))
		memcpy(&base, ivhd + 8, sizeof(base));
	acpi_put_table(tbl);
	return base;
}

/* IommuEn (Control register, 0x18) clear: Linux does not use the IOMMU. */
static bool lx_iommu_free(u64 base)
{
	void __iomem *regs = ioremap(base, 0x20);
	bool free;

	if (!regs)
		return false;
	free = !(readq(regs + 0x18) & 1);
	iounmap(regs);
	return free;
}

static int lx_describe(struct xmhf_sl_params *p)
{
	int err;

	err = walk_iomem_res_desc(IORES_DESC_NONE,
				  IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
				  0, -1, p, add_ram_range);
	if (err == -E2BIG) {
		pr_err("more than %u RAM ranges\n", XMHF_SLPB_MAX_RAM);
		return err;
	}
	if (err == -EINVAL) {
		pr_err("the RAM map is not in address order\n");
		return err;
	}
	if (!p->num_ram)
		return -ENOENT;
	err = describe_cpus(p);
	if (err)
		return err;
	p->tpm_base = find_tpm_tis();
	p->iommu_base = find_amd_iommu();
	return 0;
}

static void lx_log(enum xmhf_log_level level, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (level == XMHF_LOG_ERR)
		pr_err("%pV\n", &vaf);
	else if (level == XMHF_LOG_WARN)
		pr_warn("%pV\n", &vaf);
	else
		pr_info("%pV\n", &vaf);
	va_end(args);
}

const struct xmhf_platform xmhf_linux_platform = {
	.cpuid = lx_cpuid,
	.rdmsr = lx_rdmsr,
	.fw_get = lx_fw_get,
	.fw_put = lx_fw_put,
	.mem_alloc = lx_mem_alloc,
	.mem_alloc_any = lx_mem_alloc_any,
	.mem_free = lx_mem_free,
	.num_cpus = lx_num_cpus,
	.describe = lx_describe,
	.iommu_free = lx_iommu_free,
	.log = lx_log,
};
