// SPDX-License-Identifier: GPL-2.0
/*
 * Shadow I/O page tables (docs/dma.md, "I/O page tables: shadow, not
 * write-protect-and-validate").  The real device table entry of a device
 * Linux translates points at the hypervisor's copy of Linux's table, which
 * holds only leaves whose target the runtime's policy (@allow) accepts.
 * The shadow follows Linux's table range by range, on Linux's own
 * invalidations: each entry the range covers is built aside from a walk of
 * Linux's table (amdv_walk(), which reads each of Linux's entries once),
 * with only what @allow accepts, then merged into the live table entry by
 * entry, so that unchanged leaves never blink.  The IOMMU only ever reads
 * hypervisor memory; a mistake here loses a mapping for Linux, it never
 * adds one.
 *
 * Also the copy of Linux's interrupt remapping tables (docs/dma.md,
 * "Interrupt remapping").
 *
 * Pure code, no hardware access: memory, reads of Linux's tables and the
 * policy are callbacks, played by selftests/unit/test_amd_iommu_shadow.c.
 */
#include <arch/amd_iommu.h>

#define PAGE		0x1000ull
#define ENTRIES		512u
#define PDE_BITS	(AMDV_PTE_PR | AMDV_PTE_IR | AMDV_PTE_IW)
#define LEAF_MAX_LEVEL	3	/* 1 GiB: the largest leaf the shadow uses */

static u64 span(unsigned int level)	/* bytes one entry at @level covers */
{
	return 1ull << (12 + 9 * (level - 1));
}

/* Level 6 uses the top 7 bits of the IOVA only, as amdv_walk() does. */
static unsigned int nentries(unsigned int level)
{
	return level == 6 ? 128 : ENTRIES;
}

