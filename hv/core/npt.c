// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's nested page tables.  Everything is mapped 1:1, in 1 GiB
 * pages where the CPU has them and 2 MiB pages otherwise; the
 * hypervisor's 4 MiB block is exactly two 2 MiB pages that stay not
 * present, so the guest cannot reach it, through any mapping of its own,
 * by CPU access.  The 2 MiB around the TPM is split into 4 KiB pages so
 * that localities 2-4 stay not present too, and so is the 2 MiB of the
 * MSI window, all of it not present but the APIC's page.  Physical
 * ranges above the initial map (64-bit MMIO) are added when the guest
 * first touches them.
 */
#include <core/npt.h>
#include <core/mm.h>
#include <core/spinlock.h>
#include <core/lapic.h>
#include <arch/x86.h>
#include <arch/apic_filter.h>

/* CPUs fault in MMIO ranges concurrently; one changes the tables at a time. */
static spinlock_t npt_lock;

#define NPT_P		(1ull << 0)
#define NPT_RW		(1ull << 1)
#define NPT_US		(1ull << 2)	/* nested walks are user accesses */
#define NPT_PS		(1ull << 7)
#define NPT_TABLE	(NPT_P | NPT_RW | NPT_US)
#define NPT_ADDR	0x000ffffffffff000ull
#define NPT_2M		(1ull << 21)
#define NPT_1G		(1ull << 30)

static u64 *table_va(u64 entry)
{
	return hv_va(entry & NPT_ADDR);	/* tables come from the heap */
}

static u64 *new_table(struct npt *n)
{
	u64 *t = hv_alloc_pages(1);

	if (t)
		n->pages++;
	return t;
}

/* The next level's table for va at this entry, created on demand. */
static u64 *next_table(struct npt *n, u64 *entry)
{
	u64 *t;

	if (*entry & NPT_P)
		return table_va(*entry);
	t = new_table(n);
	if (!t)
		return NULL;
	*entry = hv_pa(t) | NPT_TABLE;
	return t;
}

/*
 * The page directory under a PDPTE; a 1 GiB page becomes 512 2 MiB
 * pages of the same frames first, so that one of them can be split.
 */
static u64 *pd_of(struct npt *n, u64 *pdpte)
{
	u64 *pd, base;
	unsigned int i;

	if ((*pdpte & (NPT_P | NPT_PS)) != (NPT_P | NPT_PS))
		return next_table(n, pdpte);
	pd = new_table(n);
	if (!pd)
		return NULL;
	base = *pdpte & NPT_ADDR & ~(NPT_1G - 1);
	for (i = 0; i < 512; i++)
		pd[i] = (base + (u64)i * NPT_2M) | NPT_P | NPT_RW | NPT_US | NPT_PS;
	*pdpte = hv_pa(pd) | NPT_TABLE;
	return pd;
}

/* The PDPTE for gpa, walking (and filling) the levels above it. */
static u64 *pdpte_of(struct npt *n, u64 gpa)
{
	u64 *t = n->root;

	if (n->la57 && !(t = next_table(n, &t[(gpa >> 48) & 511])))
		return NULL;
	if (!(t = next_table(n, &t[(gpa >> 39) & 511])))
		return NULL;
	return &t[(gpa >> 30) & 511];
}

/* TPM localities 2-4 are the hypervisor's (docs/architecture.md). */
#define TPM_HV_LOCALITIES	0xfed42000ull
#define TPM_HV_LOCALITIES_END	0xfed45000ull

#define MSI_WINDOW_END	(MSI_ADDR_WINDOW + 0x100000ull)

/*
 * Pages no guest mapping ever reaches: TPM localities 2-4, and the MSI
 * window but for the APIC's own page.  A CPU store into that window is
 * an interrupt message on some platforms (QEMU sends it as an MSI, INIT
 * and SMI included), so it must not get past the APIC filters that way.
 */
static bool npt_hole(u64 gpa)
{
	u64 pg = gpa & ~0xfffull;

	if (pg >= TPM_HV_LOCALITIES && pg < TPM_HV_LOCALITIES_END)
		return true;
	return pg >= MSI_ADDR_WINDOW && pg < MSI_WINDOW_END && pg != lapic_mmio_base();
}

/* Does [gpa, gpa + len) hold a hole? */
static bool holes_in(u64 gpa, u64 len)
{
	return (TPM_HV_LOCALITIES < gpa + len && TPM_HV_LOCALITIES_END > gpa) ||
	       (MSI_ADDR_WINDOW < gpa + len && MSI_WINDOW_END > gpa);
}

