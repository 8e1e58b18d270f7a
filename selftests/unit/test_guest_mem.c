// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for hv/core/guest_mem.c: guest page-table walks in every
 * paging mode and the bounds-checked guest copies.
 *
 * Guest-physical memory is faked: 8 MiB of RAM at gpa 0 with a refused
 * "hypervisor" hole in it, plus small extra regions a test can place at
 * high addresses.  Page tables are built in it with the entry formats
 * written out here from the SDM/APM, independently of the code under test.
 * The fake map() asserts the contract the service promises (0 < len <=
 * 4 KiB, never crossing a page) and counts its calls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <core/guest_mem.h>

/* Entry bits. */
#define P	(1ULL << 0)
#define RW	(1ULL << 1)
#define US	(1ULL << 2)
#define ACC	(1ULL << 5)
#define DIRTY	(1ULL << 6)
#define PS	(1ULL << 7)
#define XD	(1ULL << 63)
#define ADDR	0x000ffffffffff000ULL
#define URW	(P | RW | US)

/* Control bits. */
#define CR0_PE	(1ULL << 0)
#define CR0_WP	(1ULL << 16)
#define CR0_PG	(1ULL << 31)
#define CR4_PSE	(1ULL << 4)
#define CR4_PAE	(1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define CR4_SMAP (1ULL << 21)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

#define KiB	1024ULL
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)

#define RAM_SIZE	(8 * MiB)
#define FRAMES_LO	(1 * MiB)	/* page tables and small data frames */
#define FRAMES_HI	(2 * MiB)
#define HOLE_LO		(6 * MiB)	/* "the hypervisor's memory": refused */
#define HOLE_HI		(6 * MiB + 512 * KiB)
#define GUARD		0xa5

struct region {
	u64 base, size;
	u8 *mem;
};

static struct fake_mem {
	struct region r[4];
	unsigned int n;
	unsigned int calls;
	u64 next_frame;
} fm;

static void *fake_map(void *ctx, u64 gpa, size_t len)
{
	struct fake_mem *f = ctx;
	unsigned int i;

	f->calls++;
	assert_true(len > 0);
	assert_true(len <= 4096);
	assert_true((gpa & 0xfff) + len <= 4096);
	if (gpa < HOLE_HI && gpa + len > HOLE_LO)
		return NULL;
	for (i = 0; i < f->n; i++) {
		if (gpa >= f->r[i].base && gpa - f->r[i].base + len <= f->r[i].size)
			return f->r[i].mem + (gpa - f->r[i].base);
	}
	return NULL;
}

static void add_region(u64 base, u64 size)
{
	assert_true(fm.n < 4);
	fm.r[fm.n].base = base;
	fm.r[fm.n].size = size;
	fm.r[fm.n].mem = calloc(1, size);
	assert_non_null(fm.r[fm.n].mem);
	fm.n++;
}

static int setup(void **state)
{
	(void)state;
	memset(&fm, 0, sizeof(fm));
	fm.next_frame = FRAMES_LO;
	add_region(0, RAM_SIZE);
	return 0;
}

static int teardown(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < fm.n; i++)
		free(fm.r[i].mem);
	memset(&fm, 0, sizeof(fm));
	return 0;
}

/* The test's own view of guest memory (bypasses the hole). */
static u8 *host(u64 gpa)
{
	unsigned int i;

	for (i = 0; i < fm.n; i++) {
		if (gpa >= fm.r[i].base && gpa < fm.r[i].base + fm.r[i].size)
			return fm.r[i].mem + (gpa - fm.r[i].base);
	}
	fail_msg("gpa %#llx is not in fake RAM", (unsigned long long)gpa);
	return NULL;
}

static u64 alloc_frame(void)
{
	u64 pa = fm.next_frame;

	fm.next_frame += 4096;
	assert_true(fm.next_frame <= FRAMES_HI);
	return pa;
}

/* ------------------------------------------------------ table builders */

/*
 * Entry at `level` (5 PML5 ... 1 PT) on the walk of va from the root
 * table, creating missing tables.  PAE: top = 3 and the root is the 4-entry
 * PDPT, whose entries get P only (their other low bits are reserved).
 */
static u64 *ent64(u64 root, int top, bool pae, u64 va, int level)
{
	u64 table = root, *e;
	unsigned int idx;
	int l;

	for (l = top;; l--) {
		if (pae && l == 3)
			idx = (va >> 30) & 3;
		else
			idx = (va >> (12 + 9 * (l - 1))) & 511;
		e = (u64 *)host(table + idx * 8);
		if (l == level)
			return e;
		if (!(*e & P))
			*e = alloc_frame() | ((pae && l == 3) ? P : URW);
		table = *e & ADDR;
	}
}

static u64 *map64(u64 root, int top, bool pae, u64 va, u64 pa, int level,
		  u64 flags)
{
	u64 *e = ent64(root, top, pae, va, level);

	*e = pa | flags | (level > 1 ? PS : 0);
	return e;
}

/* 32-bit paging: level 2 is the PDE, 1 the PTE. */
static u32 *ent32(u64 pd, u32 va, int level)
{
	u32 *pde = (u32 *)host(pd + (va >> 22) * 4);

	if (level == 2)
		return pde;
	if (!(*pde & P))
		*pde = (u32)alloc_frame() | URW;
	return (u32 *)host((*pde & 0xfffff000U) + ((va >> 12) & 0x3ff) * 4);
}

/* ------------------------------------------------------ paging states */

static struct guest_paging gp_base(void)
{
	struct guest_paging gp = {
		.cpl = 0,
		.phys_bits = 46,
		.map = fake_map,
		.map_ctx = &fm,
	};
	return gp;
}

static struct guest_paging gp_flat(void)
{
	struct guest_paging gp = gp_base();

	gp.cr0 = CR0_PE;
	return gp;
}

static struct guest_paging gp_legacy32(u64 cr3)
{
	struct guest_paging gp = gp_base();

	gp.cr0 = CR0_PE | CR0_PG | CR0_WP;
	gp.cr4 = CR4_PSE;
	gp.cr3 = cr3;
	gp.phys_bits = 40;
	return gp;
}

static struct guest_paging gp_pae(u64 cr3)
{
	struct guest_paging gp = gp_base();

	gp.cr0 = CR0_PE | CR0_PG | CR0_WP;
	gp.cr4 = CR4_PAE;
	gp.efer = EFER_NXE;
	gp.cr3 = cr3;
	gp.phys_bits = 36;
	return gp;
}

static struct guest_paging gp_long(u64 cr3, bool la57)
{
	struct guest_paging gp = gp_base();

