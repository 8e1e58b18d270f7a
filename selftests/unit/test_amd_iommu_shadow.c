// SPDX-License-Identifier: GPL-2.0
/*
 * hv/arch/x86/amd_iommu_shadow.c against a played Linux and a played IOMMU.
 * Linux's I/O page tables are built here the way Linux's AMD v1 code
 * builds them (4 KiB, 2 MiB and 1 GiB leaves, sized leaves replicated over
 * their entries), in host memory at made-up physical addresses; the
 * reference translation reads them as the IOMMU does (skipped levels,
 * sized leaves, level 6's 128 entries).  The shadow is read by a strict
 * walker: only full levels, Next Level 0 leaves at levels 1..3, only
 * pages the shadow allocator handed out and did not get back.  The
 * property: for every IOVA, the shadow translates as Linux's table does
 * where the target is allowed, and not at all where it is not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/amd_iommu.h>

#define KiB	1024ull
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)
#define FAULT	(~0ull)
#define RW	(AMDV_PTE_PR | AMDV_PTE_IR | AMDV_PTE_IW)
#define NL(n)	((u64)(n) << AMDV_PTE_NEXT_SHIFT)
#define ADDR	AMDV_PTE_ADDR_MASK

static u64 span(unsigned int level)
{
	return 1ull << (12 + 9 * (level - 1));
}

static unsigned int idx(u64 iova, unsigned int level)
{
	return (iova >> (12 + 9 * (level - 1))) & 511;
}

/* ------------------------------------------------------ Linux's memory */

/* Linux's table pages at "physical" 8 GiB up: outside the RAM devices may reach. */
#define LX_BASE		0x200000000ull
#define LX_MAX		8192
static u64 *lx_va[LX_MAX];
static bool lx_unreadable[LX_MAX];
static unsigned int lx_used;

static u64 lx_new(void)
{
	assert_true(lx_used < LX_MAX);
	if (!lx_va[lx_used])
		lx_va[lx_used] = aligned_alloc(4096, 4096);
	memset(lx_va[lx_used], 0, 4096);
	lx_unreadable[lx_used] = false;
	return LX_BASE + 4096ull * lx_used++;
}

static u64 *lx(u64 pa)
{
	if (pa < LX_BASE || pa >= LX_BASE + 4096ull * lx_used || (pa & 0xfff))
		return NULL;
	return lx_va[(pa - LX_BASE) / 4096];
}

/* What the hypervisor's read gives: a table page, unless marked unreadable. */
static const u64 *read_linux(void *ctx, u64 pa)
{
	(void)ctx;
	if (!lx(pa) || lx_unreadable[(pa - LX_BASE) / 4096])
		return NULL;
	return lx(pa);
}

static void lx_reset(void)
{
	lx_used = 0;
}

/* ------------------------------------------------------ Linux's page tables */

static u64 lx_root;
static unsigned int lx_levels;

/* The level whose entries hold a leaf of @size: the largest span <= size. */
static unsigned int leaf_level(u64 size)
{
	unsigned int l = 1;

	while (l < 6 && span(l + 1) <= size)
		l++;
	return l;
}

/* The entry of level @level for @iova, tables made on the way (none skipped). */
static u64 *lx_slot(u64 iova, unsigned int level)
{
	u64 *t = lx(lx_root), e;
	unsigned int l;

	for (l = lx_levels; l > level; l--) {
		e = t[idx(iova, l)];
		if (!(e & AMDV_PTE_PR)) {
			e = lx_new() | NL(l - 1) | RW;
			t[idx(iova, l)] = e;
		}
		assert_int_equal((e & AMDV_PTE_NEXT_MASK) >> AMDV_PTE_NEXT_SHIFT, l - 1);
		t = lx(e & ADDR);
		assert_non_null(t);
	}
	return &t[idx(iova, level)];
}

/*
 * Map [iova, iova + size) -> pa as Linux's v1 code does: a leaf of its
 * level's own size (Next Level 0), or a sized leaf (Next Level 7, the size
 * in the address's low bits) replicated over every entry it covers.
 */
static void lx_map(u64 iova, u64 pa, u64 size, u64 perm)
{
	unsigned int l = leaf_level(size), k, n = size / span(l);
	u64 e;

	assert_int_equal(size & (size - 1), 0);
	assert_int_equal((iova | pa) & (size - 1), 0);
	if (n == 1)
		e = pa | perm | AMDV_PTE_FC;
	else
		e = (pa | (((size >> 1) - 1) & ~0xfffull)) | NL(7) | perm | AMDV_PTE_FC;
	for (k = 0; k < n; k++) {
		u64 *slot = lx_slot(iova + k * span(l), l);
		unsigned int next = (*slot & AMDV_PTE_NEXT_MASK) >> AMDV_PTE_NEXT_SHIFT;

		/* An empty table left by earlier unmaps is replaced, as Linux does. */
		assert_false((*slot & AMDV_PTE_PR) && (next == 0 || next == 7));
		*slot = e;
	}
}

static void lx_unmap(u64 iova, u64 size)
{
	unsigned int l = leaf_level(size), k, n = size / span(l);

	for (k = 0; k < n; k++)
		*lx_slot(iova + k * span(l), l) = 0;
}

static void lx_init(unsigned int levels)
{
	lx_reset();
	lx_levels = levels;
	lx_root = lx_new();
}

