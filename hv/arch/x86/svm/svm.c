// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM: the guest's VMCB built from the state Linux was saved in, the
 * run loop, and the exits the core owns (docs/architecture.md, "Event hub
 * and hypapps", exit table).
 */
#include <arch/x86.h>
#include <arch/cr.h>
#include <arch/ioports.h>
#include <arch/msr.h>
#include <arch/svm/vmcb.h>
#include <arch/svm/vmrun_guard.h>
#include <arch/apic_filter.h>
#include <arch/intr_mmio.h>
#include <arch/viommu.h>
#include <core/log.h>
#include <core/mm.h>
#include <core/npt.h>
#include <core/pci.h>
#include <core/svm.h>
#include <core/vcpu.h>
#include <core/hub.h>
#include <core/decode.h>
#include <core/guest_apic.h>
#include <core/icr.h>
#include <core/lapic.h>
#include <core/quiesce.h>
#include <core/smp.h>
#include <lib/string.h>
#include <xmhf/hypercall.h>
#include <xmhf/version.h>

void svm_vmrun(struct vcpu *v, u64 vmcb_pa, u64 host_save_pa);

static void count(struct vcpu *v, enum xmhf_exit_class cls)
{
	v->exits[cls]++;
	v->exits_total++;
}

static u8 *msrpm, *iopm;	/* shared by every vCPU */
static bool has_nrips;		/* the CPU saves next_rip on instruction exits */
static u64 cr4_valid;		/* the CR4 bits this CPU implements */
static struct npt *guest_npt;
/* The intercept vector every VMCB copies, and its generation. */
static struct vmcb_control_area tmpl;
static volatile u32 tmpl_gen;

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

u64 vcpu_efer(struct vcpu *v)
{
	return vmcb_of(v)->save.efer;
}

void vcpu_set_efer(struct vcpu *v, u64 val)
{
	vmcb_of(v)->save.efer = val;
}

u64 vcpu_cr0(struct vcpu *v)
{
	return vmcb_of(v)->save.cr0;
}

/*
 * The guest goes on at rip, its instruction done: an STI or MOV SS
 * shadow that covered it is over (the CPU would have dropped it too).
 */
static void set_rip(struct vcpu *v, u64 rip)
{
	vmcb_of(v)->save.rip = rip;
	vmcb_of(v)->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}

void vcpu_skip_insn(struct vcpu *v, unsigned int len)
{
	set_rip(v, vmcb_of(v)->save.rip + len);
}

static void inject(struct vcpu *v, u32 vector, bool has_error, u32 error)
{
	struct vmcb_control_area *c = &vmcb_of(v)->control;

	/* Real mode (an AP just started) pushes no error codes. */
	if (!(vmcb_of(v)->save.cr0 & X86_CR0_PE))
		has_error = false;
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

/* MSRPM covers three ranges; other MSRs always exit. */
static bool msr_in_map(u32 msr)
{
	return msr < 0x2000 || (msr >= 0xc0000000 && msr < 0xc0002000) ||
	       (msr >= 0xc0010000 && msr < 0xc0012000);
}

/* The byte that holds an MSR's two bits (read, then write), and their shift. */
static u8 *msrpm_byte(u8 *pm, u32 msr, unsigned int *shift)
{
	u32 base = msr < 0x2000 ? 0 : msr < 0xc0010000 ? 0xc0000000 : 0xc0010000;
	u32 off = base == 0 ? 0x000 : base == 0xc0000000 ? 0x800 : 0x1000;

	*shift = ((msr - base) % 4) * 2;
	return &pm[off + (msr - base) / 4];
}

static void set_msr_intercept(u8 *pm, u32 msr)
{
	unsigned int sh;

	*msrpm_byte(pm, msr, &sh) |= 3 << sh;
}

/* A row of the MSR policy (arch/x86/msr.c) that goes to the CPU unseen. */
static void msr_pass(u32 first, u32 last, bool read, bool write, void *ctx)
{
	u8 *pm = ctx;
	unsigned int sh;
	u32 msr;

	for (msr = first; msr_in_map(msr) && msr <= last && msr >= first; msr++)
		*msrpm_byte(pm, msr, &sh) &= ~(((read ? 1 : 0) | (write ? 2 : 0)) << sh);
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
	/*
	 * TR as LTR leaves it: QEMU checks I/O permissions (ioperm) only with
	 * type 9 (available 64-bit TSS), which is what its LTR caches; the
	 * busy bit LAR shows lives in the GDT and matters to LTR alone.
	 */
	if ((s->tr.attrib & 0xf) == 0xb)
		s->tr.attrib = (s->tr.attrib & ~0xf) | 0x9;
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
		INTERCEPT_NMI,		/* quiesce */
		INTERCEPT_INIT,		/* without R_INIT (apply_intercepts()) */
		INTERCEPT_INVD,		/* dropping dirty lines would lose ours too */
		INTERCEPT_IOIO_PROT,	/* the port policy (arch/x86/ioports.c) */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bits); i++)
		vmcb_set_intercept(c, bits[i]);
	/* #SX: a physical INIT under R_INIT, never the guest's. */
	c->intercepts[INTERCEPT_EXCEPTION] |= 1u << X86_TRAP_SX;
}

/* Shared by every vCPU: the MSR and I/O permission maps. */
int svm_init(struct npt *npt)
{
	u32 a, b, c, d;

	msrpm = hv_alloc_pages(2);
	iopm = hv_alloc_pages(3);
	if (!msrpm || !iopm)
		return -1;
	guest_npt = npt;
	cpuid(0x80000000, &a, &b, &c, &d);
	if (a >= 0x8000000a) {
		cpuid(0x8000000a, &a, &b, &c, &d);
		has_nrips = d & SVM_FEATURE_NRIPS;
	}
	msr_policy_init();
	cr4_valid = cr4_valid_bits();
	svm_rebuild_intercepts();
	return 0;
}

void svm_perm_maps(u64 *msrpm_pa, u64 *iopm_pa)
{
	*msrpm_pa = hv_pa(msrpm);
	*iopm_pa = hv_pa(iopm);
}

