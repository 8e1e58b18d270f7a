/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The load sequence: CPU check, blob, memory, SL parameters.  Kernel-free,
 * so it runs on the host under fault injection.
 */
#ifndef XMHF_LOADER_LOADER_H
#define XMHF_LOADER_LOADER_H

#include "cpu.h"
#include <xmhf/blob.h>
#include <xmhf/ioctl.h>
#include <xmhf/slparams.h>

struct xmhf_load_opts {
	const char *blob_name;	/* file under the firmware directory */
	enum xmhf_launch_kind launch;	/* what the user asked for */
	u16 debug_port;		/* hypervisor log port, 0 = off */
	u32 flags;		/* XMHF_SLPB_F_* */
	u32 extra_blocks;	/* heap blocks beyond the estimate, for headroom */
};

struct xmhf_loader {
	const struct xmhf_platform *plat;
	struct xmhf_cpu_caps caps;
	struct xmhf_blob_header blob;	/* copy of the accepted header */
	u8 *mem;			/* XMHF_MEM_SIZE bytes, or NULL */
	u64 mem_phys;
	/* More heap (uapi/xmhf/layout.h), sorted by physical address. */
	u8 *blocks[XMHF_MAX_BLOCKS];
	u64 blocks_phys[XMHF_MAX_BLOCKS];
	u32 num_blocks;
	/* From the runtime's header, kept: the unload scrubs the image. */
	u32 rt_log_ring, rt_exit_page;
	enum xmhf_state state;
	enum xmhf_launch_kind launch;
};

int xmhf_loader_load(struct xmhf_loader *ld, const struct xmhf_platform *plat,
		     const struct xmhf_load_opts *opts);
void xmhf_loader_unload(struct xmhf_loader *ld);
struct xmhf_sl_params *xmhf_loader_params(struct xmhf_loader *ld);
const char *xmhf_launch_name(enum xmhf_launch_kind kind);
int xmhf_launch_parse(const char *s, enum xmhf_launch_kind *kind);
const char *xmhf_skinit_check(const struct xmhf_cpu_caps *caps, u64 sl_base,
			      const struct xmhf_slb_header *slb, bool tpm);
u32 xmhf_blocks_for(const struct xmhf_sl_params *p, u64 rt_mem_size, u64 more_pages);
int xmhf_ram_add(struct xmhf_sl_params *p, u64 start, u64 size);
enum xmhf_launch_kind xmhf_launch_choose(enum xmhf_launch_kind requested,
					 const struct xmhf_cpu_caps *caps,
					 bool tpm);

#endif /* XMHF_LOADER_LOADER_H */
