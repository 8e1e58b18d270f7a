// SPDX-License-Identifier: GPL-2.0
/*
 * hv/arch/x86/amd_iommu.c against a played IOMMU: the test walks what the
 * builders make the way the hardware does (the v1 page-table walk of the
 * AMD IOMMU specification, as QEMU's amdvi_page_walk does it, including its
 * passthrough for DTE.V=0, TV=0 and Mode 0) and checks which physical
 * pages a device reaches.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/amd_iommu.h>
#include <sl_steps.h>
#include <xmhf/layout.h>

#define KiB	1024ull
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)
#define FAULT	(~0ull)

/* ------------------------------------------------------ the played memory */

#define NPAGES	64
static u64 *pool_va[NPAGES];
static u64 pool_pa[NPAGES];
static struct amdv_pages pool;

/* Table pages at "physical" 0x7ff00000 up, in host memory. */
static int pool_setup(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NPAGES; i++) {
		if (!pool_va[i])
			pool_va[i] = aligned_alloc(4096, 4096);
		memset(pool_va[i], 0xee, 4096);	/* the builder must clear */
		pool_pa[i] = 0x7ff00000ull + i * 4096;
	}
	pool.va = pool_va;
	pool.pa = pool_pa;
	pool.n = NPAGES;
	pool.used = 0;
	return 0;
}

static u64 *env_at(u64 pa);

static u64 *table_at(u64 pa)
{
	unsigned int i;

	for (i = 0; i < pool.used; i++)
		if (pool_pa[i] == pa)
			return pool_va[i];
	if (env_at(pa))
		return env_at(pa);
	fail_msg("the walk reached %#llx, not a table the builder made", (unsigned long long)pa);
	return NULL;
}

/* ------------------------------------------------------ the played IOMMU */

/* Where a device's DMA to @iova lands, or FAULT. */
static u64 walk(const u64 dte[4], u64 iova, bool write)
{
	unsigned int level = (dte[0] & AMDV_DTE_MODE_MASK) >> AMDV_DTE_MODE_SHIFT;
	u64 need = write ? AMDV_PTE_IW : AMDV_PTE_IR;
	u64 table = dte[0] & AMDV_DTE_ROOT_MASK, pte, size;

	/* What the hardware (and QEMU) does without a table: passthrough. */
	if (!(dte[0] & AMDV_DTE_V) || !(dte[0] & AMDV_DTE_TV) || level == 0)
		return iova;
	if (!(dte[0] & need) || level > 6)
		return FAULT;
	if (level < 6 && (iova >> (12 + 9 * level)))
		return FAULT;			/* beyond what the table covers */
	for (;;) {
		pte = table_at(table)[(iova >> (12 + 9 * (level - 1))) & 511];
		if (!(pte & AMDV_PTE_PR) || !(pte & need))
			return FAULT;
		unsigned int next = (pte & AMDV_PTE_NEXT_MASK) >> AMDV_PTE_NEXT_SHIFT;
		if (next == 0) {
			size = 1ull << (12 + 9 * (level - 1));
			assert_int_equal(pte & AMDV_PTE_ADDR_MASK & (size - 1), 0);
			return (pte & AMDV_PTE_ADDR_MASK) | (iova & (size - 1));
		}
		/* The builder never skips levels nor uses sized (7) leaves. */
		assert_int_equal(next, level - 1);
		table = pte & AMDV_PTE_ADDR_MASK;
		level = next;
	}
}

static bool reaches(const u64 dte[4], u64 pa)
{
	return walk(dte, pa, false) == pa && walk(dte, pa, true) == pa;
}

static bool blocked(const u64 dte[4], u64 pa)
{
	return walk(dte, pa, false) == FAULT && walk(dte, pa, true) == FAULT;
}

/* ------------------------------------------------------ capabilities */

/* QEMU 7.2's amd-iommu: capability header and EFR (Linux: PreF PPR GT IA GA HE). */
#define QEMU_CAP	(AMDV_CAP_ID | AMDV_CAP_TYPE | AMDV_CAP_IOTLB | AMDV_CAP_HT_TUNNEL | \
			 AMDV_CAP_NP_CACHE | AMDV_CAP_EFR_SUP)
#define QEMU_EFR	0x29d3ull

static void test_parse(void **state)
{
	struct amdv_caps c;
	u64 v;

	(void)state;
	assert_int_equal(amdv_parse(QEMU_CAP, QEMU_EFR, &c), 0);
	assert_int_equal(c.max_levels, 6);		/* HATS 10b */
	assert_true(c.inv_all);
	v = amdv_virtual_efr(&c);
	assert_int_equal(v, AMDV_EFR_IA | (2ull << AMDV_EFR_HATS_SHIFT));
	assert_int_equal(v & (AMDV_EFR_PREF | AMDV_EFR_PPR | AMDV_EFR_GT | AMDV_EFR_GA |
			      AMDV_EFR_XT | AMDV_EFR_HE | AMDV_EFR_PC | AMDV_EFR_NX), 0);
	assert_true(amdv_virtual_cap(&c) & AMDV_CAP_NP_CACHE);
	assert_false(amdv_virtual_cap(&c) & AMDV_CAP_IOTLB);
	assert_true(amdv_virtual_cap(&c) & AMDV_CAP_EFR_SUP);

	/* Without NpCache in hardware, Linux is still told it is there. */
	assert_int_equal(amdv_parse(QEMU_CAP & ~AMDV_CAP_NP_CACHE, QEMU_EFR, &c), 0);
	assert_true(amdv_virtual_cap(&c) & AMDV_CAP_NP_CACHE);
	/* No EFR: its value is not taken; 4 levels. */
	assert_int_equal(amdv_parse(QEMU_CAP & ~AMDV_CAP_EFR_SUP, QEMU_EFR, &c), 0);
	assert_int_equal(c.efr, 0);
	assert_int_equal(c.max_levels, 4);
	assert_false(c.inv_all);
	/* Not an IOMMU capability; reserved HATS. */
	assert_int_equal(amdv_parse((QEMU_CAP & ~0xffu) | 0x05, QEMU_EFR, &c), -1);
	assert_int_equal(amdv_parse(QEMU_CAP & ~AMDV_CAP_TYPE_MASK, QEMU_EFR, &c), -1);
	assert_int_equal(amdv_parse(QEMU_CAP, QEMU_EFR | AMDV_EFR_HATS_MASK, &c), -1);
}

/* ------------------------------------------------------ identity minus protected */

/* The testbench's RAM map (1 GiB, q35) and the hypervisor's block. */
static const struct amdv_range tb_ram[] = {
	{ 0x1000, 0x9fc00 - 0x1000 },		/* ends mid-page: 0x9f000 out */
	{ 0x100000, 0x3ffe0000 - 0x100000 },
};
static const struct amdv_range tb_prot[] = {
	{ 0x3e400000, 4 * MiB },		/* the block */
	{ 0x2000000 + 0x800, 0x10 },		/* one page, unaligned */
};

static u64 id_dte[4];

static void build_tb(unsigned int *levels)
{
	u64 root;

	assert_int_equal(amdv_build_identity(&pool, tb_ram, 2, tb_prot, 2, 6, &root, levels), 0);
	id_dte[0] = AMDV_DTE_V | AMDV_DTE_TV | AMDV_DTE_IR | AMDV_DTE_IW | root |
		    ((u64)*levels << AMDV_DTE_MODE_SHIFT);
}

static bool in_range(u64 pa, u64 s, u64 n)
{
	return pa >= s && pa < s + n;
}

