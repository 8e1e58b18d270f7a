// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of the SL parameter block.  The block is written by the
 * module, which runs in the untrusted guest once the hypervisor is up, so
 * nothing in it is used before it passes here.  The SL's base comes from
 * EAX at entry (the CPU's word under SKINIT), never from the block.
 */
#include <sl.h>
#include <xmhf/layout.h>

_Static_assert(sizeof(struct xmhf_sl_params) <= XMHF_SLPB_SIZE,
	       "the SL parameter block outgrew its room in layout.h");

/*
 * Sorted and disjoint, so that a lookup may stop at the first range past
 * an address and no byte is described twice.
 */
static int ram_order(const struct xmhf_sl_params *p)
{
	u32 i;

	for (i = 1; i < p->num_ram; i++) {
		const struct xmhf_mem_range *a = &p->ram[i - 1], *b = &p->ram[i];

		if (b->start < a->start)
			return SL_PARAMS_E_RAM_UNSORTED;
		if (b->start < a->start + a->size)
			return SL_PARAMS_E_RAM_OVERLAP;
	}
	return SL_PARAMS_OK;
}

static bool overlaps(const struct xmhf_mem_range *r, u64 start, u64 end)
{
	return r->start < end && r->start + r->size > start;
}

/*
 * Every range bounded (so the tables the runtime builds for it are), and
 * none over MMIO the hypervisor guards or emulates: the fixed window
 * (IOAPIC, HPET, TPM, LAPIC), the LAPIC wherever this CPU has it, the
 * IOMMU.  Such "RAM" would be mapped to the guest, or reached by the
 * hypervisor as if it were memory.
 */
static bool ram_ok(const struct xmhf_sl_params *p, u64 lapic_base)
{
	u64 limit = 1ull << p->phys_addr_bits;
	u32 i;

	if (p->num_ram == 0 || p->num_ram > XMHF_SLPB_MAX_RAM)
		return false;
	if (limit > XMHF_SLPB_RAM_LIMIT)
		limit = XMHF_SLPB_RAM_LIMIT;
	for (i = 0; i < p->num_ram; i++) {
		const struct xmhf_mem_range *r = &p->ram[i];

		if (r->size == 0 || r->start + r->size < r->start)
			return false;
		if (r->start + r->size > limit)
			return false;
		if (overlaps(r, XMHF_MMIO_FIXED_START, XMHF_MMIO_FIXED_END) ||
		    overlaps(r, lapic_base, lapic_base + 0x1000))
			return false;
		if (p->iommu_base &&
		    overlaps(r, p->iommu_base, p->iommu_base + XMHF_IOMMU_MMIO_SIZE))
			return false;
	}
	return true;
}

static bool devices_ok(const struct xmhf_sl_params *p)
{
	u64 hv_end = p->hv_phys_base + p->hv_size;

	if (!xmhf_debug_port_ok(p->debug_port))
		return false;
	/* A TIS TPM is always at the PC Client's fixed address. */
	if (p->tpm_base != 0 && p->tpm_base != 0xfed40000ull)
		return false;
	if (p->iommu_base % 0x1000 ||
	    p->iommu_base >= (1ull << p->phys_addr_bits))
		return false;
	/* An "IOMMU" inside our own memory would let the guest remap it. */
	if (p->iommu_base && p->iommu_base + XMHF_IOMMU_MMIO_SIZE > p->hv_phys_base &&
	    p->iommu_base < hv_end)
		return false;
	return true;
}

/* No online bit for a CPU the list does not have. */
static bool cpus_ok(const struct xmhf_sl_params *p)
{
	u32 i;

	if (p->num_cpus == 0 || p->num_cpus > XMHF_SLPB_MAX_CPUS)
		return false;
	for (i = p->num_cpus; i < XMHF_SLPB_MAX_CPUS; i++)
		if (p->cpus_online[i / 64] & (1ull << (i % 64)))
			return false;
	return true;
}

/* Inside one RAM range: the block is ours to take, not MMIO or a hole. */
static bool in_ram(const struct xmhf_sl_params *p, u64 start, u64 size)
{
	u32 i;

	for (i = 0; i < p->num_ram; i++)
		if (start >= p->ram[i].start &&
		    start + size <= p->ram[i].start + p->ram[i].size)
			return true;
	return false;
}

/*
 * Extra heap blocks: aligned, in RAM, sorted and disjoint, apart from the
 * first block and the IOMMU (so nothing the hypervisor maps twice or
 * hands the guest).  Needs ram_ok() first: it bounds the sums.
 */
static bool blocks_ok(const struct xmhf_sl_params *p)
{
	u32 i;

	if (p->num_blocks > XMHF_MAX_BLOCKS || p->reserved)
		return false;
	for (i = 0; i < p->num_blocks; i++) {
		u64 b = p->blocks[i];

		if (b % XMHF_MEM_SIZE || !in_ram(p, b, XMHF_MEM_SIZE))
			return false;
		if (i && b <= p->blocks[i - 1])
			return false;
		if (b == p->hv_phys_base)
			return false;
		if (p->iommu_base && p->iommu_base + XMHF_IOMMU_MMIO_SIZE > b &&
		    p->iommu_base < b + XMHF_MEM_SIZE)
			return false;
	}
	return true;
}

int sl_params_check(const struct xmhf_sl_params *p, u64 sl_base, u64 lapic_base)
{
	int err;

	if (p->magic != XMHF_SLPB_MAGIC || p->version != XMHF_SLPB_VERSION ||
	    p->size != sizeof(*p) || (p->flags & ~XMHF_SLPB_F_KNOWN))
		return SL_PARAMS_E_HEADER;
	if (p->hv_phys_base != sl_base - XMHF_SL_OFFSET ||
	    p->hv_size != XMHF_MEM_SIZE)
		return SL_PARAMS_E_BASE;
	if (p->launch_kind != XMHF_LAUNCH_EMULATED &&
	    p->launch_kind != XMHF_LAUNCH_SKINIT)
		return SL_PARAMS_E_LAUNCH;
	if (p->rt_mem_size == 0 || p->rt_mem_size > XMHF_RT_MAX_SIZE ||
	    p->rt_mem_size % 0x1000 || p->rt_entry >= p->rt_mem_size)
		return SL_PARAMS_E_RUNTIME;
	/* Bounds the shifts in ram_ok() and devices_ok(). */
	if (p->phys_addr_bits < 32 || p->phys_addr_bits > 52)
		return SL_PARAMS_E_RAM;
	if (!ram_ok(p, lapic_base))
		return SL_PARAMS_E_RAM;
	err = ram_order(p);
	if (err)
		return err;
	if (!cpus_ok(p))
		return SL_PARAMS_E_CPUS;
	if (!devices_ok(p))
		return SL_PARAMS_E_DEVICES;
	if (!blocks_ok(p))
		return SL_PARAMS_E_BLOCKS;
	return SL_PARAMS_OK;
}

const char *sl_params_strerror(int err)
{
	static const char *const msg[SL_PARAMS_E_COUNT] = {
		[SL_PARAMS_OK] = "ok",
		[SL_PARAMS_E_HEADER] = "bad magic, version, size or flags",
		[SL_PARAMS_E_BASE] = "hypervisor base or size mismatch",
		[SL_PARAMS_E_LAUNCH] = "bad launch kind",
		[SL_PARAMS_E_RUNTIME] = "bad runtime size or entry",
		[SL_PARAMS_E_RAM] = "bad RAM map",
		[SL_PARAMS_E_RAM_UNSORTED] = "RAM map not sorted by address",
		[SL_PARAMS_E_RAM_OVERLAP] = "RAM map has overlapping ranges",
		[SL_PARAMS_E_CPUS] = "bad CPU list",
		[SL_PARAMS_E_DEVICES] = "bad TPM, IOMMU or debug port",
		[SL_PARAMS_E_BLOCKS] = "bad extra heap block",
	};

	if (err < 0 || err >= SL_PARAMS_E_COUNT)
		return "unknown error";
	return msg[err];
}
