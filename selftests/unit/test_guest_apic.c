// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's APIC MSR handlers (hv/core/guest_apic.c): IA32_APIC_BASE
 * writes and the x2APIC ICR, with INIT and SIPI virtualised, against a
 * CPU played here: its IA32_APIC_BASE with the architectural transition
 * rules, an x2APIC ICR that faults on reserved bits, an xAPIC ICR, and
 * four vCPUs whose INIT/SIPI state the handlers change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/x86.h>
#include <core/guest_apic.h>
#include <core/icr.h>
#include <core/lapic.h>
#include <core/log.h>
#include <core/smp.h>
#include <xmhf/hypercall.h>

#define XAPIC_PAGE	0xfee00000ull

/* ---- the CPU */
static u64 apic_base;		/* IA32_APIC_BASE as the CPU holds it */
static unsigned int msr_writes;	/* WRMSRs that reached the CPU, faulting or not */
static u64 icr_msr;		/* the last x2APIC ICR value the CPU took */
static unsigned int icr_msr_writes;
static u32 xapic_icr_lo;
static unsigned int xapic_writes;
static char logged[256];

/* The transitions the SDM (10.12.5) and the APM (16.3.1) allow. */
static bool apic_base_ok(u64 cur, u64 val)
{
	bool en = val & APIC_BASE_EN, extd = val & APIC_BASE_EXTD;

	if (val & (0xffull | BIT(9) | ~0x000fffffffffffffull))	/* reserved */
		return false;
	if (extd && !en)
		return false;			/* invalid state */
	if ((cur & APIC_BASE_EXTD) && en && !extd)
		return false;			/* x2APIC -> xAPIC: disable first */
	if (!(cur & APIC_BASE_EN) && extd)
		return false;			/* disabled -> x2APIC: xAPIC first */
	return true;
}

u64 test_rdmsr(u32 msr)
{
	assert_int_equal(msr, MSR_IA32_APIC_BASE);
	return apic_base;
}

static u32 lvt_msr, lvt_writes;
static u64 lvt_val;

int test_wrmsr_safe(u32 msr, u64 val)
{
	msr_writes++;
	if (msr == MSR_IA32_APIC_BASE) {
		if (!apic_base_ok(apic_base, val))
			return -1;
		apic_base = val;
		return 0;
	}
	if (msr >= 0x82f && msr <= 0x853 && msr != MSR_X2APIC_ICR) {
		lvt_msr = msr;
		lvt_val = val;
		lvt_writes++;
		return 0;
	}
	assert_int_equal(msr, MSR_X2APIC_ICR);
	/* x2APIC ICR bits 13:12, 17:16 and 31:20 are reserved. */
	if ((u32)val & 0xfff33000u)
		return -1;
	icr_msr = val;
	icr_msr_writes++;
	return 0;
}

bool lapic_x2apic(void)
{
	return apic_base & APIC_BASE_EXTD;
}

void lapic_write(u32 off, u32 val)
{
	assert_int_equal(off, APIC_ICR_LO);
	xapic_icr_lo = val;
	xapic_writes++;
}

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(logged, sizeof(logged), fmt, ap);
	va_end(ap);
}

/* ---- the vCPUs: 0 sends; 1 in the guest; 2 waits for SIPI; 3 absent */
static struct vcpu vcpus[4];
static unsigned int kicks[4];
spinlock_t smp_start_lock;

unsigned int smp_count(void)
{
	return 4;
}

struct vcpu *smp_vcpu(unsigned int i)
{
	return i < 4 ? &vcpus[i] : NULL;
}

bool vcpu_live(const struct vcpu *v)
{
	return v->state == XMHF_CPU_WAIT_SIPI || v->state == XMHF_CPU_GUEST;
}

void smp_kick(struct vcpu *t)
{
	kicks[t->index]++;
}

static int setup(void **state)
{
	static const u32 st[4] = { XMHF_CPU_GUEST, XMHF_CPU_GUEST,
				   XMHF_CPU_WAIT_SIPI, XMHF_CPU_ABSENT };
	unsigned int i;

	(void)state;
	memset(vcpus, 0, sizeof(vcpus));
	memset(kicks, 0, sizeof(kicks));
	for (i = 0; i < 4; i++) {
		vcpus[i].index = i;
		vcpus[i].apic_id = i;
		vcpus[i].state = st[i];
	}
	apic_base = XAPIC_PAGE | APIC_BASE_EN | APIC_BASE_BSP;
	msr_writes = icr_msr_writes = xapic_writes = 0;
	icr_msr = 0;
	xapic_icr_lo = 0;
	logged[0] = 0;
	return 0;
}

