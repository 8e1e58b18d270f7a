// SPDX-License-Identifier: GPL-2.0
/* hv/arch/x86/cr.c: the checks of an emulated MOV to CR0/CR3/CR4. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/x86.h>
#include <arch/cr.h>

#define CR4_ALL	(X86_CR4_PAE | X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_PCIDE | \
		 X86_CR4_OSXSAVE | X86_CR4_FSGSBASE | X86_CR4_LA57)

/* Linux in 64-bit mode: paging, PAE, long mode active. */
static struct cr_state lm(void)
{
	struct cr_state st = {
		.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG,
		.cr3 = 0x1000, .cr4 = X86_CR4_PAE | X86_CR4_PGE,
		.efer = EFER_LME | EFER_LMA | EFER_SCE | EFER_NXE | EFER_SVME,
		.code64 = true, .phys_bits = 40, .cr4_valid = CR4_ALL,
	};
	return st;
}

/* PCID's no-flush bit: taken off with PCIDE, #GP (reserved) without. */
static void test_cr3_noflush(void **state)
{
	struct cr_state st = lm();

	(void)state;
	assert_int_equal(cr_write(&st, 3, BIT(63) | 0x2000), -1);
	assert_int_equal(st.cr3, 0x1000);
	st.cr4 |= X86_CR4_PCIDE;
	assert_int_equal(cr_write(&st, 3, BIT(63) | 0x2005), 0);
	assert_int_equal(st.cr3, 0x2005);
	assert_int_equal(cr_write(&st, 3, BIT(40) | 0x2000), -1);	/* beyond phys_bits */
	assert_int_equal(cr_write(&st, 3, BIT(39) | 0x2000), 0);
}

static void test_cr0(void **state)
{
	struct cr_state st = lm();
	u64 cr0 = st.cr0;

	(void)state;
	assert_int_equal(cr_write(&st, 0, cr0 | BIT(32)), -1);		/* MBZ */
	assert_int_equal(cr_write(&st, 0, cr0 & ~(u64)X86_CR0_PE), -1);	/* PG without PE */
	assert_int_equal(cr_write(&st, 0, cr0 | X86_CR0_NW), -1);	/* NW without CD */
	assert_int_equal(cr_write(&st, 0, cr0 & ~(u64)X86_CR0_PG), -1);	/* paging off in 64-bit code */
	assert_int_equal(st.cr0, cr0);
	assert_int_equal(cr_write(&st, 0, (cr0 | X86_CR0_CD | X86_CR0_NW | X86_CR0_TS) & ~(u64)X86_CR0_ET), 0);
	assert_true(st.cr0 & X86_CR0_ET);				/* fixed at 1 */
	assert_int_equal(cr0_after_clts(st.cr0) & X86_CR0_TS, 0);
	/* LMSW: the low four bits, PE never cleared. */
	assert_int_equal(cr0_after_lmsw(X86_CR0_PE | X86_CR0_TS | X86_CR0_PG, 0x2),
			 X86_CR0_PE | X86_CR0_MP | X86_CR0_PG);
	assert_int_equal(cr0_after_lmsw(X86_CR0_ET, 0xffff), X86_CR0_ET | 0xf);
}

/* An AP on its way to long mode: LMA follows PG with LME, PAE first. */
static void test_cr0_long_mode_entry(void **state)
{
	struct cr_state st = { .cr0 = X86_CR0_PE | X86_CR0_ET, .efer = EFER_LME,
			       .code64 = false, .phys_bits = 40, .cr4_valid = CR4_ALL };

	(void)state;
	assert_int_equal(cr_write(&st, 0, st.cr0 | X86_CR0_PG), -1);	/* no PAE yet */
	assert_int_equal(cr_write(&st, 4, X86_CR4_PAE), 0);
	assert_int_equal(cr_write(&st, 0, BIT(40) | st.cr0 | X86_CR0_PG), 0);	/* 32-bit operand */
	assert_true(st.efer & EFER_LMA);
	assert_int_equal(st.cr0 >> 32, 0);
}

static void test_cr4(void **state)
{
	struct cr_state st = lm();

	(void)state;
	assert_int_equal(cr_write(&st, 4, st.cr4 | X86_CR4_VMXE), -1);	/* not implemented here */
	assert_int_equal(cr_write(&st, 4, st.cr4 | BIT(31)), -1);	/* reserved */
	assert_int_equal(cr_write(&st, 4, st.cr4 & ~(u64)X86_CR4_PAE), -1);
	assert_int_equal(cr_write(&st, 4, st.cr4 | X86_CR4_LA57), -1);	/* in long mode */
	st.cr3 = 0x1001;
	assert_int_equal(cr_write(&st, 4, st.cr4 | X86_CR4_PCIDE), -1);	/* PCID not 0 */
	st.cr3 = 0x1000;
	assert_int_equal(cr_write(&st, 4, st.cr4 | X86_CR4_PCIDE | X86_CR4_OSXSAVE), 0);
	assert_int_equal(cr_write(&st, 7, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cr3_noflush), cmocka_unit_test(test_cr0),
		cmocka_unit_test(test_cr0_long_mode_entry), cmocka_unit_test(test_cr4),
	};

	return cmocka_run_group_tests_name("cr", tests, NULL, NULL);
}