/* Where the IOMMU takes a DMA to @iova through Linux's table, or FAULT. */
static u64 linux_xlate(u64 iova, bool write)
{
	u64 need = write ? AMDV_PTE_IW : AMDV_PTE_IR, table = lx_root, pte, a, size;
	unsigned int level = lx_levels, next, l, n, guard;

	if (level < 6 && (iova >> (12 + 9 * level)))
		return FAULT;
	for (guard = 0; guard < 7; guard++) {
		const u64 *t = read_linux(NULL, table);

		assert_non_null(t);
		pte = t[idx(iova, level)];
		if (!(pte & AMDV_PTE_PR) || !(pte & need))
			return FAULT;
		next = (pte & AMDV_PTE_NEXT_MASK) >> AMDV_PTE_NEXT_SHIFT;
		a = pte & ADDR;
		if (next == 0 || next == 7) {
			size = span(level);
			if (next == 7) {
				for (n = 12; (a >> n) & 1; n++)
					;
				size = 1ull << (n + 1);
			}
			return (a & ~(size - 1)) | (iova & (size - 1));
		}
		for (l = next + 1; l < level; l++)	/* skipped levels: their bits 0 */
			if (idx(iova, l))
				return FAULT;
		table = a;
		level = next;
	}
	fail_msg("Linux's table loops");
	return FAULT;
}

/* ------------------------------------------------------ the shadow's memory */

#define SH_BASE		0x300000000ull
#define SH_MAX		8192
static u64 *sh_va[SH_MAX];
static bool sh_live[SH_MAX];
static unsigned int sh_nlive;
static long sh_fail_after = -1;	/* pages before the allocator runs dry; -1: never */

static void watch_check(void);

static u64 *sh_alloc(void *ctx, u64 *pa)
{
	unsigned int i;

	(void)ctx;
	watch_check();
	if (sh_fail_after == 0)
		return NULL;
	if (sh_fail_after > 0)
		sh_fail_after--;
	for (i = 0; i < SH_MAX && sh_live[i]; i++)
		;
	assert_true(i < SH_MAX);
	if (!sh_va[i])
		sh_va[i] = aligned_alloc(4096, 4096);
	memset(sh_va[i], 0, 4096);
	sh_live[i] = true;
	sh_nlive++;
	*pa = SH_BASE + 4096ull * i;
	return sh_va[i];
}

static unsigned int sh_index(u64 pa)
{
	if (pa < SH_BASE || pa >= SH_BASE + 4096ull * SH_MAX || (pa & 0xfff))
		fail_msg("%#llx is not a page of the shadow allocator", (unsigned long long)pa);
	if (!sh_live[(pa - SH_BASE) / 4096])
		fail_msg("shadow page %#llx used after it was freed", (unsigned long long)pa);
	return (pa - SH_BASE) / 4096;
}

static void sh_free(void *ctx, u64 *va, u64 pa)
{
	unsigned int i = sh_index(pa);

	(void)ctx;
	assert_ptr_equal(va, sh_va[i]);
	memset(va, 0xee, 4096);		/* a dangling entry would now read garbage */
	sh_live[i] = false;
	sh_nlive--;
	watch_check();
}

static u64 *sh_pva(void *ctx, u64 pa)
{
	(void)ctx;
	return sh_va[sh_index(pa)];
}

static const struct amdv_mem shm = { sh_alloc, sh_free, sh_pva, NULL };

/* ------------------------------------------------------ the policy */

struct rng { u64 s, e; };	/* [s, e) */
static const struct rng ram[] = {	/* the testbench's RAM */
	{ 0x1000, 0x9f000 }, { 0x100000, 0x3ffe0000 },
};
static struct rng prot[8];
static unsigned int nprot;
static unsigned long allow_calls;

/* The testbench's protected set, and pages in the middle of leaves. */
static void prot_default(void)
{
	static const struct rng p[] = {
		{ 0x3e400000, 0x3e800000 },		/* the block, 4 MiB */
		{ 0x2000000, 0x2001000 },		/* one page at a 32 MiB boundary */
		{ 0x20123000, 0x20124000 },		/* one page inside a 2 MiB frame */
		{ 0x10018000, 0x1001a000 },		/* 8 KiB inside a 64 KiB frame */
	};

	memcpy(prot, p, sizeof(p));
	nprot = 4;
}

static bool policy(u64 pa, u64 size)
{
	unsigned int i;
	bool in_ram = false;

	for (i = 0; i < sizeof(ram) / sizeof(ram[0]); i++)
		if (pa >= ram[i].s && pa + size <= ram[i].e)
			in_ram = true;
	if (!in_ram)
		return false;
	for (i = 0; i < nprot; i++)
		if (pa < prot[i].e && prot[i].s < pa + size)
			return false;
	return true;
}

static bool allow(void *ctx, u64 pa, u64 size)
{
	(void)ctx;
	allow_calls++;
	watch_check();
	assert_int_equal(pa & 0xfff, 0);
	assert_true(size == 4 * KiB || size == 2 * MiB || size == 1 * GiB);
	return policy(pa, size);
}

/* ------------------------------------------------------ the played IOMMU */

static struct amdv_shadow sh;

/* Where the IOMMU takes a DMA to @iova through the shadow, or FAULT; only
 * the shapes the shadow may have (full levels, Next Level 0 leaves at 1..3). */
