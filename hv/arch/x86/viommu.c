// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual AMD IOMMU (arch/viommu.h, docs/dma.md "The split").  Linux
 * set up its IOMMU at boot and keeps driving it after the hoist: its
 * device table, I/O page tables, interrupt remapping tables and command
 * ring stay in Linux's memory, and are only ever read here.  The hardware
 * works from the hypervisor's device table, shadows of Linux's page
 * tables holding only leaves outside the hypervisor's memory
 * (amd_iommu_shadow.c), and filtered copies of the remapping tables.
 * Linux's register accesses arrive as nested page faults (svm.c); a move
 * of its command tail runs its commands here, synchronously.
 */
#include <arch/amd_iommu.h>
#include <arch/viommu.h>
#include <arch/x86.h>
#include <core/guest_ram.h>
#include <core/log.h>
#include <core/mm.h>
#include <core/spinlock.h>
#include <xmhf/layout.h>

#define PAGE		0x1000ull
#define NDEV		65536u
#define NSHADOW		64u		/* Linux's translated domains at once */
#define NIRT		32u		/* devices with remapping tables, preallocated */
#define IRT_PAGES	2u		/* 512 128-bit entries: Linux's size */
#define IRT_MAX_BYTES	(IRT_PAGES * PAGE)
#define REGS_LO		0x200u		/* 0x000-0x1ff: bases, control, features... */
#define REGS_HI		0x2000u		/* 0x2000-0x205f: ring pointers, status */
#define REGS_HI_END	0x2060u
#define STATUS_W1C	0x67ull		/* overflows and interrupt bits */
#define STATUS_COMWAIT	(1ull << 2)
#define STATUS_EVT_RUN	(1ull << 3)
#define STATUS_CMD_RUN	(1ull << 4)
#define DTE_BYTES	32u

struct shadow_slot {
	struct amdv_shadow s;
	u32 refs;		/* real DTEs that point at it */
};

struct irt_slot {
	u16 devid;
	bool used;
	u32 *va;
	u64 pa;
	u64 from;		/* Linux's table and length it was copied from */
};

static struct {
	const struct xmhf_sl_params *p;
	struct amdv_own *own;
	struct amdv_mem mem;
	u64 lo[REGS_LO / 8];	/* Linux's view of what is not in own->saved[] */
	u64 hi[(REGS_HI_END - REGS_HI) / 8];
	u64 status;
	u64 efr;
	bool ga;		/* 128-bit remapping entries (the real GAEn) */
	bool active;
	struct shadow_slot *sh;	/* NSHADOW of them, heap */
	struct irt_slot *irt;	/* NIRT of them, heap */
	u8 *dev_sh;		/* per DeviceID: shadow slot + 1, or 0 */
	u8 *dev_irt;		/* per DeviceID: remapping slot + 1, or 0 */
	u64 empty_pa;		/* a table that maps nothing: fail closed */
	u64 *pool;		/* free shadow pages (physical addresses) */
	u64 *quar;		/* freed, not yet invalidated */
	unsigned int npool, nquar;
	s64 budget;		/* 4 KiB pages allow() may still check in this exit */
	u64 refused_dte, refused_irte, refused_cmd, refused_store;
	u64 cmds;		/* Linux's commands run */
	u64 refused_gone;	/* refusals of shadows since freed */
	u64 id_root;
	unsigned int id_levels;
} vi;

static spinlock_t vi_lock;

/* Count a refusal; the first few are logged with what was refused. */
static void refuse(u64 *counter, const char *what, u64 a, u64 b)
{
	static unsigned int logged;

	(*counter)++;
	if (logged < 32) {
		logged++;
		hv_log("xmhf: DMA: virtual IOMMU refused %s (0x%lx, 0x%lx)\n", what, a, b);
	}
}

/* ------------------------------------------------------------ memory */

