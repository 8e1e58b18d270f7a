// SPDX-License-Identifier: GPL-2.0
/* The ICR decoder (hv/core/icr.c) against the values Linux writes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <core/icr.h>

static struct icr_msg m;

static void expect(enum icr_kind kind, enum icr_dest dest, u8 vector, u32 apic_id)
{
	assert_int_equal(m.kind, kind);
	assert_int_equal(m.dest, dest);
	assert_int_equal(m.vector, vector);
	assert_int_equal(m.apic_id, apic_id);
}

/* Linux's INIT, INIT de-assert, SIPI, SIPI to APIC 1 (xAPIC). */
static void test_linux_xapic(void **state)
{
	(void)state;
	icr_decode(0x0000c500, 0x01000000, false, &m);
	expect(ICR_INIT, ICR_DEST_PHYS, 0, 1);
	icr_decode(0x00008500, 0x01000000, false, &m);
	expect(ICR_INIT_DEASSERT, ICR_DEST_PHYS, 0, 1);
	icr_decode(0x0000069a, 0x01000000, false, &m);
	expect(ICR_SIPI, ICR_DEST_PHYS, 0x9a, 1);
	/* Bits 23:0 of ICR high are reserved: ignored. */
	icr_decode(0x0000069a, 0x02abcdef, false, &m);
	expect(ICR_SIPI, ICR_DEST_PHYS, 0x9a, 2);
}

static void test_linux_x2apic(void **state)
{
	(void)state;
	icr_decode(0x0000c500, 1, true, &m);
	expect(ICR_INIT, ICR_DEST_PHYS, 0, 1);
	icr_decode(0x00008500, 1, true, &m);
	expect(ICR_INIT_DEASSERT, ICR_DEST_PHYS, 0, 1);
	icr_decode(0x0000069a, 1, true, &m);
	expect(ICR_SIPI, ICR_DEST_PHYS, 0x9a, 1);
	/* x2APIC IDs are 32 bits: 0x100 is no broadcast. */
	icr_decode(0x0000069a, 0x100, true, &m);
	expect(ICR_SIPI, ICR_DEST_PHYS, 0x9a, 0x100);
	icr_decode(0x0000069a, 0xff, true, &m);
	expect(ICR_SIPI, ICR_DEST_PHYS, 0x9a, 0xff);
}

static void test_init_variants(void **state)
{
	(void)state;
	icr_decode(0x00000500, 0x01000000, false, &m);		/* edge INIT */
	expect(ICR_INIT, ICR_DEST_PHYS, 0, 1);
	icr_decode(0x00004500, 0x01000000, false, &m);		/* edge, asserted */
	expect(ICR_INIT, ICR_DEST_PHYS, 0, 1);
	icr_decode(0x00009500, 0x01000000, false, &m);		/* + busy bit: read-only */
	expect(ICR_INIT_DEASSERT, ICR_DEST_PHYS, 0, 1);
	icr_decode(0x00088500, 0, false, &m);			/* de-assert to all */
	expect(ICR_INIT_DEASSERT, ICR_DEST_ALL, 0, 0);
}

static void test_pass(void **state)
{
	(void)state;
	icr_decode(0x000000fb, 0x01000000, false, &m);		/* fixed, vector 0xfb */
	expect(ICR_PASS, ICR_DEST_PHYS, 0xfb, 1);
	icr_decode(0x00000400, 0x03000000, false, &m);		/* NMI */
	expect(ICR_PASS, ICR_DEST_PHYS, 0, 3);
	icr_decode(0x00000130, 0, false, &m);			/* lowest priority */
	assert_int_equal(m.kind, ICR_PASS);
	icr_decode(0x000c00fd, 0, true, &m);			/* fixed to others */
	expect(ICR_PASS, ICR_DEST_OTHERS, 0xfd, 0);
}

/* SMI and the reserved modes never reach the APIC, whatever the destination. */
static void test_refused(void **state)
{
	static const u32 modes[] = { ICR_DM_SMI, 3u << 8, 7u << 8 };
	static const u32 sh[] = { ICR_SH_NONE, ICR_SH_SELF, ICR_SH_ALL, ICR_SH_OTHERS };
	unsigned int i, j, x2;

	(void)state;
	for (x2 = 0; x2 < 2; x2++)
		for (i = 0; i < 3; i++)
			for (j = 0; j < 4; j++) {
				icr_decode(modes[i] | sh[j] | ICR_LEVEL_ASSERT, 0, x2, &m);
				assert_int_equal(m.kind, ICR_REFUSE);
				icr_decode(modes[i] | sh[j] | ICR_DEST_LOGICAL_BIT, 0xff000000, x2, &m);
				assert_int_equal(m.kind, ICR_REFUSE);
			}
}