static u64 shadow_xlate(u64 iova, bool write)
{
	u64 need = write ? AMDV_PTE_IW : AMDV_PTE_IR, table = sh.root_pa, pte, size;
	unsigned int level = sh.levels, next;

	assert_true(sh.root_pa);
	if (level < 6 && (iova >> (12 + 9 * level)))
		return FAULT;
	for (; level >= 1; level--) {
		pte = sh_va[sh_index(table)][idx(iova, level)];
		if (!(pte & AMDV_PTE_PR))
			return FAULT;
		next = (pte & AMDV_PTE_NEXT_MASK) >> AMDV_PTE_NEXT_SHIFT;
		if (next == 0) {
			size = span(level);
			assert_true(level <= 3);
			assert_int_equal(pte & ~(ADDR | AMDV_PTE_PR | AMDV_PTE_IR | AMDV_PTE_IW |
						 AMDV_PTE_FC), 0);
			assert_int_equal(pte & ADDR & (size - 1), 0);
			if (!(pte & need))
				return FAULT;
			return (pte & ADDR) | (iova & (size - 1));
		}
		assert_int_equal(next, level - 1);
		assert_int_equal(pte & ~(ADDR | AMDV_PTE_NEXT_MASK), RW);
		table = pte & ADDR;
	}
	fail_msg("shadow table below level 1");
	return FAULT;
}

/*
 * Leaves that must stay mapped while a sync runs (Linux did not change
 * them): checked through the shadow at every allocation, free and allow()
 * call the sync makes, i.e. while it is half done.
 */
static struct { u64 iova, pa; } watched[8];
static unsigned int nwatched;
static unsigned long watch_checks;

static void watch_check(void)
{
	unsigned int i;
	u64 got;

	for (i = 0; i < nwatched; i++) {
		watch_checks++;
		got = shadow_xlate(watched[i].iova, false);
		if (got != watched[i].pa)
			fail_msg("mid-sync, iova %#llx translates to %#llx, not %#llx",
				 (unsigned long long)watched[i].iova, (unsigned long long)got,
				 (unsigned long long)watched[i].pa);
	}
}

/* The property at one IOVA, both directions. */
static void check_iova(u64 iova)
{
	unsigned int w;
	u64 l, s;

	for (w = 0; w < 2; w++) {
		l = linux_xlate(iova, w);
		s = shadow_xlate(iova, w);
		if (l != FAULT && policy(l & ~0xfffull, 4 * KiB)) {
			if (s != l)
				fail_msg("iova %#llx %s: Linux %#llx, shadow %#llx", (unsigned long long)iova,
					 w ? "write" : "read", (unsigned long long)l, (unsigned long long)s);
		} else if (s != FAULT) {
			fail_msg("iova %#llx %s: shadow reaches %#llx (Linux: %#llx)%s",
				 (unsigned long long)iova, w ? "write" : "read", (unsigned long long)s,
				 (unsigned long long)l, l == FAULT ? "" : ", refused");
		}
	}
}

static void check_range(u64 iova, u64 size)
{
	u64 off, step = size > 16 * MiB ? 2 * MiB - 4 * KiB : 4 * KiB;

	for (off = 0; off < size; off += step) {
		check_iova(iova + off);
		check_iova(iova + off + 0x7f8);
	}
	check_iova(iova + size - 8);
}

/*
 * Every leaf of the shadow: its whole target allowed, Linux's table
 * mapping the same IOVAs to the same pages with the same permissions; and
 * the counters right.  Returns the 4 KiB pages mapped.
 */
static u64 sh_leaves, sh_tables;
static u64 audit_table(u64 pa, unsigned int level, u64 base)
{
	const u64 *t = sh_va[sh_index(pa)];
	unsigned int i, n = level == 6 ? 128 : 512;
	u64 e, iova, size, pages = 0;

	sh_tables++;
	for (i = 0; i < 512; i++) {
		e = t[i];
		if (i >= n) {
			assert_int_equal(e, 0);
			continue;
		}
		if (!(e & AMDV_PTE_PR))
			continue;
		iova = base + (u64)i * span(level);
		if (e & AMDV_PTE_NEXT_MASK) {
			assert_int_equal((e & AMDV_PTE_NEXT_MASK) >> AMDV_PTE_NEXT_SHIFT, level - 1);
			pages += audit_table(e & ADDR, level - 1, iova);
			continue;
		}
		size = span(level);
		sh_leaves++;
		if (!policy(e & ADDR, size))
			fail_msg("shadow leaf %#llx+%#llx -> %#llx: not allowed", (unsigned long long)iova,
				 (unsigned long long)size, (unsigned long long)(e & ADDR));
		assert_true(e & (AMDV_PTE_IR | AMDV_PTE_IW));
		assert_int_equal(linux_xlate(iova, e & AMDV_PTE_IW), e & ADDR);
		assert_int_equal(linux_xlate(iova + size - 4 * KiB, e & AMDV_PTE_IW), (e & ADDR) + size - 4 * KiB);
		assert_int_equal(linux_xlate(iova, true) == FAULT, !(e & AMDV_PTE_IW));
		assert_int_equal(linux_xlate(iova, false) == FAULT, !(e & AMDV_PTE_IR));
		pages += size / (4 * KiB);
	}
	return pages;
}

static u64 audit(void)
{
	u64 pages;

	sh_leaves = sh_tables = 0;
	pages = audit_table(sh.root_pa, sh.levels, 0);
	assert_int_equal(sh_leaves, sh.mapped);
	assert_int_equal(sh_tables, sh.pages);
	assert_int_equal(sh_nlive, sh.pages);
	return pages;
}

