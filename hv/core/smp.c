// SPDX-License-Identifier: GPL-2.0
/*
 * Every CPU under the hypervisor (core/smp.h).
 *
 * Launch: the boot CPU borrows a page below 1 MiB (its bytes are put
 * back), copies the AP trampoline there and starts the APs one at a
 * time; each sets up its descriptor tables and SVM, says it is alive by
 * entering XMHF_CPU_WAIT_SIPI, and waits for the guest's SIPI.
 *
 * The guest's INIT and SIPI never reach the hardware: an INIT sends the
 * target back to wait-for-SIPI (an NMI gets it out of guest mode), a
 * SIPI starts it in real mode at the vector's page, as the CPU would
 * (the ICR writes are decoded in core/guest_apic.c).
 */
#include <arch/x86.h>
#include <arch/intr_mmio.h>
#include <core/cpu_setup.h>
#include <core/hub.h>
#include <core/icr.h>
#include <core/lapic.h>
#include <core/log.h>
#include <core/mm.h>
#include <core/quiesce.h>
#include <core/smp.h>
#include <core/spinlock.h>
#include <core/svm.h>
#include <lib/string.h>
#include <xmhf/hypercall.h>

_Static_assert(sizeof(struct host_cpu) <= HOST_CPU_PAGES * 4096,
	       "struct host_cpu outgrew HOST_CPU_PAGES (core/percpu.h)");
#define AP_START_US	1000000	/* TCG may take its time to schedule a vCPU */

/* Mirrors ap_tramp_data in ap_tramp.S. */
struct ap_tramp_data {
	u16 gdtr_limit;
	u32 gdtr_base;
	u16 pad0;
	u32 far32_off;
	u16 far32_sel;
	u16 pad1;
	u32 far64_off;
	u16 far64_sel;
	u16 pad2;
	u32 cr0, cr3, cr4, index;
	u64 stack;
} __attribute__((packed));

_Static_assert(sizeof(struct ap_tramp_data) == 48, "ap_tramp_data layout");

extern const u8 ap_tramp_start[], ap_tramp_end[], ap_tramp_data[];
extern const u32 ap_tramp_pm32_off, ap_tramp_lm64_off, ap_tramp_gdt_off;
void ap_main(u32 index);
void ap_park(void) __attribute__((noreturn));

/*
 * The memory-type MSRs Linux keeps equal on every CPU, as the boot CPU
 * has them: an INIT may reset them (QEMU does), and the guest may not
 * write them (svm.c), so each AP gets them back from the hypervisor.
 */
#define MSR_MTRR_CAP	0xfe
#define MSR_HWCR	0xc0010015
#define MAX_SNAP	48

static struct {
	u32 msr;
	u64 val;
} msr_snap[MAX_SNAP];
static unsigned int nsnap;

static void snap(u32 msr)
{
	if (nsnap < MAX_SNAP && !rdmsr_safe(msr, &msr_snap[nsnap].val))
		msr_snap[nsnap++].msr = msr;
}

static void snapshot_msrs(void)
{
	u64 cap = 0;
	u32 i;

	rdmsr_safe(MSR_MTRR_CAP, &cap);
	for (i = 0; i < 2 * (cap & 0xff) && i < 32; i++)
		snap(0x200 + i);		/* variable ranges: base, mask */
	snap(0x250);
	snap(0x258);
	snap(0x259);
	for (i = 0x268; i <= 0x26f; i++)
		snap(i);			/* fixed ranges */
	snap(MSR_HWCR);
	snap(0x2ff);			/* MTRRdefType last: it turns them on */
}

static void restore_msrs(void)
{
	unsigned int i;

	for (i = 0; i < nsnap; i++)
		wrmsr_safe(msr_snap[i].msr, msr_snap[i].val);
}

/* Sized at launch from the CPUs present (core/percpu.h). */
static struct vcpu **cpus;
static unsigned int ncpus;
spinlock_t smp_start_lock;	/* INIT/SIPI state of every vCPU */

unsigned int smp_count(void)
{
	return ncpus;
}

