/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * /dev/xmhf ioctls.  Every struct starts with its size, so old tools keep
 * working with a newer module and the module can refuse what it does not
 * know.
 */
#ifndef XMHF_UAPI_IOCTL_H
#define XMHF_UAPI_IOCTL_H

#include <xmhf/types.h>
#include <xmhf/blob.h>
#ifndef XMHF_FREESTANDING
#include <linux/ioctl.h>
#endif

#define XMHF_DEVICE_PATH	"/dev/xmhf"
#define XMHF_SYSFS_DIR		"/sys/kernel/xmhf"

enum xmhf_state {
	XMHF_STATE_LOADED = 1,	/* memory and blob ready, not launched */
	XMHF_STATE_LAUNCHED = 2,	/* Linux runs as the guest */
	XMHF_STATE_FAILED = 3,	/* a launch failed; Linux runs natively */
};

static inline const char *xmhf_state_name(__u32 state)
{
	switch (state) {
	case XMHF_STATE_LOADED:
		return "loaded";
	case XMHF_STATE_LAUNCHED:
		return "launched";
	case XMHF_STATE_FAILED:
		return "failed";
	}
	return "unloaded";
}

struct xmhf_status {
	__u32 size;		/* in: sizeof(struct xmhf_status) */
	__u32 state;		/* enum xmhf_state */
	__u32 launch_kind;	/* enum xmhf_launch_kind */
	__u32 blob_fmt_major;
	__u32 blob_fmt_minor;
	__u32 num_cpus;		/* CPUs online in Linux */
	__u64 mem_phys;		/* hypervisor memory (0 unless root) */
	__u64 mem_size;		/* bytes the hypervisor occupies */
	__u64 sl_size;
	__u64 rt_mem_size;
	char module_version[16];
	char blob_build_id[XMHF_BLOB_ID_LEN];
};

#define XMHF_IOC_MAGIC		0xb9	/* no user in the uapi headers (0xb7 is nsfs) */
#define XMHF_IOC_STATUS		_IOWR(XMHF_IOC_MAGIC, 0x00, struct xmhf_status)

#endif /* XMHF_UAPI_IOCTL_H */
