/* SPDX-License-Identifier: GPL-2.0 */
/* What the SL hands the runtime: its checked parameters and the extends it made. */
#ifndef XMHF_HV_SL_HANDOFF_H
#define XMHF_HV_SL_HANDOFF_H

#include <xmhf/eventlog.h>
#include <xmhf/slparams.h>

struct sl_handoff {
	struct xmhf_sl_params params;
	struct xmhf_eventlog log;
};

#endif /* XMHF_HV_SL_HANDOFF_H */