/*
 * A freed shadow page may still sit in the IOMMU's caches (a directory
 * entry of the domain it served), so it waits in quarantine until an
 * INVALIDATE_IOMMU_ALL has completed after it was freed; only then may it
 * hold another table.
 */
static void quarantine_flush(void)
{
	if (!vi.nquar || amdv_own_cmd(vi.own, (u64)AMDV_CMD_INV_IOMMU_ALL << 60, 0))
		return;		/* no completion: the pages stay out of use */
	while (vi.nquar && vi.npool < XMHF_VIOMMU_POOL_PAGES)
		vi.pool[vi.npool++] = vi.quar[--vi.nquar];
}

static u64 *pool_alloc(void *ctx, u64 *pa)
{
	u64 *va;

	(void)ctx;
	if (!vi.npool)
		quarantine_flush();
	if (!vi.npool)
		return NULL;
	*pa = vi.pool[--vi.npool];
	va = hv_va(*pa);
	for (unsigned int i = 0; i < 512; i++)
		va[i] = 0;
	return va;
}

static void pool_free(void *ctx, u64 *va, u64 pa)
{
	(void)ctx;
	(void)va;
	if (vi.nquar < XMHF_VIOMMU_POOL_PAGES)
		vi.quar[vi.nquar++] = pa;
}

static u64 *pool_va(void *ctx, u64 pa)
{
	(void)ctx;
	return hv_va(pa);
}

/* A table page of Linux's: guest RAM the hypervisor does not protect. */
static const u64 *read_linux(void *ctx, u64 pa)
{
	(void)ctx;
	return guest_ram_map(vi.p, pa & ~(PAGE - 1), PAGE);
}

/*
 * What a device may reach: the same rule as every guest buffer.  Each
 * 4 KiB page checked costs, so one exit checks at most VIOMMU_BUDGET
 * pages (16 GiB of mappings); past that Linux's leaves are refused, not
 * checked: a guest cannot hold a CPU in the hypervisor for long.
 */
#define VIOMMU_BUDGET	(1ll << 22)
static bool allow(void *ctx, u64 pa, u64 size)
{
	(void)ctx;
	vi.budget -= (s64)(size / PAGE);
	return vi.budget >= 0 && guest_ram_map(vi.p, pa, size) != NULL;
}

/* ------------------------------------------------------------ shadows */

static struct shadow_slot *shadow_find(u16 domid, u64 root, unsigned int levels)
{
	for (unsigned int i = 0; i < NSHADOW; i++) {
		struct amdv_shadow *s = &vi.sh[i].s;

		if (s->root_pa && s->domid == domid && s->linux_root == root &&
		    s->levels == levels)
			return &vi.sh[i];
	}
	return NULL;
}

/* The shadow of Linux's (@domid, @root, @levels), made and filled if new. */
static struct shadow_slot *shadow_get(u16 domid, u64 root, unsigned int levels)
{
	struct shadow_slot *sl = shadow_find(domid, root, levels);
	unsigned int i;

	if (sl)
		return sl;
	for (i = 0; i < NSHADOW && vi.sh[i].s.root_pa; i++)
		;
	if (i == NSHADOW)
		return NULL;
	sl = &vi.sh[i];
	if (amdv_shadow_init(&sl->s, &vi.mem, domid, root, levels))
		return NULL;
	sl->refs = 0;
	/* A table it cannot read whole keeps what it could check, no more. */
	amdv_shadow_sync(&sl->s, &vi.mem, 0, ~0ull, read_linux, NULL, allow, NULL);
	return sl;
}

static void shadow_put(unsigned int slot)
{
	struct shadow_slot *sl = &vi.sh[slot];

	if (sl->refs && --sl->refs == 0) {
		vi.refused_gone += sl->s.refused;	/* the count outlives the shadow */
		amdv_shadow_free(&sl->s, &vi.mem);
		sl->s.refused = 0;
	}
}

