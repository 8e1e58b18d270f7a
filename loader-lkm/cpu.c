// SPDX-License-Identifier: GPL-2.0
/*
 * CPU feature checks (docs/architecture.md, Launch step 1).  Pure logic
 * over the platform's CPUID and RDMSR, so every verdict is unit-tested on
 * the host.
 */
#include "cpu.h"

static enum xmhf_cpu_vendor cpu_vendor(const struct xmhf_cpuid *r)
{
	/* The vendor string is EBX, EDX, ECX in that order. */
	if (r->ebx == 0x68747541 && r->edx == 0x69746e65 &&
	    r->ecx == 0x444d4163)	/* "AuthenticAMD" */
		return XMHF_CPU_AMD;
	if (r->ebx == 0x6f677948 && r->edx == 0x6e65476e &&
	    r->ecx == 0x656e6975)	/* "HygonGenuine": SVM as on AMD */
		return XMHF_CPU_AMD;
	if (r->ebx == 0x756e6547 && r->edx == 0x49656e69 &&
	    r->ecx == 0x6c65746e)	/* "GenuineIntel" */
		return XMHF_CPU_INTEL;
	return XMHF_CPU_OTHER;
}

static bool msr_bit(const struct xmhf_platform *plat, u32 msr, u64 bit)
{
	u64 val;

	return !plat->rdmsr(msr, &val) && (val & bit);
}

static void probe_svm(const struct xmhf_platform *plat,
		      struct xmhf_cpu_caps *caps, u32 max_ext)
{
	struct xmhf_cpuid r;

	plat->cpuid(0x80000001, 0, &r);
	caps->svm = r.ecx & XMHF_CPUID_8000_0001_ECX_SVM;
	caps->skinit = r.ecx & XMHF_CPUID_8000_0001_ECX_SKINIT;
	if (!caps->svm)
		return;

	if (max_ext >= 0x8000000a) {
		plat->cpuid(0x8000000a, 0, &r);
		caps->npt = r.edx & XMHF_CPUID_8000_000A_EDX_NPT;
		caps->nrips = r.edx & XMHF_CPUID_8000_000A_EDX_NRIPS;
		caps->decode_assists = r.edx & XMHF_CPUID_8000_000A_EDX_DECODE;
		caps->vgif = r.edx & XMHF_CPUID_8000_000A_EDX_VGIF;
	}
	caps->svm_disabled = msr_bit(plat, XMHF_MSR_VM_CR, XMHF_VM_CR_SVMDIS);
	caps->svm_in_use = msr_bit(plat, XMHF_MSR_EFER, XMHF_EFER_SVME);
}

static void probe_vmx(const struct xmhf_platform *plat,
		      struct xmhf_cpu_caps *caps)
{
	struct xmhf_cpuid r;

	plat->cpuid(1, 0, &r);
	caps->vmx = r.ecx & XMHF_CPUID_1_ECX_VMX;
	caps->smx = r.ecx & XMHF_CPUID_1_ECX_SMX;
	if (caps->vmx && msr_bit(plat, XMHF_MSR_IA32_VMX_PROCBASED_CTLS,
				 XMHF_VMX_CTLS_SECONDARY))
		caps->ept = msr_bit(plat, XMHF_MSR_IA32_VMX_PROCBASED_CTLS2,
				    XMHF_VMX_CTLS2_EPT);
}

void xmhf_cpu_probe(const struct xmhf_platform *plat,
		    struct xmhf_cpu_caps *caps)
{
	struct xmhf_cpuid r;
	u32 max_ext;

	memset(caps, 0, sizeof(*caps));
	plat->cpuid(0, 0, &r);
	caps->vendor = cpu_vendor(&r);

	plat->cpuid(0x80000000, 0, &r);
	max_ext = r.eax;
	if (max_ext >= 0x80000008) {
		plat->cpuid(0x80000008, 0, &r);
		caps->phys_addr_bits = r.eax & 0xff;
	}
	if (max_ext >= 0x80000001)
		probe_svm(plat, caps, max_ext);
	probe_vmx(plat, caps);
}

/* One clear line for the first thing that rules the CPU out. */
int xmhf_cpu_check(const struct xmhf_platform *plat,
		   const struct xmhf_cpu_caps *caps)
{
	if (caps->svm) {
		if (caps->svm_disabled) {
			plat->log(XMHF_LOG_ERR, "SVM is disabled by firmware (VM_CR.SVMDIS set); enable it in the BIOS");
			return -ENODEV;
		}
		if (!caps->npt) {
			plat->log(XMHF_LOG_ERR, "CPU has SVM but no nested paging (NPT); cannot protect the hypervisor");
			return -ENODEV;
		}
		if (caps->svm_in_use) {
			plat->log(XMHF_LOG_ERR, "SVM already in use (EFER.SVME set): another hypervisor, e.g. kvm_amd with running VMs, holds the CPU");
			return -EBUSY;
		}
		return 0;
	}
	if (caps->vmx) {
		plat->log(XMHF_LOG_ERR, "Intel VMX%s found, but the VMX backend is not built yet; only AMD SVM is supported",
			  caps->ept ? "+EPT" : "");
		return -ENODEV;
	}
	plat->log(XMHF_LOG_ERR, "CPU has no hardware virtualization: SVM (AMD-V) missing%s",
		  caps->vendor == XMHF_CPU_INTEL ? ", VMX missing" : "");
	return -ENODEV;
}
