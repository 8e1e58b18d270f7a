/* SPDX-License-Identifier: GPL-2.0 */
/* The event hub: hands guest events to the hypapps (hypapp.h). */
#ifndef XMHF_CORE_HUB_H
#define XMHF_CORE_HUB_H

#include <hypapp.h>
#include <core/npt.h>

/* What all hypapps together asked for; the arch code turns these on. */
struct hub_intercepts {
	u32 exceptions;
	u32 insns;
	const u32 *msrs[8];
	const u16 *ports[8];
};

int hub_init(struct npt *npt);
void hub_cpu_main(unsigned int cpu);
unsigned int hub_count(void);
const struct ha_subscription *hub_sub(unsigned int i);
/* Asks the subscribed hypapps in order; HA_DEFAULT if none took it. */
enum ha_result hub_dispatch(struct vcpu *v, const struct ha_event_info *e);
bool hub_wants(const struct ha_event_info *e);
bool hub_owns_page(u64 gpa);
void hub_shutdown(void);
bool hub_take_dirty(void);
/* The rebuild could not stop the other CPUs: try again at the next exit. */
void hub_set_dirty(void);

#endif /* XMHF_CORE_HUB_H */
