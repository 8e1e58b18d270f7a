/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The probe hypapp (a test tool): it subscribes to every event class the
 * hub dispatches and keeps a counter and the last event's details for
 * each.  Its hypercalls are open to any CPL except PROTECT and
 * SUBSCRIBE_CR (CPL 0); do not ship it.
 */
#ifndef XMHF_UAPI_PROBE_H
#define XMHF_UAPI_PROBE_H

#include <xmhf/types.h>

#define XMHF_PROBE_MAGIC	0x424f5250	/* "PROB" */
#define XMHF_PROBE_MSR		0x8b		/* IA32_BIOS_SIGN_ID */
#define XMHF_PROBE_PORT		0x5a8		/* unused on PCs */
#define XMHF_PROBE_FLIP_BYTE	0x5a		/* see XMHF_PROBE_HC_FLIP */
#define XMHF_PROBE_CR_MASK	0x19		/* CR0, CR3, CR4 */

/* Offsets within the probe's hypercall range. */
enum xmhf_probe_hc {
	XMHF_PROBE_HC_STATS = 0,	/* RDI = struct xmhf_probe_stats *, RSI = size */
	XMHF_PROBE_HC_PROTECT = 1,	/* RDI = guest-physical page to write-protect */
	XMHF_PROBE_HC_UNSUBSCRIBE = 2,	/* RDI = mask of XMHF_PROBE_EV_* to drop */
	/*
	 * Inverts one byte of the probe's rodata, inside what
	 * XMHF_HC_SELFCHECK hashes; returns the byte's new value
	 * (XMHF_PROBE_FLIP_BYTE at launch, then its complement, ...).
	 */
	XMHF_PROBE_HC_FLIP = 3,
	/*
	 * RDI = CRs (bit n: CRn, of XMHF_PROBE_CR_MASK) whose writes the
	 * probe subscribes to from now on (the core then emulates them, the
	 * path the CR write checks guard).  CPL 0 only, as PROTECT.
	 */
	XMHF_PROBE_HC_SUBSCRIBE_CR = 4,
	/*
	 * RDI = an MSR the probe subscribes to from now on, if the core's
	 * MSR policy lets hypapps have it (else XMHF_HC_E_INVAL and nothing
	 * changes).  CPL 0 only.
	 */
	XMHF_PROBE_HC_SUBSCRIBE_MSR = 5,
	XMHF_PROBE_HC_IDENTIFY = 0xff,	/* returns XMHF_PROBE_MAGIC */
};

/* Same numbers as enum ha_event in hv/include/hypapp.h. */
enum xmhf_probe_event {
	XMHF_PROBE_EV_CR = 0, XMHF_PROBE_EV_DR = 1, XMHF_PROBE_EV_DESC = 6,
	XMHF_PROBE_EV_MSR = 2, XMHF_PROBE_EV_EXCEPTION = 3, XMHF_PROBE_EV_NMI = 4,
	XMHF_PROBE_EV_SHUTDOWN = 5, XMHF_PROBE_EV_INSN = 7,
	XMHF_PROBE_EV_HYPERCALL = 8, XMHF_PROBE_EV_IO = 9, XMHF_PROBE_EV_NPF = 11,
	XMHF_PROBE_EV_COUNT = 12
};

/* The instructions of enum ha_insn in hv/include/hypapp.h, in its order. */
enum xmhf_probe_insn {
	XMHF_PROBE_INSN_CPUID, XMHF_PROBE_INSN_RDTSC, XMHF_PROBE_INSN_RDTSCP,
	XMHF_PROBE_INSN_HLT, XMHF_PROBE_INSN_WBINVD, XMHF_PROBE_INSN_PAUSE,
	XMHF_PROBE_INSN_COUNT
};

/*
 * last[] per class:  CR: cr, value, RIP;  DR: dr, value, RIP;
 * DESC: LLDT selector, 0, RIP;  MSR: msr, write, value;  EXCEPTION: vector, error, RIP;
 * INSN: instruction (enum ha_insn: 0 CPUID, 1 RDTSC, 2 RDTSCP, 3 HLT,
 *       4 WBINVD, 5 PAUSE), leaf, RIP;
 * HYPERCALL: nr, arg0, cpl;  IO: port, size | in << 8 | insn length << 16, value;  NPF: gpa, write, RIP;
 * SHUTDOWN: 1 shutdown / 0 INIT, 0, RIP;  NMI: 0, 0, RIP.
 */
struct xmhf_probe_stats {
	__u32 magic;
	__u32 pad;
	__u64 count[XMHF_PROBE_EV_COUNT];
	__u64 last[XMHF_PROBE_EV_COUNT][3];
	__u64 insn_count[XMHF_PROBE_INSN_COUNT];	/* by enum ha_insn */
};

#endif /* XMHF_UAPI_PROBE_H */