static unsigned int index_of(u64 iova, unsigned int level)
{
	return (iova >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

/* Shadow entries are only written by this file: a table entry has Next
 * Level = its level - 1, a leaf Next Level 0. */
static bool is_table(u64 e, unsigned int level)
{
	return level > 1 && (e & AMDV_PTE_NEXT_MASK);
}

/*
 * A live entry: one 8-byte store the compiler may neither split nor move,
 * after every store before it (a table's entries before the link to it;
 * x86 keeps stores in order for the IOMMU too): the IOMMU walks the shadow
 * while it changes.
 */
static void set_pte(u64 *p, u64 v)
{
	__asm__ volatile("" ::: "memory");
	*(volatile u64 *)p = v;
}

/* The last IOVA the shadow's levels cover (level 6: all 64 bits). */
static u64 domain_last(unsigned int levels)
{
	return levels == 6 ? ~0ull : span(levels) * ENTRIES - 1;
}

static u64 *new_table(struct amdv_shadow *s, const struct amdv_mem *m, u64 *pa)
{
	u64 *t = m->alloc(m->ctx, pa);

	if (!t)
		return NULL;
	if (*pa & ~AMDV_PTE_ADDR_MASK) {	/* not a page a PTE can name */
		m->free(m->ctx, t, *pa);
		return NULL;
	}
	s->pages++;
	return t;
}

int amdv_shadow_init(struct amdv_shadow *s, const struct amdv_mem *m, u16 domid,
		     u64 linux_root, unsigned int levels)
{
	u64 pa;

	*s = (struct amdv_shadow){ .levels = levels, .domid = domid, .linux_root = linux_root };
	if (levels < 1 || levels > 6)
		return -1;
	if (!new_table(s, m, &pa))
		return -1;
	s->root_pa = pa;
	return 0;
}

/* ------------------------------------------------------------ removing */

static bool table_empty(const u64 *t, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (t[i] & AMDV_PTE_PR)
			return false;
	return true;
}

/*
 * Remove every leaf of table @t (at @level, covering IOVAs from @base)
 * that lies in [start, last]; child tables left empty are unlinked, then
 * freed.  The caller widened the range to whole leaves.  Recursion: one
 * call per level, 6 deep at most.
 */
static void clear_table(struct amdv_shadow *s, const struct amdv_mem *m, u64 *t,
			unsigned int level, u64 base, u64 start, u64 last)
{
	unsigned int shift = 12 + 9 * (level - 1), n = nentries(level), i, first, end;
	u64 e, eb, elast, *child;

	first = start > base ? (unsigned int)((start - base) >> shift) : 0;
	end = (last - base) >> shift >= n ? n - 1 : (unsigned int)((last - base) >> shift);
	for (i = first; i <= end; i++) {
		e = t[i];
		if (!(e & AMDV_PTE_PR))
			continue;
		if (!is_table(e, level)) {
			set_pte(&t[i], 0);
			s->mapped--;
			continue;
		}
		eb = base + ((u64)i << shift);
		elast = eb + ((1ull << shift) - 1);
		child = m->va(m->ctx, e & AMDV_PTE_ADDR_MASK);
		if (!child) {			/* not ours: unlink it, fail closed */
			set_pte(&t[i], 0);
			continue;
		}
		clear_table(s, m, child, level - 1, eb, start > eb ? start : eb,
			    last < elast ? last : elast);
		if (table_empty(child, nentries(level - 1))) {
			set_pte(&t[i], 0);
			m->free(m->ctx, child, e & AMDV_PTE_ADDR_MASK);
			s->pages--;
		}
	}
}

/* The shadow leaf holding @iova, if any: its first IOVA and its size. */
static bool leaf_at(const struct amdv_shadow *s, const struct amdv_mem *m, u64 iova,
		    u64 *base, u64 *size)
{
	const u64 *t = m->va(m->ctx, s->root_pa);
	unsigned int level;
	u64 e;

	for (level = s->levels; t && level >= 1; level--) {
		e = t[index_of(iova, level)];
		if (!(e & AMDV_PTE_PR))
			return false;
		if (!is_table(e, level)) {
			*size = span(level);
			*base = iova & ~(*size - 1);
			return true;
		}
		t = m->va(m->ctx, e & AMDV_PTE_ADDR_MASK);
	}
	return false;
}

/* ------------------------------------------------------------ adding */

struct sync_ctx {
	struct amdv_shadow *s;
	const struct amdv_mem *m;
	amdv_allow_fn allow;
	void *allow_ctx;
	amdv_read_fn read;
	void *read_ctx;
	unsigned long checks;	/* allow() calls left in this sync */
	u64 start, last;	/* the span being built, inclusive */
	u64 *slot;		/* the detached entry it is built under */
	unsigned int slot_level;
	u64 fail;		/* the first IOVA not synced, when a sync fails */
};

static void free_table(struct amdv_shadow *s, const struct amdv_mem *m, u64 *t, u64 pa,
		       unsigned int level);

/* Every page and leaf under entry @e at @level back (detached or unlinked). */
static void drop_entry(struct amdv_shadow *s, const struct amdv_mem *m, u64 e,
		       unsigned int level)
{
	u64 *child;

	if (!(e & AMDV_PTE_PR))
		return;
	if (!is_table(e, level)) {
		s->mapped--;
		return;
	}
	child = m->va(m->ctx, e & AMDV_PTE_ADDR_MASK);
	if (child)
		free_table(s, m, child, e & AMDV_PTE_ADDR_MASK, level - 1);
}

/*
 * One leaf at @level (1..3) for [iova, iova + span(level)) -> pa, under
 * the detached entry being built (the IOMMU cannot see it yet), with the
 * tables between made as needed.  The slot is always free: anything else
 * there is a bug, refused (-1) without mapping.
 */
static int put_leaf(struct sync_ctx *c, u64 iova, u64 pa, unsigned int level, u64 perm)
{
	struct amdv_shadow *s = c->s;
	const struct amdv_mem *m = c->m;
	unsigned int l;
	u64 *p = c->slot, *child, cpa;

	for (l = c->slot_level; l > level; l--) {
		if (!(*p & AMDV_PTE_PR)) {
			child = new_table(s, m, &cpa);
			if (!child)
				return -1;
			*p = cpa | ((u64)(l - 1) << AMDV_PTE_NEXT_SHIFT) | PDE_BITS;
		} else if (!is_table(*p, l)) {
			return -1;
		} else {
			child = m->va(m->ctx, *p & AMDV_PTE_ADDR_MASK);
			if (!child)
				return -1;
		}
		p = &child[index_of(iova, l - 1)];
	}
	if (*p & AMDV_PTE_PR)
		return -1;
	/*
	 * FC set, as Linux sets it on every leaf it makes (and as the
	 * identity table has it): amdv_walk() does not report Linux's FC, and
	 * coherent DMA into RAM is never less safe than non-coherent.
	 */
	*p = pa | perm | AMDV_PTE_FC | AMDV_PTE_PR;
	s->mapped++;
	return 0;
}

/*
 * Map [iova, iova + len) -> [pa, pa + len), page-aligned, with the
 * largest leaves that fit and that @allow accepts whole: a refused 1 GiB
 * piece is tried as 2 MiB pieces, a refused 2 MiB one as 4 KiB pages, a
 * refused page is counted.  Once the sync's allow() calls are spent, the
 * rest is refused unchecked (and counted).  Each turn decides one piece.
 */
static int map_range(struct sync_ctx *c, u64 iova, u64 pa, u64 len, u64 perm)
{
	unsigned int top = c->s->levels < LEAF_MAX_LEVEL ? c->s->levels : LEAF_MAX_LEVEL, l;
	u64 sz = PAGE;

	bool done;

	while (len) {
		/* Positions inside a refused block are never aligned to its size. */
		for (done = false, l = top; l >= 1 && !done; l--) {
			sz = span(l);
			if (l > 1 && (((iova | pa) & (sz - 1)) || len < sz))
				continue;
			if (!c->checks) {
				c->s->refused += len >> 12;
				return 0;
			}
			c->checks--;
			if (c->allow(c->allow_ctx, pa, sz)) {
				if (put_leaf(c, iova, pa, l, perm))
					return -1;
				done = true;
			} else if (l == 1) {
				c->s->refused++;
				done = true;
			}
		}
		iova += sz;
		pa += sz;
		len -= sz;
	}
	return 0;
}

/* amdv_walk() has one context for both callbacks: the caller's read's is passed on. */
static const u64 *read_linux(void *ctx, u64 table_pa)
{
	struct sync_ctx *c = ctx;

	return c->read(c->read_ctx, table_pa);
}

/* amdv_walk()'s leaf callback: one of Linux's translations. */
static int add_leaf(void *ctx, const struct amdv_leaf *lf)
{
	struct sync_ctx *c = ctx;
	u64 iova = lf->iova, pa = lf->pa, len = lf->size, cut, perm;

	if ((iova | pa | len) & (PAGE - 1) || !len)
		return -1;			/* not what amdv_walk reports */
	if (!lf->r && !lf->w)
		return 0;			/* no access either way */
	/* Clipped to the span: what lies outside is not being built. */
	if (iova < c->start) {
		cut = c->start - iova;
		if (cut >= len)
			return 0;
		iova += cut;
		pa += cut;
		len -= cut;
	}
	if (iova > c->last)
		return 0;
	if (len - 1 > c->last - iova)
		len = c->last - iova + 1;
	perm = (lf->r ? AMDV_PTE_IR : 0) | (lf->w ? AMDV_PTE_IW : 0);
	return map_range(c, iova, pa, len, perm);
}

/*
 * What entry @level for [eb, elast] should be, built aside from Linux's
 * table: a leaf, a table (detached, the IOMMU cannot reach it) or 0.
 * -1 (nothing kept) on a failure.
 */
static int build_entry(struct sync_ctx *c, u64 eb, u64 elast, unsigned int level, u64 *out)
{
	u64 slot = 0;

	c->start = eb;
	c->last = elast;
	c->slot = &slot;
	c->slot_level = level;
	if (amdv_walk(c->s->linux_root, c->s->levels, eb, elast == ~0ull ? ~0ull : elast + 1,
		      read_linux, add_leaf, c)) {
		drop_entry(c->s, c->m, slot, level);
		return -1;
	}
	*out = slot;
	return 0;
}

/*
 * Make the live entry *@live (at @level) what the built entry @n says,
 * entry by entry where both are tables, so that a leaf that stays the same
 * is never absent meanwhile (a device's DMA to it never faults).  The
 * built tables' pages are given back as they are merged; what is replaced
 * is unlinked first, then freed.  Needs no page: cannot fail.
 */
static void merge_entry(struct sync_ctx *c, u64 *live, u64 n, unsigned int level)
{
	struct amdv_shadow *s = c->s;
	const struct amdv_mem *m = c->m;
	u64 o = *live, *co, *cn;
	unsigned int j;

	if ((o & AMDV_PTE_PR) && is_table(o, level) && (n & AMDV_PTE_PR) && is_table(n, level)) {
		co = m->va(m->ctx, o & AMDV_PTE_ADDR_MASK);
		cn = m->va(m->ctx, n & AMDV_PTE_ADDR_MASK);
		if (co && cn) {
			for (j = 0; j < nentries(level - 1); j++)
				merge_entry(c, &co[j], cn[j], level - 1);
			m->free(m->ctx, cn, n & AMDV_PTE_ADDR_MASK);
			s->pages--;
			if (table_empty(co, nentries(level - 1))) {
				set_pte(live, 0);
				m->free(m->ctx, co, o & AMDV_PTE_ADDR_MASK);
				s->pages--;
			}
			return;
		}
	}
	if (o == n) {
		if (o & AMDV_PTE_PR)
			s->mapped--;		/* the same leaf, counted twice */
		return;
	}
	set_pte(live, n);
	drop_entry(s, m, o, level);
}

/*
 * Sync the entries of live table @t (at @level, from IOVA @base) that
 * overlap [start, last]: an entry wholly inside is built aside and merged;
 * one partly inside is a table (the range was widened to whole leaves),
 * synced in turn, as is one whose build failed.  Recursion: one call per
 * level.  On a failure, c->fail is the first IOVA left unsynced.
 */
static int sync_table(struct sync_ctx *c, u64 *t, unsigned int level, u64 base,
		      u64 start, u64 last)
{
	struct amdv_shadow *s = c->s;
	const struct amdv_mem *m = c->m;
	unsigned int shift = 12 + 9 * (level - 1), n = nentries(level), i, first, end;
	u64 eb, elast, e, built, *child, cpa;
	int ret;

	first = start > base ? (unsigned int)((start - base) >> shift) : 0;
	end = (last - base) >> shift >= n ? n - 1 : (unsigned int)((last - base) >> shift);
	for (i = first; i <= end; i++) {
		eb = base + ((u64)i << shift);
		elast = eb + ((1ull << shift) - 1);
		c->fail = start > eb ? start : eb;
		if (start <= eb && elast <= last) {
			if (!build_entry(c, eb, elast, level, &built)) {
				merge_entry(c, &t[i], built, level);
				continue;
			}
			if (level == 1)
				return -1;
			/*
			 * It failed somewhere inside: sync it entry by entry one
			 * level down, to keep what lies before the failure point.
			 * An old leaf here goes first (the failure path only).
			 */
			e = t[i];
			if ((e & AMDV_PTE_PR) && !is_table(e, level)) {
				set_pte(&t[i], 0);
				s->mapped--;
			}
		}
		e = t[i];
		if (level == 1 || ((e & AMDV_PTE_PR) && !is_table(e, level)))
			return -1;		/* cannot happen: pages, widened */
		if (!(e & AMDV_PTE_PR)) {
			child = new_table(s, m, &cpa);
			if (!child)
				return -1;
			/* Zeroed before it is linked: the IOMMU sees "not present". */
			set_pte(&t[i], cpa | ((u64)(level - 1) << AMDV_PTE_NEXT_SHIFT) | PDE_BITS);
		} else {
			cpa = e & AMDV_PTE_ADDR_MASK;
			child = m->va(m->ctx, cpa);
			if (!child)
				return -1;
		}
		ret = sync_table(c, child, level - 1, eb, start > eb ? start : eb,
				 last < elast ? last : elast);
		if (table_empty(child, nentries(level - 1))) {
			set_pte(&t[i], 0);
			m->free(m->ctx, child, cpa);
			s->pages--;
		}
		if (ret)
			return -1;
	}
	return 0;
}

int amdv_shadow_sync(struct amdv_shadow *s, const struct amdv_mem *m, u64 start, u64 end,
		     amdv_read_fn read, void *read_ctx, amdv_allow_fn allow, void *allow_ctx)
{
	struct sync_ctx c = { s, m, allow, allow_ctx, read, read_ctx,
			      AMDV_SHADOW_SYNC_CHECKS, 0, 0, NULL, 0, 0 };
	u64 *root, last, base, size;

	if (!s->root_pa || s->levels < 1 || s->levels > 6)
		return -1;
	if (start >= end)
		return 0;
	root = m->va(m->ctx, s->root_pa);
	if (!root)
		return -1;
	start &= ~(PAGE - 1);
	last = (end - 1) | (PAGE - 1);
	if (last > domain_last(s->levels))
		last = domain_last(s->levels);
	if (start > last)
		return 0;
	/* A shadow leaf across either end is re-made whole from Linux's table. */
	if (leaf_at(s, m, start, &base, &size))
		start = base;
	if (leaf_at(s, m, last, &base, &size))
		last = base + (size - 1);

	if (!sync_table(&c, root, s->levels, 0, start, last))
		return 0;
	/*
	 * Fail closed: what was synced before c.fail was checked; what was
	 * not may be stale (policy changed, Linux unmapped it): removed.
	 */
	clear_table(s, m, root, s->levels, 0, c.fail, last);
	return -1;
}

static void free_table(struct amdv_shadow *s, const struct amdv_mem *m, u64 *t, u64 pa,
		       unsigned int level)
{
	unsigned int i;
	u64 e, *child;

	for (i = 0; i < nentries(level); i++) {
		e = t[i];
		if (!(e & AMDV_PTE_PR))
			continue;
		set_pte(&t[i], 0);
		if (!is_table(e, level)) {
			s->mapped--;
			continue;
		}
		child = m->va(m->ctx, e & AMDV_PTE_ADDR_MASK);
		if (child)
			free_table(s, m, child, e & AMDV_PTE_ADDR_MASK, level - 1);
	}
	m->free(m->ctx, t, pa);
	s->pages--;
}

void amdv_shadow_free(struct amdv_shadow *s, const struct amdv_mem *m)
{
	u64 *root;

	if (!s->root_pa)
		return;
	root = m->va(m->ctx, s->root_pa);
	if (root)
		free_table(s, m, root, s->root_pa, s->levels);
	s->root_pa = 0;
}

/* ------------------------------------------------------ interrupt remapping */

/*
 * Both IRTE formats keep what the filter needs in their low 32 bits
 * (AMD IOMMU specification, "Interrupt Remapping Tables"; Linux's union
 * irte and struct irte_ga_lo): RemapEn bit 0, IntType bits 4:2, and bit 7,
 * GuestMode in the 128-bit format (then bits 4:2 are not IntType, and the
 * entry posts to a guest's virtual APIC: refused) and reserved in the
 * 32-bit one (refused as well: a reserved bit set is not an entry Linux
 * makes).  The rest of a 128-bit entry, the vector and the destination's
 * high bits, is copied bit for bit.
 */
unsigned int amdv_irt_copy(void *dst, const void *src, unsigned int n, bool ga)
{
	unsigned int i, refused = 0;
	bool r;

	if (ga) {
		const volatile u64 *in = src;
		volatile u64 *out = dst;
		u64 lo, hi;

		for (i = 0; i < n; i++) {
			lo = in[2 * (size_t)i];		/* one read of each half */
			hi = in[2 * (size_t)i + 1];
			lo = (lo & ~0xffffffffull) | amdv_irte_filter((u32)lo, &r);
			refused += r;
			out[2 * (size_t)i + 1] = hi;
			out[2 * (size_t)i] = lo;
		}
	} else {
		const volatile u32 *in = src;
		volatile u32 *out = dst;

		for (i = 0; i < n; i++) {
			out[i] = amdv_irte_filter(in[i], &r);
			refused += r;
		}
	}
	return refused;
}
