// SPDX-License-Identifier: GPL-2.0
/* The CR/DR/LLDT decoder (hv/core/decode.c) against hand-assembled bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <core/decode.h>

static struct sysinsn d;

#define DEC(...) ({ const u8 b_[] = { __VA_ARGS__ }; decode_sysinsn(b_, sizeof(b_), &d); })

static void test_mov_to_cr(void **state)
{
	(void)state;
	assert_int_equal(DEC(0x0f, 0x22, 0xe7), 0);		/* mov %rdi,%cr4 */
	assert_int_equal(d.kind, SYSINSN_MOV_TO_CR);
	assert_int_equal(d.ctl, 4);
	assert_int_equal(d.gpr, 7);
	assert_int_equal(d.len, 3);
	assert_int_equal(DEC(0x41, 0x0f, 0x22, 0xd8), 0);	/* mov %r8,%cr3 */
	assert_int_equal(d.ctl, 3);
	assert_int_equal(d.gpr, 8);
	assert_int_equal(d.len, 4);
	assert_int_equal(DEC(0x44, 0x0f, 0x22, 0xc0), 0);	/* mov %rax,%cr8 */
	assert_int_equal(d.ctl, 8);
	assert_int_equal(DEC(0xf0, 0x0f, 0x22, 0xc0), 0);	/* lock mov %rax,%cr0 = CR8 */
	assert_int_equal(d.ctl, 8);
}

static void test_mov_from_cr_and_dr(void **state)
{
	(void)state;
	assert_int_equal(DEC(0x0f, 0x20, 0xd8), 0);		/* mov %cr3,%rax */
	assert_int_equal(d.kind, SYSINSN_MOV_FROM_CR);
	assert_int_equal(d.ctl, 3);
	assert_int_equal(d.gpr, 0);
	assert_int_equal(DEC(0x0f, 0x23, 0xf9), 0);		/* mov %rcx,%db7 */
	assert_int_equal(d.kind, SYSINSN_MOV_TO_DR);
	assert_int_equal(d.ctl, 7);
	assert_int_equal(d.gpr, 1);
	assert_int_equal(DEC(0x49, 0x0f, 0x21, 0xc7), 0);	/* mov %db0,%r15 */
	assert_int_equal(d.kind, SYSINSN_MOV_FROM_DR);
	assert_int_equal(d.gpr, 15);
}

static void test_lldt_ltr(void **state)
{
	(void)state;
	assert_int_equal(DEC(0x0f, 0x00, 0xd0), 0);		/* lldt %ax */
	assert_int_equal(d.kind, SYSINSN_LLDT);
	assert_int_equal(d.gpr, 0);
	assert_int_equal(DEC(0x0f, 0x00, 0xdf), 0);		/* ltr %di */
	assert_int_equal(d.kind, SYSINSN_LTR);
	assert_int_equal(d.gpr, 7);
	assert_int_equal(DEC(0x0f, 0x00, 0x10), -1);		/* lldt (%rax): memory */
}

static void test_rejects(void **state)
{
	(void)state;
	assert_int_equal(DEC(0x0f, 0x22, 0xc8), -1);		/* CR1 does not exist */
	assert_int_equal(DEC(0x44, 0x0f, 0x22, 0xc8), -1);	/* CR9 */
	assert_int_equal(DEC(0x0f, 0xa2), -1);			/* cpuid, too short anyway */
	assert_int_equal(DEC(0x0f, 0x01, 0xd9), -1);		/* vmmcall */
	assert_int_equal(DEC(0x90, 0x0f, 0x22, 0xe7), -1);	/* NOP is no prefix */
	assert_int_equal(DEC(0x0f), -1);
	assert_int_equal(decode_sysinsn(NULL, 0, &d), -1);
	assert_int_equal(DEC(0x40, 0x66, 0x0f, 0x22, 0xe7), -1); /* REX not last */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mov_to_cr), cmocka_unit_test(test_mov_from_cr_and_dr),
		cmocka_unit_test(test_lldt_ltr), cmocka_unit_test(test_rejects),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
