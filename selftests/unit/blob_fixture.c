// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "blob_fixture.h"
#include <xmhf/layout.h>

unsigned char *fixture_blob(size_t *size)
{
	struct xmhf_blob_header h = { 0 };
	struct xmhf_slb_header slb = { .entry = 8, .length = FIX_SL_SIZE - 0x10 };
	struct xmhf_rt_header rt = {
		.magic = XMHF_RT_MAGIC, .image_size = FIX_RT_SIZE,
		.mem_size = FIX_RT_MEM, .entry = FIX_RT_ENTRY,
		.link_base = XMHF_RT_VBASE,
		.log_ring = FIX_RT_SIZE,	/* right after the image, as linked */
		.exit_page = FIX_RT_SIZE - 0x1000,
	};
	unsigned char *b;
	size_t i;

	h.magic = XMHF_BLOB_MAGIC;
	h.fmt_major = XMHF_BLOB_FMT_MAJOR;
	h.fmt_minor = XMHF_BLOB_FMT_MINOR;
	h.header_size = sizeof(h);
	h.sl_offset = 0x1000;
	h.sl_size = FIX_SL_SIZE;
	h.rt_offset = 0x2000;
	h.rt_size = FIX_RT_SIZE;
	h.rt_mem_size = FIX_RT_MEM;
	h.rt_entry = FIX_RT_ENTRY;
	h.total_size = h.rt_offset + h.rt_size;
	strcpy(h.build_id, "test-fixture");
	h.header_crc32 = xmhf_blob_header_crc(&h);

	b = calloc(1, h.total_size);
	memcpy(b, &h, sizeof(h));
	memcpy(b + h.sl_offset, &slb, sizeof(slb));
	for (i = sizeof(slb); i < FIX_SL_SIZE; i++)
		b[h.sl_offset + i] = (unsigned char)(i * 7);
	memcpy(b + h.rt_offset, &rt, sizeof(rt));
	for (i = sizeof(rt); i < FIX_RT_SIZE; i++)
		b[h.rt_offset + i] = (unsigned char)(i * 13);
	*size = h.total_size;
	return b;
}

void fixture_reseal(unsigned char *blob)
{
	struct xmhf_blob_header *h = (struct xmhf_blob_header *)blob;

	h->header_crc32 = xmhf_blob_header_crc(h);
}
