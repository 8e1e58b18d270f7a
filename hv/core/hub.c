// SPDX-License-Identifier: GPL-2.0
/*
 * The event hub (docs/architecture.md, "Event hub and hypapps").  Hypapps
 * are asked in link order, which is the order of HYPAPPS at build time;
 * only the events a hypapp subscribed reach it, and the core's own
 * intercepts (CPUID signature, SVM hiding, its memory, hypercalls) stay
 * the core's.
 */
#include <stdarg.h>
#include <arch/intr_mmio.h>
#include <arch/msr.h>
#include <core/hub.h>
#include <core/log.h>
#include <core/mm.h>
#include <core/pci.h>
#include <core/lapic.h>
#include <core/quiesce.h>
#include <core/smp.h>
#include <xmhf/hypercall.h>

#define MAX_HYPAPPS	8
#define MAX_PROTECTED	64

extern const struct hypapp *const __hypapps_start[], *const __hypapps_end[];

static struct ha_subscription subs[MAX_HYPAPPS];
static unsigned int napps;
/* Whose callback runs on each CPU, for ha_npt_protect and ha_subscription. */
static int *running_app;	/* one per CPU, from the heap */
#define current_app (running_app[cpu_slot()])
static struct npt *hub_npt;
static volatile bool dirty;	/* a subscription changed: re-apply intercepts */

static struct {
	u64 gpa;
	int owner;
} protected_pages[MAX_PROTECTED];
static unsigned int nprotected;

static unsigned int cpu_slot(void)
{
	struct vcpu *v = this_vcpu();

	return v ? v->index : 0;
}

unsigned int hub_count(void)
{
	return napps;
}

const struct ha_subscription *hub_sub(unsigned int i)
{
	return &subs[i];
}

static int check_sub(const struct hypapp *app, const struct ha_subscription *s)
{
	unsigned int i;

	if (s->num_msrs > HA_MAX_MSRS || s->num_ports > HA_MAX_PORTS ||
	    s->insns >> HA_INSN_COUNT || (s->cr_writes & ~0x19u) || s->dr_writes > 0xff) {
		hv_log("xmhf: hypapp %s: subscription out of range\n", app->name);
		return -1;
	}
	for (i = 0; i < s->num_msrs; i++) {
		/* The MSR policy says which (arch/x86/msr.c). */
		if (!msr_hypapp_may_subscribe(s->msrs[i])) {
			hv_log("xmhf: hypapp %s: MSR 0x%x may not be subscribed (MSR policy)\n",
			       app->name, s->msrs[i]);
			return -1;
		}
	}
	return 0;
}

int hub_init(struct npt *npt)
{
	unsigned int i;

	hub_npt = npt;
	/* After smp_init(): one slot per CPU present, none more. */
	running_app = hv_alloc_pages((smp_count() * sizeof(int) + 4095) / 4096);
	if (!running_app) {
		hv_log("xmhf: out of memory for the hypapp slots\n");
		return -1;
	}
	for (i = 0; i < smp_count(); i++)
		running_app[i] = -1;
	napps = __hypapps_end - __hypapps_start;
	if (napps > MAX_HYPAPPS) {
		hv_log("xmhf: %u hypapps linked in, at most %u\n", napps, MAX_HYPAPPS);
		return -1;
	}
	for (i = 0; i < napps; i++) {
		const struct hypapp *app = __hypapps_start[i];

		current_app = i;
		if (app->init && app->init(&subs[i])) {
			hv_log("xmhf: hypapp %s failed to initialize\n", app->name);
			return -1;
		}
		if (check_sub(app, &subs[i]))
			return -1;
		hv_log("xmhf: hypapp %s ready (hypercalls from 0x%x)\n", app->name,
		       ha_hypercall_base(app));
	}
	current_app = -1;
	return 0;
}

/* Every hypapp's per-CPU main, in link order. */
void hub_cpu_main(unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < napps; i++) {
		if (!__hypapps_start[i]->main)
			continue;
		current_app = i;
		__hypapps_start[i]->main(cpu);
	}
	current_app = -1;
}

static bool in_list32(const u32 *l, unsigned int n, u32 x)
{
	while (n--)
		if (l[n] == x)
			return true;
	return false;
}

/* A subscribed port among the size bytes an access at port covers. */
static bool ports_hit(const u16 *l, unsigned int n, u16 port, u8 size)
{
	while (n--)
		if (l[n] >= port && (u32)l[n] < (u32)port + size)
			return true;
	return false;
}

static int page_owner(u64 gpa)
{
	unsigned int i;

	for (i = 0; i < nprotected; i++)
		if (protected_pages[i].gpa == (gpa & ~0xfffull))
			return protected_pages[i].owner;
	return -1;
}

