/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory service: guest page-table walks in every paging mode, and
 * bounds-checked copies between guest virtual memory and hypervisor buffers.
 *
 * The guest is never trusted.  Every guest pointer is translated here,
 * through the guest's own page tables, and every page-table entry and every
 * byte of data is reached through the caller's map() function, which refuses
 * what is not plain guest RAM.  Bad input gives a negative GM_E_* code; it
 * never makes the hypervisor fault.
 *
 * What the walk does, mode by mode (Intel SDM vol. 3 ch. 4, AMD APM vol. 2
 * ch. 5).  "M" is phys_bits (MAXPHYADDR).
 *
 *   CR0.PG = 0      no paging: gpa = gva, 32-bit linear addresses, no checks.
 *   32-bit          2 levels of 4-byte entries from CR3[31:12]; 4 MiB pages
 *                   when CR4.PSE (PDE.PS is ignored without it), with the
 *                   PSE-36 address bits 20:13 up to min(M, 40) bits.
 *   PAE             the 4 PDPTEs at CR3[31:5], then 2 levels; 2 MiB pages.
 *   long, 4-level   PML4 at CR3[M-1:12]; 1 GiB and 2 MiB pages.
 *   long, 5-level   CR4.LA57: PML5 first, then as 4-level.
 *
 * Long mode is CR0.PG with EFER.LMA (or EFER.LME, which is what sets LMA).
 * In the 32-bit modes (no paging, 32-bit, PAE) linear addresses are 32 bits:
 * a gva above 4 GiB is refused, and a range that runs past 4 GiB wraps to 0
 * as the CPU's linear addresses do.  In long mode the gva must be canonical
 * (48 bits, or 57 with LA57) and a range must not run past 2^64.
 *
 * Checks, in the order the CPU makes them:
 *   - each entry: P = 0 is GM_E_NOTPRESENT; then reserved bits are
 *     GM_E_RSVD: address bits at and above M (bits 51:M in long mode, 62:M
 *     in PAE, 63:M and 2:1, 8:5 in a PAE PDPTE), bit 63 (XD) when EFER.NXE
 *     is clear, PS in a PML4E/PML5E, the low bits of a large-page address
 *     (20:13 for 2 MiB, 29:13 for 1 GiB, 21:min(M,40)-19 for a PSE 4 MiB
 *     page), and CR3 bits 51:M in long mode;
 *   - then access rights over all levels, for a data access at gp->cpl:
 *     CPL 3 needs U/S = 1 at every level, and R/W = 1 at every level to
 *     write; CPL 0-2 may read anything, and may write a page with R/W = 0
 *     somewhere only when CR0.WP is clear.  PAE PDPTEs carry no rights.
 * Not modelled: instruction fetches (so NX and SMEP never apply), SMAP
 * (supervisor accesses may touch user pages, as with EFLAGS.AC = 1),
 * protection keys (PKRU/PKRS live in state this service does not see),
 * CET shadow-stack pages, LAM/UAI address tags (callers pass untagged
 * addresses), and vendor-only reserved bits (e.g. AMD's PML4E bit 8):
 * the walk is never stricter than either vendor.  1 GiB pages are assumed
 * supported, as on every AMD CPU with NPT.
 *
 * Differences from a real walk, on purpose:
 *   - Accessed and dirty bits are never set, in page-table entries or in
 *     the leaf.  A guest that trusts D to know which pages to write back
 *     will not see the hypervisor's writes; writers should target pages the
 *     guest already holds dirty or pinned (e.g. PAL pages pinned for write).
 *   - PAE PDPTEs are read from memory on every walk.  Intel CPUs load them
 *     into registers at MOV CR3 and use the cached copies; a guest that
 *     edits its PDPT without reloading CR3 sees the old ones, this walk the
 *     new ones.  For a well-behaved guest both agree.
 *   - No TLB: the current page tables are always used.
 *   - Each entry is read exactly once (one 4- or 8-byte load), so a guest
 *     changing its tables on another CPU cannot make a check and the use of
 *     an entry see different values.
 */
#ifndef XMHF_CORE_GUEST_MEM_H
#define XMHF_CORE_GUEST_MEM_H

#include <types.h>

/* Largest single copy: anything longer is refused with GM_E_RANGE. */
#define GM_MAX_LEN	(16UL << 20)

/*
 * How the runtime reaches guest-physical memory: returns a host pointer to
 * [gpa, gpa + len), or NULL when that range is not plain guest RAM that the
 * hypervisor may touch (its own memory, MMIO, beyond RAM).  This service
 * always calls it with 0 < len <= 4096 and a range inside one 4 KiB page,
 * and it never reads or writes outside the returned range.  It must have
 * no side effects: the copies call it twice per page.
 */
typedef void *(*gpa_map_fn)(void *ctx, u64 gpa, size_t len);

/* The guest's paging state, e.g. from the VMCB save area. */
struct guest_paging {
	u64 cr0, cr3, cr4, efer;
	unsigned int cpl;	/* accesses are checked as this privilege, 0-3 */
	unsigned int phys_bits;	/* MAXPHYADDR (CPUID 8000_0008h EAX[7:0]), 32-52 */
	gpa_map_fn map;
	void *map_ctx;
};

enum gm_access { GM_READ = 0, GM_WRITE = 1 };

enum gm_error {
	GM_E_NOTPRESENT = -1,	/* a paging-structure entry has P = 0 */
	GM_E_PROT = -2,		/* present, but U/S or R/W forbid the access */
	GM_E_RSVD = -3,		/* a reserved bit is set in an entry or CR3 */
	GM_E_NONCANON = -4,	/* not a linear address of the mode: non-canonical
				 * in long mode, above 4 GiB in a 32-bit mode */
	GM_E_NOMAP = -5,	/* map() refused a page table or the data */
	GM_E_RANGE = -6,	/* len > GM_MAX_LEN, or gva + len runs past 2^64 */
	GM_E_INVAL = -7,	/* bad arguments or an impossible paging state */
};

/*
 * Guest virtual -> guest physical for one data access of kind acc by
 * gp->cpl.  Returns 0 and sets *gpa, or a negative GM_E_* code and leaves
 * *gpa alone.  The data page itself is not mapped: a gpa that is not RAM
 * still translates.
 */
int gm_translate(const struct guest_paging *gp, u64 gva, enum gm_access acc,
		 u64 *gpa);

/*
 * Copy len bytes between guest virtual memory at gva and a hypervisor
 * buffer, with the checks of gm_translate() on every page.
 *
 * All or nothing: every page is translated and mapped first, and only when
 * all succeed is anything copied.  On error the destination is unchanged,
 * with one exception: if the guest rewrites its own page tables on another
 * CPU between the two passes, the copy can stop part way.  It still returns
 * the error, and only the guest that raced itself can see the difference
 * (for gm_copy_from_guest, the caller must ignore dst on any error).
 *
 * len == 0 succeeds without touching anything.  The copy is not atomic
 * against other CPUs writing the same guest memory: callers that check
 * what they read must check their own copy, never the guest's.
 */
int gm_copy_from_guest(const struct guest_paging *gp, void *dst, u64 gva,
		       size_t len);
int gm_copy_to_guest(const struct guest_paging *gp, u64 gva, const void *src,
		     size_t len);

/* A short description of a GM_E_* code (or of 0), for logs. */
const char *gm_strerror(int err);

#endif /* XMHF_CORE_GUEST_MEM_H */
