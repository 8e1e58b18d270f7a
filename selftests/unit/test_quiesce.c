// SPDX-License-Identifier: GPL-2.0
/*
 * The quiesce service (hv/core/quiesce.c) against CPUs played here: four
 * vCPUs, each of which answers the stopper's NMI at once, never (a guest
 * that stays in its NMI handler: the CPU holds the NMI back), or dies
 * while the stopper waits; and a clock that moves 1 ms per reading.  No
 * threads: a CPU "answers" in smp_kick(), as quiesce_poll() would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

/* The unit under test, whole: its state is reset between tests. */
#include "../../hv/core/quiesce.c"

#define NCPUS	4

enum { ANSWERS, STUCK, DIES };

static struct vcpu vcpus[NCPUS];
static int behaviour[NCPUS];
static bool dead[NCPUS];
static unsigned int kicks[NCPUS];
static u64 now_us, dies_at_us;
static char logged[1024];

unsigned int smp_count(void) { return NCPUS; }
struct vcpu *smp_vcpu(unsigned int i) { return &vcpus[i]; }
bool vcpu_live(const struct vcpu *v) { return !dead[v->index]; }

/* The NMI arrives: an answering CPU acknowledges the generation. */
void smp_kick(struct vcpu *t)
{
	kicks[t->index]++;
	if (behaviour[t->index] == ANSWERS)
		__atomic_store_n(&t->quiesce_ack, q_gen, __ATOMIC_RELEASE);
}

u64 tsc_us(void)
{
	unsigned int i;

	now_us += 1000;
	for (i = 0; i < NCPUS; i++)
		if (behaviour[i] == DIES && now_us >= dies_at_us)
			dead[i] = true;
	return now_us;
}

void hv_log(const char *fmt, ...)
{
	size_t n = strlen(logged);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(logged + n, sizeof(logged) - n, fmt, ap);
	va_end(ap);
}

static int setup(void **state)
{
	unsigned int i;

	(void)state;
	memset(vcpus, 0, sizeof(vcpus));
	for (i = 0; i < NCPUS; i++) {
		vcpus[i].index = i;
		vcpus[i].apic_id = i;
		behaviour[i] = ANSWERS;
		dead[i] = false;
		kicks[i] = 0;
	}
	now_us = 0;
	dies_at_us = ~0ull;
	logged[0] = '\0';
	q_lock = 0;
	q_gen = 0;
	q_active = false;
	q_owner = ~0u;
	q_count = q_timeouts = 0;
	return 0;
}

static void test_all_answer(void **state)
{
	(void)state;
	assert_int_equal(quiesce_begin(&vcpus[0]), NCPUS - 1);
	assert_true(q_active);
	assert_int_equal(kicks[0], 0);		/* not itself */
	assert_int_equal(kicks[1] + kicks[2] + kicks[3], 3);
	quiesce_end(&vcpus[0]);
	assert_false(q_active);
	assert_int_equal(q_lock, 0);
	assert_int_equal(quiesce_count(), 1);
	assert_int_equal(quiesce_timeouts(), 0);
	assert_int_equal(logged[0], '\0');
	assert_true(now_us < 100000);		/* no waiting */
}

/*
 * CPU 2 never answers: refused once the deadline passed, not before,
 * with the others let go, the lock free and the CPU named in the log.
 */
static void test_stuck_cpu_times_out(void **state)
{
	(void)state;
	behaviour[2] = STUCK;
	assert_int_equal(quiesce_begin(&vcpus[1]), -1);
	assert_true(now_us >= QUIESCE_TIMEOUT_US);
	assert_true(now_us < QUIESCE_TIMEOUT_US + 100000);
	assert_false(q_active);
	assert_int_equal(q_lock, 0);
	assert_int_equal(q_owner, ~0u);
	assert_int_equal(quiesce_count(), 0);
	assert_int_equal(quiesce_timeouts(), 1);
	assert_non_null(strstr(logged, "CPU 2 (APIC ID 2"));
	assert_non_null(strstr(logged, "did not answer a quiesce"));
	/* Its NMI comes late: no stop is active, it does not spin. */
	__atomic_store_n(&vcpus[2].kick, 0, __ATOMIC_RELAXED);
	quiesce_poll(&vcpus[2]);
	/* Stuck again: the next try fails the same way, and does not hang. */
	logged[0] = '\0';
	assert_int_equal(quiesce_begin(&vcpus[0]), -1);
	assert_int_equal(quiesce_timeouts(), 2);
	/* It answers now (the guest returned from its NMI): a retry works. */
	behaviour[2] = ANSWERS;
	assert_int_equal(quiesce_begin(&vcpus[0]), NCPUS - 1);
	quiesce_end(&vcpus[0]);
	assert_int_equal(quiesce_count(), 1);
}

/* A CPU that dies while the stopper waits answered by leaving. */
static void test_dying_cpu_is_not_waited_for(void **state)
{
	(void)state;
	behaviour[3] = DIES;
	dies_at_us = 500000;
	assert_int_equal(quiesce_begin(&vcpus[0]), NCPUS - 2);
	assert_true(now_us < QUIESCE_TIMEOUT_US);
	quiesce_end(&vcpus[0]);
	assert_int_equal(quiesce_timeouts(), 0);
	/* A dead CPU is not kicked again. */
	assert_int_equal(quiesce_begin(&vcpus[0]), NCPUS - 2);
	assert_int_equal(kicks[3], 1);
	quiesce_end(&vcpus[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_all_answer, setup),
		cmocka_unit_test_setup(test_stuck_cpu_times_out, setup),
		cmocka_unit_test_setup(test_dying_cpu_is_not_waited_for, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