/* ------------------------------------------------ remapping table copies */

static struct irt_slot *irt_get(u16 devid)
{
	unsigned int i = vi.dev_irt[devid];
	u64 pa;

	if (i)
		return &vi.irt[i - 1];
	for (i = 0; i < NIRT && vi.irt[i].used; i++)
		;
	if (i == NIRT)
		return NULL;
	pa = hv_pa(vi.irt[i].va);
	vi.irt[i] = (struct irt_slot){ devid, true, vi.irt[i].va, pa, 0 };
	vi.dev_irt[devid] = (u8)(i + 1);
	return &vi.irt[i];
}

/*
 * Linux's remapping table for @devid (from its DTE's third quadword) into
 * the hypervisor's copy, filtered: its physical address, or 0 (the real
 * DTE then aborts the device's interrupts).
 */
static u64 irt_copy(u16 devid, u64 q2)
{
	unsigned int len = (q2 & AMDV_DTE2_INTTABLEN_MASK) >> AMDV_DTE2_INTTABLEN_SHIFT;
	u64 bytes = (1ull << len) * (vi.ga ? 16 : 4);
	const void *src;
	struct irt_slot *t;
	unsigned int n;

	if (len > 11 || bytes > IRT_MAX_BYTES) {
		refuse(&vi.refused_irte, "a remapping table of that length (device, IntTabLen)", devid, len);
		return 0;
	}
	src = guest_ram_map(vi.p, q2 & AMDV_DTE2_IRT_MASK, bytes);
	t = src ? irt_get(devid) : NULL;
	if (!t) {
		refuse(&vi.refused_irte, "a remapping table not in RAM, or no room (device, table)",
		       devid, q2 & AMDV_DTE2_IRT_MASK);
		return 0;
	}
	t->from = q2 & (AMDV_DTE2_IRT_MASK | AMDV_DTE2_INTTABLEN_MASK);
	n = amdv_irt_copy(t->va, src, 1u << len, vi.ga);
	if (n) {
		vi.refused_irte += n - 1;
		refuse(&vi.refused_irte, "remapping entries (device, how many)", devid, n);
	}
	return t->pa;
}

/* ------------------------------------------------------------ device table */

static bool linux_on(void)
{
	return vi.own->saved[AMDV_SAVED_CONTROL] & AMDV_CTL_IOMMU_EN;
}

/* Linux's entry for @devid, read once; all zero when there is none. */
static void linux_dte(u32 devid, u64 l[4])
{
	u64 bar = vi.own->saved[AMDV_SAVED_DEVTAB];
	u64 n = ((bar & 0x1ff) + 1) * (PAGE / DTE_BYTES);
	const volatile u64 *e;

	l[0] = l[1] = l[2] = l[3] = 0;
	if (!linux_on() || devid >= n)
		return;
	e = guest_ram_map(vi.p, (bar & AMDV_DTE_ROOT_MASK) + devid * DTE_BYTES, DTE_BYTES);
	if (!e) {
		refuse(&vi.refused_dte, "a device table entry outside RAM (device, table)", devid, bar);
		return;
	}
	for (unsigned int i = 0; i < 4; i++)
		l[i] = e[i];
}

/*
 * The real entry for @devid from Linux's, as Linux's hardware would read
 * it now.  Returns the shadow slot it used before + 1 (0: none), which the
 * caller drops once the real entry's invalidation completed.
 */