	gp.cr0 = CR0_PE | CR0_PG | CR0_WP;
	gp.cr4 = CR4_PAE | (la57 ? CR4_LA57 : 0);
	gp.efer = EFER_LME | EFER_LMA | EFER_NXE;
	gp.cr3 = cr3;
	return gp;
}

#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

/* Translate, expecting success; returns the gpa. */
static u64 xlate_ok(const struct guest_paging *gp, u64 va, enum gm_access acc)
{
	u64 gpa = SENTINEL;

	assert_int_equal(gm_translate(gp, va, acc, &gpa), 0);
	assert_true(gpa != SENTINEL);
	return gpa;
}

/* Translate, expecting err; *gpa must stay untouched. */
static void xlate_err(const struct guest_paging *gp, u64 va, enum gm_access acc,
		      int err)
{
	u64 gpa = SENTINEL;

	assert_int_equal(gm_translate(gp, va, acc, &gpa), err);
	assert_true(gpa == SENTINEL);
}

static bool all_bytes(const u8 *p, size_t n, u8 v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != v)
			return false;
	}
	return true;
}

/* ------------------------------------------------------ no paging */

static void test_flat(void **state)
{
	struct guest_paging gp = gp_flat();
	u8 src[16], dst[16];
	unsigned int i;

	(void)state;
	fm.calls = 0;
	assert_int_equal(xlate_ok(&gp, 0x12345, GM_READ), 0x12345);
	assert_int_equal(xlate_ok(&gp, 0xffffffffULL, GM_WRITE), 0xffffffffULL);
	/* No page tables: translate reads nothing. */
	assert_int_equal(fm.calls, 0);
	/* Linear addresses are 32 bits; above 4 GiB cannot be formed. */
	xlate_err(&gp, 1ULL << 32, GM_READ, GM_E_NONCANON);
	/* No rights without paging: CPL 3 may write anywhere. */
	gp.cpl = 3;
	assert_int_equal(xlate_ok(&gp, 0x1000, GM_WRITE), 0x1000);

	/* A copy running past 4 GiB wraps to linear (= physical) 0. */
	add_region(0xfffff000ULL, 4096);
	for (i = 0; i < sizeof(src); i++)
		src[i] = (u8)(0x30 + i);
	assert_int_equal(gm_copy_to_guest(&gp, 0xfffffff8ULL, src, 16), 0);
	assert_memory_equal(host(0xfffffff8ULL), src, 8);
	assert_memory_equal(host(0), src + 8, 8);
	memset(dst, 0, sizeof(dst));
	assert_int_equal(gm_copy_from_guest(&gp, dst, 0xfffffff8ULL, 16), 0);
	assert_memory_equal(dst, src, 16);
	/* The hypervisor's hole is refused even with paging off. */
	assert_int_equal(gm_copy_from_guest(&gp, dst, HOLE_LO - 8, 16),
			 GM_E_NOMAP);
}

/* ------------------------------------------------------ 32-bit paging */

static void test_legacy32_4k(void **state)
{
	u64 pd = alloc_frame();
	struct guest_paging gp = gp_legacy32(pd | 0x18);	/* PWT|PCD */
	u32 *pte;

	(void)state;
	pte = ent32(pd, 0x00401000, 1);
	*pte = 0x00234000 | URW;
	fm.calls = 0;
	assert_int_equal(xlate_ok(&gp, 0x00401abc, GM_READ), 0x00234abc);
	assert_int_equal(fm.calls, 2);		/* PDE, PTE: both through map() */
	assert_int_equal(xlate_ok(&gp, 0x00401fff, GM_WRITE), 0x00234fff);
	/* CR3 is 32 bits wide here: higher bits do not reach the walk. */
	gp.cr3 |= 1ULL << 40;
	assert_int_equal(xlate_ok(&gp, 0x00401000, GM_READ), 0x00234000);
	/* Neighbouring page not mapped; gva above 4 GiB impossible. */
	xlate_err(&gp, 0x00402000, GM_READ, GM_E_NOTPRESENT);
	xlate_err(&gp, 0x100401000ULL, GM_READ, GM_E_NONCANON);
}

static void test_legacy32_4m(void **state)
{
	u64 pd = alloc_frame();
	struct guest_paging gp = gp_legacy32(pd);
	u32 *pde = ent32(pd, 0x00800000, 2);

	(void)state;
	*pde = 0x00c00000 | URW | PS;
	assert_int_equal(xlate_ok(&gp, 0x00812345, GM_WRITE), 0x00c12345);
	assert_int_equal(xlate_ok(&gp, 0x00bfffff, GM_READ), 0x00ffffff);

	/* PAT (bit 12) is not an address bit. */
	*pde |= 1U << 12;
	assert_int_equal(xlate_ok(&gp, 0x00800000, GM_READ), 0x00c00000);
	*pde &= ~(1U << 12);

	/* PSE-36: bits 20:13 are address bits 39:32 (M = 40). */
	*pde |= 0x05U << 13;
	assert_int_equal(xlate_ok(&gp, 0x00812345, GM_READ), 0x500c12345ULL);
	/* With M = 36 only bits 16:13 are address; 21:17 are reserved. */
	gp.phys_bits = 36;
	assert_int_equal(xlate_ok(&gp, 0x00812345, GM_READ), 0x500c12345ULL);
	*pde |= 1U << 17;
	xlate_err(&gp, 0x00812345, GM_READ, GM_E_RSVD);
	gp.phys_bits = 40;
	assert_int_equal(xlate_ok(&gp, 0x00812345, GM_READ), 0x1500c12345ULL);
	/* Bit 21 is reserved even with M >= 40 (M is capped at 40). */
	gp.phys_bits = 52;
	*pde |= 1U << 21;
	xlate_err(&gp, 0x00812345, GM_READ, GM_E_RSVD);
	/* M = 32: no high address bits, bits 21:13 all reserved. */
	*pde = 0x00c00000 | URW | PS | (1U << 13);
	gp.phys_bits = 32;
	xlate_err(&gp, 0x00812345, GM_READ, GM_E_RSVD);
	*pde &= ~(1U << 13);
	assert_int_equal(xlate_ok(&gp, 0x00812345, GM_READ), 0x00c12345);

	/*
	 * Without CR4.PSE the PS bit is ignored: the PDE then points to a
	 * page table at 0x00c00000, beyond the 8 MiB of RAM.
	 */
	gp.cr4 = 0;
	xlate_err(&gp, 0x00812345, GM_READ, GM_E_NOMAP);
	*pde = 0x00300000 | URW | PS;		/* a "table" in RAM, empty */
	xlate_err(&gp, 0x00812345, GM_READ, GM_E_NOTPRESENT);
	*(u32 *)host(0x00300000 + 0x12 * 4) = 0x00777000 | URW;
	assert_int_equal(xlate_ok(&gp, 0x00812345, GM_READ), 0x00777345);
}