static void test_shorthands(void **state)
{
	(void)state;
	icr_decode(0x000400f3, 0, false, &m);			/* self IPI */
	expect(ICR_PASS, ICR_DEST_SELF, 0xf3, 0);
	icr_decode(0x000c4500, 0, false, &m);			/* INIT all-but-self */
	expect(ICR_INIT, ICR_DEST_OTHERS, 0, 0);
	icr_decode(0x000c0608, 0, false, &m);			/* SIPI all-but-self */
	expect(ICR_SIPI, ICR_DEST_OTHERS, 0x08, 0);
	icr_decode(0x00084500, 0, true, &m);			/* INIT all incl. self */
	expect(ICR_INIT, ICR_DEST_ALL, 0, 0);
	icr_decode(0x00044500, 0, false, &m);			/* INIT to self: invalid, decoded */
	expect(ICR_INIT, ICR_DEST_SELF, 0, 0);
	/* A shorthand overrides the destination mode and field. */
	icr_decode(0x000c4d00, 0x05000000, false, &m);
	expect(ICR_INIT, ICR_DEST_OTHERS, 0, 5);
}

static void test_logical_and_broadcast(void **state)
{
	(void)state;
	icr_decode(0x00004d00, 0x0f000000, false, &m);		/* logical INIT */
	expect(ICR_INIT, ICR_DEST_LOGICAL, 0, 0x0f);
	icr_decode(0x000008fb, 0x00010002, true, &m);		/* x2APIC cluster 1, CPU 1 */
	expect(ICR_PASS, ICR_DEST_LOGICAL, 0xfb, 0x00010002);
	icr_decode(0x00004500, 0xff000000, false, &m);		/* physical broadcast */
	expect(ICR_INIT, ICR_DEST_ALL, 0, 0xff);
	icr_decode(0x00004500, 0xffffffff, true, &m);
	expect(ICR_INIT, ICR_DEST_ALL, 0, 0xffffffff);
	/* Logical 0xff is all CPUs in flat mode: still LOGICAL here. */
	icr_decode(0x00004d00, 0xff000000, false, &m);
	expect(ICR_INIT, ICR_DEST_LOGICAL, 0, 0xff);
}

static void test_targets(void **state)
{
	const struct icr_msg phys = { ICR_INIT, ICR_DEST_PHYS, 0, 2 };
	const struct icr_msg self = { ICR_INIT, ICR_DEST_SELF, 0, 0 };
	const struct icr_msg all = { ICR_INIT, ICR_DEST_ALL, 0, 0xff };
	const struct icr_msg others = { ICR_INIT, ICR_DEST_OTHERS, 0, 0 };
	const struct icr_msg logical = { ICR_INIT, ICR_DEST_LOGICAL, 0, 0xff };
	const struct icr_msg bcast = { ICR_INIT, ICR_DEST_PHYS, 0, 0xff };

	(void)state;
	for (u32 x2 = 0; x2 < 2; x2++) {
		for (u32 t = 0; t < 4; t++) {
			/* Sent by CPU 0. */
			assert_int_equal(icr_targets(&phys, 0, t, x2), t == 2);
			assert_int_equal(icr_targets(&self, 0, t, x2), t == 0);
			assert_int_equal(icr_targets(&all, 0, t, x2), true);
			assert_int_equal(icr_targets(&others, 0, t, x2), t != 0);
			assert_int_equal(icr_targets(&logical, 0, t, x2), false);
			/* Sent by CPU 2: PHYS 2 is then a self-IPI. */
			assert_int_equal(icr_targets(&phys, 2, t, x2), t == 2);
			assert_int_equal(icr_targets(&self, 2, t, x2), t == 2);
			assert_int_equal(icr_targets(&others, 2, t, x2), t != 2);
			/* 0xff is the broadcast ID in xAPIC mode only. */
			assert_int_equal(icr_targets(&bcast, 0, t, x2), !x2);
		}
	}
	assert_true(icr_targets(&bcast, 0, 0xff, true));
	assert_false(icr_targets(&phys, 0, 0x102, true));
}

/* What the core composes for itself, read back by the decoder. */
static void test_compose(void **state)
{
	(void)state;
	assert_int_equal(icr_lo(ICR_DM_NMI, 0), 0x4400);
	assert_int_equal(icr_lo(ICR_DM_FIXED, 0xfb), 0x40fb);
	assert_int_equal(icr_lo(ICR_DM_INIT, 0), 0x4500);
	assert_int_equal(icr_hi(3, false), 0x03000000);
	assert_int_equal(icr_hi(0x1234, true), 0x1234);
	icr_decode(icr_lo(ICR_DM_STARTUP, 0x9a), icr_hi(7, false), false, &m);
	expect(ICR_SIPI, ICR_DEST_PHYS, 0x9a, 7);
	icr_decode(icr_lo(ICR_DM_NMI, 0), icr_hi(0x300, true), true, &m);
	expect(ICR_PASS, ICR_DEST_PHYS, 0, 0x300);
	assert_int_equal(ICR_SH_OTHERS | ICR_TRIGGER_LEVEL | ICR_LEVEL_ASSERT | ICR_DM_INIT,
			 0x000cc500);
	assert_int_equal(ICR_DEST_LOGICAL_BIT | ICR_BUSY, 0x1800);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_xapic), cmocka_unit_test(test_linux_x2apic),
		cmocka_unit_test(test_init_variants), cmocka_unit_test(test_pass),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_shorthands), cmocka_unit_test(test_logical_and_broadcast),
		cmocka_unit_test(test_targets), cmocka_unit_test(test_compose),
	};

	return cmocka_run_group_tests_name("icr", tests, NULL, NULL);
}
