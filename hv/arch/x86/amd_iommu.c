// SPDX-License-Identifier: GPL-2.0
/*
 * The AMD IOMMU, owned by the hypervisor (docs/dma.md): the pure parts.
 * Parsing what the IOMMU says it can do, what Linux is shown instead, the
 * identity-minus-protected I/O page table, device table entries made from
 * Linux's and filtered interrupt remapping entries.  No hardware access:
 * the SL and the runtime program the registers with what these build.
 * Facts from the AMD I/O Virtualization Technology specification (rev. 3),
 * checked against QEMU's hw/i386/amd_iommu.c and Linux's
 * drivers/iommu/amd/amd_iommu_types.h.
 */
#include <arch/amd_iommu.h>

#define PAGE		0x1000ull
#define ENTRIES		512u
#define MAX_PHYS	(1ull << 52)

int amdv_parse(u32 cap, u64 efr, struct amdv_caps *caps)
{
	unsigned int hats;

	if ((cap & 0xff) != AMDV_CAP_ID || (cap & AMDV_CAP_TYPE_MASK) != AMDV_CAP_TYPE)
		return -1;
	caps->cap = cap;
	caps->efr = (cap & AMDV_CAP_EFR_SUP) ? efr : 0;
	hats = (caps->efr & AMDV_EFR_HATS_MASK) >> AMDV_EFR_HATS_SHIFT;
	if (hats == 3)
		return -1;			/* reserved */
	caps->max_levels = 4 + hats;
	caps->inv_all = caps->efr & AMDV_EFR_IA;
	return 0;
}

u64 amdv_virtual_efr(const struct amdv_caps *caps)
{
	/*
	 * Only INVALIDATE_IOMMU_ALL and the table size are emulated.  Hidden:
	 * prefetch (refused), PPR, guest translation, x2APIC and guest-APIC
	 * interrupts, NX, hardware-error and performance-counter registers.
	 */
	return caps->efr & (AMDV_EFR_IA | AMDV_EFR_HATS_MASK);
}

u32 amdv_virtual_cap(const struct amdv_caps *caps)
{
	return (caps->cap | AMDV_CAP_NP_CACHE) & ~AMDV_CAP_IOTLB;
}

/* ------------------------------------------------ identity minus protected */

struct id_ctx {
	struct amdv_pages *pg;
	const struct amdv_range *ram, *prot;
	unsigned int nram, nprot;
	u64 limit;
};

/* RAM rounded inwards to whole pages, protected ranges outwards. */
static void ram_bounds(const struct amdv_range *r, u64 *s, u64 *e)
{
	*s = ALIGN_UP(r->start, PAGE);
	*e = (r->start + r->size) & ~(PAGE - 1);
}

static void prot_bounds(const struct amdv_range *r, u64 *s, u64 *e)
{
	*s = r->start & ~(PAGE - 1);
	*e = ALIGN_UP(r->start + r->size, PAGE);
}

enum span { SPAN_NONE, SPAN_PART, SPAN_FULL };

/* How much of [b, b + n) devices may reach. */
static enum span span_state(const struct id_ctx *c, u64 b, u64 n)
{
	u64 e = b + n, s0, e0;
	bool in_one_ram = false, any_ram = false, any_prot = false;
	unsigned int i;

	for (i = 0; i < c->nprot; i++) {
		prot_bounds(&c->prot[i], &s0, &e0);
		if (s0 <= b && e <= e0)
			return SPAN_NONE;
		if (s0 < e && b < e0)
			any_prot = true;
	}
	for (i = 0; i < c->nram; i++) {
		ram_bounds(&c->ram[i], &s0, &e0);
		if (s0 >= e0)
			continue;
		if (s0 <= b && e <= e0)
			in_one_ram = true;
		if (s0 < e && b < e0)
			any_ram = true;
	}
	if (!any_ram)
		return SPAN_NONE;
	return in_one_ram && !any_prot ? SPAN_FULL : SPAN_PART;
}

