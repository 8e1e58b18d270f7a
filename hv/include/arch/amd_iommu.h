/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AMD IOMMU as the hypervisor will own it (docs/dma.md): register
 * layout, the parts of its extended features that matter, and the pure
 * builders for what the hardware reads: the identity-minus-protected I/O
 * page table, device table entries made from Linux's, and interrupt
 * remapping entries filtered.  Nothing here touches hardware, so the same
 * code can serve the SL (32-bit) and the runtime, and the unit test plays
 * the IOMMU that walks what it builds (selftests/unit/test_amd_iommu.c).
 *
 * Linked into the runtime for one mode: Linux's IOMMU off (hv/arch/x86/dma.c).
 */
#ifndef XMHF_ARCH_AMD_IOMMU_H
#define XMHF_ARCH_AMD_IOMMU_H

#include <types.h>

/* MMIO registers (offsets in the IOMMU's window). */
#define AMDV_DEVTAB_BAR		0x0000
#define AMDV_CMDBUF_BAR		0x0008
#define AMDV_EVTLOG_BAR		0x0010
#define AMDV_CONTROL		0x0018
#define AMDV_EXCL_BASE		0x0020
#define AMDV_EXCL_LIMIT		0x0028
#define AMDV_EXT_FEATURES	0x0030
#define AMDV_CMDBUF_HEAD	0x2000
#define AMDV_CMDBUF_TAIL	0x2008
#define AMDV_EVTLOG_HEAD	0x2010
#define AMDV_EVTLOG_TAIL	0x2018
#define AMDV_STATUS		0x2020

/* Control register bits. */
#define AMDV_CTL_IOMMU_EN	(1ull << 0)
#define AMDV_CTL_HT_TUN_EN	(1ull << 1)
#define AMDV_CTL_EVTLOG_EN	(1ull << 2)
#define AMDV_CTL_EVTINT_EN	(1ull << 3)
#define AMDV_CTL_COMWAIT_EN	(1ull << 4)
#define AMDV_CTL_CMDBUF_EN	(1ull << 12)

/* Extended feature register: the features the hypervisor understands. */
#define AMDV_EFR_PREF		(1ull << 0)	/* PREFETCH_IOMMU_PAGES */
#define AMDV_EFR_PPR		(1ull << 1)	/* peripheral page requests */
#define AMDV_EFR_XT		(1ull << 2)	/* x2APIC interrupt remapping */
#define AMDV_EFR_NX		(1ull << 3)
#define AMDV_EFR_GT		(1ull << 4)	/* guest (nested) translation */
#define AMDV_EFR_IA		(1ull << 6)	/* INVALIDATE_IOMMU_ALL */
#define AMDV_EFR_GA		(1ull << 7)	/* guest virtual APIC */
#define AMDV_EFR_HE		(1ull << 8)	/* hardware error registers */
#define AMDV_EFR_PC		(1ull << 9)	/* performance counters */
#define AMDV_EFR_HATS_SHIFT	10		/* host address translation size */
#define AMDV_EFR_HATS_MASK	(3ull << AMDV_EFR_HATS_SHIFT)

/* The capability header (PCI configuration space, the IOMMU's capability). */
#define AMDV_CAP_ID		0x0f		/* bits 7:0: Secure Device */
#define AMDV_CAP_TYPE_MASK	(7u << 16)
#define AMDV_CAP_TYPE		(3u << 16)
#define AMDV_CAP_IOTLB		(1u << 24)
#define AMDV_CAP_HT_TUNNEL	(1u << 25)
#define AMDV_CAP_NP_CACHE	(1u << 26)	/* not-present entries may be cached */
#define AMDV_CAP_EFR_SUP	(1u << 27)

struct amdv_caps {
	u32 cap;		/* the real capability header */
	u64 efr;		/* the real extended feature register (0 without) */
	unsigned int max_levels;	/* page-table levels the IOMMU walks: 4..6 */
	bool inv_all;		/* INVALIDATE_IOMMU_ALL exists */
};

/* Parse the real capability header and EFR.  0, or -1 for a capability
 * that is not an AMD IOMMU's or a reserved table size. */