/* Every page of the first 2 GiB: RAM outside the block maps to itself. */
static void test_identity_testbench(void **state)
{
	unsigned int levels, got_ram = 0;
	u64 pa;

	(void)state;
	build_tb(&levels);
	assert_int_equal(levels, 3);
	assert_true(pool.used <= 8);		/* 1 GiB, 2 MiB leaves mostly */
	for (pa = 0; pa < 2 * GiB; pa += 4 * KiB) {
		bool ram = (pa >= 0x1000 && pa < 0x9f000) ||
			   (pa >= 0x100000 && pa < 0x3ffe0000);
		bool prot = in_range(pa, 0x3e400000, 4 * MiB) || pa == 0x2000000;

		if (ram && !prot) {
			got_ram++;
			if (!reaches(id_dte, pa))
				fail_msg("RAM page %#llx not reached", (unsigned long long)pa);
		} else if (!blocked(id_dte, pa)) {
			fail_msg("page %#llx (%s) reached", (unsigned long long)pa,
				 prot ? "protected" : "not RAM");
		}
	}
	assert_int_equal(got_ram, (0x9f000 - 0x1000 + 0x3ffe0000 - 0x100000 - 4 * MiB) / 4096 - 1);
	/* Inside a page too, and nothing past the top of what the table covers. */
	assert_int_equal(walk(id_dte, 0x3e3ffff8, true), 0x3e3ffff8);
	assert_int_equal(walk(id_dte, 0x3e400008, false), FAULT);
	assert_int_equal(walk(id_dte, 0x3e7ffff8, true), FAULT);
	assert_int_equal(walk(id_dte, 0x3e800000, true), 0x3e800000);
	assert_int_equal(walk(id_dte, 0xfed80000, true), FAULT);	/* the IOMMU's registers */
	assert_int_equal(walk(id_dte, 1ull << 40, false), FAULT);
}

/* RAM far up: more levels; past what the IOMMU walks: refused. */
static void test_identity_levels(void **state)
{
	const struct amdv_range hi[] = { { 16ull << 40, 1 * GiB } };	/* 16 TiB */
	const struct amdv_range top[] = { { 1ull << 50, 2 * MiB } };
	const struct amdv_range prot[] = { { (16ull << 40) + 2 * MiB, 4 * KiB } };
	u64 root, dte[4] = { 0 };
	unsigned int levels;

	(void)state;
	assert_int_equal(amdv_build_identity(&pool, hi, 1, prot, 1, 6, &root, &levels), 0);
	assert_int_equal(levels, 4);
	dte[0] = AMDV_DTE_V | AMDV_DTE_TV | AMDV_DTE_IR | AMDV_DTE_IW | root | (4ull << AMDV_DTE_MODE_SHIFT);
	assert_true(reaches(dte, 16ull << 40));
	assert_true(reaches(dte, (16ull << 40) + 2 * MiB + 4 * KiB));
	assert_true(blocked(dte, (16ull << 40) + 2 * MiB));
	assert_true(blocked(dte, 0));
	assert_true(blocked(dte, (16ull << 40) + 1 * GiB));

	pool.used = 0;
	assert_int_equal(amdv_build_identity(&pool, top, 1, NULL, 0, 6, &root, &levels), 0);
	assert_int_equal(levels, 5);
	pool.used = 0;
	assert_int_equal(amdv_build_identity(&pool, top, 1, NULL, 0, 4, &root, &levels), -1);
	/* Beyond 52 bits, or a size that wraps. */
	const struct amdv_range bad[] = { { 1ull << 52, 4 * KiB } };
	const struct amdv_range wrap[] = { { 1 * GiB, ~0ull } };
	assert_int_equal(amdv_build_identity(&pool, bad, 1, NULL, 0, 6, &root, &levels), -1);
	assert_int_equal(amdv_build_identity(&pool, tb_ram, 2, wrap, 1, 6, &root, &levels), -1);
}

/* Out of pages: fails, never a table with holes that pass. */
static void test_identity_pool(void **state)
{
	u64 root;
	unsigned int levels;

	(void)state;
	pool.n = 3;
	assert_int_equal(amdv_build_identity(&pool, tb_ram, 2, tb_prot, 2, 6, &root, &levels), -1);
	pool.n = NPAGES;
}

/* A protected range that covers everything: nothing reachable. */
static void test_identity_all_protected(void **state)
{
	const struct amdv_range all[] = { { 0, 1 * GiB } };
	u64 pa;
	unsigned int levels;

	(void)state;
	assert_int_equal(amdv_build_identity(&pool, tb_ram, 2, all, 1, 6, &id_dte[0], &levels), 0);
	id_dte[0] |= AMDV_DTE_V | AMDV_DTE_TV | AMDV_DTE_IR | AMDV_DTE_IW | ((u64)levels << AMDV_DTE_MODE_SHIFT);
	for (pa = 0; pa < 1 * GiB; pa += 2 * MiB - 4 * KiB)
		assert_true(blocked(id_dte, pa));
}

/* ------------------------------------------------------ device table entries */

#define SHADOW	0x7ff80000ull
#define IRT	0x7ffc0040ull

static void assert_safe(const u64 o[4])
{
	unsigned int mode = (o[0] & AMDV_DTE_MODE_MASK) >> AMDV_DTE_MODE_SHIFT;

	assert_int_equal(o[0] & (AMDV_DTE_V | AMDV_DTE_TV), AMDV_DTE_V | AMDV_DTE_TV);
	assert_true(mode >= 1 && mode <= 6);
	assert_true((o[0] & AMDV_DTE_ROOT_MASK) == SHADOW ||
		    (o[0] & AMDV_DTE_ROOT_MASK) == (id_dte[0] & AMDV_DTE_ROOT_MASK));
	assert_int_equal(o[0] & (AMDV_DTE_PPR | AMDV_DTE_GPRP | AMDV_DTE_GIOV | AMDV_DTE_GV |
				 AMDV_DTE_GLX_MASK | AMDV_DTE_GCR3_LO_MASK), 0);
	assert_int_equal(o[1] & (AMDV_DTE1_GCR3_MID_MASK | AMDV_DTE1_GCR3_HI_MASK | AMDV_DTE1_IOTLB |
				 AMDV_DTE1_EX | AMDV_DTE1_SYSMGT_MASK | AMDV_DTE1_IOCTL_MASK), 0);
	assert_true(o[2] & AMDV_DTE2_IV);
	assert_int_equal(o[2] & (AMDV_DTE2_INIT_PASS | AMDV_DTE2_EINT_PASS), 0);
	assert_int_not_equal((o[2] & AMDV_DTE2_INTCTL_MASK) >> AMDV_DTE2_INTCTL_SHIFT, 3);
	if (((o[2] & AMDV_DTE2_INTCTL_MASK) >> AMDV_DTE2_INTCTL_SHIFT) == AMDV_INTCTL_REMAP)
		assert_int_equal(o[2] & AMDV_DTE2_IRT_MASK, IRT);
	assert_int_equal(o[3], 0);
}