static u64 *page_alloc(struct amdv_pages *pg, u64 *pa)
{
	u64 *t;
	unsigned int i;

	if (pg->used >= pg->n)
		return NULL;
	t = pg->va[pg->used];
	*pa = pg->pa[pg->used++];
	for (i = 0; i < ENTRIES; i++)
		t[i] = 0;
	return t;
}

/* One table at @level (1: 4 KiB entries) for the addresses from @base. */
static int build_level(struct id_ctx *c, unsigned int level, u64 base, u64 *pa)
{
	u64 span = 1ull << (12 + 9 * (level - 1)), eb, child;
	const u64 rw = AMDV_PTE_IR | AMDV_PTE_IW | AMDV_PTE_PR;
	enum span st;
	unsigned int i;
	u64 *t;

	t = page_alloc(c->pg, pa);
	if (!t)
		return -1;
	for (i = 0; i < ENTRIES; i++) {
		eb = base + (u64)i * span;
		if (eb >= c->limit)
			break;
		st = span_state(c, eb, span);
		if (st == SPAN_NONE)
			continue;
		/* Leaves of 1 GiB at most (Next Level 0 at levels 1-3). */
		if (st == SPAN_FULL && level <= 3) {
			t[i] = eb | AMDV_PTE_FC | rw;
			continue;
		}
		if (level == 1)
			continue;	/* cannot happen: pages are whole */
		if (build_level(c, level - 1, eb, &child))
			return -1;
		t[i] = child | ((u64)(level - 1) << AMDV_PTE_NEXT_SHIFT) | rw;
	}
	return 0;
}

int amdv_build_identity(struct amdv_pages *pg,
			const struct amdv_range *ram, unsigned int nram,
			const struct amdv_range *prot, unsigned int nprot,
			unsigned int max_levels, u64 *root_pa, unsigned int *levels)
{
	struct id_ctx c = { pg, ram, prot, nram, nprot, 0 };
	unsigned int i, l;
	u64 s, e;

	for (i = 0; i < nram; i++) {
		if (ram[i].start >= MAX_PHYS || ram[i].size > MAX_PHYS - ram[i].start)
			return -1;
		ram_bounds(&ram[i], &s, &e);
		if (e > c.limit)
			c.limit = e;
	}
	for (i = 0; i < nprot; i++)
		if (prot[i].start >= MAX_PHYS || prot[i].size > MAX_PHYS - prot[i].start)
			return -1;
	/* The fewest levels that reach the top of RAM; 3 at least. */
	for (l = 3; l < 6 && c.limit > (1ull << (12 + 9 * l)); l++)
		;
	if (l > max_levels)
		return -1;
	if (build_level(&c, l, 0, root_pa))
		return -1;
	*levels = l;
	return 0;
}

/* ------------------------------------------------------------ device table */

