/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A mock of the loader's platform seam (loader-lkm/platform.h): a CPU made
 * of CPUID/MSR tables, a blob in memory, and fault injection that fails
 * the N-th fallible call, with counters to prove nothing leaks.
 */
#ifndef XMHF_TEST_MOCK_PLATFORM_H
#define XMHF_TEST_MOCK_PLATFORM_H

#include "platform.h"
#include "cpu.h"

enum mock_cpu { MOCK_AMD_FULL, MOCK_AMD_NO_SVM, MOCK_AMD_NO_NPT,
		MOCK_INTEL_VMX, MOCK_VIA };

struct mock_state {
	enum mock_cpu cpu;
	u64 vm_cr, efer;
	bool msr_faults;		/* every RDMSR faults */
	bool skinit;
	bool no_tpm;			/* describe() reports no TPM */
	u64 iommu_base;			/* describe(): the IOMMU's, 0 = none */
	bool iommu_free;		/* iommu_free(): Linux left it off */
	unsigned int cpus;		/* what num_cpus() reports */
	const unsigned char *blob;
	size_t blob_size;
	u64 phys;			/* what mem_alloc reports */
	u64 any_phys;			/* what mem_alloc_any reports next */
	long long any_step;			/* and how it moves after each call */
	u64 ram_end;			/* describe(): RAM from 1 MiB up to here */
	int fail_at;			/* 1-based fallible call to fail, 0 = none */
	int calls;			/* fallible calls so far */
	int fw_held, mem_held;		/* must return to 0 */
	bool freed_dirty;		/* a block went back unscrubbed */
	char last_log[256];
	int log_errors;
	int log_lines;			/* of any level */
};

extern struct mock_state mock;
extern const struct xmhf_platform mock_platform;

void mock_reset(enum mock_cpu cpu);

#endif