/* The size of the shadow leaf at @iova (0: none). */
static u64 leaf_size(u64 iova)
{
	u64 table = sh.root_pa, pte;
	unsigned int level;

	for (level = sh.levels; level >= 1; level--) {
		pte = sh_va[sh_index(table)][idx(iova, level)];
		if (!(pte & AMDV_PTE_PR))
			return 0;
		if (!(pte & AMDV_PTE_NEXT_MASK))
			return span(level);
		table = pte & ADDR;
	}
	return 0;
}

static int sync_range(u64 start, u64 end)
{
	return amdv_shadow_sync(&sh, &shm, start, end, read_linux, NULL, allow, NULL);
}

static int shadow_setup(void **state)
{
	unsigned int i;

	(void)state;
	/* Each test on its own, even after one that failed half-way. */
	nwatched = 0;
	for (i = 0; i < SH_MAX; i++)
		sh_live[i] = false;
	sh_nlive = 0;
	memset(&sh, 0, sizeof(sh));
	sh_fail_after = -1;
	prot_default();
	allow_calls = 0;
	return 0;
}

static int shadow_teardown(void **state)
{
	(void)state;
	nwatched = 0;
	amdv_shadow_free(&sh, &shm);
	assert_int_equal(sh.root_pa, 0);
	assert_int_equal(sh_nlive, 0);
	return 0;
}

static void new_shadow(unsigned int levels)
{
	lx_init(levels);
	assert_int_equal(amdv_shadow_init(&sh, &shm, 7, lx_root, levels), 0);
	assert_int_equal(sh.pages, 1);
	assert_int_equal(sh.levels, levels);
	assert_int_equal(sh.domid, 7);
	assert_int_equal(sh.linux_root, lx_root);
}

/* ------------------------------------------------------ tests */

static void test_init(void **state)
{
	(void)state;
	lx_init(3);
	assert_int_equal(amdv_shadow_init(&sh, &shm, 1, lx_root, 0), -1);
	assert_int_equal(amdv_shadow_init(&sh, &shm, 1, lx_root, 7), -1);
	assert_int_equal(sh_nlive, 0);
	sh_fail_after = 0;
	assert_int_equal(amdv_shadow_init(&sh, &shm, 1, lx_root, 3), -1);
	assert_int_equal(sh.root_pa, 0);
	sh_fail_after = -1;
	assert_int_equal(sync_range(0, 4 * KiB), -1);	/* no shadow */
	new_shadow(3);
	assert_int_equal(sync_range(0, ~0ull), 0);
	assert_int_equal(sh.mapped, 0);
	assert_int_equal(audit(), 0);
}

/* One leaf of each kind, each with protected pages inside: split exactly. */
static void test_split(void **state)
{
	u64 pa;

	(void)state;
	new_shadow(3);
	lx_map(0x200000, 0x20000000, 2 * MiB, RW);	/* 0x20123000 protected */
	lx_map(0x400000, 0x3e600000, 2 * MiB, RW);	/* all in the block */
	lx_map(0x600000, 0x3e200000, 2 * MiB, RW);	/* just below it: whole */
	lx_map(0x810000, 0x10010000, 64 * KiB, RW);	/* sized, 8 KiB protected */
	lx_map(0x1000, 0xfed80000, 4 * KiB, RW);	/* MMIO */
	lx_map(0x2000, 0x5000, 4 * KiB, AMDV_PTE_PR | AMDV_PTE_IR);
	lx_map(0x3000, 0x6000, 4 * KiB, AMDV_PTE_PR);	/* no access */
	lx_map(1 * GiB, 0, 1 * GiB, RW);		/* 1 GiB over the RAM below 1 GiB */
	assert_int_equal(sync_range(0, ~0ull), 0);
	check_range(0, 16 * MiB);
	check_range(1 * GiB, 1 * GiB);
	/* The protected pages one by one. */
	assert_int_equal(shadow_xlate(0x323000, false), FAULT);
	assert_int_equal(shadow_xlate(0x322000, false), 0x20122000);
	assert_int_equal(shadow_xlate(0x324000, true), 0x20124000);
	assert_int_equal(shadow_xlate(0x818000, false), FAULT);
	assert_int_equal(shadow_xlate(0x819000, false), FAULT);
	assert_int_equal(shadow_xlate(0x81a000, false), 0x1001a000);
	assert_int_equal(shadow_xlate(0x1000, false), FAULT);
	assert_int_equal(shadow_xlate(0x2000, false), 0x5000);
	assert_int_equal(shadow_xlate(0x2000, true), FAULT);
	assert_int_equal(shadow_xlate(0x3000, false), FAULT);
	for (pa = 0x3e400000; pa < 0x3e800000; pa += 4 * KiB)
		assert_int_equal(shadow_xlate(1 * GiB + pa, false), FAULT);
	assert_int_equal(shadow_xlate(1 * GiB + 0x3e3ff000, true), 0x3e3ff000);
	assert_int_equal(shadow_xlate(1 * GiB + 0x3fffe000, false), FAULT);	/* past RAM */
	/*
	 * Counted in 4 KiB pages: 1 + 512 + 2 + 1 (MMIO) + in the 1 GiB leaf
	 * page 0, 0xa0000-0xfffff, the block, 0x2000000, 0x20123000,
	 * 0x10018000-0x10019fff and RAM's last 128 KiB.
	 */
	assert_int_equal(sh.refused, 1 + 512 + 2 + 1 +
			 (1 + 97 + 1024 + 1 + 1 + 2 + 32));
	/* The largest leaves that are allowed whole; 4 KiB pages around a refused one. */
	audit();
	assert_int_equal(leaf_size(0x600000), 2 * MiB);
	assert_int_equal(leaf_size(0x200000), 4 * KiB);
	assert_int_equal(leaf_size(0x810000), 4 * KiB);
	assert_int_equal(leaf_size(1 * GiB + 4 * MiB), 2 * MiB);
	assert_int_equal(leaf_size(1 * GiB + 0x2001000), 4 * KiB);
	assert_int_equal(leaf_size(1 * GiB + 0x3e3ff000), 2 * MiB);
}

