// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM: the guest's VMCB built from the state Linux was saved in, the
 * run loop, and the exits the core owns (DESIGN.md, "Event hub").
 */
#include <arch/x86.h>
#include <arch/svm/vmcb.h>
#include <core/log.h>
#include <core/mm.h>
#include <core/npt.h>
#include <core/svm.h>
#include <core/vcpu.h>
#include <lib/string.h>
#include <xmhf/hypercall.h>
#include <xmhf/version.h>

void svm_vmrun(struct vcpu *v, u64 vmcb_pa, u64 host_save_pa);

/* MSRs whose guest view the hypervisor owns: EFER.SVME and SVM's MSRs. */
#define EFER_GUEST_BITS	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | \
			 BIT(13) | BIT(14) | BIT(15) | BIT(21))
#define VM_CR_SVMDIS	BIT(4)
#define VM_CR_LOCK	BIT(3)

static struct vmcb *vmcb_of(struct vcpu *v)
{
	return v->arch;
}

u64 vcpu_rax(struct vcpu *v)
{
	return vmcb_of(v)->save.rax;
}

void vcpu_set_rax(struct vcpu *v, u64 val)
{
	vmcb_of(v)->save.rax = val;
}

unsigned int vcpu_cpl(struct vcpu *v)
{
	return vmcb_of(v)->save.cpl;
}

void vcpu_guest_paging(struct vcpu *v, struct guest_paging *gp,
		       gpa_map_fn map, void *ctx)
{
	const struct vmcb_save_area *s = &vmcb_of(v)->save;
	u32 a, b, c, d;

	cpuid(0x80000008, &a, &b, &c, &d);
	gp->cr0 = s->cr0;
	gp->cr3 = s->cr3;
	gp->cr4 = s->cr4;
	gp->efer = s->efer;
	gp->cpl = s->cpl;
	gp->phys_bits = a & 0xff;
	gp->map = map;
	gp->map_ctx = ctx;
}

/* No NRIPS under TCG: the core knows each intercepted instruction's length. */
void vcpu_skip_insn(struct vcpu *v, unsigned int len)
{
	vmcb_of(v)->save.rip += len;
}

static void inject(struct vcpu *v, u32 vector, bool has_error, u32 error)
{
	struct vmcb_control_area *c = &vmcb_of(v)->control;

	c->event_inj = vector | SVM_EVTINJ_TYPE_EXCEPTION | SVM_EVTINJ_VALID |
		       (has_error ? SVM_EVTINJ_VALID_ERR : 0);
	c->event_inj_err = error;
}

void vcpu_inject_ud(struct vcpu *v)
{
	inject(v, 6, false, 0);
}

void vcpu_inject_gp(struct vcpu *v, u32 error)
{
	inject(v, 13, true, error);
}

static void set_msr_intercept(u8 *msrpm, u32 msr)
{
	u32 base, off;

	if (msr < 0x2000) {
		base = 0;
		off = 0x000;
	} else if (msr >= 0xc0000000 && msr < 0xc0002000) {
		base = 0xc0000000;
		off = 0x800;
	} else {
		base = 0xc0010000;
		off = 0x1000;
	}
	/* Two bits per MSR: read, then write. */
	msrpm[off + (msr - base) / 4] |= 3 << (((msr - base) % 4) * 2);
}

static void seg_in(struct vmcb_seg *d, const struct xmhf_segment *s)
{
	d->selector = s->selector;
	d->attrib = s->attrib;
	d->limit = s->limit;
	d->base = s->base;
}

