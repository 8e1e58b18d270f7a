// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor takes the AMD IOMMU when Linux left it off (booted with
 * amd_iommu=off) and gives it back at the end (docs/dma.md).  Only the
 * register and command-ring sequences: the tables come from amd_iommu.c,
 * memory and time from the caller's amdv_env, so the unit test can play
 * the IOMMU.  Freestanding, no locking: the caller runs it on one CPU.
 */
#include <arch/amd_iommu.h>

#define PAGE		0x1000ull
#define CMD_LEN		16u
#define RING_BYTES	4096u
#define WAIT_US		1000000ull	/* a completion wait: 1 s at most */

/* Registers saved at the take and written back at the release, in order. */
static const u32 saved_regs[AMDV_NSAVED] = {
	AMDV_CONTROL,		/* first: written first at the release */
	AMDV_DEVTAB_BAR, AMDV_CMDBUF_BAR, AMDV_EVTLOG_BAR,
	AMDV_EXCL_BASE, AMDV_EXCL_LIMIT,
	AMDV_CMDBUF_HEAD, AMDV_CMDBUF_TAIL, AMDV_EVTLOG_HEAD, AMDV_EVTLOG_TAIL,
};

static u64 rd(const struct amdv_env *e, u32 off)
{
	return e->mmio[off / 8];
}

/* While the release is recorded for the exit stub: its program, else NULL. */
static struct amdv_prog *rec;

static void emit(u64 op, u64 addr, u64 val)
{
	if (rec->n + 1 >= rec->max) {
		rec->overflow = true;
		return;
	}
	rec->op[3 * rec->n] = op;
	rec->op[3 * rec->n + 1] = addr;
	rec->op[3 * rec->n + 2] = val;
	rec->n++;
}

static void wr(const struct amdv_env *e, u32 off, u64 val)
{
	if (rec) {
		emit(AMDV_OP_W64, rec->mmio_pa + off, val);
		return;
	}
#ifdef __x86_64__
	e->mmio[off / 8] = val;
#else
	/* The SL: low half first, QEMU takes a base when its high half is written. */
	volatile u32 *r = (volatile u32 *)&e->mmio[off / 8];

	r[0] = (u32)val;
	r[1] = (u32)(val >> 32);
#endif
}

bool amdv_linux_enabled(const struct amdv_env *env)
{
	u64 ctl = env->linux_saved ? env->linux_saved[0] : rd(env, AMDV_CONTROL);

	return ctl & AMDV_CTL_IOMMU_EN;
}

static void cmd_put(struct amdv_own *o, u64 c0, u64 c1)
{
	u64 *slot = o->cmd + o->cmd_tail / 8;

	slot[0] = c0;
	slot[1] = c1;
	o->cmd_tail = (o->cmd_tail + CMD_LEN) % RING_BYTES;
}

/*
 * Queue @c0/@c1 and a COMPLETION_WAIT that stores a new sequence number,
 * move the tail, poll.  The ring is empty before (every batch waits), so
 * it never fills.  0, or -1 on a timeout.
 */