/* A vCPU's VMCB and save areas; its state comes later (load or reset). */
int svm_vcpu_alloc(struct vcpu *v)
{
	struct vmcb *vmcb = hv_alloc_pages(1);
	void *hsave = hv_alloc_pages(1), *host_save = hv_alloc_pages(1);

	if (!vmcb || !hsave || !host_save)
		return -1;
	v->host_save_pa = hv_pa(host_save);
	v->hsave_pa = hv_pa(hsave);
	vmcb->control.msrpm_base_pa = hv_pa(msrpm);
	vmcb->control.iopm_base_pa = hv_pa(iopm);
	vmcb->control.asid = 1;
	vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	vmcb->control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	vmcb->control.nested_cr3 = guest_npt->root_pa;
	v->arch = vmcb;
	v->arch_pa = hv_pa(vmcb);
	v->intercept_gen = tmpl_gen - 1;	/* copied before the first VMRUN */
	return 0;
}

/*
 * VM_CR.R_INIT: a physical INIT becomes #SX, which the hypervisor takes
 * and drops (docs/isolation-init.md).  false where the CPU does not keep
 * the bit (QEMU TCG ignores writes to VM_CR and reads it as 0).
 */
static bool r_init_on(void)
{
	u64 cr;

	if (rdmsr_safe(MSR_VM_CR, &cr) || wrmsr_safe(MSR_VM_CR, cr | SVM_VM_CR_R_INIT) ||
	    rdmsr_safe(MSR_VM_CR, &cr))
		return false;
	/* And no A20 masking, whatever the guest does to port 0x92 or the 8042. */
	wrmsr_safe(MSR_VM_CR, cr | SVM_VM_CR_DIS_A20M);
	return cr & SVM_VM_CR_R_INIT;
}

void svm_r_init_off(void)
{
	u64 cr;

	if (!rdmsr_safe(MSR_VM_CR, &cr) && (cr & (SVM_VM_CR_R_INIT | SVM_VM_CR_DIS_A20M)))
		wrmsr_safe(MSR_VM_CR, cr & ~(SVM_VM_CR_R_INIT | SVM_VM_CR_DIS_A20M));
}

/* On the CPU itself: SVM on, and our FS/GS/TR/LDTR for after each VMEXIT. */
void svm_cpu_enable(struct vcpu *v)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, v->hsave_pa);
	vmsave(v->host_save_pa);
	v->r_init = r_init_on();
	hv_log("xmhf: CPU %u: %s\n", v->index, v->r_init ?
	       "R_INIT set: a physical INIT becomes #SX" :
	       "R_INIT not kept by this CPU: a physical INIT halts it");
}

/* The boot CPU: Linux exactly as it was saved at the launch point. */
void svm_vcpu_load(struct vcpu *v, const struct xmhf_cpu_state *st)
{
	vmcb_load_state(&vmcb_of(v)->save, st);
}

static void seg_real(struct vmcb_seg *s, u16 sel, u16 attrib)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = 0xffff;
	s->base = (u64)sel << 4;
}

/*
 * INIT then SIPI: the state the CPU would have (AMD APM vol. 2, "Initial
 * processor state"), with CS:IP at the vector's page.  EFER.SVME is the
 * one difference, VMRUN needs it and RDMSR hides it.
 */
void svm_vcpu_reset(struct vcpu *v, u8 vector)
{
	struct vmcb *vm = vmcb_of(v);
	struct vmcb_save_area *s = &vm->save;
	u32 a, b, c, d;

	memset(s, 0, sizeof(*s));
	memset(&v->regs, 0, sizeof(v->regs));
	seg_real(&s->cs, (u16)vector << 8, 0x9b);
	seg_real(&s->ds, 0, 0x93);
	seg_real(&s->es, 0, 0x93);
	seg_real(&s->ss, 0, 0x93);
	seg_real(&s->fs, 0, 0x93);
	seg_real(&s->gs, 0, 0x93);
	seg_real(&s->ldtr, 0, 0x82);
	seg_real(&s->tr, 0, 0x8b);
	s->gdtr.limit = 0xffff;
	s->idtr.limit = 0xffff;
	s->cr0 = X86_CR0_ET | X86_CR0_CD | X86_CR0_NW;
	s->efer = EFER_SVME;
	s->rflags = X86_RFLAGS_FIXED;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = 0x0007040600070406ull;
	cpuid(1, &a, &b, &c, &d);
	v->regs.rdx = a;		/* family, model, stepping */
	vm->control.event_inj = 0;
	v->nmi_pending = false;
}

/*
 * The union of the hypapps' subscriptions becomes intercepts, rebuilt from
 * the core's own set each time, so an unsubscribed event stops exiting.
 * The maps are shared: callers stop the other CPUs first (quiesce), and
 * each vCPU copies the new vector before its next VMRUN.
 */
void svm_rebuild_intercepts(void)
{
	static const u32 insn_bits[HA_INSN_COUNT] = {
		[HA_INSN_CPUID] = INTERCEPT_CPUID, [HA_INSN_RDTSC] = INTERCEPT_RDTSC,
		[HA_INSN_RDTSCP] = INTERCEPT_RDTSCP, [HA_INSN_HLT] = INTERCEPT_HLT,
		[HA_INSN_WBINVD] = INTERCEPT_WBINVD, [HA_INSN_PAUSE] = INTERCEPT_PAUSE,
	};
	struct vmcb_control_area *c = &tmpl;
	unsigned int i, j;

	memset(c->intercepts, 0, sizeof(c->intercepts));
	vmcb_set_intercepts(c);
	/* Every MSR exits unless the policy lets it through (allow-list). */
	memset(msrpm, 0xff, 2 * 4096);
	msr_for_each_pass(msr_pass, msrpm);
	ioports_fill_map(iopm, 3 * 4096);
	for (i = 0; i < hub_count(); i++) {
		const struct ha_subscription *sub = hub_sub(i);

		c->intercepts[INTERCEPT_EXCEPTION] |= sub->exceptions;
		for (j = 0; j < HA_INSN_COUNT; j++)
			if (sub->insns & (1u << j))
				vmcb_set_intercept(c, insn_bits[j]);
		/* TCG reports RDTSCP only through RDTSC's (insn_of_exit()). */
		if (sub->insns & (1u << HA_INSN_RDTSCP))
			vmcb_set_intercept(c, INTERCEPT_RDTSC);
		for (j = 0; j < sub->num_msrs; j++)
			if (msr_in_map(sub->msrs[j]) && msr_hypapp_may_subscribe(sub->msrs[j]))
				set_msr_intercept(msrpm, sub->msrs[j]);
		for (j = 0; j < 16; j++) {
			if (sub->cr_writes & (1u << j))
				vmcb_set_intercept(c, INTERCEPT_CR_WRITE(j));
			if (sub->dr_writes & (1u << j))
				vmcb_set_intercept(c, INTERCEPT_DR_WRITE(j));
		}
		if (sub->ldt_loads)
			vmcb_set_intercept(c, INTERCEPT_LDTR_WRITE);
		/* Checked per byte: every access that covers the port exits. */
		for (j = 0; j < sub->num_ports; j++)
			iopm[sub->ports[j] / 8] |= 1 << (sub->ports[j] % 8);
	}
	__atomic_fetch_add(&tmpl_gen, 1, __ATOMIC_RELEASE);
}

