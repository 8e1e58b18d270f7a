// SPDX-License-Identifier: GPL-2.0
/*
 * The load sequence (docs/architecture.md, Launch steps 1-3).  Each step
 * either succeeds or undoes everything before it, so a failed insmod
 * leaves nothing behind.
 */
#include "loader.h"
#include "blob.h"
#include <xmhf/layout.h>
#include <xmhf/log.h>

_Static_assert(sizeof(struct xmhf_sl_params) <= XMHF_SLPB_SIZE,
	       "the SL parameter block outgrew its room in layout.h");

const char *xmhf_launch_name(enum xmhf_launch_kind kind)
{
	return xmhf_launch_kind_name(kind);
}

int xmhf_launch_parse(const char *s, enum xmhf_launch_kind *kind)
{
	static const enum xmhf_launch_kind kinds[] = {
		XMHF_LAUNCH_NONE, XMHF_LAUNCH_EMULATED, XMHF_LAUNCH_SKINIT,
		XMHF_LAUNCH_SENTER, XMHF_LAUNCH_AUTO,
	};
	unsigned int i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!strcmp(s, xmhf_launch_kind_name(kinds[i]))) {
			*kind = kinds[i];
			return 0;
		}
	}
	return -EINVAL;
}

/* A launch kind the CPU cannot do is refused here, before any allocation. */
static int check_launch(struct xmhf_loader *ld, enum xmhf_launch_kind kind)
{
	if (kind == XMHF_LAUNCH_SKINIT && !ld->caps.skinit) {
		ld->plat->log(XMHF_LOG_ERR, "launch=skinit: this CPU has no SKINIT");
		return -ENODEV;
	}
	if (kind == XMHF_LAUNCH_SENTER) {
		ld->plat->log(XMHF_LOG_ERR, "launch=senter: Intel TXT is not supported");
		return -ENODEV;
	}
	ld->launch = kind;
	return 0;
}

/*
 * Before anything is allocated: a machine with more CPUs than the
 * hypervisor's structures describe is refused here, not half-way in the
 * launch.
 */
static int check_cpus(struct xmhf_loader *ld)
{
	unsigned int n = ld->plat->num_cpus();

	if (n > XMHF_MAX_CPUS) {
		ld->plat->log(XMHF_LOG_ERR, "%u CPUs present, the hypervisor supports at most %u",
			      n, XMHF_MAX_CPUS);
		return -E2BIG;
	}
	return 0;
}

/*
 * Appends a RAM range to the SL's map, merging it into the last one when
 * they overlap or touch (fewer entries, and the SL wants them disjoint).
 * The SL also wants them sorted: a range below the last one is refused.
 */
int xmhf_ram_add(struct xmhf_sl_params *p, u64 start, u64 size)
{
	struct xmhf_mem_range *last = p->num_ram ? &p->ram[p->num_ram - 1] : NULL;

	if (size == 0)
		return 0;
	if (start + size < start)
		return -EINVAL;
	if (start + size > XMHF_SLPB_RAM_LIMIT)	/* beyond the direct map */
		return -E2BIG;
	if (last && start < last->start)
		return -EINVAL;
	if (last && start <= last->start + last->size) {
		if (start + size > last->start + last->size)
			last->size = start + size - last->start;
		return 0;
	}
	if (p->num_ram >= XMHF_SLPB_MAX_RAM)
		return -E2BIG;
	p->ram[p->num_ram].start = start;
	p->ram[p->num_ram].size = size;
	p->num_ram++;
	return 0;
}

/*
 * SKINIT's preconditions that software can check (AMD APM vol. 2,
 * "Secure Startup with SKINIT"): the instruction, a TPM to measure into,
 * an SLB that is 64 KiB aligned below 4 GiB with a sane header.
 * Returns NULL when all hold, else what is wrong.
 */
const char *xmhf_skinit_check(const struct xmhf_cpu_caps *caps, u64 sl_base,
			      const struct xmhf_slb_header *slb, bool tpm)
{
	if (!caps->skinit)
		return "this CPU has no SKINIT";
	if (!tpm)
		return "no TPM: SKINIT measures the SLB into one";
	if (sl_base % XMHF_SL_MAX_SIZE)
		return "the SLB is not 64 KiB aligned";
	if (sl_base + XMHF_SL_MAX_SIZE > (1ull << 32))
		return "the SLB is above 4 GiB";
	if (slb->length < sizeof(*slb) || slb->entry < sizeof(*slb) ||
	    slb->entry >= slb->length)
		return "the SLB header is malformed";
	return NULL;
}

