/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test-and-set lock for the few structures CPUs share (heap, nested
 * page tables, log, vCPU start state).  Host code runs with GIF = 0, so
 * nothing interrupts a holder; critical sections are short and never
 * wait for another CPU.
 */
#ifndef XMHF_CORE_SPINLOCK_H
#define XMHF_CORE_SPINLOCK_H

#include <arch/x86.h>

typedef struct {
	volatile u32 locked;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			cpu_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif /* XMHF_CORE_SPINLOCK_H */
