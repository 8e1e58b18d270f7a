/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extends into PCR 17 at locality 2 and their event log, shared by the SL
 * (launch) and the runtime (unload marker).  regs0 is the TPM's locality 0
 * register page as the caller addresses it.
 */
#ifndef XMHF_CORE_MEASURE_H
#define XMHF_CORE_MEASURE_H

#include <types.h>
#include <xmhf/eventlog.h>

#define MEASURE_PCR		17
#define MEASURE_LOCALITY	2

struct xmhf_event *evlog_add(struct xmhf_eventlog *log, u32 type,
			     const void *data, size_t len, const char *desc);
int evlog_extend(struct xmhf_eventlog *log, volatile u8 *regs0,
		 const struct xmhf_event *ev);

#endif /* XMHF_CORE_MEASURE_H */