/* auto: SKINIT where the CPU and a TPM allow it, else the emulated launch. */
enum xmhf_launch_kind xmhf_launch_choose(enum xmhf_launch_kind requested,
					 const struct xmhf_cpu_caps *caps,
					 bool tpm)
{
	if (requested != XMHF_LAUNCH_AUTO)
		return requested;
	return caps->skinit && tpm ? XMHF_LAUNCH_SKINIT : XMHF_LAUNCH_EMULATED;
}

static int check_skinit(struct xmhf_loader *ld)
{
	const char *why;

	why = xmhf_skinit_check(&ld->caps, ld->mem_phys + XMHF_SL_OFFSET,
				(const void *)(ld->mem + XMHF_SL_OFFSET),
				xmhf_loader_params(ld)->tpm_base != 0);
	if (why) {
		ld->plat->log(XMHF_LOG_ERR, "launch=skinit: %s", why);
		return -ENODEV;
	}
	return 0;
}

static int read_blob(struct xmhf_loader *ld, const char *name,
		     const void *data, size_t size)
{
	int err = xmhf_blob_check(data, size);

	if (err) {
		ld->plat->log(XMHF_LOG_ERR, "blob %s rejected: %s", name,
			      xmhf_blob_strerror(err));
		return -ENOEXEC;
	}
	memcpy(&ld->blob, data, sizeof(ld->blob));
	return 0;
}

static int alloc_mem(struct xmhf_loader *ld)
{
	u64 phys = 0;

	ld->mem = ld->plat->mem_alloc(XMHF_MEM_ORDER, &phys);
	if (!ld->mem) {
		ld->plat->log(XMHF_LOG_ERR, "cannot allocate %lu KiB of contiguous memory below 4 GiB",
			      (unsigned long)XMHF_MEM_SIZE >> 10);
		return -ENOMEM;
	}
	/* The SL and its page tables rely on this; do not trust, check. */
	if (phys % XMHF_MEM_SIZE || phys + XMHF_MEM_SIZE > (1ull << 32)) {
		ld->plat->log(XMHF_LOG_ERR, "allocator returned unusable memory at %#llx",
			      (unsigned long long)phys);
		ld->plat->mem_free(ld->mem, XMHF_MEM_ORDER);
		ld->mem = NULL;
		return -ENOMEM;
	}
	ld->mem_phys = phys;
	return 0;
}

static void copy_images(struct xmhf_loader *ld, const u8 *data)
{
	const struct xmhf_blob_header *h = &ld->blob;
	struct xmhf_rt_header rt;

	memcpy(ld->mem + XMHF_SL_OFFSET, data + h->sl_offset, h->sl_size);
	memcpy(ld->mem + XMHF_RT_OFFSET, data + h->rt_offset, h->rt_size);
	memcpy(&rt, data + h->rt_offset, sizeof(rt));	/* checked by read_blob() */
	ld->rt_log_ring = rt.log_ring;
	ld->rt_exit_page = rt.exit_page;
}

struct xmhf_sl_params *xmhf_loader_params(struct xmhf_loader *ld)
{
	return (struct xmhf_sl_params *)(ld->mem + XMHF_SLPB_OFFSET);
}

static int fill_params(struct xmhf_loader *ld, const struct xmhf_load_opts *opts)
{
	struct xmhf_sl_params *p = xmhf_loader_params(ld);
	int err;

	p->magic = XMHF_SLPB_MAGIC;
	p->version = XMHF_SLPB_VERSION;
	p->size = sizeof(*p);
	p->launch_kind = ld->launch;
	p->hv_phys_base = ld->mem_phys;
	p->hv_size = XMHF_MEM_SIZE;
	p->rt_entry = ld->blob.rt_entry;
	p->rt_mem_size = ld->blob.rt_mem_size;
	p->phys_addr_bits = ld->caps.phys_addr_bits;
	p->debug_port = opts->debug_port;
	p->flags = opts->flags;

	err = ld->plat->describe(p);
	if (err)
		ld->plat->log(XMHF_LOG_ERR, "cannot describe the platform to the secure loader (%d)", err);
	return err;
}

