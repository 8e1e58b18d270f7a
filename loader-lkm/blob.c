// SPDX-License-Identifier: GPL-2.0
/*
 * Checks that a hypervisor blob is complete and well formed before any of
 * it is copied into hypervisor memory.  Shared by the module, the host
 * build tools and the unit tests, so it uses nothing but compat.h.
 */
#include "blob.h"
#include <xmhf/layout.h>
#include <xmhf/log.h>

/* Bitwise CRC-32 (IEEE 802.3, reflected); only a header's worth of data. */
u32 xmhf_crc32(const void *buf, size_t len)
{
	const u8 *p = buf;
	u32 crc = 0xffffffffu;
	int bit;

	while (len--) {
		crc ^= *p++;
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* CRC of the header as stored, with the CRC field taken as zero. */
u32 xmhf_blob_header_crc(const struct xmhf_blob_header *h)
{
	struct xmhf_blob_header tmp = *h;

	tmp.header_crc32 = 0;
	return xmhf_crc32(&tmp, sizeof(tmp));
}

/* True when [off, off + size) lies inside [0, limit); no overflow. */
static bool range_ok(u64 off, u64 size, u64 limit)
{
	return off <= limit && size <= limit - off;
}

static bool all_zero(const u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static int check_header(const struct xmhf_blob_header *h, size_t len)
{
	if (h->magic != XMHF_BLOB_MAGIC)
		return XMHF_BLOB_E_MAGIC;
	if (h->fmt_major != XMHF_BLOB_FMT_MAJOR)
		return XMHF_BLOB_E_FMT;
	if (h->header_size != sizeof(*h))
		return XMHF_BLOB_E_HDR_SIZE;
	if (h->header_crc32 != xmhf_blob_header_crc(h))
		return XMHF_BLOB_E_CRC;
	if (h->total_size > len)
		return XMHF_BLOB_E_TRUNCATED;
	if (h->total_size < len)
		return XMHF_BLOB_E_TRAILING;
	if (h->flags & ~XMHF_BLOB_F_KNOWN)
		return XMHF_BLOB_E_FLAGS;
	if (!memchr(h->build_id, 0, sizeof(h->build_id)) || !h->build_id[0])
		return XMHF_BLOB_E_BUILD_ID;
	if (h->reserved0 || !all_zero(h->reserved, sizeof(h->reserved)))
		return XMHF_BLOB_E_RESERVED;
	return XMHF_BLOB_OK;
}

static int check_sl(const struct xmhf_blob_header *h, const u8 *blob)
{
	struct xmhf_slb_header slb;

	if (h->sl_offset < h->header_size || h->sl_offset % XMHF_BLOB_ALIGN ||
	    !range_ok(h->sl_offset, h->sl_size, h->total_size) ||
	    h->sl_size < sizeof(slb) ||
	    h->sl_size > XMHF_SL_MAX_SIZE - XMHF_SL_STACK_SIZE)
		return XMHF_BLOB_E_SL_RANGE;

	memcpy(&slb, blob + h->sl_offset, sizeof(slb));
	/* SKINIT measures slb.length bytes and jumps to slb.entry. */
	if (slb.length < sizeof(slb) || slb.length > h->sl_size ||
	    slb.entry < sizeof(slb) || slb.entry >= slb.length)
		return XMHF_BLOB_E_SLB_HEADER;
	return XMHF_BLOB_OK;
}

static int check_rt(const struct xmhf_blob_header *h, const u8 *blob)
{
	struct xmhf_rt_header rt;

	if (h->rt_offset < (u64)h->sl_offset + h->sl_size ||
	    h->rt_offset % XMHF_BLOB_ALIGN ||
	    !range_ok(h->rt_offset, h->rt_size, h->total_size) ||
	    h->rt_size < sizeof(rt) || h->rt_mem_size < h->rt_size ||
	    h->rt_mem_size % XMHF_BLOB_ALIGN ||
	    h->rt_mem_size > XMHF_RT_MAX_SIZE || h->rt_entry >= h->rt_size)
		return XMHF_BLOB_E_RT_RANGE;

	memcpy(&rt, blob + h->rt_offset, sizeof(rt));
	/* The runtime's own header must agree with the blob header. */
	if (rt.magic != XMHF_RT_MAGIC || rt.image_size != h->rt_size ||
	    rt.mem_size != h->rt_mem_size || rt.entry != h->rt_entry ||
	    rt.link_base != XMHF_RT_VBASE ||
	    (rt.exit_page && (rt.exit_page % 0x1000 || rt.exit_page < sizeof(rt) ||
			      rt.exit_page > rt.image_size - 0x1000)) ||
	    (rt.log_ring && (rt.log_ring % 8 ||
			     rt.mem_size < sizeof(struct xmhf_log_ring) ||
			     rt.log_ring > rt.mem_size - sizeof(struct xmhf_log_ring))))
		return XMHF_BLOB_E_RT_HEADER;
	return XMHF_BLOB_OK;
}

/*
 * Returns XMHF_BLOB_OK or an XMHF_BLOB_E_* code for xmhf_blob_strerror().
 * A blob that passes can be copied to the layout in uapi/xmhf/layout.h
 * without any further bounds checks.
 */
int xmhf_blob_check(const void *buf, size_t len)
{
	struct xmhf_blob_header h;
	int err;

	if (!buf || len < sizeof(h))
		return XMHF_BLOB_E_SHORT;
	memcpy(&h, buf, sizeof(h));

	err = check_header(&h, len);
	if (!err)
		err = check_sl(&h, buf);
	if (!err)
		err = check_rt(&h, buf);
	return err;
}

static const char *const blob_errors[XMHF_BLOB_E_COUNT] = {
	[XMHF_BLOB_OK] = "ok",
	[XMHF_BLOB_E_SHORT] = "too short to hold a blob header",
	[XMHF_BLOB_E_MAGIC] = "bad magic (not an xmhf blob)",
	[XMHF_BLOB_E_FMT] = "unsupported blob format major version",
	[XMHF_BLOB_E_HDR_SIZE] = "unexpected header size",
	[XMHF_BLOB_E_CRC] = "header checksum mismatch (corrupt header)",
	[XMHF_BLOB_E_TRUNCATED] = "truncated: shorter than the header says",
	[XMHF_BLOB_E_TRAILING] = "longer than the header says (trailing data)",
	[XMHF_BLOB_E_FLAGS] = "unknown flags set",
	[XMHF_BLOB_E_BUILD_ID] = "build id empty or not terminated",
	[XMHF_BLOB_E_RESERVED] = "reserved header fields not zero",
	[XMHF_BLOB_E_SL_RANGE] = "secure loader out of bounds or too big",
	[XMHF_BLOB_E_SLB_HEADER] = "bad SLB header (entry/length)",
	[XMHF_BLOB_E_RT_RANGE] = "runtime out of bounds or too big",
	[XMHF_BLOB_E_RT_HEADER] = "runtime header does not match blob header",
};

const char *xmhf_blob_strerror(int err)
{
	if (err < 0 || err >= XMHF_BLOB_E_COUNT)
		return "unknown blob error";
	return blob_errors[err];
}

const struct xmhf_slb_header *xmhf_blob_slb(const void *blob)
{
	const struct xmhf_blob_header *h = blob;

	return (const void *)((const u8 *)blob + h->sl_offset);
}

const struct xmhf_rt_header *xmhf_blob_rt(const void *blob)
{
	const struct xmhf_blob_header *h = blob;

	return (const void *)((const u8 *)blob + h->rt_offset);
}
