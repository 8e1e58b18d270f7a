// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's MSR policy, one table (docs/isolation-msr.md says why for
 * each row).  Allow-list: an MSR in no row exits and gets #GP, and the
 * first refusal of each MSR number is logged.  The rows are what Linux
 * 6.1 touches on AMD (measured on QEMU -cpu max over the guest suite),
 * plus the MSRs the hypervisor must own or must keep from the guest,
 * listed so that the reason is written down and no hypapp subscribes
 * them.
 */
#include <arch/x86.h>
#include <arch/cr.h>
#include <arch/msr.h>
#include <core/guest_apic.h>
#include <core/hub.h>
#include <core/log.h>
#include <core/spinlock.h>
#include <core/vcpu.h>

enum msr_rd {
	RD_PASS,	/* the CPU's own value, no exit */
	RD_EMULATE,	/* rd() gives the guest's value */
	RD_GP,
};

enum msr_wr {
	WR_PASS,	/* to the CPU, no exit */
	WR_FILTER,	/* wr() says whether the CPU gets it; else #GP */
	WR_EMULATE,	/* wr() does it (false: #GP); the CPU never sees it */
	WR_GP,
};

struct msr_rule {
	u32 first, last;
	u8 rd, wr;
	bool hypapp;	/* a hypapp may subscribe it */
	bool (*rdfn)(struct vcpu *v, u32 msr, u64 *val);
	bool (*wrfn)(struct vcpu *v, u32 msr, u64 val);
};

#define VM_CR_SVMDIS		BIT(4)
#define VM_CR_LOCK		BIT(3)
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MTRR_DEF_ENABLES	0xcffull	/* E, FE and the default type */
#define MSR_HWCR		0xc0010015
#define HWCR_LINUX_BITS		(BIT(6) | BIT(25) | BIT(30))
#define MSR_DE_CFG		0xc0011029
#define DE_CFG_LFENCE_SERIALIZE	BIT(1)
#define DEBUGCTL_BTF		BIT(1)
#define PERF_CTL_GUESTONLY	BIT(40)
#define PERF_CTL_HOSTONLY	BIT(41)

#ifdef XMHF_HOST_TEST
/* selftests/unit/test_msr.c plays the CPU's MSRs. */
int test_rdmsr_safe(u32 msr, u64 *val);
int test_wrmsr_safe(u32 msr, u64 val);
#define rdmsr_safe(msr, val)	test_rdmsr_safe(msr, val)
#define wrmsr_safe(msr, val)	test_wrmsr_safe(msr, val)
#define efer_valid_bits()	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#endif

static u64 mtrr_def_at_launch;
static u64 efer_valid;		/* efer_valid_bits(), once */

/* ---- the handlers the rows name ---- */

/*
 * EFER: SVME is the hypervisor's; the guest neither sees nor sets it.
 * A write VMRUN would refuse (an unimplemented bit), or one that would
 * leave long mode inconsistent (LME changed under paging, LMA changed),
 * gets #GP instead of costing the CPU (arch/x86/cr.c, efer_write()).
 */
static bool efer_rd(struct vcpu *v, u32 msr, u64 *val)
{
	(void)msr;
	*val = vcpu_efer(v) & ~EFER_SVME;
	return true;
}

static bool efer_wr(struct vcpu *v, u32 msr, u64 val)
{
	struct cr_state st = {
		.cr0 = vcpu_cr0(v), .efer = vcpu_efer(v) | EFER_SVME,
		.efer_valid = efer_valid,
	};

	(void)msr;
	if (efer_write(&st, val))
		return false;
	vcpu_set_efer(v, st.efer);
	return true;
}

/* VM_CR: "SVM disabled by firmware, locked", so Linux never tries SVM. */
static bool vm_cr_rd(struct vcpu *v, u32 msr, u64 *val)
{
	(void)v;
	(void)msr;
	*val = VM_CR_SVMDIS | VM_CR_LOCK;
	return true;
}

/* VM_HSAVE_PA: the real one points into the hypervisor; the guest sees 0. */
static bool zero_rd(struct vcpu *v, u32 msr, u64 *val)
{
	(void)v;
	(void)msr;
	*val = 0;
	return true;
}

static bool apic_base_wr(struct vcpu *v, u32 msr, u64 val)
{
	(void)v;
	(void)msr;
	return guest_apic_base_write(val);
}

static bool x2apic_icr_wr(struct vcpu *v, u32 msr, u64 val)
{
	(void)msr;
	return guest_x2apic_icr_write(v, val);
}

static bool lvt_wr(struct vcpu *v, u32 msr, u64 val)
{
	(void)v;
	return guest_x2apic_lvt_write(msr, val);
}