static void test_dte(void **state)
{
	unsigned int levels, why;
	u64 l[4], o[4], idroot;

	(void)state;
	build_tb(&levels);
	idroot = id_dte[0] & AMDV_DTE_ROOT_MASK;

	/* Linux's IOMMU off (amd_iommu=off): the identity table, interrupts as without. */
	memset(l, 0, sizeof(l));
	why = amdv_dte_build(l, SHADOW, 3, idroot, levels, IRT, o);
	assert_int_equal(why, 0);
	assert_safe(o);
	assert_int_equal(o[0] & AMDV_DTE_ROOT_MASK, idroot);
	assert_int_equal(o[1] & AMDV_DTE1_DOMID_MASK, AMDV_HV_DOMAIN_ID);
	assert_int_equal(o[2], AMDV_DTE2_IV | AMDV_DTE2_NMI_PASS |
			 (AMDV_INTCTL_FORWARD << AMDV_DTE2_INTCTL_SHIFT));
	assert_true(blocked(o, 0x3e400000));
	assert_true(reaches(o, 0x3e800000));

	/* iommu=pt: Mode 0, remapping on. */
	l[0] = AMDV_DTE_V | AMDV_DTE_TV | AMDV_DTE_IR | AMDV_DTE_IW;
	l[1] = 5;
	l[2] = AMDV_DTE2_IV | (8ull << AMDV_DTE2_INTTABLEN_SHIFT) | 0x12340000ull |
	       (AMDV_INTCTL_REMAP << AMDV_DTE2_INTCTL_SHIFT);
	why = amdv_dte_build(l, SHADOW, 3, idroot, levels, IRT, o);
	assert_int_equal(why, AMDV_REFUSED_PASSTHRU);
	assert_safe(o);
	assert_int_equal(o[0] & AMDV_DTE_ROOT_MASK, idroot);
	assert_int_equal(o[1] & AMDV_DTE1_DOMID_MASK, AMDV_HV_DOMAIN_ID);
	assert_int_equal(o[2], AMDV_DTE2_IV | (8ull << AMDV_DTE2_INTTABLEN_SHIFT) | IRT |
			 (AMDV_INTCTL_REMAP << AMDV_DTE2_INTCTL_SHIFT));
	assert_true(blocked(o, 0x3e5ff000));

	/* Translated: the shadow, Linux's domain ID and permissions. */
	l[0] = AMDV_DTE_V | AMDV_DTE_TV | AMDV_DTE_IR | 0x55555000ull | (3ull << AMDV_DTE_MODE_SHIFT);
	l[1] = 7;
	why = amdv_dte_build(l, SHADOW, 4, idroot, levels, IRT, o);
	assert_int_equal(why, 0);
	assert_safe(o);
	assert_int_equal(o[0], AMDV_DTE_V | AMDV_DTE_TV | AMDV_DTE_IR | SHADOW | (4ull << AMDV_DTE_MODE_SHIFT));
	assert_int_equal(o[1], 7);

	/* V=1, TV=0 (interrupt-only entry): passthrough on hardware, the identity table here. */
	l[0] = AMDV_DTE_V;
	why = amdv_dte_build(l, SHADOW, 4, idroot, levels, IRT, o);
	assert_int_equal(why, AMDV_REFUSED_PASSTHRU);
	assert_int_equal(o[0] & AMDV_DTE_ROOT_MASK, idroot);
	assert_true(blocked(o, 0x3e400000));

	/* Everything Linux must not set. */
	l[0] = AMDV_DTE_V | AMDV_DTE_TV | AMDV_DTE_IR | AMDV_DTE_IW | AMDV_DTE_GV | AMDV_DTE_GLX_MASK |
	       0x55555000ull | (3ull << AMDV_DTE_MODE_SHIFT);
	l[1] = 9 | AMDV_DTE1_IOTLB | AMDV_DTE1_EX | AMDV_DTE1_SYSMGT_MASK | AMDV_DTE1_SE;
	l[2] = AMDV_DTE2_IV | AMDV_DTE2_INIT_PASS | AMDV_DTE2_EINT_PASS | AMDV_DTE2_NMI_PASS |
	       (AMDV_INTCTL_FORWARD << AMDV_DTE2_INTCTL_SHIFT);
	why = amdv_dte_build(l, SHADOW, 3, idroot, levels, IRT, o);
	assert_int_equal(why, AMDV_REFUSED_GUEST | AMDV_REFUSED_IOTLB | AMDV_REFUSED_EX |
			 AMDV_REFUSED_SYSMGT | AMDV_REFUSED_PASS);
	assert_safe(o);
	assert_int_equal(o[1], 9 | AMDV_DTE1_SE);
	assert_int_equal(o[2], AMDV_DTE2_IV | AMDV_DTE2_NMI_PASS |
			 (AMDV_INTCTL_FORWARD << AMDV_DTE2_INTCTL_SHIFT));

	/* Remapping without our copy of the table, and the reserved IntCtl: abort. */
	l[1] = 9;
	l[2] = AMDV_DTE2_IV | (AMDV_INTCTL_REMAP << AMDV_DTE2_INTCTL_SHIFT);
	assert_int_equal(amdv_dte_build(l, SHADOW, 3, idroot, levels, 0, o), AMDV_REFUSED_GUEST | AMDV_REFUSED_INTCTL);
	assert_int_equal(o[2], AMDV_DTE2_IV);
	l[2] = AMDV_DTE2_IV | (3ull << AMDV_DTE2_INTCTL_SHIFT);
	assert_int_equal(amdv_dte_build(l, SHADOW, 3, idroot, levels, IRT, o), AMDV_REFUSED_GUEST | AMDV_REFUSED_INTCTL);
	assert_int_equal(o[2], AMDV_DTE2_IV);
}

/* Whatever Linux writes, the entry stays safe (10^5 random entries). */
static void test_dte_random(void **state)
{
	unsigned int levels, i, j;
	u64 l[4], o[4], idroot;

	(void)state;
	build_tb(&levels);
	idroot = id_dte[0] & AMDV_DTE_ROOT_MASK;
	srandom(13);
	for (i = 0; i < 100000; i++) {
		for (j = 0; j < 4; j++)
			l[j] = ((u64)random() << 42) ^ ((u64)random() << 21) ^ (u64)random();
		amdv_dte_build(l, SHADOW, 3, idroot, levels, i & 1 ? IRT : 0, o);
		assert_safe(o);
		/* The identity table never reaches the block. */
		if ((o[0] & AMDV_DTE_ROOT_MASK) == idroot)
			assert_int_equal(walk(o, 0x3e400000 + (i % 1024) * 4096, i & 2), FAULT);
	}
}

/* ------------------------------------------------------ remapping entries */

static void test_irte(void **state)
{
	unsigned int type, g;
	bool refused;
	u32 e, out;

	(void)state;
	for (type = 0; type < 8; type++) {
		for (g = 0; g < 2; g++) {
			e = AMDV_IRTE_REMAP_EN | (type << AMDV_IRTE_TYPE_SHIFT) |
			    (g ? AMDV_IRTE_GUEST_MODE : 0) | (0x41u << 16) | (3u << 8);
			out = amdv_irte_filter(e, &refused);
			bool ok = !g && (type == 0 || type == 1 || type == 4);
			assert_int_equal(refused, !ok);
			assert_int_equal(out, ok ? e : (e & ~AMDV_IRTE_REMAP_EN));
			/* Not remapped: left as it is, nothing refused. */
			out = amdv_irte_filter(e & ~AMDV_IRTE_REMAP_EN, &refused);
			assert_false(refused);
			assert_int_equal(out, e & ~AMDV_IRTE_REMAP_EN);
		}
	}
}

/* ------------------------------------------------------ commands */

#define OP(x)	((u64)(x) << 60)

/* The encoding Linux 6.1 uses for an invalidation of page-aligned
 * [a, a + n) (its build_inv_address()), written here from the rule. */
static u64 linux_inv_address(u64 a, u64 n, bool *s)
{
	u64 end = a + n - 1, x = a ^ end;
	int msb = 63;

	if (n <= 4096) {
		*s = false;
		return a & ~0xfffull;
	}
	while (!(x >> msb))
		msb--;
	*s = true;
	if (msb > 51)
		return 0x7fffffffffffffffull & ~0xfffull;
	return (a | ((1ull << msb) - 1)) & ~0xfffull;
}

