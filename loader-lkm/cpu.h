/* SPDX-License-Identifier: GPL-2.0 */
/* What the boot CPU offers, and whether the hypervisor can run on it. */
#ifndef XMHF_LOADER_CPU_H
#define XMHF_LOADER_CPU_H

#include "platform.h"

/* CPUID and MSR facts from the AMD APM vol. 2/3 and the Intel SDM. */
#define XMHF_CPUID_1_ECX_VMX		(1u << 5)
#define XMHF_CPUID_1_ECX_SMX		(1u << 6)
#define XMHF_CPUID_8000_0001_ECX_SVM	(1u << 2)
#define XMHF_CPUID_8000_0001_ECX_SKINIT (1u << 12)
#define XMHF_CPUID_8000_000A_EDX_NPT	(1u << 0)
#define XMHF_CPUID_8000_000A_EDX_NRIPS (1u << 3)
#define XMHF_CPUID_8000_000A_EDX_DECODE (1u << 7)
#define XMHF_CPUID_8000_000A_EDX_VGIF (1u << 16)

#define XMHF_MSR_EFER		0xc0000080u
#define XMHF_EFER_SVME		(1ull << 12)
#define XMHF_MSR_VM_CR		0xc0010114u
#define XMHF_VM_CR_SVMDIS		(1ull << 4)
#define XMHF_MSR_IA32_VMX_PROCBASED_CTLS	0x482u
#define XMHF_MSR_IA32_VMX_PROCBASED_CTLS2	0x48bu
#define XMHF_VMX_CTLS_SECONDARY	(1ull << 63)	/* allowed-1 of bit 31 */
#define XMHF_VMX_CTLS2_EPT		(1ull << 33)	/* allowed-1 of bit 1 */

enum xmhf_cpu_vendor { XMHF_CPU_OTHER, XMHF_CPU_AMD, XMHF_CPU_INTEL };

struct xmhf_cpu_caps {
	enum xmhf_cpu_vendor vendor;
	bool svm, npt, nrips, decode_assists, vgif, skinit;
	bool svm_disabled;	/* VM_CR.SVMDIS: firmware turned SVM off */
	bool svm_in_use;	/* EFER.SVME: another hypervisor holds SVM */
	bool vmx, ept, smx;
	u32 phys_addr_bits;
};

void xmhf_cpu_probe(const struct xmhf_platform *plat,
		    struct xmhf_cpu_caps *caps);
int xmhf_cpu_check(const struct xmhf_platform *plat,
		   const struct xmhf_cpu_caps *caps);

#endif /* XMHF_LOADER_CPU_H */
