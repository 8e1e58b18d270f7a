/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI configuration space under the hypervisor (docs/isolation-pci.md):
 * both ways in, configuration mechanism #1 (ports 0xCF8/0xCFC) and ECAM
 * (MMCONFIG), pass every guest write through one policy table in
 * arch/x86/pci.c.  Reads stay native (ECAM) or are replayed (CF8/CFC).
 * The port policy (arch/x86/ioports.c) sends every intercepted access
 * that overlaps 0xCF8-0xCFF here, except the reset control register 0xCF9
 * (docs/isolation-ports.md).
 */
#ifndef XMHF_CORE_PCI_H
#define XMHF_CORE_PCI_H

#include <types.h>

struct npt;
struct vcpu;

/* The first and last port of configuration mechanism #1. */
#define PCI_CFG_ADDR_PORT	0xcf8
#define PCI_CFG_DATA_PORT	0xcfc
#define PCI_CFG_PORT_END	0xd00	/* exclusive */

/*
 * At launch, on the boot CPU, before the direct map and the heap's extra
 * blocks are set up: finds the ECAM window (a host bridge the table
 * knows, else the CPU's MMIO_CFG_BASE MSR).  -1 if it cannot tell: the
 * launch must not go on.
 */
int pci_locate(void);

/* [start, start + len) overlaps the ECAM window pci_locate() found. */
bool pci_ecam_overlaps(u64 start, u64 len);

/*
 * At launch, after pci_locate(), before any vCPU runs: makes the ECAM
 * window read-only in the nested page tables, then scans every function:
 * its MSI-X table write-protected and its entries checked, an MSI or
 * MSI-X that carries a refused message or cannot be guarded disabled.
 * -1 if ECAM cannot be protected or a function has SR-IOV VFs enabled:
 * the launch must not go on.
 */
int pci_init(struct npt *npt);

/*
 * A guest IN or OUT (not string I/O) that touches ports 0xCF8-0xCFF,
 * any width.  Returns true if it was the configuration mechanism's and
 * is done: for an IN, *val then holds the value (the low size bytes).
 * A dword at 0xCF8 is the address latch, one for the whole platform as
 * on the chipset; an access inside 0xCFC-0xCFF goes through the policy;
 * one that crosses 0xCFB/0xCFC is refused (IN reads all ones).  Returns
 * false for a byte or word inside 0xCF8-0xCFB, which the chipset decodes
 * as other registers (0xCF9 is the reset control): the port policy
 * decides those.
 */
bool pci_cfg_io(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val);

/*
 * gpa lies in what the hypervisor keeps read-only for PCI: the ECAM
 * window, or a page of an MSI-X table (wherever its BAR puts it).
 */
bool pci_mmio_owns(u64 gpa);

/*
 * A decoded guest store of size bytes (1, 2, 4 or 8) at gpa, a page
 * pci_mmio_owns(): filtered, then done.  0: done or refused, skip the
 * instruction; 1: the page is no longer protected, run it again; -1: it
 * cannot be emulated (another size, a misaligned or 8-byte ECAM store):
 * the caller raises #GP.
 */
int pci_mmio_write(struct vcpu *v, u64 gpa, unsigned int size, u64 val);

#endif /* XMHF_CORE_PCI_H */
