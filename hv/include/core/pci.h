/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI configuration space as the guest reaches it through the 0xCF8/0xCFC
 * mechanism.  The port policy (arch/x86/ioports.c) sends every
 * intercepted access that overlaps 0xCF8-0xCFF here, except the reset
 * control register 0xCF9 (docs/isolation-ports.md); the filter itself
 * lives in arch/x86/pci.c.
 */
#ifndef XMHF_CORE_PCI_H
#define XMHF_CORE_PCI_H

#include <types.h>

struct vcpu;

/*
 * One guest access, of the width (1, 2 or 4) and at the port the guest
 * used: an IN reads into *val, an OUT writes *val.  The function itself
 * makes the access on the hardware, or emulates it, or changes it first:
 * the caller touches no port.  True when the access was handled (for an
 * IN, *val holds what the guest reads); false when it is refused (the
 * caller then drops the OUT, or gives the IN all ones, and logs it once).
 */
bool pci_cfg_io(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val);

#endif /* XMHF_CORE_PCI_H */