static void test_cmd(void **state)
{
	struct amdv_cmd c;
	u64 cmd[2];
	unsigned int op;

	(void)state;
	/* COMPLETION_WAIT with a store, as Linux sends it. */
	cmd[0] = OP(1) | 0x1234568ull | 1;
	cmd[1] = 0xdeadbeefcafeull;
	assert_int_equal(amdv_cmd_decode(cmd, &c), 0);
	assert_int_equal(c.op, AMDV_CMD_COMPLETION_WAIT);
	assert_true(c.store);
	assert_false(c.intr);
	assert_int_equal(c.store_pa, 0x1234568ull);
	assert_int_equal(c.data, 0xdeadbeefcafeull);
	/* Device table entry, interrupt table, ATS: the device ID. */
	cmd[0] = OP(2) | 0x00a0;
	cmd[1] = 0;
	assert_int_equal(amdv_cmd_decode(cmd, &c), 0);
	assert_int_equal(c.op, AMDV_CMD_INV_DEVTAB_ENTRY);
	assert_int_equal(c.devid, 0xa0);
	cmd[0] = OP(5) | 0x0010;
	assert_int_equal(amdv_cmd_decode(cmd, &c), 0);
	assert_int_equal(c.op, AMDV_CMD_INV_INTERRUPT_TABLE);
	assert_int_equal(c.devid, 0x10);
	/* One page; the whole domain (Linux's all-ones address); a 2 MiB range. */
	cmd[0] = OP(3) | (7ull << 32);
	cmd[1] = 0x7f00000000ull;
	assert_int_equal(amdv_cmd_decode(cmd, &c), 0);
	assert_int_equal(c.domid, 7);
	assert_false(c.all);
	assert_int_equal(c.start, 0x7f00000000ull);
	assert_int_equal(c.end, 0x7f00001000ull);
	cmd[1] = (0x7fffffffffffffffull & ~0xfffull) | 3;	/* as Linux masks it */
	assert_int_equal(amdv_cmd_decode(cmd, &c), 0);
	assert_true(c.all);
	assert_true(c.pde);
	cmd[1] = 0x2ff000ull | 1;
	assert_int_equal(amdv_cmd_decode(cmd, &c), 0);
	assert_false(c.all);
	assert_int_equal(c.start, 0x200000);
	assert_int_equal(c.end, 0x400000);
	/* A guest (GN) invalidation, prefetch, PPR and unknown opcodes: refused. */
	cmd[1] = 0x1000 | 4;
	assert_int_equal(amdv_cmd_decode(cmd, &c), -1);
	cmd[1] = 0;
	for (op = 0; op < 16; op++) {
		cmd[0] = OP(op);
		bool ok = op == 1 || op == 2 || op == 3 || op == 4 || op == 5 || op == 8;
		assert_int_equal(amdv_cmd_decode(cmd, &c), ok ? 0 : -1);
	}
	cmd[0] = OP(8);
	assert_int_equal(amdv_cmd_decode(cmd, &c), 0);
	assert_true(c.all);
}

/* Whatever range Linux invalidates, the decoded range covers it. */
static void test_cmd_ranges(void **state)
{
	struct amdv_cmd c;
	u64 cmd[2], a, n;
	unsigned int i;
	bool s;

	(void)state;
	srandom(7);
	for (i = 0; i < 100000; i++) {
		a = (((u64)random() << 31) ^ (u64)random()) & 0x0000fffffffff000ull;
		n = (u64)(random() % 4096 + 1) << (12 + random() % 20);
		cmd[0] = OP(3) | (1ull << 32);
		cmd[1] = linux_inv_address(a, n, &s) | (s ? 1 : 0);
		assert_int_equal(amdv_cmd_decode(cmd, &c), 0);
		if (c.all)
			continue;
		if (!(c.start <= a && a + n <= c.end))
			fail_msg("[%#llx, +%#llx) decoded as [%#llx, %#llx)", (unsigned long long)a,
				 (unsigned long long)n, (unsigned long long)c.start,
				 (unsigned long long)c.end);
	}
}

/* ------------------------------------------------------ Linux's tables */

static u64 new_table(void)
{
	memset(pool_va[pool.used], 0, 4096);
	return pool_pa[pool.used++];
}

static u64 *tab(u64 pa)
{
	return table_at(pa);
}

#define NOT_A_TABLE	0x12345000ull	/* the read callback refuses it */

static const u64 *read_table(void *ctx, u64 pa)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < pool.used; i++)
		if (pool_pa[i] == pa)
			return pool_va[i];
	return NULL;
}

static struct amdv_leaf leaves[64];
static unsigned int nleaves;

static int collect(void *ctx, const struct amdv_leaf *l)
{
	(void)ctx;
	assert_true(nleaves < 64);
	leaves[nleaves++] = *l;
	return 0;
}

static void expect_leaf(unsigned int i, u64 iova, u64 pa, u64 size, bool r, bool w)
{
	assert_true(i < nleaves);
	assert_int_equal(leaves[i].iova, iova);
	assert_int_equal(leaves[i].pa, pa);
	assert_int_equal(leaves[i].size, size);
	assert_int_equal(leaves[i].r, r);
	assert_int_equal(leaves[i].w, w);
}

#define RW	(AMDV_PTE_PR | AMDV_PTE_IR | AMDV_PTE_IW)
#define NL(n)	((u64)(n) << AMDV_PTE_NEXT_SHIFT)

/* A 3-level table as Linux builds them, with each kind of entry. */
static u64 linux_table(void)
{
	u64 l3 = new_table(), l2 = new_table(), l1 = new_table(), l1b = new_table();
	unsigned int k;

	tab(l3)[0] = l2 | NL(2) | RW;
	tab(l2)[0] = l1 | NL(1) | RW;
	tab(l1)[1] = 0x5000 | RW;				/* 4 KiB */
	for (k = 16; k < 32; k++)				/* 64 KiB, replicated */
		tab(l1)[k] = 0x100000 | 0x7000 | NL(7) | RW;
	tab(l2)[1] = 0x40000000 | AMDV_PTE_PR | AMDV_PTE_IR;	/* 2 MiB, read-only */
	tab(l3)[1] = l1b | NL(1) | AMDV_PTE_PR | AMDV_PTE_IR;	/* level 2 skipped */
	tab(l1b)[0] = 0x7000 | RW;
	tab(l1b)[3] = 0x8000;					/* not present */
	return l3;
}

static void test_walk(void **state)
{
	u64 root;
	unsigned int k;

	(void)state;
	root = linux_table();
	nleaves = 0;
	assert_int_equal(amdv_walk(root, 3, 0, 2 * GiB, read_table, collect, NULL), 0);
	assert_int_equal(nleaves, 1 + 16 + 1 + 1);
	expect_leaf(0, 0x1000, 0x5000, 4 * KiB, true, true);
	for (k = 0; k < 16; k++)
		expect_leaf(1 + k, 0x10000 + k * 4 * KiB, 0x100000 + k * 4 * KiB, 4 * KiB, true, true);
	expect_leaf(17, 0x200000, 0x40000000, 2 * MiB, true, false);
	/* Through the skipped level: the PDE's read-only permission holds. */
	expect_leaf(18, 1 * GiB, 0x7000, 4 * KiB, true, false);

	/* Only what overlaps the range. */
	nleaves = 0;
	assert_int_equal(amdv_walk(root, 3, 0x11000, 0x13000, read_table, collect, NULL), 0);
	assert_int_equal(nleaves, 2);
	expect_leaf(0, 0x11000, 0x101000, 4 * KiB, true, true);
	expect_leaf(1, 0x12000, 0x102000, 4 * KiB, true, true);
	nleaves = 0;
	assert_int_equal(amdv_walk(root, 3, 0x300000, 0x300001, read_table, collect, NULL), 0);
	assert_int_equal(nleaves, 1);		/* inside the 2 MiB leaf */
	expect_leaf(0, 0x200000, 0x40000000, 2 * MiB, true, false);
	/* Skipped bits not zero: nothing there. */
	nleaves = 0;
	assert_int_equal(amdv_walk(root, 3, 1 * GiB + 2 * MiB, 2 * GiB, read_table, collect, NULL), 0);
	assert_int_equal(nleaves, 0);
}