static void test_legacy32_notpresent(void **state)
{
	u64 pd = alloc_frame();
	struct guest_paging gp = gp_legacy32(pd);
	u32 *pte = ent32(pd, 0x40000000, 1);
	u32 *pde = ent32(pd, 0x40000000, 2);

	(void)state;
	*pte = 0x00055000 | URW;
	assert_int_equal(xlate_ok(&gp, 0x40000010, GM_READ), 0x00055010);
	*pte &= ~(u32)P;
	xlate_err(&gp, 0x40000010, GM_READ, GM_E_NOTPRESENT);
	*pte |= P;
	*pde &= ~(u32)P;
	xlate_err(&gp, 0x40000010, GM_READ, GM_E_NOTPRESENT);
	*pde |= P;
	assert_int_equal(xlate_ok(&gp, 0x40000010, GM_READ), 0x00055010);
}

static void test_legacy32_rights(void **state)
{
	u64 pd = alloc_frame();
	struct guest_paging gp = gp_legacy32(pd);
	u32 *pte = ent32(pd, 0x08048000, 1);
	u32 *pde = ent32(pd, 0x08048000, 2);
	u32 *big = ent32(pd, 0xc0000000, 2);

	(void)state;
	*pte = 0x00066000 | URW;

	/* Read-only in the PTE. */
	*pte &= ~(u32)RW;
	gp.cpl = 0;
	xlate_err(&gp, 0x08048000, GM_WRITE, GM_E_PROT);	/* WP = 1 */
	xlate_ok(&gp, 0x08048000, GM_READ);
	gp.cr0 &= ~CR0_WP;
	assert_int_equal(xlate_ok(&gp, 0x08048000, GM_WRITE), 0x00066000);
	gp.cpl = 3;						/* WP is for CPL < 3 */
	xlate_err(&gp, 0x08048000, GM_WRITE, GM_E_PROT);
	xlate_ok(&gp, 0x08048000, GM_READ);
	*pte |= RW;
	xlate_ok(&gp, 0x08048000, GM_WRITE);

	/* Read-only in the PDE only. */
	gp.cr0 |= CR0_WP;
	gp.cpl = 0;
	*pde &= ~(u32)RW;
	xlate_err(&gp, 0x08048000, GM_WRITE, GM_E_PROT);
	gp.cpl = 3;
	xlate_err(&gp, 0x08048000, GM_WRITE, GM_E_PROT);
	*pde |= RW;

	/* Supervisor in the PDE only, then in the PTE only. */
	*pde &= ~(u32)US;
	xlate_err(&gp, 0x08048000, GM_READ, GM_E_PROT);
	gp.cpl = 0;
	xlate_ok(&gp, 0x08048000, GM_WRITE);
	*pde |= US;
	*pte &= ~(u32)US;
	gp.cpl = 3;
	xlate_err(&gp, 0x08048000, GM_READ, GM_E_PROT);
	gp.cpl = 2;						/* CPL 1-2: supervisor */
	xlate_ok(&gp, 0x08048000, GM_READ);

	/* A supervisor 4 MiB page, read-only. */
	*big = 0x00400000 | P | PS;
	gp.cpl = 0;
	assert_int_equal(xlate_ok(&gp, 0xc0001234, GM_READ), 0x00401234);
	xlate_err(&gp, 0xc0001234, GM_WRITE, GM_E_PROT);
	gp.cpl = 3;
	xlate_err(&gp, 0xc0001234, GM_READ, GM_E_PROT);
}

/* ------------------------------------------------------ PAE */

static void test_pae(void **state)
{
	/* The PDPT only needs 32-byte alignment: put it mid-page. */
	u64 pdpt = alloc_frame() + 0x60;
	struct guest_paging gp = gp_pae(pdpt | 0x18);
	u64 *pte, *pde2m, *pdpte;

	(void)state;
	pte = map64(pdpt, 3, true, 0x40201000, 0x00345000, 1, URW);
	pde2m = map64(pdpt, 3, true, 0xc0400000, 0x00600000, 2, URW);
	pdpte = ent64(pdpt, 3, true, 0x40201000, 3);

	fm.calls = 0;
	assert_int_equal(xlate_ok(&gp, 0x40201abc, GM_WRITE), 0x00345abc);
	assert_int_equal(fm.calls, 3);		/* PDPTE, PDE, PTE */
	assert_int_equal(xlate_ok(&gp, 0xc05fffff, GM_READ), 0x007fffff);
	xlate_err(&gp, 0x00000000, GM_READ, GM_E_NOTPRESENT);	/* PDPTE 0 */
	xlate_err(&gp, 0x1c0400000ULL, GM_READ, GM_E_NONCANON);

	/* The PDPTE carries no rights: CPL 3 may write through it. */
	gp.cpl = 3;
	xlate_ok(&gp, 0x40201000, GM_WRITE);
	gp.cpl = 0;

	/* PDPTE reserved bits: 2:1, 8:5, 63:M (63 even with NXE). */
	*pdpte |= RW;
	xlate_err(&gp, 0x40201000, GM_READ, GM_E_RSVD);
	*pdpte &= ~RW;
	*pdpte |= 1ULL << 5;
	xlate_err(&gp, 0x40201000, GM_READ, GM_E_RSVD);
	*pdpte &= ~(1ULL << 5);
	*pdpte |= XD;
	xlate_err(&gp, 0x40201000, GM_READ, GM_E_RSVD);
	*pdpte &= ~XD;
	*pdpte |= 1ULL << 36;
	xlate_err(&gp, 0x40201000, GM_READ, GM_E_RSVD);
	*pdpte &= ~(1ULL << 36);
	*pdpte |= 0x18;				/* PWT, PCD: allowed */
	xlate_ok(&gp, 0x40201000, GM_READ);
	*pdpte &= ~P;
	xlate_err(&gp, 0x40201000, GM_READ, GM_E_NOTPRESENT);
	*pdpte |= P;

	/* XD: fine with EFER.NXE, reserved without. */
	*pte |= XD;
	xlate_ok(&gp, 0x40201000, GM_READ);
	gp.efer = 0;
	xlate_err(&gp, 0x40201000, GM_READ, GM_E_RSVD);
	gp.efer = EFER_NXE;
	*pte &= ~XD;

	/* Bits 62:M are reserved in PAE (bit 52 too, unlike long mode). */
	*pte |= 1ULL << 36;
	xlate_err(&gp, 0x40201000, GM_READ, GM_E_RSVD);
	gp.phys_bits = 40;
	assert_int_equal(xlate_ok(&gp, 0x40201000, GM_READ), 0x1000345000ULL);
	*pte &= ~(1ULL << 36);
	*pte |= 1ULL << 52;
	xlate_err(&gp, 0x40201000, GM_READ, GM_E_RSVD);
	*pte &= ~(1ULL << 52);
	gp.phys_bits = 36;

	/* 2 MiB page: bits 20:13 reserved, bit 12 is PAT. */
	*pde2m |= 1ULL << 12;
	assert_int_equal(xlate_ok(&gp, 0xc0400000, GM_READ), 0x00600000);
	*pde2m |= 1ULL << 20;
	xlate_err(&gp, 0xc0400000, GM_READ, GM_E_RSVD);
	*pde2m &= ~(1ULL << 20);
	*pde2m &= ~P;
	xlate_err(&gp, 0xc0400000, GM_READ, GM_E_NOTPRESENT);
}