struct vcpu *smp_vcpu(unsigned int i)
{
	return i < ncpus ? cpus[i] : NULL;
}

bool vcpu_live(const struct vcpu *v)
{
	u32 s = __atomic_load_n(&v->state, __ATOMIC_ACQUIRE);

	return s == XMHF_CPU_WAIT_SIPI || s == XMHF_CPU_GUEST;
}

struct vcpu *this_vcpu(void)
{
	u32 id = cpu_apic_id();
	unsigned int i;

	for (i = 0; i < ncpus; i++)
		if (cpus[i]->apic_id == id)
			return cpus[i];
	return NULL;
}

/* Host stacks and descriptor tables for one AP, from the heap. */
static int alloc_ap(struct vcpu *v)
{
	u8 *stack = hv_alloc_pages(AP_STACK_PAGES);

	v->host = hv_alloc_pages(HOST_CPU_PAGES);
	if (!stack || !v->host)
		return -1;
	v->stack_top = stack + AP_STACK_PAGES * 4096;
	return svm_vcpu_alloc(v);
}

/* The vCPU table for every CPU in p, and each AP's own pages. */
static int alloc_cpus(const struct xmhf_sl_params *p, struct vcpu *bsp)
{
	void *table = hv_alloc_pages((unsigned int)percpu_table_pages(p->num_cpus));
	unsigned int i;

	if (!table) {
		hv_log("xmhf: out of memory for %u vCPUs\n", p->num_cpus);
		return -1;
	}
	cpus = percpu_table(table, p->num_cpus, p->apic_ids, bsp);
	for (i = 1; i < p->num_cpus; i++) {
		if (alloc_ap(cpus[i])) {
			hv_log("xmhf: out of memory for CPU %u (%u CPUs need %lu KiB of heap)\n",
			       i, p->num_cpus, (unsigned long)percpu_pages(p->num_cpus) * 4);
			return -1;
		}
	}
	return 0;
}

int smp_init(const struct xmhf_sl_params *p, struct vcpu *bsp)
{
	int bad;

	if (p->num_cpus == 0 || p->num_cpus > XMHF_MAX_CPUS) {
		hv_log("xmhf: %u CPUs, at most %u supported\n", p->num_cpus,
		       XMHF_MAX_CPUS);
		return -1;
	}
	bsp->index = 0;
	bsp->apic_id = cpu_apic_id();
	if (bsp->apic_id != p->apic_ids[0]) {
		hv_log("xmhf: launched on APIC ID %u, the module said %u\n",
		       bsp->apic_id, p->apic_ids[0]);
		return -1;
	}
	/* An INIT to ourselves or sent twice would end the launch. */
	bad = percpu_bad_apic_id(p->apic_ids, p->num_cpus, lapic_x2apic());
	if (bad >= 0) {
		hv_log("xmhf: bad APIC ID %u for CPU %d\n", p->apic_ids[bad], bad);
		return -1;
	}
	if (alloc_cpus(p, bsp))
		return -1;
	ncpus = p->num_cpus;
	return 0;
}

/*
 * A 4 KiB page below 1 MiB for the trampoline, inside a RAM range the
 * module reported; the first 4 KiB (real-mode IVT, BIOS data) stay out.
 */
static u64 tramp_page(const struct xmhf_sl_params *p)
{
	u64 pa;
	u32 i;

	for (pa = 0x1000; pa < 0x9f000; pa += 0x1000)
		for (i = 0; i < p->num_ram; i++)
			if (pa >= p->ram[i].start &&
			    pa + 0x1000 <= p->ram[i].start + p->ram[i].size)
				return pa;
	return 0;
}

static void tramp_patch(u8 *page, u64 pa)
{
	struct ap_tramp_data *d = (void *)(page + (ap_tramp_data - ap_tramp_start));

	d->gdtr_base = (u32)pa + ap_tramp_gdt_off;
	d->far32_off = (u32)pa + ap_tramp_pm32_off;
	d->far64_off = (u32)pa + ap_tramp_lm64_off;
	d->cr0 = (u32)read_cr0();
	d->cr3 = (u32)read_cr3();
	d->cr4 = (u32)read_cr4();
}

