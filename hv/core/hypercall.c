// SPDX-License-Identifier: GPL-2.0
/*
 * The core's hypercalls (uapi/xmhf/hypercall.h).  Management calls are
 * CPL 0 only; every failure is an error code in RAX and nothing else.
 */
#include <core/hv.h>
#include <core/log.h>
#include <core/vcpu.h>

static long hc_unload(struct vcpu *v)
{
	v->unload = true;
	return 0;
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
		ret = cpl0 ? hv_status_to_guest(v, v->regs.rdi, v->regs.rsi) :
			     XMHF_HC_E_PERM;
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
	default:
		ret = XMHF_HC_E_NOSYS;
	}
	vcpu_set_rax(v, (u64)ret);
	vcpu_skip_insn(v, 3);		/* VMMCALL is 0f 01 d9 */
}
