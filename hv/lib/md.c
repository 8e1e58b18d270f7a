// SPDX-License-Identifier: GPL-2.0
/* Block buffering and padding for the 64-byte-block hashes (FIPS 180-4 5.1.1). */
#include <lib/md.h>
#include <lib/string.h>

void md_update(u32 *state, u8 *buf, u64 *count, const void *data, size_t len,
	       md_block_fn block)
{
	const u8 *p = data;
	size_t fill = *count & (MD_BLOCK_SIZE - 1);

	*count += len;
	if (fill) {
		size_t n = MD_BLOCK_SIZE - fill;

		if (n > len)
			n = len;
		memcpy(buf + fill, p, n);
		p += n;
		len -= n;
		if (fill + n < MD_BLOCK_SIZE)
			return;
		block(state, buf);
	}
	for (; len >= MD_BLOCK_SIZE; p += MD_BLOCK_SIZE, len -= MD_BLOCK_SIZE)
		block(state, p);
	memcpy(buf, p, len);
}

void md_final(u32 *state, u8 *buf, u64 count, md_block_fn block)
{
	u64 bits = count << 3;
	size_t fill = count & (MD_BLOCK_SIZE - 1);

	/* 0x80, zeros up to 56 mod 64, then the bit length big-endian. */
	buf[fill++] = 0x80;
	if (fill > MD_BLOCK_SIZE - 8) {
		memset(buf + fill, 0, MD_BLOCK_SIZE - fill);
		block(state, buf);
		fill = 0;
	}
	memset(buf + fill, 0, MD_BLOCK_SIZE - 8 - fill);
	store_be32(buf + 56, bits >> 32);
	store_be32(buf + 60, (u32)bits);
	block(state, buf);
}