int amdv_parse(u32 cap, u64 efr, struct amdv_caps *caps);
/* What Linux reads in its (virtual) EFR: only what the hypervisor emulates. */
u64 amdv_virtual_efr(const struct amdv_caps *caps);
/* What Linux reads in the capability header: NpCache on (it then flushes
 * after every map, which the shadow tables need), IOTLB (ATS) off. */
u32 amdv_virtual_cap(const struct amdv_caps *caps);

/* I/O page-table entries (the v1 "host" format). */
#define AMDV_PTE_PR		(1ull << 0)
#define AMDV_PTE_NEXT_SHIFT	9		/* Next Level: 0 = leaf, 7 = sized leaf */
#define AMDV_PTE_NEXT_MASK	(7ull << AMDV_PTE_NEXT_SHIFT)
#define AMDV_PTE_ADDR_MASK	0x000ffffffffff000ull
#define AMDV_PTE_FC		(1ull << 60)	/* force coherent */
#define AMDV_PTE_IR		(1ull << 61)
#define AMDV_PTE_IW		(1ull << 62)

/* Device table entries: 4 quadwords. */
#define AMDV_DTE_V		(1ull << 0)	/* [0] */
#define AMDV_DTE_TV		(1ull << 1)
#define AMDV_DTE_MODE_SHIFT	9
#define AMDV_DTE_MODE_MASK	(7ull << AMDV_DTE_MODE_SHIFT)
#define AMDV_DTE_ROOT_MASK	0x000ffffffffff000ull
#define AMDV_DTE_PPR		(1ull << 52)
#define AMDV_DTE_GPRP		(1ull << 53)
#define AMDV_DTE_GIOV		(1ull << 54)
#define AMDV_DTE_GV		(1ull << 55)
#define AMDV_DTE_GLX_MASK	(3ull << 56)
#define AMDV_DTE_GCR3_LO_MASK	(7ull << 58)
#define AMDV_DTE_IR		(1ull << 61)
#define AMDV_DTE_IW		(1ull << 62)
#define AMDV_DTE1_DOMID_MASK	0xffffull	/* [1] */
#define AMDV_DTE1_GCR3_MID_MASK	(0xffffull << 16)
#define AMDV_DTE1_IOTLB		(1ull << 32)
#define AMDV_DTE1_SE		(1ull << 33)
#define AMDV_DTE1_SA		(1ull << 34)
#define AMDV_DTE1_IOCTL_MASK	(3ull << 35)
#define AMDV_DTE1_CACHE		(1ull << 37)
#define AMDV_DTE1_SD		(1ull << 38)
#define AMDV_DTE1_EX		(1ull << 39)
#define AMDV_DTE1_SYSMGT_MASK	(3ull << 40)
#define AMDV_DTE1_GCR3_HI_MASK	(0x1fffffull << 43)
#define AMDV_DTE2_IV		(1ull << 0)	/* [2] */
#define AMDV_DTE2_INTTABLEN_SHIFT 1
#define AMDV_DTE2_INTTABLEN_MASK (0xfull << 1)
#define AMDV_DTE2_IRT_MASK	0x000fffffffffffc0ull
#define AMDV_DTE2_INIT_PASS	(1ull << 56)
#define AMDV_DTE2_EINT_PASS	(1ull << 57)
#define AMDV_DTE2_NMI_PASS	(1ull << 58)
#define AMDV_DTE2_INTCTL_SHIFT	60
#define AMDV_DTE2_INTCTL_MASK	(3ull << 60)
#define AMDV_INTCTL_ABORT	0ull
#define AMDV_INTCTL_FORWARD	1ull	/* fixed/arbitrated forwarded unmapped */
#define AMDV_INTCTL_REMAP	2ull
#define AMDV_DTE2_LINT0_PASS	(1ull << 62)
#define AMDV_DTE2_LINT1_PASS	(1ull << 63)

/* The hypervisor's own domains (identity-minus-protected); Linux never uses 0. */
#define AMDV_HV_DOMAIN_ID	0

/* A physical range [start, start + size). */
struct amdv_range {
	u64 start;
	u64 size;
};

