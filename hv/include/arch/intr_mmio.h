/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interrupt sources the hypervisor filters in hardware it shares with
 * the guest (docs/isolation-init.md): the IOAPIC and the HPET, whose pages
 * the nested page tables keep read-only so every write comes here, and the
 * local APIC's LVT entries as each CPU finds them at launch.
 */
#ifndef XMHF_ARCH_INTR_MMIO_H
#define XMHF_ARCH_INTR_MMIO_H

#include <types.h>

struct npt;

/* The architectural defaults, where q35 and most PC chipsets put them. */
#define IOAPIC_BASE	0xfec00000ull
#define HPET_BASE	0xfed00000ull

/* Is gpa in a page whose writes intr_mmio_write() emulates? */
bool intr_mmio_page(u64 gpa);

/*
 * At launch, on the boot CPU: defuse any entry the guest set up before
 * (masked, fixed mode), then make the pages read-only.  -1: out of memory.
 */
int intr_mmio_launch(struct npt *npt);

/*
 * A guest store of size bytes (1, 2, 4, 8) of val at gpa in one of those
 * pages.  Refused values are dropped and logged, as a device ignores what
 * it cannot do.  false: an access the registers do not take (#GP).
 */
bool intr_mmio_write(u64 gpa, unsigned int size, u64 val);

/* On each CPU at launch: defuse LVT entries with a refused mode. */
void lvt_launch_scrub(void);

#endif /* XMHF_ARCH_INTR_MMIO_H */