/* ------------------------------------------------------ long mode */

#define VA_4K	0x00007f0012345000ULL
#define VA_2M	0xffff888000200000ULL
#define VA_1G	0xffffc90040000000ULL

static void build_long(u64 root, int top)
{
	map64(root, top, false, VA_4K, 0x00456000, 1, URW);
	map64(root, top, false, VA_2M, 0x00400000, 2, P | RW);
	map64(root, top, false, VA_1G, 0x80000000ULL, 3, P | RW);
}

static void test_long4_hits(void **state)
{
	u64 pml4 = alloc_frame();
	struct guest_paging gp = gp_long(pml4, false);

	(void)state;
	build_long(pml4, 4);
	fm.calls = 0;
	assert_int_equal(xlate_ok(&gp, VA_4K + 0x123, GM_WRITE), 0x00456123);
	assert_int_equal(fm.calls, 4);
	assert_int_equal(xlate_ok(&gp, VA_2M + 0x1fffff, GM_WRITE), 0x005fffff);
	assert_int_equal(xlate_ok(&gp, VA_1G + 0x3fedcba9, GM_READ),
			 0x80000000ULL + 0x3fedcba9);
	/* PCID in CR3[11:0] and the no-flush bit 63 do not move the root. */
	gp.cr3 = pml4 | 0x123 | (1ULL << 63);
	assert_int_equal(xlate_ok(&gp, VA_4K, GM_READ), 0x00456000);
	/* PTE bit 7 is PAT, not PS. */
	*ent64(pml4, 4, false, VA_4K, 1) |= PS;
	assert_int_equal(xlate_ok(&gp, VA_4K + 8, GM_READ), 0x00456008);
	/* Nothing mapped next door. */
	xlate_err(&gp, VA_4K + 0x1000, GM_READ, GM_E_NOTPRESENT);
}

static void test_long4_notpresent(void **state)
{
	u64 pml4 = alloc_frame();
	struct guest_paging gp = gp_long(pml4, false);
	int level;
	u64 *e;

	(void)state;
	build_long(pml4, 4);
	for (level = 4; level >= 1; level--) {
		e = ent64(pml4, 4, false, VA_4K, level);
		*e &= ~P;
		xlate_err(&gp, VA_4K, GM_READ, GM_E_NOTPRESENT);
		*e |= P;
		xlate_ok(&gp, VA_4K, GM_READ);
	}
	for (level = 3; level >= 2; level--) {
		e = ent64(pml4, 4, false, level == 3 ? VA_1G : VA_2M, level);
		*e &= ~P;
		xlate_err(&gp, level == 3 ? VA_1G : VA_2M, GM_READ,
			  GM_E_NOTPRESENT);
		*e |= P;
	}
}

static void test_long4_reserved(void **state)
{
	u64 pml4 = alloc_frame();
	struct guest_paging gp = gp_long(pml4, false);
	u64 *e, *g1, *m2;
	int level;

	(void)state;
	build_long(pml4, 4);
	g1 = ent64(pml4, 4, false, VA_1G, 3);
	m2 = ent64(pml4, 4, false, VA_2M, 2);

	/* PS in a PML4E is reserved (no 512 GiB pages)... */
	e = ent64(pml4, 4, false, VA_4K, 4);
	*e |= PS;
	xlate_err(&gp, VA_4K, GM_READ, GM_E_RSVD);
	*e &= ~PS;
	/* ...even where the address would be a fine 512 GiB page base. */
	*(u64 *)host(pml4 + 8 * 5) = URW | PS;
	xlate_err(&gp, 5ULL << 39, GM_READ, GM_E_RSVD);

	/* Bit M (46) at every level; bits 58:52 are ignored in long mode. */
	for (level = 4; level >= 1; level--) {
		e = ent64(pml4, 4, false, VA_4K, level);
		*e |= 1ULL << 46;
		xlate_err(&gp, VA_4K, GM_READ, GM_E_RSVD);
		*e &= ~(1ULL << 46);
		*e |= 1ULL << 52;
		xlate_ok(&gp, VA_4K, GM_READ);
		*e &= ~(1ULL << 52);
		/* XD: reserved only without EFER.NXE. */
		*e |= XD;
		xlate_ok(&gp, VA_4K, GM_READ);
		gp.efer &= ~EFER_NXE;
		xlate_err(&gp, VA_4K, GM_READ, GM_E_RSVD);
		gp.efer |= EFER_NXE;
		*e &= ~XD;
	}
	/* A wider MAXPHYADDR makes bit 46 an address bit. */
	e = ent64(pml4, 4, false, VA_4K, 1);
	*e |= 1ULL << 46;
	gp.phys_bits = 52;
	assert_int_equal(xlate_ok(&gp, VA_4K, GM_READ), (1ULL << 46) | 0x00456000);
	*e &= ~(1ULL << 46);
	gp.phys_bits = 46;

	/* 1 GiB page: bits 29:13 reserved, 12 is PAT. */
	*g1 |= 1ULL << 12;
	assert_int_equal(xlate_ok(&gp, VA_1G, GM_READ), 0x80000000ULL);
	*g1 |= 1ULL << 13;
	xlate_err(&gp, VA_1G, GM_READ, GM_E_RSVD);
	*g1 &= ~(1ULL << 13);
	*g1 |= 1ULL << 29;
	xlate_err(&gp, VA_1G, GM_READ, GM_E_RSVD);
	*g1 &= ~(1ULL << 29);
	/* 2 MiB page: bits 20:13 reserved. */
	*m2 |= 1ULL << 20;
	xlate_err(&gp, VA_2M, GM_READ, GM_E_RSVD);
	*m2 &= ~(1ULL << 20);
	*m2 |= 1ULL << 13;
	xlate_err(&gp, VA_2M, GM_READ, GM_E_RSVD);
	*m2 &= ~(1ULL << 13);
	xlate_ok(&gp, VA_2M, GM_READ);

	/* CR3 bits 51:M are reserved. */
	gp.cr3 = pml4 | (1ULL << 46);
	xlate_err(&gp, VA_4K, GM_READ, GM_E_RSVD);
	gp.cr3 = pml4 | (1ULL << 51);
	xlate_err(&gp, VA_4K, GM_READ, GM_E_RSVD);
}