unsigned int amdv_dte_build(const u64 linux_dte[4], u64 shadow_root,
			    unsigned int shadow_levels, u64 id_root,
			    unsigned int id_levels, u64 irt_pa, u64 out[4])
{
	const u64 l0 = linux_dte[0], l1 = linux_dte[1], l2 = linux_dte[2];
	const u64 guest0 = AMDV_DTE_PPR | AMDV_DTE_GPRP | AMDV_DTE_GIOV |
			   AMDV_DTE_GV | AMDV_DTE_GLX_MASK | AMDV_DTE_GCR3_LO_MASK;
	const u64 guest1 = AMDV_DTE1_GCR3_MID_MASK | AMDV_DTE1_GCR3_HI_MASK;
	bool valid = l0 & AMDV_DTE_V;
	unsigned int mode = (l0 & AMDV_DTE_MODE_MASK) >> AMDV_DTE_MODE_SHIFT;
	unsigned int why = 0;
	bool shadowed = false;
	u64 intctl, perm;

	out[0] = out[1] = out[2] = out[3] = 0;

	/* DMA: always a table, never passthrough. */
	if (valid && (l0 & AMDV_DTE_TV) && mode >= 1 && mode <= 6 && shadow_root) {
		out[0] = (shadow_root & AMDV_DTE_ROOT_MASK) |
			 ((u64)shadow_levels << AMDV_DTE_MODE_SHIFT);
		perm = l0 & (AMDV_DTE_IR | AMDV_DTE_IW);
		shadowed = true;
	} else {
		/* Linux's IOMMU off, no translation info, or identity (Mode 0). */
		if (valid)
			why |= AMDV_REFUSED_PASSTHRU;
		out[0] = (id_root & AMDV_DTE_ROOT_MASK) |
			 ((u64)id_levels << AMDV_DTE_MODE_SHIFT);
		perm = valid && (l0 & AMDV_DTE_TV) && mode == 0 ?
		       l0 & (AMDV_DTE_IR | AMDV_DTE_IW) : AMDV_DTE_IR | AMDV_DTE_IW;
	}
	out[0] |= AMDV_DTE_V | AMDV_DTE_TV | perm;
	if (!valid)
		goto intr;

	if ((l0 & guest0) || (l1 & guest1))
		why |= AMDV_REFUSED_GUEST;
	/* Linux's domain ID for its shadow; the identity table's is ours (0). */
	if (shadowed)
		out[1] |= l1 & AMDV_DTE1_DOMID_MASK;
	/*
	 * Linux's SE and SA only: Cache and SD (snoop disable) would let the
	 * hardware walk the shadows and remapping copies without snooping the
	 * CPU's writes to them.
	 */
	out[1] |= l1 & (AMDV_DTE1_SE | AMDV_DTE1_SA);
	if (l1 & AMDV_DTE1_IOTLB)
		why |= AMDV_REFUSED_IOTLB;
	if (l1 & AMDV_DTE1_EX)
		why |= AMDV_REFUSED_EX;
	/* Upstream port I/O (IoCtl) and system management messages: never. */
	if (l1 & (AMDV_DTE1_SYSMGT_MASK | AMDV_DTE1_IOCTL_MASK))
		why |= AMDV_REFUSED_SYSMGT;
	if (l2 & (AMDV_DTE2_INIT_PASS | AMDV_DTE2_EINT_PASS))
		why |= AMDV_REFUSED_PASS;

intr:
	/*
	 * Interrupts: always IV=1, so that INIT and ExtINT messages need a
	 * pass bit, which is never set.  Linux's remapping, through our copy of
	 * its table; else fixed and arbitrated forwarded as they are.
	 */
	intctl = (l2 & AMDV_DTE2_INTCTL_MASK) >> AMDV_DTE2_INTCTL_SHIFT;
	out[2] = AMDV_DTE2_IV;
	if (valid && (l2 & AMDV_DTE2_IV)) {
		out[2] |= l2 & (AMDV_DTE2_NMI_PASS | AMDV_DTE2_LINT0_PASS | AMDV_DTE2_LINT1_PASS);
		if (intctl == AMDV_INTCTL_REMAP && irt_pa) {
			out[2] |= (irt_pa & AMDV_DTE2_IRT_MASK) |
				  (l2 & AMDV_DTE2_INTTABLEN_MASK) |
				  (AMDV_INTCTL_REMAP << AMDV_DTE2_INTCTL_SHIFT);
		} else if (intctl == AMDV_INTCTL_FORWARD) {
			out[2] |= AMDV_INTCTL_FORWARD << AMDV_DTE2_INTCTL_SHIFT;
		} else if (intctl != AMDV_INTCTL_ABORT) {
			why |= AMDV_REFUSED_INTCTL;	/* reserved, or no table copy */
		}
	} else {
		/* As if no IOMMU: fixed, arbitrated and NMI pass, the rest not. */
		out[2] |= AMDV_DTE2_NMI_PASS | (AMDV_INTCTL_FORWARD << AMDV_DTE2_INTCTL_SHIFT);
		if (valid)
			out[2] |= l2 & (AMDV_DTE2_LINT0_PASS | AMDV_DTE2_LINT1_PASS);
	}
	return why;
}

