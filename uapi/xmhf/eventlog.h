/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The hypervisor's measurement log: every extend it made (or, for DRTM,
 * that the CPU made for it), so a verifier can replay PCR 17:
 *   PCR17 = 00..00 (DRTM) or FF..FF (emulated launch),
 *   then for each event: PCR17 = H(PCR17 || digest), per bank.
 */
#ifndef XMHF_UAPI_EVENTLOG_H
#define XMHF_UAPI_EVENTLOG_H

#include <xmhf/types.h>

#define XMHF_EVLOG_MAX		8
#define XMHF_EV_DESC_LEN	40

enum xmhf_event_type {
	XMHF_EV_SLB = 1,	/* H(SLB): by the CPU (SKINIT) or the SL */
	XMHF_EV_RUNTIME = 2,	/* H(runtime image, hypapps included) */
	XMHF_EV_UNLOAD = 3,	/* the unload marker */
};

enum xmhf_measure_state {
	XMHF_MEAS_NONE = 0,	/* no TPM: launched unmeasured */
	XMHF_MEAS_OK = 1,	/* every extend succeeded */
	XMHF_MEAS_FAILED = 2,	/* the TPM refused or failed an extend */
};

/*
 * xmhf_eventlog.flags.  UNCERTAIN: an extend failed after its command
 * reached the TPM, with no valid answer (timeout, FIFO protocol error,
 * lost locality, malformed response), so the TPM may have made it: PCR 17
 * may hold more than the events replay to, a golden value included, even
 * when state is FAILED.  The unload then extends the marker all the same
 * (and stays when it cannot).  It is never cleared.
 */
#define XMHF_EVLOG_F_UNCERTAIN	(1u << 0)

struct xmhf_event {
	__u32 pcr;
	__u32 type;		/* enum xmhf_event_type */
	__u8 sha1[20];
	__u8 sha256[32];
	char desc[XMHF_EV_DESC_LEN];	/* NUL-terminated */
};

struct xmhf_eventlog {
	__u32 count;
	__u32 state;		/* enum xmhf_measure_state */
	__s32 tpm_error;	/* the driver's error when state is FAILED */
	__u32 tpm_rc;		/* the TPM's response code, if it gave one */
	__u32 flags;		/* XMHF_EVLOG_F_* */
	struct xmhf_event ev[XMHF_EVLOG_MAX];
};

/* What the unload marker hashes (both banks): no golden value matches it. */
#define XMHF_UNLOAD_MARKER	"xmhf-ll: hypervisor unloaded"

#endif /* XMHF_UAPI_EVENTLOG_H */