/*
 * The memory map and SMRAM MSRs: a write could move the hypervisor's
 * memory out from under it (DRAM decoded as MMIO), so only writes that
 * change nothing pass, as Linux makes when it brings up an AP (every
 * MTRR set to the boot CPU's value), the MTRR off/on pair around them
 * (off makes all memory uncached, which only costs speed; on may only
 * restore the launch-time setting), and the HWCR bits Linux sets
 * (FFDIS on family 0Fh, CpbDis, IRPerfEn; not SmmLock or the like).
 */
static bool memmap_wr(struct vcpu *v, u32 msr, u64 val)
{
	u64 cur;

	(void)v;
	if (rdmsr_safe(msr, &cur))
		return false;
	if (val == cur)
		return true;
	if (msr == MSR_HWCR)
		return !((val ^ cur) & ~HWCR_LINUX_BITS);
	if (msr != MSR_MTRR_DEF_TYPE)
		return false;
	return val == mtrr_def_at_launch ||
	       (!(val & MTRR_DEF_ENABLES) &&
		(val & ~MTRR_DEF_ENABLES) == (cur & ~MTRR_DEF_ENABLES));
}

/* DE_CFG: Linux sets LFENCE_SERIALIZE (a mitigation); no other chicken bit. */
static bool de_cfg_wr(struct vcpu *v, u32 msr, u64 val)
{
	u64 cur;

	(void)v;
	return !rdmsr_safe(msr, &cur) && !((val ^ cur) & ~DE_CFG_LFENCE_SERIALIZE);
}

/*
 * DEBUGCTL: LBR and the branch/PMC freeze bits would record or expose
 * the hypervisor's own branches (the CPU has no LBR virtualisation
 * here); BTF (single-step on branches, PTRACE_SINGLEBLOCK) is all Linux
 * sets, and it only matters with the guest's own RFLAGS.TF.
 */
static bool debugctl_wr(struct vcpu *v, u32 msr, u64 val)
{
	(void)v;
	(void)msr;
	return !(val & ~DEBUGCTL_BTF);
}

/*
 * MCG_STATUS: Linux writes 0 when it has handled a machine check.  A
 * write may clear bits, never set them: MCIP set by the guest would turn
 * the next real machine check, in the hypervisor too, into a shutdown,
 * which the platform makes a reset that nothing scrubs before.
 */
static bool mcg_status_wr(struct vcpu *v, u32 msr, u64 val)
{
	u64 now;

	(void)v;
	return !rdmsr_safe(msr, &now) && !(val & ~now);
}

/*
 * PERF_CTLn: a counter the guest programs counts in guest mode only
 * (GuestOnly set, HostOnly clear), so it never counts the hypervisor's
 * events.  Asking for host-only counting (HostOnly without GuestOnly) is
 * asking to watch the hypervisor: #GP.  Linux without KVM never sets
 * either bit (it strips HostOnly while SVM is off).  In the 0xc0010200
 * range the control registers are the even MSRs; the counters between
 * them go to the CPU as written.
 */
static bool perf_wr(struct vcpu *v, u32 msr, u64 val)
{
	(void)v;
	if (msr >= 0xc0010200 && (msr & 1))
		return !wrmsr_safe(msr, val);
	if ((val & (PERF_CTL_HOSTONLY | PERF_CTL_GUESTONLY)) == PERF_CTL_HOSTONLY)
		return false;
	return !wrmsr_safe(msr, (val & ~PERF_CTL_HOSTONLY) | PERF_CTL_GUESTONLY);
}

/* ---- the table ---- */

#define PASS(a, b, ha)		{ a, b, RD_PASS, WR_PASS, ha, NULL, NULL }
#define RDONLY(a, b)		{ a, b, RD_PASS, WR_GP, false, NULL, NULL }
#define FILTER(a, b, fn)	{ a, b, RD_PASS, WR_FILTER, false, NULL, fn }
#define DENY(a, b)		{ a, b, RD_GP, WR_GP, false, NULL, NULL }
/* LVT entries: no SMI, INIT or STARTUP delivery (arch/apic_filter.h). */
#define LVT(a, b)		{ a, b, RD_PASS, WR_EMULATE, false, NULL, lvt_wr }