static void x2apic_on(void)
{
	apic_base |= APIC_BASE_EXTD;
}

/* Nothing reached any vCPU. */
static void no_vcpu_changed(void)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		assert_false(vcpus[i].init_req);
		assert_int_equal(vcpus[i].sipi, 0);
		assert_int_equal(kicks[i], 0);
	}
}

/* ---- IA32_APIC_BASE */

static void test_base_same_value_passes(void **state)
{
	u64 v = apic_base;

	(void)state;
	assert_true(guest_apic_base_write(v));
	assert_int_equal(msr_writes, 1);
	assert_int_equal(apic_base, v);
}

static void test_base_move_refused(void **state)
{
	u64 v = apic_base;

	(void)state;
	assert_false(guest_apic_base_write((v & ~APIC_BASE_ADDR_MASK) | 0xfed00000));
	assert_false(guest_apic_base_write(v | 0x100000000ull));	/* above 4 GiB */
	assert_false(guest_apic_base_write(v ^ 0x1000));		/* one page up */
	assert_int_equal(msr_writes, 0);	/* the CPU never saw them */
	assert_int_equal(apic_base, v);
}

static void test_base_disable_refused(void **state)
{
	u64 v = apic_base;

	(void)state;
	assert_false(guest_apic_base_write(v & ~APIC_BASE_EN));
	assert_false(guest_apic_base_write(0));
	assert_int_equal(msr_writes, 0);
	/* From x2APIC mode too: the APIC stays on, so x2APIC stays on. */
	x2apic_on();
	v = apic_base;
	assert_false(guest_apic_base_write(v & ~(APIC_BASE_EN | APIC_BASE_EXTD)));
	assert_int_equal(msr_writes, 0);
	assert_int_equal(apic_base, v);
}

static void test_base_x2apic_enable(void **state)
{
	(void)state;
	assert_false(lapic_x2apic());
	assert_true(guest_apic_base_write(apic_base | APIC_BASE_EXTD));
	assert_int_equal(msr_writes, 1);
	assert_true(lapic_x2apic());
	/* Writing it again in x2APIC mode is fine. */
	assert_true(guest_apic_base_write(apic_base));
}

/* x2APIC -> xAPIC directly: passed on, and the CPU's #GP is the guest's. */
static void test_base_x2apic_to_xapic_faults(void **state)
{
	u64 v;

	(void)state;
	x2apic_on();
	v = apic_base;
	assert_false(guest_apic_base_write(v & ~APIC_BASE_EXTD));
	assert_int_equal(msr_writes, 1);
	assert_int_equal(apic_base, v);
	assert_true(lapic_x2apic());
}

/* Bits the handler does not look at are the CPU's to refuse or take. */
static void test_base_other_bits_to_the_cpu(void **state)
{
	u64 v = apic_base;

	(void)state;
	assert_false(guest_apic_base_write(v | BIT(9)));		/* reserved */
	assert_int_equal(msr_writes, 1);
	assert_int_equal(apic_base, v);
	assert_true(guest_apic_base_write(v & ~APIC_BASE_BSP));	/* BSP flag */
	assert_int_equal(msr_writes, 2);
	assert_int_equal(apic_base, v & ~APIC_BASE_BSP);
}

/* ---- x2APIC ICR */

static void test_icr_outside_x2apic_faults(void **state)
{
	(void)state;
	assert_false(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | 0x4500));
	assert_false(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | 0x00fd));
	assert_int_equal(msr_writes, 0);
	assert_int_equal(xapic_writes, 0);
	no_vcpu_changed();
}

/* Linux's INIT, de-assert, SIPI, SIPI to APIC 1, which runs the guest. */
static void test_icr_init_sipi(void **state)
{
	(void)state;
	x2apic_on();
	assert_true(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | 0xc500));
	assert_true(vcpus[1].init_req);
	assert_int_equal(kicks[1], 1);		/* out of guest mode */
	assert_true(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | 0x8500));
	assert_int_equal(kicks[1], 1);		/* the de-assert does nothing */
	assert_true(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | 0x069a));
	assert_int_equal(vcpus[1].sipi, VCPU_SIPI_VALID | 0x9a);
	/* The second SIPI of the sequence leaves the first one's vector. */
	assert_true(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | 0x069b));
	assert_int_equal(vcpus[1].sipi, VCPU_SIPI_VALID | 0x9a);
	/* None of it reached the CPU's ICR; nobody else was touched. */
	assert_int_equal(icr_msr_writes, 0);
	assert_false(vcpus[2].init_req);
	assert_int_equal(vcpus[2].sipi, 0);
	assert_int_equal(kicks[0] + kicks[2] + kicks[3], 0);
}

