/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor's own use of the local APIC, in whichever mode the
 * guest left it (xAPIC MMIO or x2APIC MSRs): register access for the
 * guest's intercepted writes, and IPIs the hypervisor sends itself.
 */
#ifndef XMHF_CORE_LAPIC_H
#define XMHF_CORE_LAPIC_H

#include <types.h>

#define APIC_ID		0x20	/* xAPIC register offsets */

/* Where the xAPIC page is; call once on the boot CPU. */
void lapic_init(void);
u64 lapic_mmio_base(void);
bool lapic_x2apic(void);

/* xAPIC registers by MMIO offset. */
u32 lapic_read(u32 off);
void lapic_write(u32 off, u32 val);

/*
 * An IPI (ICR low bits lo, no shorthand) to one APIC ID.  The guest may
 * be between its writes of ICR high and ICR low on this CPU: the high
 * half is put back afterwards.
 */
void lapic_send(u32 apic_id, u32 lo);

/* Busy waits on the TSC; tsc_khz from the module, sanitised. */
void delay_init(u64 tsc_khz);
void udelay(u64 us);
u64 tsc_us(void);	/* microseconds since an arbitrary point */

#endif /* XMHF_CORE_LAPIC_H */