static const struct msr_rule rules[] = {
	RDONLY(0x00000010, 0x00000010),		/* TSC: the hypervisor's clock too */
	{ 0x0000001b, 0x0000001b, RD_PASS, WR_EMULATE, false, NULL, apic_base_wr },
	RDONLY(0x00000034, 0x00000034),		/* SMI_COUNT: a counter (turbostat; the SMI tests) */
	PASS(0x00000048, 0x00000049, false),	/* SPEC_CTRL, PRED_CMD */
	PASS(0x0000008b, 0x0000008b, true),	/* PATCH_LEVEL / BIOS_SIGN_ID */
	RDONLY(0x000000e7, 0x000000e8),		/* MPERF, APERF */
	RDONLY(0x000000fe, 0x000000fe),		/* MTRRcap */
	PASS(0x00000174, 0x00000176, false),	/* SYSENTER_CS/ESP/EIP: in the VMCB */
	PASS(0x00000179, 0x00000179, false),	/* MCG_CAP (read-only in the CPU) */
	FILTER(0x0000017a, 0x0000017a, mcg_status_wr),	/* MCG_STATUS: bits cleared only */
	PASS(0x0000017b, 0x0000017b, false),	/* MCG_CTL */
	FILTER(0x000001d9, 0x000001d9, debugctl_wr),	/* DEBUGCTL */
	DENY(0x000001db, 0x000001de),		/* LBR from/to, last exception from/to */
	FILTER(0x00000200, 0x0000020f, memmap_wr),	/* variable MTRRs */
	FILTER(0x00000250, 0x00000250, memmap_wr),	/* MTRRfix64K_00000 */
	FILTER(0x00000258, 0x00000259, memmap_wr),	/* MTRRfix16K_80000, _A0000 */
	FILTER(0x00000268, 0x0000026f, memmap_wr),	/* MTRRfix4K_* */
	PASS(0x00000277, 0x00000277, false),	/* PAT: the VMCB's G_PAT under NPT */
	FILTER(0x000002ff, 0x000002ff, memmap_wr),	/* MTRRdefType */
	PASS(0x00000400, 0x0000047f, false),	/* MCi_CTL/STATUS/ADDR/MISC */
	PASS(0x000006e0, 0x000006e0, false),	/* TSC_DEADLINE: the guest's APIC timer */
	PASS(0x00000800, 0x0000082e, false),	/* x2APIC: ID .. ISR/TMR/IRR, ESR */
	LVT(0x0000082f, 0x0000082f),		/* x2APIC LVT CMCI */
	{ 0x00000830, 0x00000830, RD_PASS, WR_EMULATE, false, NULL, x2apic_icr_wr },
	PASS(0x00000831, 0x00000831, false),	/* x2APIC ICR high: unused in x2APIC mode */
	LVT(0x00000832, 0x00000837),		/* x2APIC LVT timer, thermal, perf, LINT0/1, error */
	PASS(0x00000838, 0x0000084f, false),	/* x2APIC: timer counts, divide, SELF_IPI */
	LVT(0x00000850, 0x00000853),		/* x2APIC: AMD's extended LVTs */
	PASS(0x00000854, 0x000008ff, false),	/* x2APIC: the rest of the range */
	{ 0xc0000080, 0xc0000080, RD_EMULATE, WR_EMULATE, false, efer_rd, efer_wr },
	PASS(0xc0000081, 0xc0000084, false),	/* STAR, LSTAR, CSTAR, SFMASK: in the VMCB */
	PASS(0xc0000100, 0xc0000102, false),	/* FS/GS/KERNEL_GS_BASE: in the VMCB */
	PASS(0xc0000103, 0xc0000103, false),	/* TSC_AUX (the CPU number for RDTSCP) */
	/* legacy PERF_CTL0-3: guest-only; PERF_CTR0-3 */
	{ 0xc0010000, 0xc0010003, RD_PASS, WR_EMULATE, false, NULL, perf_wr },
	PASS(0xc0010004, 0xc0010007, false),
	FILTER(0xc0010010, 0xc0010010, memmap_wr),	/* SYSCFG */
	FILTER(0xc0010015, 0xc0010019, memmap_wr),	/* HWCR, IORRBase/Mask0-1 */
	FILTER(0xc001001a, 0xc001001a, memmap_wr),	/* TOP_MEM */
	FILTER(0xc001001d, 0xc001001d, memmap_wr),	/* TOP_MEM2 */
	DENY(0xc0010020, 0xc0010020),		/* PATCH_LOADER: microcode */
	RDONLY(0xc0010058, 0xc0010058),		/* MMIO_CFG_BASE: where ECAM is */
	DENY(0xc0010111, 0xc0010111),		/* SMM_BASE */
	FILTER(0xc0010112, 0xc0010113, memmap_wr),	/* SMM_ADDR, SMM_MASK: TSeg */
	{ 0xc0010114, 0xc0010114, RD_EMULATE, WR_GP, false, vm_cr_rd, NULL },
	DENY(0xc0010116, 0xc0010116),		/* SMM_CTL */
	{ 0xc0010117, 0xc0010117, RD_EMULATE, WR_GP, false, zero_rd, NULL },
	RDONLY(0xc0010140, 0xc0010141),		/* OSVW_ID_LENGTH, OSVW_STATUS */
	/* PERF_CTL0-5 (even: guest-only) / PERF_CTR0-5 (odd) */
	{ 0xc0010200, 0xc001020b, RD_PASS, WR_EMULATE, false, NULL, perf_wr },
	FILTER(0xc0011029, 0xc0011029, de_cfg_wr),	/* DE_CFG */
	DENY(0xc0011030, 0xc001103c),		/* IBS: samples the hypervisor's RIPs and data */
};

