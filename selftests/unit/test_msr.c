// SPDX-License-Identifier: GPL-2.0
/*
 * The MSR policy (hv/arch/x86/msr.c), through msr_exit() as an MSR exit
 * reaches it: EFER writes checked the way VMRUN and the CPU would
 * (arch/x86/cr.c, efer_write()), and the AMD PERF_CTL registers kept
 * from counting in host mode.  The CPU's MSRs and the vCPU are played
 * here; XMHF_HOST_TEST routes msr.c's RDMSR/WRMSR to them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

/* The unit under test, whole: its logbuf-once list is reset per test. */
#include "../../hv/arch/x86/msr.c"

#define EFER	0xc0000080u
#define PG	X86_CR0_PG
/* Linux in long mode, as the guest reads EFER (SVME hidden). */
#define LINUX_EFER	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define GO	PERF_CTL_GUESTONLY
#define HO	PERF_CTL_HOSTONLY

/* ---- the vCPU and the CPU */
static struct vcpu vc;
static u64 rax, cr0, efer;	/* efer as the VMCB holds it */
static unsigned int gps, skips;
static struct { u32 msr; u64 val; } hw[8];	/* WRMSRs that reached the CPU */
static unsigned int nhw;
static char logbuf[1024];

u64 vcpu_rax(struct vcpu *v) { (void)v; return rax; }
void vcpu_set_rax(struct vcpu *v, u64 val) { (void)v; rax = val; }
u64 vcpu_efer(struct vcpu *v) { (void)v; return efer; }
void vcpu_set_efer(struct vcpu *v, u64 val) { (void)v; efer = val; }
u64 vcpu_cr0(struct vcpu *v) { (void)v; return cr0; }
void vcpu_inject_gp(struct vcpu *v, u32 error) { (void)v; (void)error; gps++; }
void vcpu_skip_exit_insn(struct vcpu *v) { (void)v; skips++; }
enum ha_result hub_dispatch(struct vcpu *v, const struct ha_event_info *e)
{
	(void)v;
	(void)e;
	return HA_DEFAULT;
}
bool guest_apic_base_write(u64 val) { (void)val; return false; }
bool guest_x2apic_icr_write(struct vcpu *v, u64 val) { (void)v; (void)val; return false; }
bool guest_x2apic_lvt_write(u32 msr, u64 val) { (void)msr; (void)val; return false; }