static void test_walk_refused(void **state)
{
	u64 root, l2;

	(void)state;
	root = linux_table();
	l2 = tab(root)[0] & AMDV_PTE_ADDR_MASK;
	/* A table page the hypervisor may not read: the walk fails there only. */
	tab(root)[2] = NOT_A_TABLE | NL(2) | RW;
	nleaves = 0;
	assert_int_equal(amdv_walk(root, 3, 0, 2 * GiB, read_table, collect, NULL), 0);
	assert_int_equal(amdv_walk(root, 3, 0, 3 * GiB, read_table, collect, NULL), -1);
	tab(root)[2] = 0;
	/* Next Level not below its own level. */
	tab(l2)[5] = l2 | NL(2) | RW;
	assert_int_equal(amdv_walk(root, 3, 5 * 2 * MiB, 6 * 2 * MiB, read_table, collect, NULL), -1);
	/* A sized leaf no larger than its level's own pages (8 KiB at level 2). */
	tab(l2)[5] = 0x80000000ull | NL(7) | RW;
	assert_int_equal(amdv_walk(root, 3, 5 * 2 * MiB, 6 * 2 * MiB, read_table, collect, NULL), -1);
	/* Bad arguments. */
	assert_int_equal(amdv_walk(root, 0, 0, 1, read_table, collect, NULL), -1);
	assert_int_equal(amdv_walk(root, 7, 0, 1, read_table, collect, NULL), -1);
	assert_int_equal(amdv_walk(root, 3, 1, 1, read_table, collect, NULL), -1);
}

/* ------------------------------------------------------ taking the IOMMU */

/*
 * The played IOMMU's registers and memory: amdv_own_take() gets host
 * memory at "physical" 0x10000000 up through the env; the command
 * processor runs when the code polls (env relax), as QEMU's does on the
 * tail write: it needs IommuEn and CmdBufEn, runs every command from head
 * to tail, and records what it ran.
 */
#define REGS_BYTES	(512 * KiB)
#define ENV_BASE	0x10000000ull
static u64 *regs;
static struct { u8 *va; u64 pa, n; } allocs[64];
static unsigned int nallocs, ncmds_run, inv_all_enabled;
static u64 env_next, cmds_run[16];
static u64 inv_all_devtab;	/* DevTabBar when the last INVALIDATE_IOMMU_ALL ran */
static bool played_stuck;	/* the IOMMU never completes */
static unsigned int alloc_limit;	/* pages before the env runs dry */

static u64 *env_at(u64 pa)
{
	unsigned int i;

	for (i = 0; i < nallocs; i++)
		if (pa >= allocs[i].pa && pa - allocs[i].pa < allocs[i].n * 4096)
			return (u64 *)(allocs[i].va + (pa - allocs[i].pa));
	return NULL;
}

static void *env_alloc(void *ctx, unsigned int n, u64 *pa)
{
	(void)ctx;
	if (nallocs == 64 || n > alloc_limit)
		return NULL;
	alloc_limit -= n;
	allocs[nallocs].va = aligned_alloc(4096, n * 4096ull);
	memset(allocs[nallocs].va, 0, n * 4096ull);
	allocs[nallocs].pa = env_next;
	allocs[nallocs].n = n;
	*pa = env_next;
	env_next += n * 4096ull;
	return allocs[nallocs++].va;
}

#define REG(off)	regs[(off) / 8]

static void env_relax(void *ctx)
{
	u64 base = REG(AMDV_CMDBUF_BAR) & AMDV_PTE_ADDR_MASK, *c;

	(void)ctx;
	if (played_stuck || !(REG(AMDV_CONTROL) & AMDV_CTL_IOMMU_EN) ||
	    !(REG(AMDV_CONTROL) & AMDV_CTL_CMDBUF_EN))
		return;
	while (REG(AMDV_CMDBUF_HEAD) != REG(AMDV_CMDBUF_TAIL)) {
		c = env_at(base + REG(AMDV_CMDBUF_HEAD));
		assert_non_null(c);
		if (ncmds_run < 16)
			cmds_run[ncmds_run++] = c[0] >> 60;
		if (c[0] >> 60 == AMDV_CMD_INV_IOMMU_ALL) {
			inv_all_enabled += (REG(AMDV_CONTROL) & AMDV_CTL_IOMMU_EN) != 0;
			inv_all_devtab = REG(AMDV_DEVTAB_BAR);
		}
		if (c[0] >> 60 == AMDV_CMD_COMPLETION_WAIT && (c[0] & 1))
			*env_at(c[0] & 0x000ffffffffffff8ull) = c[1];
		REG(AMDV_CMDBUF_HEAD) = (REG(AMDV_CMDBUF_HEAD) + 16) % 4096;
	}
}

static u64 clock_us;
static u64 env_now(void *ctx)
{
	(void)ctx;
	return clock_us += 1000;	/* every poll: 1 ms */
}

/* The legacy ROM area [0xc0000, 0xf0000) as QEMU shows it; reads counted. */
static u64 rom_area[0x30000 / 8];
static unsigned int low_reads;
static const volatile u64 *env_low_mem(void *ctx, u64 pa)
{
	(void)ctx;
	low_reads++;
	assert_true(pa >= 0xc0000 && pa + 0x8000 <= 0xf0000);
	return rom_area + (pa - 0xc0000) / 8;
}

static const struct amdv_env tenv = { NULL, env_alloc, env_relax, env_now, NULL, 0, NULL, 0, env_low_mem };
static struct amdv_env env1;

/* Linux's registers with amd_iommu=off: IOMMU off, the rest whatever firmware left. */
static const struct { u32 off; u64 val; } linux_regs[] = {
	{ AMDV_DEVTAB_BAR, 0x1234000ull | 0x1ff }, { AMDV_CMDBUF_BAR, 0x08000000055aa000ull },
	{ AMDV_EVTLOG_BAR, 0x0800000006600000ull }, { AMDV_CONTROL, 0x4ull << 5 },
	{ AMDV_EXCL_BASE, 0x3e400000ull | 3 }, { AMDV_EXCL_LIMIT, 0x3e7ff000ull },
	{ AMDV_EXT_FEATURES, 0x29d3 },	/* QEMU 7.2's, IA among them */
	{ AMDV_CMDBUF_HEAD, 0x40 }, { AMDV_CMDBUF_TAIL, 0x40 },
	{ AMDV_EVTLOG_HEAD, 0x20 }, { AMDV_EVTLOG_TAIL, 0x30 },
};
/*
 * The status register is write-1-to-clear, which plain memory does not
 * play: it starts with Linux's overflow bit, and what is left in it
 * afterwards is the last value written, the bits the code cleared.
 */
#define LINUX_STATUS	0x1ull

static int own_setup(void **state)
{
	unsigned int i;

	(void)state;
	if (!regs)
		regs = aligned_alloc(4096, REGS_BYTES);
	memset(regs, 0, REGS_BYTES);
	for (i = 0; i < sizeof(linux_regs) / sizeof(linux_regs[0]); i++)
		REG(linux_regs[i].off) = linux_regs[i].val;
	REG(AMDV_STATUS) = LINUX_STATUS;
	for (i = 0; i < nallocs; i++)
		free(allocs[i].va);
	nallocs = ncmds_run = inv_all_enabled = 0;
	env_next = ENV_BASE;
	played_stuck = false;
	alloc_limit = 1024;
	env1 = tenv;
	env1.mmio = regs;
	return 0;
}

static void assert_linux_regs(bool released)
{
	unsigned int i;

	for (i = 0; i < sizeof(linux_regs) / sizeof(linux_regs[0]); i++)
		if (REG(linux_regs[i].off) != linux_regs[i].val)
			fail_msg("register %#x is %#llx, Linux left %#llx", linux_regs[i].off,
				 (unsigned long long)REG(linux_regs[i].off),
				 (unsigned long long)linux_regs[i].val);
	/* Linux's status bits never cleared; untouched unless released. */
	if (released)
		assert_false(REG(AMDV_STATUS) & LINUX_STATUS);
	else
		assert_int_equal(REG(AMDV_STATUS), LINUX_STATUS);
}

/* The DTE of @devid in the table the hardware now uses. */
static const u64 *hw_dte(unsigned int devid)
{
	u64 *t = env_at(REG(AMDV_DEVTAB_BAR) & AMDV_PTE_ADDR_MASK);

	assert_non_null(t);
	return t + 4 * devid;
}

