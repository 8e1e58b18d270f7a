/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's MSR policy: one table (hv/arch/x86/msr.c), the only place
 * that says what the guest may read or write (docs/isolation-msr.md).
 * An MSR that is not in it is intercepted and refused with #GP.  The
 * vendor code builds its permission map from the table (msr_pass) and
 * hands every MSR exit to msr_exit().
 */
#ifndef XMHF_ARCH_MSR_H
#define XMHF_ARCH_MSR_H

#include <types.h>

struct vcpu;

/* Once, on the boot CPU, before any guest runs: the values the filters keep. */
void msr_policy_init(void);

/*
 * For the permission map: calls pass(first, last, read, write, ctx) for
 * every row whose reads (read) or writes (write) go to the CPU without an
 * exit.  Everything else, the MSRs in no row included, must exit.
 */
void msr_for_each_pass(void (*pass)(u32 first, u32 last, bool read, bool write,
				    void *ctx), void *ctx);

/* May a hypapp subscribe this MSR (hub.c checks every subscription)? */
bool msr_hypapp_may_subscribe(u32 msr);

/*
 * An RDMSR (write false) or WRMSR exit: hypapps that subscribed it first,
 * then the table's policy; #GP or RIP past the instruction.
 */
void msr_exit(struct vcpu *v, bool write);

#endif /* XMHF_ARCH_MSR_H */
