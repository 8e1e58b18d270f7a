// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU state sized from the CPUs present (core/percpu.h).  The table
 * holds the APs' vCPUs and one pointer per CPU; the boot CPU's vCPU lives
 * in bss because it exists before the heap does.
 */
#include <core/percpu.h>
#include <core/icr.h>
#include <xmhf/layout.h>

/* The module sizes the heap by this figure (uapi/xmhf/layout.h). */
_Static_assert(AP_PAGES * 4096ull + sizeof(struct vcpu) + sizeof(struct vcpu *) <=
	       XMHF_HEAP_PAGES_PER_AP * 4096ull,
	       "an AP outgrew XMHF_HEAP_PAGES_PER_AP");

static u64 table_bytes(unsigned int n)
{
	return (u64)(n - 1) * sizeof(struct vcpu) + (u64)n * sizeof(struct vcpu *);
}

u64 percpu_table_pages(unsigned int n)
{
	return n ? (table_bytes(n) + 4095) / 4096 : 0;
}

u64 percpu_pages(unsigned int n)
{
	return n ? percpu_table_pages(n) + (u64)(n - 1) * AP_PAGES : 0;
}

/* Quadratic, but only once per launch and for at most XMHF_MAX_CPUS. */
int percpu_bad_apic_id(const u32 *ids, unsigned int n, bool x2apic)
{
	u32 bcast = x2apic ? ICR_X2APIC_BROADCAST : ICR_XAPIC_BROADCAST;
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if (ids[i] >= bcast)
			return (int)i;
		for (j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return (int)i;
	}
	return -1;
}

struct vcpu **percpu_table(void *mem, unsigned int n, const u32 *ids,
			   struct vcpu *bsp)
{
	/* vCPUs first: they want more alignment than a pointer. */
	struct vcpu *aps = mem;
	struct vcpu **cpus = (struct vcpu **)(aps + (n - 1));
	unsigned int i;

	cpus[0] = bsp;
	for (i = 1; i < n; i++) {
		cpus[i] = &aps[i - 1];
		cpus[i]->index = i;
		cpus[i]->apic_id = ids[i];
		cpus[i]->state = XMHF_CPU_ABSENT;
	}
	return cpus;
}
