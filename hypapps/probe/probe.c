// SPDX-License-Identifier: GPL-2.0
/*
 * probe: a test hypapp (uapi/xmhf/probe.h).  It subscribes to every event
 * class the hub dispatches, counts them and keeps the last one's details,
 * and hands everything back to the core's default handling, so the guest
 * behaves as without it.  Build it in with: make HYPAPPS="hello probe"
 */
#include <hypapp.h>
#include <lib/string.h>
#include <xmhf/hypercall.h>
#include <xmhf/probe.h>

#define SAME(a, b) _Static_assert((int)(a) == (int)(b), #a " != " #b)
SAME(XMHF_PROBE_EV_CR, HA_EV_CR);
SAME(XMHF_PROBE_EV_DR, HA_EV_DR);
SAME(XMHF_PROBE_EV_DESC, HA_EV_DESC_TABLE);
SAME(XMHF_PROBE_EV_MSR, HA_EV_MSR);
SAME(XMHF_PROBE_EV_EXCEPTION, HA_EV_EXCEPTION);
SAME(XMHF_PROBE_EV_SHUTDOWN, HA_EV_INIT_SHUTDOWN);
SAME(XMHF_PROBE_EV_INSN, HA_EV_INSN);
SAME(XMHF_PROBE_EV_HYPERCALL, HA_EV_HYPERCALL);
SAME(XMHF_PROBE_EV_IO, HA_EV_IO);
SAME(XMHF_PROBE_EV_NPF, HA_EV_NPF);
SAME(XMHF_PROBE_EV_COUNT, HA_EV_COUNT);
SAME(XMHF_PROBE_INSN_RDTSCP, HA_INSN_RDTSCP);
SAME(XMHF_PROBE_INSN_WBINVD, HA_INSN_WBINVD);
SAME(XMHF_PROBE_INSN_PAUSE, HA_INSN_PAUSE);
SAME(XMHF_PROBE_INSN_COUNT, HA_INSN_COUNT);

static struct xmhf_probe_stats stats;

/*
 * A byte of rodata, among what the self-check hashes (the .rodata.*
 * input sections lie before _rt_code_end, runtime.lds.S).  The runtime
 * maps its image writable, so XMHF_PROBE_HC_FLIP can change it: a change
 * to the runtime's image that only this test hypapp can make, so that a
 * test sees XMHF_HC_SELFCHECK report it.  The production blob has no
 * probe, and so no such call.  Defined in asm: C has no writable rodata.
 */
#define STR_(x) #x
#define STR(x) STR_(x)
asm(".pushsection .rodata.probe_flip, \"a\"\n"
    "probe_flip_byte: .byte " STR(XMHF_PROBE_FLIP_BYTE) "\n"
    ".popsection");
extern u8 probe_flip_byte[];

static int probe_init(struct ha_subscription *sub)
{
	sub->msrs[sub->num_msrs++] = XMHF_PROBE_MSR;
	sub->ports[sub->num_ports++] = XMHF_PROBE_PORT;
	sub->exceptions = 1u << 3 | 1u << 6;	/* #BP, #UD */
	sub->insns = 1u << HA_INSN_CPUID | 1u << HA_INSN_RDTSC | 1u << HA_INSN_RDTSCP |
		     1u << HA_INSN_HLT | 1u << HA_INSN_WBINVD | 1u << HA_INSN_PAUSE;
	sub->cr_writes = 1u << 4;
	sub->dr_writes = 1u << 7;
	sub->ldt_loads = true;
	sub->hypercalls = true;
	sub->npf = true;
	sub->shutdown = true;
	sub->nmi = true;
	stats.magic = XMHF_PROBE_MAGIC;
	ha_log("probe: subscribed to every dispatched event class\n");
	return 0;
}

static void record(enum ha_event type, u64 a, u64 b, u64 c)
{
	stats.count[type]++;
	stats.last[type][0] = a;
	stats.last[type][1] = b;
	stats.last[type][2] = c;
}

/* Drops whole classes from the subscription; the core turns them off. */
static void unsubscribe(u64 mask)
{
	struct ha_subscription *sub = ha_subscription();

	if (mask & (1u << HA_EV_MSR))
		sub->num_msrs = 0;
	if (mask & (1u << HA_EV_IO))
		sub->num_ports = 0;
	if (mask & (1u << HA_EV_EXCEPTION))
		sub->exceptions = 0;
	if (mask & (1u << HA_EV_INSN))
		sub->insns = 0;
	if (mask & (1u << HA_EV_CR))
		sub->cr_writes = 0;
	if (mask & (1u << HA_EV_DR))
		sub->dr_writes = 0;
	if (mask & (1u << HA_EV_DESC_TABLE))
		sub->ldt_loads = false;
	ha_resubscribe();
}

