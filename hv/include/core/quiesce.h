/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stopping every other CPU while one changes shared state
 * (docs/architecture.md, "SMP", quiesce via NMI).  The stopper sends each
 * live CPU an NMI; a CPU in guest mode exits, takes the NMI in the host's
 * handler and spins there; one in host mode answers at its next safe point.
 * Resumed CPUs flush their TLBs on the next VMRUN (every VMRUN flushes all
 * ASIDs here).
 *
 * Never call quiesce_begin() holding another lock: a CPU spinning on that
 * lock could not answer.
 */
#ifndef XMHF_CORE_QUIESCE_H
#define XMHF_CORE_QUIESCE_H

#include <core/vcpu.h>

/*
 * Returns with every other live CPU stopped: how many were stopped.  Or
 * -1 when a live CPU did not answer in time (a guest that stays in its
 * NMI handler holds the NMI back): then nothing is stopped, quiesce_end()
 * is not called, and the caller refuses its operation (a later try may
 * succeed).
 */
int quiesce_begin(struct vcpu *me);
void quiesce_end(struct vcpu *me);
/* A safe point: stop here while another CPU holds the others stopped. */
void quiesce_poll(struct vcpu *v);
u64 quiesce_count(void);
/* How many quiesces gave up on a CPU that did not answer. */
u64 quiesce_timeouts(void);

#endif /* XMHF_CORE_QUIESCE_H */