static void apply_intercepts(struct vcpu *v)
{
	u32 gen = __atomic_load_n(&tmpl_gen, __ATOMIC_ACQUIRE);

	if (v->intercept_gen == gen)
		return;
	memcpy(vmcb_of(v)->control.intercepts, tmpl.intercepts,
	       sizeof(tmpl.intercepts));
	/* Under R_INIT an intercepted INIT would stay pending and exit again at once. */
	if (v->r_init)
		vmcb_clr_intercept(&vmcb_of(v)->control, INTERCEPT_INIT);
	v->intercept_gen = gen;
}

/* ---- hypapp services that touch guest registers ---- */

u64 ha_get(struct vcpu *v, enum ha_reg r)
{
	const struct vmcb_save_area *s = &vmcb_of(v)->save;

	switch (r) {
	case HA_RAX: return s->rax;
	case HA_RBX: return v->regs.rbx;
	case HA_RCX: return v->regs.rcx;
	case HA_RDX: return v->regs.rdx;
	case HA_RSI: return v->regs.rsi;
	case HA_RDI: return v->regs.rdi;
	case HA_RBP: return v->regs.rbp;
	case HA_RSP: return s->rsp;
	case HA_RIP: return s->rip;
	case HA_RFLAGS: return s->rflags;
	case HA_CR0: return s->cr0;
	case HA_CR3: return s->cr3;
	case HA_CR4: return s->cr4;
	}
	return 0;
}

void ha_set(struct vcpu *v, enum ha_reg r, u64 val)
{
	struct vmcb_save_area *s = &vmcb_of(v)->save;

	switch (r) {
	case HA_RAX: s->rax = val; break;
	case HA_RBX: v->regs.rbx = val; break;
	case HA_RCX: v->regs.rcx = val; break;
	case HA_RDX: v->regs.rdx = val; break;
	case HA_RSI: v->regs.rsi = val; break;
	case HA_RDI: v->regs.rdi = val; break;
	case HA_RBP: v->regs.rbp = val; break;
	case HA_RSP: s->rsp = val; break;
	case HA_RIP: s->rip = val; break;
	/* Reserved RFLAGS bits would make VMRUN fail: keep them right. */
	case HA_RFLAGS: s->rflags = (val & 0x3f7fd7) | 2; break;
	default: break;		/* control registers are read-only here */
	}
}

unsigned int ha_cpl(struct vcpu *v)
{
	return vcpu_cpl(v);
}

void ha_skip(struct vcpu *v, unsigned int len)
{
	vcpu_skip_insn(v, len);
}

void ha_inject(struct vcpu *v, u32 vector, bool has_error, u32 error)
{
	inject(v, vector & 31, has_error, error);
}

/* CPUID: the hypervisor's leaves, and no SVM for the guest. */
static void exit_cpuid(struct vcpu *v)
{
	u32 leaf = (u32)vcpu_rax(v), sub = (u32)v->regs.rcx;
	u32 a, b, c, d;

	cpuid_count(leaf, sub, &a, &b, &c, &d);
	/* The OS-enabled bits follow the guest's CR4, not the host's. */
	if (leaf == 1)
		c = (c & ~BIT(27)) | (vmcb_of(v)->save.cr4 & X86_CR4_OSXSAVE ? BIT(27) : 0);
	if (leaf == 7 && sub == 0)
		c = (c & ~BIT(4)) | (vmcb_of(v)->save.cr4 & X86_CR4_PKE ? BIT(4) : 0);
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
	vcpu_skip_exit_insn(v);
}

static bool vector_has_error(u32 vec)
{
	return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 ||
	       vec == 29 || vec == 30;
}

/* An intercepted exception nobody handled goes to the guest as it was. */
static void reinject(struct vcpu *v, u32 vec)
{
	struct vmcb *vm = vmcb_of(v);
	u8 op = 0;

	if (vec == 14)
		vm->save.cr2 = vm->control.exit_info_2;
	/* #BP/#OF are traps, but the intercept leaves RIP on INT3 / INT n / INTO. */
	if (vec == 3 || vec == 4) {
		ha_read_guest(v, &op, vm->save.rip, 1);
		vm->save.rip += op == 0xcd ? 2 : 1;
	}
	inject(v, vec, vector_has_error(vec), (u32)vm->control.exit_info_1);
}

static void exit_exception(struct vcpu *v, u32 vec)
{
	struct vmcb *vm = vmcb_of(v);
	struct ha_event_info e = { .type = HA_EV_EXCEPTION, .exc = {
		vec, vector_has_error(vec), (u32)vm->control.exit_info_1,
		vec == 14 ? vm->control.exit_info_2 : 0 } };

	if (hub_dispatch(v, &e) == HA_DEFAULT)
		reinject(v, vec);
}

static enum ha_insn insn_of_exit(struct vcpu *v, u32 code, unsigned int *len);

