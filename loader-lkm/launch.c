// SPDX-License-Identifier: GPL-2.0
/*
 * The launch (docs/architecture.md, Launch steps 4-5): quiesce the APs,
 * save the boot CPU's complete state, and enter the secure loader the
 * way SKINIT would.  Linux resumes at xmhf_resume, either hoisted or,
 * when the hypervisor gave up before VMRUN, natively.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/tpm.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/debugreg.h>
#include <asm/fpu/xcr.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <xmhf/layout.h>
#include <xmhf/log.h>

#include "xmhf.h"
#include "switch.h"

long xmhf_enter_sl(struct xmhf_cpu_state *st, u64 transition_cr3,
		   u64 tramp_launch_pa, u64 sl_base, u64 sl_entry_pa,
		   struct xmhf_cpu_state *sl_copy);
long xmhf_leave(struct xmhf_cpu_state *st);
extern const u8 xmhf_tramp_start[], xmhf_tramp_end[], xmhf_tramp_return[];
extern u64 xmhf_tramp_cr3[], xmhf_tramp_resume[];
extern const u8 xmhf_resume[];

#define ST_CHECK(field, off) \
	static_assert(offsetof(struct xmhf_cpu_state, field) == (off))
ST_CHECK(rbx, ST_RBX);
ST_CHECK(rsp, ST_RSP);
ST_CHECK(rip, ST_RIP);
ST_CHECK(rflags, ST_RFLAGS);
ST_CHECK(cr0, ST_CR0);
ST_CHECK(cr3, ST_CR3);
ST_CHECK(cr4, ST_CR4);
ST_CHECK(efer, ST_EFER);
ST_CHECK(pat, ST_PAT);
ST_CHECK(dr7, ST_DR7);
ST_CHECK(es, ST_ES);
ST_CHECK(cs, ST_CS);
ST_CHECK(ss, ST_SS);
ST_CHECK(ds, ST_DS);
ST_CHECK(fs, ST_FS);
ST_CHECK(gs, ST_GS);
ST_CHECK(gdtr_base, ST_GDTR_BASE);
ST_CHECK(idtr_base, ST_IDTR_BASE);
ST_CHECK(gdtr_limit, ST_GDTR_LIMIT);
ST_CHECK(idtr_limit, ST_IDTR_LIMIT);
ST_CHECK(kernel_gs_base, ST_KGS_BASE);
ST_CHECK(star, ST_STAR);
ST_CHECK(lstar, ST_LSTAR);
ST_CHECK(cstar, ST_CSTAR);
ST_CHECK(sfmask, ST_SFMASK);
ST_CHECK(sysenter_cs, ST_SYSENTER_CS);
ST_CHECK(sysenter_esp, ST_SYSENTER_ESP);
ST_CHECK(sysenter_eip, ST_SYSENTER_EIP);
static_assert(offsetof(struct xmhf_segment, base) == SEG_BASE);
static_assert(sizeof(struct xmhf_cpu_state) == ST_SIZE);

/*
 * The transition pages: the trampoline, the top-level table and the
 * tables that map the trampoline 1:1.  Below 4 GiB: the trampoline runs
 * in 32-bit mode at its physical address.
 */
#define TR_ORDER	3
#define TR_PAGES	(1 << TR_ORDER)
enum { TR_CODE, TR_TOP, TR_L4, TR_L3, TR_L2, TR_L1 };

static struct xmhf_cpu_state saved;

/* VMCB-style attributes from LAR's access-rights bits. */
static u16 seg_attrib(u16 sel)
{
	u32 ar;
	bool ok;

	if (!(sel & ~3))
		return 0;
	asm volatile("lar %k2, %0; setz %1" : "=r"(ar), "=qm"(ok) : "r"((u32)sel));
	if (!ok)
		return 0;
	return ((ar >> 8) & 0xff) | ((ar >> 12) & 0xf00);
}

static u32 seg_limit(u16 sel)
{
	u32 limit = 0;

	if (sel & ~3)
		asm volatile("lsl %k1, %0" : "+r"(limit) : "r"((u32)sel));
	return limit;
}

static void save_seg(struct xmhf_segment *s, u16 sel)
{
	s->selector = sel;
	s->attrib = seg_attrib(sel);
	s->limit = seg_limit(sel);
	s->base = 0;
}

/* A 64-bit TSS descriptor spans two GDT slots; the base is split. */
static u64 tss_base(const struct desc_ptr *gdt, u16 sel)
{
	const u32 *d = (const u32 *)(gdt->address + (sel & ~7));

	return (d[0] >> 16) | ((u64)(d[1] & 0xff) << 16) |
	       ((u64)(d[1] & 0xff000000)) | ((u64)d[2] << 32);
}