static void test_own_take_release(void **state)
{
	struct amdv_own o;
	unsigned int d;
	u64 pa;

	(void)state;
	assert_false(amdv_linux_enabled(&env1));
	assert_int_equal(amdv_own_take(&o, &env1, tb_ram, 2, tb_prot, 1), 0);
	/* Enabled, with its rings, no exclusion range, the whole table. */
	assert_true(REG(AMDV_CONTROL) & AMDV_CTL_IOMMU_EN);
	assert_true(REG(AMDV_CONTROL) & AMDV_CTL_CMDBUF_EN);
	assert_true(REG(AMDV_CONTROL) & AMDV_CTL_EVTLOG_EN);
	assert_int_equal(REG(AMDV_CONTROL) & AMDV_CTL_INV_TIMEOUT_MASK, 0x4ull << 5);
	assert_int_equal(REG(AMDV_EXCL_BASE), 0);
	assert_int_equal(REG(AMDV_EXCL_LIMIT), 0);
	assert_int_equal(REG(AMDV_DEVTAB_BAR) & 0x1ff, 0x1ff);	/* 2 MiB: every DeviceID */
	assert_non_null(env_at((REG(AMDV_DEVTAB_BAR) & AMDV_PTE_ADDR_MASK) + 2 * MiB - 1));
	assert_non_null(env_at(REG(AMDV_CMDBUF_BAR) & AMDV_PTE_ADDR_MASK));
	assert_non_null(env_at(REG(AMDV_EVTLOG_BAR) & AMDV_PTE_ADDR_MASK));
	/* INVALIDATE_IOMMU_ALL ran with the IOMMU on, then the completion. */
	assert_int_equal(ncmds_run, 2);
	assert_int_equal(cmds_run[0], AMDV_CMD_INV_IOMMU_ALL);
	assert_int_equal(cmds_run[1], AMDV_CMD_COMPLETION_WAIT);
	assert_int_equal(inv_all_enabled, 1);
	/* Every DeviceID: translated, RAM but the block, no INIT/ExtINT/SMI. */
	for (d = 0; d < 65536; d++) {
		const u64 *e = hw_dte(d);

		assert_memory_equal(e, hw_dte(0), 32);
	}
	{
		const u64 *e = hw_dte(0x0100);	/* edu's, say */

		assert_true(e[0] & AMDV_DTE_V);
		assert_true(e[0] & AMDV_DTE_TV);
		/* Interrupts untranslated, as natively (QEMU loses forwarded ones). */
		assert_int_equal(e[2], 0);
		assert_false(e[1] & (AMDV_DTE1_SYSMGT_MASK | AMDV_DTE1_IOCTL_MASK | AMDV_DTE1_EX));
		for (pa = 0; pa < 2 * GiB; pa += 64 * KiB) {
			if (in_range(pa, 0x3e400000, 4 * MiB) ||
			    !(in_range(pa, 0x1000, 0x9f000 - 0x1000) ||
			      in_range(pa, 0x100000, 0x3ffe0000 - 0x100000)))
				assert_true(blocked(e, pa));
			else
				assert_true(reaches(e, pa));
		}
		/* The block's first and last page, and the IOMMU's registers. */
		assert_true(blocked(e, 0x3e400000));
		assert_true(blocked(e, 0x3e7ff000));
		assert_true(blocked(e, 0xfed80000));
	}
	/* Two events logged meanwhile: counted, the log consumed. */
	REG(AMDV_EVTLOG_TAIL) = 0x20;
	assert_int_equal(amdv_own_events(&o), 2);
	assert_int_equal(REG(AMDV_EVTLOG_HEAD), 0x20);
	REG(AMDV_EVTLOG_TAIL) = 0x30;
	REG(AMDV_STATUS) = LINUX_STATUS | 0x2 | 0x4;	/* event and completion interrupts */
	ncmds_run = 0;
	assert_int_equal(amdv_own_release(&o), 3);
	/* Invalidated on the way out, then every register as Linux left it. */
	assert_int_equal(ncmds_run, 2);
	assert_int_equal(cmds_run[0], AMDV_CMD_INV_IOMMU_ALL);
	assert_int_equal(REG(AMDV_STATUS), 0x6);	/* ours cleared, Linux's kept */
	assert_linux_regs(true);
	/* Twice: nothing more happens. */
	REG(AMDV_STATUS) = LINUX_STATUS | 0x2;
	assert_int_equal(amdv_own_release(&o), 0);
	assert_int_equal(REG(AMDV_STATUS), LINUX_STATUS | 0x2);
	REG(AMDV_STATUS) = 0;
	assert_linux_regs(true);
}

/*
 * Linux never set a device table (DevTabBar 0, amd_iommu=off on QEMU): the
 * release looks for a window of zeros in the ROM area (QEMU is left on it,
 * which plain memory cannot show) and still leaves the register 0.
 */
static void test_own_release_devtab_zero(void **state)
{
	struct amdv_own o;

	(void)state;
	REG(AMDV_DEVTAB_BAR) = 0;
	memset(rom_area, 0xff, sizeof(rom_area));
	assert_int_equal(amdv_own_take(&o, &env1, tb_ram, 2, tb_prot, 1), 0);
	assert_int_not_equal(REG(AMDV_DEVTAB_BAR), 0);
	low_reads = 0;
	amdv_own_release(&o);		/* no window of zeros: plain 0 */
	assert_int_equal(REG(AMDV_DEVTAB_BAR), 0);
	assert_int_equal(low_reads, 4);	/* 0xe0000 down to 0xc8000 */
	own_setup(state);		/* the heap again */
	REG(AMDV_DEVTAB_BAR) = 0;
	memset(rom_area, 0, sizeof(rom_area));
	assert_int_equal(amdv_own_take(&o, &env1, tb_ram, 2, tb_prot, 1), 0);
	low_reads = 0;
	amdv_own_release(&o);		/* the first window is zeros */
	assert_int_equal(REG(AMDV_DEVTAB_BAR), 0);
	assert_int_equal(low_reads, 1);
	REG(AMDV_DEVTAB_BAR) = 0x1234000ull | 0x1ff;
	REG(AMDV_STATUS) = 0;
	assert_linux_regs(true);
}

/* Linux uses its IOMMU: not touched. */
static void test_own_linux_enabled(void **state)
{
	struct amdv_own o;

	(void)state;
	REG(AMDV_CONTROL) |= AMDV_CTL_IOMMU_EN;
	assert_true(amdv_linux_enabled(&env1));
	assert_int_equal(amdv_own_take(&o, &env1, tb_ram, 2, tb_prot, 1), -1);
	assert_false(o.owned);
	assert_int_equal(nallocs, 0);
	REG(AMDV_CONTROL) &= ~AMDV_CTL_IOMMU_EN;
	assert_int_equal(REG(AMDV_STATUS), LINUX_STATUS);
	assert_int_equal(amdv_own_release(&o), 0);
	assert_int_equal(REG(AMDV_STATUS), LINUX_STATUS);
	REG(AMDV_STATUS) = 0;
	assert_linux_regs(true);
}

/* Failures leave Linux's registers as they were. */
static void test_own_failures(void **state)
{
	struct amdv_own o;

	(void)state;
	/* No INVALIDATE_IOMMU_ALL. */
	REG(AMDV_EXT_FEATURES) &= ~AMDV_EFR_IA;
	assert_int_equal(amdv_own_take(&o, &env1, tb_ram, 2, tb_prot, 1), -1);
	REG(AMDV_EXT_FEATURES) |= AMDV_EFR_IA;
	assert_linux_regs(false);
	/* Out of memory: for the device table, for the identity table. */
	alloc_limit = 100;
	assert_int_equal(amdv_own_take(&o, &env1, tb_ram, 2, tb_prot, 1), -1);
	assert_linux_regs(false);
	alloc_limit = 512 + 3 + 5;
	assert_int_equal(amdv_own_take(&o, &env1, tb_ram, 2, tb_prot, 1), -1);
	assert_linux_regs(false);
	/* The IOMMU never completes: given back, disabled. */
	alloc_limit = 1024;
	played_stuck = true;
	assert_int_equal(amdv_own_take(&o, &env1, tb_ram, 2, tb_prot, 1), -1);
	assert_false(o.owned);
	assert_linux_regs(true);
}