/* Intercepted instructions a hypapp asked for; the default executes them. */
static void exit_insn(struct vcpu *v, u32 code)
{
	unsigned int len;
	enum ha_insn insn = insn_of_exit(v, code, &len);
	struct ha_event_info e = { .type = HA_EV_INSN, .insn = { insn, 0, 0 } };
	u64 tsc, aux = 0;

	if (hub_dispatch(v, &e) != HA_DEFAULT)
		return;
	switch (insn) {
	case HA_INSN_RDTSCP:
		rdmsr_safe(0xc0000103, &aux);	/* TSC_AUX */
		v->regs.rcx = (u32)aux;
		__attribute__((fallthrough));
	case HA_INSN_RDTSC:
		tsc = rdtsc();
		vcpu_set_rax(v, (u32)tsc);
		v->regs.rdx = tsc >> 32;
		vcpu_skip_insn(v, len);
		break;
	case HA_INSN_WBINVD:
		asm volatile("wbinvd" ::: "memory");
		vcpu_skip_insn(v, len);
		break;
	case HA_INSN_PAUSE:
		vcpu_skip_insn(v, len);
		break;
	case HA_INSN_HLT:
		/* Resumes at once: an intercepted HLT spins instead of sleeping. */
		vcpu_skip_insn(v, len);
		break;
	default:
		break;
	}
}

/*
 * Port I/O: the policy's intercepts (arch/x86/ioports.c) and the ports
 * hypapps asked for, which see it first.  No string I/O.
 */
static void exit_io(struct vcpu *v)
{
	struct vmcb *vm = vmcb_of(v);
	u64 info = vm->control.exit_info_1;
	u32 size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
	u32 mask = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
	/* IOIO exits give the next RIP even without NRIPS. */
	u64 len = vm->control.exit_info_2 - vm->save.rip;
	struct ha_event_info e = { .type = HA_EV_IO, .io = {
		(u16)(info >> SVM_IOIO_PORT_SHIFT), (u8)(size == 4 ? 4 : size),
		info & SVM_IOIO_TYPE_IN, info & SVM_IOIO_STR,
		(u32)vcpu_rax(v) & mask, len <= 15 ? (u8)len : 0 } };
	enum ha_result r = hub_wants(&e) ? hub_dispatch(v, &e) : HA_DEFAULT;
	u32 val = e.io.value;

	if (r != HA_DEFAULT)
		return;
	if (e.io.string) {
		hv_log("xmhf: string I/O on port 0x%x is not emulated: #GP\n", e.io.port);
		vcpu_inject_gp(v, 0);
		return;
	}
	ioports_access(v, e.io.port, e.io.size, e.io.in, &val);
	if (e.io.in)
		vcpu_set_rax(v, (vcpu_rax(v) & ~(u64)mask) | (val & mask));
	/* IOIO exits give the next RIP even without NRIPS. */
	set_rip(v, vm->control.exit_info_2);
}

/* GPRs by their encoding number (0 RAX .. 15 R15). */
static u64 *gpr_slot(struct vcpu *v, u8 n)
{
	u64 *const slots[16] = {
		&vmcb_of(v)->save.rax, &v->regs.rcx, &v->regs.rdx, &v->regs.rbx,
		&vmcb_of(v)->save.rsp, &v->regs.rbp, &v->regs.rsi, &v->regs.rdi,
		&v->regs.r8, &v->regs.r9, &v->regs.r10, &v->regs.r11,
		&v->regs.r12, &v->regs.r13, &v->regs.r14, &v->regs.r15,
	};

	return slots[n & 15];
}

/* The instruction at RIP, up to 15 bytes or the end of what translates. */
/*
 * The instruction at CS:RIP, up to 15 bytes or the end of what
 * translates; how many bytes were read, or 0.
 */
static size_t fetch_insn(struct vcpu *v, u8 buf[15])
{
	const struct vmcb_save_area *s = &vmcb_of(v)->save;
	u64 lin = s->rip;
	size_t n = 15;

	/* CS.base counts outside 64-bit mode (an AP starts in real mode). */
	if (!((s->efer & EFER_LMA) && (s->cs.attrib & 0x200)))
		lin = (u32)(lin + s->cs.base);
	/* A shorter read when the 15 bytes would cross into an unmapped page. */
	if (ha_read_guest(v, buf, lin, n)) {
		n = 0x1000 - (lin & 0xfff);
		if (n > 15 || ha_read_guest(v, buf, lin, n))
			return 0;
	}
	return n;
}

/*
 * The MOV store (or load) at RIP, for the MMIO the hypervisor emulates.  The decoder
 * knows 64-bit mode only (a 0x4X byte is REX there, INC/DEC elsewhere):
 * in any other mode it is not emulated, and the caller's #GP
 * follows.  Linux's own MMIO stores all run in 64-bit mode.
 */
static int fetch_mov(struct vcpu *v, struct memstore *ms, bool load)
{
	const struct vmcb_save_area *s = &vmcb_of(v)->save;
	u8 buf[15];
	size_t n;

	if (!(s->efer & EFER_LMA) || !(s->cs.attrib & 0x200))
		return -1;
	n = fetch_insn(v, buf);
	if (!n)
		return -1;
	return load ? decode_memload(buf, n, ms) : decode_memstore(buf, n, ms);
}

static int fetch_store(struct vcpu *v, struct memstore *ms)
{
	return fetch_mov(v, ms, false);
}

/* The MOV load at RIP, the same way. */
static int fetch_load(struct vcpu *v, struct memstore *ms)
{
	return fetch_mov(v, ms, true);
}

static int fetch_decode(struct vcpu *v, struct sysinsn *in)
{
	u8 buf[15];
	size_t n = fetch_insn(v, buf);

	return n ? decode_sysinsn(buf, n, in) : -1;
}

/*
 * A guest write to the xAPIC page, which the nested page tables keep
 * read-only: decode the MOV (TCG has no decode assists), virtualise
 * INIT/SIPI written to the ICR, and do any other write on the real APIC.
 */
