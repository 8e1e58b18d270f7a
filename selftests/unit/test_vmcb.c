// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for arch/svm/vmcb.h and svm_exit_name().  The header
 * already asserts every offset at compile time; these tests restate the
 * key ones from the APM's tables so a wrong edit to both the struct and
 * its assert still fails, and they exercise the intercept helpers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <arch/svm/vmcb.h>

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct vmcb), 4096);
	assert_int_equal(sizeof(struct vmcb_control_area), 0x400);
	assert_int_equal(sizeof(struct vmcb_seg), 16);
	assert_int_equal(offsetof(struct vmcb, save), 0x400);
}

#define OFF(f)	offsetof(struct vmcb, f)

static void test_control_offsets(void **state)
{
	(void)state;
	assert_int_equal(OFF(control.intercepts[INTERCEPT_CR]), 0x000);
	assert_int_equal(OFF(control.intercepts[INTERCEPT_WORD3]), 0x00c);
	assert_int_equal(OFF(control.intercepts[INTERCEPT_WORD4]), 0x010);
	assert_int_equal(OFF(control.iopm_base_pa), 0x040);
	assert_int_equal(OFF(control.msrpm_base_pa), 0x048);
	assert_int_equal(OFF(control.tsc_offset), 0x050);
	assert_int_equal(OFF(control.asid), 0x058);
	assert_int_equal(OFF(control.tlb_ctl), 0x05c);
	assert_int_equal(OFF(control.int_ctl), 0x060);
	assert_int_equal(OFF(control.exit_code), 0x070);
	assert_int_equal(OFF(control.exit_info_1), 0x078);
	assert_int_equal(OFF(control.exit_info_2), 0x080);
	assert_int_equal(OFF(control.exit_int_info), 0x088);
	assert_int_equal(OFF(control.nested_ctl), 0x090);
	assert_int_equal(OFF(control.event_inj), 0x0a8);
	assert_int_equal(OFF(control.nested_cr3), 0x0b0);
	assert_int_equal(OFF(control.clean), 0x0c0);
	assert_int_equal(OFF(control.next_rip), 0x0c8);
	assert_int_equal(OFF(control.insn_bytes), 0x0d1);
}

static void test_save_offsets(void **state)
{
	(void)state;
	assert_int_equal(OFF(save.es), 0x400);
	assert_int_equal(OFF(save.cs), 0x410);
	assert_int_equal(OFF(save.tr), 0x490);
	assert_int_equal(OFF(save.cpl), 0x4cb);
	assert_int_equal(OFF(save.efer), 0x4d0);
	assert_int_equal(OFF(save.cr4), 0x548);
	assert_int_equal(OFF(save.cr3), 0x550);
	assert_int_equal(OFF(save.cr0), 0x558);
	assert_int_equal(OFF(save.rflags), 0x570);
	assert_int_equal(OFF(save.rip), 0x578);
	assert_int_equal(OFF(save.rsp), 0x5d8);
	assert_int_equal(OFF(save.rax), 0x5f8);
	assert_int_equal(OFF(save.star), 0x600);
	assert_int_equal(OFF(save.kernel_gs_base), 0x620);
	assert_int_equal(OFF(save.sysenter_eip), 0x638);
	assert_int_equal(OFF(save.cr2), 0x640);
	assert_int_equal(OFF(save.g_pat), 0x668);
	assert_int_equal(OFF(save.dbgctl), 0x670);
}

