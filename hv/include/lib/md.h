/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Merkle-Damgard framing shared by SHA-1 and SHA-256: 64-byte blocks, a
 * 0x80 pad byte, and the message length in bits as a big-endian u64.
 */
#ifndef XMHF_LIB_MD_H
#define XMHF_LIB_MD_H

#include <types.h>

#define MD_BLOCK_SIZE 64

typedef void (*md_block_fn)(u32 *state, const u8 *block);

static inline u32 load_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void store_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Feeds len bytes; buf holds the partial block, count all bytes so far. */
void md_update(u32 *state, u8 *buf, u64 *count, const void *data, size_t len,
	       md_block_fn block);
/* Pads and runs the last block(s); the caller reads out state. */
void md_final(u32 *state, u8 *buf, u64 count, md_block_fn block);

#endif /* XMHF_LIB_MD_H */
