// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory service: guest page-table walks and guest memory copies.
 * The rules it follows are in core/guest_mem.h.
 */
#include <arch/x86.h>
#include <core/guest_mem.h>
#include <lib/string.h>

#define GM_PAGE_SIZE	4096UL
#define GM_PAGE_OFFSET	(GM_PAGE_SIZE - 1)

/* Bits of a paging-structure entry (4- and 8-byte formats alike). */
#define PTE_P		BIT(0)
#define PTE_RW		BIT(1)
#define PTE_US		BIT(2)
#define PTE_PS		BIT(7)		/* PDE/PDPTE: maps a large page */
#define PTE_XD		(1ULL << 63)

/* Bits 2:1 and 8:5 of a PAE PDPTE are reserved. */
#define PAE_PDPTE_RSVD	0x1e6ULL

enum gm_mode { GM_FLAT, GM_LEGACY32, GM_PAE, GM_LONG4, GM_LONG5 };

/* The guest's paging state, decoded once per call. */
struct gm_walker {
	const struct guest_paging *gp;
	enum gm_mode mode;
	bool user;		/* CPL 3 */
	bool wp;		/* CR0.WP */
	u64 addr_mask;		/* table/page address bits M-1:12 */
	u64 rsvd;		/* reserved in every 8-byte entry: high bits, XD */
	u64 root;		/* PD, PDPT or PML4/PML5 address */
};

/* Bits hi..lo set (0 when lo > hi); hi <= 63. */
static inline u64 bits(unsigned int hi, unsigned int lo)
{
	if (lo > hi)
		return 0;
	return (~0ULL >> (63 - hi)) & (~0ULL << lo);
}

static bool canonical(u64 va, unsigned int width)
{
	unsigned int sh = 64 - width;

	return (u64)((s64)(va << sh) >> sh) == va;
}

static int gm_decode(const struct guest_paging *gp, struct gm_walker *w)
{
	bool lm;

	if (!gp || !gp->map || gp->cpl > 3 ||
	    gp->phys_bits < 32 || gp->phys_bits > 52)
		return GM_E_INVAL;

	w->gp = gp;
	w->user = gp->cpl == 3;
	w->wp = gp->cr0 & X86_CR0_WP;
	w->addr_mask = bits(gp->phys_bits - 1, 12);
	w->root = 0;

	if (!(gp->cr0 & X86_CR0_PG)) {
		w->mode = GM_FLAT;
		w->rsvd = 0;
		return 0;
	}
	/* PG without PE, or long mode without PAE, cannot be entered. */
	lm = gp->efer & (EFER_LMA | EFER_LME);
	if (!(gp->cr0 & X86_CR0_PE))
		return GM_E_INVAL;
	if (!(gp->cr4 & X86_CR4_PAE)) {
		if (lm)
			return GM_E_INVAL;
		w->mode = GM_LEGACY32;
		w->rsvd = 0;
		w->root = (u32)gp->cr3 & 0xfffff000U;
		return 0;
	}

	w->rsvd = (gp->efer & EFER_NXE) ? 0 : PTE_XD;
	if (!lm) {
		w->mode = GM_PAE;
		w->rsvd |= bits(62, gp->phys_bits);
		w->root = (u32)gp->cr3 & 0xffffffe0U;
		return 0;
	}
	w->mode = (gp->cr4 & X86_CR4_LA57) ? GM_LONG5 : GM_LONG4;
	w->rsvd |= bits(51, gp->phys_bits);
	/*
	 * CR3: bits 11:0 are PCID or PWT/PCD, bits 63:52 are control bits
	 * (no-flush, LAM) that never reach the walk; 51:M must be zero.
	 */
	if (gp->cr3 & bits(51, gp->phys_bits))
		return GM_E_RSVD;
	w->root = gp->cr3 & w->addr_mask;
	return 0;
}

/* The linear-address bits of the mode: 64 in long mode, else 32. */
static u64 gm_la_mask(const struct gm_walker *w)
{
	return (w->mode == GM_LONG4 || w->mode == GM_LONG5) ? ~0ULL : 0xffffffffULL;
}

/*
 * Read one paging-structure entry, exactly once.  Tables are 4 KiB (PDPT:
 * 32 bytes) aligned, so an entry never crosses a page.
 */
static int read_pte64(const struct gm_walker *w, u64 gpa, u64 *e)
{
	const volatile u64 *p = w->gp->map(w->gp->map_ctx, gpa, sizeof(u64));

	if (!p)
		return GM_E_NOMAP;
	*e = *p;
	return 0;
}

