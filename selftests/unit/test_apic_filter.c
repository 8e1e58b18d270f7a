// SPDX-License-Identifier: GPL-2.0
/*
 * The delivery-mode policy (hv/arch/x86/apic_filter.c): what Linux writes
 * passes, SMI, INIT, STARTUP and the reserved modes do not, from every
 * source the hypervisor filters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/apic_filter.h>

#define DMV(m)	((u32)(m) << 8)

/* What Linux programs: fixed vectors, masked entries, NMI, ExtINT. */
static void test_linux_values_pass(void **state)
{
	(void)state;
	assert_true(ioapic_rte_allowed(0x00000030));		/* fixed, edge */
	assert_true(ioapic_rte_allowed(0x0001a031));		/* masked, level */
	assert_true(ioapic_rte_allowed(0x00000700));		/* ExtINT (timer via 8259) */
	assert_true(lvt_write_allowed(APIC_LVT_LINT0, 0x00000700));	/* virtual wire */
	assert_true(lvt_write_allowed(APIC_LVT_LINT0, 0x00010700));
	assert_true(lvt_write_allowed(APIC_LVT_LINT1, 0x00000400));	/* NMI pin */
	assert_true(lvt_write_allowed(APIC_LVT_PERF, 0x00000400));	/* perf NMI */
	assert_true(lvt_write_allowed(APIC_LVT_TIMER, 0x000400ec));	/* TSC deadline */
	assert_true(lvt_write_allowed(APIC_LVT_ERROR, 0x000000fe));
	assert_true(lvt_write_allowed(APIC_LVT_THERMAL, 0x000000fa));
	assert_true(lvt_write_allowed(APIC_EILVT0 + 0x10, 0x00000400));	/* IBS NMI */
	assert_true(msi_data_allowed(0x00000041));
	assert_true(msi_data_allowed(0x00000141));		/* lowest priority */
	assert_true(msi_addr_allowed(0xfee01000));
	/* Not LVT registers: the LVT filter has no say. */
	assert_true(lvt_write_allowed(0x300, DMV(INTR_DM_INIT)));
	assert_true(lvt_write_allowed(0x380, DMV(INTR_DM_SMI)));
}

static void test_ioapic_refused(void **state)
{
	(void)state;
	assert_false(ioapic_rte_allowed(DMV(INTR_DM_SMI)));
	assert_false(ioapic_rte_allowed(DMV(INTR_DM_INIT)));
	assert_false(ioapic_rte_allowed(DMV(INTR_DM_INIT) | INTR_MASKED));
	assert_false(ioapic_rte_allowed(DMV(3)));
	assert_false(ioapic_rte_allowed(DMV(INTR_DM_STARTUP)));
	/* The attack of issue 12: RTC pin, INIT, edge. */
	assert_false(ioapic_rte_allowed(0x00000500));
}

static void test_lvt_refused(void **state)
{
	static const u32 lvts[] = {
		APIC_LVT_CMCI, APIC_LVT_TIMER, APIC_LVT_THERMAL, APIC_LVT_PERF,
		APIC_LVT_LINT0, APIC_LVT_LINT1, APIC_LVT_ERROR,
		APIC_EILVT0, APIC_EILVT0 + 0x30,
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++) {
		assert_false(lvt_write_allowed(lvts[i], DMV(INTR_DM_SMI)));
		assert_false(lvt_write_allowed(lvts[i], DMV(INTR_DM_INIT)));
		assert_false(lvt_write_allowed(lvts[i], DMV(INTR_DM_INIT) | INTR_MASKED));
		assert_false(lvt_write_allowed(lvts[i], DMV(INTR_DM_STARTUP)));
		assert_false(lvt_write_allowed(lvts[i], DMV(3)));
		assert_false(lvt_write_allowed(lvts[i], DMV(INTR_DM_LOWEST)));
	}
	/* ExtINT only on LINT0/1; no mode at all on the timer and error LVTs. */
	assert_false(lvt_write_allowed(APIC_LVT_PERF, DMV(INTR_DM_EXTINT)));
	assert_false(lvt_write_allowed(APIC_LVT_TIMER, DMV(INTR_DM_NMI)));
	assert_false(lvt_write_allowed(APIC_LVT_ERROR, DMV(INTR_DM_EXTINT)));
}

static void test_msi_refused(void **state)
{
	(void)state;
	assert_false(msi_data_allowed(DMV(INTR_DM_SMI)));
	assert_false(msi_data_allowed(DMV(INTR_DM_INIT)));
	assert_false(msi_data_allowed(DMV(INTR_DM_NMI)));
	assert_false(msi_data_allowed(DMV(INTR_DM_EXTINT)));
	assert_false(msi_addr_allowed(0xfed40000));	/* a DMA write, not an interrupt */
	assert_false(msi_addr_allowed(0));
}

/* x2APIC: 0x800 + offset / 16, LVTs only. */
static void test_x2apic_msrs(void **state)
{
	(void)state;
	assert_int_equal(lvt_offset_of_msr(0x82f), APIC_LVT_CMCI);
	assert_int_equal(lvt_offset_of_msr(0x832), APIC_LVT_TIMER);
	assert_int_equal(lvt_offset_of_msr(0x835), APIC_LVT_LINT0);
	assert_int_equal(lvt_offset_of_msr(0x837), APIC_LVT_ERROR);
	assert_int_equal(lvt_offset_of_msr(0x850), APIC_EILVT0);
	assert_int_equal(lvt_offset_of_msr(0x830), 0);	/* ICR */
	assert_int_equal(lvt_offset_of_msr(0x838), 0);	/* initial count */
	assert_int_equal(lvt_offset_of_msr(0x1b), 0);
	assert_int_equal(lvt_offset_of_msr(0x932), 0);
}

static void test_defuse(void **state)
{
	(void)state;
	assert_int_equal(intr_defuse(0x00000530), 0x00010030);
	assert_true(ioapic_rte_allowed(intr_defuse(0x00000530)));
	assert_true(lvt_write_allowed(APIC_LVT_THERMAL, intr_defuse(0x000002fa)));
}

/* Only the writable xAPIC registers: offset 0 is an MSI in QEMU's APIC page. */
static void test_apic_writable(void **state)
{
	static const u32 yes[] = { 0x80, 0xb0, 0xd0, 0xe0, 0xf0, 0x280, 0x2f0,
				   0x300, 0x310, 0x320, 0x370, 0x380, 0x3e0,
				   0x410, 0x420, 0x480, 0x4f0, 0x500, 0x530 };
	static const u32 no[] = { 0x000, 0x004, 0x010, 0x020, 0x030, 0x090,
				  0x0a0, 0x0c0, 0x100, 0x200, 0x270, 0x302,
				  0x390, 0x3f0, 0x400, 0x430, 0x540, 0xff0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(apic_reg_writable(yes[i]));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(apic_reg_writable(no[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_values_pass),
		cmocka_unit_test(test_ioapic_refused),
		cmocka_unit_test(test_lvt_refused),
		cmocka_unit_test(test_msi_refused),
		cmocka_unit_test(test_x2apic_msrs),
		cmocka_unit_test(test_defuse),
		cmocka_unit_test(test_apic_writable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