static const struct msr_rule *rule_of(u32 msr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (msr >= rules[i].first && msr <= rules[i].last)
			return &rules[i];
	return NULL;
}

void msr_policy_init(void)
{
	rdmsr_safe(MSR_MTRR_DEF_TYPE, &mtrr_def_at_launch);
	efer_valid = efer_valid_bits();
}

void msr_for_each_pass(void (*pass)(u32 first, u32 last, bool read, bool write,
				    void *ctx), void *ctx)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].rd == RD_PASS || rules[i].wr == WR_PASS)
			pass(rules[i].first, rules[i].last, rules[i].rd == RD_PASS,
			     rules[i].wr == WR_PASS, ctx);
}

/*
 * A hypapp's default is the CPU's own access, so only rows that pass
 * both ways may be subscribed, and only those the rule marks (not the
 * ones the VMCB holds, whose RDMSR in the hypervisor would read its own).
 */
bool msr_hypapp_may_subscribe(u32 msr)
{
	const struct msr_rule *r = rule_of(msr);

	return r && r->hypapp && r->rd == RD_PASS && r->wr == WR_PASS;
}

/* Each refused MSR number once: a guest that loops cannot flood the log. */
#define LOGGED_MAX	64
static u32 logged[LOGGED_MAX];
static unsigned int nlogged;
static spinlock_t logged_lock;

static void refuse(struct vcpu *v, u32 msr, bool write, u64 val, bool listed)
{
	unsigned int i;
	bool first = true;

	spin_lock(&logged_lock);
	for (i = 0; i < nlogged; i++)
		if (logged[i] == msr)
			first = false;
	if (first && nlogged < LOGGED_MAX)
		logged[nlogged++] = msr;
	spin_unlock(&logged_lock);
	if (first && !listed)
		hv_log("xmhf: guest %s of MSR 0x%x refused: not on the allow-list: #GP (logged once)\n",
		       write ? "write" : "read", msr);
	else if (first && write)
		hv_log("xmhf: guest write of 0x%lx to MSR 0x%x refused: #GP (logged once)\n",
		       val, msr);
	else if (first)
		hv_log("xmhf: guest read of MSR 0x%x refused: #GP (logged once)\n", msr);
	vcpu_inject_gp(v, 0);
}

static bool do_read(struct vcpu *v, const struct msr_rule *r, u32 msr, u64 *val)
{
	switch (r->rd) {
	case RD_PASS:	/* subscribed by a hypapp that left it to us */
		return !rdmsr_safe(msr, val);
	case RD_EMULATE:
		return r->rdfn(v, msr, val);
	default:
		return false;
	}
}

static bool do_write(struct vcpu *v, const struct msr_rule *r, u32 msr, u64 val)
{
	switch (r->wr) {
	case WR_PASS:
		return !wrmsr_safe(msr, val);
	case WR_FILTER:
		return r->wrfn(v, msr, val) && !wrmsr_safe(msr, val);
	case WR_EMULATE:
		return r->wrfn(v, msr, val);
	default:
		return false;
	}
}

void msr_exit(struct vcpu *v, bool write)
{
	u32 msr = (u32)v->regs.rcx;
	u64 val = (v->regs.rdx << 32) | (u32)vcpu_rax(v);
	const struct msr_rule *r = rule_of(msr);
	struct ha_event_info e = { .type = HA_EV_MSR, .msr = { msr, write, val } };

	if (!r) {
		refuse(v, msr, write, val, false);
		return;
	}
	/* Subscriptions were checked against the table (hub.c, check_sub). */
	if (msr_hypapp_may_subscribe(msr) && hub_dispatch(v, &e) != HA_DEFAULT)
		return;
	if (write ? !do_write(v, r, msr, val) : !do_read(v, r, msr, &val)) {
		refuse(v, msr, write, val, true);
		return;
	}
	if (!write) {
		vcpu_set_rax(v, (u32)val);
		v->regs.rdx = val >> 32;
	}
	vcpu_skip_exit_insn(v);
}
