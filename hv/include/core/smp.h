/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every CPU under the hypervisor (docs/architecture.md, "SMP"): the APs
 * start into host mode through the hypervisor's own INIT-SIPI-SIPI and
 * wait there for the guest's SIPI; the guest's INIT and SIPI are
 * virtualised; unload parks the APs with SVM off for the module to INIT.
 */
#ifndef XMHF_CORE_SMP_H
#define XMHF_CORE_SMP_H

#include <core/percpu.h>
#include <core/spinlock.h>
#include <core/vcpu.h>
#include <xmhf/slparams.h>

/* Per-CPU memory for every CPU in p; v is the boot CPU's, already set up. */
int smp_init(const struct xmhf_sl_params *p, struct vcpu *bsp);
/* INIT-SIPI-SIPI every AP into host mode; 0 when all answered. */
int smp_start_aps(const struct xmhf_sl_params *p);
/* Unload or abort: every started AP out of guest mode and parked. */
void smp_park_aps(void);
/* Unload, with the APs held by a quiesce: each live AP parks when let go. */
void smp_mark_park_aps(void);
/* This CPU parks (a platform reset on another CPU asked it to). */
void smp_park_self(struct vcpu *v) __attribute__((noreturn));

unsigned int smp_count(void);
struct vcpu *smp_vcpu(unsigned int i);
/* The vCPU of the CPU running this, by APIC ID; NULL before smp_init(). */
struct vcpu *this_vcpu(void);
/* Alive in the hypervisor: waiting for SIPI or running the guest. */
bool vcpu_live(const struct vcpu *v);

/* A hypervisor NMI to t: it leaves guest mode and looks at its requests. */
void smp_kick(struct vcpu *t);

/* The runs of one CPU: guest mode or wait-for-SIPI, until unload or park. */
void vcpu_loop(struct vcpu *v);

/* Guards every vCPU's INIT/SIPI state (state, init_req, sipi). */
extern spinlock_t smp_start_lock;

/*
 * The guest wrote the ICR (xAPIC: low half at lo, high register hi).
 * -1 when the CPU refused the value (x2APIC reserved bits): #GP.
 */
int smp_guest_icr(struct vcpu *v, u32 lo, u32 hi, bool x2apic);
/* (smp_guest_icr() lives in core/guest_apic.c.) */
/* This CPU stopped for good (guest shutdown, host fault): not waited for. */
void smp_cpu_dead(struct vcpu *v);

#endif /* XMHF_CORE_SMP_H */