void amdv_fill_blocking(u64 *devtab, u32 n, const volatile u64 *ltab, u32 nlinux,
			u64 id_root, unsigned int id_levels, bool ga,
			amdv_irt_ok_fn irt_ok, void *ctx)
{
	u64 l[4], out[4], irt, len;
	u32 d, i;

	for (d = 0; d < n; d++) {
		l[0] = l[1] = l[2] = l[3] = 0;
		if (ltab && d < nlinux)
			for (i = 0; i < 4; i++)
				l[i] = ltab[4 * d + i];
		/* Linux's entry counts for its interrupts only, never its DMA. */
		l[0] &= AMDV_DTE_V;
		irt = 0;
		len = 1ull << ((l[2] & AMDV_DTE2_INTTABLEN_MASK) >> AMDV_DTE2_INTTABLEN_SHIFT);
		/* 2048 entries at most: 12-15 are reserved lengths. */
		if ((l[0] & AMDV_DTE_V) && (l[2] & AMDV_DTE2_IV) && len <= 2048 &&
		    irt_ok(ctx, l[2] & AMDV_DTE2_IRT_MASK, len * (ga ? 16 : 4)))
			irt = l[2] & AMDV_DTE2_IRT_MASK;
		amdv_dte_build(l, 0, 0, id_root, id_levels, irt, out);
		/* Not remapped: untranslated, as natively (QEMU mangles forwarded ones). */
		if (!((l[0] & AMDV_DTE_V) && (l[2] & AMDV_DTE2_IV)))
			out[2] = 0;
		for (i = 0; i < 4; i++)
			devtab[4 * d + i] = out[i];
	}
}

/* ------------------------------------------------------ interrupt remapping */

u32 amdv_irte_filter(u32 irte, bool *refused)
{
	unsigned int type = (irte & AMDV_IRTE_TYPE_MASK) >> AMDV_IRTE_TYPE_SHIFT;

	*refused = false;
	if (!(irte & AMDV_IRTE_REMAP_EN))
		return irte;
	/* Fixed (0), arbitrated (1) and NMI (4) only. */
	if ((type == 0 || type == 1 || type == 4) && !(irte & AMDV_IRTE_GUEST_MODE))
		return irte;
	*refused = true;
	return irte & ~AMDV_IRTE_REMAP_EN;
}

/* ------------------------------------------------------------ commands */

/*
 * INVALIDATE_IOMMU_PAGES' range: S=0, the 4 KiB page at the address; S=1,
 * the first zero bit of the address from bit 12 up, n, gives a range of
 * 2^(n+1) bytes aligned to its size; n at 51 or above means all (Linux
 * sends 0x7fffffffffffffff for that).
 */
static void inv_range(u64 addr, bool s, struct amdv_cmd *o)
{
	unsigned int n = 12;
	u64 size;

	addr &= ~(PAGE - 1);
	if (!s) {
		o->start = addr;
		o->end = addr + PAGE;
		return;
	}
	while (n < 64 && (addr >> n) & 1)
		n++;
	if (n >= 51) {
		o->all = true;
		o->start = 0;
		o->end = ~0ull;
		return;
	}
	size = 1ull << (n + 1);
	o->start = addr & ~(size - 1);
	o->end = o->start + size;
}

int amdv_cmd_decode(const u64 cmd[2], struct amdv_cmd *o)
{
	const u64 c0 = cmd[0], c1 = cmd[1];

	*o = (struct amdv_cmd){ .op = c0 >> 60 };
	switch (o->op) {
	case AMDV_CMD_COMPLETION_WAIT:
		o->store = c0 & 1;
		o->intr = c0 & 2;
		o->store_pa = c0 & 0x000ffffffffffff8ull;
		o->data = c1;
		return 0;
	case AMDV_CMD_INV_DEVTAB_ENTRY:
	case AMDV_CMD_INV_INTERRUPT_TABLE:
	case AMDV_CMD_INV_IOTLB_PAGES:
		o->devid = c0 & 0xffff;
		return 0;
	case AMDV_CMD_INV_IOMMU_PAGES:
		if (c1 & 4)
			return -1;	/* GN: a guest (PASID) address space */
		o->domid = (c0 >> 32) & 0xffff;
		o->pde = c1 & 2;
		inv_range(c1, c1 & 1, o);
		return 0;
	case AMDV_CMD_INV_IOMMU_ALL:
		o->all = true;
		return 0;
	default:
		return -1;	/* prefetch, PPR, unknown */
	}
}