/*
 * Extra heap blocks the machine needs (uapi/xmhf/layout.h): from the CPUs
 * and the end of RAM in the filled-in parameters, and the heap the first
 * block leaves after a runtime of rt_mem_size bytes, and more_pages on top.
 */
u32 xmhf_blocks_for(const struct xmhf_sl_params *p, u64 rt_mem_size, u64 more_pages)
{
	u64 end = 0, n;

	if (p->num_ram)
		end = p->ram[p->num_ram - 1].start + p->ram[p->num_ram - 1].size;
	n = xmhf_blocks_needed(xmhf_heap_pages_needed(p->num_cpus, end) + more_pages,
			       (XMHF_RT_MAX_SIZE - rt_mem_size) / 0x1000);
	/* Anything past the limit is refused the same way. */
	return n > XMHF_MAX_BLOCKS ? XMHF_MAX_BLOCKS + 1 : (u32)n;
}

/*
 * After the hypervisor ran: it scrubs its blocks itself before it
 * returns.  Say so, or say what it left (the module scrubs them anyway).
 */
static bool page_zero(const u8 *page)
{
	const u64 *q = (const u64 *)page;
	u32 i;

	for (i = 0; i < 0x1000 / 8; i++)
		if (q[i])
			return false;
	return true;
}

/* What the runtime's unload scrub keeps of the first block (runtime main.c). */
static bool kept(const struct xmhf_loader *ld, u64 off)
{
	u64 ring = XMHF_RT_OFFSET + (ld->rt_log_ring & ~0xfffull);

	if (off - XMHF_EARLY_OFFSET < XMHF_EARLY_TABLES * 0x1000ull)
		return true;	/* the SL's page tables */
	if (ld->rt_exit_page && off == XMHF_RT_OFFSET + ld->rt_exit_page)
		return true;
	return ld->rt_log_ring && off - ring < ((sizeof(struct xmhf_log_ring) + 0xfffull) & ~0xfffull);
}

static void check_scrubbed(struct xmhf_loader *ld)
{
	u64 left = 0, off;
	u32 i;

	for (off = 0; off < XMHF_MEM_SIZE; off += 0x1000)
		left += !kept(ld, off) && !page_zero(ld->mem + off);
	if (left)
		ld->plat->log(XMHF_LOG_WARN, "the hypervisor left %llu pages of its block unscrubbed",
			      (unsigned long long)left);
	else
		ld->plat->log(XMHF_LOG_INFO, "the hypervisor scrubbed its block (all but its exit page, page tables and log)");
	left = 0;
	for (i = 0; i < ld->num_blocks; i++)
		for (off = 0; off < XMHF_MEM_SIZE; off += 0x1000)
			left += !page_zero(ld->blocks[i] + off);
	if (left)
		ld->plat->log(XMHF_LOG_WARN, "the hypervisor left %llu pages of its %u extra heap blocks unscrubbed",
			      (unsigned long long)left, ld->num_blocks);
	else if (ld->num_blocks)
		ld->plat->log(XMHF_LOG_INFO, "the hypervisor scrubbed its %u extra heap blocks",
			      ld->num_blocks);
}

static void free_blocks(struct xmhf_loader *ld)
{
	while (ld->num_blocks) {
		u32 i = --ld->num_blocks;

		memset(ld->blocks[i], 0, XMHF_MEM_SIZE);
		ld->plat->mem_free(ld->blocks[i], XMHF_MEM_ORDER);
		ld->blocks[i] = NULL;
		ld->blocks_phys[i] = 0;
	}
}

/* One more block, kept in address order (the SL wants them sorted). */
static int add_block(struct xmhf_loader *ld)
{
	u64 phys = 0;
	u8 *b = ld->plat->mem_alloc_any(XMHF_MEM_ORDER, &phys);
	u32 i;

	if (!b)
		return -ENOMEM;
	if (phys % XMHF_MEM_SIZE) {	/* do not trust, check */
		ld->plat->mem_free(b, XMHF_MEM_ORDER);
		return -ENOMEM;
	}
	for (i = ld->num_blocks; i > 0 && ld->blocks_phys[i - 1] > phys; i--) {
		ld->blocks[i] = ld->blocks[i - 1];
		ld->blocks_phys[i] = ld->blocks_phys[i - 1];
	}
	ld->blocks[i] = b;
	ld->blocks_phys[i] = phys;
	ld->num_blocks++;
	return 0;
}