/* Linux's table skipping a level, and a 1-level and a 6-level domain. */
static void test_levels(void **state)
{
	u64 l1, top = 0xfe00000000000000ull;

	(void)state;
	new_shadow(3);
	l1 = lx_new();
	lx(lx_root)[2] = l1 | NL(1) | RW;		/* level 2 skipped */
	lx(l1)[5] = 0x7000 | RW;
	lx(l1)[6] = 0x3e400000 | RW;
	assert_int_equal(sync_range(0, ~0ull), 0);
	assert_int_equal(shadow_xlate(2 * GiB + 5 * 4 * KiB, true), 0x7000);
	check_range(2 * GiB, 4 * MiB);
	assert_int_equal(sh.mapped, 1);
	amdv_shadow_free(&sh, &shm);
	assert_int_equal(sh_nlive, 0);

	new_shadow(1);
	lx_map(0x1f0000, 0x10000, 64 * KiB, RW);	/* sized, at the top of 2 MiB */
	lx_map(0, 0x3e400000, 4 * KiB, RW);
	assert_int_equal(sync_range(0, ~0ull), 0);
	check_range(0, 2 * MiB);
	assert_int_equal(sh.mapped, 16);
	assert_int_equal(sh.pages, 1);
	amdv_shadow_free(&sh, &shm);

	new_shadow(6);
	lx_map(top + 1 * GiB, 0, 1 * GiB, AMDV_PTE_PR | AMDV_PTE_IR);
	lx_map(~0ull - 2 * MiB + 1, 0x20000000, 2 * MiB, RW);
	lx_map(0x1000, 0x3000, 4 * KiB, RW);
	assert_int_equal(sync_range(0, ~0ull), 0);
	check_range(top + 1 * GiB, 1 * GiB);
	check_range(~0ull - 2 * MiB + 1, 2 * MiB);
	check_range(0, 4 * MiB);
	assert_int_equal(shadow_xlate(~0ull - 7, true), 0x20000000 + 2 * MiB - 8);
	audit();
	/*
	 * Unmapped, but only the last page invalidated: only it goes (the rest
	 * stays stale until Linux invalidates it, as in an IOTLB); then all.
	 */
	lx_unmap(~0ull - 2 * MiB + 1, 2 * MiB);
	assert_int_equal(sync_range(~0ull - 4 * KiB + 1, ~0ull), 0);
	assert_int_equal(shadow_xlate(~0ull - 7, true), FAULT);
	assert_int_equal(shadow_xlate(~0ull - 4 * KiB - 7, true), 0x20000000 + 2 * MiB - 4 * KiB - 8);
	assert_int_equal(sync_range(~0ull - 2 * MiB + 1, ~0ull), 0);
	check_range(~0ull - 2 * MiB + 1, 2 * MiB);
	audit();
}

/* Random maps and unmaps, each followed by Linux's invalidation of it. */
struct item {
	u64 iova, pa, size, perm;
	bool live;
};
#define NITEMS	6000
static struct item items[NITEMS];
static unsigned int nitems;

static u64 rnd(void)
{
	return ((u64)random() << 33) ^ ((u64)random() << 11) ^ (u64)random();
}

static bool overlaps_live(u64 iova, u64 size)
{
	unsigned int i;

	for (i = 0; i < nitems; i++)
		if (items[i].live && iova < items[i].iova + items[i].size &&
		    items[i].iova < iova + size)
			return true;
	return false;
}

static u64 pick_size(void)
{
	static const u64 sizes[] = {
		4 * KiB, 4 * KiB, 4 * KiB, 4 * KiB, 4 * KiB, 4 * KiB, 8 * KiB, 64 * KiB,
		64 * KiB, 1 * MiB, 2 * MiB, 2 * MiB, 2 * MiB, 2 * MiB, 8 * MiB, 32 * MiB,
	};

	if (random() % 64 == 0)
		return 1 * GiB;
	return sizes[random() % 16];
}

/* Targets: RAM mostly, some protected, some past RAM; often on a protected page. */
static u64 pick_pa(u64 size)
{
	static const u64 hot[] = { 0x3e400000, 0x3e7ff000, 0x2000000, 0x20123000, 0x10018000,
				   0x3ffdf000, 0x9e000 };
	u64 pa;

	if (random() % 4 == 0) {
		u64 h = hot[random() % 7], off = rnd() % size;

		pa = h > off ? h - off : 0;
	} else
		pa = rnd() % 0x48000000ull;
	pa &= ~(size - 1);
	return pa;
}