static void save_cpu_state(struct xmhf_cpu_state *st)
{
	struct desc_ptr gdt, idt;
	u16 sel;

	memset(st, 0, sizeof(*st));
	st->cr0 = native_read_cr0();
	st->cr2 = native_read_cr2();
	st->cr3 = __native_read_cr3();
	st->cr4 = native_read_cr4();
	asm volatile("mov %%cr8, %0" : "=r"(st->cr8));
	rdmsrl(MSR_EFER, st->efer);
	rdmsrl(MSR_IA32_CR_PAT, st->pat);
	if (st->cr4 & X86_CR4_OSXSAVE)
		st->xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	get_debugreg(st->dr6, 6);
	get_debugreg(st->dr7, 7);

	native_store_gdt(&gdt);
	store_idt(&idt);
	st->gdtr_base = gdt.address;
	st->gdtr_limit = gdt.size;
	st->idtr_base = idt.address;
	st->idtr_limit = idt.size;

	savesegment(es, sel); save_seg(&st->es, sel);
	savesegment(cs, sel); save_seg(&st->cs, sel);
	savesegment(ss, sel); save_seg(&st->ss, sel);
	savesegment(ds, sel); save_seg(&st->ds, sel);
	savesegment(fs, sel); save_seg(&st->fs, sel);
	savesegment(gs, sel); save_seg(&st->gs, sel);
	rdmsrl(MSR_FS_BASE, st->fs.base);
	rdmsrl(MSR_GS_BASE, st->gs.base);
	asm volatile("str %0" : "=r"(sel)); save_seg(&st->tr, sel);
	st->tr.base = tss_base(&gdt, sel);
	asm volatile("sldt %0" : "=r"(sel)); save_seg(&st->ldtr, sel);

	rdmsrl(MSR_KERNEL_GS_BASE, st->kernel_gs_base);
	rdmsrl(MSR_STAR, st->star);
	rdmsrl(MSR_LSTAR, st->lstar);
	rdmsrl(MSR_CSTAR, st->cstar);
	rdmsrl(MSR_SYSCALL_MASK, st->sfmask);
	rdmsrl(MSR_IA32_SYSENTER_CS, st->sysenter_cs);
	rdmsrl(MSR_IA32_SYSENTER_ESP, st->sysenter_esp);
	rdmsrl(MSR_IA32_SYSENTER_EIP, st->sysenter_eip);
}

static u64 *tr_page(u8 *tr, int idx)
{
	return (u64 *)(tr + idx * PAGE_SIZE);
}

/*
 * Linux's kernel half (upper 256 top-level entries) plus a 1:1 map of the
 * trampoline page, at the paging depth Linux runs with (4 or 5 levels).
 */
static u64 build_transition_tables(u8 *tr, u64 tr_pa)
{
	const u64 *linux_top = __va(__native_read_cr3() & PAGE_MASK);
	u64 *top = tr_page(tr, TR_TOP);
	u64 code_pa = tr_pa + TR_CODE * PAGE_SIZE;
	const u64 flags = _PAGE_PRESENT | _PAGE_RW;
	u64 *l4;

	memcpy(top + 256, linux_top + 256, 256 * sizeof(u64));
	if (native_read_cr4() & X86_CR4_LA57) {
		top[(code_pa >> 48) & 511] = (tr_pa + TR_L4 * PAGE_SIZE) | flags;
		l4 = tr_page(tr, TR_L4);
	} else {
		l4 = top;
	}
	l4[(code_pa >> 39) & 511] = (tr_pa + TR_L3 * PAGE_SIZE) | flags;
	tr_page(tr, TR_L3)[(code_pa >> 30) & 511] = (tr_pa + TR_L2 * PAGE_SIZE) | flags;
	tr_page(tr, TR_L2)[(code_pa >> 21) & 511] = (tr_pa + TR_L1 * PAGE_SIZE) | flags;
	tr_page(tr, TR_L1)[(code_pa >> 12) & 511] = code_pa | flags;
	return tr_pa + TR_TOP * PAGE_SIZE;
}