/* The heap the machine needs, plus what the user asked for on top. */
static int alloc_blocks(struct xmhf_loader *ld, const struct xmhf_load_opts *opts)
{
	struct xmhf_sl_params *p = xmhf_loader_params(ld);
	/*
	 * The IOMMU is taken at launch: its tables get a whole block of their
	 * own (scrubbed last at the unload); when Linux uses it, the virtual
	 * IOMMU's indexes come on top in the heap.
	 */
	bool free = p->iommu_base && ld->plat->iommu_free &&
		    ld->plat->iommu_free(p->iommu_base);
	u32 need = xmhf_blocks_for(p, ld->blob.rt_mem_size,
				   p->iommu_base && !free ? XMHF_HEAP_PAGES_VIOMMU : 0) +
		   (p->iommu_base ? 1 : 0), i;

	if ((u64)need + opts->extra_blocks > XMHF_MAX_BLOCKS) {
		ld->plat->log(XMHF_LOG_ERR, "%u CPUs and RAM up to %#llx need %u more 4 MiB blocks (+%u asked for), at most %u are supported",
			      p->num_cpus, p->num_ram ? (unsigned long long)(p->ram[p->num_ram - 1].start +
			      p->ram[p->num_ram - 1].size) : 0ull, need, opts->extra_blocks, XMHF_MAX_BLOCKS);
		return -E2BIG;
	}
	for (i = 0; i < need + opts->extra_blocks; i++) {
		if (add_block(ld)) {
			ld->plat->log(XMHF_LOG_ERR, "cannot allocate %u contiguous 4 MiB blocks for the hypervisor's heap (got %u)",
				      need + opts->extra_blocks, i);
			free_blocks(ld);
			return -ENOMEM;
		}
	}
	p->num_blocks = ld->num_blocks;
	for (i = 0; i < ld->num_blocks; i++)
		p->blocks[i] = ld->blocks_phys[i];
	return 0;
}

/* Scrubs the blocks before they go back: they held the hypervisor. */
static void free_mem(struct xmhf_loader *ld)
{
	free_blocks(ld);
	if (!ld->mem)
		return;
	memset(ld->mem, 0, XMHF_MEM_SIZE);
	ld->plat->mem_free(ld->mem, XMHF_MEM_ORDER);
	ld->mem = NULL;
	ld->mem_phys = 0;
}

int xmhf_loader_load(struct xmhf_loader *ld, const struct xmhf_platform *plat,
		     const struct xmhf_load_opts *opts)
{
	const void *data;
	void *fw;
	size_t size;
	int err;

	memset(ld, 0, sizeof(*ld));
	ld->plat = plat;

	xmhf_cpu_probe(plat, &ld->caps);
	err = xmhf_cpu_check(plat, &ld->caps);
	if (err)
		return err;
	err = check_launch(ld, opts->launch);
	if (err)
		return err;
	err = check_cpus(ld);
	if (err)
		return err;

	err = plat->fw_get(opts->blob_name, &data, &size, &fw);
	if (err) {
		plat->log(XMHF_LOG_ERR, "cannot read blob /lib/firmware/%s (%d)",
			  opts->blob_name, err);
		return err;
	}
	err = read_blob(ld, opts->blob_name, data, size);
	if (!err)
		err = alloc_mem(ld);
	if (!err) {
		copy_images(ld, data);
		err = fill_params(ld, opts);
		if (!err)
			err = alloc_blocks(ld, opts);
		if (!err) {
			ld->launch = xmhf_launch_choose(ld->launch, &ld->caps,
							xmhf_loader_params(ld)->tpm_base);
			xmhf_loader_params(ld)->launch_kind = ld->launch;
			if (ld->launch == XMHF_LAUNCH_SKINIT)
				err = check_skinit(ld);
		}
		if (err)
			free_mem(ld);
	}
	plat->fw_put(fw);
	if (err)
		return err;

	ld->state = XMHF_STATE_LOADED;
	return 0;
}

void xmhf_loader_unload(struct xmhf_loader *ld)
{
	if (ld->state == XMHF_STATE_LAUNCHED)
		check_scrubbed(ld);
	free_mem(ld);
	ld->state = 0;
}