/* ------------------------------------------------------ Linux's tables */

struct walk_ctx {
	amdv_read_fn read;
	amdv_leaf_fn leaf;
	void *ctx;
	u64 start, end;
};

static u64 level_span(unsigned int level)	/* bytes one entry covers */
{
	return 1ull << (12 + 9 * (level - 1));
}

/*
 * A sized leaf (Next Level 7): the address bits from 12 up that are 1, up
 * to the first 0 at bit n, say its size is 2^(n+1); it lies between its
 * level's own size and the next level's.  0 if malformed.
 */
static u64 sized_leaf(u64 pte, unsigned int level)
{
	u64 addr = pte & AMDV_PTE_ADDR_MASK, size;
	unsigned int n = 12;

	while (n < 52 && (addr >> n) & 1)
		n++;
	if (n >= 51)
		return 0;
	size = 1ull << (n + 1);
	if (size <= level_span(level) || (level < 6 && size > level_span(level + 1)))
		return 0;
	return size;
}

/* The table at @table_pa, at @level, covering IOVAs from @base. */
static int walk_table(struct walk_ctx *w, u64 table_pa, unsigned int level,
		      u64 base, bool r, bool wr)
{
	unsigned int shift = 12 + 9 * (level - 1), i, first, next, n;
	u64 span = 1ull << shift, eb, pte, size;
	const u64 *t = w->read(w->ctx, table_pa);
	struct amdv_leaf lf;
	int ret;

	if (!t)
		return -1;
	n = level == 6 ? 128 : ENTRIES;		/* level 6: the top 7 bits */
	first = 0;
	if (w->start > base)
		first = (w->start - base) >> shift > n ? n :
			(unsigned int)((w->start - base) >> shift);
	for (i = first; i < n; i++) {
		eb = base + ((u64)i << shift);
		if (eb >= w->end)
			break;
		/* Once: Linux may change its table meanwhile, from another CPU. */
		pte = *(const volatile u64 *)&t[i];
		if (!(pte & AMDV_PTE_PR))
			continue;
		next = (pte & AMDV_PTE_NEXT_MASK) >> AMDV_PTE_NEXT_SHIFT;
		if (next == 0 || next == 7) {
			/*
			 * A leaf.  A sized one is replicated over the entries it
			 * covers; the IOMMU reads only the entry the IOVA hits,
			 * so each entry is reported on its own, for its span.
			 */
			lf.iova = eb;
			lf.size = span;
			lf.pa = pte & AMDV_PTE_ADDR_MASK & ~(span - 1);
			if (next == 7) {
				size = sized_leaf(pte, level);
				if (!size)
					return -1;
				lf.pa = (pte & AMDV_PTE_ADDR_MASK & ~(size - 1)) | (eb & (size - 1));
			}
			lf.r = r && (pte & AMDV_PTE_IR);
			lf.w = wr && (pte & AMDV_PTE_IW);
			ret = w->leaf(w->ctx, &lf);
			if (ret)
				return ret;
			continue;
		}
		if (next >= level)
			return -1;
		/*
		 * A table for level @next: the levels between are skipped, and
		 * the IOVA bits they would use must be 0, so only the first
		 * part of this entry's range translates, from eb up.
		 */
		ret = walk_table(w, pte & AMDV_PTE_ADDR_MASK, next, eb,
				 r && (pte & AMDV_PTE_IR), wr && (pte & AMDV_PTE_IW));
		if (ret)
			return ret;
	}
	return 0;
}

int amdv_walk(u64 root, unsigned int levels, u64 start, u64 end,
	      amdv_read_fn read, amdv_leaf_fn leaf, void *ctx)
{
	struct walk_ctx w = { read, leaf, ctx, start & ~(PAGE - 1), end };

	if (levels < 1 || levels > 6 || start >= end)
		return -1;
	if (levels < 6 && w.end > level_span(levels) * ENTRIES)
		w.end = level_span(levels) * ENTRIES;	/* nothing translates above */
	return walk_table(&w, root & AMDV_PTE_ADDR_MASK, levels, 0, true, true);
}
