// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_platform.h"
#include <xmhf/layout.h>
#include <xmhf/slparams.h>

struct mock_state mock;

void mock_reset(enum mock_cpu cpu)
{
	memset(&mock, 0, sizeof(mock));
	mock.cpu = cpu;
	mock.phys = 0x01c00000;		/* 28 MiB: 4 MiB aligned, below 4 GiB */
	mock.cpus = 2;
	mock.ram_end = 0x40000000;	/* 1 GiB */
	/* Downwards, so the loader has to sort them. */
	mock.any_phys = 0x200000000ull;	/* 8 GiB */
	mock.any_step = -(long long)XMHF_MEM_SIZE;
}

static bool inject(void)
{
	return ++mock.calls == mock.fail_at;
}

static void set_vendor(struct xmhf_cpuid *r, const char *v)
{
	memcpy(&r->ebx, v, 4);
	memcpy(&r->edx, v + 4, 4);
	memcpy(&r->ecx, v + 8, 4);
}

static void m_cpuid(u32 leaf, u32 subleaf, struct xmhf_cpuid *r)
{
	bool amd = mock.cpu != MOCK_INTEL_VMX && mock.cpu != MOCK_VIA;

	(void)subleaf;
	memset(r, 0, sizeof(*r));
	switch (leaf) {
	case 0:
		r->eax = 0xd;
		set_vendor(r, amd ? "AuthenticAMD" :
			   mock.cpu == MOCK_VIA ? "CentaurHauls" : "GenuineIntel");
		break;
	case 1:
		if (mock.cpu == MOCK_INTEL_VMX)
			r->ecx = XMHF_CPUID_1_ECX_VMX;
		break;
	case 0x80000000:
		r->eax = 0x8000001f;
		break;
	case 0x80000001:
		if (amd && mock.cpu != MOCK_AMD_NO_SVM)
			r->ecx = XMHF_CPUID_8000_0001_ECX_SVM;
		if (mock.skinit)
			r->ecx |= XMHF_CPUID_8000_0001_ECX_SKINIT;
		break;
	case 0x80000008:
		r->eax = 48;
		break;
	case 0x8000000a:
		if (mock.cpu == MOCK_AMD_FULL)
			r->edx = XMHF_CPUID_8000_000A_EDX_NPT |
				 XMHF_CPUID_8000_000A_EDX_VGIF;
		break;
	}
}

static int m_rdmsr(u32 msr, u64 *val)
{
	if (mock.msr_faults)
		return -EIO;
	switch (msr) {
	case XMHF_MSR_VM_CR:
		*val = mock.vm_cr;
		return 0;
	case XMHF_MSR_EFER:
		*val = mock.efer;
		return 0;
	case XMHF_MSR_IA32_VMX_PROCBASED_CTLS:
		*val = XMHF_VMX_CTLS_SECONDARY;
		return 0;
	case XMHF_MSR_IA32_VMX_PROCBASED_CTLS2:
		*val = XMHF_VMX_CTLS2_EPT;
		return 0;
	}
	return -EIO;
}

static int m_fw_get(const char *name, const void **data, size_t *size,
		    void **handle)
{
	(void)name;
	if (inject() || !mock.blob)
		return -ENOENT;
	*data = mock.blob;
	*size = mock.blob_size;
	*handle = (void *)mock.blob;
	mock.fw_held++;
	return 0;
}

static void m_fw_put(void *handle)
{
	if (handle == mock.blob)
		mock.fw_held--;
}

static void *m_mem_alloc(unsigned int order, u64 *phys)
{
	void *p;

	if (inject())
		return NULL;
	p = aligned_alloc(4096, 4096ul << order);
	if (!p)
		return NULL;
	memset(p, 0, 4096ul << order);
	*phys = mock.phys;
	mock.mem_held++;
	return p;
}

static void *m_mem_alloc_any(unsigned int order, u64 *phys)
{
	u64 pa = mock.any_phys;
	void *p = m_mem_alloc(order, phys);

	if (p) {
		*phys = pa;
		mock.any_phys += mock.any_step;
	}
	return p;
}

static void m_mem_free(void *virt, unsigned int order)
{
	const unsigned char *b = virt;
	size_t i;

	for (i = 0; i < 4096ul << order; i++)
		if (b[i])
			mock.freed_dirty = true;
	free(virt);
	mock.mem_held--;
}

static unsigned int m_num_cpus(void)
{
	return mock.cpus;
}

static int m_describe(struct xmhf_sl_params *p)
{
	if (inject())
		return -E2BIG;
	p->num_ram = 1;
	p->ram[0].start = 0x100000;
	p->ram[0].size = mock.ram_end - 0x100000;
	p->num_cpus = mock.cpus;
	for (unsigned int i = 0; i < mock.cpus && i < XMHF_SLPB_MAX_CPUS; i++)
		p->apic_ids[i] = i;
	p->tpm_base = mock.no_tpm ? 0 : 0xfed40000;
	p->iommu_base = mock.iommu_base;
	return 0;
}

static bool m_iommu_free(u64 base)
{
	return base == mock.iommu_base && mock.iommu_free;
}

static void m_log(enum xmhf_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mock.last_log, sizeof(mock.last_log), fmt, ap);
	va_end(ap);
	mock.log_lines++;
	if (level == XMHF_LOG_ERR)
		mock.log_errors++;
}

const struct xmhf_platform mock_platform = {
	.cpuid = m_cpuid,
	.rdmsr = m_rdmsr,
	.fw_get = m_fw_get,
	.fw_put = m_fw_put,
	.mem_alloc = m_mem_alloc,
	.mem_alloc_any = m_mem_alloc_any,
	.mem_free = m_mem_free,
	.num_cpus = m_num_cpus,
	.describe = m_describe,
	.iommu_free = m_iommu_free,
	.log = m_log,
};
