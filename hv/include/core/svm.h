/* SPDX-License-Identifier: GPL-2.0 */
/* The SVM backend's entry points for the core. */
#ifndef XMHF_CORE_SVM_H
#define XMHF_CORE_SVM_H

#include <core/npt.h>
#include <core/vcpu.h>
#include <xmhf/slparams.h>

int svm_vcpu_init(struct vcpu *v, const struct xmhf_cpu_state *st,
		  const struct npt *npt);
void svm_run(struct vcpu *v, struct npt *npt);
void svm_apply_subscriptions(struct vcpu *v);

#endif /* XMHF_CORE_SVM_H */