static void test_long4_noncanonical(void **state)
{
	u64 pml4 = alloc_frame();
	struct guest_paging gp = gp_long(pml4, false);
	u8 dst[16];

	(void)state;
	build_long(pml4, 4);
	fm.calls = 0;
	xlate_err(&gp, 0x0000800000000000ULL, GM_READ, GM_E_NONCANON);
	xlate_err(&gp, 0xffff7fffffffffffULL, GM_READ, GM_E_NONCANON);
	xlate_err(&gp, 0x8000000000000000ULL, GM_READ, GM_E_NONCANON);
	xlate_err(&gp, VA_4K | (1ULL << 60), GM_READ, GM_E_NONCANON);
	/* Refused before any table is read. */
	assert_int_equal(fm.calls, 0);
	/* The two canonical edges reach the walk (nothing mapped there). */
	xlate_err(&gp, 0x00007fffffffffffULL, GM_READ, GM_E_NOTPRESENT);
	xlate_err(&gp, 0xffff800000000000ULL, GM_READ, GM_E_NOTPRESENT);

	/* A copy across the canonical hole fails before copying anything. */
	map64(pml4, 4, false, 0x00007ffffffff000ULL, 0x00457000, 1, URW);
	memset(dst, GUARD, sizeof(dst));
	assert_int_equal(gm_copy_from_guest(&gp, dst, 0x00007ffffffffff8ULL, 16),
			 GM_E_NONCANON);
	assert_true(all_bytes(dst, sizeof(dst), GUARD));
	assert_int_equal(gm_copy_from_guest(&gp, dst, 0x00007ffffffffff8ULL, 8), 0);
}

static void test_long5(void **state)
{
	u64 pml5 = alloc_frame();
	struct guest_paging gp = gp_long(pml5, true);
	const u64 va_hi = 0x0000800000001000ULL;	/* bit 47: needs LA57 */
	const u64 va_top = 0x00ff000000002000ULL;	/* PML5 index 255 */
	u64 *e5;

	(void)state;
	build_long(pml5, 5);
	map64(pml5, 5, false, va_hi, 0x00458000, 1, URW);
	map64(pml5, 5, false, va_top, 0x00459000, 1, URW);

	fm.calls = 0;
	assert_int_equal(xlate_ok(&gp, VA_4K + 1, GM_READ), 0x00456001);
	assert_int_equal(fm.calls, 5);
	assert_int_equal(xlate_ok(&gp, VA_2M + 2, GM_READ), 0x00400002);
	assert_int_equal(xlate_ok(&gp, VA_1G + 3, GM_READ), 0x80000003ULL);
	assert_int_equal(xlate_ok(&gp, va_hi + 4, GM_WRITE), 0x00458004);
	assert_int_equal(xlate_ok(&gp, va_top + 5, GM_WRITE), 0x00459005);
	/* 57-bit canonical: bits 63:56 equal. */
	xlate_err(&gp, 0x0100000000000000ULL, GM_READ, GM_E_NONCANON);
	xlate_err(&gp, 0xfeffffffffffffffULL, GM_READ, GM_E_NONCANON);
	xlate_err(&gp, 0xff00000000000000ULL, GM_READ, GM_E_NOTPRESENT);

	/* The same address is non-canonical with 4 levels. */
	gp.cr4 &= ~CR4_LA57;
	xlate_err(&gp, va_hi, GM_READ, GM_E_NONCANON);
	gp.cr4 |= CR4_LA57;

	/* PML5E: not present, PS reserved, U/S honoured. */
	e5 = ent64(pml5, 5, false, va_hi, 5);
	*e5 &= ~P;
	xlate_err(&gp, va_hi, GM_READ, GM_E_NOTPRESENT);
	*e5 |= P | PS;
	xlate_err(&gp, va_hi, GM_READ, GM_E_RSVD);
	*e5 &= ~PS;
	*(u64 *)host(pml5 + 8 * 7) = URW | PS;		/* address 0 */
	xlate_err(&gp, 7ULL << 48, GM_READ, GM_E_RSVD);
	*e5 &= ~US;
	gp.cpl = 3;
	xlate_err(&gp, va_hi, GM_READ, GM_E_PROT);
	gp.cpl = 0;
	xlate_ok(&gp, va_hi, GM_READ);
}

static void test_long_rights(void **state)
{
	u64 pml4 = alloc_frame();
	struct guest_paging gp = gp_long(pml4, false);
	int level;
	u64 *e;

	(void)state;
	build_long(pml4, 4);
	for (level = 4; level >= 1; level--) {
		e = ent64(pml4, 4, false, VA_4K, level);

		*e &= ~US;
		gp.cpl = 3;
		xlate_err(&gp, VA_4K, GM_READ, GM_E_PROT);
		xlate_err(&gp, VA_4K, GM_WRITE, GM_E_PROT);
		gp.cpl = 1;
		xlate_ok(&gp, VA_4K, GM_WRITE);
		*e |= US;

		*e &= ~RW;
		gp.cpl = 3;
		xlate_ok(&gp, VA_4K, GM_READ);
		xlate_err(&gp, VA_4K, GM_WRITE, GM_E_PROT);
		gp.cr0 &= ~CR0_WP;
		xlate_err(&gp, VA_4K, GM_WRITE, GM_E_PROT);
		gp.cpl = 0;
		xlate_ok(&gp, VA_4K, GM_WRITE);
		gp.cr0 |= CR0_WP;
		xlate_err(&gp, VA_4K, GM_WRITE, GM_E_PROT);
		xlate_ok(&gp, VA_4K, GM_READ);
		*e |= RW;
		xlate_ok(&gp, VA_4K, GM_WRITE);
	}

	/* Supervisor pages (2 MiB, 1 GiB): user refused, kernel fine. */
	gp.cpl = 3;
	xlate_err(&gp, VA_2M, GM_READ, GM_E_PROT);
	xlate_err(&gp, VA_1G, GM_READ, GM_E_PROT);
	gp.cpl = 0;
	xlate_ok(&gp, VA_2M, GM_WRITE);

	/* SMAP is not modelled: CPL 0 reads and writes user pages. */
	gp.cr4 |= CR4_SMAP;
	xlate_ok(&gp, VA_4K, GM_READ);
	xlate_ok(&gp, VA_4K, GM_WRITE);
}

