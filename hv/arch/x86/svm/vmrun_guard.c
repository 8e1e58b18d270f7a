// SPDX-License-Identifier: GPL-2.0
/*
 * The check before every VMRUN (arch/svm/vmrun_guard.h) and a small
 * record of each CPU's last exits, printed when the check fails, so that
 * a failure says what led to it (docs/vmrun-guard.md).
 */
#include <arch/svm/vmrun_guard.h>

enum vmrun_guard_verdict vmrun_guard_judge(const struct vmrun_guard_state *s)
{
	if (s->hsave_msr == s->vmcb_pa)
		return VMRUN_GUARD_HSAVE_IS_VMCB;
	if (s->hsave_msr != s->own_hsave)
		return VMRUN_GUARD_HSAVE_NOT_OURS;
	/* No guest page table lies in the hypervisor's block: never legitimate. */
	if (s->guest_cr3 == s->host_cr3)
		return VMRUN_GUARD_HOST_CR3;
	if (s->guest_idtr == s->host_idtr)
		return VMRUN_GUARD_HOST_IDTR;
	return VMRUN_GUARD_OK;
}

const char *vmrun_guard_reason(enum vmrun_guard_verdict v)
{
	switch (v) {
	case VMRUN_GUARD_OK:
		return "ok";
	case VMRUN_GUARD_HSAVE_IS_VMCB:
		return "VM_HSAVE_PA names the VMCB to run";
	case VMRUN_GUARD_HSAVE_NOT_OURS:
		return "VM_HSAVE_PA is not this CPU's host save area";
	case VMRUN_GUARD_HOST_CR3:
		return "the VMCB holds the host's CR3";
	case VMRUN_GUARD_HOST_IDTR:
		return "the VMCB holds the host's IDTR";
	}
	return "?";
}

#ifndef XMHF_HOST_TEST
#include <arch/x86.h>
#include <arch/svm/vmcb.h>
#include <core/log.h>
#include <core/vcpu.h>

/*
 * The last exits of CPUs 0-7, in bss (3.5 KiB: the heap is kept for the
 * vCPUs themselves).  Each CPU writes only its own.
 */
#define REC_CPUS	8
#define REC_EXITS	8

struct exit_rec {
	u64 tsc, code, info1, info2, rip, cr3;
	u32 exit_int_info, state;
};

static struct exit_rec recs[REC_CPUS][REC_EXITS];
static u32 rec_next[REC_CPUS];

void vmrun_guard_record(struct vcpu *v)
{
	const struct vmcb *vm = v->arch;
	struct exit_rec *r;

	if (v->index >= REC_CPUS)
		return;
	r = &recs[v->index][rec_next[v->index]++ % REC_EXITS];
	r->tsc = rdtsc();
	r->code = vm->control.exit_code;
	r->info1 = vm->control.exit_info_1;
	r->info2 = vm->control.exit_info_2;
	r->rip = vm->save.rip;
	r->cr3 = vm->save.cr3;
	r->exit_int_info = vm->control.exit_int_info;
	r->state = v->state;
}

static void dump_record(const struct vcpu *v)
{
	unsigned int i, n;

	if (v->index >= REC_CPUS)
		return;
	n = rec_next[v->index];
	hv_log("xmhf: CPU %u's last exits, oldest first (tsc code info1 info2 rip cr3 intinfo state):\n",
	       v->index);
	for (i = n > REC_EXITS ? n - REC_EXITS : 0; i < n; i++) {
		const struct exit_rec *r = &recs[v->index][i % REC_EXITS];

		hv_log("xmhf:   %lu 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%x %u\n", r->tsc,
		       r->code, r->info1, r->info2, r->rip, r->cr3, r->exit_int_info,
		       r->state);
	}
}

bool vmrun_guard_check(struct vcpu *v)
{
	const struct vmcb *vm = v->arch;
	struct vmrun_guard_state s;
	struct desc_ptr idt;
	enum vmrun_guard_verdict verdict;

	asm volatile("sidt %0" : "=m"(idt));
	s.hsave_msr = rdmsr(MSR_VM_HSAVE_PA);
	s.own_hsave = v->hsave_pa;
	s.vmcb_pa = v->arch_pa;
	s.guest_cr3 = vm->save.cr3;
	s.host_cr3 = read_cr3();
	s.guest_idtr = vm->save.idtr.base;
	s.host_idtr = idt.base;
	verdict = vmrun_guard_judge(&s);
	if (verdict == VMRUN_GUARD_OK)
		return true;
	hv_log("xmhf: CPU %u (APIC ID %u): not running the guest: %s (VM_HSAVE_PA 0x%lx, own 0x%lx, VMCB 0x%lx, guest RIP 0x%lx CR3 0x%lx IDTR 0x%lx, host CR3 0x%lx)\n",
	       v->index, v->apic_id, vmrun_guard_reason(verdict), s.hsave_msr,
	       s.own_hsave, s.vmcb_pa, vm->save.rip, s.guest_cr3, s.guest_idtr,
	       s.host_cr3);
	dump_record(v);
	return false;
}
#endif
