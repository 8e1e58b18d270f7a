/* SPDX-License-Identifier: GPL-2.0 */
/* Validation of the hypervisor blob (uapi/xmhf/blob.h), kernel and host. */
#ifndef XMHF_LOADER_BLOB_H
#define XMHF_LOADER_BLOB_H

#include "compat.h"
#include <xmhf/blob.h>

enum xmhf_blob_error {
	XMHF_BLOB_OK = 0,
	XMHF_BLOB_E_SHORT,
	XMHF_BLOB_E_MAGIC,
	XMHF_BLOB_E_FMT,
	XMHF_BLOB_E_HDR_SIZE,
	XMHF_BLOB_E_CRC,
	XMHF_BLOB_E_TRUNCATED,
	XMHF_BLOB_E_TRAILING,
	XMHF_BLOB_E_FLAGS,
	XMHF_BLOB_E_BUILD_ID,
	XMHF_BLOB_E_RESERVED,
	XMHF_BLOB_E_SL_RANGE,
	XMHF_BLOB_E_SLB_HEADER,
	XMHF_BLOB_E_RT_RANGE,
	XMHF_BLOB_E_RT_HEADER,
	XMHF_BLOB_E_COUNT
};

u32 xmhf_crc32(const void *buf, size_t len);
u32 xmhf_blob_header_crc(const struct xmhf_blob_header *h);
int xmhf_blob_check(const void *buf, size_t len);
const char *xmhf_blob_strerror(int err);

/* The SLB and runtime headers inside a blob that passed xmhf_blob_check(). */
const struct xmhf_slb_header *xmhf_blob_slb(const void *blob);
const struct xmhf_rt_header *xmhf_blob_rt(const void *blob);

#endif /* XMHF_LOADER_BLOB_H */