/* ------------------------------------------------------ outside RAM */

static void test_tables_outside_ram(void **state)
{
	u64 pml4 = alloc_frame();
	struct guest_paging gp = gp_long(pml4, false);
	u64 *e, old;
	u8 dst[32];

	(void)state;
	build_long(pml4, 4);

	/* The root itself beyond RAM, or in the hypervisor's memory. */
	gp.cr3 = 64 * MiB;
	xlate_err(&gp, VA_4K, GM_READ, GM_E_NOMAP);
	gp.cr3 = HOLE_LO;
	xlate_err(&gp, VA_4K, GM_READ, GM_E_NOMAP);
	gp.cr3 = pml4;

	/* An entry at each level pointing into the hole or past RAM. */
	for (int level = 4; level >= 2; level--) {
		e = ent64(pml4, 4, false, VA_4K, level);
		old = *e;
		*e = (old & ~ADDR) | (HOLE_LO + 0x3000);
		xlate_err(&gp, VA_4K, GM_READ, GM_E_NOMAP);
		*e = (old & ~ADDR) | (1ULL << 45);	/* legal address, no RAM */
		xlate_err(&gp, VA_4K, GM_READ, GM_E_NOMAP);
		*e = old;
	}

	/* Data in the hole: translates (translate maps no data)... */
	e = ent64(pml4, 4, false, VA_4K, 1);
	*e = HOLE_LO | URW;
	assert_int_equal(xlate_ok(&gp, VA_4K, GM_READ), HOLE_LO);
	/* ...but copies are refused. */
	memset(dst, GUARD, sizeof(dst));
	assert_int_equal(gm_copy_from_guest(&gp, dst, VA_4K, sizeof(dst)),
			 GM_E_NOMAP);
	assert_true(all_bytes(dst, sizeof(dst), GUARD));
	assert_int_equal(gm_copy_to_guest(&gp, VA_4K, dst, sizeof(dst)),
			 GM_E_NOMAP);
	assert_true(all_bytes(host(HOLE_LO), sizeof(dst), 0));

	/* PAE and 32-bit roots outside RAM. */
	gp = gp_pae(HOLE_LO + 0x20);
	xlate_err(&gp, 0x1000, GM_READ, GM_E_NOMAP);
	gp = gp_legacy32(0xfffff000ULL);
	xlate_err(&gp, 0x1000, GM_READ, GM_E_NOMAP);
	/* A 32-bit PDE pointing into the hole. */
	gp = gp_legacy32(pml4);			/* reuse the page as a PD */
	memset(host(pml4), 0, 4096);
	*(u32 *)host(pml4) = (u32)HOLE_LO | URW;
	xlate_err(&gp, 0x1000, GM_READ, GM_E_NOMAP);
}

/* ------------------------------------------------------ A/D bits */

static void test_no_accessed_dirty(void **state)
{
	u64 pml4 = alloc_frame();
	struct guest_paging gp = gp_long(pml4, false);
	u8 buf[64] = { 1, 2, 3 };
	int level;

	(void)state;
	build_long(pml4, 4);
	xlate_ok(&gp, VA_4K, GM_WRITE);
	assert_int_equal(gm_copy_to_guest(&gp, VA_4K + 100, buf, sizeof(buf)), 0);
	assert_int_equal(gm_copy_from_guest(&gp, buf, VA_4K + 100, sizeof(buf)), 0);
	assert_int_equal(*host(0x00456000 + 102), 3);
	for (level = 4; level >= 1; level--)
		assert_int_equal(*ent64(pml4, 4, false, VA_4K, level) &
				 (ACC | DIRTY), 0);
	assert_int_equal(*ent64(pml4, 4, false, VA_2M, 2) & (ACC | DIRTY), 0);
}

/* ------------------------------------------------------ copies */

#define VA_BUF	0x0000000000400000ULL
#define NPAGES	4

/* NPAGES virtual pages at VA_BUF on frames in reverse order. */
static void map_buffer(u64 pml4, u64 frames[NPAGES])
{
	int i;

	for (i = NPAGES - 1; i >= 0; i--)
		frames[i] = alloc_frame();
	for (i = 0; i < NPAGES; i++)
		map64(pml4, 4, false, VA_BUF + i * 4096ULL, frames[i], 1, URW);
}

static void test_copy_pages(void **state)
{
	u64 pml4 = alloc_frame(), frames[NPAGES];
	struct guest_paging gp = gp_long(pml4, false);
	const size_t len = 3 * 4096 + 0x200, off = 0x100;
	u8 *src = malloc(len), *dst = malloc(len);
	size_t i, pos;
	unsigned int calls;
	int p;

	(void)state;
	assert_non_null(src);
	assert_non_null(dst);
	map_buffer(pml4, frames);
	assert_true(frames[0] > frames[1]);	/* not physically contiguous */
	for (p = 0; p < NPAGES; p++)
		memset(host(frames[p]), GUARD, 4096);
	for (i = 0; i < len; i++)
		src[i] = (u8)(i * 7 + 3);

	fm.calls = 0;
	assert_int_equal(gm_copy_to_guest(&gp, VA_BUF + off, src, len), 0);
	calls = fm.calls;
	/* 4 pieces, each walked (4 entries) and mapped, in two passes. */
	assert_int_equal(calls, 2 * 4 * (4 + 1));
	/* Every byte landed in the frame its virtual page maps to. */
	for (i = 0; i < len; i++) {
		pos = off + i;
		assert_int_equal(host(frames[pos / 4096])[pos % 4096], src[i]);
	}
	/* Nothing outside [off, off + len) was written. */
	assert_true(all_bytes(host(frames[0]), off, GUARD));
	pos = off + len;
	assert_true(all_bytes(host(frames[pos / 4096]) + pos % 4096,
			      4096 - pos % 4096, GUARD));

	memset(dst, 0, len);
	assert_int_equal(gm_copy_from_guest(&gp, dst, VA_BUF + off, len), 0);
	assert_memory_equal(dst, src, len);

	/* A user may read and write its own pages. */
	gp.cpl = 3;
	assert_int_equal(gm_copy_from_guest(&gp, dst, VA_BUF + 1, 4096), 0);
	assert_int_equal(gm_copy_to_guest(&gp, VA_BUF + 1, dst, 4096), 0);
	free(src);
	free(dst);
}

