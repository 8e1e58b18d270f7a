// SPDX-License-Identifier: GPL-2.0
/* CPU verdicts (loader-lkm/cpu.c): one clear message and the right errno each. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "mock_platform.h"

static int verdict(void)
{
	struct xmhf_cpu_caps caps;

	xmhf_cpu_probe(&mock_platform, &caps);
	return xmhf_cpu_check(&mock_platform, &caps);
}

static void test_amd_ok(void **state)
{
	struct xmhf_cpu_caps caps;

	(void)state;
	mock_reset(MOCK_AMD_FULL);
	xmhf_cpu_probe(&mock_platform, &caps);
	assert_int_equal(caps.vendor, XMHF_CPU_AMD);
	assert_true(caps.svm && caps.npt && caps.vgif);
	assert_false(caps.nrips || caps.skinit);
	assert_int_equal(caps.phys_addr_bits, 48);
	assert_int_equal(xmhf_cpu_check(&mock_platform, &caps), 0);
	assert_int_equal(mock.log_errors, 0);
}

static void test_no_svm(void **state)
{
	(void)state;
	mock_reset(MOCK_AMD_NO_SVM);
	assert_int_equal(verdict(), -ENODEV);
	assert_int_equal(mock.log_errors, 1);
	assert_non_null(strstr(mock.last_log, "SVM"));
}

static void test_no_npt(void **state)
{
	(void)state;
	mock_reset(MOCK_AMD_NO_NPT);
	assert_int_equal(verdict(), -ENODEV);
	assert_non_null(strstr(mock.last_log, "nested paging"));
}

static void test_svm_disabled(void **state)
{
	(void)state;
	mock_reset(MOCK_AMD_FULL);
	mock.vm_cr = XMHF_VM_CR_SVMDIS;
	assert_int_equal(verdict(), -ENODEV);
	assert_non_null(strstr(mock.last_log, "SVMDIS"));
}

static void test_svm_in_use(void **state)
{
	(void)state;
	mock_reset(MOCK_AMD_FULL);
	mock.efer = XMHF_EFER_SVME;
	assert_int_equal(verdict(), -EBUSY);
	assert_non_null(strstr(mock.last_log, "EFER.SVME"));
}

/* A faulting MSR read reads as "bit clear", never as a crash or a pass by luck. */
static void test_msr_faults(void **state)
{
	struct xmhf_cpu_caps caps;

	(void)state;
	mock_reset(MOCK_AMD_FULL);
	mock.msr_faults = true;
	xmhf_cpu_probe(&mock_platform, &caps);
	assert_false(caps.svm_disabled);
	assert_false(caps.svm_in_use);
}

static void test_intel(void **state)
{
	struct xmhf_cpu_caps caps;

	(void)state;
	mock_reset(MOCK_INTEL_VMX);
	xmhf_cpu_probe(&mock_platform, &caps);
	assert_int_equal(caps.vendor, XMHF_CPU_INTEL);
	assert_true(caps.vmx && caps.ept);
	assert_int_equal(xmhf_cpu_check(&mock_platform, &caps), -ENODEV);
	assert_non_null(strstr(mock.last_log, "VMX"));
}

static void test_other_vendor(void **state)
{
	struct xmhf_cpu_caps caps;

	(void)state;
	mock_reset(MOCK_VIA);
	xmhf_cpu_probe(&mock_platform, &caps);
	assert_int_equal(caps.vendor, XMHF_CPU_OTHER);
	assert_int_equal(xmhf_cpu_check(&mock_platform, &caps), -ENODEV);
	assert_non_null(strstr(mock.last_log, "no hardware virtualization"));
}

static void test_skinit_bit(void **state)
{
	struct xmhf_cpu_caps caps;

	(void)state;
	mock_reset(MOCK_AMD_FULL);
	mock.skinit = true;
	xmhf_cpu_probe(&mock_platform, &caps);
	assert_true(caps.skinit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amd_ok), cmocka_unit_test(test_no_svm),
		cmocka_unit_test(test_no_npt), cmocka_unit_test(test_svm_disabled),
		cmocka_unit_test(test_svm_in_use), cmocka_unit_test(test_msr_faults),
		cmocka_unit_test(test_intel), cmocka_unit_test(test_other_vendor),
		cmocka_unit_test(test_skinit_bit),
	};

	return cmocka_run_group_tests_name("cpu", tests, NULL, NULL);
}