void hv_log(const char *fmt, ...)
{
	size_t n = strlen(logbuf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(logbuf + n, sizeof(logbuf) - n, fmt, ap);
	va_end(ap);
}

int test_rdmsr_safe(u32 msr, u64 *val)
{
	(void)msr;
	*val = 0;
	return 0;
}

int test_wrmsr_safe(u32 msr, u64 val)
{
	if (nhw < ARRAY_SIZE(hw)) {
		hw[nhw].msr = msr;
		hw[nhw].val = val;
	}
	nhw++;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	memset(&vc, 0, sizeof(vc));
	rax = 0;
	cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | PG;
	efer = LINUX_EFER | EFER_SVME;
	gps = skips = nhw = 0;
	nlogged = 0;	/* msr.c's logged-once list */
	logbuf[0] = '\0';
	msr_policy_init();
	return 0;
}

/* One WRMSR exit: true if it went through (RIP moved), false on #GP. */
static bool wr(u32 msr, u64 val)
{
	unsigned int g = gps, s = skips;

	vc.regs.rcx = msr;
	vc.regs.rdx = val >> 32;
	rax = (u32)val;
	msr_exit(&vc, true);
	assert_int_equal((gps - g) + (skips - s), 1);	/* exactly one outcome */
	return skips != s;
}

static u64 rd(u32 msr)
{
	vc.regs.rcx = msr;
	msr_exit(&vc, false);
	return (vc.regs.rdx << 32) | (u32)rax;
}

static void test_efer_linux(void **state)
{
	(void)state;
	assert_int_equal(rd(EFER), LINUX_EFER);			/* SVME hidden */
	assert_true(wr(EFER, LINUX_EFER));			/* written back unchanged */
	assert_int_equal(efer, LINUX_EFER | EFER_SVME);
	assert_true(wr(EFER, LINUX_EFER & ~EFER_NXE));		/* NXE and SCE are free */
	assert_int_equal(efer, (LINUX_EFER & ~EFER_NXE) | EFER_SVME);
	/* Paging off (the way into long mode): LME may change, SVME stays. */
	cr0 &= ~(u64)PG;
	efer = EFER_SVME;
	assert_true(wr(EFER, EFER_LME | EFER_SCE));
	assert_int_equal(efer, EFER_LME | EFER_SCE | EFER_SVME);
	assert_true(wr(EFER, EFER_SCE));
	assert_int_equal(efer, EFER_SCE | EFER_SVME);
}

static void test_efer_refused(void **state)
{
	const u64 bad[] = {
		LINUX_EFER | EFER_SVME,		/* the hypervisor's */
		LINUX_EFER & ~EFER_LME,		/* LME off with paging on */
		LINUX_EFER & ~EFER_LMA,		/* LMA is the CPU's */
		LINUX_EFER | EFER_TCE,		/* not in this CPU (VMRUN would fail) */
		LINUX_EFER | EFER_LMSLE,
		LINUX_EFER | EFER_FFXSR,
		LINUX_EFER | EFER_AUTOIBRS,
		LINUX_EFER | BIT(16),		/* reserved */
		LINUX_EFER | BIT(63),
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_false(wr(EFER, bad[i]));
		assert_int_equal(efer, LINUX_EFER | EFER_SVME);	/* untouched */
	}
	assert_int_equal(gps, ARRAY_SIZE(bad));
	/* Paging off: LME may go on, but LMA still may not be written. */
	cr0 &= ~(u64)PG;
	efer = EFER_SCE | EFER_SVME;
	assert_false(wr(EFER, EFER_SCE | EFER_LME | EFER_LMA));
	assert_int_equal(efer, EFER_SCE | EFER_SVME);
	assert_non_null(strstr(logbuf, "MSR 0xc0000080 refused"));
	assert_int_equal(nhw, 0);	/* EFER is never the CPU's own WRMSR */
}

static void test_perf_ctl_guest_only(void **state)
{
	const u32 ctl[] = { 0xc0010000, 0xc0010003, 0xc0010200, 0xc001020a };
	const u64 ev = 0x530076;	/* cycles, USR|OS|INT|EN */
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ctl); i++) {
		nhw = 0;
		assert_true(wr(ctl[i], ev));			/* Linux: neither bit */
		assert_true(wr(ctl[i], ev | HO | GO));		/* both: host and guest */
		assert_true(wr(ctl[i], ev | GO));
		assert_int_equal(nhw, 3);
		assert_int_equal(hw[0].msr, ctl[i]);
		assert_int_equal(hw[0].val, ev | GO);
		assert_int_equal(hw[1].val, ev | GO);
		assert_int_equal(hw[2].val, ev | GO);
		/* Host only: what the hypervisor does.  Refused, the CPU untouched. */
		assert_false(wr(ctl[i], ev | HO));
		assert_int_equal(nhw, 3);
	}
	assert_non_null(strstr(logbuf, "MSR 0xc0010000 refused"));
}

/* The counters themselves, and PERF_CTR between the new CTLs, go as written. */
static void test_perf_ctr_as_written(void **state)
{
	const u32 ctr[] = { 0xc0010004, 0xc0010201, 0xc001020b };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ctr); i++) {
		const struct msr_rule *r = rule_of(ctr[i]);

		assert_non_null(r);
		nhw = 0;
		/* A pass row never exits; the exit of a subscribed one passes it on. */
		assert_true(wr(ctr[i], HO | 0x1234));
		assert_int_equal(nhw, 1);
		assert_int_equal(hw[0].val, HO | 0x1234);
	}
	/* The control rows exit on writes (not in the permission map's pass list). */
	assert_int_equal(rule_of(0xc0010000)->wr, WR_EMULATE);
	assert_int_equal(rule_of(0xc0010200)->wr, WR_EMULATE);
	assert_int_equal(rule_of(0xc0000080)->wr, WR_EMULATE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_efer_linux, setup),
		cmocka_unit_test_setup(test_efer_refused, setup),
		cmocka_unit_test_setup(test_perf_ctl_guest_only, setup),
		cmocka_unit_test_setup(test_perf_ctr_as_written, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
