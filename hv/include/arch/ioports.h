/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O port policy (arch/x86/ioports.c, docs/isolation-ports.md): one
 * table says which ports the guest reaches natively and how every other
 * port is handled.  The SVM I/O permission map is built from it.
 */
#ifndef XMHF_ARCH_IOPORTS_H
#define XMHF_ARCH_IOPORTS_H

#include <types.h>

struct vcpu;

/*
 * Once at launch, before the guest runs: finds the chipset's ACPI PM
 * block (the sleep and watchdog ports move with it) and notes the
 * hypervisor's own log port.  -1 when the chipset is unknown: the sleep
 * port could not be guarded, so the launch must not go on.
 */
int ioports_init(u16 log_port);

/*
 * Sets the bit of every intercepted port in an SVM-style permission map
 * of len bytes (one bit per port, ports past 0xFFFF are the ones an
 * access at the top wraps into, and are always intercepted).
 */
void ioports_fill_map(u8 *map, size_t len);

/*
 * One intercepted, non-string access that no hypapp took: the policy row
 * it falls in performs, filters or refuses it.  For an IN, *val is what
 * the guest reads (size bytes).  May not return (a platform reset or a
 * power-off, after the scrub).
 */
void ioports_access(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val);

#endif /* XMHF_ARCH_IOPORTS_H */