static bool ap_alive(struct vcpu *v, u64 until_us)
{
	while (tsc_us() < until_us)
		if (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) != XMHF_CPU_ABSENT)
			return true;
	return v->state != XMHF_CPU_ABSENT;
}

/* INIT, then SIPI until it answers (twice at most, as the MP spec says). */
static bool start_ap(struct vcpu *v, u8 *page, u64 pa)
{
	struct ap_tramp_data *d = (void *)(page + (ap_tramp_data - ap_tramp_start));

	d->index = v->index;
	d->stack = (u64)v->stack_top;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	lapic_send(v->apic_id, icr_lo(ICR_DM_INIT, 0));
	udelay(10000);
	lapic_send(v->apic_id, icr_lo(ICR_DM_STARTUP, (u8)(pa >> 12)));
	if (ap_alive(v, tsc_us() + 200))
		return true;
	lapic_send(v->apic_id, icr_lo(ICR_DM_STARTUP, (u8)(pa >> 12)));
	return ap_alive(v, tsc_us() + AP_START_US);
}

int smp_start_aps(const struct xmhf_sl_params *p)
{
	size_t len = ap_tramp_end - ap_tramp_start;
	u64 pa = tramp_page(p);
	u8 *page = (u8 *)(uintptr_t)pa, *saved;
	unsigned int i, failed = 0;

	if (ncpus == 1)
		return 0;
	snapshot_msrs();
	saved = hv_alloc_pages(1);
	if (!pa || !saved) {
		hv_log("xmhf: no page below 1 MiB for the AP trampoline\n");
		return -1;
	}
	memcpy(saved, page, 4096);
	memcpy(page, ap_tramp_start, len);
	tramp_patch(page, pa);
	/* A CPU the list left out stays in INIT, not running natively. */
	lapic_send(0, icr_lo(ICR_DM_INIT, 0) | ICR_SH_OTHERS);
	udelay(10000);
	for (i = 1; i < ncpus && !failed; i++) {
		if (start_ap(cpus[i], page, pa))
			continue;
		hv_log("xmhf: CPU %u (APIC ID %u) did not answer its SIPI\n",
		       i, cpus[i]->apic_id);
		cpus[i]->state = XMHF_CPU_FAILED;
		/*
		 * A slow AP may still wake and read the trampoline's data: back
		 * to wait-for-SIPI with it before that data names another AP's
		 * index and stack (two CPUs on one vCPU) or the page is Linux's
		 * again.  The launch is given up, so no other AP is started.
		 */
		lapic_send(cpus[i]->apic_id, icr_lo(ICR_DM_INIT, 0));
		failed++;
	}
	/* Every AP that answered is past the trampoline: give the page back. */
	memcpy(page, saved, 4096);
	hv_log("xmhf: %u of %u APs in host mode, waiting for their SIPI\n",
	       i - 1 - failed, ncpus - 1);
	return failed ? -1 : 0;
}

/*
 * Park: from inside the NMI handler, which never returns, so no NMI can
 * reach this CPU while the hypervisor's memory is scrubbed and freed;
 * only the module's INIT gets through.
 */
static void __attribute__((noreturn)) park(struct vcpu *v)
{
	quiesce_poll(v);	/* answer a stopper in flight first */
	v->parking = true;
	lapic_send(v->apic_id, icr_lo(ICR_DM_NMI, 0));
	stgi();
	for (;;)
		cpu_relax();	/* the NMI arrives: nmi_handler() parks */
}

void smp_park_self(struct vcpu *v)
{
	park(v);
}