/* The guest resumes exactly where xmhf_enter_sl() left, with RAX = 0. */
static void vmcb_load_state(struct vmcb_save_area *s,
			    const struct xmhf_cpu_state *st)
{
	seg_in(&s->es, &st->es);
	seg_in(&s->cs, &st->cs);
	seg_in(&s->ss, &st->ss);
	seg_in(&s->ds, &st->ds);
	seg_in(&s->fs, &st->fs);
	seg_in(&s->gs, &st->gs);
	seg_in(&s->tr, &st->tr);
	seg_in(&s->ldtr, &st->ldtr);
	s->gdtr.base = st->gdtr_base;
	s->gdtr.limit = st->gdtr_limit;
	s->idtr.base = st->idtr_base;
	s->idtr.limit = st->idtr_limit;
	s->cpl = 0;
	s->efer = st->efer | EFER_SVME;	/* VMRUN requires it; RDMSR hides it */
	s->cr0 = st->cr0;
	s->cr2 = st->cr2;
	s->cr3 = st->cr3;
	s->cr4 = st->cr4;
	s->dr6 = st->dr6;
	s->dr7 = st->dr7;
	s->rflags = st->rflags;
	s->rip = st->rip;
	s->rsp = st->rsp;
	s->rax = 0;
	s->star = st->star;
	s->lstar = st->lstar;
	s->cstar = st->cstar;
	s->sfmask = st->sfmask;
	s->kernel_gs_base = st->kernel_gs_base;
	s->sysenter_cs = st->sysenter_cs;
	s->sysenter_esp = st->sysenter_esp;
	s->sysenter_eip = st->sysenter_eip;
	s->g_pat = st->pat;
}

static void vmcb_set_intercepts(struct vmcb_control_area *c)
{
	static const u32 bits[] = {
		INTERCEPT_CPUID, INTERCEPT_MSR_PROT, INTERCEPT_SHUTDOWN,
		INTERCEPT_INVLPGA, INTERCEPT_VMRUN, INTERCEPT_VMMCALL,
		INTERCEPT_VMLOAD, INTERCEPT_VMSAVE, INTERCEPT_STGI,
		INTERCEPT_CLGI, INTERCEPT_SKINIT,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bits); i++)
		vmcb_set_intercept(c, bits[i]);
}

int svm_vcpu_init(struct vcpu *v, const struct xmhf_cpu_state *st,
		  const struct npt *npt)
{
	struct vmcb *vmcb = hv_alloc_pages(1);
	void *hsave = hv_alloc_pages(1), *host_save = hv_alloc_pages(1);
	u8 *msrpm = hv_alloc_pages(2), *iopm = hv_alloc_pages(3);

	if (!vmcb || !hsave || !host_save || !msrpm || !iopm)
		return -1;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, hv_pa(hsave));
	/* Our FS/GS/TR/LDTR and syscall MSRs, for after each VMEXIT. */
	v->host_save_pa = hv_pa(host_save);
	vmsave(v->host_save_pa);

	set_msr_intercept(msrpm, MSR_EFER);
	set_msr_intercept(msrpm, MSR_VM_HSAVE_PA);
	set_msr_intercept(msrpm, MSR_VM_CR);

	vmcb_set_intercepts(&vmcb->control);
	vmcb->control.msrpm_base_pa = hv_pa(msrpm);
	vmcb->control.iopm_base_pa = hv_pa(iopm);
	vmcb->control.asid = 1;
	vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	vmcb->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	vmcb->control.nested_cr3 = npt->root_pa;
	vmcb_load_state(&vmcb->save, st);

	v->arch = vmcb;
	v->arch_pa = hv_pa(vmcb);
	return 0;
}

/* CPUID: the hypervisor's leaves, and no SVM for the guest. */
static void exit_cpuid(struct vcpu *v)
{
	u32 leaf = (u32)vcpu_rax(v), sub = (u32)v->regs.rcx;
	u32 a, b, c, d;

	cpuid_count(leaf, sub, &a, &b, &c, &d);
	if (leaf == 1) {
		c |= BIT(31);			/* hypervisor present */
	} else if (leaf == 0x80000001) {
		c &= ~(BIT(2) | BIT(12));	/* SVM, SKINIT */
	} else if (leaf == 0x8000000a) {
		a = b = c = d = 0;
	} else if (leaf == XMHF_CPUID_LEAF) {
		a = XMHF_CPUID_MAX_LEAF;
		b = XMHF_CPUID_SIG_EBX;
		c = XMHF_CPUID_SIG_ECX;
		d = XMHF_CPUID_SIG_EDX;
	} else if (leaf == XMHF_CPUID_MAX_LEAF) {
		a = XMHF_VERSION_MAJOR << 16 | XMHF_VERSION_MINOR;
		b = c = d = 0;
	}
	vcpu_set_rax(v, a);
	v->regs.rbx = b;
	v->regs.rcx = c;
	v->regs.rdx = d;
	vcpu_skip_insn(v, 2);
}