static enum ha_result probe_hypercall(struct vcpu *v, const struct ha_event_info *e)
{
	u64 ret = 0;

	switch (e->hcall.nr) {
	case XMHF_PROBE_HC_STATS:
		if (e->hcall.arg[1] < sizeof(stats) ||
		    ha_write_guest(v, e->hcall.arg[0], &stats, sizeof(stats)))
			ret = (u64)-1;
		break;
	case XMHF_PROBE_HC_PROTECT:
		/* Nested permissions are the kernel's business: not CPL 3's. */
		if (e->hcall.cpl != 0)
			ret = (u64)XMHF_HC_E_PERM;
		else
			ret = ha_npt_protect(e->hcall.arg[0], HA_NPT_READ) ? (u64)-1 : 0;
		break;
	case XMHF_PROBE_HC_SUBSCRIBE_CR:
		if (e->hcall.cpl != 0) {
			ret = (u64)XMHF_HC_E_PERM;
			break;
		}
		ha_subscription()->cr_writes |= e->hcall.arg[0] & XMHF_PROBE_CR_MASK;
		ha_resubscribe();
		break;
	case XMHF_PROBE_HC_SUBSCRIBE_MSR: {
		struct ha_subscription *sub = ha_subscription();

		if (e->hcall.cpl != 0 || sub->num_msrs >= HA_MAX_MSRS) {
			ret = (u64)XMHF_HC_E_PERM;
			break;
		}
		/* The core checks it against the MSR policy; a refusal is undone. */
		sub->msrs[sub->num_msrs++] = (u32)e->hcall.arg[0];
		if (ha_resubscribe()) {
			sub->num_msrs--;
			ret = (u64)XMHF_HC_E_INVAL;
		}
		break;
	}
	case XMHF_PROBE_HC_UNSUBSCRIBE:
		unsubscribe(e->hcall.arg[0]);
		break;
	case XMHF_PROBE_HC_FLIP:
		*(volatile u8 *)probe_flip_byte ^= 0xff;
		ret = *(volatile u8 *)probe_flip_byte;
		break;
	case XMHF_PROBE_HC_IDENTIFY:
		ret = XMHF_PROBE_MAGIC;
		break;
	default:
		return HA_DEFAULT;
	}
	ha_set(v, HA_RAX, ret);
	return HA_HANDLED;
}

static enum ha_result probe_event(struct vcpu *v, const struct ha_event_info *e)
{
	u64 rip = ha_get(v, HA_RIP);

	switch (e->type) {
	case HA_EV_CR:
		record(e->type, e->cr.cr, e->cr.value, rip);
		break;
	case HA_EV_DR:
		record(e->type, e->dr.dr, e->dr.value, rip);
		break;
	case HA_EV_DESC_TABLE:
		record(e->type, e->desc.selector, 0, rip);
		break;
	case HA_EV_MSR:
		record(e->type, e->msr.msr, e->msr.write, e->msr.value);
		break;
	case HA_EV_EXCEPTION:
		record(e->type, e->exc.vector, e->exc.error, rip);
		break;
	case HA_EV_INSN:
		record(e->type, e->insn.insn, e->insn.leaf, rip);
		if (e->insn.insn < HA_INSN_COUNT)
			stats.insn_count[e->insn.insn]++;
		break;
	case HA_EV_IO:
		record(e->type, e->io.port,
		       e->io.size | (u64)e->io.in << 8 | (u64)e->io.len << 16, e->io.value);
		break;
	case HA_EV_NPF:
		/* Our page: count it, lift the protection, let the guest retry. */
		record(e->type, e->npf.gpa, e->npf.write, rip);
		ha_npt_protect(e->npf.gpa, HA_NPT_READ | HA_NPT_WRITE);
		return HA_RETRY;
	case HA_EV_HYPERCALL:
		record(e->type, e->hcall.nr, e->hcall.arg[0], e->hcall.cpl);
		return probe_hypercall(v, e);
	case HA_EV_INIT_SHUTDOWN:
		record(e->type, e->init.shutdown, 0, rip);
		break;
	case HA_EV_NMI:
		record(e->type, 0, 0, rip);
		break;
	default:
		break;
	}
	return HA_DEFAULT;
}

static const struct hypapp probe = {
	.name = "probe",
	.init = probe_init,
	.event = probe_event,
};
HYPAPP_REGISTER(probe);