/* Intercept bit n lands in byte n / 8 of the control area. */
static void test_intercept_helpers(void **state)
{
	struct vmcb v;
	const u8 *raw = (const u8 *)&v;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.control.clean = ~0U;
	vmcb_set_intercept(&v.control, INTERCEPT_CPUID);	/* 0x00C bit 18 */
	assert_int_equal(raw[0x00e], 1 << 2);
	assert_int_equal(v.control.clean & VMCB_CLEAN_INTERCEPTS, 0);
	vmcb_set_intercept(&v.control, INTERCEPT_VMMCALL);	/* 0x010 bit 1 */
	assert_int_equal(raw[0x010], 1 << 1);
	vmcb_set_intercept(&v.control, INTERCEPT_EXCP(14));	/* 0x008 bit 14 */
	assert_int_equal(raw[0x009], 1 << 6);
	vmcb_set_intercept(&v.control, INTERCEPT_CR_WRITE(3));	/* 0x000 bit 19 */
	assert_int_equal(raw[0x002], 1 << 3);
	assert_true(vmcb_is_intercept(&v.control, INTERCEPT_CPUID));
	vmcb_clr_intercept(&v.control, INTERCEPT_CPUID);
	assert_false(vmcb_is_intercept(&v.control, INTERCEPT_CPUID));
	assert_int_equal(raw[0x00e], 0);
	assert_true(vmcb_is_intercept(&v.control, INTERCEPT_VMMCALL));
	assert_int_equal(INTERCEPT_SHUTDOWN, 127);
	assert_int_equal(INTERCEPT_XSETBV, 128 + 13);
}

/* 64-bit code and flat data descriptors as the host GDT has them. */
static void test_attrib_from_desc(void **state)
{
	(void)state;
	assert_int_equal(vmcb_attrib_from_desc(0x00af9b000000ffffUL), 0xa9b);
	assert_int_equal(vmcb_attrib_from_desc(0x00cf93000000ffffUL), 0xc93);
}

static void test_exit_names(void **state)
{
	(void)state;
	assert_string_equal(svm_exit_name(SVM_EXIT_READ_CR0), "read_cr0");
	assert_string_equal(svm_exit_name(SVM_EXIT_WRITE_CR0 + 15), "write_cr15");
	assert_string_equal(svm_exit_name(SVM_EXIT_WRITE_DR0 + 7), "write_dr7");
	assert_string_equal(svm_exit_name(SVM_EXIT_EXCP_BASE), "excp_de");
	assert_string_equal(svm_exit_name(SVM_EXIT_EXCP_BASE + 14), "excp_pf");
	assert_string_equal(svm_exit_name(SVM_EXIT_LAST_EXCP), "excp_31");
	assert_string_equal(svm_exit_name(SVM_EXIT_INTR), "intr");
	assert_string_equal(svm_exit_name(SVM_EXIT_CPUID), "cpuid");
	assert_string_equal(svm_exit_name(SVM_EXIT_HLT), "hlt");
	assert_string_equal(svm_exit_name(SVM_EXIT_IOIO), "ioio");
	assert_string_equal(svm_exit_name(SVM_EXIT_MSR), "msr");
	assert_string_equal(svm_exit_name(SVM_EXIT_SHUTDOWN), "shutdown");
	assert_string_equal(svm_exit_name(SVM_EXIT_VMMCALL), "vmmcall");
	assert_string_equal(svm_exit_name(SVM_EXIT_XSETBV), "xsetbv");
	assert_string_equal(svm_exit_name(SVM_EXIT_EFER_WRITE_TRAP),
			    "efer_write_trap");
	assert_string_equal(svm_exit_name(SVM_EXIT_CR0_WRITE_TRAP + 4),
			    "write_cr4_trap");
	assert_string_equal(svm_exit_name(SVM_EXIT_IDLE_HLT), "idle_hlt");
	assert_string_equal(svm_exit_name(SVM_EXIT_NPF), "npf");
	assert_string_equal(svm_exit_name(SVM_EXIT_VMGEXIT), "vmgexit");
	assert_string_equal(svm_exit_name((u32)SVM_EXIT_ERR), "invalid");
}

static void test_exit_names_unknown(void **state)
{
	static const u32 codes[] = {
		SVM_EXIT_IDLE_HLT + 1, 0x0ff, 0x3ff, 0x404, 0x1000,
		0x7fffffff, 0xfffffffe,
	};
	u32 i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(codes); i++)
		assert_string_equal(svm_exit_name(codes[i]), "unknown");
	/* Every code has some name: never NULL, never empty. */
	for (i = 0; i < 0x1000; i++) {
		assert_non_null(svm_exit_name(i));
		assert_true(svm_exit_name(i)[0] != '\0');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_control_offsets),
		cmocka_unit_test(test_save_offsets),
		cmocka_unit_test(test_intercept_helpers),
		cmocka_unit_test(test_attrib_from_desc),
		cmocka_unit_test(test_exit_names),
		cmocka_unit_test(test_exit_names_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