static unsigned int dte_update(u32 devid, bool irt)
{
	unsigned int mode, old = vi.dev_sh[devid], why;
	struct shadow_slot *sl = NULL;
	u64 l[4], out[4], sroot = 0, irt_pa = 0;
	volatile u64 *real = vi.own->devtab + 4 * devid;

	linux_dte(devid, l);
	mode = (l[0] & AMDV_DTE_MODE_MASK) >> AMDV_DTE_MODE_SHIFT;
	if ((l[0] & AMDV_DTE_V) && (l[0] & AMDV_DTE_TV) && mode >= 1 && mode <= 6) {
		sl = shadow_get((u16)(l[1] & AMDV_DTE1_DOMID_MASK), l[0] & AMDV_DTE_ROOT_MASK, mode);
		/* No shadow to be had: a table of nothing, not passthrough. */
		sroot = sl ? sl->s.root_pa : vi.empty_pa;
		if (!sl)
			refuse(&vi.refused_dte, "a shadow: none left (device, Linux's root)", devid,
			       l[0] & AMDV_DTE_ROOT_MASK);
	}
	if ((l[0] & AMDV_DTE_V) && (l[2] & AMDV_DTE2_IV) &&
	    ((l[2] & AMDV_DTE2_INTCTL_MASK) >> AMDV_DTE2_INTCTL_SHIFT) == AMDV_INTCTL_REMAP) {
		/*
		 * Remapping on: a copy, made again on an interrupt-table
		 * invalidation or when the entry names another table.
		 */
		struct irt_slot *t = vi.dev_irt[devid] ? &vi.irt[vi.dev_irt[devid] - 1] : NULL;

		if (irt || !t || t->from != (l[2] & (AMDV_DTE2_IRT_MASK | AMDV_DTE2_INTTABLEN_MASK)))
			irt_pa = irt_copy((u16)devid, l[2]);
		else
			irt_pa = t->pa;
	}
	why = amdv_dte_build(l, sroot, mode, vi.id_root, vi.id_levels, irt_pa, out);
	if (why & ~AMDV_REFUSED_PASSTHRU)
		refuse(&vi.refused_dte, "device table entry bits (device, AMDV_REFUSED_*)", devid, why);
	/*
	 * A device Linux does not remap (its IV=0, or Linux's IOMMU
	 * virtually off) gets IV=1 with IntCtl 01 from amdv_dte_build():
	 * fixed and arbitrated forwarded, INIT and ExtINT refused.  IV=0
	 * here would let a DMA write of an INIT message through to any CPU
	 * (61-dma-iommu.t, "init iv0").  QEMU 7.2 delivers forwarded
	 * interrupts with vector 0 (docs/dma.md, "Interrupts"): a Linux
	 * booted with its IOMMU on but interrupt remapping off loses its
	 * device interrupts there, not on hardware.
	 */
	/* One store per quadword; each holds fields validated together. */
	real[3] = out[3];
	real[2] = out[2];
	real[1] = out[1];
	real[0] = out[0];
	if (sl)
		sl->refs++;
	vi.dev_sh[devid] = sl ? (u8)(sl - vi.sh + 1) : 0;
	return old;
}

/* Every entry again (Linux's IommuEn changed, INVALIDATE_IOMMU_ALL). */
static void dte_update_all(void)
{
	u64 c0 = (u64)AMDV_CMD_INV_IOMMU_ALL << 60;
	static u32 old[NSHADOW];
	unsigned int d, i, o;

	for (i = 0; i < NSHADOW; i++)
		old[i] = 0;
	/* Every shadow refilled, in case a leaf changed without a flush. */
	for (i = 0; i < NSHADOW; i++)
		if (vi.sh[i].s.root_pa)
			amdv_shadow_sync(&vi.sh[i].s, &vi.mem, 0, ~0ull, read_linux, NULL,
					 allow, NULL);
	for (d = 0; d < NDEV; d++) {
		o = dte_update(d, true);
		if (o)
			old[o - 1]++;
	}
	amdv_own_cmd(vi.own, c0, 0);
	for (i = 0; i < NSHADOW; i++)
		while (old[i]--)
			shadow_put(i);
}

static int fill(void *ctx, u64 *devtab, u64 id_root, unsigned int id_levels)
{
	(void)ctx;
	(void)devtab;
	vi.budget = VIOMMU_BUDGET;
	vi.id_root = id_root;
	vi.id_levels = id_levels;
	for (u32 d = 0; d < NDEV; d++)
		dte_update(d, true);
	return 0;
}