static bool msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	switch (msr) {
	case MSR_EFER:
		*val = vmcb_of(v)->save.efer & ~EFER_SVME;
		return true;
	case MSR_VM_CR:
		*val = VM_CR_SVMDIS | VM_CR_LOCK;	/* "disabled by firmware" */
		return true;
	case MSR_VM_HSAVE_PA:
		*val = 0;
		return true;
	}
	return false;
}

static bool msr_write(struct vcpu *v, u32 msr, u64 val)
{
	if (msr != MSR_EFER || (val & ~EFER_GUEST_BITS))
		return false;	/* includes any attempt to set SVME */
	vmcb_of(v)->save.efer = val | EFER_SVME;
	return true;
}

static void exit_msr(struct vcpu *v, bool write)
{
	u32 msr = (u32)v->regs.rcx;
	u64 val = (v->regs.rdx << 32) | (u32)vcpu_rax(v);
	bool ok;

	if (write) {
		ok = msr_write(v, msr, val);
	} else {
		ok = msr_read(v, msr, &val);
		if (ok) {
			vcpu_set_rax(v, (u32)val);
			v->regs.rdx = val >> 32;
		}
	}
	if (!ok) {
		vcpu_inject_gp(v, 0);
		return;
	}
	vcpu_skip_insn(v, 2);
}

/* Guest access to hypervisor memory gets #GP(0); anything else unmapped gets mapped. */
static void exit_npf(struct vcpu *v, struct npt *npt)
{
	u64 gpa = vmcb_of(v)->control.exit_info_2;

	if (npt_protected(gpa) || npt_map_2m(npt, gpa)) {
		hv_log("xmhf: guest access to protected memory at 0x%lx (RIP 0x%lx): #GP\n",
		       gpa, vmcb_of(v)->save.rip);
		vcpu_inject_gp(v, 0);
	}
}

static void __attribute__((noreturn)) guest_dead(struct vcpu *v, const char *why)
{
	struct vmcb *vm = vmcb_of(v);

	hv_log("xmhf: %s: exit 0x%lx info1 0x%lx info2 0x%lx RIP 0x%lx; CPU halted\n",
	       why, vm->control.exit_code, vm->control.exit_info_1,
	       vm->control.exit_info_2, vm->save.rip);
	halt_forever();
}

static void count(struct vcpu *v, enum xmhf_exit_class cls)
{
	v->exits[cls]++;
	v->exits_total++;
}

static void handle_exit(struct vcpu *v, struct npt *npt)
{
	struct vmcb *vm = vmcb_of(v);

	vm->control.event_inj = 0;
	switch ((u32)vm->control.exit_code) {
	case SVM_EXIT_CPUID:
		count(v, XMHF_EXIT_CPUID);
		exit_cpuid(v);
		break;
	case SVM_EXIT_VMMCALL:
		count(v, XMHF_EXIT_VMMCALL);
		hypercall(v);
		break;
	case SVM_EXIT_MSR:
		count(v, XMHF_EXIT_MSR);
		exit_msr(v, vm->control.exit_info_1 & 1);
		break;
	case SVM_EXIT_NPF:
		count(v, XMHF_EXIT_NPF);
		exit_npf(v, npt);
		break;
	case SVM_EXIT_VMRUN: case SVM_EXIT_VMLOAD: case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI: case SVM_EXIT_CLGI: case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		/* The guest has no SVM: nested SVM is not offered. */
		count(v, XMHF_EXIT_SVM_INSN);
		vcpu_inject_ud(v);
		break;
	case SVM_EXIT_SHUTDOWN:
		count(v, XMHF_EXIT_SHUTDOWN);
		guest_dead(v, "guest shutdown (triple fault)");
	default:
		count(v, XMHF_EXIT_OTHER);
		guest_dead(v, (u32)vm->control.exit_code == (u32)SVM_EXIT_ERR ?
			   "VMRUN refused the guest state" : "unexpected exit");
	}
}

/* Runs the guest until it asks to be let go (UNLOAD). */
void svm_run(struct vcpu *v, struct npt *npt)
{
	while (!v->unload) {
		svm_vmrun(v, v->arch_pa, v->host_save_pa);
		handle_exit(v, npt);
	}
}