static void random_ops(unsigned int levels, u64 iova_space, unsigned int nops, unsigned int seed)
{
	unsigned int op, i, tries, lazy = 0;
	struct item *it;
	u64 a, b;

	srandom(seed);
	new_shadow(levels);
	nitems = 0;
	for (op = 0; op < nops; op++) {
		unsigned int what = random() % 100;

		if (what < 55 && nitems < NITEMS) {
			it = &items[nitems];
			it->size = pick_size();
			for (tries = 0; tries < 100; tries++) {
				it->iova = (rnd() % iova_space) & ~(it->size - 1);
				if (!overlaps_live(it->iova, it->size))
					break;
			}
			if (tries == 100)
				continue;
			it->pa = pick_pa(it->size);
			it->perm = random() % 8 == 0 ? AMDV_PTE_PR | AMDV_PTE_IR :
				   random() % 16 == 0 ? AMDV_PTE_PR | AMDV_PTE_IW : RW;
			it->live = true;
			nitems++;
			lx_map(it->iova, it->pa, it->size, it->perm);
			assert_int_equal(sync_range(it->iova, it->iova + it->size), 0);
			check_range(it->iova, it->size);
		} else if (what < 90 && nitems) {
			it = &items[random() % nitems];
			if (!it->live)
				continue;
			lx_unmap(it->iova, it->size);
			it->live = false;
			if (lazy) {	/* Linux's flush queue: invalidated later, all at once */
				lazy--;
				continue;
			}
			assert_int_equal(sync_range(it->iova, it->iova + it->size), 0);
			check_range(it->iova, it->size);
		} else if (what < 96 && nitems) {
			/* An invalidation of part of a live mapping: nothing changes. */
			it = &items[random() % nitems];
			if (!it->live)
				continue;
			a = it->iova + (rnd() % it->size & ~0xfffull);
			b = a + 1 + rnd() % (it->iova + it->size - a);
			assert_int_equal(sync_range(a, b), 0);
			check_range(it->iova, it->size);
		} else if (what < 98) {
			lazy = 1 + random() % 32;
		} else {
			lazy = 0;
			assert_int_equal(sync_range(0, ~0ull), 0);
			for (i = 0; i < nitems; i++)
				check_range(items[i].iova, items[i].size);
			audit();
		}
	}
	assert_int_equal(sync_range(0, ~0ull), 0);
	for (i = 0; i < nitems; i++)
		check_range(items[i].iova, items[i].size);
	audit();
}

static void test_random(void **state)
{
	unsigned int i;

	(void)state;
	random_ops(3, 8 * GiB, 4000, 1);
	/* Strict unmaps, each invalidated on its own: the table pages come back. */
	assert_true(sh.pages > 20);
	for (i = 0; i < nitems; i++) {
		if (!items[i].live)
			continue;
		lx_unmap(items[i].iova, items[i].size);
		items[i].live = false;
		assert_int_equal(sync_range(items[i].iova, items[i].iova + items[i].size), 0);
	}
	assert_int_equal(sh.mapped, 0);
	assert_int_equal(sh.pages, 1);
	assert_int_equal(audit(), 0);
}

static void test_random_4level(void **state)
{
	(void)state;
	random_ops(4, 1ull << 39 << 3, 2000, 2);	/* 4 TiB of IOVA */
}

/*
 * Leaves Linux leaves alone stay mapped all through a sync, while others
 * around them are unmapped, mapped, or split by a newly protected page.
 */
static void test_no_blink(void **state)
{
	unsigned int i;

	(void)state;
	new_shadow(3);
	for (i = 0; i < 64; i++)
		lx_map(0x100000 + i * 4 * KiB, 0x800000 + i * 4 * KiB, 4 * KiB, RW);
	lx_map(0x600000, 0x3e200000, 2 * MiB, RW);
	lx_map(0x800000, 0x3e000000, 2 * MiB, RW);
	lx_map(1 * GiB, 0, 1 * GiB, RW);
	assert_int_equal(sync_range(0, ~0ull), 0);
	assert_int_equal(leaf_size(0x600000), 2 * MiB);
	watched[0].iova = 0x100000 + 5 * 4 * KiB;
	watched[0].pa = 0x800000 + 5 * 4 * KiB;
	watched[1].iova = 0x600000;
	watched[1].pa = 0x3e200000;
	watched[2].iova = 1 * GiB + 0x2002000;
	watched[2].pa = 0x2002000;
	watched[3].iova = 1 * GiB + 0x30000000;
	watched[3].pa = 0x30000000;
	nwatched = 4;

	/* Lazy unmaps and new maps around them, then the whole domain. */
	for (i = 0; i < 64; i += 2)
		if (i != 5)
			lx_unmap(0x100000 + i * 4 * KiB, 4 * KiB);
	lx_unmap(0x800000, 2 * MiB);
	lx_map(0x800000, 0x21000000, 2 * MiB, RW);
	lx_map(2 * GiB, 0x22000000, 2 * MiB, RW);
	/* A page newly protected in the 2 MiB leaf at 0x600000: split under it. */
	prot[nprot].s = 0x3e3ff000;
	prot[nprot++].e = 0x3e400000;
	watch_checks = 0;
	assert_int_equal(sync_range(0, ~0ull), 0);
	assert_true(watch_checks > 1000);
	assert_int_equal(leaf_size(0x600000), 4 * KiB);
	assert_int_equal(shadow_xlate(0x7ff000, false), FAULT);
	check_range(0, 16 * MiB);
	check_range(1 * GiB, 2 * GiB);
	/* A range inside them, and ranges across them. */
	assert_int_equal(sync_range(1 * GiB + 0x2001000, 1 * GiB + 0x2003000), 0);
	assert_int_equal(sync_range(0x100000, 0x700000), 0);
	assert_int_equal(sync_range(512 * MiB, 3 * GiB), 0);
	check_range(0, 16 * MiB);
	check_range(1 * GiB, 2 * GiB);
	audit();
	nwatched = 0;
}