/* ------------------------------------------------------------ commands */

/* The real INVALIDATE_IOMMU_PAGES for what Linux's named (PDE always). */
static u64 inv_pages_cmd(const struct amdv_cmd *c, u64 *c1)
{
	u64 size = c->end - c->start;

	if (c->all || size > (1ull << 51))
		*c1 = 0x7ffffffffffff000ull | 3;	/* S=1: everything */
	else if (size <= PAGE)
		*c1 = c->start | 2;
	else	/* S=1: the bits below the size's top bit say how much */
		*c1 = c->start | (((size >> 1) - 1) & ~(PAGE - 1)) | 3;
	return ((u64)AMDV_CMD_INV_IOMMU_PAGES << 60) | ((u64)c->domid << 32);
}

/* Linux's store at the end of a completion wait: guest RAM only. */
static void completion_store(const struct amdv_cmd *c)
{
	volatile u64 *dst = guest_ram_map(vi.p, c->store_pa, 8);

	if (dst)
		*dst = c->data;
	else
		refuse(&vi.refused_store, "a completion store outside RAM (address, data)", c->store_pa,
		       c->data);
}

static void run_one(const u64 cmd[2])
{
	struct amdv_cmd c;
	unsigned int o, i;
	u64 c0, c1;

	if (amdv_cmd_decode(cmd, &c)) {
		refuse(&vi.refused_cmd, "a command (its two quadwords)", cmd[0], cmd[1]);
		return;
	}
	switch (c.op) {
	case AMDV_CMD_COMPLETION_WAIT:
		/* Every earlier real command has completed: each is waited for. */
		if (c.store)
			completion_store(&c);
		if (c.intr)
			vi.status |= STATUS_COMWAIT;
		break;
	case AMDV_CMD_INV_DEVTAB_ENTRY:
		o = dte_update(c.devid, false);
		amdv_own_cmd(vi.own, ((u64)AMDV_CMD_INV_DEVTAB_ENTRY << 60) | c.devid, 0);
		if (o)
			shadow_put(o - 1);
		break;
	case AMDV_CMD_INV_INTERRUPT_TABLE:
		o = dte_update(c.devid, true);
		amdv_own_cmd(vi.own, ((u64)AMDV_CMD_INV_INTERRUPT_TABLE << 60) | c.devid, 0);
		amdv_own_cmd(vi.own, ((u64)AMDV_CMD_INV_DEVTAB_ENTRY << 60) | c.devid, 0);
		if (o)
			shadow_put(o - 1);
		break;
	case AMDV_CMD_INV_IOMMU_PAGES:
		for (i = 0; i < NSHADOW; i++)
			if (vi.sh[i].s.root_pa && vi.sh[i].s.domid == c.domid)
				amdv_shadow_sync(&vi.sh[i].s, &vi.mem, c.start, c.end,
						 read_linux, NULL, allow, NULL);
		c0 = inv_pages_cmd(&c, &c1);
		amdv_own_cmd(vi.own, c0, c1);
		break;
	case AMDV_CMD_INV_IOMMU_ALL:
		dte_update_all();
		break;
	default:
		break;		/* IOTLB (ATS) invalidations: ATS is off everywhere */
	}
}

