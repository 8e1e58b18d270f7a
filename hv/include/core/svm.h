/* SPDX-License-Identifier: GPL-2.0 */
/* The SVM backend's entry points for the core. */
#ifndef XMHF_CORE_SVM_H
#define XMHF_CORE_SVM_H

#include <core/npt.h>
#include <core/vcpu.h>
#include <xmhf/slparams.h>

/* Once, on the boot CPU, before any vCPU. */
int svm_init(struct npt *npt);
int svm_vcpu_alloc(struct vcpu *v);
void svm_perm_maps(u64 *msrpm_pa, u64 *iopm_pa);
/* On the CPU that runs v. */
void svm_cpu_enable(struct vcpu *v);
/* VM_CR.R_INIT off again on this CPU, before it goes back to Linux. */
void svm_r_init_off(void);
void svm_vcpu_load(struct vcpu *v, const struct xmhf_cpu_state *st);
void svm_vcpu_reset(struct vcpu *v, u8 vector);
void svm_run(struct vcpu *v);
/* The hypapps' subscriptions into the shared intercepts; others stopped. */
void svm_rebuild_intercepts(void);

#endif /* XMHF_CORE_SVM_H */