/* Copies the trampoline in and patches the words its return entry reads. */
static int prepare_transition(struct xmhf_launch_ctx *lc)
{
	size_t len = xmhf_tramp_end - xmhf_tramp_start;
	struct page *page;
	u8 *code;

	BUILD_BUG_ON(TR_L1 >= TR_PAGES);
	page = alloc_pages(GFP_KERNEL | __GFP_DMA32 | __GFP_ZERO, TR_ORDER);
	if (!page)
		return -ENOMEM;
	lc->tr = page_address(page);
	lc->tr_pa = page_to_phys(page);
	if (WARN_ON(len > PAGE_SIZE)) {
		__free_pages(page, TR_ORDER);
		return -EINVAL;
	}
	code = lc->tr + TR_CODE * PAGE_SIZE;
	memcpy(code, xmhf_tramp_start, len);
	lc->transition_cr3 = build_transition_tables(lc->tr, lc->tr_pa);
	*(u64 *)(code + ((u8 *)xmhf_tramp_cr3 - xmhf_tramp_start)) = lc->transition_cr3;
	*(u64 *)(code + ((u8 *)xmhf_tramp_resume - xmhf_tramp_start)) = (u64)xmhf_resume;
	lc->tramp_launch_pa = lc->tr_pa + TR_CODE * PAGE_SIZE;
	lc->tramp_return_pa = lc->tramp_launch_pa + (xmhf_tramp_return - xmhf_tramp_start);
	return 0;
}

void xmhf_transition_free(struct xmhf_launch_ctx *lc)
{
	if (!lc->tr)
		return;
	__free_pages(virt_to_page(lc->tr), TR_ORDER);
	lc->tr = NULL;
}

/* Offline every online AP, remembering which, so unload brings them back. */
static int offline_aps(cpumask_var_t was_online)
{
	unsigned int cpu;
	int err;

	cpumask_clear(was_online);
	for_each_online_cpu(cpu) {
		if (cpu == 0)
			continue;
		err = remove_cpu(cpu);
		if (err) {
			pr_err("cannot offline CPU %u (%d)\n", cpu, err);
			return err;
		}
		cpumask_set_cpu(cpu, was_online);
	}
	return 0;
}

void xmhf_online_aps(cpumask_var_t was_online)
{
	unsigned int cpu;
	int err;

	for_each_cpu(cpu, was_online) {
		err = add_cpu(cpu);
		if (err)
			pr_err("cannot bring CPU %u back online (%d)\n", cpu, err);
	}
	cpumask_clear(was_online);
}

/*
 * After a native return: copy the hypervisor's log into dmesg, from
 * position 'from' (0: all the ring still holds).
 */
void xmhf_dump_hv_log(struct xmhf_loader *ld, u64 from)
{
	const struct xmhf_log_ring *ring;
	u64 start, i;
	char line[160];
	size_t n = 0;

	/* From the header as loaded: the unload scrub zeroed the image. */
	if (!ld->rt_log_ring || ld->rt_log_ring > XMHF_RT_MAX_SIZE - sizeof(*ring))
		return;
	ring = (void *)(ld->mem + XMHF_RT_OFFSET + ld->rt_log_ring);
	if (ring->magic != XMHF_LOG_MAGIC || ring->size != XMHF_LOG_SIZE)
		return;
	start = ring->head > XMHF_LOG_SIZE ? ring->head - XMHF_LOG_SIZE : 0;
	if (from > start)
		start = from;
	for (i = start; i < ring->head; i++) {
		char c = ring->data[i % XMHF_LOG_SIZE];

		if (c == '\n' || n == sizeof(line) - 1) {
			line[n] = '\0';
			pr_info("hv: %s\n", line);
			n = 0;
			if (c == '\n')
				continue;
		}
		line[n++] = c;
	}
}

/*
 * INIT every present AP: before SKINIT, which wants them in INIT
 * (docs/architecture.md, Launch step 5), and after the hypervisor parked them
 * (unload, or a launch it gave up on), so none still runs out of the
 * hypervisor's memory when that is freed.  Each then waits for a SIPI:
 * Linux's own, when it onlines it.
 */
static void init_aps(void)
{
	unsigned int cpu;

	for_each_present_cpu(cpu)
		if (cpu != smp_processor_id()) {
			apic_wait_icr_idle();
			apic_icr_write(APIC_INT_ASSERT | APIC_DM_INIT,
				       per_cpu(x86_cpu_to_apicid, cpu));
		}
}

/* Measuring (the hypervisor or SKINIT) needs the TPM free: give up locality 0. */
static void relinquish_tpm_locality0(u64 tpm_base)
{
	void __iomem *access;

	if (!tpm_base)
		return;
	access = ioremap(tpm_base, PAGE_SIZE);
	if (!access)
		return;
	writeb(0x20, access);	/* TPM_ACCESS.activeLocality: relinquish */
	iounmap(access);
}