static int read_pte32(const struct gm_walker *w, u64 gpa, u32 *e)
{
	const volatile u32 *p = w->gp->map(w->gp->map_ctx, gpa, sizeof(u32));

	if (!p)
		return GM_E_NOMAP;
	*e = *p;
	return 0;
}

/* Rights gathered over the walk, checked after the last level. */
static int gm_rights(const struct gm_walker *w, enum gm_access acc,
		     bool user_ok, bool write_ok)
{
	if (w->user && !user_ok)
		return GM_E_PROT;
	if (acc == GM_WRITE && !write_ok && (w->user || w->wp))
		return GM_E_PROT;
	return 0;
}

/* 32-bit paging: PD and PT of 1024 four-byte entries. */
static int walk_legacy32(const struct gm_walker *w, u32 va,
			 enum gm_access acc, u64 *gpa)
{
	unsigned int m;
	u32 pde, pte;
	u64 base;
	int rc;

	rc = read_pte32(w, w->root + (va >> 22) * 4, &pde);
	if (rc)
		return rc;
	if (!(pde & PTE_P))
		return GM_E_NOTPRESENT;

	if ((pde & PTE_PS) && (w->gp->cr4 & X86_CR4_PSE)) {
		/*
		 * 4 MiB page: bits 31:22 are address bits 31:22, bits
		 * (m-20):13 address bits (m-1):32 (PSE-36), and bits
		 * 21:(m-19) are reserved, with m = min(M, 40).
		 */
		m = w->gp->phys_bits < 40 ? w->gp->phys_bits : 40;
		if (pde & bits(21, m - 19))
			return GM_E_RSVD;
		base = pde & 0xffc00000U;
		if (m > 32)
			base |= (u64)((pde >> 13) & bits(m - 33, 0)) << 32;
		rc = gm_rights(w, acc, pde & PTE_US, pde & PTE_RW);
		if (rc)
			return rc;
		*gpa = base | (va & 0x3fffffU);
		return 0;
	}

	rc = read_pte32(w, (pde & 0xfffff000U) + ((va >> 12) & 0x3ff) * 4, &pte);
	if (rc)
		return rc;
	if (!(pte & PTE_P))
		return GM_E_NOTPRESENT;
	rc = gm_rights(w, acc, pde & pte & PTE_US, pde & pte & PTE_RW);
	if (rc)
		return rc;
	*gpa = (pte & 0xfffff000U) | (va & GM_PAGE_OFFSET);
	return 0;
}

/*
 * 8-byte entries, from table at the given level down: level 5 is the PML5,
 * 4 the PML4, 3 the PDPT (long mode only), 2 the PD, 1 the PT.
 */
static int walk64(const struct gm_walker *w, u64 va, u64 table,
		  unsigned int level, enum gm_access acc, u64 *gpa)
{
	bool user_ok = true, write_ok = true;
	unsigned int shift;
	u64 e, rsvd, span;
	int rc;

	for (;; level--) {
		shift = 12 + 9 * (level - 1);
		rc = read_pte64(w, table + ((va >> shift) & 0x1ff) * 8, &e);
		if (rc)
			return rc;
		if (!(e & PTE_P))
			return GM_E_NOTPRESENT;

		rsvd = w->rsvd;
		/* In a PTE, bit 7 is PAT; above the PD, PS is reserved. */
		if (level > 1 && (e & PTE_PS)) {
			if (level > 3)
				return GM_E_RSVD;
			/* Large-page address bits below the page size (bit 12: PAT). */
			rsvd |= bits(shift - 1, 13);
		}
		if (e & rsvd)
			return GM_E_RSVD;
		if (!(e & PTE_RW))
			write_ok = false;
		if (!(e & PTE_US))
			user_ok = false;
		if (level == 1 || (e & PTE_PS))
			break;
		table = e & w->addr_mask;
	}

	rc = gm_rights(w, acc, user_ok, write_ok);
	if (rc)
		return rc;
	span = (1ULL << shift) - 1;
	*gpa = (e & w->addr_mask & ~span) | (va & span);
	return 0;
}

