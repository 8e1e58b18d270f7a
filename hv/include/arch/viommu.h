/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtual AMD IOMMU (docs/dma.md, "The split"): when Linux uses its
 * IOMMU, the hypervisor owns the real one and emulates its registers for
 * Linux, applying what Linux's tables and commands ask for through its
 * own tables, minus the hypervisor's memory.
 */
#ifndef XMHF_ARCH_VIOMMU_H
#define XMHF_ARCH_VIOMMU_H

#include <types.h>
#include <xmhf/slparams.h>

struct amdv_own;
struct amdv_env;
struct amdv_range;

/*
 * At launch, on one CPU, Linux's IOMMU enabled: take it over.  @own and
 * @env are dma.c's; devices never reach @prot, and reach only @ram.  0,
 * or -1 with Linux's IOMMU as it was.
 */
int viommu_launch(const struct xmhf_sl_params *p, struct amdv_own *own,
		  const struct amdv_env *env,
		  const struct amdv_range *ram, unsigned int nram,
		  const struct amdv_range *prot, unsigned int nprot);
/* The guest-physical page is in the emulated register window. */
bool viommu_owns(u64 gpa);
/*
 * A guest access of @size (1, 2, 4 or 8) bytes at @gpa in the window:
 * a write of *val, or a read into *val.  Never fails: what is not
 * emulated reads 0 and ignores writes, as hardware does with reserved
 * registers.
 */
void viommu_access(u64 gpa, unsigned int size, bool write, u64 *val);
/* Counters for the status hypercall. */
u64 viommu_refused(void);
/* Linux's registers back (the caller then releases the real IOMMU). */
void viommu_release(void);

#endif /* XMHF_ARCH_VIOMMU_H */
