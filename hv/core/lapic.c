// SPDX-License-Identifier: GPL-2.0
/* Local APIC access for the hypervisor (see core/lapic.h). */
#include <arch/x86.h>
#include <core/icr.h>
#include <core/lapic.h>

#define APIC_BASE_ADDR	0x000ffffffffff000ull

static u64 xapic_base;
static u64 tsc_per_us = 10000;	/* 10 GHz: too long a delay beats too short */

void lapic_init(void)
{
	xapic_base = rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ADDR;
}

u64 lapic_mmio_base(void)
{
	return xapic_base;
}

/* Read each time: the guest may switch to x2APIC mode at any moment. */
bool lapic_x2apic(void)
{
	return rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD;
}

/* Below 4 GiB the runtime maps physical memory 1:1. */
static volatile u32 *reg(u32 off)
{
	return (volatile u32 *)(uintptr_t)(xapic_base + off);
}

u32 lapic_read(u32 off)
{
	return *reg(off);
}

void lapic_write(u32 off, u32 val)
{
	*reg(off) = val;
}

/* Bounded: a stuck delivery must not hang the hypervisor. */
static void xapic_wait_idle(void)
{
	unsigned int i;

	for (i = 0; i < 100000 && (lapic_read(APIC_ICR_LO) & ICR_BUSY); i++)
		cpu_relax();
}

void lapic_send(u32 apic_id, u32 lo)
{
	u32 hi;

	if (lapic_x2apic()) {
		wrmsr(MSR_X2APIC_ICR, (u64)apic_id << 32 | lo);
		return;
	}
	hi = lapic_read(APIC_ICR_HI);
	xapic_wait_idle();
	lapic_write(APIC_ICR_HI, icr_hi(apic_id, false));
	lapic_write(APIC_ICR_LO, lo);
	xapic_wait_idle();
	lapic_write(APIC_ICR_HI, hi);
}

void delay_init(u64 tsc_khz)
{
	if (tsc_khz >= 100000 && tsc_khz <= 10000000)
		tsc_per_us = tsc_khz / 1000;
}

u64 tsc_us(void)
{
	return rdtsc() / tsc_per_us;
}

void udelay(u64 us)
{
	u64 end = rdtsc() + us * tsc_per_us;

	while (rdtsc() < end)
		cpu_relax();
}