/* Linux moved its tail: run its commands from the virtual head. */
static void run_commands(void)
{
	u64 *sv = vi.own->saved, bar = sv[AMDV_SAVED_CMDBUF];
	unsigned int lg = (bar >> 56) & 0xf;
	u64 size = 16ull << lg, head, tail, cmd[2];
	const volatile u64 *ring;
	u64 n;

	if (!(sv[AMDV_SAVED_CONTROL] & AMDV_CTL_IOMMU_EN) ||
	    !(sv[AMDV_SAVED_CONTROL] & AMDV_CTL_CMDBUF_EN) || lg < 8 || lg > 15)
		return;
	head = sv[AMDV_SAVED_CMD_HEAD] & AMDV_RING_PTR_MASK;
	tail = sv[AMDV_SAVED_CMD_TAIL] & AMDV_RING_PTR_MASK;
	ring = guest_ram_map(vi.p, bar & AMDV_PTE_ADDR_MASK, size);
	if (!ring || head >= size || tail >= size) {
		refuse(&vi.refused_cmd, "a command ring outside RAM, or pointers past it (base, tail)",
		       bar, tail);
		return;
	}
	/* At most one ring's worth, whatever Linux writes meanwhile. */
	for (n = 0; head != tail && n < size / 16; n++) {
		/* One copy, then decode: Linux cannot change it in between. */
		cmd[0] = ring[head / 8];
		cmd[1] = ring[head / 8 + 1];
		run_one(cmd);
		vi.cmds++;
		head = (head + 16) % size;
	}
	sv[AMDV_SAVED_CMD_HEAD] = head;
}

/* ------------------------------------------------------------ registers */

/* Where Linux's view of the register at @off is kept, or NULL. */
static u64 *vreg(u32 off)
{
	static const u32 saved_off[] = {
		AMDV_CONTROL, AMDV_DEVTAB_BAR, AMDV_CMDBUF_BAR, AMDV_EVTLOG_BAR,
		AMDV_EXCL_BASE, AMDV_EXCL_LIMIT, AMDV_CMDBUF_HEAD, AMDV_CMDBUF_TAIL,
		AMDV_EVTLOG_HEAD, AMDV_EVTLOG_TAIL,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(saved_off); i++)
		if (off == saved_off[i])
			return &vi.own->saved[i];
	if (off == AMDV_STATUS)
		return &vi.status;
	if (off == AMDV_EXT_FEATURES)
		return &vi.efr;
	if (off < REGS_LO)
		return &vi.lo[off / 8];
	if (off >= REGS_HI && off < REGS_HI_END)
		return &vi.hi[(off - REGS_HI) / 8];
	return NULL;
}

static u64 status_read(void)
{
	u64 ctl = vi.own->saved[AMDV_SAVED_CONTROL], st = vi.status & ~(STATUS_EVT_RUN | STATUS_CMD_RUN);

	if ((ctl & AMDV_CTL_IOMMU_EN) && (ctl & AMDV_CTL_EVTLOG_EN))
		st |= STATUS_EVT_RUN;
	if ((ctl & AMDV_CTL_IOMMU_EN) && (ctl & AMDV_CTL_CMDBUF_EN))
		st |= STATUS_CMD_RUN;
	return st;
}

/* A write of the whole 64-bit register @off (already merged). */
static void reg_write(u32 off, u64 *r, u64 val)
{
	u64 old = *r;

	switch (off) {
	case AMDV_EXT_FEATURES:
		return;				/* read-only */
	case AMDV_STATUS:
		vi.status &= ~(val & STATUS_W1C);
		return;
	case AMDV_CMDBUF_HEAD:
	case AMDV_CMDBUF_TAIL:
	case AMDV_EVTLOG_HEAD:
	case AMDV_EVTLOG_TAIL:
		*r = val & AMDV_RING_PTR_MASK;
		break;
	default:
		*r = val;
	}
	if (off == AMDV_CMDBUF_TAIL)
		run_commands();
	/* Linux's IOMMU on or off: its device table counts, or none does. */
	if (off == AMDV_CONTROL && ((old ^ val) & AMDV_CTL_IOMMU_EN))
		dte_update_all();
	if (off == AMDV_CONTROL && (val & ~old & AMDV_CTL_CMDBUF_EN))
		run_commands();
}

