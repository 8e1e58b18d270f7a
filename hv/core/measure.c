// SPDX-License-Identifier: GPL-2.0
/*
 * Event log entries and their PCR 17 extends (docs/architecture.md,
 * "Measurement chain").
 */
#include <core/measure.h>
#include <lib/crypto.h>
#include <lib/string.h>
#include <lib/tpm.h>

/* Hashes data in both banks into a new event; NULL when the log is full. */
struct xmhf_event *evlog_add(struct xmhf_eventlog *log, u32 type,
			     const void *data, size_t len, const char *desc)
{
	struct xmhf_event *ev;

	if (log->count >= XMHF_EVLOG_MAX)
		return NULL;
	ev = &log->ev[log->count++];
	ev->pcr = MEASURE_PCR;
	ev->type = type;
	sha1(data, len, ev->sha1);
	sha256(data, len, ev->sha256);
	strlcpy(ev->desc, desc, sizeof(ev->desc));
	return ev;
}

/*
 * One TPM2_PCR_Extend of both banks at locality 2.  A failure is kept in
 * the log's state, so quotes and status say the launch is not measured;
 * one after which the TPM may have made the extend all the same (the
 * command went out, no valid answer came back) also sets
 * XMHF_EVLOG_F_UNCERTAIN, so the unload still cancels PCR 17.
 */
int evlog_extend(struct xmhf_eventlog *log, volatile u8 *regs0,
		 const struct xmhf_event *ev)
{
	struct tpm t;
	int err;

	err = tpm_open(&t, regs0, MEASURE_LOCALITY);
	if (!err) {
		err = tpm2_pcr_extend(&t, ev->pcr, ev->sha1, ev->sha256);
		log->tpm_rc = t.last_rc;
		if (tpm_outcome_unknown(&t, err))
			log->flags |= XMHF_EVLOG_F_UNCERTAIN;
		tpm_close(&t);
	}
	if (err) {
		log->state = XMHF_MEAS_FAILED;
		log->tpm_error = err;
	}
	return err;
}