/* Ranges hidden at launch (npt_hide): the IOMMU's registers once it is ours. */
static struct { u64 start, len; } hidden[2];
static unsigned int num_hidden;

static bool npt_hidden(u64 gpa)
{
	unsigned int i;

	for (i = 0; i < num_hidden; i++)
		if (gpa >= hidden[i].start && gpa - hidden[i].start < hidden[i].len)
			return true;
	return false;
}

bool npt_protected(u64 gpa)
{
	return hv_owns(gpa & ~0xfffull, 0x1000) || npt_hole(gpa) || npt_hidden(gpa);
}

/* Ranges the guest may read but not write (the PCI ECAM window). */
static struct { u64 start, len; } ro_ranges[4];
static unsigned int num_ro;

static bool npt_write_protected(u64 gpa)
{
	unsigned int i;

	for (i = 0; i < num_ro; i++)
		if (gpa >= ro_ranges[i].start && gpa - ro_ranges[i].start < ro_ranges[i].len)
			return true;
	return false;
}

/* A 2 MiB with holes (the TPM's, the MSI window) in 4 KiB pages, holes left out. */
static int map_holes_2m(struct npt *n, u64 *pde, u64 base)
{
	u64 *pt, pa;
	unsigned int i;

	if (!(pt = new_table(n)))
		return -1;
	for (i = 0; i < 512; i++) {
		pa = base + (u64)i * 0x1000;
		if (!npt_hole(pa))
			pt[i] = pa | NPT_P | NPT_RW | NPT_US;
	}
	*pde = hv_pa(pt) | NPT_TABLE;
	return 0;
}

/* Page tables for lazily mapped MMIO may not eat the hypapps' heap. */
#define NPT_HEAP_RESERVE	64	/* pages */

/*
 * Maps the 2 MiB around gpa, unless something is there already: another
 * CPU may have just mapped it, and a split 2 MiB (the APIC's, a hypapp's
 * page) must keep its 4 KiB permissions.
 */
static int map_2m_locked(struct npt *n, u64 gpa)
{
	u64 *t;
	u32 a, b, c, d;

	gpa &= ~(NPT_2M - 1);
	/* Beyond the CPU's physical width (or 4-level reach) nothing exists. */
	cpuid(0x80000008, &a, &b, &c, &d);
	if (gpa >> (a & 0xff) || (!n->la57 && gpa >> 48))
		return -1;
	if (hv_owns(gpa, NPT_2M) || hv_heap_free_pages() < NPT_HEAP_RESERVE)
		return -1;
	if (!(t = pdpte_of(n, gpa)))
		return -1;
	if ((*t & NPT_PS) && (*t & NPT_P))
		return 0;
	if (!(t = next_table(n, t)))
		return -1;
	if (t[(gpa >> 21) & 511] & NPT_P)
		return 0;
	if (holes_in(gpa, NPT_2M))
		return map_holes_2m(n, &t[(gpa >> 21) & 511], gpa);
	t[(gpa >> 21) & 511] = gpa | NPT_P | NPT_RW | NPT_US | NPT_PS;
	return 0;
}

int npt_map_2m(struct npt *n, u64 gpa)
{
	int ret;

	spin_lock(&npt_lock);
	ret = map_2m_locked(n, gpa);
	spin_unlock(&npt_lock);
	return ret;
}

/*
 * A whole 1 GiB page, unless something the hypervisor keeps from the
 * guest lies in it: its block or the TPM's localities 2-4.  Pages split
 * later (the APIC's, a hypapp's) split their 1 GiB page then.
 */
static int map_1g(struct npt *n, u64 gpa)
{
	u64 *e, off;

	if (hv_owns(gpa, NPT_1G) || holes_in(gpa, NPT_1G)) {
		for (off = 0; off < NPT_1G; off += NPT_2M)
			if (!hv_owns(gpa + off, NPT_2M) && map_2m_locked(n, gpa + off))
				return -1;
		return 0;
	}
	if (!(e = pdpte_of(n, gpa)))
		return -1;
	*e = gpa | NPT_P | NPT_RW | NPT_US | NPT_PS;
	return 0;
}