/*
 * GIF off before anything changes: from here until Linux's TR is back,
 * an NMI would meet the wrong tables.  SVME first, CLGI needs it.
 */
static void gif_off(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	asm volatile("clgi" ::: "memory");
}

/* After a native return: Linux's TR, then GIF on, then its EFER. */
static void xmhf_native_done(void)
{
	force_reload_TR();
	asm volatile("stgi" ::: "memory");
	wrmsrl(MSR_EFER, saved.efer);
}

/*
 * The hypervisor uses the TPM while Linux is stopped (the launch's
 * extends, the unload marker).  A Linux TPM command in flight would hold
 * locality 0 with its task stopped or descheduled, so the hypervisor's
 * locality would never be granted: on one CPU, always.  Holding the
 * chip's ops lock waits for such a command and keeps new ones out; then
 * locality 0 is given up so the hypervisor's request is granted at once.
 * Without a TPM driver only the locality is given up.
 */
static struct tpm_chip *hold_linux_tpm(u64 tpm_base)
{
	struct tpm_chip *chip = tpm_base ? tpm_default_chip() : NULL;

	if (chip && tpm_try_get_ops(chip)) {
		put_device(&chip->dev);
		chip = NULL;
	}
	relinquish_tpm_locality0(tpm_base);
	return chip;
}

static void release_linux_tpm(struct tpm_chip *chip)
{
	if (!chip)
		return;
	tpm_put_ops(chip);
	put_device(&chip->dev);
}

/*
 * Back from the hypervisor: on a native return Linux's TR and GIF first,
 * then the APs INITed (the hypervisor parked them).
 */
static long after_switch(long ret, unsigned long flags, struct tpm_chip *chip)
{
	if (ret == RESUME_NATIVE) {
		xmhf_native_done();
		init_aps();
	}
	local_irq_restore(flags);
	release_linux_tpm(chip);
	return ret;
}

static long enter_sl(struct xmhf_loader *ld, struct xmhf_launch_ctx *lc)
{
	struct xmhf_sl_params *p = xmhf_loader_params(ld);
	u64 sl_base = ld->mem_phys + XMHF_SL_OFFSET;
	const struct xmhf_slb_header *slb = (void *)(ld->mem + XMHF_SL_OFFSET);
	struct tpm_chip *chip;
	unsigned long flags;
	long ret;

	bool skinit = ld->launch == XMHF_LAUNCH_SKINIT;

	p->tramp_return_pa = lc->tramp_return_pa;
	lc->tpm_base = p->tpm_base;
	chip = hold_linux_tpm(p->tpm_base);
	if (skinit)
		init_aps();
	local_irq_save(flags);
	save_cpu_state(&saved);
	gif_off();		/* SVME also makes SKINIT legal */
	ret = xmhf_enter_sl(&saved, lc->transition_cr3,
			    skinit ? 0 : lc->tramp_launch_pa,
			    sl_base, sl_base + slb->entry, &p->bsp);
	return after_switch(ret, flags, chip);
}

/* Hotplug on again, and the APs that hold_aps() took back online. */
static void release_aps(struct xmhf_launch_ctx *lc)
{
	cpu_hotplug_enable();
	xmhf_online_aps(lc->aps);
}

/*
 * Only this CPU online while the hypervisor comes or goes: a CPU coming
 * online then would run outside it.  Disabling hotplug after the
 * offlining closes that window; one that slipped in before fails the
 * operation.  On success hotplug stays off until release_aps().
 */
static int hold_aps(struct xmhf_launch_ctx *lc, const char *during)
{
	int err = offline_aps(lc->aps);

	if (err) {
		xmhf_online_aps(lc->aps);
		return err;
	}
	cpu_hotplug_disable();
	if (num_online_cpus() == 1)
		return 0;
	pr_err("a CPU came online during the %s\n", during);
	release_aps(lc);
	return -EBUSY;
}

/*
 * Linux ANDs the features of each CPU it brings online into boot_cpu_data.
 * The APs it onlines while hoisted show no SVM (the hypervisor hides it),
 * so boot_cpu_data loses SVM, SKINIT and the SVM leaf's features for good,
 * and kvm_amd would not load after the unload.  Both words come from CPUID
 * alone: they go back to what they were once the APs run natively again.
 */
static void save_svm_caps(struct xmhf_launch_ctx *lc)
{
	lc->svm_caps[0] = boot_cpu_data.x86_capability[CPUID_8000_0001_ECX];
	lc->svm_caps[1] = boot_cpu_data.x86_capability[CPUID_8000_000A_EDX];
}

