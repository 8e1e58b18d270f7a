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
 * used: an IN reads into *val, an OUT writes *val.  True when the access
 * is handled or allowed (for an IN, *val holds what the guest reads);
 * false when it is refused (an OUT is dropped, an IN reads all ones).
 */
bool pci_cfg_io(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val);

#endif /* XMHF_CORE_PCI_H */
