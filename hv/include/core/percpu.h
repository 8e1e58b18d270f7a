/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout of every CPU's state, sized at launch from the CPUs present
 * (core/percpu.c).  Pure: no hardware, no heap of its own, so the host
 * unit tests can lay out 256 CPUs (selftests/unit/test_percpu.c).
 */
#ifndef XMHF_CORE_PERCPU_H
#define XMHF_CORE_PERCPU_H

#include <types.h>
#include <core/vcpu.h>

#define AP_STACK_PAGES	4	/* each AP's host stack, from the heap */
#define HOST_CPU_PAGES	4	/* struct host_cpu: 3 IST stacks, GDT, TSS */
#define ARCH_CPU_PAGES	3	/* SVM: VMCB, host save area, VMSAVE area */
#define AP_PAGES	(AP_STACK_PAGES + HOST_CPU_PAGES + ARCH_CPU_PAGES)

/* Heap pages for n CPUs: the vCPU table, then each AP's own pages. */
u64 percpu_pages(unsigned int n);
/* Pages of the table alone (percpu_table()'s mem). */
u64 percpu_table_pages(unsigned int n);
/*
 * The first CPU whose APIC ID cannot be used: a duplicate (an INIT sent
 * twice), or the broadcast ID of the APIC's mode; -1 when all are fine.
 */
int percpu_bad_apic_id(const u32 *ids, unsigned int n, bool x2apic);
/*
 * Lays the table out in mem (percpu_table_pages(n) zeroed pages): the
 * returned cpus[i] is CPU i, with index i and APIC ID ids[i]; cpus[0] is
 * bsp.  The APs' own pages come after, from the caller.
 */
struct vcpu **percpu_table(void *mem, unsigned int n, const u32 *ids,
			   struct vcpu *bsp);

#endif /* XMHF_CORE_PERCPU_H */