bool viommu_owns(u64 gpa)
{
	return vi.active && gpa >= vi.p->iommu_base &&
	       gpa - vi.p->iommu_base < XMHF_IOMMU_MMIO_SIZE;
}

void viommu_access(u64 gpa, unsigned int size, bool write, u64 *val)
{
	u32 off = (u32)(gpa - vi.p->iommu_base), sh = (off & 7) * 8;
	u64 mask = size >= 8 ? ~0ull : ((1ull << (8 * size)) - 1) << sh, *r, cur;

	spin_lock(&vi_lock);
	vi.budget = VIOMMU_BUDGET;
	r = vreg(off & ~7u);
	/* Aligned accesses only, within one register. */
	if (!r || (off & (size - 1)) || (size == 8 && (off & 7))) {
		if (!write)
			*val = 0;
		spin_unlock(&vi_lock);
		return;
	}
	cur = (off & ~7u) == AMDV_STATUS ? status_read() : *r;
	if (write)
		reg_write(off & ~7u, r, (cur & ~mask) | ((*val << sh) & mask));
	else
		*val = (cur & mask) >> sh;
	spin_unlock(&vi_lock);
}

u64 viommu_refused(void)
{
	u64 n = vi.refused_dte + vi.refused_irte + vi.refused_cmd + vi.refused_store +
		vi.refused_gone;

	for (unsigned int i = 0; vi.sh && i < NSHADOW; i++)
		n += vi.sh[i].s.refused;
	return n;
}

/* ------------------------------------------------------------ launch */

/*
 * What the hardware reads (shadow pages, remapping copies, the empty
 * table) comes from @env, which keeps it in the region the unload scrubs
 * last (docs/dma.md, "Unload"); the rest from the heap.
 */
static int alloc_state(const struct amdv_env *env)
{
	unsigned int i;
	u64 pa;

	_Static_assert(NSHADOW * sizeof(struct shadow_slot) <= PAGE, "one page");
	_Static_assert(NIRT * sizeof(struct irt_slot) <= PAGE, "one page");
	vi.sh = hv_alloc_pages(1);
	vi.irt = hv_alloc_pages(1);
	vi.dev_sh = hv_alloc_pages(NDEV / PAGE);
	vi.dev_irt = hv_alloc_pages(NDEV / PAGE);
	vi.pool = hv_alloc_pages(XMHF_VIOMMU_POOL_PAGES * 8 / PAGE + 1);
	vi.quar = hv_alloc_pages(XMHF_VIOMMU_POOL_PAGES * 8 / PAGE + 1);
	if (!vi.sh || !vi.irt || !vi.dev_sh || !vi.dev_irt || !vi.pool || !vi.quar ||
	    !env->alloc(env->ctx, 1, &vi.empty_pa))
		return -1;
	for (i = 0; i < NIRT; i++)
		if (!(vi.irt[i].va = env->alloc(env->ctx, IRT_PAGES, &pa)))
			return -1;
	for (i = 0; i < XMHF_VIOMMU_POOL_PAGES; i++) {
		if (!env->alloc(env->ctx, 1, &pa))
			return -1;
		vi.pool[vi.npool++] = pa;
	}
	vi.mem = (struct amdv_mem){ pool_alloc, pool_free, pool_va, NULL };
	return 0;
}