static void exit_apic_write(struct vcpu *v, u64 gpa)
{
	struct memstore ms;
	u32 off = gpa & 0xfff, val;

	if (fetch_store(v, &ms) || ms.size != 4 || (off & 3)) {
		hv_log("xmhf: APIC write at 0x%lx (RIP 0x%lx) not a 32-bit MOV: #GP\n",
		       gpa, vmcb_of(v)->save.rip);
		vcpu_inject_gp(v, 0);
		return;
	}
	val = ms.imm ? (u32)ms.imm_val : (u32)*gpr_slot(v, ms.gpr);
	/*
	 * Only the registers a guest may write: not the APIC ID (the
	 * hypervisor reaches each CPU by the one it started it with), and no
	 * reserved offset that the platform might take for something else.
	 */
	if (!apic_reg_writable(off)) {
		hv_log("xmhf: guest write to APIC register 0x%x refused: #GP\n", off);
		vcpu_inject_gp(v, 0);
		return;
	}
	if (!guest_lvt_write_ok(off, val)) {
		vcpu_inject_gp(v, 0);
		return;
	}
	if (off == APIC_ICR_LO)
		smp_guest_icr(v, val, lapic_read(APIC_ICR_HI), false);
	else
		lapic_write(off, val);
	vcpu_skip_insn(v, ms.len);
}

/*
 * A guest store to what PCI keeps read-only (the ECAM window, MSI-X
 * tables): decoded, then arch/x86/pci.c's.
 */
static void exit_pci_mmio_write(struct vcpu *v, u64 gpa)
{
	struct memstore ms;
	int r = -1;

	if (!fetch_store(v, &ms))
		r = pci_mmio_write(v, gpa, ms.size, ms.imm ? ms.imm_val : *gpr_slot(v, ms.gpr));
	if (r < 0) {
		hv_log("xmhf: PCI MMIO write at 0x%lx (RIP 0x%lx) not an emulated MOV: #GP\n",
		       gpa, vmcb_of(v)->save.rip);
		vcpu_inject_gp(v, 0);
	} else if (r == 0) {
		vcpu_skip_insn(v, ms.len);
	}
}

/*
 * A guest write to the IOAPIC's or the HPET's page, which the nested page
 * tables keep read-only (arch/intr_mmio.h): decoded like the APIC's.
 */
static void exit_intr_mmio_write(struct vcpu *v, u64 gpa)
{
	struct memstore ms;
	u64 val;

	if (fetch_store(v, &ms)) {
		hv_log("xmhf: write at 0x%lx (RIP 0x%lx) not a MOV: #GP\n",
		       gpa, vmcb_of(v)->save.rip);
		vcpu_inject_gp(v, 0);
		return;
	}
	val = ms.imm ? ms.imm_val : *gpr_slot(v, ms.gpr);
	if (ms.size < 8)
		val &= (1ull << (8 * ms.size)) - 1;
	if (!intr_mmio_write(gpa, ms.size, val)) {
		hv_log("xmhf: %u-byte write at 0x%lx not taken: #GP\n", ms.size, gpa);
		vcpu_inject_gp(v, 0);
		return;
	}
	vcpu_skip_insn(v, ms.len);
}

/*
 * A guest access to the IOMMU's registers, which Linux drives as its own
 * while the hardware is the hypervisor's (arch/viommu.h): a MOV load or
 * store, decoded here, emulated there.  Anything else (string moves) gets
 * #GP.  A load of 4 bytes clears the register's upper half, as the CPU's.
 */
static void exit_iommu_mmio(struct vcpu *v, u64 gpa, bool write)
{
	struct memstore ms;
	u64 val, *r;

	if (write ? fetch_store(v, &ms) : fetch_load(v, &ms)) {
		hv_log("xmhf: IOMMU register %s at 0x%lx (RIP 0x%lx) not a MOV: #GP\n",
		       write ? "write" : "read", gpa, vmcb_of(v)->save.rip);
		vcpu_inject_gp(v, 0);
		return;
	}
	if (write) {
		val = ms.imm ? ms.imm_val : *gpr_slot(v, ms.gpr);
		if (ms.size < 8)
			val &= (1ull << (8 * ms.size)) - 1;
		viommu_access(gpa, ms.size, true, &val);
		vcpu_skip_insn(v, ms.len);
		return;
	}
	viommu_access(gpa, ms.size, false, &val);
	r = gpr_slot(v, ms.gpr);
	if (ms.size == 8)
		*r = val;
	else if (ms.size == 4)
		*r = (u32)val;
	else
		*r = (*r & ~((1ull << (8 * ms.size)) - 1)) | val;
	vcpu_skip_insn(v, ms.len);
}

/* LLDT sel: the LDT descriptor from the guest's GDT, or #GP(sel). */
static bool load_ldtr(struct vcpu *v, u16 sel)
{
	struct vmcb_save_area *s = &vmcb_of(v)->save;
	u8 d[16];
	u32 limit;

	if (!(sel & ~3)) {
		memset(&s->ldtr, 0, sizeof(s->ldtr));
		return true;
	}
	if ((sel & 4) || (sel | 7) > s->gdtr.limit ||
	    ha_read_guest(v, d, s->gdtr.base + (sel & ~7), sizeof(d)))
		return false;
	if ((d[5] & 0x1f) != 0x02 || !(d[5] & 0x80))	/* LDT, present */
		return false;
	limit = d[0] | d[1] << 8 | (d[6] & 0xf) << 16;
	if (d[6] & 0x80)
		limit = limit << 12 | 0xfff;
	s->ldtr.selector = sel;
	s->ldtr.attrib = d[5] | (d[6] & 0xf0) << 4;
	s->ldtr.limit = limit;
	s->ldtr.base = d[2] | d[3] << 8 | d[4] << 16 | (u64)d[7] << 24 |
		       (u64)(d[8] | d[9] << 8 | d[10] << 16 | (u32)d[11] << 24) << 32;
	return true;
}

static void write_dr(struct vcpu *v, u8 n, u64 val)
{
	switch (n) {
	case 0: asm volatile("mov %0, %%db0" :: "r"(val)); break;
	case 1: asm volatile("mov %0, %%db1" :: "r"(val)); break;
	case 2: asm volatile("mov %0, %%db2" :: "r"(val)); break;
	case 3: asm volatile("mov %0, %%db3" :: "r"(val)); break;
	case 6: vmcb_of(v)->save.dr6 = val; break;
	case 7: vmcb_of(v)->save.dr7 = val; break;
	}
}