/* Lazy unmaps, then one whole-domain invalidation: the table pages come back. */
static void test_free_tables(void **state)
{
	unsigned int i, peak;

	(void)state;
	random_ops(3, 8 * GiB, 1500, 3);
	for (i = 0; i < nitems; i++)
		if (items[i].live)
			lx_unmap(items[i].iova, items[i].size);
	peak = sh.pages;
	assert_true(peak > 20);
	/* Not invalidated yet: the shadow still has them (Linux's lazy mode). */
	assert_true(sh.mapped > 0);
	assert_int_equal(sync_range(0, ~0ull), 0);
	assert_int_equal(sh.mapped, 0);
	assert_int_equal(sh.pages, 1);
	assert_int_equal(sh_nlive, 1);
	for (i = 0; i < nitems; i++)
		check_range(items[i].iova, items[i].size);
}

/*
 * A table to sync under changed policy: first synced with nothing
 * protected (so the shadow holds leaves the default policy refuses), then
 * re-synced with the protected set in force.
 */
static void stale_table(void)
{
	new_shadow(4);
	lx_map(4 * GiB, 0, 1 * GiB, RW);
	lx_map(0x200000, 0x20000000, 2 * MiB, RW);
	lx_map(0x400000, 0x3e400000, 2 * MiB, AMDV_PTE_PR | AMDV_PTE_IR);
	lx_map(0x810000, 0x10010000, 64 * KiB, RW);
	lx_map(0x1000, 0x2000000, 4 * KiB, RW);
	lx_map(0x3000, 0x3e7ff000, 4 * KiB, RW);
	lx_map(600 * GiB + 0x5000, 0x5000, 4 * KiB, RW);
	lx_map(1ull << 38, 0x3e000000, 8 * MiB, RW);	/* sized, half in the block */
	nprot = 0;
	assert_int_equal(sync_range(0, ~0ull), 0);
	assert_true(audit() > 0);
	prot_default();
}

/* Pages run out after k, for every k: -1, and never a leaf the policy refuses. */
static void test_alloc_failure(void **state)
{
	unsigned int k;
	u64 full = 0, pages;
	int ret;

	(void)state;
	for (k = 0; ; k++) {
		stale_table();
		sh_fail_after = k;
		ret = sync_range(0, ~0ull);
		sh_fail_after = -1;
		pages = audit();	/* every leaf allowed, as Linux maps it */
		if (ret == 0) {
			full = pages;
			break;
		}
		assert_int_equal(ret, -1);
		amdv_shadow_free(&sh, &shm);
		assert_int_equal(sh_nlive, 0);
		assert_true(k < 200);
	}
	/* It did need pages, and all were mapped then. */
	assert_true(k > 0);
	check_range(4 * GiB, 1 * GiB);
	check_range(0, 16 * MiB);
	check_range(1ull << 38, 8 * MiB);
	check_range(600 * GiB, 1 * MiB);
	assert_true(full > 200000);
	/*
	 * Unmapped (its sync frees its tables), then mapped again: that sync
	 * needs pages, fails and leaves only checked leaves; a full one
	 * completes it.
	 */
	lx_unmap(4 * GiB, 1 * GiB);
	assert_int_equal(sync_range(4 * GiB, 5 * GiB), 0);
	assert_int_equal(shadow_xlate(4 * GiB + 4 * MiB, false), FAULT);
	pages = audit();
	assert_true(pages < full);
	lx_map(4 * GiB, 0, 1 * GiB, RW);
	sh_fail_after = 3;
	assert_int_equal(sync_range(4 * GiB, 5 * GiB), -1);
	assert_int_equal(audit(), pages);
	sh_fail_after = -1;
	assert_int_equal(sync_range(0, ~0ull), 0);
	assert_int_equal(audit(), full);
}

/* Linux's table malformed or unreadable: -1, nothing unchecked, nothing stale. */
static void test_malformed(void **state)
{
	u64 *l2, *l1, l1pa;
	int c;

	(void)state;
	for (c = 0; c < 4; c++) {
		stale_table();
		l2 = lx(lx(lx(lx_root)[0] & ADDR)[0] & ADDR);
		l1pa = l2[4] & ADDR;	/* the 64 KiB leaf's table */
		l1 = lx(l1pa);
		switch (c) {
		case 0:	/* a table entry whose Next Level is its own */
			l2[3] = (lx_root & ADDR) | NL(2) | RW;
			break;
		case 1:	/* a table page the hypervisor may not read */
			lx_unreadable[(l1pa - LX_BASE) / 4096] = true;
			break;
		case 2:	/* a table entry pointing up, before the 64 KiB leaf */
			l1[10] = lx_root | NL(4) | RW;
			break;
		case 3:	/* a sized leaf no larger than its level's pages */
			l2[3] = 0x20000000 | NL(7) | RW;
			break;
		}
		assert_int_equal(sync_range(0, ~0ull), -1);
		audit();	/* the leaves before the failure point: checked */
		assert_int_equal(shadow_xlate(0x200000, true), 0x20000000);
		assert_int_equal(shadow_xlate(0x323000, true), FAULT);
		/* Nothing from the failure point on: the stale leaves are gone too. */
		assert_int_equal(shadow_xlate(0x810000, false), FAULT);
		assert_int_equal(shadow_xlate(4 * GiB, false), FAULT);
		assert_int_equal(shadow_xlate(600 * GiB + 0x5000, false), FAULT);
		amdv_shadow_free(&sh, &shm);
		assert_int_equal(sh_nlive, 0);
	}
}