/*
 * Only the bits the hypervisor hid: SVM and SKINIT in 0x80000001 ECX, and
 * leaf 0x8000000A (all of it is SVM).  Other bits Linux cleared meanwhile
 * stay cleared.
 */
static void restore_svm_caps(const struct xmhf_launch_ctx *lc)
{
	const u32 hidden = BIT(X86_FEATURE_SVM & 31) | BIT(X86_FEATURE_SKINIT & 31);

	boot_cpu_data.x86_capability[CPUID_8000_0001_ECX] |= lc->svm_caps[0] & hidden;
	boot_cpu_data.x86_capability[CPUID_8000_000A_EDX] = lc->svm_caps[1];
}

/*
 * Launch the hypervisor.  Returns 0 with Linux hoisted, or an error with
 * Linux running natively and its APs back online.
 */
int xmhf_launch(struct xmhf_loader *ld, struct xmhf_launch_ctx *lc)
{
	int err;

	if (!zalloc_cpumask_var(&lc->aps, GFP_KERNEL))
		return -ENOMEM;
	err = prepare_transition(lc);
	if (err)
		goto err_mask;
	save_svm_caps(lc);
	err = hold_aps(lc, "launch");
	if (err)
		goto err_transition;
	if (enter_sl(ld, lc) == RESUME_NATIVE) {
		pr_err("the hypervisor returned before launching Linux; its log follows\n");
		xmhf_dump_hv_log(ld, 0);
		release_aps(lc);
		err = -EIO;
		goto err_transition;
	}
	if (!xmhf_cpuid_present())
		pr_err("launched, but the hypervisor's CPUID leaf is missing\n");
	/*
	 * Every AP waits in the hypervisor for a SIPI: Linux's own
	 * INIT-SIPI-SIPI, which the hypervisor virtualises, brings each
	 * back as a guest CPU (docs/architecture.md, Launch step 9).
	 */
	release_aps(lc);
	return 0;

err_transition:
	xmhf_transition_free(lc);
err_mask:
	free_cpumask_var(lc->aps);
	return err;
}

/* The unload marker needs the TPM: a slow one gets a few more tries. */
#define UNLOAD_TPM_TRIES	10
/* E_BUSY: a CPU did not answer within the hypervisor's 2 s. */
#define UNLOAD_BUSY_TRIES	3

/* One UNLOAD hypercall; RESUME_NATIVE once this CPU runs natively. */
static long leave_hv(struct xmhf_launch_ctx *lc)
{
	struct tpm_chip *chip = hold_linux_tpm(lc->tpm_base);
	unsigned long flags;
	long ret;

	local_irq_save(flags);
	save_cpu_state(&saved);
	ret = xmhf_leave(&saved);
	return after_switch(ret, flags, chip);
}

/*
 * Unload (docs/architecture.md, "Unload"): the hypervisor devirtualizes
 * this CPU and returns here natively; then the APs come back.  Returns
 * -EIO (-EBUSY when a CPU did not answer it), with Linux still hoisted,
 * if the hypervisor refused.
 */
int xmhf_devirtualize(struct xmhf_launch_ctx *lc)
{
	unsigned int tries;
	long ret;
	int err;

	/* APs offline: the hypervisor parks them (Unload steps 1 and 3). */
	err = hold_aps(lc, "unload");
	if (err)
		return err;
	for (tries = 1;; tries++) {
		ret = leave_hv(lc);
		if (ret == XMHF_HC_E_TPM && tries < UNLOAD_TPM_TRIES) {
			pr_warn("the TPM did not take the unload marker; trying again\n");
		} else if (ret == XMHF_HC_E_BUSY && tries < UNLOAD_BUSY_TRIES) {
			/* A CPU starved for 2 s (a busy host) answers the next time. */
			pr_warn("a CPU did not answer the hypervisor in time; trying again\n");
		} else {
			break;
		}
		msleep(100);
	}
	release_aps(lc);
	if (ret == XMHF_HC_E_BUSY) {
		/* A CPU held NMIs back past the hypervisor's limit. */
		pr_err("the hypervisor refused to unload: a CPU did not answer it in time; Linux stays hoisted, try again later\n");
		return -EBUSY;
	}
	if (ret != RESUME_NATIVE) {
		pr_err("the hypervisor refused to unload (%ld)\n", ret);
		return -EIO;
	}
	restore_svm_caps(lc);
	free_cpumask_var(lc->aps);
	xmhf_transition_free(lc);
	return 0;
}