/*
 * MOV to CRn (CLTS and LMSW are CR0 writes): checked as the CPU would
 * (arch/x86/cr.c), so that VMRUN never meets a CR value it refuses.
 * false: #GP.  The TLB is flushed on every VMRUN, so CR3/CR4 need no more.
 */
static bool write_cr(struct vcpu *v, unsigned int cr, u64 val)
{
	struct vmcb_save_area *s = &vmcb_of(v)->save;
	struct cr_state st = {
		s->cr0, s->cr3, s->cr4, s->efer,
		(s->efer & EFER_LMA) && (s->cs.attrib & 0x200), 0, cr4_valid, 0,
	};
	u32 a, b, c, d;

	cpuid(0x80000008, &a, &b, &c, &d);
	st.phys_bits = a & 0xff;
	if (cr_write(&st, cr, val)) {
		hv_log("xmhf: guest write of 0x%lx to CR%u refused: #GP\n", val, cr);
		return false;
	}
	s->cr0 = st.cr0;
	s->cr3 = st.cr3;
	s->cr4 = st.cr4;
	s->efer = st.efer;
	return true;
}

/*
 * A subscribed write to CRn/DRn or an LLDT: decode (no decode assists),
 * ask the hypapps, else emulate.  Only the register forms exist here.
 */
static void exit_sysreg(struct vcpu *v, u32 code)
{
	struct vmcb_save_area *s = &vmcb_of(v)->save;
	struct ha_event_info e = { 0 };
	struct sysinsn in;
	u64 val;

	/* The decoded instruction must be the one the exit names. */
	if (fetch_decode(v, &in) ||
	    (code == SVM_EXIT_LDTR_WRITE ? in.kind != SYSINSN_LLDT :
	     code >= SVM_EXIT_WRITE_DR0 ? in.kind != SYSINSN_MOV_TO_DR ||
					  in.ctl != code - SVM_EXIT_WRITE_DR0 :
	     (in.kind != SYSINSN_MOV_TO_CR && in.kind != SYSINSN_CLTS &&
	      in.kind != SYSINSN_LMSW) || in.ctl != code - SVM_EXIT_WRITE_CR0)) {
		hv_log("xmhf: cannot decode the instruction at 0x%lx (exit 0x%x): #UD\n",
		       s->rip, code);
		vcpu_inject_ud(v);
		return;
	}
	val = *gpr_slot(v, in.gpr);
	if (in.kind == SYSINSN_CLTS)
		val = cr0_after_clts(s->cr0);
	else if (in.kind == SYSINSN_LMSW)
		val = cr0_after_lmsw(s->cr0, (u16)val);
	if (in.kind == SYSINSN_LLDT) {
		e.type = HA_EV_DESC_TABLE;
		e.desc.selector = (u16)val;
	} else if (in.kind != SYSINSN_MOV_TO_DR) {
		e.type = HA_EV_CR;
		e.cr.cr = in.ctl;
		e.cr.value = val;
	} else {
		e.type = HA_EV_DR;
		e.dr.dr = in.ctl;
		e.dr.value = val;
	}
	switch (hub_dispatch(v, &e)) {
	case HA_DEFAULT:
		break;
	default:
		return;
	}
	if (e.type == HA_EV_DESC_TABLE && !load_ldtr(v, (u16)val)) {
		vcpu_inject_gp(v, (u16)val & ~3u);
		return;
	}
	if (e.type == HA_EV_CR && !write_cr(v, in.ctl, val)) {
		vcpu_inject_gp(v, 0);
		return;
	}
	if (e.type == HA_EV_DR)
		write_dr(v, in.ctl, val);
	vcpu_skip_insn(v, in.len);
}

#define NPF_IN_WALK	(1ull << 33)	/* the fault hit a guest page-table access */

/* Pages whose guest stores the hypervisor decodes and performs itself. */
static bool emulated_mmio(u64 gpa)
{
	return (gpa & ~0xfffull) == lapic_mmio_base() || intr_mmio_page(gpa) ||
	       pci_mmio_owns(gpa) || viommu_owns(gpa);
}

/* Guest access to hypervisor memory gets #GP(0); anything else unmapped gets mapped. */
static void exit_npf(struct vcpu *v, struct npt *npt)
{
	u64 gpa = vmcb_of(v)->control.exit_info_2;

	struct ha_event_info e = { .type = HA_EV_NPF, .npf = {
		gpa, vmcb_of(v)->control.exit_info_1 & 2,
		vmcb_of(v)->control.exit_info_1 & 16 } };

	/*
	 * A fault in the guest's own page-table walk (EXITINFO1 bit 33) is
	 * no MOV to emulate: the instruction at RIP is unrelated to it.
	 */
	if ((vmcb_of(v)->control.exit_info_1 & NPF_IN_WALK) && emulated_mmio(gpa)) {
		hv_log("xmhf: guest page tables in emulated MMIO at 0x%lx (RIP 0x%lx): #GP\n",
		       gpa, vmcb_of(v)->save.rip);
		vcpu_inject_gp(v, 0);
		return;
	}
	if ((gpa & ~0xfffull) == lapic_mmio_base() && (e.npf.write)) {
		count(v, XMHF_EXIT_APIC);
		exit_apic_write(v, gpa);
		return;
	}
	count(v, XMHF_EXIT_NPF);
	if (viommu_owns(gpa)) {
		exit_iommu_mmio(v, gpa, e.npf.write);
		return;
	}
	if (e.npf.write && intr_mmio_page(gpa)) {
		exit_intr_mmio_write(v, gpa);
		return;
	}
	if (e.npf.write && pci_mmio_owns(gpa)) {
		exit_pci_mmio_write(v, gpa);
		return;
	}
	if (!npt_protected(gpa) && hub_owns_page(gpa)) {
		if (hub_dispatch(v, &e) == HA_DEFAULT)
			vcpu_inject_gp(v, 0);
		return;
	}
	/* Present but refused (a page the core made read-only): no retry. */
	if (npt_protected(gpa) || (vmcb_of(v)->control.exit_info_1 & 1) ||
	    npt_map_2m(npt, gpa)) {
		hv_log("xmhf: guest access to protected memory at 0x%lx (RIP 0x%lx): #GP\n",
		       gpa, vmcb_of(v)->save.rip);
		vcpu_inject_gp(v, 0);
	}
}

