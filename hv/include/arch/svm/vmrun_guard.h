/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The check before every VMRUN that the world switch is wired the way it
 * must be (hv/arch/x86/svm/vmrun_guard.c, docs/vmrun-guard.md).
 *
 * VMRUN writes the host's state to the page VM_HSAVE_PA names and #VMEXIT
 * reads it back from there.  Should that page ever be a VMCB, or another
 * CPU's host save area, the host's state becomes a guest's (the vCPU runs
 * the hypervisor's RIP and CR3 in guest mode) or a guest's state becomes
 * the host's (guest code runs in host mode, outside the nested page
 * tables).  Neither may run: the vCPU is stopped instead, with the CPU's
 * last exits in the log.
 */
#ifndef XMHF_ARCH_SVM_VMRUN_GUARD_H
#define XMHF_ARCH_SVM_VMRUN_GUARD_H

#include <types.h>

/* What the CPU and the vCPU hold just before VMRUN. */
struct vmrun_guard_state {
	u64 hsave_msr;		/* VM_HSAVE_PA as the CPU has it */
	u64 own_hsave;		/* the host save area this vCPU was given */
	u64 vmcb_pa;		/* the VMCB about to run */
	u64 guest_cr3, host_cr3;
	u64 guest_idtr, host_idtr;
};

enum vmrun_guard_verdict {
	VMRUN_GUARD_OK = 0,
	VMRUN_GUARD_HSAVE_IS_VMCB,	/* VMRUN would overwrite the VMCB it runs */
	VMRUN_GUARD_HSAVE_NOT_OURS,	/* another page: another CPU's state */
	VMRUN_GUARD_HOST_CR3,		/* the VMCB holds the host's page tables */
	VMRUN_GUARD_HOST_IDTR,		/* ... or the host's IDT */
};

/* Pure, for the host unit test (selftests/unit/test_vmrun_guard.c). */
enum vmrun_guard_verdict vmrun_guard_judge(const struct vmrun_guard_state *s);
const char *vmrun_guard_reason(enum vmrun_guard_verdict v);

#ifndef XMHF_HOST_TEST
struct vcpu;
/* Before VMRUN: false means the vCPU must not run (already logged). */
bool vmrun_guard_check(struct vcpu *v);
/* After #VMEXIT: one entry in this CPU's record of its last exits. */
void vmrun_guard_record(struct vcpu *v);
#endif

#endif /* XMHF_ARCH_SVM_VMRUN_GUARD_H */
