// SPDX-License-Identifier: GPL-2.0
/*
 * The few CPU helpers that are not single instructions.
 */
#include <arch/x86.h>

/* Park this CPU.  NMIs still wake hlt; their handler returns here. */
void halt_forever(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

/*
 * This CPU's APIC ID, from CPUID rather than the LAPIC so it works
 * before (and regardless of) any APIC mapping.  Leaf 0Bh gives the full
 * 32-bit x2APIC ID; leaf 1 only has 8 bits.
 */
u32 cpu_apic_id(void)
{
	u32 a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	if (a >= 0xb) {
		cpuid_count(0xb, 0, &a, &b, &c, &d);
		if (b)	/* leaf 0Bh implemented: EBX != 0 */
			return d;
	}
	cpuid(1, &a, &b, &c, &d);
	return b >> 24;
}

/* 1 GiB pages (CPUID 0x80000001 EDX bit 26), for the direct map and the NPT. */
bool cpu_has_1g_pages(void)
{
	u32 a, b, c, d;

	cpuid(0x80000000, &a, &b, &c, &d);
	if (a < 0x80000001)
		return false;
	cpuid(0x80000001, &a, &b, &c, &d);
	return d & (1u << 26);
}
