// SPDX-License-Identifier: GPL-2.0
/*
 * The check before VMRUN (hv/arch/x86/svm/vmrun_guard.c): a world switch
 * whose host save area is the VMCB itself or another CPU's, or a VMCB
 * that carries the host's CR3 or IDT, must not run.  The states below
 * are the ones seen in CI (docs/vmrun-guard.md).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <arch/svm/vmrun_guard.h>

#define HOST_CR3	0x3f414000ull		/* the SL's tables at base + 0x14000 */
#define HOST_IDT	0xffffffffc001a000ull
#define VMCB		0x3f649000ull
#define HSAVE		0x3f64a000ull

/* A guest as Linux runs it: its own CR3 and IDT, this CPU's save area. */
static struct vmrun_guard_state good(void)
{
	struct vmrun_guard_state s = {
		.hsave_msr = HSAVE, .own_hsave = HSAVE, .vmcb_pa = VMCB,
		.guest_cr3 = 0x2a4e000, .host_cr3 = HOST_CR3,
		.guest_idtr = 0xfffffe0000000000ull, .host_idtr = HOST_IDT,
	};
	return s;
}

static void test_linux_runs(void **state)
{
	struct vmrun_guard_state s = good();

	(void)state;
	assert_int_equal(vmrun_guard_judge(&s), VMRUN_GUARD_OK);
	/* An AP just after SIPI: real mode, CR3 and IDTR 0. */
	s.guest_cr3 = 0;
	s.guest_idtr = 0;
	assert_int_equal(vmrun_guard_judge(&s), VMRUN_GUARD_OK);
}

static void test_hsave_is_the_vmcb(void **state)
{
	struct vmrun_guard_state s = good();

	(void)state;
	s.hsave_msr = VMCB;
	assert_int_equal(vmrun_guard_judge(&s), VMRUN_GUARD_HSAVE_IS_VMCB);
}

static void test_hsave_of_another_cpu(void **state)
{
	struct vmrun_guard_state s = good();

	(void)state;
	s.hsave_msr = HSAVE + 11 * 4096;	/* the next AP's, 11 pages on */
	assert_int_equal(vmrun_guard_judge(&s), VMRUN_GUARD_HSAVE_NOT_OURS);
	s.hsave_msr = 0;			/* never set, or reset */
	assert_int_equal(vmrun_guard_judge(&s), VMRUN_GUARD_HSAVE_NOT_OURS);
}

static void test_host_state_in_vmcb(void **state)
{
	struct vmrun_guard_state s = good();

	(void)state;
	s.guest_cr3 = HOST_CR3;
	assert_int_equal(vmrun_guard_judge(&s), VMRUN_GUARD_HOST_CR3);
	s = good();
	s.guest_idtr = HOST_IDT;
	assert_int_equal(vmrun_guard_judge(&s), VMRUN_GUARD_HOST_IDTR);
}

static void test_reasons(void **state)
{
	(void)state;
	assert_string_equal(vmrun_guard_reason(VMRUN_GUARD_OK), "ok");
	assert_string_equal(vmrun_guard_reason(VMRUN_GUARD_HSAVE_IS_VMCB),
			    "VM_HSAVE_PA names the VMCB to run");
	assert_string_equal(vmrun_guard_reason(VMRUN_GUARD_HOST_CR3),
			    "the VMCB holds the host's CR3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_runs),
		cmocka_unit_test(test_hsave_is_the_vmcb),
		cmocka_unit_test(test_hsave_of_another_cpu),
		cmocka_unit_test(test_host_state_in_vmcb),
		cmocka_unit_test(test_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