/*
 * Zeroed 4 KiB pages the builders may use: page i is at virtual va[i] (what
 * the builder writes through) and physical pa[i] (what the IOMMU reads).
 * The SL gives pages of the block, mapped 1:1; the unit test host memory.
 */
struct amdv_pages {
	u64 **va;
	const u64 *pa;
	unsigned int n, used;
};

/*
 * The identity-minus-protected table: every 4 KiB page that lies in one
 * of @ram and in none of @prot maps to itself, readable and writable;
 * every other address is absent (the device's access faults).  The
 * largest leaves that fit (1 GiB, 2 MiB, 4 KiB), split only where a range
 * ends.  @ram and @prot need not be sorted; ranges are page-granular
 * (partial pages are left out of @ram and widened in @prot).  Stores the
 * root's physical address and the number of levels (3..6, the DTE's
 * Mode).  Returns 0, or -1 if the pages run out or an address is beyond
 * 52 bits (nothing usable is left then).
 */
int amdv_build_identity(struct amdv_pages *pg,
			const struct amdv_range *ram, unsigned int nram,
			const struct amdv_range *prot, unsigned int nprot,
			unsigned int max_levels, u64 *root_pa, unsigned int *levels);

/* Why a DTE was changed from Linux's (bits of amdv_dte_build's result). */
#define AMDV_REFUSED_GUEST	(1u << 0)	/* GV, GLX, GCR3, GIoV, PPR */
#define AMDV_REFUSED_EX		(1u << 1)	/* exclusion range */
#define AMDV_REFUSED_IOTLB	(1u << 2)	/* ATS */
#define AMDV_REFUSED_PASS	(1u << 3)	/* InitPass, EIntPass */
#define AMDV_REFUSED_SYSMGT	(1u << 4)	/* system management messages */
#define AMDV_REFUSED_PASSTHRU	(1u << 5)	/* V=0, TV=0 or Mode 0: identity table */
#define AMDV_REFUSED_INTCTL	(1u << 6)	/* forward-unmapped without remapping */

/*
 * What the hardware gets for one device (docs/dma.md, "Device table"):
 * @linux is Linux's entry (all zero when Linux's IOMMU is off); @shadow_root
 * and @shadow_levels the shadow of Linux's table for a translated entry
 * (ignored otherwise); @id_root/@id_levels the identity-minus-protected
 * table; @irt_pa the hypervisor's copy of Linux's interrupt remapping
 * table (used only when Linux's entry remaps).  Always V=1, TV=1 and a
 * table.  Returns the AMDV_REFUSED_* bits for what was not taken as is.
 */
unsigned int amdv_dte_build(const u64 linux_dte[4], u64 shadow_root,
			    unsigned int shadow_levels, u64 id_root,
			    unsigned int id_levels, u64 irt_pa, u64 out[4]);

/*
 * The SL's device table (docs/dma.md, "Launch order"), before it measures
 * the runtime: @n entries, every DeviceID's DMA through the
 * identity-minus-protected table (@id_root, @id_levels) whatever Linux's
 * entry says.  Interrupts: Linux's remapping as its entry has it, when
 * @ltab (Linux's table, its first @nlinux entries, or NULL) gives one and
 * @irt_ok accepts the table it names (@irt_ok gets its address and
 * length; @ga: 16-byte entries); else untranslated, as with Linux's IOMMU
 * off.  Never InitPass, EIntPass, SysMgt or IoCtl.
 */
typedef bool (*amdv_irt_ok_fn)(void *ctx, u64 pa, u64 len);
void amdv_fill_blocking(u64 *devtab, u32 n, const volatile u64 *ltab, u32 nlinux,
			u64 id_root, unsigned int id_levels, bool ga,
			amdv_irt_ok_fn irt_ok, void *ctx);

/* Interrupt remapping entries, 32-bit format (GA off). */
#define AMDV_IRTE_REMAP_EN	(1u << 0)
#define AMDV_IRTE_TYPE_SHIFT	2
#define AMDV_IRTE_TYPE_MASK	(7u << 2)
#define AMDV_IRTE_GUEST_MODE	(1u << 7)
/* Filter one IRTE: SMI, INIT, ExtINT, reserved types and guest mode lose
 * RemapEn (the interrupt target-aborts).  *refused is set when so. */
