/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The hypervisor's in-memory log: a byte ring that only grows.  Readers
 * keep their own position; 'head' counts every byte ever written, so a
 * reader that fell more than 'size' behind knows what it lost.
 */
#ifndef XMHF_UAPI_LOG_H
#define XMHF_UAPI_LOG_H

#include <xmhf/types.h>

#define XMHF_LOG_MAGIC		0x474c4858	/* "XHLG" in memory order */
#define XMHF_LOG_SIZE		16384		/* power of two */

struct xmhf_log_ring {
	__u32 magic;
	__u32 size;		/* XMHF_LOG_SIZE */
	__u64 head;		/* bytes written since start */
	char data[XMHF_LOG_SIZE];
};

#endif /* XMHF_UAPI_LOG_H */
