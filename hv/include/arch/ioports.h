/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O port policy (arch/x86/ioports.c, docs/isolation-ports.md): one
 * table says which ports the guest reaches natively and how every other
 * port is handled.  The SVM I/O permission map is built from it.
 */
#ifndef XMHF_ARCH_IOPORTS_H
#define XMHF_ARCH_IOPORTS_H

#include <types.h>

struct npt;
struct vcpu;

/*
 * Once at launch, before the guest runs: finds the chipset's ACPI blocks
 * (ICH9 or PIIX4 PMBASE, or the AMD FCH's PM registers 0x60-0x6B; the
 * sleep, SMI and watchdog ports move with them) and notes the
 * hypervisor's own log port.  On an FCH its AcpiMmio page is made
 * read-only in npt.  -1 when the chipset is unknown or its PM1a control
 * block unset: the sleep port could not be guarded, so the launch must
 * not go on.
 */
int ioports_init(struct npt *npt, u16 log_port);

/* Is gpa in a chipset page the port policy keeps read-only (FCH AcpiMmio, its watchdog)? */
bool ioports_mmio_page(u64 gpa);

/*
 * The PCI devices' I/O BARs (the last row of the policy), kept by
 * arch/x86/pci.c, under its lock:
 * - at launch, each I/O BAR of each function (bar 0-5), its size (a
 *   power of two) and value, and whether the function's I/O decode is on;
 * - around a guest write to a function's command register or a BAR:
 *   ioports_pci_bars_close() first (false: it has no tracked I/O BAR;
 *   until the update its ports are refused), then, after the write,
 *   ioports_pci_bar_update() for each I/O BAR with its new value.
 * A BAR opens where the launch found it, or at 0x1000 and above; the
 * platform's rows win over any BAR.
 */
void ioports_pci_bar_launch(u16 bdf, unsigned int bar, u32 val, u32 size, bool io_on);
bool ioports_pci_bars_close(u16 bdf);
void ioports_pci_bar_update(u16 bdf, unsigned int bar, u32 val, bool io_on);

/*
 * Sets the bit of every intercepted port in an SVM-style permission map
 * of len bytes (one bit per port, ports past 0xFFFF are the ones an
 * access at the top wraps into, and are always intercepted).
 */
void ioports_fill_map(u8 *map, size_t len);

/*
 * One intercepted, non-string access that no hypapp took: the policy row
 * it falls in performs, filters or refuses it; a port in no row (nor in
 * an open PCI I/O BAR) is refused: an IN reads all ones, an OUT is
 * dropped, and the port is logged once.  For an IN, *val is what
 * the guest reads (size bytes).  May not return (a platform reset or a
 * power-off, after the scrub).
 */
void ioports_access(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val);

#endif /* XMHF_ARCH_IOPORTS_H */