u32 amdv_irte_filter(u32 irte, bool *refused);

/* Commands (16 bytes; opcode in bits 63:60 of the first quadword). */
enum amdv_op {
	AMDV_CMD_COMPLETION_WAIT = 1,
	AMDV_CMD_INV_DEVTAB_ENTRY = 2,
	AMDV_CMD_INV_IOMMU_PAGES = 3,
	AMDV_CMD_INV_IOTLB_PAGES = 4,
	AMDV_CMD_INV_INTERRUPT_TABLE = 5,
	AMDV_CMD_PREFETCH_IOMMU_PAGES = 6,
	AMDV_CMD_COMPLETE_PPR_REQUEST = 7,
	AMDV_CMD_INV_IOMMU_ALL = 8,
};

/* One of Linux's commands, decoded from the hypervisor's own copy. */
struct amdv_cmd {
	unsigned int op;	/* enum amdv_op */
	u16 devid;		/* INV_DEVTAB_ENTRY, INV_INTERRUPT_TABLE, INV_IOTLB_PAGES */
	u16 domid;		/* INV_IOMMU_PAGES */
	bool all;		/* INV_IOMMU_PAGES: the whole domain */
	u64 start, end;		/* INV_IOMMU_PAGES: [start, end), page-aligned */
	bool pde;		/* INV_IOMMU_PAGES: directory entries too */
	bool store, intr;	/* COMPLETION_WAIT: store @data at @store_pa; interrupt */
	u64 store_pa, data;
};

/*
 * Decode one command.  0: a command the hypervisor emulates; -1: refused
 * (docs/dma.md, "Command buffer": prefetch, PPR, guest (GN) invalidations,
 * unknown opcodes), which Linux sees as an illegal command.  Reserved
 * bits are not checked: they change nothing the hypervisor does.
 */
int amdv_cmd_decode(const u64 cmd[2], struct amdv_cmd *out);

/*
 * Linux's I/O page tables, read for the shadow (docs/dma.md, "I/O page
 * tables").  @read gives the 512 entries of the table page at a physical
 * address, from the hypervisor's own copy or map of it, or NULL when that
 * page may not be a table (not guest RAM, or protected).  @leaf is called
 * for each translation that overlaps [start, end), in IOVA order, with the
 * permissions of the whole path; a non-zero return stops the walk.
 */
struct amdv_leaf {
	u64 iova;	/* start of the leaf's page */
	u64 pa;		/* where it maps */
	u64 size;	/* 4 KiB .. 2^51 */
	bool r, w;
};
typedef const u64 *(*amdv_read_fn)(void *ctx, u64 table_pa);
typedef int (*amdv_leaf_fn)(void *ctx, const struct amdv_leaf *leaf);

/*
 * Walk a v1 table of @levels (1..6) from @root over [start, end).  Leaves
 * of the level's own size (Next Level 0) and sized leaves (Next Level 7,
 * the size in the address's low bits, replicated over the entries it
 * covers) are both understood, as are skipped levels (the skipped IOVA
 * bits must be zero, else no translation).  Returns 0; -1 when a table
 * page cannot be read or an entry is malformed (a Next Level not below its
 * own, a sized leaf larger than its level), so that the caller maps
 * nothing it could not check; or what @leaf returned.
 */
int amdv_walk(u64 root, unsigned int levels, u64 start, u64 end,
	      amdv_read_fn read, amdv_leaf_fn leaf, void *ctx);


/* ------------------------------------------------ shadow I/O page tables */

/*
 * The hypervisor's copies of Linux's I/O page tables (docs/dma.md, "I/O page
 * tables: shadow"), in hv/arch/x86/amd_iommu_shadow.c.  Pure code: memory
 * comes from @m, Linux's tables are read through amdv_walk()'s @read, the
 * policy is @allow; the unit test plays all three
 * (selftests/unit/test_amd_iommu_shadow.c).
 */