static int cmd_run(struct amdv_own *o, u64 c0, u64 c1)
{
	const struct amdv_env *e = o->env;
	u64 seq = ++o->sem_seq, t0 = e->now_us(e->ctx);

	cmd_put(o, c0, c1);
	cmd_put(o, ((u64)AMDV_CMD_COMPLETION_WAIT << 60) | (o->sem_pa & 0x000ffffffffffff8ull) | 1,
		seq);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the ring before the tail */
	wr(e, AMDV_CMDBUF_TAIL, o->cmd_tail);
	if (rec) {
		emit(AMDV_OP_POLL, o->sem_pa, seq);	/* the stub waits, bounded */
		return 0;
	}
	/* A plain volatile load: the SL is 32-bit (seq stays below 2^32). */
	while (*o->sem != seq) {
		if (e->now_us(e->ctx) - t0 > WAIT_US)
			return -1;
		e->relax(e->ctx);
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return 0;
}

static int invalidate_all(struct amdv_own *o)
{
	return cmd_run(o, (u64)AMDV_CMD_INV_IOMMU_ALL << 60, 0);
}

int amdv_own_cmd(struct amdv_own *o, u64 c0, u64 c1)
{
	return o->owned ? cmd_run(o, c0, c1) : -1;
}

/*
 * Linux's tables back on an IOMMU that stays enabled (Linux used it):
 * its device table first, then an invalidation on our ring, so nothing
 * cached from our tables survives, then its rings, exclusion range and,
 * last, its Control.
 */
static void restore_live(struct amdv_own *o)
{
	const struct amdv_env *e = o->env;
	unsigned int i;

	wr(e, AMDV_DEVTAB_BAR, o->saved[1]);
	invalidate_all(o);
	wr(e, AMDV_CONTROL, rd(e, AMDV_CONTROL) & ~(AMDV_CTL_CMDBUF_EN | AMDV_CTL_EVTLOG_EN));
	for (i = 2; i < AMDV_NSAVED; i++)
		wr(e, saved_regs[i], o->saved[i]);
	wr(e, AMDV_CONTROL, o->saved[0]);
}

/*
 * Where QEMU may be left reading device table entries of zeros after the
 * release (restore_devtab()): a window of the legacy option-ROM area
 * (0xC0000-0xEFFFF), which is never Linux's RAM and which Linux never
 * writes; 32 KiB, the entries of buses 0-3.
 */
#define QEMU_DT_LO	0xc8000ull
#define QEMU_DT_HI	0xe8000ull
#define QEMU_DT_LEN	0x8000ull

/* The highest window there that reads as zeros, or 0. */
static u64 zero_window(const struct amdv_env *e)
{
	const volatile u64 *p;
	u64 pa, i;

	if (!e->low_mem)
		return 0;
	for (pa = QEMU_DT_HI - QEMU_DT_LEN; pa >= QEMU_DT_LO; pa -= QEMU_DT_LEN) {
		p = e->low_mem(e->ctx, pa);
		for (i = 0; p && i < QEMU_DT_LEN / 8 && !p[i]; i++)
			;
		if (p && i == QEMU_DT_LEN / 8)
			return pa;
	}
	return 0;
}

/*
 * DevTabBar back to Linux's value.  When that is 0 (Linux never set a
 * table: amd_iommu=off), first a base QEMU can live with.  QEMU (7.2 to
 * 10.x) remaps interrupts through the device table whenever one was ever
 * set, whatever IommuEn says, and takes a new base only from an 8-byte
 * write or one to the register's upper half; left at 0 it reads the
 * real-mode vector table as device table entries and drops the devices'
 * MSIs (docs/dma.md, "Known bug").  So the base goes first to a window of
 * zeros (entries with IV=0: interrupts pass untranslated, as before the
 * take), then the lower half alone to 0.  The register ends as Linux left
 * it, on QEMU and on hardware; hardware, with IommuEn 0, reads no table.
 */
static void restore_devtab(const struct amdv_env *e, u64 linux_val)
{
	u64 z = linux_val ? 0 : zero_window(e);

	if (!z) {
		wr(e, AMDV_DEVTAB_BAR, linux_val);
		return;
	}
	wr(e, AMDV_DEVTAB_BAR, z);
	if (rec)
		emit(AMDV_OP_W32, rec->mmio_pa + AMDV_DEVTAB_BAR, 0);
	else
		*(volatile u32 *)&e->mmio[AMDV_DEVTAB_BAR / 8] = 0;
}

static void restore(struct amdv_own *o)
{
	const struct amdv_env *e = o->env;
	unsigned int i;

	if (o->live) {
		restore_live(o);
		goto status;
	}
	/* Control first: IommuEn 0 stops every use of our tables. */
	for (i = 0; i < AMDV_NSAVED; i++)
		if (saved_regs[i] == AMDV_DEVTAB_BAR)
			restore_devtab(e, o->saved[i]);
		else
			wr(e, saved_regs[i], o->saved[i]);
status:
	/* The interrupt and overflow bits we caused (write 1 to clear). */
	wr(e, AMDV_STATUS, rd(e, AMDV_STATUS) & ~o->saved_status & AMDV_STATUS_W1C);
}

/* Registers saved, tables and rings allocated, the identity table built. */
static int own_alloc(struct amdv_own *o, const struct amdv_env *env,
		     const struct amdv_range *ram, unsigned int nram,
		     const struct amdv_range *prot, unsigned int nprot)
{
	static u64 *pool_va[AMDV_ID_POOL];
	static u64 pool_pa[AMDV_ID_POOL];
	struct amdv_pages pool = { pool_va, pool_pa, AMDV_ID_POOL, 0 };
	unsigned int i;

	/* The one invalidation used; every AMD IOMMU of the last decade has it. */
	if (!(rd(env, AMDV_EXT_FEATURES) & AMDV_EFR_IA))
		return -1;
	for (i = 0; i < AMDV_NSAVED; i++)
		o->saved[i] = env->linux_saved ? env->linux_saved[i] : rd(env, saved_regs[i]);
	o->saved_status = env->linux_saved ? env->linux_status : rd(env, AMDV_STATUS);

	o->devtab_pages = env->devtab_pages ? env->devtab_pages : AMDV_DEVTAB_PAGES;
	if (o->devtab_pages > AMDV_DEVTAB_PAGES)
		return -1;
	o->devtab = env->alloc(env->ctx, o->devtab_pages, &o->devtab_pa);
	o->cmd = env->alloc(env->ctx, 1, &o->cmd_pa);
	o->evt = env->alloc(env->ctx, 1, &o->evt_pa);
	o->sem = env->alloc(env->ctx, 1, &o->sem_pa);
	if (!o->devtab || !o->cmd || !o->evt || !o->sem)
		return -1;
	for (i = 0; i < AMDV_ID_POOL; i++)
		if (!(pool_va[i] = env->alloc(env->ctx, 1, &pool_pa[i])))
			return -1;
	return amdv_build_identity(&pool, ram, nram, prot, nprot, 6, &o->id_root,
				   &o->id_levels);
}

/* Our bases, no exclusion range, empty rings; then @ctl; then invalidate. */
static int own_program(struct amdv_own *o, u64 ctl)
{
	const struct amdv_env *env = o->env;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the tables before the bases */
	o->programmed = true;
	wr(env, AMDV_DEVTAB_BAR, o->devtab_pa | (o->devtab_pages - 1));
	wr(env, AMDV_CMDBUF_BAR, o->cmd_pa | AMDV_RING_LEN_8);
	wr(env, AMDV_EVTLOG_BAR, o->evt_pa | AMDV_RING_LEN_8);
	wr(env, AMDV_EXCL_BASE, 0);
	wr(env, AMDV_EXCL_LIMIT, 0);
	wr(env, AMDV_CMDBUF_HEAD, 0);
	wr(env, AMDV_CMDBUF_TAIL, 0);
	wr(env, AMDV_EVTLOG_HEAD, 0);
	wr(env, AMDV_EVTLOG_TAIL, 0);
	wr(env, AMDV_CONTROL, ctl);
	o->owned = true;
	/* Nothing cached from before may outlive the new tables. */
	if (invalidate_all(o)) {
		restore(o);
		o->owned = false;
		return -1;
	}
	return 0;
}

int amdv_own_take(struct amdv_own *o, const struct amdv_env *env,
		  const struct amdv_range *ram, unsigned int nram,
		  const struct amdv_range *prot, unsigned int nprot)
{
	const u64 off_dte[4] = { 0, 0, 0, 0 };
	u64 dte[4], ctl;
	unsigned int i;

	*o = (struct amdv_own){ .env = env };
	if (amdv_linux_enabled(env))
		return -1;		/* Linux's: not this mode */
	if (own_alloc(o, env, ram, nram, prot, nprot))
		return -1;
	/* One entry for every DeviceID: what Linux's IOMMU off gives. */
	amdv_dte_build(off_dte, 0, 0, o->id_root, o->id_levels, 0, dte);
	/*
	 * But interrupts untranslated (IV=0), as with the IOMMU off: the
	 * entry's IntCtl=01 (fixed and arbitrated forwarded, INIT and ExtINT
	 * aborted) is what the hardware should get, yet QEMU (7.2 to 10.x)
	 * sends a forwarded interrupt with vector 0 to APIC 0, which loses
	 * every interrupt of every device and of the IOAPIC (docs/dma.md,
	 * "Interrupts").  So INIT, SMI and ExtINT messages from devices still
	 * pass in this mode, as they do natively.
	 */
	dte[2] = 0;
	for (i = 0; i < o->devtab_pages * (PAGE / 32); i++) {
		o->devtab[4 * i + 0] = dte[0];
		o->devtab[4 * i + 1] = dte[1];
		o->devtab[4 * i + 2] = dte[2];
		o->devtab[4 * i + 3] = dte[3];
	}
	/* Disabled still while the bases change. */
	ctl = (o->saved[0] & AMDV_CTL_INV_TIMEOUT_MASK) | AMDV_CTL_IOMMU_EN |
	      AMDV_CTL_EVTLOG_EN | AMDV_CTL_CMDBUF_EN | AMDV_CTL_COHERENT;
	return own_program(o, ctl);
}

int amdv_own_takeover(struct amdv_own *o, const struct amdv_env *env,
		      const struct amdv_range *ram, unsigned int nram,
		      const struct amdv_range *prot, unsigned int nprot,
		      amdv_fill_fn fill, void *ctx)
{
	u64 t0 = env->now_us(env->ctx), ctl;

	*o = (struct amdv_own){ .env = env, .live = true };
	if (!amdv_linux_enabled(env))
		return -1;
	/*
	 * Linux's queued commands run by the hardware first (its CPUs are
	 * stopped); when the SL took the IOMMU it waited for them already.
	 */
	while (!env->linux_saved &&
	       ((rd(env, AMDV_CMDBUF_HEAD) ^ rd(env, AMDV_CMDBUF_TAIL)) & AMDV_RING_PTR_MASK)) {
		if (env->now_us(env->ctx) - t0 > WAIT_US)
			return -1;
		env->relax(env->ctx);
	}
	if (own_alloc(o, env, ram, nram, prot, nprot) ||
	    fill(ctx, o->devtab, o->id_root, o->id_levels))
		return -1;
	/*
	 * The IOMMU stays enabled throughout: off, it would pass DMA
	 * untranslated.  The rings stop while their bases change; Linux's
	 * interrupt enables, PPR, guest translation and guest APIC logging go
	 * (the hypervisor polls; those features are hidden from Linux), and
	 * what decides how remapping entries read (GAEn, XTEn) stays Linux's.
	 */
	wr(env, AMDV_CONTROL, rd(env, AMDV_CONTROL) & ~(AMDV_CTL_CMDBUF_EN | AMDV_CTL_EVTLOG_EN));
	ctl = (o->saved[0] & AMDV_CTL_LIVE_KEEP) | AMDV_CTL_IOMMU_EN | AMDV_CTL_EVTLOG_EN |
	      AMDV_CTL_CMDBUF_EN;
	return own_program(o, ctl);
}

u64 amdv_own_events(struct amdv_own *o)
{
	const struct amdv_env *e = o->env;
	u64 head, tail;

	if (!o->owned)
		return o->events;
	head = rd(e, AMDV_EVTLOG_HEAD) & (RING_BYTES - 1) & ~(u64)(CMD_LEN - 1);
	tail = rd(e, AMDV_EVTLOG_TAIL) & (RING_BYTES - 1) & ~(u64)(CMD_LEN - 1);
	o->events += ((tail + RING_BYTES - head) % RING_BYTES) / CMD_LEN;
	wr(e, AMDV_EVTLOG_HEAD, tail);
	return o->events;
}

u64 amdv_own_release(struct amdv_own *o)
{
	u64 n;

	if (!o->owned)
		return 0;
	n = amdv_own_events(o);
	/* Best effort: the registers go back even if the wait times out. */
	invalidate_all(o);
	restore(o);
	o->owned = false;
	return n;
}

struct sl_fill {
	struct amdv_own *o;
	const volatile u64 *(*linux_table)(void *ctx, u64 pa, u64 len);
	amdv_irt_ok_fn irt_ok;
	void *ctx;
};

/* Linux on: its interrupts stay remapped through its own tables meanwhile. */
static int sl_fill(void *ctx, u64 *devtab, u64 id_root, unsigned int id_levels)
{
	const struct sl_fill *f = ctx;
	u64 bar = f->o->saved[AMDV_SAVED_DEVTAB];
	u32 nlinux = ((u32)(bar & 0x1ff) + 1) * (PAGE / 32);

	amdv_fill_blocking(devtab, f->o->devtab_pages * (PAGE / 32),
			   f->linux_table(f->ctx, bar & AMDV_DTE_ROOT_MASK, nlinux * 32ull),
			   nlinux, id_root, id_levels,
			   f->o->saved[AMDV_SAVED_CONTROL] & AMDV_CTL_GA_EN, f->irt_ok, f->ctx);
	return 0;
}

int amdv_sl_take(struct amdv_own *o, const struct amdv_env *env,
		 const struct amdv_range *ram, unsigned int nram,
		 const struct amdv_range *prot, unsigned int nprot,
		 const volatile u64 *(*linux_table)(void *ctx, u64 pa, u64 len),
		 amdv_irt_ok_fn irt_ok, void *ctx)
{
	struct sl_fill f = { o, linux_table, irt_ok, ctx };

	if (!amdv_linux_enabled(env))
		return amdv_own_take(o, env, ram, nram, prot, nprot);
	return amdv_own_takeover(o, env, ram, nram, prot, nprot, sl_fill, &f);
}

u64 amdv_own_release_prog(struct amdv_own *o, struct amdv_prog *p)
{
	u64 n;

	p->n = 0;
	p->overflow = false;
	if (!o->owned) {
		p->op[0] = AMDV_OP_END;
		return 0;
	}
	n = amdv_own_events(o);
	rec = p;
	invalidate_all(o);
	restore(o);
	rec = NULL;
	p->op[3 * p->n] = AMDV_OP_END;
	o->owned = false;
	return n;
}