/* The take-over of an IOMMU Linux uses: @ctx says whether the fill fails. */
static unsigned int fill_calls;
static int test_fill(void *ctx, u64 *devtab, u64 id_root, unsigned int id_levels)
{
	unsigned int i;

	fill_calls++;
	for (i = 0; i < 65536; i++)
		devtab[4 * i] = id_root | ((u64)id_levels << AMDV_DTE_MODE_SHIFT) |
				AMDV_DTE_V | AMDV_DTE_TV;
	return *(const int *)ctx;
}

#define LINUX_CTL	(AMDV_CTL_IOMMU_EN | AMDV_CTL_CMDBUF_EN | AMDV_CTL_EVTLOG_EN | \
			 AMDV_CTL_EVTINT_EN | AMDV_CTL_GA_EN | (1ull << 16) | (0x4ull << 5))

/* Linux on, with one command of its own still queued in its ring. */
static u64 linux_on_setup(u64 *ring_pa)
{
	u64 *ring = env_alloc(NULL, 1, ring_pa);

	REG(AMDV_CONTROL) = LINUX_CTL;
	REG(AMDV_CMDBUF_BAR) = *ring_pa | AMDV_RING_LEN_8;
	ring[0] = (u64)AMDV_CMD_INV_IOMMU_ALL << 60;
	REG(AMDV_CMDBUF_HEAD) = 0;
	REG(AMDV_CMDBUF_TAIL) = 0x10;
	return *ring_pa | AMDV_RING_LEN_8;
}

static void test_own_takeover(void **state)
{
	struct amdv_own o;
	u64 ring_pa, linux_cmdbuf = linux_on_setup(&ring_pa), linux_devtab = REG(AMDV_DEVTAB_BAR);
	int ok = 0;

	(void)state;
	fill_calls = 0;
	assert_int_equal(amdv_own_takeover(&o, &env1, tb_ram, 2, tb_prot, 1, test_fill, &ok), 0);
	/* Linux's queued command ran first, on its own ring. */
	assert_int_equal(cmds_run[0], AMDV_CMD_INV_IOMMU_ALL);
	assert_int_equal(o.saved[AMDV_SAVED_CMD_HEAD], 0x10);
	assert_int_equal(o.saved[AMDV_SAVED_CMDBUF], linux_cmdbuf);
	assert_int_equal(o.saved[AMDV_SAVED_CONTROL], LINUX_CTL);
	/* Still enabled, on our table and ring, without Linux's interrupts or GT. */
	assert_int_equal(fill_calls, 1);
	assert_true(REG(AMDV_CONTROL) & AMDV_CTL_IOMMU_EN);
	assert_true(REG(AMDV_CONTROL) & AMDV_CTL_CMDBUF_EN);
	assert_true(REG(AMDV_CONTROL) & AMDV_CTL_GA_EN);
	assert_false(REG(AMDV_CONTROL) & (AMDV_CTL_EVTINT_EN | (1ull << 16)));
	assert_int_equal(REG(AMDV_CONTROL) & AMDV_CTL_INV_TIMEOUT_MASK, 0x4ull << 5);
	assert_int_equal(REG(AMDV_DEVTAB_BAR), o.devtab_pa | 0x1ff);
	assert_int_equal(REG(AMDV_EXCL_BASE), 0);
	assert_int_equal(REG(AMDV_CMDBUF_BAR) & AMDV_PTE_ADDR_MASK, o.cmd_pa);
	/* Then everything cached from Linux's tables dropped, from ours. */
	assert_int_equal(cmds_run[1], AMDV_CMD_INV_IOMMU_ALL);
	assert_int_equal(inv_all_devtab, o.devtab_pa | 0x1ff);
	assert_int_equal(hw_dte(0x10)[0] & AMDV_DTE_ROOT_MASK, o.id_root);

	/* Linux moved its (virtual) ring meanwhile: that is what goes back. */
	o.saved[AMDV_SAVED_CMD_HEAD] = o.saved[AMDV_SAVED_CMD_TAIL] = 0x40;
	ncmds_run = 0;
	inv_all_enabled = 0;
	amdv_own_release(&o);
	/* Linux's table back first, then the invalidation, with the IOMMU on. */
	assert_int_equal(inv_all_devtab, linux_devtab);
	assert_int_equal(inv_all_enabled, 2);
	assert_int_equal(REG(AMDV_DEVTAB_BAR), linux_devtab);
	assert_int_equal(REG(AMDV_CMDBUF_BAR), linux_cmdbuf);
	assert_int_equal(REG(AMDV_CMDBUF_HEAD), 0x40);
	assert_int_equal(REG(AMDV_CMDBUF_TAIL), 0x40);
	assert_int_equal(REG(AMDV_CONTROL), LINUX_CTL);
	assert_int_equal(REG(AMDV_EXCL_BASE), 0x3e400000ull | 3);
	assert_false(o.owned);
}

/* Failures leave Linux's IOMMU as it was: on, on its own tables. */
static void test_own_takeover_failures(void **state)
{
	struct amdv_own o;
	u64 ring_pa, linux_cmdbuf = linux_on_setup(&ring_pa), linux_devtab = REG(AMDV_DEVTAB_BAR);
	int fail = -1, ok = 0;

	(void)state;
	/* Linux off: not this mode. */
	REG(AMDV_CONTROL) &= ~AMDV_CTL_IOMMU_EN;
	assert_int_equal(amdv_own_takeover(&o, &env1, tb_ram, 2, tb_prot, 1, test_fill, &ok), -1);
	REG(AMDV_CONTROL) = LINUX_CTL;
	/* Linux's commands never complete. */
	played_stuck = true;
	assert_int_equal(amdv_own_takeover(&o, &env1, tb_ram, 2, tb_prot, 1, test_fill, &ok), -1);
	played_stuck = false;
	/* The fill gives up. */
	assert_int_equal(amdv_own_takeover(&o, &env1, tb_ram, 2, tb_prot, 1, test_fill, &fail), -1);
	assert_false(o.owned);
	assert_int_equal(REG(AMDV_CONTROL), LINUX_CTL);
	assert_int_equal(REG(AMDV_DEVTAB_BAR), linux_devtab);
	assert_int_equal(REG(AMDV_CMDBUF_BAR), linux_cmdbuf);
}

/*
 * The unload's release as a program (docs/dma.md, "Unload"): recording it
 * touches no register, so the IOMMU keeps our tables through the scrub;
 * the stub running it afterwards gives Linux its IOMMU back as the direct
 * release does.
 */
#define MMIO_PA		0xfed80000ull
static void run_prog(const u64 *op)
{
	u64 *w;

	for (; op[0] != AMDV_OP_END; op += 3) {
		if (op[0] == AMDV_OP_POLL) {
			env_relax(NULL);
			assert_int_equal(*env_at(op[1]), op[2]);
			continue;
		}
		assert_true(op[1] >= MMIO_PA && op[1] < MMIO_PA + REGS_BYTES);
		w = &regs[(op[1] - MMIO_PA) / 8];
		if (op[0] == AMDV_OP_W32)
			*(u32 *)w = (u32)op[2];
		else
			*w = op[2];
	}
}