int viommu_launch(const struct xmhf_sl_params *p, struct amdv_own *own,
		  const struct amdv_env *env,
		  const struct amdv_range *ram, unsigned int nram,
		  const struct amdv_range *prot, unsigned int nprot)
{
	struct amdv_caps caps;
	u32 off;

	vi.p = p;
	vi.own = own;
	if (amdv_parse(AMDV_CAP_ID | AMDV_CAP_TYPE | AMDV_CAP_EFR_SUP,
		       env->mmio[AMDV_EXT_FEATURES / 8], &caps) || alloc_state(env))
		return -1;
	/* Linux's view starts as the hardware's: everything it set at boot. */
	for (off = 0; off < REGS_LO; off += 8)
		vi.lo[off / 8] = env->mmio[off / 8];
	for (off = REGS_HI; off < REGS_HI_END; off += 8)
		vi.hi[(off - REGS_HI) / 8] = env->mmio[off / 8];
	/* Status and Control as Linux left them (the SL's are live if it took it). */
	vi.status = env->linux_saved ? env->linux_status : env->mmio[AMDV_STATUS / 8];
	vi.efr = amdv_virtual_efr(&caps);
	vi.ga = (env->linux_saved ? env->linux_saved[AMDV_SAVED_CONTROL] :
		 env->mmio[AMDV_CONTROL / 8]) & AMDV_CTL_GA_EN;
	if (amdv_own_takeover(own, env, ram, nram, prot, nprot, fill, NULL))
		return -1;
	vi.active = true;
	return 0;
}

/* [pa, pa + len) touches the hypervisor's memory. */
static bool ours(u64 pa, u64 len)
{
	return hv_owns(pa & AMDV_PTE_ADDR_MASK, len);
}

/*
 * What Linux wrote while hoisted goes back to the hardware at the release:
 * nothing of it may make the hardware write the hypervisor's memory before
 * its scrub.  Commands the virtual IOMMU refused stay unrun (head = tail);
 * a ring, log, device table or exclusion range placed over the
 * hypervisor's memory goes back disabled, with base 0.
 */
static void release_sanitise(void)
{
	u64 *sv = vi.own->saved;
	u64 lg;

	sv[AMDV_SAVED_CMD_HEAD] = sv[AMDV_SAVED_CMD_TAIL];
	lg = (sv[AMDV_SAVED_CMDBUF] >> 56) & 0xf;
	if (ours(sv[AMDV_SAVED_CMDBUF], 16ull << lg)) {
		sv[AMDV_SAVED_CMDBUF] = 0;
		sv[AMDV_SAVED_CONTROL] &= ~AMDV_CTL_CMDBUF_EN;
	}
	lg = (sv[AMDV_SAVED_EVTLOG] >> 56) & 0xf;
	if (ours(sv[AMDV_SAVED_EVTLOG], 16ull << lg)) {
		sv[AMDV_SAVED_EVTLOG] = 0;
		sv[AMDV_SAVED_CONTROL] &= ~(AMDV_CTL_EVTLOG_EN | AMDV_CTL_EVTINT_EN);
	}
	if (ours(sv[AMDV_SAVED_DEVTAB], ((sv[AMDV_SAVED_DEVTAB] & 0x1ff) + 1) * PAGE)) {
		sv[AMDV_SAVED_DEVTAB] = 0;
		sv[AMDV_SAVED_CONTROL] &= ~AMDV_CTL_IOMMU_EN;
	}
	/* The exclusion range (a DMA bypass) goes back off, whatever it says. */
	if (sv[AMDV_SAVED_EXCL_BASE] & 3) {
		u64 lo = sv[AMDV_SAVED_EXCL_BASE] & AMDV_PTE_ADDR_MASK;
		u64 hi = sv[AMDV_SAVED_EXCL_LIMIT] | (PAGE - 1);

		if (hi < lo || ours(lo, hi - lo + 1))
			sv[AMDV_SAVED_EXCL_BASE] &= ~3ull;
	}
}

void viommu_release(void)
{
	unsigned int i, n = 0;
	u64 leaves = 0;

	if (!vi.active)
		return;
	vi.active = false;
	release_sanitise();
	for (i = 0; i < NSHADOW; i++)
		if (vi.sh[i].s.root_pa) {
			n++;
			leaves += vi.sh[i].s.mapped;
		}
	hv_log("xmhf: DMA: the virtual IOMMU ran %lu of Linux's commands; %u shadow table(s) with %lu leaves, %lu refused\n",
	       vi.cmds, n, leaves, viommu_refused());
}