/*
 * Pages for shadow tables: from the hypervisor's heap in the runtime, host
 * memory in the unit test.  @free is called for a table page as soon as it
 * is unlinked from the shadow; the IOMMU may still hold it in its caches
 * (PDE cache, a walk in flight), so the runtime must not reuse it for
 * anything but a shadow table until its own INVALIDATE_IOMMU_PAGES (PDE=1)
 * for that domain and a COMPLETION_WAIT have run.
 */
struct amdv_mem {
	u64 *(*alloc)(void *ctx, u64 *pa);	/* a zeroed 4 KiB page, or NULL when none is left */
	void (*free)(void *ctx, u64 *va, u64 pa);
	u64 *(*va)(void *ctx, u64 pa);		/* the VA of a page this allocator gave */
	void *ctx;
};
/* May devices reach [pa, pa + size)? (RAM and not protected: the runtime's policy) */
typedef bool (*amdv_allow_fn)(void *ctx, u64 pa, u64 size);

/* The hypervisor's copy of one of Linux's I/O page tables, holding only allowed leaves. */
struct amdv_shadow {
	u64 root_pa;			/* what the real DTE points at; 0 = none */
	unsigned int levels;		/* = Linux's (the DTE's Mode), so the IOVA space is the same */
	u16 domid;
	u64 linux_root;			/* Linux's table the shadow follows */
	unsigned int pages;		/* table pages held, the root included */
	u64 refused;			/* 4 KiB pages of Linux's leaves refused so far (cumulative) */
	u64 mapped;			/* leaf entries (4 KiB, 2 MiB or 1 GiB) now in the shadow */
};

/*
 * allow() calls one amdv_shadow_sync() may make; past them, every further
 * leaf is refused unchecked (and counted).  A leaf over terabytes of
 * non-RAM would otherwise cost one call per 4 KiB.  Splitting a whole
 * 1 GiB leaf down to 4 KiB pages costs 1 + 512 + 512 * 512 calls; one
 * allowed 4 KiB leaf, one.
 */
#define AMDV_SHADOW_SYNC_CHECKS	(1ul << 22)

/* An empty shadow (root page allocated) for Linux's table (@domid,
 * @linux_root, @levels 1..6).  0, or -1 (no page / bad levels). */
int amdv_shadow_init(struct amdv_shadow *s, const struct amdv_mem *m, u16 domid,
		     u64 linux_root, unsigned int levels);
/*
 * Make the shadow over [start, end) what Linux's table says there, minus
 * what @allow refuses: afterwards the range holds exactly the leaves
 * amdv_walk() of Linux's table reports there (clipped to the range), with
 * their path's IR/IW and FC set (as Linux sets it on every leaf), minus
 * the refused pages; table pages left empty are freed, never the root.
 * The range is widened to whole shadow leaves where one crosses its ends,
 * and clamped to what the levels cover; end may be ~0ull (whole domain).
 * Each entry the range covers is built aside, then merged into the live
 * table entry by entry: a leaf that stays the same is never absent
 * meanwhile.  Leaves are 1 GiB (level 3), 2 MiB (level 2), both Next
 * Level 0, and 4 KiB; never sized (Next Level 7) nor level-skipping.  A
 * leaf only partly allowed is split so that exactly its allowed 4 KiB
 * pages are mapped; the others are counted in s->refused, in 4 KiB pages.
 * A leaf with neither IR nor IW is not mapped (and not counted).
 * Returns 0; -1 if Linux's table could not be read or is malformed
 * (amdv_walk's -1) or pages ran out: the range then holds what was synced
 * before the failure point, all of it checked, and nothing after it (fail
 * closed: a mapping may be missing, never one @allow did not accept, even
 * a stale one).  Peak memory: the shadow plus one entry's new subtree.
 */
int amdv_shadow_sync(struct amdv_shadow *s, const struct amdv_mem *m, u64 start, u64 end,
		     amdv_read_fn read, void *read_ctx, amdv_allow_fn allow, void *allow_ctx);
/* Every page back to @m; s->root_pa = 0. */
void amdv_shadow_free(struct amdv_shadow *s, const struct amdv_mem *m);
/*
 * Copy Linux's interrupt remapping table @src of @n entries (4 bytes each,
 * or 16 with @ga: 128-bit IRTEs, Control.GAEn) into @dst, each entry
 * filtered with amdv_irte_filter() on its low 32 bits; the rest of a
 * 128-bit entry is copied as it is.  Each entry of @src is read once
 * (Linux may change it meanwhile).  Returns how many entries were refused.
 */
