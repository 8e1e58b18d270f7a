// SPDX-License-Identifier: GPL-2.0
/*
 * The core's hypercalls (uapi/xmhf/hypercall.h).  Management calls are
 * CPL 0 only; every failure is an error code in RAX and nothing else.
 */
#include <core/hub.h>
#include <core/hv.h>
#include <core/log.h>
#include <core/quiesce.h>
#include <core/smp.h>
#include <core/vcpu.h>

/*
 * Fail closed: leaving without the marker in PCR 17 would let quotes say
 * the hypervisor is still here, so then it stays.
 *
 * Every other CPU must answer first, before anything that cannot be
 * undone (a parked CPU does not come back; the marker says "gone"): a
 * guest that stays in its NMI handler holds the hypervisor's NMI back,
 * and then the unload is refused (E_BUSY) instead of waiting for ever.
 * The APs are told to park while they are held, so none goes back into
 * the guest, where its NMIs could be blocked again, before it parks.
 */
static long hc_unload(struct vcpu *v)
{
	long ret = 0;

	/* The boot CPU leaves last, after it parked the others. */
	if (v->index != 0)
		return XMHF_HC_E_INVAL;
	if (quiesce_begin(v) < 0)
		return XMHF_HC_E_BUSY;
	if (hv_extend_unload_marker()) {
		ret = XMHF_HC_E_TPM;
	} else {
		v->unload = true;
		smp_mark_park_aps();
	}
	quiesce_end(v);
	return ret;
}

/*
 * A hypapp's range: it sets RAX itself (ha_set) and the core moves RIP
 * past VMMCALL, unless the hypapp asked for a retry.
 */
static long hypapp_hypercall(struct vcpu *v, u64 fn)
{
	struct ha_event_info e = { .type = HA_EV_HYPERCALL, .hcall = {
		(u32)fn, { v->regs.rdi, v->regs.rsi, v->regs.rdx }, vcpu_cpl(v) } };

	if (fn < XMHF_HC_HYPAPP_BASE || fn > 0xffffffffull || !hub_wants(&e))
		return XMHF_HC_E_NOSYS;
	if (hub_dispatch(v, &e) == HA_DEFAULT)
		return XMHF_HC_E_NOSYS;
	return (long)vcpu_rax(v);
}

void hypercall(struct vcpu *v)
{
	u64 fn = vcpu_rax(v);
	bool cpl0 = vcpu_cpl(v) == 0;
	long ret;

	switch (fn) {
	case XMHF_HC_NULL:
		ret = 0;
		break;
	case XMHF_HC_STATUS:
		ret = cpl0 ? hv_status_to_guest(v, v->regs.rdi, v->regs.rsi,
						v->regs.rdx) : XMHF_HC_E_PERM;
		break;
	case XMHF_HC_LOG:
		ret = cpl0 ? hv_log_to_guest(v, v->regs.rdi, v->regs.rsi,
					     v->regs.rdx) : XMHF_HC_E_PERM;
		break;
	case XMHF_HC_UNLOAD:
		ret = cpl0 ? hc_unload(v) : XMHF_HC_E_PERM;
		break;
	case XMHF_HC_SELFCHECK:
		ret = cpl0 ? hv_selfcheck() : XMHF_HC_E_PERM;
		break;
	case XMHF_HC_EVENTLOG:
		ret = cpl0 ? hv_eventlog_to_guest(v, v->regs.rdi, v->regs.rsi) :
			     XMHF_HC_E_PERM;
		break;
#ifdef XMHF_TEST_HYPERCALLS
	/* Test hooks: in the test and probe blobs only (Makefile, HV_TEST_HC). */
	case XMHF_HC_QUIESCE_TEST:
		ret = cpl0 ? hv_quiesce_test(v, v->regs.rdi, v->regs.rsi) :
			     XMHF_HC_E_PERM;
		break;
	case XMHF_HC_LAYOUT:
		ret = cpl0 ? hv_layout_to_guest(v, v->regs.rdi, v->regs.rsi) :
			     XMHF_HC_E_PERM;
		break;
	case XMHF_HC_NMI_HOLD_TEST:
		ret = cpl0 ? hv_nmi_hold_test(v->regs.rdi, v->regs.rsi) :
			     XMHF_HC_E_PERM;
		break;
#endif
	default:
		ret = hypapp_hypercall(v, fn);
	}
	vcpu_set_rax(v, (u64)ret);
	vcpu_skip_exit_insn(v);		/* VMMCALL, prefixes included */
}
