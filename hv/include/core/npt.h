/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Nested page tables for the rich guest: guest-physical == host-physical
 * everywhere, except the hypervisor's own memory, which is not present.
 */
#ifndef XMHF_CORE_NPT_H
#define XMHF_CORE_NPT_H

#include <types.h>

struct npt {
	u64 *root;
	u64 root_pa;
	bool la57;		/* same depth as the host's paging */
	u64 pages;		/* tables allocated, root included */
};

int npt_init(struct npt *n, bool la57, u64 map_end);
int npt_map_2m(struct npt *n, u64 gpa);
bool npt_protected(u64 gpa);
int npt_set_4k(struct npt *n, u64 gpa, bool read, bool write);
int npt_write_protect(struct npt *n, u64 start, u64 len);
int npt_hide(struct npt *n, u64 start, u64 len);	/* not present, for good */

#endif /* XMHF_CORE_NPT_H */