unsigned int amdv_irt_copy(void *dst, const void *src, unsigned int n, bool ga);

/* ------------------------------------------------ the hypervisor's own IOMMU */

/*
 * Taking a disabled IOMMU for the hypervisor (Linux booted with
 * amd_iommu=off, docs/dma.md "Today"), and giving it back as Linux left
 * it.  Everything goes through @env, so that the unit test can play the
 * registers and the command processor (selftests/unit/test_amd_iommu.c).
 */
#define AMDV_CTL_INV_TIMEOUT_MASK (7ull << 5)
#define AMDV_CTL_COHERENT	(1ull << 10)
#define AMDV_CTL_GA_EN		(1ull << 17)	/* 128-bit remapping entries */
#define AMDV_CTL_XT_EN		(1ull << 50)	/* x2APIC destinations in them */
/* What stays Linux's in the real Control while the hypervisor owns it. */
#define AMDV_CTL_LIVE_KEEP	(AMDV_CTL_INV_TIMEOUT_MASK | AMDV_CTL_HT_TUN_EN | \
				 (0xfull << 8) /* PassPW, ResPassPW, Coherent, Isoc */ | \
				 AMDV_CTL_GA_EN | AMDV_CTL_XT_EN)
#define AMDV_RING_PTR_MASK	0x7fff0ull	/* head and tail: bits 18:4 */
#define AMDV_STATUS_W1C		0x7ull		/* overflow, event and completion interrupts */
#define AMDV_DEVTAB_PAGES	512u		/* 65536 DeviceIDs of 32 bytes: 2 MiB */
#define AMDV_RING_LEN_8		(8ull << 56)	/* 2^8 entries of 16 bytes: 4 KiB */
#define AMDV_ID_POOL		32u		/* pages for the identity table at most */

struct amdv_env {
	volatile u64 *mmio;		/* the register window (8-byte access only) */
	/* n contiguous zeroed pages, 4 KiB aligned; *pa their physical address. */
	void *(*alloc)(void *ctx, unsigned int n, u64 *pa);
	void (*relax)(void *ctx);	/* while polling the completion word */
	u64 (*now_us)(void *ctx);
	void *ctx;
	/* Device table pages: 0 is AMDV_DEVTAB_PAGES (every DeviceID). */
	unsigned int devtab_pages;
	/*
	 * Linux's registers (amdv_own.saved[] order) and Status when the SL
	 * already took the IOMMU: the live ones are then the SL's.  NULL: read
	 * the live ones.
	 */
	const u64 *linux_saved;
	u64 linux_status;
	/* Physical memory below 1 MiB, readable (NULL: not available). */
	const volatile u64 *(*low_mem)(void *ctx, u64 pa);
};

/* Linux's registers as the hypervisor found them, put back at the end. */
#define AMDV_NSAVED	10
struct amdv_own {
	const struct amdv_env *env;
	u64 saved[AMDV_NSAVED];	/* values of amdv_saved_regs[] */
	u64 saved_status;
	u64 *devtab, devtab_pa;
	unsigned int devtab_pages;
	u64 *cmd, cmd_pa;
	u64 *evt, evt_pa;
	volatile u64 *sem;
	u64 sem_pa, sem_seq;
	u32 cmd_tail;		/* byte offset of the next command */
	u64 events;		/* entries consumed from the event log */
	u64 id_root;
	unsigned int id_levels;
	bool owned;
	bool live;		/* Linux used the IOMMU: it stays enabled throughout */
	bool programmed;	/* its registers were written (a failure put Linux's back) */
};

/* The IOMMU's Control register: is Linux using it (IommuEn)? */
bool amdv_linux_enabled(const struct amdv_env *env);
/*
 * Take it: device table (every DeviceID: the identity-minus-protected
 * table, interrupts as amdv_dte_build() gives for "IOMMU off"), command
 * ring, event log, exclusion range off, IommuEn, INVALIDATE_IOMMU_ALL and
 * a completion wait.  0, or -1 with the IOMMU left as it was (disabled).
 */