static void test_copy_large_pages(void **state)
{
	u64 pml4 = alloc_frame();
	struct guest_paging gp = gp_long(pml4, false);
	u8 src[3 * 4096], dst[3 * 4096];
	size_t i;

	(void)state;
	build_long(pml4, 4);
	/* 1 GiB page at 2 GiB: back its first 16 KiB with RAM. */
	add_region(0x80000000ULL, 16 * KiB);
	for (i = 0; i < sizeof(src); i++)
		src[i] = (u8)(i ^ 0x5c);
	assert_int_equal(gm_copy_to_guest(&gp, VA_1G + 0x800, src, sizeof(src)), 0);
	assert_memory_equal(host(0x80000800ULL), src, sizeof(src));
	memset(dst, 0, sizeof(dst));
	assert_int_equal(gm_copy_from_guest(&gp, dst, VA_1G + 0x800, sizeof(dst)), 0);
	assert_memory_equal(dst, src, sizeof(dst));
	/* Past the RAM backing the page: refused, nothing written. */
	memset(host(0x80000000ULL), 0, 16 * KiB);
	assert_int_equal(gm_copy_to_guest(&gp, VA_1G + 0x2000, src, sizeof(src)),
			 GM_E_NOMAP);
	assert_true(all_bytes(host(0x80000000ULL), 16 * KiB, 0));

	/* 2 MiB page at 4 MiB (in RAM), across two 4 KiB boundaries. */
	assert_int_equal(gm_copy_to_guest(&gp, VA_2M + 0xff00, src, sizeof(src)), 0);
	assert_memory_equal(host(0x00400000 + 0xff00), src, sizeof(src));
}

/* A range whose last page fails in each way: nothing must be copied. */
static void test_copy_all_or_nothing(void **state)
{
	u64 pml4 = alloc_frame(), frames[NPAGES];
	struct guest_paging gp = gp_long(pml4, false);
	/* 8 bytes of page 0, pages 1 and 2, 8 bytes of page 3. */
	const size_t len = 2 * 4096 + 16;
	const u64 va = VA_BUF + 4096 - 8;
	u8 src[2 * 4096 + 16], dst[2 * 4096 + 16];
	u64 *last, good;
	int p, round, expect;

	(void)state;
	map_buffer(pml4, frames);
	last = ent64(pml4, 4, false, VA_BUF + 3 * 4096ULL, 1);
	good = *last;
	memset(src, 0x77, sizeof(src));

	for (round = 0; round < 4; round++) {
		*last = good;
		gp.cpl = 0;

		switch (round) {
		case 0:		/* not present */
			*last &= ~P;
			expect = GM_E_NOTPRESENT;
			break;
		case 1:		/* frame in the hypervisor's memory */
			*last = HOLE_LO | URW;
			expect = GM_E_NOMAP;
			break;
		case 2:		/* reserved bit */
			*last |= 1ULL << 50;
			expect = GM_E_RSVD;
			break;
		default:	/* supervisor page, user access */
			*last &= ~US;
			gp.cpl = 3;
			expect = GM_E_PROT;
			break;
		}
		for (p = 0; p < NPAGES; p++)
			memset(host(frames[p]), GUARD, 4096);
		memset(dst, GUARD, sizeof(dst));

		assert_int_equal(gm_copy_from_guest(&gp, dst, va, len), expect);
		assert_true(all_bytes(dst, sizeof(dst), GUARD));
		assert_int_equal(gm_copy_to_guest(&gp, va, src, len), expect);
		for (p = 0; p < NPAGES; p++)
			assert_true(all_bytes(host(frames[p]), 4096, GUARD));
		/* Without the bytes on page 3, the same copy works. */
		assert_int_equal(gm_copy_to_guest(&gp, va, src, len - 16), 0);
		assert_int_equal(host(frames[0])[4096 - 8], 0x77);
		assert_int_equal(host(frames[2])[4096 - 9], 0x77);
		assert_int_equal(host(frames[2])[4096 - 8], GUARD);
	}

	/* A read-only last page: reads pass, writes fail without writing. */
	*last = good & ~RW;
	for (p = 0; p < NPAGES; p++)
		memset(host(frames[p]), GUARD, 4096);
	gp.cpl = 3;
	assert_int_equal(gm_copy_from_guest(&gp, dst, va, len), 0);
	assert_true(all_bytes(dst, sizeof(dst), GUARD));
	assert_int_equal(gm_copy_to_guest(&gp, va, src, len), GM_E_PROT);
	for (p = 0; p < NPAGES; p++)
		assert_true(all_bytes(host(frames[p]), 4096, GUARD));
	gp.cpl = 0;				/* CR0.WP = 1 */
	assert_int_equal(gm_copy_to_guest(&gp, va, src, len), GM_E_PROT);
	gp.cr0 &= ~CR0_WP;
	assert_int_equal(gm_copy_to_guest(&gp, va, src, len), 0);
	assert_int_equal(host(frames[3])[7], 0x77);
	assert_int_equal(host(frames[3])[8], GUARD);
}

static void test_copy_zero_len(void **state)
{
	u64 pml4 = alloc_frame();
	struct guest_paging gp = gp_long(pml4, false);
	u8 buf[4] = { 9, 9, 9, 9 };

	(void)state;
	fm.calls = 0;
	/* Nothing to copy: no walk, no map, whatever the address. */
	assert_int_equal(gm_copy_from_guest(&gp, buf, VA_4K, 0), 0);
	assert_int_equal(gm_copy_to_guest(&gp, 0x0000800000000000ULL, buf, 0), 0);
	assert_int_equal(gm_copy_from_guest(&gp, NULL, VA_4K, 0), 0);
	assert_int_equal(fm.calls, 0);
	assert_int_equal(buf[0], 9);
	/* But the paging state is still checked. */
	gp.phys_bits = 0;
	assert_int_equal(gm_copy_from_guest(&gp, buf, VA_4K, 0), GM_E_INVAL);
}