/* A leaf of 512 GiB, almost all of it past RAM: bounded work, RAM mapped. */
static void test_huge_leaf(void **state)
{
	(void)state;
	new_shadow(4);
	lx(lx_root)[1] = 0 | RW;			/* Next Level 0 at level 4 */
	allow_calls = 0;
	assert_int_equal(sync_range(0, ~0ull), 0);
	assert_true(allow_calls <= AMDV_SHADOW_SYNC_CHECKS);
	check_range(512 * GiB, 1 * GiB);
	check_range(513 * GiB, 4 * MiB);
	assert_int_equal(sh.refused + audit(), 512 * GiB / (4 * KiB));
}

/* ------------------------------------------------------ remapping tables */

static bool irte_ok(u32 lo)
{
	unsigned int type = (lo >> 2) & 7;

	if (!(lo & 1))
		return true;
	return !(lo & 0x80) && (type == 0 || type == 1 || type == 4);
}

static void test_irt_copy(void **state)
{
	u32 in[130], out[130];
	u64 gin[2 * 66], gout[2 * 66];
	unsigned int i, want = 0, type, g, en;

	(void)state;
	srandom(11);
	/* 32-bit entries: every type, with and without bit 7 and RemapEn. */
	for (i = 0; i < 128; i++) {
		type = i & 7;
		g = (i >> 3) & 1;
		en = !((i >> 4) & 3) ? 0 : 1;
		in[i] = ((u32)random() & 0xffffff00u) | (g << 7) | (type << 2) | en | ((random() & 1) << 1);
		want += !irte_ok(in[i]);
	}
	out[128] = out[129] = 0xdeadbeef;
	assert_int_equal(amdv_irt_copy(out, in, 128, false), want);
	assert_true(want >= 5 * 6);
	for (i = 0; i < 128; i++)
		assert_int_equal(out[i], irte_ok(in[i]) ? in[i] : in[i] & ~1u);
	assert_int_equal(out[128], 0xdeadbeef);
	assert_int_equal(out[129], 0xdeadbeef);

	/* 128-bit entries: the filter on the low 32 bits, all else kept. */
	want = 0;
	for (i = 0; i < 64; i++) {
		type = i & 7;
		g = (i >> 3) & 1;
		en = i < 48;
		gin[2 * i] = (rnd() & ~0xffull) | (g << 7) | (type << 2) | en | ((random() & 1) << 6);
		gin[2 * i + 1] = rnd();
		want += !irte_ok((u32)gin[2 * i]);
	}
	gout[128] = gout[129] = 0x1234;
	assert_int_equal(amdv_irt_copy(gout, gin, 64, true), want);
	assert_int_equal(want, 3 * 5 + 3 * 8);	/* 48 enabled: half guest mode */
	for (i = 0; i < 64; i++) {
		bool ok = irte_ok((u32)gin[2 * i]);

		assert_int_equal(gout[2 * i], ok ? gin[2 * i] : gin[2 * i] & ~1ull);
		assert_int_equal(gout[2 * i + 1], gin[2 * i + 1]);
	}
	assert_int_equal(gout[128], 0x1234);
	/* Fixed (0), arbitrated (1) and NMI (4) kept bit for bit; the rest refused. */
	for (type = 0; type < 8; type++) {
		u64 e[2] = { 0xabcd000000000001ull | (type << 2) | (0x42ull << 8), 0x0123456789abcdefull };

		assert_int_equal(amdv_irt_copy(gout, e, 1, true), !(type == 0 || type == 1 || type == 4));
		assert_int_equal(gout[0], (type == 0 || type == 1 || type == 4) ? e[0] : e[0] & ~1ull);
		assert_int_equal(gout[1], e[1]);
		e[0] |= 0x80;	/* guest mode */
		assert_int_equal(amdv_irt_copy(gout, e, 1, true), 1);
		assert_int_equal(gout[0], e[0] & ~1ull);
	}
	assert_int_equal(amdv_irt_copy(gout, gin, 0, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init, shadow_setup, shadow_teardown),
		cmocka_unit_test_setup_teardown(test_split, shadow_setup, shadow_teardown),
		cmocka_unit_test_setup_teardown(test_levels, shadow_setup, shadow_teardown),
		cmocka_unit_test_setup_teardown(test_random, shadow_setup, shadow_teardown),
		cmocka_unit_test_setup_teardown(test_random_4level, shadow_setup, shadow_teardown),
		cmocka_unit_test_setup_teardown(test_no_blink, shadow_setup, shadow_teardown),
		cmocka_unit_test_setup_teardown(test_free_tables, shadow_setup, shadow_teardown),
		cmocka_unit_test_setup_teardown(test_alloc_failure, shadow_setup, shadow_teardown),
		cmocka_unit_test_setup_teardown(test_malformed, shadow_setup, shadow_teardown),
		cmocka_unit_test_setup_teardown(test_huge_leaf, shadow_setup, shadow_teardown),
		cmocka_unit_test(test_irt_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