int npt_init(struct npt *n, bool la57, u64 map_end)
{
	bool gb = cpu_has_1g_pages();
	u64 gpa;

	n->la57 = la57;
	n->pages = 0;
	n->root = new_table(n);
	if (!n->root)
		return -1;
	n->root_pa = hv_pa(n->root);
	/* Launch runs on one CPU: nothing else walks or changes them yet. */
	for (gpa = 0; gpa < map_end; gpa += gb ? NPT_1G : NPT_2M) {
		if (gb ? map_1g(n, gpa) :
		    !hv_owns(gpa, NPT_2M) && map_2m_locked(n, gpa))
			return -1;
	}
	return 0;
}

/* The PDE for gpa, walking (and filling or splitting) the upper levels. */
static u64 *pde_of(struct npt *n, u64 gpa)
{
	u64 *t = pdpte_of(n, gpa);

	if (!t || !(t = pd_of(n, t)))
		return NULL;
	return &t[(gpa >> 21) & 511];
}

/*
 * One 4 KiB page's permissions: present when readable, writable when
 * write.  A 2 MiB mapping is split into 4 KiB pages first, same frames.
 */
static int set_4k_locked(struct npt *n, u64 gpa, bool read, bool write)
{
	u64 *pde = pde_of(n, gpa), *pt, base;
	unsigned int i;

	if (!pde || npt_protected(gpa) || npt_write_protected(gpa))
		return -1;
	if (!(*pde & NPT_P) || (*pde & NPT_PS)) {
		base = gpa & ~(NPT_2M - 1);
		pt = new_table(n);
		if (!pt)
			return -1;
		for (i = 0; i < 512; i++)
			if (!npt_hole(base + (u64)i * 0x1000))
				pt[i] = (base + (u64)i * 0x1000) | NPT_P | NPT_RW | NPT_US;
		*pde = hv_pa(pt) | NPT_TABLE;
	}
	pt = table_va(*pde);
	pt[(gpa >> 12) & 511] = (gpa & ~0xfffull) |
		(read ? NPT_P | NPT_US : 0) | (read && write ? NPT_RW : 0);
	return 0;
}

int npt_set_4k(struct npt *n, u64 gpa, bool read, bool write)
{
	int ret;

	spin_lock(&npt_lock);
	ret = set_4k_locked(n, gpa, read, write);
	spin_unlock(&npt_lock);
	return ret;
}

/*
 * [start, start + len), 2 MiB aligned, read-only to the guest from now on:
 * its 2 MiB pages lose their write bit (a 1 GiB page is split first, a
 * split 2 MiB loses it in every 4 KiB entry), and npt_set_4k() refuses
 * pages in it.  Nothing in it may be the hypervisor's.
 */
int npt_write_protect(struct npt *n, u64 start, u64 len)
{
	u64 gpa, *pde, *pt;
	unsigned int i;
	int ret = 0;

	if ((start | len) & (NPT_2M - 1) || !len || start + len < start ||
	    hv_owns(start, len) || holes_in(start, len) ||
	    num_ro == ARRAY_SIZE(ro_ranges))
		return -1;
	spin_lock(&npt_lock);
	for (gpa = start; gpa < start + len && !ret; gpa += NPT_2M) {
		if (!(pde = pde_of(n, gpa))) {
			ret = -1;
		} else if (!(*pde & NPT_P)) {
			*pde = gpa | NPT_P | NPT_US | NPT_PS;
		} else if (*pde & NPT_PS) {
			*pde &= ~NPT_RW;
		} else {
			pt = table_va(*pde);
			for (i = 0; i < 512; i++)
				pt[i] &= ~NPT_RW;
		}
	}
	if (!ret) {
		ro_ranges[num_ro].start = start;
		ro_ranges[num_ro].len = len;
		num_ro++;
	}
	spin_unlock(&npt_lock);
	return ret;
}

/*
 * [start, start + len), page aligned, not present to the guest from now on,
 * for reads too: an access is refused like one to the hypervisor's memory.
 */
int npt_hide(struct npt *n, u64 start, u64 len)
{
	u64 gpa;
	int ret = 0;

	if ((start | len) & 0xfff || !len || start + len < start ||
	    num_hidden == ARRAY_SIZE(hidden))
		return -1;
	spin_lock(&npt_lock);
	for (gpa = start; gpa < start + len && !ret; gpa += 0x1000)
		ret = set_4k_locked(n, gpa, false, false);
	if (!ret) {
		hidden[num_hidden].start = start;
		hidden[num_hidden].len = len;
		num_hidden++;
	}
	spin_unlock(&npt_lock);
	return ret;
}