static void test_own_release_prog(void **state)
{
	static u64 ops[3 * 64];
	static u64 before[REGS_BYTES / 8];
	struct amdv_prog p = { ops, 0, 63, MMIO_PA, false };
	struct amdv_own o;
	u64 ring_pa, linux_cmdbuf = linux_on_setup(&ring_pa), linux_devtab = REG(AMDV_DEVTAB_BAR);
	int ok = 0;

	(void)state;
	assert_int_equal(amdv_own_takeover(&o, &env1, tb_ram, 2, tb_prot, 1, test_fill, &ok), 0);
	memcpy(before, regs, REGS_BYTES);
	ncmds_run = 0;
	amdv_own_release_prog(&o, &p);
	/* Nothing written yet: the scrub runs under our tables. */
	assert_memory_equal(before, regs, REGS_BYTES);
	assert_int_equal(ncmds_run, 0);
	assert_false(p.overflow);
	assert_false(o.owned);
	run_prog(ops);
	assert_int_equal(inv_all_devtab, linux_devtab);	/* invalidated on Linux's table */
	assert_int_equal(REG(AMDV_DEVTAB_BAR), linux_devtab);
	assert_int_equal(REG(AMDV_CMDBUF_BAR), linux_cmdbuf);
	assert_int_equal(REG(AMDV_CONTROL), LINUX_CTL);
}

/* ------------------------------------------------ launch order (the SL) */

/*
 * docs/dma.md, "Launch order": the SL's steps (hv/sl/steps.c) take the
 * IOMMU before they measure the runtime.  Linux, before the launch, armed
 * edu (DeviceID 0x10) with a translated domain that maps the block, and
 * gave DeviceID 0x18 a "remapping table" inside the block.  At the moment
 * of the measurement no DeviceID may reach the block.
 */
#define BLOCK		0x3e400000ull
static struct amdv_own sl_o;
static struct amdv_env sl_env;
static bool measured, safe_at_measure;
static u64 linux_irt;

static const volatile u64 *sl_linux_table(void *ctx, u64 pa, u64 len)
{
	(void)ctx;
	return env_at(pa) && env_at(pa + len - 1) ? env_at(pa) : NULL;
}

static bool sl_irt_ok(void *ctx, u64 pa, u64 len)
{
	(void)ctx;
	return env_at(pa) && env_at(pa + len - 1) && !in_range(pa, BLOCK, 4 * MiB) &&
	       !in_range(pa + len - 1, BLOCK, 4 * MiB);
}

static void sl_protect(void *ctx)
{
	(void)ctx;
	amdv_sl_take(&sl_o, &sl_env, tb_ram, 2, tb_prot, 1, sl_linux_table, sl_irt_ok, NULL);
}

static void sl_measure(void *ctx)
{
	static const unsigned int devs[] = { 0x0, 0x10, 0x18, 0xa0, 0x7fff };
	bool ok = (REG(AMDV_CONTROL) & AMDV_CTL_IOMMU_EN) &&
		  REG(AMDV_DEVTAB_BAR) == (sl_o.devtab_pa | (XMHF_SL_DEVTAB_PAGES - 1)) &&
		  inv_all_devtab == REG(AMDV_DEVTAB_BAR);
	unsigned int i;

	(void)ctx;
	for (i = 0; ok && i < ARRAY_SIZE(devs); i++)
		ok = blocked(hw_dte(devs[i]), BLOCK) && blocked(hw_dte(devs[i]), BLOCK + 4 * MiB - 4096);
	measured = true;
	safe_at_measure = ok;
}

static const struct sl_step_ops sl_ops = { sl_protect, sl_measure };

/* Linux's tables before the launch: edu translated onto the block, 0x18's IRT in it. */
static void linux_armed(void)
{
	u64 dt_pa, l3, l2, l1, irt_pa;
	u64 *dt = env_alloc(NULL, 2, &dt_pa), *t3 = env_alloc(NULL, 1, &l3),
	    *t2 = env_alloc(NULL, 1, &l2), *t1 = env_alloc(NULL, 1, &l1);

	env_alloc(NULL, 2, &irt_pa);
	linux_irt = irt_pa;
	t3[0] = l2 | (2ull << AMDV_PTE_NEXT_SHIFT) | AMDV_PTE_PR | AMDV_PTE_IR | AMDV_PTE_IW;
	t2[BLOCK >> 21] = l1 | (1ull << AMDV_PTE_NEXT_SHIFT) | AMDV_PTE_PR | AMDV_PTE_IR | AMDV_PTE_IW;
	t1[0] = BLOCK | AMDV_PTE_PR | AMDV_PTE_IR | AMDV_PTE_IW;
	dt[4 * 0x10] = l3 | (3ull << AMDV_DTE_MODE_SHIFT) | AMDV_DTE_V | AMDV_DTE_TV |
		       AMDV_DTE_IR | AMDV_DTE_IW;
	dt[4 * 0x10 + 1] = 7;				/* domain 7 */
	dt[4 * 0x10 + 2] = irt_pa | (9ull << 1) | AMDV_DTE2_IV | (2ull << 60);
	dt[4 * 0x18] = AMDV_DTE_V | AMDV_DTE_TV | AMDV_DTE_IR | AMDV_DTE_IW; /* passthrough */
	dt[4 * 0x18 + 2] = BLOCK | (9ull << 1) | AMDV_DTE2_IV | (2ull << 60) | AMDV_DTE2_INIT_PASS;
	REG(AMDV_DEVTAB_BAR) = dt_pa | 1;		/* 2 pages: 256 DeviceIDs */
	/* Natively, edu reaches the block through Linux's table. */
	assert_true(reaches((const u64 *)env_at(dt_pa) + 4 * 0x10, BLOCK));
}

static void test_launch_order(void **state)
{
	u64 ring_pa;
	int on;

	(void)state;
	for (on = 0; on < 2; on++) {
		own_setup(NULL);
		if (on)
			linux_on_setup(&ring_pa);
		linux_armed();
		sl_env = env1;
		sl_env.devtab_pages = XMHF_SL_DEVTAB_PAGES;
		measured = safe_at_measure = false;
		sl_launch_steps(&sl_ops, NULL);
		assert_true(measured);
		assert_true(safe_at_measure);
		assert_true(sl_o.owned);
		assert_int_equal(sl_o.live, on);
		if (on) {
			/* Linux's interrupts keep its remapping; the IRT in the block is not used. */
			assert_int_equal(hw_dte(0x10)[2] & AMDV_DTE2_IRT_MASK, linux_irt);
			assert_int_equal((hw_dte(0x10)[2] & AMDV_DTE2_INTCTL_MASK) >> 60, AMDV_INTCTL_REMAP);
			assert_int_equal((hw_dte(0x18)[2] & AMDV_DTE2_INTCTL_MASK) >> 60, AMDV_INTCTL_ABORT);
			assert_false(hw_dte(0x18)[2] & AMDV_DTE2_INIT_PASS);
		}
		/* The runtime's release gives Linux its IOMMU back as it was. */
		amdv_own_release(&sl_o);
		assert_int_equal(REG(AMDV_CONTROL) & AMDV_CTL_IOMMU_EN, (u64)on);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup(test_identity_testbench, pool_setup),
		cmocka_unit_test_setup(test_identity_levels, pool_setup),
		cmocka_unit_test_setup(test_identity_pool, pool_setup),
		cmocka_unit_test_setup(test_identity_all_protected, pool_setup),
		cmocka_unit_test_setup(test_dte, pool_setup),
		cmocka_unit_test_setup(test_dte_random, pool_setup),
		cmocka_unit_test(test_irte),
		cmocka_unit_test(test_cmd),
		cmocka_unit_test(test_cmd_ranges),
		cmocka_unit_test_setup(test_walk, pool_setup),
		cmocka_unit_test_setup(test_walk_refused, pool_setup),
		cmocka_unit_test_setup(test_own_take_release, own_setup),
		cmocka_unit_test_setup(test_own_release_devtab_zero, own_setup),
		cmocka_unit_test_setup(test_own_linux_enabled, own_setup),
		cmocka_unit_test_setup(test_own_failures, own_setup),
		cmocka_unit_test_setup(test_own_takeover, own_setup),
		cmocka_unit_test_setup(test_own_takeover_failures, own_setup),
		cmocka_unit_test(test_launch_order),
		cmocka_unit_test_setup(test_own_release_prog, own_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