void ap_main(u32 index)
{
	struct vcpu *v = cpus[index];
	u32 absent = XMHF_CPU_ABSENT;

	host_cpu_setup(v->host);
	restore_msrs();
	svm_cpu_enable(v);
	clgi();		/* host code runs with GIF = 0, as on the boot CPU */
	lvt_launch_scrub();
	/* Too late (the launch gave up on it) or an APIC the NPT does not trap. */
	if ((rdmsr(MSR_IA32_APIC_BASE) & ~0xfffull) != lapic_mmio_base() ||
	    !__atomic_compare_exchange_n(&v->state, &absent, XMHF_CPU_WAIT_SIPI, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		v->state = XMHF_CPU_FAILED;
		park(v);
	}
	hub_cpu_main(index);
	vcpu_loop(v);
	park(v);
}

void smp_park_aps(void)
{
	/* No table yet when smp_init() itself failed: nothing was started. */
	struct vcpu *me = ncpus ? cpus[0] : NULL;
	unsigned int i;

	for (i = 1; i < ncpus; i++) {
		struct vcpu *t = cpus[i];

		if (!vcpu_live(t))
			continue;	/* never started, or dead */
		t->park = true;
		smp_kick(t);
		/* It may be stopping the others this moment: answer it. */
		while (!__atomic_load_n(&t->parking_done, __ATOMIC_ACQUIRE)) {
			quiesce_poll(me);
			cpu_relax();
		}
	}
	hv_log("xmhf: APs parked\n");
}

void smp_mark_park_aps(void)
{
	unsigned int i;

	for (i = 1; i < ncpus; i++)
		if (vcpu_live(cpus[i]))
			__atomic_store_n(&cpus[i]->park, true, __ATOMIC_RELEASE);
}

void smp_kick(struct vcpu *t)
{
	if (!__atomic_exchange_n(&t->kick, 1, __ATOMIC_SEQ_CST))
		lapic_send(t->apic_id, icr_lo(ICR_DM_NMI, 0));
}

void smp_cpu_dead(struct vcpu *v)
{
	__atomic_store_n(&v->state, XMHF_CPU_FAILED, __ATOMIC_RELEASE);
}

/*
 * The host's NMI handler (core/cpu_setup.h).  A kick is the hypervisor's;
 * any other NMI is the guest's and goes to it on the next VMRUN.
 */
void nmi_handler(struct exception_frame *f)
{
	struct vcpu *v = this_vcpu();

	(void)f;
	if (!v)
		return;
	if (v->parking) {
		if (v->state != XMHF_CPU_FAILED)
			v->state = XMHF_CPU_PARKED;
		svm_r_init_off();	/* the module's INIT must be an INIT again */
		__atomic_store_n(&v->parking_done, true, __ATOMIC_RELEASE);
		ap_park();	/* SVM off; halted with NMIs blocked */
	}
	if (__atomic_exchange_n(&v->kick, 0, __ATOMIC_SEQ_CST))
		quiesce_poll(v);
	else
		v->nmi_pending = true;
	__atomic_fetch_add(&v->nmis_taken, 1, __ATOMIC_RELEASE);
}

/* Wait for the guest's SIPI; false when told to park instead. */
static bool wait_sipi(struct vcpu *v)
{
	u32 sipi;

	for (;;) {
		quiesce_poll(v);
		if (v->park || v->unload)
			return false;
		spin_lock(&smp_start_lock);
		sipi = v->sipi;
		if (sipi & VCPU_SIPI_VALID) {
			v->sipi = 0;
			svm_vcpu_reset(v, (u8)sipi);
			__atomic_store_n(&v->state, XMHF_CPU_GUEST, __ATOMIC_RELEASE);
		}
		spin_unlock(&smp_start_lock);
		if (sipi & VCPU_SIPI_VALID) {
			v->starts++;
			return true;
		}
		cpu_relax();
	}
}

void vcpu_loop(struct vcpu *v)
{
	for (;;) {
		if (v->state == XMHF_CPU_WAIT_SIPI && !wait_sipi(v))
			return;
		svm_run(v);
		if (v->unload || v->park)
			return;
		spin_lock(&smp_start_lock);
		if (v->init_req) {
			v->init_req = false;
			__atomic_store_n(&v->state, XMHF_CPU_WAIT_SIPI, __ATOMIC_RELEASE);
		}
		spin_unlock(&smp_start_lock);
		if (v->state == XMHF_CPU_WAIT_SIPI) {
			struct ha_event_info e = { .type = HA_EV_INIT_SHUTDOWN };

			hub_dispatch(v, &e);	/* a notification */
		}
	}
}