static void test_copy_huge_len(void **state)
{
	u64 pml4 = alloc_frame(), frames[NPAGES];
	struct guest_paging gp = gp_long(pml4, false);
	u8 buf[16];

	(void)state;
	map_buffer(pml4, frames);
	fm.calls = 0;
	assert_int_equal(gm_copy_from_guest(&gp, buf, VA_BUF, GM_MAX_LEN + 1),
			 GM_E_RANGE);
	assert_int_equal(gm_copy_to_guest(&gp, VA_BUF, buf, SIZE_MAX), GM_E_RANGE);
	assert_int_equal(gm_copy_from_guest(&gp, buf, VA_BUF, (size_t)1 << 40),
			 GM_E_RANGE);
	assert_int_equal(fm.calls, 0);
	/* GM_MAX_LEN itself is allowed: it fails on the first hole instead. */
	assert_int_equal(gm_copy_from_guest(&gp, buf, VA_BUF, GM_MAX_LEN),
			 GM_E_NOTPRESENT);
	/* gva + len past 2^64. */
	fm.calls = 0;
	assert_int_equal(gm_copy_from_guest(&gp, buf, 0xfffffffffffff000ULL, 0x2000),
			 GM_E_RANGE);
	assert_int_equal(gm_copy_from_guest(&gp, buf, ~0ULL, 2), GM_E_RANGE);
	assert_int_equal(fm.calls, 0);
	/* The very last byte of the address space is a legal 1-byte range. */
	assert_int_equal(gm_copy_from_guest(&gp, buf, ~0ULL, 1), GM_E_NOTPRESENT);
}

/* 32-bit and PAE copies cross pages like long mode does. */
static void test_copy_legacy_modes(void **state)
{
	u64 pd = alloc_frame(), pdpt = alloc_frame(), f1 = alloc_frame(),
	    f2 = alloc_frame();
	struct guest_paging gp;
	u8 src[64], dst[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(src); i++)
		src[i] = (u8)(200 - i);

	*ent32(pd, 0xbffff000, 1) = (u32)f1 | URW;
	*ent32(pd, 0xc0000000, 1) = (u32)f2 | URW;
	gp = gp_legacy32(pd);
	assert_int_equal(gm_copy_to_guest(&gp, 0xbfffffe0, src, 64), 0);
	assert_memory_equal(host(f1 + 4096 - 32), src, 32);
	assert_memory_equal(host(f2), src + 32, 32);

	/* The same two frames under PAE, across a PDPTE boundary. */
	map64(pdpt, 3, true, 0x7ffff000, f1, 1, URW);
	map64(pdpt, 3, true, 0x80000000, f2, 1, URW);
	gp = gp_pae(pdpt);
	memset(dst, 0, sizeof(dst));
	assert_int_equal(gm_copy_from_guest(&gp, dst, 0x7fffffe0, 64), 0);
	assert_memory_equal(dst, src, 64);
	/* A gva above 4 GiB is refused in a 32-bit mode. */
	assert_int_equal(gm_copy_from_guest(&gp, dst, 0x17fffffe0ULL, 64),
			 GM_E_NONCANON);
}

/* ------------------------------------------------------ bad arguments */

static void test_bad_args(void **state)
{
	u64 pml4 = alloc_frame();
	struct guest_paging gp = gp_long(pml4, false), bad;
	u8 buf[8];
	u64 gpa = SENTINEL;

	(void)state;
	build_long(pml4, 4);
	xlate_ok(&gp, VA_4K, GM_READ);

	assert_int_equal(gm_translate(NULL, VA_4K, GM_READ, &gpa), GM_E_INVAL);
	assert_int_equal(gm_translate(&gp, VA_4K, GM_READ, NULL), GM_E_INVAL);
	assert_int_equal(gm_translate(&gp, VA_4K, (enum gm_access)2, &gpa),
			 GM_E_INVAL);
	assert_int_equal(gm_copy_from_guest(NULL, buf, VA_4K, 8), GM_E_INVAL);
	assert_int_equal(gm_copy_to_guest(NULL, VA_4K, buf, 8), GM_E_INVAL);
	assert_int_equal(gm_copy_from_guest(&gp, NULL, VA_4K, 8), GM_E_INVAL);
	assert_int_equal(gm_copy_to_guest(&gp, VA_4K, NULL, 8), GM_E_INVAL);

	bad = gp;
	bad.map = NULL;
	assert_int_equal(gm_translate(&bad, VA_4K, GM_READ, &gpa), GM_E_INVAL);
	bad = gp;
	bad.cpl = 4;
	assert_int_equal(gm_translate(&bad, VA_4K, GM_READ, &gpa), GM_E_INVAL);
	bad = gp;
	bad.phys_bits = 31;
	assert_int_equal(gm_translate(&bad, VA_4K, GM_READ, &gpa), GM_E_INVAL);
	bad.phys_bits = 53;
	assert_int_equal(gm_translate(&bad, VA_4K, GM_READ, &gpa), GM_E_INVAL);
	/* Paging states the CPU cannot be in. */
	bad = gp;
	bad.cr0 &= ~CR0_PE;
	assert_int_equal(gm_translate(&bad, VA_4K, GM_READ, &gpa), GM_E_INVAL);
	bad = gp;
	bad.cr4 &= ~CR4_PAE;
	assert_int_equal(gm_translate(&bad, VA_4K, GM_READ, &gpa), GM_E_INVAL);
	bad.efer = EFER_LME;
	assert_int_equal(gm_translate(&bad, VA_4K, GM_READ, &gpa), GM_E_INVAL);
	assert_true(gpa == SENTINEL);

	/* LME alone (LMA not filled in) already means long mode. */
	bad = gp;
	bad.efer = EFER_LME | EFER_NXE;
	assert_int_equal(xlate_ok(&bad, VA_4K, GM_READ), 0x00456000);
}

static void test_strerror(void **state)
{
	static const int codes[] = {
		0, GM_E_NOTPRESENT, GM_E_PROT, GM_E_RSVD, GM_E_NONCANON,
		GM_E_NOMAP, GM_E_RANGE, GM_E_INVAL, -1000,
	};
	unsigned int i, j;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_non_null(gm_strerror(codes[i]));
		for (j = 0; j < i; j++)
			assert_string_not_equal(gm_strerror(codes[i]),
						gm_strerror(codes[j]));
	}
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_flat),
		T(test_legacy32_4k),
		T(test_legacy32_4m),
		T(test_legacy32_notpresent),
		T(test_legacy32_rights),
		T(test_pae),
		T(test_long4_hits),
		T(test_long4_notpresent),
		T(test_long4_reserved),
		T(test_long4_noncanonical),
		T(test_long5),
		T(test_long_rights),
		T(test_tables_outside_ram),
		T(test_no_accessed_dirty),
		T(test_copy_pages),
		T(test_copy_large_pages),
		T(test_copy_all_or_nothing),
		T(test_copy_zero_len),
		T(test_copy_huge_len),
		T(test_copy_legacy_modes),
		T(test_bad_args),
		T(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
