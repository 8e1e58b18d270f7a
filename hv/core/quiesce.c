// SPDX-License-Identifier: GPL-2.0
/*
 * The quiesce service (core/quiesce.h).  One stopper at a time holds
 * q_lock; a generation number tells a CPU whether it has already
 * answered the current stop, so a stale NMI never stops it twice.
 */
#include <arch/x86.h>
#include <core/lapic.h>
#include <core/log.h>
#include <core/quiesce.h>
#include <core/smp.h>
#include <xmhf/hypercall.h>

static volatile u32 q_lock;
static volatile u32 q_gen;
static volatile bool q_active;
static volatile u32 q_owner = ~0u;
static u64 q_count;

void quiesce_poll(struct vcpu *v)
{
	u32 gen;

	if (!__atomic_load_n(&q_active, __ATOMIC_ACQUIRE) || q_owner == v->index)
		return;
	gen = __atomic_load_n(&q_gen, __ATOMIC_ACQUIRE);
	if (v->quiesce_ack == gen)
		return;
	__atomic_store_n(&v->quiesce_ack, gen, __ATOMIC_RELEASE);
	while (__atomic_load_n(&q_active, __ATOMIC_ACQUIRE) &&
	       __atomic_load_n(&q_gen, __ATOMIC_ACQUIRE) == gen)
		cpu_relax();
}

/* Spinning for the lock is a safe point: another stopper may need us. */
static void q_lock_take(struct vcpu *me)
{
	while (__atomic_exchange_n(&q_lock, 1, __ATOMIC_ACQUIRE)) {
		quiesce_poll(me);
		cpu_relax();
	}
}

/*
 * How long a live CPU may take to answer.  A CPU in guest mode answers
 * through the NMI; while the guest sits in its own NMI handler the CPU
 * holds NMIs back until the guest's IRET (there is no IRET tracking
 * here), so a guest that never returns from an NMI never answers.  An
 * honest CPU answers in microseconds; the limit is generous for TCG on
 * a busy host.
 */
#ifndef QUIESCE_TIMEOUT_US
#define QUIESCE_TIMEOUT_US	2000000ull
#endif

static u64 q_timeouts;

int quiesce_begin(struct vcpu *me)
{
	unsigned int i, stopped = 0;
	u64 deadline;
	u32 gen;

	q_lock_take(me);
	q_owner = me->index;
	gen = q_gen + 1;
	__atomic_store_n(&q_gen, gen, __ATOMIC_RELEASE);
	__atomic_store_n(&q_active, true, __ATOMIC_SEQ_CST);
	for (i = 0; i < smp_count(); i++) {
		struct vcpu *t = smp_vcpu(i);

		if (t != me && vcpu_live(t))
			smp_kick(t);
	}
	/*
	 * A CPU that parks or dies meanwhile answered by leaving.  The NMI is
	 * not sent again: the guest cannot lose it (the APIC stays enabled
	 * at its ID, and a software-disabled APIC still takes NMIs), and a
	 * second one could reach the guest as an NMI it never sent.  One
	 * deadline for all: the CPUs answer in parallel.
	 */
	deadline = tsc_us() + QUIESCE_TIMEOUT_US;
	for (i = 0; i < smp_count(); i++) {
		struct vcpu *t = smp_vcpu(i);

		if (t == me)
			continue;
		while (vcpu_live(t) &&
		       __atomic_load_n(&t->quiesce_ack, __ATOMIC_ACQUIRE) != gen) {
			if (tsc_us() > deadline) {
				/*
				 * Give up: release the others.  The NMI stays
				 * pending in t (kick set); when it comes, it
				 * finds no stop active (or a later one) and
				 * is not passed to the guest.
				 */
				q_timeouts++;
				hv_log("xmhf: CPU %u (APIC ID %u, %lu exits) did not answer a quiesce in %llu ms (NMIs blocked in the guest?): operation refused\n",
				       t->index, t->apic_id, t->exits_total,
				       QUIESCE_TIMEOUT_US / 1000);
				quiesce_end(me);
				q_count--;	/* not a quiesce that happened */
				return -1;
			}
			cpu_relax();
		}
		if (vcpu_live(t))
			stopped++;
	}
	return (int)stopped;
}

void quiesce_end(struct vcpu *me)
{
	(void)me;
	q_count++;
	q_owner = ~0u;
	__atomic_store_n(&q_active, false, __ATOMIC_SEQ_CST);
	__atomic_store_n(&q_lock, 0, __ATOMIC_RELEASE);
}

u64 quiesce_count(void)
{
	return q_count;
}

u64 quiesce_timeouts(void)
{
	return q_timeouts;
}
