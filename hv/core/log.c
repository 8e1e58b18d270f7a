// SPDX-License-Identifier: GPL-2.0
/* The log ring and its debug-port mirror. */
#include <stdarg.h>
#include <arch/x86.h>
#include <core/log.h>
#include <lib/printf.h>
#include <xmhf/log.h>

/*
 * Found by the module through the runtime header (head.S).  Zeroed with
 * the bss at entry, but not scrubbed at unload (runtime.lds.S).
 */
struct xmhf_log_ring log_ring __attribute__((section(".bss.log_ring")));
static u16 log_port;
static volatile u32 log_owner = ~0u;	/* APIC ID holding the log, or ~0 */

void log_init(u16 port)
{
	log_ring.magic = XMHF_LOG_MAGIC;
	log_ring.size = XMHF_LOG_SIZE;
	log_ring.head = 0;
	log_port = port;
}

static void log_putc(char c)
{
	log_ring.data[log_ring.head % XMHF_LOG_SIZE] = c;
	log_ring.head++;
	if (log_port)
		outb(log_port, c);
}

/*
 * Whole messages, one CPU at a time.  A CPU that faults while it holds
 * the log (the exception dump) goes on rather than wait for itself.
 */
static bool nested;

static void log_lock(void)
{
	u32 me = cpu_apic_id(), free = ~0u;
	unsigned long spins = 0;

	if (log_owner == me) {
		nested = true;
		return;
	}
	/* Bounded: a CPU that died holding the log must not silence the rest. */
	while (!__atomic_compare_exchange_n(&log_owner, &free, me, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		free = ~0u;
		if (++spins > 10000000) {
			__atomic_store_n(&log_owner, me, __ATOMIC_RELEASE);
			break;
		}
		cpu_relax();
	}
}

static void log_unlock(void)
{
	if (nested) {
		nested = false;
		return;
	}
	__atomic_store_n(&log_owner, ~0u, __ATOMIC_RELEASE);
}

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_vlog(fmt, ap);
	va_end(ap);
}

void hv_vlog(const char *fmt, va_list ap)
{
	char buf[256];
	int n, i;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	log_lock();
	for (i = 0; i < n; i++)
		log_putc(buf[i]);
	log_unlock();
}
