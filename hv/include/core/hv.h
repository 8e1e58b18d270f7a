/* SPDX-License-Identifier: GPL-2.0 */
/* Runtime-wide state and services used by the hypercalls. */
#ifndef XMHF_CORE_HV_H
#define XMHF_CORE_HV_H

#include <types.h>
#include <core/vcpu.h>

long hv_status_to_guest(struct vcpu *v, u64 gva, u64 size, u64 first);
long hv_log_to_guest(struct vcpu *v, u64 gva, u64 size, u64 pos);
long hv_selfcheck(void);
int hv_extend_unload_marker(void);
long hv_eventlog_to_guest(struct vcpu *v, u64 gva, u64 size);
long hv_quiesce_test(struct vcpu *v, u64 gpa, u64 read_only);
long hv_layout_to_guest(struct vcpu *v, u64 gva, u64 size);
long hv_nmi_hold_test(u64 ms, u64 magic);

#endif /* XMHF_CORE_HV_H */
