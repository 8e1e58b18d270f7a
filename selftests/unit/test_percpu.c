// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU layout (hv/core/percpu.c) for the largest machine the
 * structures describe: 256 CPUs, with x2APIC IDs above 255.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <core/percpu.h>
#include <core/icr.h>
#include <xmhf/layout.h>

#define N XMHF_MAX_CPUS

static u32 ids[N];
static struct vcpu bsp;

/* Sparse x2APIC IDs as on a big two-socket server: 0, 2, 4 ... 510. */
static void sparse_ids(void)
{
	unsigned int i;

	for (i = 0; i < N; i++)
		ids[i] = 2 * i;
}

static void test_256_cpus(void **state)
{
	u64 pages = percpu_table_pages(N);
	u8 *mem = aligned_alloc(4096, pages * 4096);
	struct vcpu **cpus;
	unsigned int i;

	(void)state;
	assert_int_equal(N, 256);
	sparse_ids();
	assert_non_null(mem);
	memset(mem, 0, pages * 4096);
	cpus = percpu_table(mem, N, ids, &bsp);
	assert_ptr_equal(cpus[0], &bsp);
	for (i = 1; i < N; i++) {
		u8 *v = (u8 *)cpus[i];

		assert_int_equal(cpus[i]->index, i);
		assert_int_equal(cpus[i]->apic_id, ids[i]);
		assert_int_equal(cpus[i]->state, XMHF_CPU_ABSENT);
		/* Inside the table, aligned, and one vCPU apart. */
		assert_true(v >= mem && v + sizeof(struct vcpu) <= mem + pages * 4096);
		assert_int_equal((uintptr_t)v % _Alignof(struct vcpu), 0);
		if (i > 1)
			assert_int_equal(v - (u8 *)cpus[i - 1], sizeof(struct vcpu));
		/* The pointer table does not overlap any vCPU. */
		assert_true((u8 *)cpus >= v + sizeof(struct vcpu) ||
			    (u8 *)(cpus + N) <= v);
	}
	assert_true((u8 *)(cpus + N) <= mem + pages * 4096);
	assert_int_equal(cpus[255]->apic_id, 510);
	free(mem);
}

static void test_apic_ids(void **state)
{
	(void)state;
	sparse_ids();
	/* IDs up to 510: fine in x2APIC mode, not addressable in xAPIC mode. */
	assert_int_equal(percpu_bad_apic_id(ids, N, true), -1);
	assert_int_equal(percpu_bad_apic_id(ids, N, false), 128);	/* ID 256 */
	ids[200] = ids[100];
	assert_int_equal(percpu_bad_apic_id(ids, N, true), 200);
	sparse_ids();
	ids[255] = ICR_X2APIC_BROADCAST;
	assert_int_equal(percpu_bad_apic_id(ids, N, true), 255);
	ids[255] = 0x10000;			/* a 32-bit ID, cluster 1 */
	assert_int_equal(percpu_bad_apic_id(ids, N, true), -1);
}

/* What 256 CPUs cost in heap, the number layout.h states. */
static void test_heap_cost(void **state)
{
	(void)state;
	assert_int_equal(AP_PAGES, 11);
	assert_int_equal(percpu_pages(1), percpu_table_pages(1));
	assert_int_equal(percpu_pages(N), percpu_table_pages(N) + 255 * 11);
	assert_true(percpu_table_pages(N) <= 23);
	/* More than one 4 MiB block's heap (under 2 MiB) holds... */
	assert_true(percpu_pages(N) * 4096 > 2u << 20);
	/* ...and the module's estimate (uapi/xmhf/layout.h) covers it all. */
	assert_true(percpu_pages(N) <= (u64)(N - 1) * XMHF_HEAP_PAGES_PER_AP);
	assert_true(percpu_pages(N) + 64 <= xmhf_heap_pages_needed(N, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_256_cpus),
		cmocka_unit_test(test_apic_ids),
		cmocka_unit_test(test_heap_cost),
	};

	return cmocka_run_group_tests_name("percpu", tests, NULL, NULL);
}