static bool matches(unsigned int i, const struct ha_event_info *e)
{
	const struct ha_subscription *s = &subs[i];

	switch (e->type) {
	case HA_EV_CR:
		return e->cr.cr < 32 && (s->cr_writes & (1u << e->cr.cr));
	case HA_EV_DR:
		return e->dr.dr < 8 && (s->dr_writes & (1u << e->dr.dr));
	case HA_EV_DESC_TABLE:
		return s->ldt_loads;
	case HA_EV_MSR:
		return in_list32(s->msrs, s->num_msrs, e->msr.msr);
	case HA_EV_EXCEPTION:
		return e->exc.vector < 32 && (s->exceptions & (1u << e->exc.vector));
	case HA_EV_INSN:
		return s->insns & (1u << e->insn.insn);
	case HA_EV_IO:
		return ports_hit(s->ports, s->num_ports, e->io.port, e->io.size);
	case HA_EV_HYPERCALL:
		return s->hypercalls &&
		       (e->hcall.nr - XMHF_HC_HYPAPP_BASE) / 0x100 == i;
	case HA_EV_NPF:
		return s->npf && page_owner(e->npf.gpa) == (int)i;
	case HA_EV_INIT_SHUTDOWN:
		return s->shutdown;
	case HA_EV_NMI:
		return s->nmi;
	default:
		return false;
	}
}

bool hub_wants(const struct ha_event_info *e)
{
	unsigned int i;

	for (i = 0; i < napps; i++)
		if (matches(i, e))
			return true;
	return false;
}

bool hub_owns_page(u64 gpa)
{
	return page_owner(gpa) >= 0;
}

enum ha_result hub_dispatch(struct vcpu *v, const struct ha_event_info *e)
{
	struct ha_event_info local = *e;
	enum ha_result r;
	unsigned int i;

	for (i = 0; i < napps; i++) {
		if (!matches(i, e) || !__hypapps_start[i]->event)
			continue;
		/* A hypapp sees its own hypercall numbers from 0. */
		if (e->type == HA_EV_HYPERCALL)
			local.hcall.nr = (e->hcall.nr - XMHF_HC_HYPAPP_BASE) % 0x100;
		/* The vCPU names its slot: no APIC ID lookup on every exit. */
		running_app[v->index] = i;
		r = __hypapps_start[i]->event(v, &local);
		running_app[v->index] = -1;
		if (r != HA_DEFAULT)
			return r;
	}
	return HA_DEFAULT;
}

void hub_shutdown(void)
{
	unsigned int i;

	for (i = 0; i < napps; i++)
		if (__hypapps_start[i]->shutdown)
			__hypapps_start[i]->shutdown();
}

bool hub_take_dirty(void)
{
	return __atomic_exchange_n(&dirty, false, __ATOMIC_ACQ_REL);
}

void hub_set_dirty(void)
{
	__atomic_store_n(&dirty, true, __ATOMIC_RELEASE);
}

/* ---- services ---- */

struct ha_subscription *ha_subscription(void)
{
	return current_app >= 0 ? &subs[current_app] : NULL;
}

int ha_resubscribe(void)
{
	if (current_app < 0 || check_sub(__hypapps_start[current_app], &subs[current_app]))
		return -1;
	dirty = true;
	return 0;
}

u32 ha_hypercall_base(const struct hypapp *app)
{
	unsigned int i;

	for (i = 0; i < napps; i++)
		if (__hypapps_start[i] == app)
			return XMHF_HC_HYPAPP_BASE + 0x100 * i;
	return 0;
}

/*
 * Changes one guest page's nested permissions on behalf of the calling
 * hypapp, which then gets the faults there.  The other CPUs are stopped
 * meanwhile (the table and the owners list are shared) and flush their
 * TLBs when they resume.
 */
static int npt_protect_stopped(u64 gpa, unsigned int perms);

int ha_npt_protect(u64 gpa, unsigned int perms)
{
	struct vcpu *me = this_vcpu();
	int ret;

	/* A CPU that does not answer (NMIs blocked): nothing changes. */
	if (me && quiesce_begin(me) < 0)
		return -1;
	ret = npt_protect_stopped(gpa, perms);
	if (me)
		quiesce_end(me);
	return ret;
}

static int npt_protect_stopped(u64 gpa, unsigned int perms)
{
	unsigned int i;
	int owner;

	gpa &= ~0xfffull;
	/* The APIC page stays read-only: INIT and SIPI must go through the core. */
	if (current_app < 0 || npt_protected(gpa) || gpa == lapic_mmio_base() ||
	    pci_mmio_owns(gpa) || intr_mmio_page(gpa))
		return -1;
	owner = page_owner(gpa);
	if (owner >= 0 && owner != current_app)
		return -1;
	if (npt_set_4k(hub_npt, gpa, perms & HA_NPT_READ, perms & HA_NPT_WRITE))
		return -1;
	if (owner < 0 && (perms & (HA_NPT_READ | HA_NPT_WRITE)) != (HA_NPT_READ | HA_NPT_WRITE)) {
		if (nprotected == MAX_PROTECTED)
			return -1;
		protected_pages[nprotected].gpa = gpa;
		protected_pages[nprotected++].owner = current_app;
	} else if (owner >= 0 && perms == (HA_NPT_READ | HA_NPT_WRITE)) {
		for (i = 0; i < nprotected; i++)
			if (protected_pages[i].gpa == gpa)
				protected_pages[i] = protected_pages[--nprotected];
	}
	return 0;
}

void *ha_alloc_pages(unsigned int n)
{
	return hv_alloc_pages(n);
}

void ha_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_vlog(fmt, ap);
	va_end(ap);
}