/* A CPU that waits for SIPI starts; one running the guest ignores SIPI. */
static void test_icr_sipi_needs_wait(void **state)
{
	(void)state;
	x2apic_on();
	assert_true(guest_x2apic_icr_write(&vcpus[0], 2ull << 32 | 0x0610));
	assert_int_equal(vcpus[2].sipi, VCPU_SIPI_VALID | 0x10);
	assert_true(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | 0x0610));
	assert_int_equal(vcpus[1].sipi, 0);
	/* An INIT voids a SIPI still pending on a waiting CPU, no kick needed. */
	assert_true(guest_x2apic_icr_write(&vcpus[0], 2ull << 32 | 0x4500));
	assert_int_equal(vcpus[2].sipi, 0);
	assert_false(vcpus[2].init_req);
	assert_int_equal(kicks[2], 0);
}

/* No CPU can INIT or start itself; an absent CPU is left alone. */
static void test_icr_self_and_absent(void **state)
{
	(void)state;
	x2apic_on();
	assert_true(guest_x2apic_icr_write(&vcpus[0], 0ull << 32 | 0x4500));
	assert_true(guest_x2apic_icr_write(&vcpus[0], ICR_SH_SELF | 0x4500));
	assert_true(guest_x2apic_icr_write(&vcpus[0], 0ull << 32 | 0x0620));
	assert_true(guest_x2apic_icr_write(&vcpus[0], 3ull << 32 | 0x4500));
	assert_true(guest_x2apic_icr_write(&vcpus[0], 3ull << 32 | 0x0620));
	no_vcpu_changed();
	assert_int_equal(icr_msr_writes, 0);
}

/* All-but-self and the broadcast ID reach every other live CPU. */
static void test_icr_broadcast(void **state)
{
	(void)state;
	x2apic_on();
	assert_true(guest_x2apic_icr_write(&vcpus[0], ICR_SH_OTHERS | 0x4500));
	assert_true(vcpus[1].init_req);
	assert_int_equal(kicks[1], 1);
	assert_false(vcpus[0].init_req);
	assert_false(vcpus[3].init_req);
	setup(state);
	x2apic_on();
	assert_true(guest_x2apic_icr_write(&vcpus[1], 0xffffffffull << 32 | 0x0630));
	assert_int_equal(vcpus[2].sipi, VCPU_SIPI_VALID | 0x30);
	assert_int_equal(vcpus[0].sipi, 0);	/* runs the guest */
	assert_int_equal(vcpus[1].sipi, 0);	/* the sender */
	assert_int_equal(vcpus[3].sipi, 0);	/* absent */
}

static void test_icr_logical_dropped(void **state)
{
	(void)state;
	x2apic_on();
	assert_true(guest_x2apic_icr_write(&vcpus[0], 2ull << 32 | ICR_DEST_LOGICAL_BIT | 0x4500));
	assert_true(guest_x2apic_icr_write(&vcpus[0], 2ull << 32 | ICR_DEST_LOGICAL_BIT | 0x0640));
	no_vcpu_changed();
	assert_int_equal(icr_msr_writes, 0);
	assert_non_null(strstr(logged, "logical destination mode dropped"));
}

/* Every other IPI goes to the CPU's ICR whole; its reserved bits fault there. */
static void test_icr_other_ipis_pass(void **state)
{
	(void)state;
	x2apic_on();
	assert_true(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | 0x40fd));	/* fixed */
	assert_int_equal(icr_msr, 1ull << 32 | 0x40fd);
	assert_true(guest_x2apic_icr_write(&vcpus[0], 2ull << 32 | 0x4400));	/* NMI */
	assert_int_equal(icr_msr, 2ull << 32 | 0x4400);
	assert_true(guest_x2apic_icr_write(&vcpus[0], ICR_SH_OTHERS | 0x40f2));
	assert_int_equal(icr_msr, ICR_SH_OTHERS | 0x40f2);
	assert_int_equal(icr_msr_writes, 3);
	assert_false(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | BIT(13) | 0x40fd));
	assert_false(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | BIT(20) | 0x40fd));
	assert_int_equal(icr_msr_writes, 3);
	no_vcpu_changed();
}