/* One translation on a decoded state; va is within gm_la_mask(). */
static int gm_walk(const struct gm_walker *w, u64 va, enum gm_access acc,
		   u64 *gpa)
{
	u64 pdpte;
	int rc;

	switch (w->mode) {
	case GM_FLAT:
		*gpa = va;
		return 0;
	case GM_LEGACY32:
		return walk_legacy32(w, (u32)va, acc, gpa);
	case GM_PAE:
		/* The PDPTE carries no rights; its reserved bits include 63. */
		rc = read_pte64(w, w->root + ((va >> 30) & 3) * 8, &pdpte);
		if (rc)
			return rc;
		if (!(pdpte & PTE_P))
			return GM_E_NOTPRESENT;
		if (pdpte & (bits(63, w->gp->phys_bits) | PAE_PDPTE_RSVD))
			return GM_E_RSVD;
		return walk64(w, va, pdpte & w->addr_mask, 2, acc, gpa);
	case GM_LONG4:
		if (!canonical(va, 48))
			return GM_E_NONCANON;
		return walk64(w, va, w->root, 4, acc, gpa);
	case GM_LONG5:
		if (!canonical(va, 57))
			return GM_E_NONCANON;
		return walk64(w, va, w->root, 5, acc, gpa);
	}
	return GM_E_INVAL;
}

int gm_translate(const struct guest_paging *gp, u64 gva, enum gm_access acc,
		 u64 *gpa)
{
	struct gm_walker w;
	int rc;

	if (!gpa || (acc != GM_READ && acc != GM_WRITE))
		return GM_E_INVAL;
	rc = gm_decode(gp, &w);
	if (rc)
		return rc;
	if (gva & ~gm_la_mask(&w))
		return GM_E_NONCANON;
	return gm_walk(&w, gva, acc, gpa);
}

/*
 * Walk [gva, gva + len) page by page.  With buf == NULL only translate and
 * map each piece; otherwise also copy it (into buf for GM_READ, from buf
 * for GM_WRITE).  map() is always asked for one piece within one page.
 */
static int gm_range(const struct gm_walker *w, u64 gva, size_t len,
		    enum gm_access acc, u8 *buf)
{
	const struct guest_paging *gp = w->gp;
	u64 mask = gm_la_mask(w), va, gpa;
	size_t done = 0, chunk;
	void *p;
	int rc;

	while (done < len) {
		va = (gva + done) & mask;
		chunk = GM_PAGE_SIZE - (va & GM_PAGE_OFFSET);
		if (chunk > len - done)
			chunk = len - done;
		rc = gm_walk(w, va, acc, &gpa);
		if (rc)
			return rc;
		p = gp->map(gp->map_ctx, gpa, chunk);
		if (!p)
			return GM_E_NOMAP;
		if (buf) {
			if (acc == GM_WRITE)
				memcpy(p, buf + done, chunk);
			else
				memcpy(buf + done, p, chunk);
		}
		done += chunk;
	}
	return 0;
}

static int gm_copy(const struct guest_paging *gp, u64 gva, u8 *buf,
		   size_t len, enum gm_access acc)
{
	struct gm_walker w;
	int rc;

	rc = gm_decode(gp, &w);
	if (rc)
		return rc;
	if (!len)
		return 0;
	if (len > GM_MAX_LEN)
		return GM_E_RANGE;
	if (!buf)
		return GM_E_INVAL;
	if (gva & ~gm_la_mask(&w))
		return GM_E_NONCANON;
	/* In long mode the last byte must not wrap past 2^64. */
	if (gva + (len - 1) < gva)
		return GM_E_RANGE;

	/* First pass: every page must translate and map; nothing copied. */
	rc = gm_range(&w, gva, len, acc, NULL);
	if (rc)
		return rc;
	return gm_range(&w, gva, len, acc, buf);
}

int gm_copy_from_guest(const struct guest_paging *gp, void *dst, u64 gva,
		       size_t len)
{
	return gm_copy(gp, gva, dst, len, GM_READ);
}

int gm_copy_to_guest(const struct guest_paging *gp, u64 gva, const void *src,
		     size_t len)
{
	/* gm_range() only reads buf for GM_WRITE. */
	return gm_copy(gp, gva, (u8 *)(uintptr_t)src, len, GM_WRITE);
}

const char *gm_strerror(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case GM_E_NOTPRESENT:
		return "page not present";
	case GM_E_PROT:
		return "access not permitted";
	case GM_E_RSVD:
		return "reserved bit set in guest paging structure";
	case GM_E_NONCANON:
		return "not a valid linear address";
	case GM_E_NOMAP:
		return "guest-physical address not accessible";
	case GM_E_RANGE:
		return "length out of range";
	case GM_E_INVAL:
		return "invalid argument or paging state";
	}
	return "unknown error";
}