static void __attribute__((noreturn)) guest_dead(struct vcpu *v, const char *why)
{
	struct vmcb *vm = vmcb_of(v);

	hv_log("xmhf: CPU %u (APIC ID %u): %s: exit 0x%lx info1 0x%lx info2 0x%lx RIP 0x%lx; CPU halted\n",
	       v->index, v->apic_id, why, vm->control.exit_code,
	       vm->control.exit_info_1, vm->control.exit_info_2, vm->save.rip);
	smp_cpu_dead(v);
	halt_forever();
}


/*
 * The hypapp view of the instruction exits exit_insn() handles, and the
 * length to skip.  Without NRIPS the length comes from the bytes: any
 * prefixes count.  QEMU TCG checks RDTSCP against the RDTSC intercept and
 * exits with RDTSC's code, so the bytes also tell the two apart.  Bytes
 * that cannot be read or that name another instruction (the guest may
 * have rewritten them from another CPU) get the exit code's own meaning
 * and the unprefixed length: only the guest's own state can be wrong.
 */
static enum ha_insn insn_of_exit(struct vcpu *v, u32 code, unsigned int *len)
{
	static const struct { u32 code; enum ha_insn insn; enum plain_insn plain; u8 len; }
	exits[] = {
		{ SVM_EXIT_RDTSC, HA_INSN_RDTSC, PLAIN_RDTSC, 2 },
		{ SVM_EXIT_RDTSCP, HA_INSN_RDTSCP, PLAIN_RDTSCP, 3 },
		{ SVM_EXIT_HLT, HA_INSN_HLT, PLAIN_HLT, 1 },
		{ SVM_EXIT_WBINVD, HA_INSN_WBINVD, PLAIN_WBINVD, 2 },
		{ SVM_EXIT_PAUSE, HA_INSN_PAUSE, PLAIN_PAUSE, 2 },
	};
	const struct vmcb_save_area *s = &vmcb_of(v)->save;
	bool rex_ok = (s->efer & EFER_LMA) && (s->cs.attrib & 0x200);
	enum plain_insn plain;
	unsigned int i;
	size_t n;
	u8 buf[15], l;

	for (i = 0; i < ARRAY_SIZE(exits) - 1 && exits[i].code != code; i++)
		;
	*len = exits[i].len;
	n = fetch_insn(v, buf);
	if (!n || decode_plain(buf, n, rex_ok, &plain, &l))
		return exits[i].insn;
	if (plain == exits[i].plain ||
	    (code == SVM_EXIT_RDTSC && plain == PLAIN_RDTSCP)) {
		*len = l;
		return plain == PLAIN_RDTSCP ? HA_INSN_RDTSCP : exits[i].insn;
	}
	return exits[i].insn;
}

/*
 * Past the instruction this exit names (CPUID, RDMSR/WRMSR, VMMCALL,
 * INVD): next_rip where the CPU saves it (NRIPS), else the length the
 * bytes give, prefixes counted.  Bytes that cannot be read or that name
 * another instruction (rewritten from another CPU meanwhile) get the
 * unprefixed length: only the guest's own state can be wrong then.
 */
void vcpu_skip_exit_insn(struct vcpu *v)
{
	static const struct { u32 code; enum plain_insn plain; u8 len; } exits[] = {
		{ SVM_EXIT_CPUID, PLAIN_CPUID, 2 },
		{ SVM_EXIT_VMMCALL, PLAIN_VMMCALL, 3 },
		{ SVM_EXIT_INVD, PLAIN_INVD, 2 },
		{ SVM_EXIT_MSR, PLAIN_RDMSR, 2 },	/* WRMSR by exit_info_1 */
	};
	struct vmcb *vm = vmcb_of(v);
	const struct vmcb_save_area *s = &vm->save;
	bool rex_ok = (s->efer & EFER_LMA) && (s->cs.attrib & 0x200);
	enum plain_insn want, got;
	unsigned int i;
	size_t n;
	u8 buf[15], l;

	if (has_nrips && vm->control.next_rip) {
		set_rip(v, vm->control.next_rip);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(exits) - 1 && exits[i].code != (u32)vm->control.exit_code; i++)
		;
	want = exits[i].plain;
	if (want == PLAIN_RDMSR && (vm->control.exit_info_1 & 1))
		want = PLAIN_WRMSR;
	/* In 64-bit mode through the cached code page; else the full walk. */
	n = rex_ok ? vcpu_code_bytes(v, s->rip, buf) : 0;
	if (!n)
		n = fetch_insn(v, buf);
	if (n && !decode_plain(buf, n, rex_ok, &got, &l) && got == want)
		vcpu_skip_insn(v, l);
	else
		vcpu_skip_insn(v, exits[i].len);
}

/*
 * An event the exit interrupted on its way into the guest is delivered
 * again; a handler that injects something itself overrides it.
 */
static void redeliver(struct vmcb *vm)
{
	u32 info = vm->control.exit_int_info;
	u32 type = info & SVM_EXITINTINFO_TYPE_MASK;

	vm->control.event_inj = 0;
	/* INTn, INT3, INTO: RIP is still on the instruction, which runs again. */
	if (!(info & SVM_EVTINJ_VALID) || type == SVM_EXITINTINFO_TYPE_SOFT ||
	    (type == SVM_EXITINTINFO_TYPE_EXCEPTION &&
	     ((info & 0xff) == 3 || (info & 0xff) == 4)))
		return;
	vm->control.event_inj = info;
	vm->control.event_inj_err = vm->control.exit_int_info_err;
}

/*
 * An NMI exit leaves the NMI pending: GIF on for a moment lets the
 * host's handler take it (core/smp.c decides whose it was).
 */
