/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the loader's logic and the system it runs on.  The
 * module implements these calls with kernel services (platform-linux.c);
 * the host unit tests implement them with mocks that can fail any call,
 * so every error path of the load sequence runs on the host.
 */
#ifndef XMHF_LOADER_PLATFORM_H
#define XMHF_LOADER_PLATFORM_H

#include "compat.h"

struct xmhf_sl_params;

struct xmhf_cpuid {
	u32 eax, ebx, ecx, edx;
};

enum xmhf_log_level { XMHF_LOG_ERR, XMHF_LOG_WARN, XMHF_LOG_INFO };

struct xmhf_platform {
	/* CPUID on the current CPU. */
	void (*cpuid)(u32 leaf, u32 subleaf, struct xmhf_cpuid *out);
	/* RDMSR on the current CPU; -EIO when the MSR does not exist. */
	int (*rdmsr)(u32 msr, u64 *val);
	/* Read a whole file from the firmware directory. */
	int (*fw_get)(const char *name, const void **data, size_t *size,
		      void **handle);
	void (*fw_put)(void *handle);
	/* Zeroed, naturally aligned 2^order pages below 4 GiB, or NULL. */
	void *(*mem_alloc)(unsigned int order, u64 *phys);
	/* The same anywhere in RAM: the hypervisor's extra heap blocks. */
	void *(*mem_alloc_any)(unsigned int order, u64 *phys);
	void (*mem_free)(void *virt, unsigned int order);
	/* CPUs present (online or not): all go under the hypervisor. */
	unsigned int (*num_cpus)(void);
	/* RAM map, CPUs, TPM and IOMMU locations into the SL parameters. */
	int (*describe)(struct xmhf_sl_params *p);
	/*
	 * Optional: the AMD IOMMU at @base is disabled (Linux booted with
	 * amd_iommu=off), so the hypervisor will take it and needs heap for
	 * its tables (docs/dma.md).  Absent: never.
	 */
	bool (*iommu_free)(u64 base);
	void (*log)(enum xmhf_log_level level, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
};

#endif /* XMHF_LOADER_PLATFORM_H */