int amdv_own_take(struct amdv_own *o, const struct amdv_env *env,
		  const struct amdv_range *ram, unsigned int nram,
		  const struct amdv_range *prot, unsigned int nprot);
/*
 * Linux uses the IOMMU (the virtual IOMMU, docs/dma.md): wait until the
 * hardware ran Linux's queued commands, save Linux's registers, let @fill
 * write the hypervisor's 65536 device table entries (it gets the
 * identity-minus-protected table; -1 gives up with nothing written), then
 * point the enabled IOMMU at that table and the hypervisor's rings, and
 * invalidate everything.  0, or -1 with Linux's registers back.
 * The release puts back o->saved[], which the virtual IOMMU keeps as
 * Linux's view of those registers.
 */
typedef int (*amdv_fill_fn)(void *ctx, u64 *devtab, u64 id_root, unsigned int id_levels);
int amdv_own_takeover(struct amdv_own *o, const struct amdv_env *env,
		      const struct amdv_range *ram, unsigned int nram,
		      const struct amdv_range *prot, unsigned int nprot,
		      amdv_fill_fn fill, void *ctx);
/*
 * The SL's take, before it measures the runtime (docs/dma.md, "Launch
 * order"), in either of Linux's modes: every DeviceID's DMA through the
 * identity-minus-protected table; Linux's interrupt remapping kept where
 * @linux_table gives Linux's device table (its address and length; NULL
 * if unreadable) and @irt_ok accepts the remapping table an entry names.
 * env->devtab_pages sizes the table.  0, or -1 with Linux's registers back.
 */
int amdv_sl_take(struct amdv_own *o, const struct amdv_env *env,
		 const struct amdv_range *ram, unsigned int nram,
		 const struct amdv_range *prot, unsigned int nprot,
		 const volatile u64 *(*linux_table)(void *ctx, u64 pa, u64 len),
		 amdv_irt_ok_fn irt_ok, void *ctx);
/* One command on the hypervisor's ring, run to completion.  0 or -1. */
int amdv_own_cmd(struct amdv_own *o, u64 c0, u64 c1);
/* Indices of the registers in amdv_own.saved[] (amdv_saved_regs order). */
enum { AMDV_SAVED_CONTROL, AMDV_SAVED_DEVTAB, AMDV_SAVED_CMDBUF, AMDV_SAVED_EVTLOG,
       AMDV_SAVED_EXCL_BASE, AMDV_SAVED_EXCL_LIMIT, AMDV_SAVED_CMD_HEAD,
       AMDV_SAVED_CMD_TAIL, AMDV_SAVED_EVT_HEAD, AMDV_SAVED_EVT_TAIL };
/*
 * Give it back: invalidate everything, wait, then Control as Linux left it
 * (IommuEn 0) and every other register; the status bits the hypervisor
 * caused are cleared.  Returns the events the IOMMU logged (I/O page
 * faults...) while the hypervisor owned it.  Nothing when not owned.
 */
u64 amdv_own_release(struct amdv_own *o);
/*
 * The release as a program, for the exit stub to run once the hypervisor's
 * memory is scrubbed (docs/dma.md, "Unload"): triples (op, address, value),
 * physical addresses the stub reaches 1:1; the ring's commands are written
 * now, the tail write that starts them is in the program.  Returns the
 * events logged; p->overflow if @max ops were not enough.
 */
enum { AMDV_OP_END, AMDV_OP_W64, AMDV_OP_W32, AMDV_OP_POLL };
struct amdv_prog {
	u64 *op;		/* 3 words per op, then AMDV_OP_END */
	unsigned int n, max;
	u64 mmio_pa;		/* the IOMMU's registers */
	bool overflow;
};
u64 amdv_own_release_prog(struct amdv_own *o, struct amdv_prog *p);
/* Events the IOMMU logged since the take; consumes the log (moves its head). */
u64 amdv_own_events(struct amdv_own *o);

#endif /* XMHF_ARCH_AMD_IOMMU_H */