static void nmi_window(struct vcpu *v)
{
	u64 seen = v->nmis_taken;
	unsigned int i;

	stgi();
	for (i = 0; i < 100000 && __atomic_load_n(&v->nmis_taken, __ATOMIC_ACQUIRE) == seen; i++)
		cpu_relax();
	clgi();
}

/* A guest NMI that met the CPU in the hypervisor, once nothing else is queued. */
static void inject_pending_nmi(struct vcpu *v)
{
	struct vmcb_control_area *c = &vmcb_of(v)->control;
	struct ha_event_info e = { .type = HA_EV_NMI };

	if (!v->nmi_pending || (c->event_inj & SVM_EVTINJ_VALID))
		return;
	v->nmi_pending = false;
	if (hub_wants(&e) && hub_dispatch(v, &e) != HA_DEFAULT)
		return;		/* a hypapp took it */
	c->event_inj = 2 | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID;
	v->nmis_reinjected++;
}

static void handle_exit(struct vcpu *v, struct npt *npt)
{
	struct vmcb *vm = vmcb_of(v);

	redeliver(vm);
	switch ((u32)vm->control.exit_code) {
	case SVM_EXIT_NMI:
		count(v, XMHF_EXIT_NMI);
		nmi_window(v);
		break;
	case SVM_EXIT_CPUID: {
		struct ha_event_info e = { .type = HA_EV_INSN, .insn = {
			HA_INSN_CPUID, (u32)vcpu_rax(v), (u32)v->regs.rcx } };

		count(v, XMHF_EXIT_CPUID);
		if (!hub_wants(&e) || hub_dispatch(v, &e) == HA_DEFAULT)
			exit_cpuid(v);
		break;
	}
	case SVM_EXIT_RDTSC: case SVM_EXIT_RDTSCP: case SVM_EXIT_HLT:
	case SVM_EXIT_WBINVD: case SVM_EXIT_PAUSE:
		count(v, XMHF_EXIT_INSN);
		exit_insn(v, (u32)vm->control.exit_code);
		break;
	case SVM_EXIT_WRITE_CR0: case SVM_EXIT_WRITE_CR3: case SVM_EXIT_WRITE_CR4:
	case SVM_EXIT_WRITE_DR0 ... SVM_EXIT_WRITE_DR0 + 7:
	case SVM_EXIT_LDTR_WRITE:
		count(v, XMHF_EXIT_SYSREG);
		exit_sysreg(v, (u32)vm->control.exit_code);
		break;
	case SVM_EXIT_IOIO:
		count(v, XMHF_EXIT_IO);
		exit_io(v);
		break;
	case SVM_EXIT_EXCP_BASE + X86_TRAP_SX:
		/* R_INIT turned a physical INIT into #SX: refused, the guest goes on. */
		count(v, XMHF_EXIT_INIT);
		hv_log("xmhf: CPU %u: physical INIT (#SX, error 0x%lx) at RIP 0x%lx refused\n",
		       v->index, vm->control.exit_info_1, vm->save.rip);
		break;
	case SVM_EXIT_EXCP_BASE ... SVM_EXIT_EXCP_BASE + X86_TRAP_SX - 1:
	case SVM_EXIT_EXCP_BASE + X86_TRAP_SX + 1:
		count(v, XMHF_EXIT_EXCEPTION);
		exit_exception(v, (u32)vm->control.exit_code - SVM_EXIT_EXCP_BASE);
		break;
	case SVM_EXIT_VMMCALL:
		count(v, XMHF_EXIT_VMMCALL);
		hypercall(v);
		break;
	case SVM_EXIT_MSR:
		count(v, XMHF_EXIT_MSR);
		msr_exit(v, vm->control.exit_info_1 & 1);
		break;
	case SVM_EXIT_NPF:
		exit_npf(v, npt);
		break;
	case SVM_EXIT_INIT:
		/*
		 * A physical INIT on a CPU without R_INIT: Linux's own are
		 * virtualised, so something the filters missed sent it.  The
		 * CPU holds it while GIF = 0 and would reset on the next STGI
		 * or VMRUN, the boot CPU into the firmware's warm-reset path:
		 * it stays here, halted with GIF = 0 (docs/isolation-init.md).
		 * QEMU TCG resets the CPU before this handler runs.
		 */
		count(v, XMHF_EXIT_INIT);
		guest_dead(v, "physical INIT without R_INIT: refused");
	case SVM_EXIT_INVD:
		count(v, XMHF_EXIT_INSN);
		wbinvd();
		vcpu_skip_exit_insn(v);
		break;
	case SVM_EXIT_VMRUN: case SVM_EXIT_VMLOAD: case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI: case SVM_EXIT_CLGI: case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		/* The guest has no SVM: nested SVM is not offered. */
		count(v, XMHF_EXIT_SVM_INSN);
		vcpu_inject_ud(v);
		break;
	case SVM_EXIT_SHUTDOWN: {
		struct ha_event_info e = { .type = HA_EV_INIT_SHUTDOWN, .init = { true } };

		count(v, XMHF_EXIT_SHUTDOWN);
		hub_dispatch(v, &e);	/* a notification: the guest is gone */
		guest_dead(v, "guest shutdown (triple fault)");
	}
	default:
		count(v, XMHF_EXIT_OTHER);
		guest_dead(v, (u32)vm->control.exit_code == (u32)SVM_EXIT_ERR ?
			   "VMRUN refused the guest state" : "unexpected exit");
	}
}

/*
 * Runs the guest until it asks to be let go (UNLOAD), an INIT sends it
 * back to wait-for-SIPI, or unload parks this CPU.
 */
void svm_run(struct vcpu *v)
{
	while (!v->unload && !v->park && !v->init_req) {
		if (hub_take_dirty()) {
			if (quiesce_begin(v) < 0) {
				hub_set_dirty();	/* a CPU did not answer */
			} else {
				svm_rebuild_intercepts();
				quiesce_end(v);
			}
		}
		apply_intercepts(v);
		inject_pending_nmi(v);
		if (!vmrun_guard_check(v))
			guest_dead(v, "refused to run the host's state as the guest's");
		svm_vmrun(v, v->arch_pa, v->host_save_pa);
		vmrun_guard_record(v);
		handle_exit(v, guest_npt);
	}
}