/* SMI and the reserved modes never reach the APIC, by MSR or page. */
static void test_icr_smi_refused(void **state)
{
	(void)state;
	logged[0] = 0;
	assert_int_equal(smp_guest_icr(&vcpus[0], 0x4200, 0, false), 0);	/* SMI, xAPIC */
	assert_int_equal(smp_guest_icr(&vcpus[0], ICR_SH_SELF | 0x4200, 0, false), 0);
	assert_int_equal(xapic_writes, 0);
	assert_non_null(strstr(logged, "refused"));
	x2apic_on();
	assert_true(guest_x2apic_icr_write(&vcpus[0], 0x4200));		/* to APIC 0 */
	assert_true(guest_x2apic_icr_write(&vcpus[0], ICR_SH_OTHERS | 0x4200));
	assert_true(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | 0x4700));	/* 111 */
	assert_true(guest_x2apic_icr_write(&vcpus[0], 1ull << 32 | 0x4300));	/* 011 */
	assert_int_equal(icr_msr_writes, 0);
	no_vcpu_changed();
}

/* The LVT MSRs: SMI/INIT refused with #GP; Linux's values written. */
static void test_lvt_msrs(void **state)
{
	(void)state;
	lvt_writes = 0;
	assert_false(guest_x2apic_lvt_write(0x835, 0x700));	/* xAPIC mode: no MSR */
	x2apic_on();
	assert_false(guest_x2apic_lvt_write(0x832, 0x2ef));	/* timer, SMI */
	assert_false(guest_x2apic_lvt_write(0x835, 0x10500));	/* LINT0, INIT, masked */
	assert_false(guest_x2apic_lvt_write(0x834, 0x200));	/* perf, SMI */
	assert_false(guest_x2apic_lvt_write(0x830, 0x4fd));	/* not an LVT */
	assert_int_equal(lvt_writes, 0);
	assert_true(guest_x2apic_lvt_write(0x835, 0x700));	/* ExtINT */
	assert_int_equal(lvt_msr, 0x835);
	assert_true(guest_x2apic_lvt_write(0x834, 0x400));	/* perf NMI */
	assert_true(guest_x2apic_lvt_write(0x832, 0x400ec));	/* TSC deadline */
	assert_int_equal(lvt_writes, 3);
	assert_int_equal(lvt_val, 0x400ec);
	/* The xAPIC page's check. */
	assert_false(guest_lvt_write_ok(0x320, 0x2ef));
	assert_false(guest_lvt_write_ok(0x360, 0x500));
	assert_true(guest_lvt_write_ok(0x360, 0x400));
	assert_true(guest_lvt_write_ok(0x300, 0x500));	/* the ICR: not the LVT filter's */
}

/* The xAPIC ICR (decoded from the MOV to the page) takes the same path. */
static void test_xapic_icr(void **state)
{
	(void)state;
	assert_int_equal(smp_guest_icr(&vcpus[0], 0x40fd, 1u << 24, false), 0);
	assert_int_equal(xapic_icr_lo, 0x40fd);
	assert_int_equal(xapic_writes, 1);
	assert_int_equal(smp_guest_icr(&vcpus[0], 0xc500, 1u << 24, false), 0);
	assert_true(vcpus[1].init_req);
	assert_int_equal(smp_guest_icr(&vcpus[0], 0x0650, 2u << 24, false), 0);
	assert_int_equal(vcpus[2].sipi, VCPU_SIPI_VALID | 0x50);
	assert_int_equal(xapic_writes, 1);
	assert_int_equal(msr_writes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_base_same_value_passes, setup),
		cmocka_unit_test_setup(test_base_move_refused, setup),
		cmocka_unit_test_setup(test_base_disable_refused, setup),
		cmocka_unit_test_setup(test_base_x2apic_enable, setup),
		cmocka_unit_test_setup(test_base_x2apic_to_xapic_faults, setup),
		cmocka_unit_test_setup(test_base_other_bits_to_the_cpu, setup),
		cmocka_unit_test_setup(test_icr_outside_x2apic_faults, setup),
		cmocka_unit_test_setup(test_icr_init_sipi, setup),
		cmocka_unit_test_setup(test_icr_sipi_needs_wait, setup),
		cmocka_unit_test_setup(test_icr_self_and_absent, setup),
		cmocka_unit_test_setup(test_icr_broadcast, setup),
		cmocka_unit_test_setup(test_icr_logical_dropped, setup),
		cmocka_unit_test_setup(test_icr_other_ipis_pass, setup),
		cmocka_unit_test_setup(test_xapic_icr, setup),
		cmocka_unit_test_setup(test_icr_smi_refused, setup),
		cmocka_unit_test_setup(test_lvt_msrs, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
